package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/openmercury/mercury/rpc"
)

const serveHelp = `Usage: mercury serve [--config FILE]

Serve Mercury's JSON-RPC API (the Ironic networking dialect) as the
configuration says: server.listen, TLS, auth. GET /healthz, /readyz and
/metrics are served beside POST /.

Signals: SIGHUP reloads the configuration, secrets and drivers, keeping the
running set if anything is invalid (the log and the metric
mercury_config_reloads_total{result="failed"} say so); SIGTERM or SIGINT
stops accepting calls and waits for the ones in flight.

Flags:`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, serveHelp); fs.PrintDefaults() }
	path := fs.String("config", envOr("MERCURY_CONFIG", "/etc/mercury/mercury.yaml"), "configuration file (YAML, or an NGS/Ironic switch ini file); $MERCURY_CONFIG")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	boot := slog.New(slog.NewJSONHandler(stderr, nil))
	d, err := newDaemon(ctx, *path, boot, prometheus.NewRegistry())
	if err != nil {
		fmt.Fprintf(stderr, "mercury serve: %v\n", err)
		return 1
	}
	defer d.close()
	srv := d.service.Config().Server()
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: srv.LogLevel}))
	if err := rpc.CheckBind(srv.Listen, string(srv.Auth.Strategy), srv.AllowNoauthRemote); err != nil {
		fmt.Fprintf(stderr, "mercury serve: %v\n", err)
		return 1
	}
	server, err := newAPI(d, log)
	if err != nil {
		fmt.Fprintf(stderr, "mercury serve: %v\n", err)
		return 1
	}
	l, err := net.Listen("tcp", srv.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "mercury serve: listen on %s (server.listen): %v\n", srv.Listen, err)
		return 1
	}
	log.Info("serving", "listen", l.Addr().String(), "auth", srv.Auth.Strategy, "tls", srv.TLS.Enabled(),
		"devices", len(d.service.Config().Devices()), "drivers", d.engine.Drivers())

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				_ = d.reload(ctx)
			case <-ctx.Done():
				return
			}
		}
	}()
	if err := server.Serve(ctx, l); err != nil {
		fmt.Fprintf(stderr, "mercury serve: %v\n", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// newAPI builds the JSON-RPC server of d as its configuration's server
// section says (authentication, TLS, deadline), with /metrics beside it;
// the server's metrics join d's registry.
func newAPI(d *daemon, log *slog.Logger) (*rpc.Server, error) {
	srv := d.service.Config().Server()
	auth, err := rpc.NewAuthenticator(string(srv.Auth.Strategy), srv.Auth.HtpasswdFile, log)
	if err != nil {
		return nil, err
	}
	var tlsCfg *tls.Config
	if srv.TLS.Enabled() {
		minV := "1.3"
		if srv.TLS.MinVersion == tls.VersionTLS12 {
			minV = "1.2"
		}
		if tlsCfg, err = rpc.TLSConfig(srv.TLS.CertFile, srv.TLS.KeyFile, srv.TLS.ClientCAFile, minV); err != nil {
			return nil, err
		}
	}
	return rpc.New(rpc.Options{
		Backend: d.service, Auth: auth, Logger: log, Deadline: srv.Deadline, Registerer: d.reg, TLS: tlsCfg,
		WS: rpc.WSOptions{MaxConns: srv.WebSocket.MaxConnections, MaxInFlight: srv.WebSocket.MaxInFlight, MaxQueued: srv.WebSocket.MaxQueued,
			Ping: srv.WebSocket.PingInterval, Idle: srv.WebSocket.IdleTimeout},
		Extra: map[string]http.Handler{"/metrics": promhttp.HandlerFor(d.reg, promhttp.HandlerOpts{})},
	})
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
