//! An in-process stand-in for the two things distribution 2.8 cannot do: a Bearer token realm
//! (`401` + `WWW-Authenticate: Bearer realm=…`, then a token endpoint that also takes OAuth2
//! refresh tokens) and paginated tag lists (`Link: <…>; rel="next"`, or `n`/`last` only). Every
//! other request is forwarded to a real registry, so manifests and blobs still come from
//! distribution itself.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How the mock behaves.
#[derive(Debug, Clone, Default)]
pub struct MockOptions {
    /// Require Bearer tokens from the token realm on every `/v2/` request.
    pub bearer: bool,
    /// Credentials the token realm requires (Basic), if any.
    pub basic: Option<(String, String)>,
    /// A refresh token the realm accepts in an OAuth2 `refresh_token` grant.
    pub refresh_token: Option<String>,
    /// Tag list pagination: `Some(page)` caps pages at `page` tags and sends `Link`;
    /// `None` honours `n`/`last` exactly and never sends `Link`.
    pub link_page: Option<usize>,
    /// Tags added to the upstream's list (e.g. junk that is not a version).
    pub extra_tags: Vec<String>,
}

struct MockState {
    addr: String,
    upstream: String,
    options: MockOptions,
    http: reqwest::Client,
    requests: Mutex<Vec<String>>,
    token_requests: Mutex<Vec<String>>,
    issued: Mutex<HashSet<String>>,
}

/// A running mock in front of a real registry.
pub struct RegistryMock {
    /// `127.0.0.1:PORT`.
    pub addr: String,
    state: Arc<MockState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RegistryMock {
    /// Starts the mock, forwarding to the registry at `upstream` (`127.0.0.1:PORT`).
    pub fn start(upstream: &str, options: MockOptions) -> RegistryMock {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let upstream = format!("http://{upstream}");
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap().to_string();
                let state = Arc::new(MockState {
                    addr: addr.clone(),
                    upstream,
                    options,
                    http: reqwest::Client::new(),
                    requests: Mutex::new(Vec::new()),
                    token_requests: Mutex::new(Vec::new()),
                    issued: Mutex::new(HashSet::new()),
                });
                addr_tx.send((addr, state.clone())).unwrap();
                let app = axum::Router::new()
                    .route("/token", axum::routing::get(token).post(token))
                    .fallback(proxy)
                    .with_state(state);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let (addr, state) = addr_rx.recv().unwrap();
        RegistryMock {
            addr,
            state,
            shutdown: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Every `/v2/` request seen, as `METHOD path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Every token request seen, as `GET scope` or `POST grant scope`.
    pub fn token_requests(&self) -> Vec<String> {
        self.state.token_requests.lock().unwrap().clone()
    }
}

impl Drop for RegistryMock {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn token(
    State(state): State<Arc<MockState>>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let scope = query
        .get("scope")
        .or_else(|| form.get("scope"))
        .cloned()
        .unwrap_or_default();
    let accepted = if method == Method::POST {
        let grant = form.get("grant_type").cloned().unwrap_or_default();
        state
            .token_requests
            .lock()
            .unwrap()
            .push(format!("POST {grant} {scope}"));
        grant == "refresh_token"
            && state.options.refresh_token.is_some()
            && form.get("refresh_token") == state.options.refresh_token.as_ref()
    } else {
        state
            .token_requests
            .lock()
            .unwrap()
            .push(format!("GET {scope}"));
        match &state.options.basic {
            None => true,
            Some((user, password)) => {
                use base64::Engine as _;
                let expected = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
                );
                headers
                    .get(header::AUTHORIZATION)
                    .is_some_and(|v| v.as_bytes() == expected.as_bytes())
            }
        }
    };
    if !accepted {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials for the token realm"}]}"#,
        )
            .into_response();
    }
    let mut issued = state.issued.lock().unwrap();
    let token = format!("mock-token-{}", issued.len() + 1);
    issued.insert(token.clone());
    let body = if method == Method::POST {
        serde_json::json!({"access_token": token, "expires_in": 300})
    } else {
        serde_json::json!({"token": token, "expires_in": 300})
    };
    axum::Json(body).into_response()
}

async fn proxy(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let path_and_query = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    state
        .requests
        .lock()
        .unwrap()
        .push(format!("{method} {path_and_query}"));
    let name = path
        .strip_prefix("/v2/")
        .and_then(|rest| {
            ["/tags/", "/manifests/", "/blobs/"]
                .iter()
                .find_map(|marker| rest.split_once(marker).map(|(name, _)| name))
        })
        .unwrap_or_default()
        .to_string();
    if state.options.bearer {
        let authorized = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| state.issued.lock().unwrap().contains(t));
        if !authorized {
            let challenge = format!(
                "Bearer realm=\"http://{}/token\",service=\"mock-registry\",scope=\"repository:{name}:pull\"",
                state.addr
            );
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, challenge)],
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
            )
                .into_response();
        }
    }
    if method == Method::GET && path.ends_with("/tags/list") {
        return tags_page(&state, &name, query.as_deref()).await;
    }
    forward(&state, request, &path_and_query).await
}

async fn tags_page(state: &MockState, name: &str, query: Option<&str>) -> Response {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let upstream = state
        .http
        .get(format!("{}/v2/{name}/tags/list", state.upstream))
        .send()
        .await
        .unwrap();
    let mut tags: BTreeSet<String> = if upstream.status().is_success() {
        let json: serde_json::Value = upstream.json().await.unwrap();
        json["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect()
    } else {
        BTreeSet::new()
    };
    tags.extend(state.options.extra_tags.iter().cloned());
    let n: usize = params
        .get("n")
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    let remaining: Vec<String> = tags
        .into_iter()
        .filter(|t| params.get("last").is_none_or(|last| t > last))
        .collect();
    let size = match state.options.link_page {
        Some(page) => n.min(page),
        None => n,
    };
    let page: Vec<String> = remaining.iter().take(size).cloned().collect();
    let mut response = axum::Json(serde_json::json!({"name": name, "tags": page})).into_response();
    if state.options.link_page.is_some()
        && remaining.len() > page.len()
        && let Some(last) = page.last()
    {
        let link = format!("</v2/{name}/tags/list?n={size}&last={last}>; rel=\"next\"");
        response
            .headers_mut()
            .insert(header::LINK, HeaderValue::from_str(&link).unwrap());
    }
    response
}

async fn forward(state: &MockState, request: Request, path_and_query: &str) -> Response {
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let mut upstream = state
        .http
        .request(method, format!("{}{path_and_query}", state.upstream));
    for name in [header::ACCEPT, header::CONTENT_TYPE] {
        if let Some(value) = headers.get(&name) {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.body(body.to_vec()).send().await.unwrap();
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let mut out = HeaderMap::new();
    for name in [
        header::CONTENT_TYPE,
        header::LOCATION,
        header::ETAG,
        header::HeaderName::from_static("docker-content-digest"),
    ] {
        if let Some(value) = answer.headers().get(&name) {
            let text = value
                .to_str()
                .unwrap_or_default()
                .replace(&state.upstream, &format!("http://{}", state.addr));
            out.insert(name, HeaderValue::from_str(&text).unwrap());
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    (status, out, bytes.to_vec()).into_response()
}
