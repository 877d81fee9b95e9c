package receiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// Client talks to a running receiver's admin and inspection routes.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client for the receiver at baseURL, which must be an
// http(s) URL on a loopback host (the receiver never leaves the machine, and
// neither do the secrets sent to it).
func NewClient(baseURL string) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("receiver URL must be an absolute http URL such as http://127.0.0.1:8090, not %q", baseURL)
	}
	if u.User != nil {
		return nil, errors.New("receiver URL must not contain credentials")
	}
	if !validation.IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("receiver URL host %q is not loopback: the receiver only listens on 127.0.0.1, [::1] or localhost", u.Hostname())
	}
	return &Client{
		base: strings.TrimSuffix(u.String(), "/"),
		http: &http.Client{Timeout: 10 * time.Second},
	}, nil
}

// Register sends ep for vendor/name to the receiver, authenticated with the
// admin token. Connection failures are retried for a few seconds (the
// receiver may be starting). Errors never contain the secrets.
func (c *Client) Register(ctx context.Context, adminToken, vendor, name string, ep Endpoint) error {
	if err := checkRegistration(vendor, name, ep); err != nil {
		return err
	}
	if adminToken == "" {
		return errors.New("the admin token is empty")
	}
	body, err := json.Marshal(registration(ep))
	if err != nil {
		return err
	}
	target := c.base + "/_receiver/endpoints/" + vendor + "/" + name
	var lastErr error
	for attempt := range 5 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt) * 300 * time.Millisecond):
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := c.http.Do(req)
		if err != nil {
			lastErr = connectionError(err)
			continue
		}
		msg := readError(resp)
		if resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusOK {
			return nil
		}
		return fmt.Errorf("the receiver refused the registration: HTTP %d: %s", resp.StatusCode, msg)
	}
	return fmt.Errorf("cannot reach the receiver at %s: %w", c.base, lastErr)
}

// Deliveries fetches the receiver's delivery log, oldest first.
func (c *Client) Deliveries(ctx context.Context) ([]Delivery, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/_receiver/deliveries", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the receiver at %s: %w", c.base, connectionError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /_receiver/deliveries: HTTP %d: %s", resp.StatusCode, readError(resp))
	}
	var doc struct {
		Deliveries []Delivery `json:"deliveries"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("GET /_receiver/deliveries: unreadable answer: %w", err)
	}
	return doc.Deliveries, nil
}

// readError reads the receiver's {"error": "..."} body (which never holds
// secrets) and closes it.
func readError(resp *http.Response) string {
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var doc struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &doc) == nil && doc.Error != "" {
		return doc.Error
	}
	return http.StatusText(resp.StatusCode)
}

// connectionError drops the *url.Error wrapper, whose text repeats the URL.
func connectionError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
