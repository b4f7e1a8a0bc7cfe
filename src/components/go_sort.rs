//! A port of Go's `sort.SliceStable` (insertion sort in blocks of 20, then in-place SymMerge).
//!
//! clusterctl orders provider objects with a comparator that is not a strict weak order, so
//! the result depends on the exact sequence of comparisons and swaps; any other stable sort
//! would give a different (equally "sorted") order and break byte-identical output.

/// Sorts `data` exactly as Go's `sort.SliceStable(data, less)` would.
pub fn slice_stable<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    let less = |d: &[T], i: usize, j: usize| less(&d[i], &d[j]);
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b, &less);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n, &less);
    while block < n {
        a = 0;
        b = 2 * block;
        while b <= n {
            sym_merge(data, a, a + block, b, &less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, &less);
        }
        block *= 2;
    }
}

type Less<'a, T> = dyn Fn(&[T], usize, usize) -> bool + 'a;

fn insertion_sort<T>(data: &mut [T], a: usize, b: usize, less: &Less<'_, T>) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(data, j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(data: &mut [T], a: usize, m: usize, b: usize, less: &Less<'_, T>) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(data, h, a) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            data.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(data, m, h) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            data.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(data, p - c, c) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(data, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b, less);
    }
}

fn rotate<T>(data: &mut [T], a: usize, m: usize, b: usize) {
    let (mut i, mut j) = (m - a, b - m);
    while i != j {
        if i > j {
            swap_range(data, m - i, m, j);
            i -= j;
        } else {
            swap_range(data, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(data, m - i, m, i);
}

fn swap_range<T>(data: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        data.swap(a + i, b + i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_with_a_proper_order() {
        let mut v: Vec<(u8, usize)> = (0..137).map(|i| ((i * 7 % 5) as u8, i)).collect();
        let mut want = v.clone();
        want.sort_by_key(|x| x.0);
        slice_stable(&mut v, |a, b| a.0 < b.0);
        assert_eq!(v, want);
    }

    // The comparator clusterctl uses for provider objects: Namespaces first, then
    // cert-manager.io objects. Go sorts ["Certificate", "Issuer"] (both cert-manager.io) into
    // ["Issuer", "Certificate"], because less(i, j) is true whenever i is cert-manager.io.
    #[test]
    fn reproduces_go_on_a_non_strict_comparator() {
        let less = |a: &(&str, &str), b: &(&str, &str)| {
            if a.0 == "Namespace" {
                return true;
            }
            if b.0 == "Namespace" {
                return false;
            }
            a.1 == "cert-manager.io"
        };
        let mut objs = vec![
            ("CustomResourceDefinition", "apiextensions.k8s.io"),
            ("Certificate", "cert-manager.io"),
            ("Issuer", "cert-manager.io"),
            ("Namespace", ""),
        ];
        slice_stable(&mut objs, less);
        let kinds: Vec<&str> = objs.iter().map(|o| o.0).collect();
        assert_eq!(
            kinds,
            [
                "Namespace",
                "Issuer",
                "Certificate",
                "CustomResourceDefinition"
            ]
        );
    }

    // 45 objects cross the block size of 20 and exercise SymMerge; expected order from Go 1.26.
    #[test]
    fn reproduces_go_across_merge_blocks() {
        let mut objs: Vec<(String, &str)> = (0..45)
            .map(|i| match i % 7 {
                0 => (format!("Namespace{i}"), ""),
                3 => (format!("Cert{i}"), "cert-manager.io"),
                _ => (format!("X{i}"), "x"),
            })
            .collect();
        slice_stable(&mut objs, |a, b| {
            if a.0.starts_with("Namespace") {
                return true;
            }
            if b.0.starts_with("Namespace") {
                return false;
            }
            a.1 == "cert-manager.io"
        });
        let got: Vec<&str> = objs.iter().map(|o| o.0.as_str()).collect();
        let want = "Namespace42 Namespace35 Namespace28 Namespace21 Namespace14 Namespace7 Namespace0 Cert38 Cert31 Cert24 Cert17 Cert10 Cert3 X1 X2 X4 X5 X6 X8 X9 X11 X12 X13 X15 X16 X18 X19 X20 X22 X23 X25 X26 X27 X29 X30 X32 X33 X34 X36 X37 X39 X40 X41 X43 X44";
        assert_eq!(got.join(" "), want);
    }
}
