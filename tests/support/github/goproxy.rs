//! The Go module proxy's `@v/list`, which capictl reads a GitHub repository's versions from.

use axum::http::StatusCode;

use super::answer::{Answer, percent_decode};
use super::repos::semver_of;
use super::state::Inner;

pub(super) fn proxy(inner: &Inner, path: &str) -> Answer {
    let not_found = |what: &str| Answer::text(StatusCode::NOT_FOUND, format!("not found: {what}"));
    let Some((module, rest)) = path.trim_start_matches('/').split_once("/@v/") else {
        return not_found(path);
    };
    if rest != "list" {
        return not_found(path);
    }
    let module = unescape_module(&percent_decode(module));
    let mut segments: Vec<&str> = module.split('/').collect();
    let mut major = None;
    if let Some(last) = segments.last()
        && segments.len() == 4
        && let Some(n) = last.strip_prefix('v').and_then(|n| n.parse::<u64>().ok())
    {
        if n < 2 {
            return not_found(&module);
        }
        major = Some(n);
        segments.pop();
    }
    if segments.len() != 3 {
        return not_found(&module);
    }
    let Some(repo) = inner.find_repo(segments[1], segments[2]) else {
        return not_found(&format!("module {module}: 404 Not Found"));
    };
    let tags: Vec<String> = inner
        .proxy_tags(repo)
        .into_iter()
        .filter(|t| {
            semver_of(t).is_some_and(|v| match major {
                None => v.major <= 1,
                Some(n) => v.major == n,
            })
        })
        .collect();
    if major.is_some() && tags.is_empty() {
        return not_found(&format!("module {module}: no matching versions"));
    }
    let mut body = String::new();
    for tag in tags {
        body.push_str(&tag);
        body.push('\n');
    }
    Answer::text(StatusCode::OK, body)
}

/// `!x` → `X`, the Go proxy's case encoding.
fn unescape_module(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut bang = false;
    for c in path.chars() {
        if bang {
            out.push(c.to_ascii_uppercase());
            bang = false;
        } else if c == '!' {
            bang = true;
        } else {
            out.push(c);
        }
    }
    out
}
