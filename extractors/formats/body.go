package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/emigre/emigre/extractors"
)

// Reading a body: whole and within max_bytes (readLimited) or streamed and
// decoded from its declared charset (decodedBody), and telling an HTML page
// (an error page or a bot challenge, often sent with status 200) from the
// data that was expected.

// readLimited reads the whole body of in, bounded by its max_bytes
// parameter. Exceeding the limit is a FormatError: the source fails loudly
// instead of loading a truncated answer.
func readLimited(in extractors.Input) ([]byte, error) {
	if in.Body == nil {
		return nil, in.Errorf("", "no body")
	}
	limit, err := int64Param(in, "max_bytes", DefaultMaxBytes)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(LimitReader(in.Body, limit))
	if errors.Is(err, ErrTooLarge) {
		return nil, in.Errorf("", "body is larger than max_bytes=%d", limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading body: %w", in.Name, err)
	}
	return data, nil
}

// decodedBody returns the input's body, bounded by max_bytes, decoded from
// its declared charset to UTF-8 (a UTF-8 BOM dropped). A body that is an
// HTML page where want (text, a table) was expected fails.
func decodedBody(in extractors.Input, want string) (io.Reader, error) {
	if in.Body == nil {
		return nil, in.Errorf("", "no body")
	}
	limit, err := int64Param(in, "max_bytes", DefaultMaxBytes)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(&tooLargeReader{in: in, r: LimitReader(in.Body, limit), limit: limit}, 64<<10)
	head, _ := br.Peek(512)
	if len(bytes.TrimSpace(head)) == 0 {
		if _, err := br.Peek(1); err != nil && err != io.EOF {
			return nil, err
		}
		return nil, in.Errorf("", "empty body")
	}
	if want == "text" && looksLikeHTML(head) {
		return nil, notWantedHTML(in, br, "a delimited text file")
	}
	enc, err := declaredCharset(in)
	if err != nil {
		return nil, err
	}
	if enc == nil {
		if bytes.HasPrefix(head, utf8BOM) {
			_, _ = br.Discard(len(utf8BOM))
		}
		return br, nil
	}
	return enc.NewDecoder().Reader(br), nil
}

// tooLargeReader turns LimitReader's ErrTooLarge into the input's error.
type tooLargeReader struct {
	in    extractors.Input
	r     io.Reader
	limit int64
}

func (t *tooLargeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if errors.Is(err, ErrTooLarge) {
		err = t.in.Errorf("", "body is larger than max_bytes=%d", t.limit)
	}
	return n, err
}

// declaredCharset returns the decoder of the charset parameter; nil for
// UTF-8, which is read as it is (and validated).
func declaredCharset(in extractors.Input) (encoding.Encoding, error) {
	name := strings.TrimSpace(in.Param("charset", "utf-8"))
	switch strings.ToLower(name) {
	case "utf-8", "utf8":
		return nil, nil
	}
	enc, err := ianaindex.IANA.Encoding(name)
	if err != nil || enc == nil {
		// WHATWG labels ("cp1251", "latin1") as a fallback; note WHATWG
		// reads "iso-8859-1" as windows-1252, so IANA is asked first.
		enc, err = htmlindex.Get(name)
	}
	if err != nil || enc == nil {
		return nil, fmt.Errorf("%s: parameter charset=%q: unknown encoding", in.Name, name)
	}
	if enc == unicode.UTF8 {
		return nil, nil
	}
	return enc, nil
}

// utf8BOM is the byte-order mark some publishers put before UTF-8 text.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// looksLikeHTML reports whether a body's first bytes start an HTML page.
func looksLikeHTML(head []byte) bool {
	h := bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(head, utf8BOM)))
	return bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html")) ||
		bytes.HasPrefix(h, []byte("<?xml")) && bytes.Contains(h, []byte("<html"))
}

// notWantedHTML says that an HTML page (an error page, a bot challenge)
// came where want was expected, with its title.
func notWantedHTML(in extractors.Input, r io.Reader, want string) error {
	head, _ := io.ReadAll(io.LimitReader(r, 1<<16))
	msg := fmt.Sprintf("got an HTML page, not %s (an error page or a bot challenge?)", want)
	if t := htmlTitle(head); t != "" {
		msg += fmt.Sprintf(": title %q", t)
	}
	return in.Errorf("byte 0", "%s", msg)
}

// htmlTitle is the text of a page's <title>, shortened; "" when it has none.
func htmlTitle(b []byte) string {
	head := b[:min(len(b), 1<<16)]
	lower := bytes.ToLower(head)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return ""
	}
	return excerpt(head[start:start+end], 120)
}
