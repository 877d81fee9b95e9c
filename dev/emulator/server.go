package emulator

import (
	"context"
	"io"
	"log"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/loopback"
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

// Server is an Emulator listening on loopback: URL is http://127.0.0.1:PORT,
// Close stops it (and the Emulator's background deliveries), Wait waits for
// it to stop.
type Server struct {
	*Emulator
	*loopback.Server
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
	emu := New(opts)
	errorLog := log.New(io.Discard, "", 0)
	if opts.RequestLog != nil {
		errorLog = log.New(opts.RequestLog, "", log.LstdFlags)
	}
	srv, err := loopback.Listen(ctx, addr, loopback.Config{
		Name:     "emulator",
		Handler:  emu,
		ErrorLog: errorLog,
		OnStop:   emu.Stop,
	})
	if err != nil {
		return nil, err
	}
	return &Server{Emulator: emu, Server: srv}, nil
}

// JelouURL is the Jelou base URL: URL + "/jelou".
func (s *Server) JelouURL() string { return s.URL + "/jelou" }

// JurichatURL is the JuriChat base URL: URL + "/jurichat".
func (s *Server) JurichatURL() string { return s.URL + "/jurichat" }
