// Package jelou is a client for Jelou's External Support Panel API: the one
// integration a Jelou project may have with an external support panel
// (/v1/external-support/{projectId}). It knows nothing of Terraform.
package jelou

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// Errors returned by the client match these with errors.Is. The error itself
// is a *transport.APIError carrying the HTTP status and the server's message.
var (
	ErrNotFound     = transport.ErrNotFound     // 404: the project has no integration
	ErrUnauthorized = transport.ErrUnauthorized // 401, 403: credentials rejected
	ErrConflict     = transport.ErrConflict     // 409: the project already has an integration
	ErrValidation   = transport.ErrValidation   // 400, 422: the server refused the values

	// ErrOutcomeUnknown: a create may have reached the server, and what
	// became of it could not be settled (see CreateIntegration).
	ErrOutcomeUnknown = transport.ErrOutcomeUnknown
	// ErrUnprovenIntegration: after a create whose answer was lost, the
	// project has an integration this create cannot be proven to have made;
	// it is left alone (see CreateIntegration and UnprovenIntegrationError).
	ErrUnprovenIntegration = errors.New("the project's integration cannot be proven to come from this create")
)

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "terraform-provider-jelou"

// Config configures a Client. Exactly one credential mode must be complete:
// APIKey, or ClientID with ClientSecret.
type Config struct {
	BaseURL      string       // e.g. https://gateway.jelou.ai/platform or http://127.0.0.1:8089/jelou
	APIKey       string       // sent as x-api-key
	ClientID     string       // with ClientSecret: HTTP Basic
	ClientSecret string       //
	UserAgent    string       // "terraform-provider-jelou/<version>"
	HTTPClient   *http.Client // nil: transport.NewHTTPClient defaults
	// MaxRetries bounds how many more creates CreateIntegration sends while
	// settling one whose answer was lost, and how many more regenerates
	// RegenerateSigningSecret sends after one whose answer was lost; the
	// same setting, with the same meaning, as transport.Options.MaxRetries
	// (0: transport.DefaultMaxRetries; negative: never).
	MaxRetries int
	// MaxRequestsPerSecond caps the credential's shared pace (see
	// transport.SharedPace); 0: no cap, the pace learns the limit.
	MaxRequestsPerSecond float64
}

// Client calls the Jelou External Support API. It is safe for concurrent use.
type Client struct {
	r        *transport.Requester
	resends  int    // see Config.MaxRetries
	authMode string // the ID of the credential mode in use
	// settleTimeout bounds settling a stopped operation (0:
	// transport.SettleTimeout); tests shorten it.
	settleTimeout time.Duration
}

// credentialModes are Jelou's ways of authenticating; NewClient takes
// exactly one.
var credentialModes = []transport.CredentialMode{
	{ID: "api_key", Name: "an API key", Sent: "sent as the x-api-key header", Fields: []string{"APIKey"}},
	{ID: "client_credentials", Name: "client credentials", Sent: "sent with HTTP Basic authentication", Fields: []string{"ClientID", "ClientSecret"}},
}

