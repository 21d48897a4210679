package formats

import "strings"

// Helpers that quote or list parts of the input in error messages.

// excerpt is the start of b with white space collapsed, for messages.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b[:min(len(b), 4*n)])), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "..."
	}
	return s
}

// keyList lists up to n keys, with "..." when there are more.
func keyList(keys []string, n int) string {
	if len(keys) > n {
		return strings.Join(keys[:n], ", ") + ", ..."
	}
	return strings.Join(keys, ", ")
}

// firstNonEmpty is the first of ss that is not empty, or "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
