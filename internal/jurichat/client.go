// Package jurichat is a client for JuriChat's Webhooks API: webhooks, the
// event catalogue, and the delivery log. It knows nothing of Terraform.
package jurichat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// Errors returned by the client match these with errors.Is. The error itself
// is a *transport.APIError carrying the HTTP status and the server's message.
var (
	ErrNotFound     = transport.ErrNotFound     // 404
	ErrUnauthorized = transport.ErrUnauthorized // 401, 403
	ErrConflict     = transport.ErrConflict     // 409
	ErrValidation   = transport.ErrValidation   // 400, 422

	// ErrOutcomeUnknown: a create may have reached the server, and what
	// became of it could not be settled (see CreateWebhook).
	ErrOutcomeUnknown = transport.ErrOutcomeUnknown
	// ErrAmbiguousCreate: several webhooks match a create whose answer was
	// lost (see CreateWebhook and AmbiguousCreateError).
	ErrAmbiguousCreate = errors.New("several webhooks match the create")
)

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "terraform-provider-jurichat"

// Config configures a Client. Exactly one of Token and APIKey must be set.
type Config struct {
	BaseURL    string       // e.g. https://api.jurichat.com or http://127.0.0.1:8089/jurichat
	Token      string       // JWT, sent as Authorization: Bearer <Token>
	APIKey     string       // office API key, sent as x-jurichat-api-key
	UserAgent  string       // "terraform-provider-jurichat/<version>"
	HTTPClient *http.Client // nil: transport.NewHTTPClient defaults
	// MaxRequestsPerSecond caps the credential's shared pace (see
	// transport.SharedPace); 0: no cap, the pace learns the limit.
	MaxRequestsPerSecond float64
	// MaxRetries bounds how many times CreateWebhook sends a create again
	// after proving that one whose answer was lost stored nothing; the same
	// setting, with the same meaning, as transport.Options.MaxRetries (0:
	// transport.DefaultMaxRetries; negative: never).
	MaxRetries int
}

// Client calls the JuriChat Webhooks API. It is safe for concurrent use.
type Client struct {
	r        *transport.Requester
	resends  int    // see Config.MaxRetries
	authMode string // the ID of the credential mode in use
	// settleTimeout bounds settling a stopped operation (0:
	// transport.SettleTimeout); tests shorten it.
	settleTimeout time.Duration
}

// credentialModes are JuriChat's ways of authenticating; NewClient takes
// exactly one.
var credentialModes = []transport.CredentialMode{
	{ID: "token", Name: "a token", Sent: "sent as Authorization: Bearer", Fields: []string{"Token"}},
	{ID: "api_key", Name: "an API key", Sent: "sent as x-jurichat-api-key", Fields: []string{"APIKey"}},
}

// NewClient checks cfg and returns a client. It fails with a
// *transport.ConfigError when BaseURL is not a valid API base URL (see
// transport.ParseBaseURL) or when not exactly one of Token and APIKey is set
// (see transport.ChooseCredentials). Error texts never repeat credential
// values.
func NewClient(cfg Config) (*Client, error) {
	r, err := transport.NewRequester(transport.ClientOptions{Service: "JuriChat", BaseURL: cfg.BaseURL,
		UserAgent: cfg.UserAgent, DefaultUserAgent: DefaultUserAgent, HTTPClient: cfg.HTTPClient})
	if err != nil {
		return nil, err
	}
	// A token pasted with its scheme is accepted once, not sent as "Bearer Bearer".
	token := strings.TrimSpace(cfg.Token)
	if scheme, rest, _ := strings.Cut(token, " "); strings.EqualFold(scheme, "bearer") {
		token = strings.TrimSpace(rest)
	}
	values := map[string]string{"Token": token, "APIKey": cfg.APIKey}
	mode, err := transport.ChooseCredentials("jurichat", credentialModes, func(f string) string { return values[f] })
	if err != nil {
		return nil, err
	}
	if mode == 0 {
		r.Authenticate = func(h http.Header) { h.Set("Authorization", "Bearer "+token) }
		r.Redact = []string{token}
	} else {
		key := cfg.APIKey
		r.Authenticate = func(h http.Header) { h.Set("x-jurichat-api-key", key) }
		r.Redact = []string{key}
	}
	r.ErrorMessage = errorMessage
	// One pace per credential and API host for the whole process: every
	// resource, data source, list resource and action slows down together.
	r.Pace = transport.SharedPace(r, cfg.MaxRequestsPerSecond)
	return &Client{r: r, resends: transport.ResendBudget(cfg.MaxRetries), authMode: credentialModes[mode].ID}, nil
}

// AuthMode names the credential mode the client authenticates with (the ID
// of one of credentialModes), for logs; never a credential.
func (c *Client) AuthMode() string { return c.authMode }

func segment(what, id string) (string, error) {
	seg, err := transport.PathSegment(what, id)
	if err != nil {
		return "", fmt.Errorf("jurichat: %w", err)
	}
	return seg, nil
}

