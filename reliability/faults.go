package reliability

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/formats"
)

// Fault is one way a publisher's answer goes wrong.
type Fault struct {
	Name string
	// Kind groups the faults that test one defence: connection (the
	// transport fails), status (an HTTP error or a redirect loop), not data
	// (an error page or an empty body with status 200), drift (the schema
	// changed), size (a body past the limits: the bombs), encoding, value
	// (a number the contract refuses), duplicate (one period twice). The
	// default test run meets one fault of each kind; the build tag
	// faultmatrix runs them all.
	Kind string
	// Stage is where the run must fail the source: fetch, parse or load.
	Stage string
	// Reason matches the error the run must give for the source, in
	// run_sources and in the log.
	Reason *regexp.Regexp
	// Formats the fault applies to (the answer's shape matters); empty: all
	// but those in NotFor.
	Formats, NotFor []string
	// Fits, when set, says whether the fault can be made of the source's
	// healthy answer (re-encoding needs text beyond ASCII).
	Fits func(healthy []byte) bool
	// Bomb: the answer offers far more bytes than any limit allows, so the
	// test bounds the memory the run allocates.
	Bomb bool
	// Retried: the fetcher must try again before giving up.
	Retried bool
	Serve   Handler
}

// AppliesTo reports whether the fault makes sense for the answer: for its
// source's format and, where it matters, for its content.
func (f Fault) AppliesTo(a Answer) bool {
	format := a.Source.Format
	return (len(f.Formats) == 0 || slices.Contains(f.Formats, format)) && !slices.Contains(f.NotFor, format) &&
		(f.Fits == nil || f.Fits(a.Body))
}

// Sizes of the bombs: far past the limits a test configures (FetchConfig
// MaxBytes of a few MiB), small on the wire.
const (
	GzipBombSize  = 1 << 30   // decoded bytes of the gzip bomb
	OversizedBody = 256 << 20 // bytes of the body over the size limit
)

// JSON-stat answers: Eurostat's JSON-stat and PxWeb's json-stat2.
var jsonStatFormats = []string{formats.JSONStat, formats.PxWeb}

// isJSONStat says whether a JSON-stat or PxWeb answer is a JSON-stat
// dataset the table-editing faults can be made of (a PxWeb answer in the
// json format is not).
func isJSONStat(healthy []byte) bool {
	_, err := openJSONStat(healthy)
	return err == nil
}

// Formats whose answer is an HTML page anyway.
var htmlFormats = []string{formats.Statement, formats.HTMLTable}

// Formats that name their columns or fields in the source's dim.ID
// parameters.
var columnFormats = []string{formats.CSV, formats.JSONRecords}

