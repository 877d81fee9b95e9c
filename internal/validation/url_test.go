package validation

import (
	"strings"
	"testing"
)

func TestWebhookURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		wantErr string
	}{
		{"https://example.com/hook", ""},
		{"https://example.com:8443/a/b?x=1", ""},
		{"http://127.0.0.1:9000/hook", ""},
		{"http://127.8.9.10/hook", ""},
		{"http://localhost:8080/hook", ""},
		{"http://[::1]:8080/hook", ""},
		{"HTTPS://EXAMPLE.COM/hook", ""},
		{"", "must not be empty"},
		{"   ", "must not be empty"},
		{" https://example.com", "white space"},
		{"example.com/hook", "absolute"},
		{"/relative", "absolute"},
		{"https://", "absolute"},
		{"http://example.com/hook", "must use https"},
		{"http://10.0.0.1/hook", "must use https"},
		{"ftp://example.com/hook", "https scheme"},
		{"https://user:pass@example.com/hook", "user:password"},
		{"https://user@example.com/hook", "user:password"},
		{"https://exa mple.com/%zz", "valid absolute URL"},
	}
	for _, tc := range cases {
		err := WebhookURL(tc.in)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("WebhookURL(%q) = %v, want nil", tc.in, err)
		case tc.wantErr != "" && err == nil:
			t.Errorf("WebhookURL(%q) = nil, want error containing %q", tc.in, tc.wantErr)
		case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
			t.Errorf("WebhookURL(%q) = %v, want error containing %q", tc.in, err, tc.wantErr)
		}
	}
}

func TestWebhookURLErrorNeverEchoesCredentials(t *testing.T) {
	t.Parallel()
	err := WebhookURL("https://alice:s3cr3t-value@example.com/")
	if err == nil || strings.Contains(err.Error(), "s3cr3t-value") || strings.Contains(err.Error(), "alice") {
		t.Fatalf("error must reject the URL without repeating its credentials, got %v", err)
	}
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://gateway.jelou.ai/platform", "http://127.0.0.1:8089/jelou", "https://api.jurichat.com"} {
		if err := BaseURL(ok); err != nil {
			t.Errorf("BaseURL(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"http://api.jurichat.com", "https://api.jurichat.com?x=1", "https://x.com/#frag", "api.jurichat.com"} {
		if err := BaseURL(bad); err == nil {
			t.Errorf("BaseURL(%q) = nil, want error", bad)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "app.localhost": true, "127.0.0.1": true, "127.255.0.1": true,
		"::1": true, "[::1]": true, "10.0.0.1": false, "example.com": false, "localhost.example.com": false, "0.0.0.0": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
