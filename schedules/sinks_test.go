package schedules

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testBatch is one opened and one resolved alert.
func testBatch() Batch {
	resolved := instant("2025-08-12T10:00:00Z")
	return Batch{Version: PayloadVersion, Generator: "emigre test", RunID: "20250812T100000.000Z", SentAt: resolved,
		Alerts: []Notification{
			{Event: Opened, AlertID: "is-test-late:stale:20250812T100000.000Z", SourceID: "is-test-late", Destination: "IS",
				Title: "Immigration of Russians", Kind: Stale, SourceState: Stale,
				Reason:      "stopped publishing: newest period 2023-12-31; the period of 2024-12-31 was due by 2025-06-30 (grace 30 days)",
				StateReason: "the same", FirstSeen: instant("2025-08-12T10:00:00Z"), LastSeen: instant("2025-08-12T10:00:00Z"),
				NewestPeriod: "2023-12-31", ExpectedPeriod: "2024-12-31", DueBy: "2025-06-30"},
			{Event: Resolved, AlertID: "is-test-flaky:failing:20250806T100000.000Z", SourceID: "is-test-flaky", Destination: "IS",
				Kind: Failing, SourceState: OK, Reason: "failed 2 runs in a row", StateReason: "publishing on time",
				FirstSeen: instant("2025-08-06T10:00:00Z"), LastSeen: instant("2025-08-06T10:00:00Z"), ResolvedAt: &resolved},
		}}
}

// captured is one request an httptest endpoint received.
type captured struct {
	header http.Header
	body   []byte
}

func capture(t *testing.T, status int) (*httptest.Server, func() []captured) {
	var mu sync.Mutex
	var got []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, captured{r.Header.Clone(), b})
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured { mu.Lock(); defer mu.Unlock(); return append([]captured(nil), got...) }
}

