//! Finding line breaks a word at a time.
//!
//! Splitting a stream into documents and a document into lines looks at every byte of the
//! input, and manifests have short lines, so the per-call overhead of `str::find` dominates.
//! This scans eight bytes per step instead.

/// The byte offsets of every `\n` in `text`, in order.
pub(super) fn line_breaks(text: &str) -> LineBreaks<'_> {
    LineBreaks {
        bytes: text.as_bytes(),
        next_word: 0,
        word_start: 0,
        mask: 0,
    }
}

/// Iterator over the `\n` offsets of a text; see [`line_breaks`].
pub(super) struct LineBreaks<'a> {
    bytes: &'a [u8],
    /// Offset of the next word to scan.
    next_word: usize,
    /// Offset of the word `mask` describes.
    word_start: usize,
    /// The high bit of each byte of that word that is a `\n` not yet returned.
    mask: u64,
}

const WORD: usize = 8;
const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const NEWLINES: u64 = 0x0A0A_0A0A_0A0A_0A0A;

impl Iterator for LineBreaks<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let rest = self.bytes.get(self.next_word..).filter(|r| !r.is_empty())?;
            self.word_start = self.next_word;
            self.mask = match rest.first_chunk::<WORD>() {
                Some(word) => {
                    self.next_word += WORD;
                    newline_mask(u64::from_le_bytes(*word))
                }
                None => {
                    // Fewer than eight bytes left: one by one.
                    self.next_word = self.bytes.len();
                    let newline = |(i, &c): (usize, &u8)| u64::from(c == b'\n') << (i * WORD + 7);
                    rest.iter()
                        .enumerate()
                        .map(newline)
                        .fold(0, |mask, bit| mask | bit)
                }
            };
        }
        let byte = self.mask.trailing_zeros() as usize / WORD;
        self.mask &= self.mask - 1;
        Some(self.word_start + byte)
    }
}

/// The high bit of every byte of `word` that is `\n`. Exact, unlike the shorter
/// "has a zero byte" test, whose borrows can flag the byte after a match.
fn newline_mask(word: u64) -> u64 {
    let x = word ^ NEWLINES;
    !(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_line_break() {
        for text in [
            "",
            "\n",
            "a",
            "abc\ndef\n",
            "\n\n\n\n\n\n\n\n\n\n",
            "é\n\u{a0}\x0b\n\u{8a}-\n",
        ] {
            let want: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
            assert_eq!(line_breaks(text).collect::<Vec<_>>(), want, "{text:?}");
        }
        let long: String = (0..300)
            .map(|i| {
                if i % 7 == 0 {
                    '\n'
                } else {
                    char::from(b'a' + (i % 26) as u8)
                }
            })
            .collect();
        let want: Vec<usize> = long.match_indices('\n').map(|(i, _)| i).collect();
        assert_eq!(line_breaks(&long).collect::<Vec<_>>(), want);
    }
}