// Faults is the matrix's fault axis, in the order of issue 8.
func Faults() []Fault {
	re := regexp.MustCompile
	return []Fault{
		{Name: "connection reset", Kind: "connection", Stage: "fetch", Retried: true, Reason: re(`connection reset by peer`), Serve: resetConnection},
		{Name: "timeout", Kind: "connection", Stage: "fetch", Retried: true, Reason: re(`timed out: no complete answer within`), Serve: neverAnswer},
		{Name: "slow drip", Kind: "connection", Stage: "fetch", Retried: true, Reason: re(`timed out: no complete answer within`), Serve: slowDrip},
		{Name: "truncated body", Kind: "connection", Stage: "fetch", Retried: true, Reason: re(`truncated body`), Serve: truncatedBody},
		{Name: "HTTP 500", Kind: "status", Stage: "fetch", Retried: true, Reason: re(`HTTP 500 Internal Server Error`), Serve: status(http.StatusInternalServerError, "")},
		{Name: "HTTP 503 with Retry-After", Kind: "status", Stage: "fetch", Retried: true, Reason: re(`HTTP 503 Service Unavailable`), Serve: status(http.StatusServiceUnavailable, "1")},
		{Name: "HTTP 404", Kind: "status", Stage: "fetch", Reason: re(`HTTP 404 Not Found`), Serve: status(http.StatusNotFound, "")},
		{Name: "redirect loop", Kind: "status", Stage: "fetch", Reason: re(`redirect loop`), Serve: redirectLoop},
		{Name: "HTML error page with status 200", Kind: "not data", Stage: "parse", NotFor: htmlFormats, Reason: re(`an HTML page`), Serve: htmlErrorPage},
		{Name: "schema drift: renamed dimension", Kind: "drift", Stage: "parse", Formats: jsonStatFormats, Fits: isJSONStat, Reason: re(`dimension "[^"]+" missing`), Serve: renamedDimension},
		{Name: "schema drift: renamed column", Kind: "drift", Stage: "parse", Formats: columnFormats, Reason: re(`no column "[^"]+" in the header`), Serve: renamedColumn},
		{Name: "schema drift: removed country code", Kind: "drift", Stage: "parse", Formats: jsonStatFormats, Fits: isJSONStat, Reason: re(`has no categories|holds no data cells|none of \d+ cells matched`), Serve: removedCountry},
		{Name: "schema drift: statement reworded", Kind: "drift", Stage: "parse", Formats: []string{formats.Statement}, Reason: re(`no longer holds the statement`), Serve: rewordedStatement},
		{Name: "empty body", Kind: "not data", Stage: "parse", Reason: re(`empty body|not valid JSON: ""`), Serve: emptyBody},
		{Name: "gzip bomb", Kind: "size", Stage: "fetch", Bomb: true, Reason: re(`over the size limit`), Serve: gzipBomb},
		{Name: "body over the size limit (Content-Length)", Kind: "size", Stage: "fetch", Bomb: true, Reason: re(`over the size limit: Content-Length`), Serve: oversized(true)},
		{Name: "body over the size limit (chunked)", Kind: "size", Stage: "fetch", Bomb: true, Reason: re(`over the size limit`), Serve: oversized(false)},
		{Name: "unexpected encoding: UTF-16", Kind: "encoding", Stage: "parse", Formats: jsonStatFormats, Reason: re(`UTF-16`), Serve: utf16Body},
		{Name: "unexpected encoding: 8-bit code page declared UTF-8", Kind: "encoding", Stage: "parse", Formats: []string{formats.Statement}, Fits: fitsCodePage, Reason: re(`declares UTF-8 but is not valid UTF-8`), Serve: codePageBody},
		{Name: "non-numeric value", Kind: "value", Stage: "parse", Formats: jsonStatFormats, Fits: isJSONStat, Reason: re(`"#VALUE!" is neither a number nor a missing-value symbol`), Serve: nonNumericValue},
		{Name: "non-numeric statement figure", Kind: "value", Stage: "parse", Formats: []string{formats.Statement}, Reason: re(`no longer holds the statement`), Serve: figureInWords},
		{Name: "negative value", Kind: "value", Stage: "parse", Formats: jsonStatFormats, Fits: isJSONStat, Reason: re(`value -\d+ is negative`), Serve: negativeValue},
		{Name: "duplicated period (code listed twice)", Kind: "duplicate", Stage: "parse", Formats: jsonStatFormats, Fits: isJSONStat, Reason: re(`listed twice`), Serve: duplicatedPeriodCode},
		{Name: "duplicated period (two codes, one period)", Kind: "duplicate", Stage: "load", Formats: jsonStatFormats, Fits: isJSONStat, Reason: re(`published twice with different values`), Serve: duplicatedPeriod},
	}
}

// FaultNamed returns the fault of Faults with the name. An unknown name is
// a test's typo: it panics.
func FaultNamed(name string) Fault {
	for _, f := range Faults() {
		if f.Name == name {
			return f
		}
	}
	panic("reliability: no fault named " + strconv.Quote(name))
}

// broken answers when the harness cannot build a fault from the archived
// answer: the test then fails on the reason, naming the harness.
func broken(w http.ResponseWriter, err error) {
	http.Error(w, "reliability harness: "+err.Error(), http.StatusTeapot)
}

// resetConnection closes the connection with a TCP reset before answering.
func resetConnection(w http.ResponseWriter, _ *http.Request, _ Answer) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		broken(w, fmt.Errorf("cannot hijack the connection"))
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		broken(w, err)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close sends RST, not FIN
	}
	conn.Close()
}

// neverAnswer holds the request until the client gives up.
func neverAnswer(_ http.ResponseWriter, r *http.Request, _ Answer) {
	<-r.Context().Done()
}

