// Package loopback runs the workshop's local servers (the emulator and the
// receiver): it serves one http.Handler on a loopback address until its
// context is cancelled or it is closed, and runs their commands until a
// signal arrives.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// ErrNotLoopback is returned (wrapped) for a listen address that is not on loopback.
var ErrNotLoopback = validation.ErrNotLoopback

// shutdownGrace is how long Close lets in-flight requests finish.
const shutdownGrace = 5 * time.Second

// Config is what Listen serves and how.
type Config struct {
	Name        string       // prefixes Listen's errors: "NAME: listen on ADDR: ..."
	Handler     http.Handler // what is served
	ReadTimeout time.Duration
	ErrorLog    *log.Logger // the http.Server's own errors; nil: discarded
	OnStop      func()      // nil, or run once serving has ended, before Wait returns
}

// Server is a Handler served on loopback.
type Server struct {
	URL string // http://127.0.0.1:PORT

	srv       *http.Server
	onStop    func()
	serveDone chan struct{} // closed when Serve has returned
	serveErr  error         // set before serveDone is closed
	stopped   chan struct{} // closed when Close has finished
	closeOnce sync.Once
}

// Listen serves cfg.Handler on addr until ctx is cancelled, Close is called
// or serving fails. It refuses (wrapping ErrNotLoopback) an address that
// does not bind a loopback IP, whatever its host resolved to; callers check
// the address's form first with validation.LoopbackListenAddr for a clearer
// message. "127.0.0.1:0" picks a free port.
func Listen(ctx context.Context, addr string, cfg Config) (*Server, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen on %s: %w", cfg.Name, addr, err)
	}
	// "localhost" could resolve to anything: check what was actually bound.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("%w: %q resolved to %s", ErrNotLoopback, addr, ln.Addr())
	}
	errorLog := cfg.ErrorLog
	if errorLog == nil {
		errorLog = log.New(io.Discard, "", 0)
	}
	s := &Server{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           cfg.Handler,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       cfg.ReadTimeout,
			ErrorLog:          errorLog,
		},
		onStop:    cfg.OnStop,
		serveDone: make(chan struct{}),
		stopped:   make(chan struct{}),
	}
	go func() {
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
		close(s.serveDone)
	}()
	go func() {
		select {
		case <-ctx.Done():
		case <-s.serveDone:
		}
		_ = s.Close()
	}()
	return s, nil
}

// Close stops the server, letting in-flight requests finish for up to five
// seconds, runs Config.OnStop and returns the serve error, if any. It is
// safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.serveDone
		if s.onStop != nil {
			s.onStop()
		}
		close(s.stopped)
	})
	return s.Wait()
}

// Wait blocks until the server has stopped (its context cancelled, Close
// called, or a serve error) and returns the serve error, if any.
func (s *Server) Wait() error {
	<-s.stopped
	return s.serveErr
}

// ErrUsage marks a command-line mistake that the command has already
// reported with its usage text.
var ErrUsage = errors.New("usage error")

// Main is a server command's main: it runs run with os.Args[1:] and a
// context cancelled on SIGINT or SIGTERM, then exits 0 when run returns nil,
// 2 on ErrUsage, and 1 after printing "NAME: err" to stderr otherwise.
func Main(name string, run func(ctx context.Context, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case err == nil:
	case errors.Is(err, ErrUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
