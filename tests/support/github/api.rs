//! The REST API under `/api/v3`: releases (listed, latest, by tag), assets, contents and
//! `/rate_limit`.

use axum::http::{StatusCode, header};
use base64::Engine;
use serde_json::{Value, json};

use super::Kind;
use super::answer::{Answer, Incoming, etag_of, percent_decode};
use super::releases::latest_tag;
use super::repos::semver_of;
use super::state::{Inner, ReleaseState, RepoState, Shared};

fn release_json(shared: &Shared, r: &RepoState, release: &ReleaseState) -> Value {
    let api = format!("{}/api/v3/repos/{}/{}", shared.base_url, r.owner, r.repo);
    let prerelease = semver_of(&release.tag).is_some_and(|v| !v.pre.is_empty());
    let assets: Vec<Value> = release
        .assets
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "label": "",
                "content_type": "application/octet-stream",
                "state": "uploaded",
                "size": a.bytes.len(),
                "url": format!("{api}/releases/assets/{}", a.id),
                "browser_download_url": format!(
                    "{}/{}/{}/releases/download/{}/{}",
                    shared.base_url, r.owner, r.repo, release.tag, a.name
                ),
            })
        })
        .collect();
    json!({
        "id": release.id,
        "tag_name": release.tag,
        "name": release.tag,
        "draft": false,
        "prerelease": prerelease,
        "url": format!("{api}/releases/{}", release.id),
        "assets_url": format!("{api}/releases/{}/assets", release.id),
        "html_url": format!("{}/{}/{}/releases/tag/{}", shared.base_url, r.owner, r.repo, release.tag),
        "assets": assets,
    })
}

