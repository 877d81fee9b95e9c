package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// ErrNotLoopback is returned (wrapped) for a listen address that is not on loopback.
var ErrNotLoopback = validation.ErrNotLoopback

// CheckListenAddr accepts "host:port" only when host is localhost or a loopback
// IP (127.0.0.0/8, ::1). The emulator's credentials are public defaults, so it
// must not be reachable from the network. An empty host (":8089") binds every
// interface and is refused.
func CheckListenAddr(addr string) error {
	return validation.LoopbackListenAddr(addr, "127.0.0.1:8089",
		"the emulator listens only on 127.0.0.1, [::1] or localhost because its credentials are public defaults")
}

// Server is an Emulator listening on loopback.
type Server struct {
	*Emulator
	URL string // http://127.0.0.1:PORT

	srv       *http.Server
	serveDone chan struct{} // closed when Serve has returned
	serveErr  error         // set before serveDone is closed
	stopped   chan struct{} // closed when Close has finished
	closeOnce sync.Once
}

// Start listens on addr (loopback only; "127.0.0.1:0" picks a free port) and
// serves a new Emulator until ctx is cancelled or Close is called.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if err := CheckListenAddr(addr); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	// "localhost" could resolve to anything: check what was actually bound.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("%w: %q resolved to %s", ErrNotLoopback, addr, ln.Addr())
	}

	emu := New(opts)
	errorLog := log.New(io.Discard, "", 0)
	if opts.RequestLog != nil {
		errorLog = log.New(opts.RequestLog, "", log.LstdFlags)
	}
	s := &Server{
		Emulator: emu,
		URL:      "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           emu,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          errorLog,
		},
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

// JelouURL is the Jelou base URL: URL + "/jelou".
func (s *Server) JelouURL() string { return s.URL + "/jelou" }

// JurichatURL is the JuriChat base URL: URL + "/jurichat".
func (s *Server) JurichatURL() string { return s.URL + "/jurichat" }

// Close stops the server, letting in-flight requests finish for up to five
// seconds, and returns the serve error, if any. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.serveDone
		s.Stop()
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
