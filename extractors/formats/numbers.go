package formats

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// ParseCount reads a count as statistics offices and newspapers print it:
// "12 345", "12\u00a0345", "12\u2009345", "12,345", "12.345" (Serbian, German),
// "1,5" (a decimal comma, usually before "thousand"), with footnote markers
// stuck to the number ("12 345*"). A separator followed by groups of exactly
// three digits is a thousands separator; otherwise it is the decimal mark.
// decimal, when "." or ",", says which mark the source uses and overrides the
// guess.
func ParseCount(s, decimal string) (float64, error) {
	v, _, err := SplitCount(s, decimal)
	return v, err
}

// SplitCount is ParseCount that also returns what followed the number,
// trimmed: the footnote marker or flag a table cell carries ("12 345*" ->
// "*", "17.8 e" -> "e", "123p" -> "p"), so that readers keep it as the
// cell's status instead of dropping it.
func SplitCount(s, decimal string) (value float64, marker string, err error) {
	var b strings.Builder
	ts := strings.TrimSpace(s)
	for i, r := range ts {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',', r == '-':
			b.WriteRune(r)
		case unicode.IsSpace(r), r == '\u202f', r == '\u2009', r == '\u00a0', r == '\'':
			// digit group separators
		case r == '*' || r == '†' || r == '‡' || b.Len() > 0 && (unicode.IsLetter(r) || r == '(' || strings.ContainsRune("¹²³⁽", r)):
			// footnote markers or a unit after the number: stop here
			marker = strings.TrimSpace(ts[i:])
			goto done
		default:
			return 0, "", fmt.Errorf("number %q: unexpected %q", s, r)
		}
	}
done:
	t := strings.Trim(b.String(), ".,")
	if t == "" || t == "-" {
		return 0, "", fmt.Errorf("number %q: no digits", s)
	}
	dec := decimal
	if dec == "" {
		dec = guessDecimal(t)
	}
	switch dec {
	case ",":
		t = strings.ReplaceAll(t, ".", "")
		t = strings.ReplaceAll(t, ",", ".")
	default:
		t = strings.ReplaceAll(t, ",", "")
	}
	if strings.Count(t, ".") > 1 {
		return 0, "", fmt.Errorf("number %q: more than one decimal mark", s)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, "", fmt.Errorf("number %q: %w", s, err)
	}
	return v, marker, nil
}

// guessDecimal returns the decimal mark of t ("" when t has none).
func guessDecimal(t string) string {
	lastDot, lastComma := strings.LastIndex(t, "."), strings.LastIndex(t, ",")
	switch {
	case lastDot >= 0 && lastComma >= 0: // both: the last one is the decimal mark
		if lastDot > lastComma {
			return "."
		}
		return ","
	case lastDot < 0 && lastComma < 0:
		return ""
	}
	sep := "."
	if lastComma >= 0 {
		sep = ","
	}
	groups := strings.Split(t, sep)
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return sep // "1,5" or "40.25": a decimal mark
		}
	}
	if sep == "." {
		return "," // "23.804": dots group thousands, so the decimal mark is a comma
	}
	return "."
}

// missingSymbol reads a statistical office's missing-value symbol: dots,
// dashes and colons ("..", "...", "-", ":"), trimmed, or nothing at all.
func missingSymbol(s string) (string, bool) {
	sym := strings.TrimSpace(s)
	return sym, strings.Trim(sym, ".-:") == ""
}

// numericString reads a quoted number such as "12.5" or "-3"; it refuses
// what strconv would also take but no publisher means as a number ("NaN",
// "Inf", "0x1p3", "1_000").
func numericString(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E':
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