// headerValues lists custom header values, which often carry the receiver's
// credentials, so that an error message never echoes them.
func headerValues(h map[string]string) []string {
	out := make([]string, 0, len(h))
	for _, v := range h {
		out = append(out, v)
	}
	return out
}

func (c *Client) postWebhook(ctx context.Context, req CreateWebhookRequest) (*Webhook, error) {
	resp, err := c.r.Do(ctx, http.MethodPost, "/webhooks", nil, req, headerValues(req.Headers)...)
	if err != nil {
		return nil, err
	}
	return decodeWebhook(resp)
}

// ListWebhooks lists the office's webhooks, without Secret and Headers but
// with Stats.
func (c *Client) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	resp, err := c.r.Do(ctx, http.MethodGet, "/webhooks", nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeWebhookList(resp)
}

// GetWebhook reads one webhook, including Secret and Headers.
func (c *Client) GetWebhook(ctx context.Context, id string) (*Webhook, error) {
	seg, err := segment("webhook ID", id)
	if err != nil {
		return nil, err
	}
	resp, err := c.r.Do(ctx, http.MethodGet, "/webhooks/"+seg, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeWebhook(resp)
}

// UpdateWebhook changes the fields set in req (see UpdateWebhookRequest) and
// returns the webhook, without Secret.
//
// When ctx ends with the PATCH in flight, the webhook is read back on a
// transport.Settler context (bounded by transport.SettleTimeout): when it
// carries every value sent, the change was applied and the webhook read is
// returned; otherwise *StoppedUpdateError says whether it was not applied
// (Read) or the read failed (CheckErr).
func (c *Client) UpdateWebhook(ctx context.Context, id string, req UpdateWebhookRequest) (*Webhook, error) {
	seg, err := segment("webhook ID", id)
	if err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	resp, err := c.r.Do(ctx, http.MethodPatch, "/webhooks/"+seg, nil, req, headerValues(req.Headers)...)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ErrOutcomeUnknown) {
			return c.settleUpdate(ctx, id, req, err)
		}
		return nil, err
	}
	return decodeWebhook(resp)
}

// DeleteWebhook deletes a webhook (200 or 204); ErrNotFound when it is gone.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	seg, err := segment("webhook ID", id)
	if err != nil {
		return err
	}
	_, err = c.r.Do(ctx, http.MethodDelete, "/webhooks/"+seg, nil, nil)
	return err
}

// ListEvents reads the live event catalogue. It accepts
// [{"name","description"}], ["name", ...], {"events": [...]} and
// {"data": [...]}, with elements either objects or strings.
func (c *Client) ListEvents(ctx context.Context) ([]Event, error) {
	resp, err := c.r.Do(ctx, http.MethodGet, "/webhooks/events", nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeEvents(resp)
}

// ListDeliveries reads one page of a webhook's delivery log, newest first.
// Zero or empty query fields are not sent (the server's defaults apply).
func (c *Client) ListDeliveries(ctx context.Context, webhookID string, q DeliveryQuery) (*DeliveryPage, error) {
	seg, err := segment("webhook ID", webhookID)
	if err != nil {
		return nil, err
	}
	query := url.Values{}
	if q.Page > 0 {
		query.Set("page", strconv.Itoa(q.Page))
	}
	if q.Limit > 0 {
		query.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Status != "" {
		query.Set("status", q.Status)
	}
	if q.Event != "" {
		query.Set("event", q.Event)
	}
	resp, err := c.r.Do(ctx, http.MethodGet, "/webhooks/"+seg+"/deliveries", query, nil)
	if err != nil {
		return nil, err
	}
	return decodeDeliveryPage(resp)
}

// GetDelivery reads one delivery of a webhook.
func (c *Client) GetDelivery(ctx context.Context, webhookID, deliveryID string) (*Delivery, error) {
	wseg, err := segment("webhook ID", webhookID)
	if err != nil {
		return nil, err
	}
	dseg, err := segment("delivery ID", deliveryID)
	if err != nil {
		return nil, err
	}
	resp, err := c.r.Do(ctx, http.MethodGet, "/webhooks/"+wseg+"/deliveries/"+dseg, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeDelivery(resp)
}

// RetryDelivery queues a FAILED or RETRYING delivery again (back to
// PENDING) and returns the server's message.
func (c *Client) RetryDelivery(ctx context.Context, deliveryID string) (string, error) {
	seg, err := segment("delivery ID", deliveryID)
	if err != nil {
		return "", err
	}
	resp, err := c.r.Do(ctx, http.MethodPost, "/webhooks/deliveries/"+seg+"/retry", nil, nil)
	if err != nil {
		return "", err
	}
	if len(strings.TrimSpace(string(resp.Body))) == 0 {
		return "", nil
	}
	var out struct {
		DeliveryID transport.FlexString `json:"deliveryId"`
		Message    transport.FlexString `json:"message"`
	}
	body, err := resp.Envelope("data")
	if err != nil {
		return "", err
	}
	if err := resp.DecodePart(body, &out); err != nil {
		return "", err
	}
	return string(out.Message), nil
}
