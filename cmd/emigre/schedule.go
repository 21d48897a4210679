package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/refresher"
	"github.com/emigre/emigre/schedules"
)

func cmdSchedule(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("schedule")
	list := fs.Bool("list", false, "print the next refresh times and exit")
	next := fs.Int("next", 3, "with --list: how many firings of each schedule to print")
	offline := fs.Bool("offline", false, "replay an archive on every firing instead of the network (the embedded sample unless --archive is given)")
	archiveDir := fs.String("archive", "", "archive directory (default from config)")
	db := fs.String("db", "", "published warehouse file (default from config: emigre.duckdb)")
	cfgPath := fs.String("config", "", "config file (default $EMIGRE_CONFIG or ./emigre.yaml)")
	metrics := fs.String("metrics", "", "serve Prometheus /metrics on this address, e.g. :9464 (default from config: schedule.metrics_listen)")
	catDir := fs.String("catalogue", "", "a folder of your own source files over the embedded catalogue (default from config)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return usageError{err}
	}
	cat, err := cfg.catalogue(*catDir)
	if err != nil {
		return err
	}
	opt, err := runOptions(cfg, cat, *offline, *archiveDir, *db, "", nil)
	if err != nil {
		return err
	}
	jobs, err := schedules.Jobs(cfg.Schedule.Refresh, cfg.Schedule.Sources, opt.Sources)
	if err != nil {
		return usagef("config schedule: %v", err)
	}
	mon, err := monitorFor(cfg)
	if err != nil {
		return err
	}
	if *list {
		return printSchedule(w, jobs, cfg.Alerts.Digest, opt.Warehouse, time.Now(), *next)
	}
	lock, err := schedules.AcquireLock(opt.Warehouse, "emigre schedule")
	if err != nil {
		return err
	}
	warnNoContact(cfg, opt)
	defer func() {
		if err := lock.Release(); err != nil {
			slog.Error("release the warehouse lock", "error", err)
		}
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&schedules.Collector{Warehouse: opt.Warehouse, Policy: mon.Policy})
	d := &schedules.Daemon{Monitor: mon, Refresh: refresher.Pipeline(opt, nil), Jobs: jobs,
		Metrics: schedules.NewDaemonMetrics(reg)}
	addr := cfg.Schedule.MetricsListen
	if *metrics != "" {
		addr = *metrics
	}
	if addr != "" {
		stop, err := serveMetrics(addr, reg)
		if err != nil {
			return err
		}
		defer stop()
	}
	return d.Run(ctx)
}

// serveMetrics serves reg on addr at /metrics until stop is called.
func serveMetrics(addr string, reg *prometheus.Registry) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("metrics server stopped", "error", err)
		}
	}()
	slog.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

func printSchedule(w io.Writer, jobs []schedules.Job, digest, warehouse string, now time.Time, n int) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SPEC\tSOURCES\t")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t\n", j.Spec, j.Name())
	}
	fmt.Fprintln(tw, "\nNEXT REFRESH (UTC)\tSOURCES\t")
	for _, f := range schedules.Upcoming(jobs, now, n) {
		fmt.Fprintf(tw, "%s\t%s\t\n", f.At.UTC().Format("2006-01-02 15:04 Mon"), f.Job.Name())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if digest == "" {
		digest = schedules.DefaultDigest
	}
	if d, err := schedules.ParseSpec(digest); err == nil {
		fmt.Fprintf(w, "\nopen alerts repeat on %q, next %s UTC\n", digest, d.Next(now).UTC().Format("2006-01-02 15:04 Mon"))
	}
	_, err := fmt.Fprintf(w, "warehouse %s, one writer at a time (lock %s)\n", warehouse, schedules.LockPath(warehouse))
	return err
}

