package schedules

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SignatureHeader carries the webhook body's signature when a secret is
// set: "sha256=" and the hex HMAC-SHA256 of the exact body bytes under the
// secret (the scheme GitHub uses, so receivers have code for it).
const SignatureHeader = "X-Emigre-Signature-256"

// Sign returns the SignatureHeader value for body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header is body's signature under secret,
// comparing in constant time: what a receiver does.
func VerifySignature(secret, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// WebhookSink posts each batch as JSON (Batch) to a URL, signed when a
// secret is set.
type WebhookSink struct {
	URL       string
	Secret    []byte       // from the environment; never logged
	Client    *http.Client // nil: a client with a 30 s timeout
	UserAgent string
}

// Name implements Sink: the URL without its query, which may hold a token.
func (w *WebhookSink) Name() string { return "webhook " + redactURL(w.URL) }

// Send implements Sink.
func (w *WebhookSink) Send(ctx context.Context, b Batch) error {
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", w.Name(), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", w.Name(), stripURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Emigre-Run", b.RunID)
	if len(w.Secret) > 0 {
		req.Header.Set(SignatureHeader, Sign(w.Secret, body))
	}
	return post(client(w.Client), req, w.UserAgent, w.Name())
}

// SlackSink posts each batch as a message to a Slack incoming webhook, or
// any service that accepts Slack's {"text": ...} payload (Mattermost,
// Rocket.Chat, Teams workflows). The URL is the secret.
type SlackSink struct {
	URL       string // from the environment; never logged
	Client    *http.Client
	UserAgent string
}

// Name implements Sink.
func (s *SlackSink) Name() string { return "slack" }

// Send implements Sink.
func (s *SlackSink) Send(ctx context.Context, b Batch) error {
	body, err := json.Marshal(map[string]string{"text": b.Text()})
	if err != nil {
		return fmt.Errorf("slack: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("slack: %w", stripURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	return post(client(s.Client), req, s.UserAgent, s.Name())
}

func client(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// post sends req and wants a 2xx. Errors never carry the URL: a Slack
// webhook's URL is its secret.
func post(c *http.Client, req *http.Request, userAgent, name string) error {
	if userAgent != "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", name, stripURL(err))
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s: HTTP %d: %s", name, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}

// stripURL drops the URL a *url.Error carries.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// redactURL keeps scheme, host and path.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host + u.Path
}
