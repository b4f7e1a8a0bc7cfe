package main

import "unicode"

// naturalLess restates go-yaml v2's keyList.Less for string keys. The generator needs it
// to tell which maps Go prints deterministically: sort.Sort over a map's keys (which Go
// hands over in random order) only has one outcome when this order is total.
func naturalLess(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for ; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

// totalOrder reports whether naturalLess is a strict total order on keys.
func totalOrder(keys []string) bool {
	for i, a := range keys {
		for j, b := range keys {
			if i != j && naturalLess(a, b) == naturalLess(b, a) {
				return false
			}
			for _, c := range keys {
				if naturalLess(a, b) && naturalLess(b, c) && !naturalLess(a, c) {
					return false
				}
			}
		}
	}
	return true
}

// totalOrderGroups splits keys greedily into groups on which the order is total.
func totalOrderGroups(keys []string) [][]string {
	var groups [][]string
	rest := keys
	for len(rest) > 0 {
		var group, skipped []string
		for _, k := range rest {
			if totalOrder(append(append([]string{}, group...), k)) {
				group = append(group, k)
			} else {
				skipped = append(skipped, k)
			}
		}
		groups = append(groups, group)
		rest = skipped
	}
	return groups
}

// deterministic reports whether Go prints v the same way every time, i.e. whether every
// map in it has totally ordered keys.
func deterministic(v interface{}) bool {
	switch t := v.(type) {
	case map[string]interface{}:
		keys := make([]string, 0, len(t))
		for k, e := range t {
			keys = append(keys, k)
			if !deterministic(e) {
				return false
			}
		}
		return totalOrder(keys)
	case []interface{}:
		for _, e := range t {
			if !deterministic(e) {
				return false
			}
		}
	}
	return true
}
