// Package validation holds the input rules the project shares: webhook URLs
// (where a vendor delivers events), API base URLs (where the providers send
// credentials), loopback listen addresses (the emulator, the receiver) and
// HTTP header names (custom delivery headers).
// It imports no Terraform package, so the emulator can use it; the
// providers' framework validators wrap it in internal/providerutil.
package validation

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// IsLoopbackHost reports whether host (without port) names the local machine:
// "localhost", an address in 127.0.0.0/8, or ::1.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// WebhookURL checks a URL a vendor will deliver events to: absolute, https
// (http only for a loopback host, for local development against the
// emulator), with a host and without embedded user:password credentials.
// The error text says what to fix and never repeats the URL, which may carry
// credentials.
func WebhookURL(raw string) error {
	return checkURL(raw, "a webhook URL")
}

// BaseURL checks an API base URL the provider sends credentials to. The rule
// is the same as for webhook URLs: plain http is refused unless the host is
// loopback, so credentials never cross a network in clear text.
func BaseURL(raw string) error {
	if err := checkURL(raw, "an API base URL"); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("an API base URL must not have a query string or fragment")
	}
	return nil
}

func checkURL(raw, what string) error {
	if strings.TrimSpace(raw) == "" {
		return fmt.Errorf("%s must not be empty", what)
	}
	if strings.TrimSpace(raw) != raw {
		return fmt.Errorf("%s must not start or end with white space", what)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s must be a valid absolute URL such as https://example.com/webhook", what)
	}
	if !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%s must be absolute, with a scheme and a host, such as https://example.com/webhook", what)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not embed user:password credentials; use the authentication attributes instead", what)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s must use https; plain http is only accepted for loopback hosts (localhost, 127.0.0.1, ::1) used in local development", what)
	default:
		return fmt.Errorf("%s must use the https scheme, not %q", what, u.Scheme)
	}
}

// ErrNotLoopback is wrapped by LoopbackListenAddr's error for an address
// that is not on loopback.
var ErrNotLoopback = errors.New("listen address is not a loopback address")

// LoopbackListenAddr accepts a listen address "host:port" only when host is
// loopback (see IsLoopbackHost): the project's local servers (emulator,
// receiver) must not be reachable from the network. An empty host (":8089")
// binds every interface and is refused. why ends the refusal's message.
func LoopbackListenAddr(addr, example, why string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid listen address %q: want host:port, e.g. %s", addr, example)
	}
	if !IsLoopbackHost(host) {
		return fmt.Errorf("%w: %q; %s", ErrNotLoopback, addr, why)
	}
	return nil
}
