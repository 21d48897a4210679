package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/emigre/emigre/report"
	"github.com/emigre/emigre/schedules"
)

// defaultServeAddr binds the loopback interface only: the dashboard has no
// authentication, so exposing it is a deliberate --addr.
const defaultServeAddr = "127.0.0.1:8080"

// cmdServe serves the read-only dashboard until interrupted.
func cmdServe(ctx context.Context, args []string, w io.Writer) error {
	fs := newFlags("serve")
	addr := fs.String("addr", defaultServeAddr, "address to listen on (host:port)")
	db := fs.String("db", "", "published warehouse file (default from config)")
	cfgPath := fs.String("config", "", "config file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArguments(fs); err != nil {
		return err
	}
	cfg, path, err := configAndWarehouse(*cfgPath, *db)
	if err != nil {
		return err
	}
	h, err := dashboardHandler(cfg, path)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(w, "serving %s read-only at http://%s/ (Ctrl-C to stop)\n", path, ln.Addr())
	if !loopback(ln.Addr()) {
		fmt.Fprintf(w, "WARNING: %s is reachable from the network, and the dashboard has no authentication: "+
			"anyone who can reach it reads the warehouse. Bind 127.0.0.1 (the default) unless that is meant.\n", ln.Addr())
	}
	return serveUntilDone(ctx, ln, h)
}

// loopback says whether a listener is reachable from this machine only.
func loopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// dashboardHandler is the dashboard over the warehouse at path, with the
// schedules' Prometheus collector on /metrics.
func dashboardHandler(cfg Config, path string) (http.Handler, error) {
	policy, err := policyFor(cfg)
	if err != nil {
		return nil, usageError{err}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&schedules.Collector{Warehouse: path, Policy: policy})
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	origin, err := cfg.origin("")
	if err != nil {
		return nil, err
	}
	return report.NewDashboard(path, report.Options{Origin: origin}, metrics), nil
}

// serveUntilDone serves h on ln until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	slog.Info("dashboard stopped")
	return nil
}
