package transport

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

func TestSettler(t *testing.T) {
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), ctxKey{}, "v"))
	s := NewSettlerTimeout(ctx, 50*time.Millisecond)
	defer s.Close()
	if s.Stopped() || s.Context() != ctx {
		t.Fatal("a live context is not used as is")
	}

	// Cancelled while f runs: f runs again on the settle context.
	var seen []context.Context
	err := s.Run(func(c context.Context) error {
		seen = append(seen, c)
		if len(seen) == 1 {
			cancel()
			return c.Err()
		}
		return c.Err()
	})
	if err != nil || len(seen) != 2 {
		t.Fatalf("Run = %v after %d calls, want success on the second", err, len(seen))
	}
	sc := seen[1]
	if sc == ctx || sc.Err() != nil || sc.Value(ctxKey{}) != "v" {
		t.Errorf("settle context: err %v, value %v; want a live context keeping the caller's values", sc.Err(), sc.Value(ctxKey{}))
	}
	if s.Context() != sc {
		t.Error("the settle context is not made once")
	}
	// It is bounded.
	select {
	case <-sc.Done():
		if !errors.Is(sc.Err(), context.DeadlineExceeded) {
			t.Errorf("settle context ended with %v", sc.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the settle context has no bound")
	}
	// Already stopped: f runs once.
	calls := 0
	_ = s.Run(func(context.Context) error { calls++; return errors.New("x") })
	if calls != 1 {
		t.Errorf("Run after the stop called f %d times, want 1", calls)
	}
	if NewSettler(ctx).timeout != SettleTimeout || NewSettlerTimeout(ctx, 0).timeout != SettleTimeout {
		t.Error("default bound is not SettleTimeout")
	}
}
