package transport

import (
	"context"
	"sync"
	"time"
)

// SettleTimeout bounds, in all, the requests a client sends to settle a
// change whose answer was lost because its context ended (Terraform stops
// the provider on SIGINT or SIGTERM, and the RPC contexts are cancelled). It
// must end well within the grace a CI runner gives a cancelled job before
// SIGTERM (7.5 s on GitHub Actions), so that Terraform can still write its
// state. When it runs out, the operation ends with the error it would have
// had without settling (the outcome is unknown).
const SettleTimeout = 5 * time.Second

// Settler hands a client the context to settle a change on. While the
// caller's context is alive that is the caller's context; once it has ended
// (the operation was stopped), it is a context of its own, detached from the
// caller's cancellation (context.WithoutCancel keeps its values) and bounded
// by SettleTimeout from the moment the stop is first seen. Close releases it.
type Settler struct {
	ctx context.Context

	mu      sync.Mutex
	settle  context.Context
	cancel  context.CancelFunc
	timeout time.Duration
}

// NewSettler returns a Settler for an operation running on ctx.
func NewSettler(ctx context.Context) *Settler {
	return &Settler{ctx: ctx, timeout: SettleTimeout}
}

// NewSettlerTimeout is NewSettler with a bound other than SettleTimeout
// (tests); timeout <= 0 means SettleTimeout.
func NewSettlerTimeout(ctx context.Context, timeout time.Duration) *Settler {
	if timeout <= 0 {
		timeout = SettleTimeout
	}
	return &Settler{ctx: ctx, timeout: timeout}
}

// Stopped reports whether the caller's context has ended.
func (s *Settler) Stopped() bool { return s.ctx.Err() != nil }

// Context returns the caller's context while it is alive, else the settle
// context (created on first use).
func (s *Settler) Context() context.Context {
	if !s.Stopped() {
		return s.ctx
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settle == nil {
		s.settle, s.cancel = context.WithTimeout(context.WithoutCancel(s.ctx), s.timeout)
	}
	return s.settle
}

// Run calls f with Context(). When f fails and the caller's context ended
// while it ran, f is called once more on the settle context: f must be safe
// to repeat (a read, or a request whose repetition is harmless).
func (s *Settler) Run(f func(context.Context) error) error {
	wasStopped := s.Stopped()
	err := f(s.Context())
	if err != nil && !wasStopped && s.Stopped() {
		err = f(s.Context())
	}
	return err
}

// Close releases the settle context, if one was made.
func (s *Settler) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}