// refresh is one locked refresh with states, alerts and sinks: what
// `emigre run` does. It returns the run's summary and what the run judged
// (each series' state, the alerts opened and resolved).
func refresh(ctx context.Context, cfg Config, opt pipeline.Options, command string) (*pipeline.Summary, *schedules.Evaluation, error) {
	mon, err := monitorFor(cfg)
	if err != nil {
		return nil, nil, err
	}
	lock, err := schedules.AcquireLock(opt.Warehouse, command)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err := lock.Release(); err != nil {
			slog.Error("release the warehouse lock", "error", err)
		}
	}()
	var sum *pipeline.Summary
	_, ev, err := mon.Refresh(ctx, opt.Sources, refresher.Pipeline(opt, &sum))
	return sum, ev, err
}

// monitorFor builds the alert policy and sinks from the config, reading the
// secrets from the environment variables it names.
func monitorFor(cfg Config) (*schedules.Monitor, error) {
	p, err := policyFor(cfg)
	if err != nil {
		return nil, err
	}
	sinks, err := sinksFor(cfg)
	if err != nil {
		return nil, err
	}
	return &schedules.Monitor{Policy: p, Sinks: sinks, Version: version}, nil
}

func policyFor(cfg Config) (schedules.Policy, error) {
	p := schedules.DefaultPolicy()
	a := cfg.Alerts
	if a.Digest != "" {
		d, err := schedules.ParseSpec(a.Digest)
		if err != nil {
			return p, usagef("config alerts.digest: %v", err)
		}
		p.Digest = d
	}
	switch {
	case a.FailingAfter < 0:
		return p, usagef("config alerts.failing_after: %d is negative", a.FailingAfter)
	case a.FailingAfter > 0:
		p.FailingAfter = a.FailingAfter
	}
	if a.Grace != nil {
		if *a.Grace < 0 {
			return p, usagef("config alerts.grace: negative")
		}
		p.Grace = time.Duration(*a.Grace)
	}
	return p, nil
}

// secretFrom reads a secret from the environment variable the config key
// names; the value itself is never logged or stored.
func secretFrom(key, env string) (string, error) {
	if env == "" {
		return "", nil
	}
	v := os.Getenv(env)
	if v == "" {
		return "", usagef("config %s: environment variable %s is not set", key, env)
	}
	return v, nil
}

func sinksFor(cfg Config) ([]schedules.Sink, error) {
	var sinks []schedules.Sink
	ua := fetch.UserAgent(cfg.Contact)
	s := cfg.Sinks
	if s.Webhook.URL != "" || s.Webhook.SecretEnv != "" {
		if !strings.HasPrefix(s.Webhook.URL, "https://") && !strings.HasPrefix(s.Webhook.URL, "http://") {
			return nil, usagef("config sinks.webhook.url %q: want an http(s) URL", s.Webhook.URL)
		}
		secret, err := secretFrom("sinks.webhook.secret_env", s.Webhook.SecretEnv)
		if err != nil {
			return nil, err
		}
		sinks = append(sinks, &schedules.WebhookSink{URL: s.Webhook.URL, Secret: []byte(secret), UserAgent: ua})
	}
	if s.Slack.URLEnv != "" {
		u, err := secretFrom("sinks.slack.url_env", s.Slack.URLEnv)
		if err != nil {
			return nil, err
		}
		sinks = append(sinks, &schedules.SlackSink{URL: u, UserAgent: ua})
	}
	if m := s.SMTP; m.Host != "" || len(m.To) > 0 {
		pw, err := secretFrom("sinks.smtp.password_env", m.PasswordEnv)
		if err != nil {
			return nil, err
		}
		if m.Username != "" && pw == "" {
			return nil, usagef("config sinks.smtp: username %s without password_env", m.Username)
		}
		sink := &schedules.SMTPSink{Host: m.Host, Port: m.Port, From: m.From, To: m.To, Username: m.Username, Password: pw}
		if err := sink.Check(); err != nil {
			return nil, usagef("config sinks.%v", err)
		}
		sinks = append(sinks, sink)
	}
	return sinks, nil
}
