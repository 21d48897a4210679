package archive

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Replay is an http.RoundTripper that answers from an archive: the newest
// recorded body for the request's method, URL and body hash, with its status
// and headers. Conditional requests get a 304 when the archive's ETag or
// Last-Modified match, as from a well-behaved server. Requests the archive
// never saw get a 404, robots.txt included (colly reads that as "allow all").
type Replay struct {
	Archive *Archive
}

// RoundTrip implements http.RoundTripper.
func (r Replay) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("replay: reading request body: %w", err)
		}
		reqBody = b
	}
	e, ok := r.Archive.Latest(req.Method, req.URL.String(), HashBytes(reqBody))
	if !ok {
		return respond(req, http.StatusNotFound, http.Header{"Content-Type": {"text/plain"}},
			[]byte("not in the archive: "+req.Method+" "+req.URL.String())), nil
	}
	h := http.Header{}
	for k, v := range e.Header {
		h.Set(k, v)
	}
	if e.ETag != "" {
		h.Set("ETag", e.ETag)
	}
	if e.LastModified != "" {
		h.Set("Last-Modified", e.LastModified)
	}
	if notModified(req, e) {
		return respond(req, http.StatusNotModified, h, nil), nil
	}
	body, err := r.Archive.Object(e.SHA256)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", req.URL, err)
	}
	// The stored body is what the client saw after transport decoding.
	h.Del("Content-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return respond(req, e.Status, h, body), nil
}

func notModified(req *http.Request, e Entry) bool {
	if inm := req.Header.Get("If-None-Match"); inm != "" && e.ETag != "" {
		for _, t := range strings.Split(inm, ",") {
			if strings.TrimSpace(t) == e.ETag {
				return true
			}
		}
	}
	return e.LastModified != "" && req.Header.Get("If-Modified-Since") == e.LastModified
}

func respond(req *http.Request, status int, h http.Header, body []byte) *http.Response {
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