pub(super) fn api(shared: &Shared, inner: &mut Inner, incoming: &Incoming) -> Answer {
    let rest = &incoming.path["/api/v3".len()..];
    if rest == "/rate_limit" {
        let core = json!({
            "limit": inner.limit,
            "remaining": inner.remaining,
            "used": inner.limit - inner.remaining,
            "reset": inner.reset_at,
            "resource": "core",
        });
        return Answer::json(
            StatusCode::OK,
            &json!({ "resources": { "core": core }, "rate": core }),
        );
    }
    let decoded = percent_decode(rest);
    let parts: Vec<&str> = decoded.trim_start_matches('/').split('/').collect();
    if parts.len() < 4 || parts[0] != "repos" {
        return Answer::api_not_found();
    }
    let Some(repo) = inner.find_repo(parts[1], parts[2]) else {
        return Answer::api_not_found();
    };
    match &parts[3..] {
        ["releases"] => list_releases(shared, inner, repo, incoming),
        ["releases", "latest"] => match latest_tag(inner, repo) {
            Some(tag) => {
                let r = &inner.repos[repo];
                let release = r.releases.iter().find(|x| x.tag == tag).expect("latest");
                Answer::json(StatusCode::OK, &release_json(shared, r, release))
            }
            None => Answer::api_not_found(),
        },
        ["releases", "tags", tag @ ..] => {
            let tag = tag.join("/");
            if inner.release_hidden(repo, &tag, Kind::Api) {
                return Answer::api_not_found();
            }
            let r = &inner.repos[repo];
            match r.releases.iter().find(|x| x.tag == tag) {
                Some(release) => Answer::json(StatusCode::OK, &release_json(shared, r, release)),
                None => Answer::api_not_found(),
            }
        }
        ["releases", "assets", id] => {
            let Ok(id) = id.parse::<u64>() else {
                return Answer::api_not_found();
            };
            let found = inner.repos[repo].releases.iter().find_map(|release| {
                release
                    .assets
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| (release.tag.clone(), a.name.clone(), a.bytes.clone()))
            });
            let Some((tag, name, bytes)) = found else {
                return Answer::api_not_found();
            };
            if inner.release_hidden(repo, &tag, Kind::Api) {
                return Answer::api_not_found();
            }
            let r = &inner.repos[repo];
            let wants_bytes = incoming
                .header(header::ACCEPT)
                .is_some_and(|a| a.contains("application/octet-stream"));
            if !wants_bytes {
                let release = r.releases.iter().find(|x| x.tag == tag).expect("release");
                let json = release_json(shared, r, release);
                let asset = json["assets"]
                    .as_array()
                    .and_then(|assets| assets.iter().find(|a| a["id"] == id))
                    .cloned()
                    .unwrap_or(Value::Null);
                return Answer::json(StatusCode::OK, &asset);
            }
            if inner.asset_redirect {
                return Answer::redirect(format!(
                    "{}/{}/{}/releases/download/{tag}/{name}",
                    shared.base_url, r.owner, r.repo
                ));
            }
            Answer::new(StatusCode::OK, "application/octet-stream", bytes)
        }
        ["contents", path @ ..] if !path.is_empty() => {
            let path = path.join("/");
            let tag = match incoming.query_param("ref") {
                Some(tag) => tag,
                None => match inner.repos[repo].releases.first() {
                    Some(r) => r.tag.clone(),
                    None => return Answer::api_not_found(),
                },
            };
            if inner.release_hidden(repo, &tag, Kind::Api) {
                return Answer::api_not_found();
            }
            let asset = inner.repos[repo]
                .releases
                .iter()
                .find(|r| r.tag == tag)
                .and_then(|r| r.assets.iter().find(|a| a.name == path));
            let Some(asset) = asset else {
                return Answer::api_not_found();
            };
            if incoming
                .header(header::ACCEPT)
                .is_some_and(|a| a.contains("application/vnd.github.raw"))
            {
                return Answer::new(
                    StatusCode::OK,
                    "application/vnd.github.raw",
                    asset.bytes.clone(),
                );
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(&asset.bytes);
            // GitHub wraps the base64 text at 60 characters.
            let wrapped: Vec<&str> = encoded
                .as_bytes()
                .chunks(60)
                .map(|c| std::str::from_utf8(c).expect("base64 is ascii"))
                .collect();
            let mut content = wrapped.join("\n");
            content.push('\n');
            let r = &inner.repos[repo];
            Answer::json(
                StatusCode::OK,
                &json!({
                    "type": "file",
                    "encoding": "base64",
                    "name": path.rsplit('/').next().unwrap_or(&path),
                    "path": path,
                    "size": asset.bytes.len(),
                    "sha": etag_of(&asset.bytes, None).trim_matches('"'),
                    "content": content,
                    "download_url": format!(
                        "{}/{}/{}/releases/download/{tag}/{path}",
                        shared.base_url, r.owner, r.repo
                    ),
                }),
            )
        }
        _ => Answer::api_not_found(),
    }
}

fn list_releases(shared: &Shared, inner: &Inner, repo: usize, incoming: &Incoming) -> Answer {
    let per_page = incoming
        .query_param("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page = incoming
        .query_param("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let r = &inner.repos[repo];
    let visible: Vec<&ReleaseState> = r
        .releases
        .iter()
        .filter(|x| inner.phantom_index(repo, &x.tag, Some(Kind::Api)).is_none())
        .collect();
    let last = visible.len().div_ceil(per_page).max(1);
    let items: Vec<Value> = visible
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|x| release_json(shared, r, x))
        .collect();
    let mut answer = Answer::json(StatusCode::OK, &Value::Array(items));
    if last > 1 {
        let link = |p: usize, rel: &str| {
            format!(
                "<{}/api/v3/repos/{}/{}/releases?per_page={per_page}&page={p}>; rel=\"{rel}\"",
                shared.base_url, r.owner, r.repo
            )
        };
        let mut links = Vec::new();
        if page > 1 {
            links.push(link(page - 1, "prev"));
        }
        if page < last {
            links.push(link(page + 1, "next"));
            links.push(link(last, "last"));
        }
        if page > 1 {
            links.push(link(1, "first"));
        }
        answer = answer.with(header::LINK, links.join(", "));
    }
    answer
}
