//! Listing a GitHub repository's release tags through the Go module proxy, which costs no
//! GitHub API quota: `GET {proxy}/{module}/@v/list`, then `/v2/@v/list`, `/v3/...` until a 404.
//! `GOPROXY` is honoured as the Go toolchain reads it: a `,`- or `|`-separated list (`,` falls
//! through only on 404/410, `|` on any error), `off` and `direct` end the list, and a proxy may
//! carry a path prefix. Module paths are case-encoded (`!` before a lower-cased capital).

use crate::fetch::{FetchError, Fetcher, Lifetime, Request, RequestKind};
use crate::version::Version;

/// The public proxy used when `GOPROXY` is unset.
pub const DEFAULT_GOPROXY: &str = "https://proxy.golang.org";
/// Highest major version probed (`/vN`), a bound against a misbehaving proxy.
const MAX_MAJOR: u32 = 20;

/// One entry of `GOPROXY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyEntry {
    /// Base URL, without a trailing `/`.
    pub base: String,
    /// Whether a failure other than 404/410 may fall through to the next entry (`|`).
    pub fall_through_on_error: bool,
}

/// The proxies to ask, in order; empty when `GOPROXY` disables proxies (`off`, `direct`).
pub fn parse_goproxy(value: Option<&str>) -> Vec<ProxyEntry> {
    let value = match value.map(str::trim) {
        None | Some("") => DEFAULT_GOPROXY,
        Some(v) => v,
    };
    let mut entries = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (item, separator, tail) = match rest.find([',', '|']) {
            Some(i) => (&rest[..i], rest.as_bytes()[i], &rest[i + 1..]),
            None => (rest, b',', ""),
        };
        rest = tail;
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        if item == "off" || item == "direct" {
            break;
        }
        let base = if item.contains("://") {
            item.to_string()
        } else {
            format!("https://{item}")
        };
        entries.push(ProxyEntry {
            base: base.trim_end_matches('/').to_string(),
            fall_through_on_error: separator == b'|',
        });
    }
    entries
}

/// A module path with capitals escaped as the proxy protocol requires (`Azure` → `!azure`).
pub fn escape_module_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads one proxy's tag list for `module` (all majors). `Ok(None)` means the proxy does not
/// know the module at all (404/410 on the first list).
async fn list_from(
    fetcher: &Fetcher,
    proxy: &ProxyEntry,
    module: &str,
    hint: &str,
) -> Result<Option<Vec<String>>, FetchError> {
    let mut versions = Vec::new();
    for major in 1..=MAX_MAJOR {
        let suffix = if major == 1 {
            String::new()
        } else {
            format!("/v{major}")
        };
        let url = format!(
            "{}/{}{suffix}/@v/list",
            proxy.base,
            escape_module_path(module)
        );
        let request = Request::get(url, RequestKind::Proxy)
            .cached(Lifetime::Mutable)
            .hinted(hint);
        match fetcher.get(&request).await {
            Ok(body) => versions.extend(
                String::from_utf8_lossy(&body)
                    .lines()
                    .filter_map(|line| parse_tolerant(line.trim()))
                    .map(|v| v.tag()),
            ),
            Err(e) if e.is_not_found() && major == 1 => return Ok(None),
            Err(e) if e.is_not_found() => break,
            Err(e) => return Err(e),
        }
    }
    Ok(Some(versions))
}

/// The release tags of `module` from the first proxy that knows it. `Ok(None)` when no proxy
/// is configured or none knows the module (the caller then asks the GitHub API).
pub async fn list_versions(
    fetcher: &Fetcher,
    proxies: &[ProxyEntry],
    module: &str,
    hint: &str,
) -> Result<Option<Vec<String>>, FetchError> {
    let mut last_error = None;
    for proxy in proxies {
        match list_from(fetcher, proxy, module, hint).await {
            Ok(Some(v)) if !v.is_empty() => return Ok(Some(v)),
            Ok(_) => continue,
            Err(e @ FetchError::Offline { .. }) => return Err(e),
            Err(e) if proxy.fall_through_on_error => {
                tracing::debug!(error = %e, "Go proxy failed; trying the next one");
                last_error = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    match last_error {
        Some(e) => Err(e),
        None => Ok(None),
    }
}

/// blang/semver's `ParseTolerant`: optional `v`, missing minor/patch read as 0.
fn parse_tolerant(text: &str) -> Option<Version> {
    if text.is_empty() {
        return None;
    }
    if let Ok(v) = text.parse::<Version>() {
        return Some(v);
    }
    let bare = text.strip_prefix('v').unwrap_or(text);
    let split = bare.find(['-', '+']).unwrap_or(bare.len());
    let (core, rest) = bare.split_at(split);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut padded: Vec<&str> = parts.clone();
    padded.resize(3, "0");
    format!("{}{rest}", padded.join(".")).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ported from internal/goproxy/goproxy_test.go (TestGetGoproxyHost), extended with the
    // forms the Go toolchain accepts.
    #[test]
    fn parses_goproxy_like_the_go_toolchain() {
        let bases = |v: Option<&str>| {
            parse_goproxy(v)
                .into_iter()
                .map(|e| e.base)
                .collect::<Vec<_>>()
        };
        assert_eq!(bases(None), ["https://proxy.golang.org"]);
        assert_eq!(bases(Some("")), ["https://proxy.golang.org"]);
        assert_eq!(bases(Some("off")), Vec::<String>::new());
        assert_eq!(bases(Some("direct")), Vec::<String>::new());
        assert_eq!(
            bases(Some("https://proxy.example.com")),
            ["https://proxy.example.com"]
        );
        assert_eq!(
            bases(Some("proxy.example.com")),
            ["https://proxy.example.com"]
        );
        assert_eq!(
            bases(Some("http://127.0.0.1:8080/")),
            ["http://127.0.0.1:8080"]
        );
        assert_eq!(
            bases(Some(
                "https://artifactory/api/go/gocenter,https://proxy.golang.org,direct"
            )),
            [
                "https://artifactory/api/go/gocenter",
                "https://proxy.golang.org"
            ]
        );
        assert_eq!(
            bases(Some(
                "https://a.example|https://b.example,off,https://c.example"
            )),
            ["https://a.example", "https://b.example"]
        );
        let entries = parse_goproxy(Some("https://a|https://b,https://c"));
        assert!(entries[0].fall_through_on_error);
        assert!(!entries[1].fall_through_on_error);
        assert_eq!(bases(Some(" , ,https://x ")), ["https://x"]);
    }

    #[test]
    fn escapes_capitals() {
        assert_eq!(
            escape_module_path("github.com/Azure/cluster-api-provider-Azure"),
            "github.com/!azure/cluster-api-provider-!azure"
        );
        assert_eq!(
            escape_module_path("github.com/kubernetes-sigs/cluster-api"),
            "github.com/kubernetes-sigs/cluster-api"
        );
    }

    #[test]
    fn tolerant_versions() {
        assert_eq!(parse_tolerant("v1.2.3").unwrap().tag(), "v1.2.3");
        assert_eq!(parse_tolerant("1.2").unwrap().tag(), "v1.2.0");
        assert_eq!(parse_tolerant("v2").unwrap().tag(), "v2.0.0");
        assert_eq!(
            parse_tolerant("v1.14.0-rc.1").unwrap().tag(),
            "v1.14.0-rc.1"
        );
        assert!(parse_tolerant("main").is_none());
        assert!(parse_tolerant("v1.2.3.4").is_none());
        assert!(parse_tolerant("").is_none());
    }
}
