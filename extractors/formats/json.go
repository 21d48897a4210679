package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// Checking that a body is JSON before walking it (jsonscan.go), and saying
// what came instead when it is not.

// loadJSON reads the body within its limits and checks that it is JSON,
// telling an HTML error page or bot challenge (often sent with status 200)
// apart from broken or truncated JSON.
func loadJSON(in extractors.Input) (rawJSON, error) {
	data, err := readLimited(in)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if enc := utf16Or32(data); enc != "" {
		return nil, in.Errorf("byte 0", "the body is %s, not UTF-8: JSON must be UTF-8 (RFC 8259)", enc)
	}
	i := skipJSONSpace(data, 0)
	if i == len(data) {
		return nil, in.Errorf("", "empty body, want JSON")
	}
	if data[i] == '<' {
		return nil, markupError(in, data[i:])
	}
	if !strings.ContainsRune(`{["-0123456789tfn`, rune(data[i])) {
		return nil, in.Errorf("byte 0", "not JSON: the body starts with %q", excerpt(data[i:], 60))
	}
	if !json.Valid(data) {
		return nil, jsonSyntaxError(in, data)
	}
	return rawJSON(bytes.TrimRight(data[i:], " \t\r\n")), nil
}

// utf16Or32 names a UTF-16 or UTF-32 body by its byte-order mark or by the
// zero bytes ASCII gets in those encodings (RFC 4627's detection).
func utf16Or32(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}), len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		return "UTF-32BE"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}), len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return "UTF-32LE"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), len(b) >= 2 && b[0] == 0 && b[1] != 0:
		return "UTF-16BE"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), len(b) >= 2 && b[0] != 0 && b[1] == 0:
		return "UTF-16LE"
	}
	return ""
}

// markupError names what came instead of JSON: an HTML page (with its
// title, which usually says why) or some XML.
func markupError(in extractors.Input, b []byte) error {
	head := bytes.ToLower(b[:min(len(b), 8192)])
	if bytes.HasPrefix(head, []byte("<?xml")) && !bytes.Contains(head, []byte("<html")) {
		return in.Errorf("byte 0", "got XML, not JSON: %q", excerpt(b, 80))
	}
	msg := "got an HTML page, not JSON (an error page or a bot challenge?)"
	if t := htmlTitle(b); t != "" {
		msg += fmt.Sprintf(": title %q", t)
	}
	return in.Errorf("byte 0", "%s", msg)
}

func jsonSyntaxError(in extractors.Input, data []byte) error {
	err := json.Unmarshal(data, new(struct{}))
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		if syn.Offset >= int64(len(data)) || strings.Contains(syn.Error(), "unexpected end") {
			return in.Errorf(fmt.Sprintf("byte %d", len(data)), "truncated JSON: the body ends before the document does")
		}
		return in.Errorf(fmt.Sprintf("byte %d", syn.Offset), "invalid JSON: %s", syn.Error())
	}
	if err == nil {
		err = errors.New("rejected by json.Valid")
	}
	return in.Errorf("", "invalid JSON: %v", err)
}

// asFormatError keeps a FormatError raised inside a callback and wraps any
// other (scanner) error as one.
func asFormatError(in extractors.Input, path string, err error) error {
	var fe *extractors.FormatError
	if errors.As(err, &fe) {
		return err
	}
	return in.Errorf(path, "malformed JSON: %v", err)
}
