//! Mapping-key order used by clusterctl's YAML output.
//!
//! go-yaml v2 sorts map keys "naturally": letters sort after everything else, runs of
//! digits compare by numeric value, and only then by code point. The rules below follow
//! `keyList.Less` in go-yaml's `sorter.go`, restricted to string keys (JSON objects only
//! have string keys).

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

/// Compares two keys the way go-yaml v2 orders mapping keys.
pub(super) fn key_order(a: &str, b: &str) -> Ordering {
    if a == b {
        Ordering::Equal
    } else if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        // Distinct keys the natural order cannot tell apart; fall back to code points so
        // the result stays deterministic.
        a.cmp(b)
    }
}

/// Sorts `(key, value)` pairs by key with [`key_order`], keeping equal keys in order.
///
/// A hand-written merge sort: the natural order is not guaranteed to be a total order for
/// exotic keys, and the standard library's sorts may panic on such comparators.
pub(super) fn sort_by_key_order<K: AsRef<str>, V>(items: &mut Vec<(K, V)>) {
    if items.len() < 2 {
        return;
    }
    let mut right = items.split_off(items.len() / 2);
    let mut left = std::mem::take(items);
    sort_by_key_order(&mut left);
    sort_by_key_order(&mut right);
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => key_order(r.0.as_ref(), l.0.as_ref()) == Ordering::Less,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right {
            right.next()
        } else {
            left.next()
        };
        items.extend(next);
    }
}

fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            // A zero inside a number that already has a non-zero digit is significant.
            for &c in ar[..i].iter().rev() {
                if !is_digit(c) {
                    break;
                }
                if c != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let (an, ai) = digit_run(&ar, i, an);
        let (bn, bi) = digit_run(&br, i, bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Accumulates the digit run starting at `start` the way Go does (wrapping on overflow,
/// and using `rune - '0'` even for non-ASCII decimal digits).
fn digit_run(chars: &[char], start: usize, mut n: i64) -> (i64, usize) {
    let mut end = start;
    while end < chars.len() && is_digit(chars[end]) {
        n = n
            .wrapping_mul(10)
            .wrapping_add(i64::from(u32::from(chars[end])) - i64::from(u32::from('0')));
        end += 1;
    }
    (n, end)
}

/// Go's `unicode.IsLetter`: general category L.
fn is_letter(c: char) -> bool {
    static LETTER: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\p{L}$").ok());
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    unicode_class_matches(&LETTER, c)
}

/// Go's `unicode.IsDigit`: general category Nd.
fn is_digit(c: char) -> bool {
    static DIGIT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\p{Nd}$").ok());
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    unicode_class_matches(&DIGIT, c)
}

fn unicode_class_matches(class: &LazyLock<Option<Regex>>, c: char) -> bool {
    let mut buf = [0u8; 4];
    class
        .as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}
