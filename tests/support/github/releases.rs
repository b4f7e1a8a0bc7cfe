//! Release downloads: `releases/download/{tag}/{file}` and the `releases/latest` redirect.

use axum::http::StatusCode;

use super::Kind;
use super::answer::{Answer, percent_decode};
use super::repos::semver_of;
use super::state::{Inner, Shared};

pub(super) fn download(shared: &Shared, inner: &mut Inner, path: &str) -> Answer {
    let not_found = || Answer::text(StatusCode::NOT_FOUND, "Not Found");
    let decoded = percent_decode(path);
    let parts: Vec<&str> = decoded.trim_start_matches('/').splitn(6, '/').collect();
    if parts.len() < 5 {
        return not_found();
    }
    let Some(repo) = inner.find_repo(parts[0], parts[1]) else {
        return not_found();
    };
    if parts[3] == "latest" {
        // /{o}/{r}/releases/latest/download/{file...}
        let file = parts[4..].join("/");
        let file = file.strip_prefix("download/").unwrap_or(&file).to_string();
        let Some(tag) = latest_tag(inner, repo) else {
            return not_found();
        };
        let r = &inner.repos[repo];
        return Answer::redirect(format!(
            "{}/{}/{}/releases/download/{tag}/{file}",
            shared.base_url, r.owner, r.repo
        ));
    }
    // /{o}/{r}/releases/download/{tag}/{file...}
    if parts.len() < 6 {
        return not_found();
    }
    let (tag, file) = (parts[4], parts[5]);
    if inner.release_hidden(repo, tag, Kind::Download) {
        return not_found();
    }
    let asset = inner.repos[repo]
        .releases
        .iter()
        .find(|r| r.tag == tag)
        .and_then(|r| r.assets.iter().find(|a| a.name == file));
    match asset {
        Some(a) => Answer::new(StatusCode::OK, "application/octet-stream", a.bytes.clone()),
        None => not_found(),
    }
}

pub(super) fn latest_tag(inner: &Inner, repo: usize) -> Option<String> {
    inner.repos[repo]
        .releases
        .iter()
        .filter(|r| inner.phantom_index(repo, &r.tag, Some(Kind::Api)).is_none())
        .find(|r| semver_of(&r.tag).is_some_and(|v| v.pre.is_empty()))
        .map(|r| r.tag.clone())
}
