package loopback

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestListenServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stops atomic.Int32
	srv, err := Listen(ctx, "127.0.0.1:0", Config{
		Name:    "test",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		OnStop:  func() { stops.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body = %q, want ok", body)
	}

	cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Wait() = %v after a clean stop", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop when its context was cancelled")
	}
	if err := srv.Close(); err != nil { // a second stop is harmless
		t.Fatalf("Close() after stop = %v", err)
	}
	if n := stops.Load(); n != 1 {
		t.Fatalf("OnStop ran %d times, want once", n)
	}
	if _, err := http.Get(srv.URL); err == nil {
		t.Fatal("the server still answers after it stopped")
	}
}

func TestListenRefusesWhatIsNotLoopback(t *testing.T) {
	srv, err := Listen(context.Background(), "0.0.0.0:0", Config{Name: "test", Handler: http.NotFoundHandler()})
	if !errors.Is(err, ErrNotLoopback) || srv != nil {
		if srv != nil {
			_ = srv.Close()
		}
		t.Fatalf("Listen(0.0.0.0:0) = %v, want ErrNotLoopback", err)
	}
}