func TestWebhookPostsTheBatchSigned(t *testing.T) {
	srv, got := capture(t, http.StatusNoContent)
	secret := []byte("a shared secret")
	sink := &WebhookSink{URL: srv.URL + "/hooks/emigre", Secret: secret, UserAgent: "emigre-test"}
	b := testBatch()
	if err := sink.Send(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	req := got()[0]
	// The receiver's check, written out: HMAC-SHA256 of the raw body.
	mac := hmac.New(sha256.New, secret)
	mac.Write(req.body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); req.header.Get(SignatureHeader) != want {
		t.Errorf("signature %q, want %q", req.header.Get(SignatureHeader), want)
	}
	if ct := req.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(req.body, &body); err != nil {
		t.Fatal(err)
	}
	alerts, _ := body["alerts"].([]any)
	if body["version"] != PayloadVersion || body["run_id"] != b.RunID || len(alerts) != 2 {
		t.Fatalf("body: %s", req.body)
	}
	first := alerts[0].(map[string]any)
	for k, want := range map[string]any{"event": "opened", "source_id": "is-test-late", "kind": "stale", "destination": "IS",
		"newest_period": "2023-12-31", "due_by": "2025-06-30", "first_seen": "2025-08-12T10:00:00Z", "reason": b.Alerts[0].Reason} {
		if first[k] != want {
			t.Errorf("alerts[0].%s = %v, want %v", k, first[k], want)
		}
	}
	if _, ok := first["resolved_at"]; ok {
		t.Error("an open alert carries resolved_at")
	}
	if second := alerts[1].(map[string]any); second["event"] != "resolved" || second["resolved_at"] != "2025-08-12T10:00:00Z" {
		t.Errorf("alerts[1] = %v", second)
	}
	// A tampered body fails the receiver's check.
	if VerifySignature(secret, append(req.body, ' '), req.header.Get(SignatureHeader)) {
		t.Error("a changed body verifies")
	}
	// Without a secret: no signature header.
	if err := (&WebhookSink{URL: srv.URL}).Send(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if h := got()[1].header.Get(SignatureHeader); h != "" {
		t.Errorf("unsigned webhook sent %s: %q", SignatureHeader, h)
	}
}

func TestSlackGetsOneMessageAndItsURLStaysSecret(t *testing.T) {
	srv, got := capture(t, http.StatusOK)
	secretURL := srv.URL + "/services/T000/B000/XXXXSECRETXXXX"
	if err := (&SlackSink{URL: secretURL}).Send(context.Background(), testBatch()); err != nil {
		t.Fatal(err)
	}
	var msg map[string]string
	if err := json.Unmarshal(got()[0].body, &msg); err != nil || len(msg) != 1 {
		t.Fatalf("slack body %s: %v", got()[0].body, err)
	}
	text := msg["text"]
	for _, want := range []string{"1 opened, 1 resolved", "STALE: is-test-late (IS): stopped publishing",
		"RESOLVED is-test-flaky (IS) is ok again, no longer failing"} {
		if !strings.Contains(text, want) {
			t.Errorf("slack text lacks %q:\n%s", want, text)
		}
	}
	// A dead endpoint: the error (and so the log) never shows the URL.
	srv.Close()
	err := (&SlackSink{URL: secretURL}).Send(context.Background(), testBatch())
	if err == nil || strings.Contains(err.Error(), "XXXXSECRETXXXX") {
		t.Errorf("error %v leaks the webhook URL", err)
	}
}

func TestAFailingSinkIsRetriedLoggedAndNeverStopsTheOthers(t *testing.T) {
	var logs bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))

	flaky := newReceiver(t, nil)
	flaky.fail = 2 // two 500s, then accepted
	good, gotGood := capture(t, http.StatusOK)
	dead, _ := capture(t, http.StatusOK)
	dead.Close()
	m := &Monitor{Retries: 3, Backoff: time.Millisecond, Sinks: []Sink{
		&SlackSink{URL: dead.URL + "/services/XXXXSECRETXXXX"},
		&WebhookSink{URL: flaky.srv.URL},
		&WebhookSink{URL: good.URL + "?token=XXXXSECRETXXXX"},
	}}
	m.Deliver(context.Background(), testBatch())
	if flaky.count() != 1 {
		t.Errorf("the flaky webhook got %d batches after its retries, want 1", flaky.count())
	}
	if len(gotGood()) != 1 {
		t.Errorf("a dead sink kept the next one from delivering")
	}
	out := logs.String()
	for _, want := range []string{"alert sink failed; retrying", "alert sink delivered after retrying",
		"alert sink failed; the alerts stay in the warehouse", "after 4 attempts", "alert opened", "alert resolved"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(out, "XXXXSECRETXXXX") {
		t.Errorf("a secret reached the log:\n%s", out)
	}
}

// smtpServer is a minimal SMTP server with STARTTLS and AUTH PLAIN, enough
// for net/smtp's client: it records what it was told and in which order.
type smtpServer struct {
	addr    string
	tls     *tls.Config
	noTLS   bool // do not offer STARTTLS
	mu      sync.Mutex
	log     []string // commands in order, AUTH decoded
	message []byte
}

func startSMTP(t *testing.T, cert tls.Certificate, noTLS bool) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &smtpServer{addr: ln.Addr().String(), tls: &tls.Config{Certificates: []tls.Certificate{cert}}, noTLS: noTLS}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// sink is an SMTPSink for this server, trusting its certificate.
func (s *smtpServer) sink(pool *x509.CertPool) *SMTPSink {
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return &SMTPSink{Host: host, Port: p, From: "emigre <emigre@example.org>", To: []string{"data-team@example.org", "oncall@example.org"},
		Username: "emigre", Password: "mail-password", TLS: &tls.Config{RootCAs: pool}}
}

func (s *smtpServer) record(l string) { s.mu.Lock(); s.log = append(s.log, l); s.mu.Unlock() }

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	secure := false
	_ = tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			s.record("EHLO")
			switch {
			case secure:
				_ = tp.PrintfLine("250-test\r\n250 AUTH PLAIN")
			case s.noTLS:
				_ = tp.PrintfLine("250-test\r\n250 AUTH PLAIN")
			default:
				_ = tp.PrintfLine("250-test\r\n250 STARTTLS")
			}
		case "STARTTLS":
			s.record("STARTTLS")
			_ = tp.PrintfLine("220 ready")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, tp, secure = tc, textproto.NewConn(tc), true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			s.record("AUTH " + mech + " " + strings.ReplaceAll(string(b), "\x00", "|") + " tls=" + map[bool]string{true: "yes", false: "no"}[secure])
			_ = tp.PrintfLine("235 ok")
		case "MAIL", "RCPT":
			s.record(line)
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go on")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.message = b
			s.mu.Unlock()
			s.record("DATA")
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			s.record("QUIT")
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 not implemented")
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestSMTPSendsOverSTARTTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	srv := startSMTP(t, cert, false)
	sink := srv.sink(pool)
	b := testBatch()
	if err := sink.Send(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	log, raw := strings.Join(srv.log, "\n"), srv.message
	srv.mu.Unlock()
	want := "EHLO\nSTARTTLS\nEHLO\nAUTH PLAIN |emigre|mail-password tls=yes\nMAIL FROM:<emigre@example.org>\n" +
		"RCPT TO:<data-team@example.org>\nRCPT TO:<oncall@example.org>\nDATA\nQUIT"
	if log != want {
		t.Errorf("SMTP session:\n%s\nwant\n%s", log, want)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != b.Subject() || !strings.Contains(subject, "is-test-late stale") {
		t.Errorf("subject %q (%v), want %q", subject, err, b.Subject())
	}
	if to := msg.Header.Get("To"); !strings.Contains(to, "oncall@example.org") {
		t.Errorf("To: %q", to)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), b.Alerts[0].Line()) || !strings.Contains(string(body), b.Alerts[1].Line()) {
		t.Errorf("body lacks the alert lines:\n%s", body)
	}
}

func TestSMTPRefusesAServerWithoutSTARTTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	srv := startSMTP(t, cert, true)
	sink := srv.sink(pool)
	err := sink.Send(context.Background(), testBatch())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("sent without STARTTLS: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, l := range srv.log {
		if strings.HasPrefix(l, "AUTH") || l == "DATA" {
			t.Errorf("the client went on in clear text: %s", l)
		}
	}
}
