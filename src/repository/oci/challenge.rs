//! Header parsing for the distribution API: `WWW-Authenticate` challenges (RFC 7235) and
//! `Link: <…>; rel="next"` (RFC 8288).

/// A `Bearer` challenge: where to get a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The token endpoint.
    pub realm: String,
    /// The `service` parameter to pass back, if any.
    pub service: Option<String>,
}

impl Challenge {
    /// The `Bearer` challenge of a `WWW-Authenticate` value, if there is one with a realm.
    pub fn bearer(header: &str) -> Option<Challenge> {
        parse_challenges(header)
            .into_iter()
            .find(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .and_then(|(_, params)| {
                let get = |key: &str| {
                    params
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .map(|(_, v)| v.clone())
                };
                Some(Challenge {
                    realm: get("realm").filter(|r| !r.is_empty())?,
                    service: get("service"),
                })
            })
    }
}

type Params = Vec<(String, String)>;

/// Every challenge of a header value: `Basic realm="x", Bearer realm="y",service="z"`.
fn parse_challenges(header: &str) -> Vec<(String, Params)> {
    let mut out: Vec<(String, Params)> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        let token_end = rest
            .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        let token = &rest[..token_end];
        let after = rest[token_end..].trim_start();
        if token.is_empty() {
            break;
        }
        if let Some(value_part) = after.strip_prefix('=')
            && let Some((_, params)) = out.last_mut()
        {
            let (value, remaining) = parse_value(value_part.trim_start());
            params.push((token.to_string(), value));
            rest = remaining;
        } else {
            out.push((token.to_string(), Vec::new()));
            rest = after;
        }
    }
    out
}

/// A quoted string (with `\` escapes) or a token; returns it and the rest.
fn parse_value(text: &str) -> (String, &str) {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '"' => return (value, &quoted[i + 1..]),
                _ => value.push(c),
            }
        }
        (value, "")
    } else {
        let end = text.find(',').unwrap_or(text.len());
        (text[..end].trim().to_string(), &text[end..])
    }
}

/// The target of `rel="next"` in one `Link` header value, if any.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let link = link.trim();
        let (target, params) = link.strip_prefix('<')?.split_once('>')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.strip_prefix("rel=").is_some_and(|rel| {
                rel.trim_matches('"')
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenges() {
        let c = Challenge::bearer(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull""#,
        )
        .unwrap();
        assert_eq!(c.realm, "https://auth.example/token");
        assert_eq!(c.service.as_deref(), Some("registry.example"));
        let c = Challenge::bearer(r#"Basic realm="basic", Bearer realm="http://127.0.0.1:1/t""#)
            .unwrap();
        assert_eq!(
            (c.realm.as_str(), c.service),
            ("http://127.0.0.1:1/t", None)
        );
        assert_eq!(Challenge::bearer(r#"Basic realm="registry""#), None);
        assert_eq!(Challenge::bearer("Bearer"), None);
        let c = Challenge::bearer(r#"bearer realm="a\"b", service=svc"#).unwrap();
        assert_eq!(
            (c.realm.as_str(), c.service.as_deref()),
            ("a\"b", Some("svc"))
        );
    }

    #[test]
    fn link_headers() {
        assert_eq!(
            next_link(r#"</v2/x/tags/list?n=2&last=b>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?n=2&last=b")
        );
        assert_eq!(
            next_link(r#"<https://a/prev>; rel="prev", <https://a/next>; rel=next"#).as_deref(),
            Some("https://a/next")
        );
        assert_eq!(next_link(r#"<https://a/prev>; rel="prev""#), None);
    }
}