// NewClient checks cfg and returns a client. It fails with a
// *transport.ConfigError when BaseURL is not a valid API base URL (see
// transport.ParseBaseURL) or when not exactly one credential mode is
// complete (see transport.ChooseCredentials). Error texts never repeat
// credential values.
func NewClient(cfg Config) (*Client, error) {
	r, err := transport.NewRequester(transport.ClientOptions{Service: "Jelou", BaseURL: cfg.BaseURL,
		UserAgent: cfg.UserAgent, DefaultUserAgent: DefaultUserAgent, HTTPClient: cfg.HTTPClient})
	if err != nil {
		return nil, err
	}
	values := map[string]string{"APIKey": cfg.APIKey, "ClientID": cfg.ClientID, "ClientSecret": cfg.ClientSecret}
	mode, err := transport.ChooseCredentials("jelou", credentialModes, func(f string) string { return values[f] })
	if err != nil {
		return nil, err
	}
	if mode == 0 {
		key := cfg.APIKey
		r.Authenticate = func(h http.Header) { h.Set("x-api-key", key) }
		r.Redact = []string{key}
	} else {
		if strings.Contains(cfg.ClientID, ":") {
			return nil, &transport.ConfigError{Service: "jelou", Problem: transport.ConfigInvalid, Field: "ClientID",
				Reason: "it must not contain ':', which HTTP Basic authentication cannot carry"}
		}
		encoded := base64.StdEncoding.EncodeToString([]byte(cfg.ClientID + ":" + cfg.ClientSecret))
		r.Authenticate = func(h http.Header) { h.Set("Authorization", "Basic "+encoded) }
		r.Redact = []string{cfg.ClientSecret, encoded}
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

// Integration is a project's external support integration.
type Integration struct {
	ID            string `json:"id"`
	BrainID       string `json:"brainId"` // equals the project id
	WebhookURL    string `json:"webhookUrl"`
	AuthType      string `json:"authType"`      // bearer, api_key, basic or no_auth
	SigningSecret string `json:"signingSecret"` // only set from the create (or a recovering regenerate) response
	CreatedAt     string `json:"createdAt"`     // ISO-8601, as the server sent it
	UpdatedAt     string `json:"updatedAt"`

	// Recovery is set by CreateIntegration when the create did not simply
	// succeed at the first attempt (see CreateRecovery); nil otherwise.
	Recovery *CreateRecovery `json:"-"`
}

// CreateRecovery says how CreateIntegration settled a create whose first
// attempt's outcome was unknown. The integration it comes with carries the
// secret of the last create's answer, or of the regenerate that followed.
type CreateRecovery struct {
	// Attempts is the number of creates sent (POST), the first included.
	Attempts int
	// Regenerated is the id of the integration this create had provably
	// stored without its answer (and so its signing secret) arriving, whose
	// secret was then regenerated in place; "" when a create was answered.
	Regenerated string
	// RegenerateAttempts is the number of regenerate requests sent.
	RegenerateAttempts int
	// Stopped is true when the create's context ended while it was in
	// flight (the operation was stopped) and the integration was settled on
	// a context of its own (see CreateIntegration).
	Stopped bool
}

// CreateIntegrationRequest is the body of CreateIntegration.
type CreateIntegrationRequest struct {
	WebhookURL    string `json:"webhookUrl"`
	AuthType      string `json:"authType,omitempty"`      // "" lets the server default to no_auth
	Authorization string `json:"authorization,omitempty"` // the credential Jelou sends to WebhookURL
}

// UpdateIntegrationRequest is the body of UpdateIntegration: nil fields are
// not sent and keep their value; a pointer to "" is sent as "".
type UpdateIntegrationRequest struct {
	WebhookURL    *string `json:"webhookUrl,omitempty"`
	AuthType      *string `json:"authType,omitempty"`
	Authorization *string `json:"authorization,omitempty"`
}

func integrationPath(projectID string) (string, error) {
	seg, err := transport.PathSegment("project ID", projectID)
	if err != nil {
		return "", fmt.Errorf("jelou: %w", err)
	}
	return "/v1/external-support/" + seg, nil
}

func (c *Client) postIntegration(ctx context.Context, p string, req CreateIntegrationRequest) (*Integration, error) {
	resp, err := c.r.Do(ctx, http.MethodPost, p, nil, req, req.Authorization)
	if err != nil {
		return nil, err
	}
	return decodeIntegration(resp)
}

// GetIntegration reads the project's integration (without SigningSecret).
// It fails with ErrNotFound when the project has none.
func (c *Client) GetIntegration(ctx context.Context, projectID string) (*Integration, error) {
	p, err := integrationPath(projectID)
	if err != nil {
		return nil, err
	}
	resp, err := c.r.Do(ctx, http.MethodGet, p, nil, nil)
	if err != nil {
		return nil, err
	}
	return decodeIntegration(resp)
}

// UpdateIntegration changes the fields set in req and returns the integration
// (without SigningSecret).
//
// When ctx ends with the PATCH in flight, it is settled on a
// transport.Settler context (bounded by transport.SettleTimeout): the
// integration is read, and when it carries the webhookUrl and authType sent
// the integration read is returned; otherwise *StoppedUpdateError says
// whether it was not applied (Read) or the read failed (CheckErr). A PATCH
// whose fields cannot be read back (only the authorization, which Jelou never
// returns, or only authType against the sparse GET) sets absolute values, so
// it is sent once more on that context instead, and its answer is returned.
func (c *Client) UpdateIntegration(ctx context.Context, projectID string, req UpdateIntegrationRequest) (*Integration, error) {
	p, err := integrationPath(projectID)
	if err != nil {
		return nil, err
	}
	var sensitive []string
	if req.Authorization != nil {
		sensitive = append(sensitive, *req.Authorization)
	}
	resp, err := c.r.Do(ctx, http.MethodPatch, p, nil, req, sensitive...)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ErrOutcomeUnknown) {
			return c.settleUpdate(ctx, projectID, p, req, sensitive, err)
		}
		return nil, err
	}
	return decodeIntegration(resp)
}

// DeleteIntegration deletes the project's integration; ErrNotFound when there
// is none. Deletion is irreversible: a new create yields a new secret.
func (c *Client) DeleteIntegration(ctx context.Context, projectID string) error {
	p, err := integrationPath(projectID)
	if err != nil {
		return err
	}
	_, err = c.r.Do(ctx, http.MethodDelete, p, nil, nil)
	return err
}
