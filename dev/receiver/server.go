package receiver

import (
	"context"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/loopback"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// ErrNotLoopback is returned (wrapped) for a listen address that is not on loopback.
var ErrNotLoopback = validation.ErrNotLoopback

// CheckListenAddr accepts "host:port" only when host is localhost or a
// loopback IP: the receiver is a local development tool.
func CheckListenAddr(addr string) error {
	return validation.LoopbackListenAddr(addr, "127.0.0.1:8090", "the receiver listens only on 127.0.0.1, [::1] or localhost")
}

// Server is a Receiver listening on loopback: URL is http://127.0.0.1:PORT,
// Close stops it, Wait waits for it to stop.
type Server struct {
	*Receiver
	*loopback.Server
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
	srv, err := loopback.Listen(ctx, addr, loopback.Config{
		Name:        "receiver",
		Handler:     rcv,
		ReadTimeout: 30 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	return &Server{Receiver: rcv, Server: srv}, nil
}
