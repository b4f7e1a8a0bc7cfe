//! Output helpers shared by commands: Go's tabwriter layout, Go's `%q` quoting, writing results
//! to stdout or a file, and error chains.

use std::io::Write;

/// Lays out rows of cells like Go's `text/tabwriter` with space padding: every cell but the
/// last of a row is padded to its column's width, `max(minwidth, widest cell + padding)`.
pub fn tabwriter(rows: &[Vec<String>], minwidth: usize, padding: usize) -> String {
    let columns = rows
        .iter()
        .map(|r| r.len().saturating_sub(1))
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter(|r| r.len() > c + 1)
                .map(|r| r[c].chars().count() + padding)
                .max()
                .unwrap_or(0)
                .max(minwidth)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                out.push_str(&" ".repeat(widths[i].saturating_sub(cell.chars().count())));
            }
        }
        out.push('\n');
    }
    out
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `content` to stdout, or to `path` (mode 0600) when one is given (`--write-to`).
pub fn write_result(content: &str, path: &str) -> anyhow::Result<()> {
    let path = path.trim();
    if path.is_empty() || path == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(content.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| anyhow::anyhow!("failed to write yaml to Stdout: {e}"))?;
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("failed to write to destination file {path}: {e}"))?;
    file.write_all(content.as_bytes())
        .map_err(|e| anyhow::anyhow!("failed to write to destination file {path}: {e}"))?;
    Ok(())
}

/// `context: cause: root cause`, skipping links that repeat the previous text.
pub fn error_chain(e: &anyhow::Error) -> String {
    if let Some(lib) = e.downcast_ref::<capictl::Error>() {
        return lib.chain();
    }
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_pads_like_go() {
        let rows = vec![
            vec!["NAME".to_string(), "TYPE".to_string(), "FILE".to_string()],
            vec![
                "cluster-api".to_string(),
                "CoreProvider".to_string(),
                "c.yaml".to_string(),
            ],
        ];
        assert_eq!(
            tabwriter(&rows, 10, 3),
            "NAME          TYPE           FILE\ncluster-api   CoreProvider   c.yaml\n"
        );
    }

    #[test]
    fn go_quote_escapes() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("10.0.0.0/8"), "\"10.0.0.0/8\"");
        assert_eq!(go_quote("é"), "\"é\"");
    }
}
