package receiver

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

// CheckListenAddr accepts "host:port" only when host is localhost or a
// loopback IP: the receiver is a local development tool.
func CheckListenAddr(addr string) error {
	return validation.LoopbackListenAddr(addr, "127.0.0.1:8090", "the receiver listens only on 127.0.0.1, [::1] or localhost")
}

// Server is a Receiver listening on loopback.
type Server struct {
	*Receiver
	URL string // http://127.0.0.1:PORT

	srv       *http.Server
	serveDone chan struct{}
	serveErr  error
	stopped   chan struct{}
	closeOnce sync.Once
}

// Listen serves a new Receiver on addr (loopback only; "127.0.0.1:0" picks a
// free port) until ctx is cancelled or Close is called.
func Listen(ctx context.Context, addr string, opts Options) (*Server, error) {
	if err := CheckListenAddr(addr); err != nil {
		return nil, err
	}
	rcv, err := New(opts)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("receiver: listen on %s: %w", addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("%w: %q resolved to %s", ErrNotLoopback, addr, ln.Addr())
	}
	s := &Server{
		Receiver: rcv,
		URL:      "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           rcv,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0),
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

// Close stops the server, letting in-flight requests finish for up to five
// seconds. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.serveDone
		close(s.stopped)
	})
	return s.Wait()
}

// Wait blocks until the server has stopped and returns the serve error, if any.
func (s *Server) Wait() error {
	<-s.stopped
	return s.serveErr
}
