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
/// exotic keys (`v2`, `v10`, `v1alpha2`), the standard library's sorts may panic on such
/// comparators, and the exact merge steps decide the order Go's output is compared with.
pub(super) fn sort_by_key_order<V: Copy>(items: &mut [(&str, V)]) {
    if already_in_order(items) {
        return;
    }
    let mut scratch = Vec::with_capacity(items.len());
    merge_sort(items, &mut scratch);
}

/// True when the keys are already in order and the order is total, so the merge sort could
/// not move anything. Maps arrive in byte order, which for keys of ASCII letters and
/// punctuation is usually the natural order too; keys with digits may compare
/// inconsistently, so those always go through the merge sort.
fn already_in_order<V>(items: &[(&str, V)]) -> bool {
    let total = items
        .iter()
        .all(|(k, _)| k.bytes().all(|c| c.is_ascii() && !c.is_ascii_digit()));
    total
        && items
            .windows(2)
            .all(|w| key_order(w[0].0, w[1].0) == Ordering::Less)
}

/// Top-down merge sort splitting at `len / 2`; a right element goes first only when it is
/// strictly smaller.
fn merge_sort<'k, V: Copy>(items: &mut [(&'k str, V)], scratch: &mut Vec<(&'k str, V)>) {
    if items.len() < 2 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort(&mut items[..mid], scratch);
    merge_sort(&mut items[mid..], scratch);
    scratch.clear();
    let (mut left, mut right) = (0, mid);
    while left < mid || right < items.len() {
        let take_right = if left < mid && right < items.len() {
            key_order(items[right].0, items[left].0) == Ordering::Less
        } else {
            right < items.len()
        };
        if take_right {
            scratch.push(items[right]);
            right += 1;
        } else {
            scratch.push(items[left]);
            left += 1;
        }
    }
    items.copy_from_slice(scratch);
}

/// go-yaml's `keyList.Less` on the characters of `a` and `b`.
fn key_less(a: &str, b: &str) -> bool {
    let mut a_chars = a.char_indices();
    let mut b_chars = b.chars();
    loop {
        let (at, x, y) = match (a_chars.next(), b_chars.next()) {
            (Some((at, x)), Some(y)) => (at, x, y),
            (None, Some(_)) => return true,
            _ => return false,
        };
        if x == y {
            continue;
        }
        let xl = is_letter(x);
        let yl = is_letter(y);
        if xl && yl {
            return x < y;
        }
        if xl || yl {
            return yl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if x == '0' || y == '0' {
            // A zero inside a number that already has a non-zero digit is significant.
            for c in a[..at].chars().rev() {
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
        // Everything before `at` is equal, so `at` is the same position in `b`.
        let (an, a_len) = digit_run(&a[at..], an);
        let (bn, b_len) = digit_run(&b[at..], bn);
        if an != bn {
            return an < bn;
        }
        if a_len != b_len {
            return a_len < b_len;
        }
        return x < y;
    }
}

/// Accumulates the digit run at the start of `s` the way Go does (wrapping on overflow,
/// and using `rune - '0'` even for non-ASCII decimal digits); returns it and its length in
/// characters.
fn digit_run(s: &str, mut n: i64) -> (i64, usize) {
    let mut len = 0;
    for c in s.chars().take_while(|&c| is_digit(c)) {
        n = n
            .wrapping_mul(10)
            .wrapping_add(i64::from(u32::from(c)) - i64::from(u32::from('0')));
        len += 1;
    }
    (n, len)
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