// slowDrip sends the headers, then one byte of the body every 200 ms: far
// below any sane rate, never finishing before the client's timeout.
func slowDrip(w http.ResponseWriter, r *http.Request, a Answer) {
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	for i := 0; i < len(a.Body); i++ {
		if _, err := w.Write(a.Body[i : i+1]); err != nil {
			return
		}
		rc.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// truncatedBody promises more bytes than it sends, then closes.
func truncatedBody(w http.ResponseWriter, _ *http.Request, a Answer) {
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)+1000))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.Body)
	// Returning with fewer bytes than promised makes the server close
	// the connection.
}

func status(code int, retryAfter string) Handler {
	return func(w http.ResponseWriter, _ *http.Request, _ Answer) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, http.StatusText(code), code)
	}
}

// redirectLoop redirects every request to itself; 307 keeps a POST a POST.
func redirectLoop(w http.ResponseWriter, r *http.Request, _ Answer) {
	http.Redirect(w, r, r.URL.String(), http.StatusTemporaryRedirect)
}

// htmlErrorPage answers 200 with a bot challenge, labelled as the data's
// content type (publishers' gateways do that).
func htmlErrorPage(w http.ResponseWriter, _ *http.Request, a Answer) {
	w.Header().Set("Content-Type", a.ContentType)
	fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Access denied</title></head>"+
		"<body><h1>Please enable JavaScript to continue</h1></body></html>")
}

func editAnswer(edit func(a Answer, j *jsonStat) error) Handler {
	return func(w http.ResponseWriter, _ *http.Request, a Answer) {
		b, err := editJSONStat(a.Body, func(j *jsonStat) error { return edit(a, j) })
		if err != nil {
			broken(w, fmt.Errorf("%s: %w", a.Source.ID, err))
			return
		}
		w.Header().Set("Content-Type", a.ContentType)
		_, _ = w.Write(b)
	}
}

// renamedDimension renames the source's time dimension, as a publisher
// moving to SDMX names (time -> TIME_PERIOD) does.
var renamedDimension = editAnswer(func(a Answer, j *jsonStat) error {
	return j.renameDim(a.Source.Map.Time, a.Source.Map.Time+"_PERIOD")
})

// renamedColumn renames the column (CSV header) or field (JSON records)
// that the source reads its time from.
func renamedColumn(w http.ResponseWriter, _ *http.Request, a Answer) {
	col := a.Source.Params["dim."+a.Source.Map.Time]
	if col == "" {
		broken(w, fmt.Errorf("%s: no dim.%s parameter", a.Source.ID, a.Source.Map.Time))
		return
	}
	body := a.Body
	switch a.Source.Format {
	case formats.JSONRecords:
		body = bytes.ReplaceAll(body, []byte(strconv.Quote(col)+":"), []byte(`"TIME_PERIOD":`))
	default: // the header line only
		header, rest, _ := bytes.Cut(body, []byte("\n"))
		body = append(bytes.Replace(header, []byte(col), []byte("TIME_PERIOD"), 1), append([]byte("\n"), rest...)...)
	}
	w.Header().Set("Content-Type", a.ContentType)
	_, _ = w.Write(body)
}

// removedCountry drops the country the source's answer is about: the
// destination or citizenship code the mapping filters on or reads.
var removedCountry = editAnswer(func(a Answer, j *jsonStat) error {
	dim, code := countryDimension(a.Source)
	if dim == "" {
		return fmt.Errorf("the mapping names no country dimension")
	}
	return j.removeCode(dim, code)
})

// countryDimension is the dimension and code that say which country a
// source's cells are about.
func countryDimension(s *extractors.Source) (dim, code string) {
	for d, c := range s.Map.Filter {
		if c == s.Destination || c == "RU" {
			return d, c
		}
	}
	if s.Map.Citizenship != "" {
		return s.Map.Citizenship, "RU"
	}
	return "", ""
}

// nonNumericValue puts a spreadsheet error where the newest figure was.
var nonNumericValue = editAnswer(func(_ Answer, j *jsonStat) error { return j.setLast("#VALUE!") })

var negativeValue = editAnswer(func(_ Answer, j *jsonStat) error { return j.setLast(-250) })

// duplicatedPeriodCode lists the newest period with a figure twice in the
// time index.
var duplicatedPeriodCode = editAnswer(func(a Answer, j *jsonStat) error {
	newest, err := j.newestPeriod(a.Source.Map.Time)
	if err != nil {
		return err
	}
	return j.appendCode(a.Source.Map.Time, newest, newest, func(v any) any { return v })
})

