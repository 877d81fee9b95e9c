package emulator

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCheckListenAddr(t *testing.T) {
	tests := []struct {
		addr        string
		ok          bool
		notLoopback bool // the error wraps ErrNotLoopback
	}{
		{"127.0.0.1:8089", true, false},
		{"127.0.0.1:0", true, false},
		{"127.3.4.5:0", true, false},
		{"localhost:8089", true, false},
		{"LocalHost:0", true, false},
		{"[::1]:0", true, false},
		{"0.0.0.0:8089", false, true},
		{":8089", false, true},
		{"[::]:0", false, true},
		{"192.168.1.10:8089", false, true},
		{"10.0.0.1:0", false, true},
		{"example.com:80", false, true},
		{"127.0.0.1", false, false},
		{"", false, false},
	}
	for _, tc := range tests {
		err := CheckListenAddr(tc.addr)
		if (err == nil) != tc.ok || errors.Is(err, ErrNotLoopback) != tc.notLoopback {
			t.Errorf("CheckListenAddr(%q) = %v", tc.addr, err)
		}
		if tc.notLoopback && !strings.Contains(err.Error(), "loopback") {
			t.Errorf("CheckListenAddr(%q) error does not explain: %v", tc.addr, err)
		}
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0"} {
		srv, err := Start(context.Background(), addr, Options{})
		if !errors.Is(err, ErrNotLoopback) || srv != nil {
			if srv != nil {
				_ = srv.Close()
			}
			t.Errorf("Start(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
	if _, err := Start(context.Background(), "127.0.0.1:0", Options{JelouShape: "xml"}); err == nil {
		t.Error("Start accepted an invalid shape")
	}
}

func TestStartServesAndStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := Start(ctx, "127.0.0.1:0", Options{JelouShape: ShapeFlat})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(srv.URL) {
		t.Errorf("URL = %q", srv.URL)
	}
	if srv.JelouURL() != srv.URL+"/jelou" || srv.JurichatURL() != srv.URL+"/jurichat" {
		t.Errorf("JelouURL/JurichatURL = %q/%q", srv.JelouURL(), srv.JurichatURL())
	}

	req, _ := http.NewRequest("POST", srv.JelouURL()+"/v1/external-support/p1", strings.NewReader(`{"webhookUrl":"https://a.example/h"}`))
	req.Header.Set("x-api-key", DefaultJelouAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"brainId":"p1"`) || strings.Contains(string(body), `"data"`) {
		t.Errorf("create over the network: HTTP %d, flat shape %v", resp.StatusCode, !strings.Contains(string(body), `"data"`))
	}
	if _, ok := srv.JelouIntegration("p1"); !ok {
		t.Error("the embedded Emulator does not see the integration")
	}

	cancel()
	waitStopped(t, srv)
	if _, err := http.Get(srv.URL + "/_emulator/state"); err == nil {
		t.Error("the server still answers after its context was cancelled")
	}
}

func TestServerClose(t *testing.T) {
	srv, err := Start(context.Background(), "localhost:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := srv.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	waitStopped(t, srv)
	if _, err := http.Get(srv.URL + "/_emulator/state"); err == nil {
		t.Error("the server still answers after Close")
	}
}

func TestStartIPv6Loopback(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here")
	}
	ln.Close()
	srv, err := Start(context.Background(), "[::1]:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://[::1]:") {
		t.Errorf("URL = %q", srv.URL)
	}
}

func TestStartPortInUse(t *testing.T) {
	srv, err := Start(context.Background(), "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if other, err := Start(context.Background(), strings.TrimPrefix(srv.URL, "http://"), Options{}); err == nil {
		other.Close()
		t.Error("Start succeeded on a port already in use")
	}
}

func waitStopped(t *testing.T, srv *Server) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Wait = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
}
