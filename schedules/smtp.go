package schedules

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"
)

// SMTPSink mails each batch as plain text. It insists on STARTTLS: alerts
// and credentials never cross the network in clear text.
type SMTPSink struct {
	Host     string
	Port     int // 587 when zero
	From     string
	To       []string
	Username string // no AUTH when empty
	Password string // from the environment; never logged
	// TLS is the client TLS configuration; nil verifies the server against
	// the system's roots (SSL_CERT_FILE works) for Host.
	TLS *tls.Config
}

// Name implements Sink.
func (s *SMTPSink) Name() string { return "smtp " + net.JoinHostPort(s.Host, strconv.Itoa(s.port())) }

func (s *SMTPSink) port() int {
	if s.Port == 0 {
		return 587
	}
	return s.Port
}

// Check validates the addresses, so a typo fails at startup rather than at
// the first alert.
func (s *SMTPSink) Check() error {
	if s.Host == "" {
		return errors.New("smtp: no host")
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return fmt.Errorf("smtp: from %q: %w", s.From, err)
	}
	if len(s.To) == 0 {
		return errors.New("smtp: no recipient (to)")
	}
	for _, to := range s.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("smtp: to %q: %w", to, err)
		}
	}
	return nil
}

// Send implements Sink.
func (s *SMTPSink) Send(ctx context.Context, b Batch) error {
	if err := s.Check(); err != nil {
		return err
	}
	msg, err := s.message(b)
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.port())))
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name(), err)
	}
	deadline := time.Now().Add(time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("%s: %w", s.Name(), err)
	}
	defer c.Close()
	if err := s.session(c, msg); err != nil {
		return fmt.Errorf("%s: %w", s.Name(), err)
	}
	return nil
}

func (s *SMTPSink) session(c *smtp.Client, msg []byte) error {
	local, _ := os.Hostname()
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		return errors.New("the server does not offer STARTTLS; refusing to send in clear text")
	}
	cfg := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	if s.TLS != nil {
		cfg = s.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.Host
		}
	}
	if err := c.StartTLS(cfg); err != nil {
		return fmt.Errorf("STARTTLS: %w", err)
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("AUTH as %s: %w", s.Username, err)
		}
	}
	from, _ := mail.ParseAddress(s.From)
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, to := range s.To {
		addr, _ := mail.ParseAddress(to)
		if err := c.Rcpt(addr.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", addr.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return c.Quit()
}

// message is the RFC 5322 message: UTF-8 text, quoted-printable, CRLF.
func (s *SMTPSink) message(b Batch) ([]byte, error) {
	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	if _, err := qp.Write([]byte(strings.ReplaceAll(b.Text(), "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	sent := b.SentAt
	if sent.IsZero() {
		sent = time.Now()
	}
	from, _ := mail.ParseAddress(s.From)
	var to []string
	for _, t := range s.To {
		a, _ := mail.ParseAddress(t)
		to = append(to, a.String())
	}
	var m bytes.Buffer
	for _, h := range [][2]string{
		{"From", from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", b.Subject())},
		{"Date", sent.Format(time.RFC1123Z)},
		{"Message-ID", "<" + b.RunID + "." + strconv.FormatInt(sent.UnixNano(), 36) + "@emigre>"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
	} {
		m.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	m.WriteString("\r\n")
	m.Write(body.Bytes())
	return m.Bytes(), nil
}