// duplicatedPeriod adds a second code for the newest period with a figure
// ("2024A00" beside "2024") carrying other values: two figures for one
// period.
var duplicatedPeriod = editAnswer(func(a Answer, j *jsonStat) error {
	newest, err := j.newestPeriod(a.Source.Map.Time)
	if err != nil {
		return err
	}
	return j.appendCode(a.Source.Map.Time, newest+"A00", newest, func(v any) any {
		if v == nil {
			return nil
		}
		n, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
		return n + 1000
	})
})

// Revised answers the source's archived answer with its newest value
// raised by delta: a publisher's revision, for tests that need each run to
// change the warehouse.
func Revised(delta int) Handler {
	return editAnswer(func(_ Answer, j *jsonStat) error { return j.addToLast(delta) })
}

var digits = regexp.MustCompile(`[0-9]`)

// rewordedStatement replaces the article with one that no longer gives the
// figure (the page was edited or now shows something else).
func rewordedStatement(w http.ResponseWriter, _ *http.Request, a Answer) {
	w.Header().Set("Content-Type", a.ContentType)
	fmt.Fprint(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title></head>`+
		`<body><article><p>This article has been updated and moved.</p></article></body></html>`)
}

// figureInWords spells the figures out: no digit is left to read.
func figureInWords(w http.ResponseWriter, _ *http.Request, a Answer) {
	w.Header().Set("Content-Type", a.ContentType)
	_, _ = w.Write(digits.ReplaceAll(a.Body, []byte("several")))
}

func emptyBody(w http.ResponseWriter, _ *http.Request, a Answer) {
	w.Header().Set("Content-Type", a.ContentType)
	w.WriteHeader(http.StatusOK)
}

// gzipBomb answers Content-Encoding: gzip with ~1 MB that inflates to
// GzipBombSize bytes.
func gzipBomb(w http.ResponseWriter, r *http.Request, a Answer) {
	b := bombBytes()
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

var bomb = sync.OnceValue(func() []byte {
	// One gzip member of 1 MiB of zeros, repeated: gzip readers read
	// concatenated members as one stream.
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), GzipBombSize>>20)
})

func bombBytes() []byte { return bomb() }

// oversized streams OversizedBody bytes of JSON-looking filler, declaring
// its length or not.
func oversized(declared bool) Handler {
	return func(w http.ResponseWriter, _ *http.Request, a Answer) {
		w.Header().Set("Content-Type", a.ContentType)
		if declared {
			w.Header().Set("Content-Length", strconv.Itoa(OversizedBody))
		}
		w.WriteHeader(http.StatusOK)
		_, _ = io.Copy(w, io.LimitReader(filler{}, OversizedBody)) // the client gives up first
	}
}

// filler reads as an endless run of spaces (valid JSON white space).
type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// utf16Body re-encodes the answer as UTF-16 with a byte-order mark (a
// Windows export), still labelled as the original content type.
func utf16Body(w http.ResponseWriter, _ *http.Request, a Answer) {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(a.Body)
	if err != nil {
		broken(w, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	_, _ = w.Write(b)
}

// codePages are the 8-bit encodings pages come in besides UTF-8: Cyrillic,
// Western, Central European, Greek, Turkish.
var codePages = []*charmap.Charmap{charmap.Windows1251, charmap.Windows1252, charmap.Windows1250, charmap.Windows1253, charmap.Windows1254}

// inCodePage re-encodes text beyond ASCII in the first code page that has
// all its characters; ok is false for ASCII (the same bytes in any code
// page) or text no code page holds (Korean, Hebrew).
func inCodePage(b []byte) ([]byte, bool) {
	if !slices.ContainsFunc(b, func(c byte) bool { return c >= 0x80 }) {
		return nil, false
	}
	for _, cp := range codePages {
		if out, err := cp.NewEncoder().Bytes(b); err == nil {
			return out, true
		}
	}
	return nil, false
}

func fitsCodePage(b []byte) bool {
	_, ok := inCodePage(b)
	return ok
}

// codePageBody re-encodes a page in an 8-bit code page while its header and
// meta tag still say UTF-8 (a CMS migration gone wrong).
func codePageBody(w http.ResponseWriter, _ *http.Request, a Answer) {
	b, ok := inCodePage(a.Body)
	if !ok {
		broken(w, fmt.Errorf("%s: no code page holds the page", a.Source.ID))
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	_, _ = w.Write(b)
}
