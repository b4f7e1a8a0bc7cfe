//! clusterctl's pre-pass that accepts the old `${ VAR }` spelling.
//!
//! Upstream rewrites every match of
//! `\${(\s+([A-Za-z0-9_$]+)\s+)}|\${(\s+([A-Za-z0-9_$]+))}|\${(([A-Za-z0-9_$]+)\s+)}` by
//! deleting its white space. The three alternatives together are "`${`, optional spaces, a
//! name, optional spaces, `}`, with at least one space", and Go's `\s` is ASCII only
//! (`\t \n \f \r` and space, not `\v`). Names here may contain `$`, so `${ $A }` becomes
//! `${$A}`, which the parser then rejects.

/// Text after the pre-pass, with what is needed to point back into the original.
#[derive(Debug)]
pub(super) struct Normalized {
    /// The rewritten text that the parser reads.
    pub(super) text: String,
    /// `(offset in text, bytes removed before it)` after each rewritten expression.
    shifts: Vec<(usize, usize)>,
}

impl Normalized {
    /// Maps a byte offset in [`Normalized::text`] to the same place in the original.
    ///
    /// Exact for every offset outside a rewritten expression, which includes each `${`.
    pub(super) fn original_offset(&self, offset: usize) -> usize {
        let after = self.shifts.partition_point(|&(at, _)| at <= offset);
        let removed = after.checked_sub(1).map_or(0, |i| self.shifts[i].1);
        offset + removed
    }
}

/// Applies the pre-pass to `text`.
pub(super) fn normalize(text: &str) -> Normalized {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut shifts = Vec::new();
    let mut removed = 0;
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = find_open(bytes, at) {
        match legacy_expression(bytes, found) {
            Some((end, name)) => {
                out.push_str(&text[copied..found]);
                out.push_str("${");
                out.push_str(&text[name.0..name.1]);
                out.push('}');
                removed += (end - found) - (name.1 - name.0 + 3);
                shifts.push((out.len(), removed));
                copied = end;
                at = end;
            }
            None => at = found + 1,
        }
    }
    out.push_str(&text[copied..]);
    Normalized { text: out, shifts }
}

fn find_open(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.windows(2)
        .position(|pair| pair == b"${")
        .map(|i| from + i)
}

/// Matches a legacy expression at `start` (which holds `${`); returns its end and the
/// byte range of its name.
fn legacy_expression(bytes: &[u8], start: usize) -> Option<(usize, (usize, usize))> {
    let leading_end = skip_while(bytes, start + 2, is_space);
    let name_end = skip_while(bytes, leading_end, is_name_byte);
    let trailing_end = skip_while(bytes, name_end, is_space);
    let spaced = leading_end > start + 2 || trailing_end > name_end;
    let closed = bytes.get(trailing_end) == Some(&b'}');
    (spaced && closed && name_end > leading_end)
        .then_some((trailing_end + 1, (leading_end, name_end)))
}

fn skip_while(bytes: &[u8], from: usize, keep: fn(u8) -> bool) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    from + rest.iter().take_while(|&&b| keep(b)).count()
}

/// Go's RE2 `\s`.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_spaced_names_only() {
        let cases = [
            ("${ A }", "${A}"),
            ("${ A}", "${A}"),
            ("${A }", "${A}"),
            ("${A}", "${A}"),
            ("${\tA\n}", "${A}"),
            ("${\x0BA}", "${\x0BA}"),
            ("${\u{a0}A}", "${\u{a0}A}"),
            ("${ A B }", "${ A B }"),
            ("${ $A }", "${$A}"),
            ("${ }", "${ }"),
            ("${ A:=x }", "${ A:=x }"),
            ("$${ A }", "$${A}"),
            ("${${ A }", "${${A}"),
            ("x ${ é }", "x ${ é }"),
            (
                "foo ${ BAR }, ${BAR }, ${ BAR}",
                "foo ${BAR}, ${BAR}, ${BAR}",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input).text, want, "{input:?}");
        }
    }

    #[test]
    fn maps_offsets_back() {
        let normalized = normalize("${  A  } ${B");
        assert_eq!(normalized.text, "${A} ${B");
        assert_eq!(normalized.original_offset(0), 0);
        assert_eq!(normalized.original_offset(5), 9);
    }
}
