//! The one handler behind every path: counts and logs the request, fires a matching fault,
//! routes it to its endpoint family, and adds ETags, 304s and the REST API budget.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, Method, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use super::answer::{Answer, Incoming, etag_matches, etag_of, respond};
use super::api::api;
use super::connection::ConnHandle;
use super::goproxy::proxy;
use super::releases::download;
use super::requests::classify;
use super::state::{Inner, Shared, now_secs};
use super::{FaultAction, Kind, RecordedRequest};

pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    let headers = request.headers().clone();

    if path.starts_with("/_standin/") {
        return control(&shared, &method, &path);
    }

    let kind = classify(&path);
    let incoming = Incoming {
        kind,
        path: path.clone(),
        query: query.clone(),
        headers,
    };
    let path_and_query = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };

    let (index, fault) = {
        let mut inner = shared.lock();
        inner.counts.bump(kind);
        let index = inner.request_base + inner.requests.len();
        inner.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            kind,
            authorization: incoming.header(header::AUTHORIZATION),
            if_none_match: incoming.header(header::IF_NONE_MATCH),
            accept: incoming.header(header::ACCEPT),
            status: None,
            fault: None,
        });
        let fault = inner.take_fault(kind, &path_and_query);
        (index, fault)
    };
    let fault_name = fault.as_ref().map(FaultAction::name);

    let mut truncate = None;
    let answer = match fault {
        Some(FaultAction::Reset) => {
            conn.0.reset.store(true, Ordering::SeqCst);
            shared.lock().record_status(index, None, fault_name);
            return Response::new(Body::empty());
        }
        Some(FaultAction::RateLimited { reset_in }) => {
            let inner = shared.lock();
            let reset = now_secs() + reset_in.as_secs();
            Answer::json(
                StatusCode::FORBIDDEN,
                &json!({
                    "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
                    "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
                }),
            )
            .with(HeaderName::from_static("x-ratelimit-limit"), inner.limit.to_string())
            .with(HeaderName::from_static("x-ratelimit-remaining"), "0")
            .with(HeaderName::from_static("x-ratelimit-used"), inner.limit.to_string())
            .with(HeaderName::from_static("x-ratelimit-reset"), reset.to_string())
            .with(HeaderName::from_static("x-ratelimit-resource"), "core")
        }
        Some(FaultAction::TooManyRequests { retry_after }) => with_rate_headers(
            &shared,
            kind,
            Answer::json(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({
                    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
                }),
            )
            .with(header::RETRY_AFTER, retry_after.to_string()),
        ),
        Some(FaultAction::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut answer = Answer::text(
                status,
                format!("stand-in fault: {}", status.canonical_reason().unwrap_or("error")),
            );
            answer.cacheable = false;
            with_rate_headers(&shared, kind, answer)
        }
        other => {
            match other {
                Some(FaultAction::Slow(delay)) => tokio::time::sleep(delay).await,
                Some(FaultAction::Truncated { keep }) => truncate = Some(keep),
                _ => {}
            }
            if method != Method::GET && method != Method::HEAD {
                Answer::text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served")
            } else {
                serve(&shared, &incoming)
            }
        }
    };

    let status = answer.status.as_u16();
    shared.lock().record_status(index, Some(status), fault_name);
    respond(answer, truncate)
}

fn with_rate_headers(shared: &Shared, kind: Kind, answer: Answer) -> Answer {
    if kind != Kind::Api {
        return answer;
    }
    let inner = shared.lock();
    rate_headers(&inner, answer)
}

fn rate_headers(inner: &Inner, answer: Answer) -> Answer {
    answer
        .with(
            HeaderName::from_static("x-ratelimit-limit"),
            inner.limit.to_string(),
        )
        .with(
            HeaderName::from_static("x-ratelimit-remaining"),
            inner.remaining.to_string(),
        )
        .with(
            HeaderName::from_static("x-ratelimit-used"),
            (inner.limit - inner.remaining).to_string(),
        )
        .with(
            HeaderName::from_static("x-ratelimit-reset"),
            inner.reset_at.to_string(),
        )
        .with(HeaderName::from_static("x-ratelimit-resource"), "core")
}

fn control(shared: &Shared, method: &Method, path: &str) -> Response {
    let answer = match (method.as_str(), path) {
        ("GET", "/_standin/counts") => Answer::new(
            StatusCode::OK,
            "application/json",
            shared.lock().counts.to_json(),
        ),
        ("POST", "/_standin/reset") => {
            shared.lock().reset_log();
            Answer::text(StatusCode::OK, "ok")
        }
        _ => Answer::text(StatusCode::NOT_FOUND, "unknown control path"),
    };
    respond(answer, None)
}

/// Routes a request (no fault), with ETag, 304 and the API budget.
fn serve(shared: &Shared, incoming: &Incoming) -> Answer {
    let mut inner = shared.lock();
    let kind = incoming.kind;
    let charged = kind == Kind::Api && incoming.path != "/api/v3/rate_limit";
    if charged && inner.remaining == 0 {
        let answer = Answer::json(
            StatusCode::FORBIDDEN,
            &json!({
                "message": "API rate limit exceeded for 127.0.0.1.",
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
            }),
        );
        return rate_headers(&inner, answer);
    }
    let mut answer = match kind {
        Kind::Api => api(shared, &mut inner, incoming),
        Kind::Proxy => proxy(&inner, &incoming.path),
        Kind::Download => download(shared, &mut inner, &incoming.path),
        Kind::Other => Answer::text(StatusCode::NOT_FOUND, "Not Found"),
    };
    if answer.cacheable {
        let salt = if kind == Kind::Api && inner.etag_per_token {
            Some(incoming.header(header::AUTHORIZATION).unwrap_or_default())
        } else {
            None
        };
        let etag = etag_of(&answer.body, salt.as_deref());
        if incoming
            .header(header::IF_NONE_MATCH)
            .is_some_and(|inm| etag_matches(&inm, &etag))
        {
            inner.counts.bump_not_modified(kind);
            let headers: Vec<(HeaderName, String)> = answer
                .headers
                .into_iter()
                .filter(|(n, _)| n != header::CONTENT_TYPE)
                .collect();
            answer = Answer {
                status: StatusCode::NOT_MODIFIED,
                headers,
                body: Bytes::new(),
                cacheable: false,
            };
            answer.headers.push((header::ETAG, etag));
            return if kind == Kind::Api {
                rate_headers(&inner, answer)
            } else {
                answer
            };
        }
        answer.headers.push((header::ETAG, etag));
    }
    if kind == Kind::Api {
        if charged {
            inner.remaining -= 1;
            inner.counts.api_charged += 1;
        }
        answer = rate_headers(&inner, answer);
    }
    answer
}
