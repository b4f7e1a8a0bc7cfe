//! Requests as the routes read them and answers before they become responses, with the
//! helpers they share: percent-decoding and ETags.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::StreamExt as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Kind;

/// An answer before it becomes a response.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: Vec<(HeaderName, String)>,
    pub(super) body: Bytes,
    /// Whether it gets an ETag (and may become a 304).
    pub(super) cacheable: bool,
}

impl Answer {
    pub(super) fn new(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Answer {
        Answer {
            status,
            headers: vec![(header::CONTENT_TYPE, content_type.to_string())],
            body: body.into(),
            cacheable: status == StatusCode::OK,
        }
    }

    pub(super) fn json(status: StatusCode, value: &Value) -> Answer {
        Answer::new(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec_pretty(value).expect("json"),
        )
    }

    pub(super) fn api_not_found() -> Answer {
        Answer::json(
            StatusCode::NOT_FOUND,
            &json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest",
                "status": "404"
            }),
        )
    }

    pub(super) fn text(status: StatusCode, text: impl Into<String>) -> Answer {
        Answer::new(status, "text/plain; charset=utf-8", text.into())
    }

    pub(super) fn redirect(location: String) -> Answer {
        let mut answer = Answer::text(StatusCode::FOUND, "");
        answer.headers.push((header::LOCATION, location));
        answer.cacheable = false;
        answer
    }

    pub(super) fn with(mut self, name: HeaderName, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }
}

pub(super) struct Incoming {
    pub(super) kind: Kind,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: HeaderMap,
}

impl Incoming {
    pub(super) fn header(&self, name: HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub(super) fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then(|| percent_decode(v))
        })
    }
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn etag_of(body: &[u8], salt: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(body);
    if let Some(salt) = salt {
        hasher.update(b"\0");
        hasher.update(salt.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (weak comparison, as for GET).
pub(super) fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let etag = bare(etag);
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || bare(candidate) == etag)
}

pub(super) fn respond(answer: Answer, truncate: Option<usize>) -> Response {
    let mut builder = Response::builder().status(answer.status);
    for (name, value) in &answer.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            builder = builder.header(name, value);
        }
    }
    let body = match truncate {
        Some(keep) if answer.status == StatusCode::OK && !answer.body.is_empty() => {
            let full = answer.body.len();
            let keep = keep.min(full - 1);
            builder = builder.header(header::CONTENT_LENGTH, full.to_string());
            let head = answer.body.slice(..keep);
            let stream = futures::stream::iter([Ok::<Bytes, std::io::Error>(head)]).chain(
                futures::stream::once(async {
                    // Let the partial body reach the socket, then break the connection.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::other("stand-in fault: truncated body"))
                }),
            );
            Body::from_stream(stream)
        }
        _ => Body::from(answer.body),
    };
    builder.body(body).expect("response")
}
