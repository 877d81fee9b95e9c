package jelou

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// RegeneratedSecret is the answer of RegenerateSigningSecret.
type RegeneratedSecret struct {
	// SigningSecret is the integration's new secret; the previous one no
	// longer signs anything.
	SigningSecret string
	// RegeneratedAt is when Jelou regenerated it, as it sent it; only the
	// flat response shape carries it.
	RegeneratedAt string
	// Attempts is the number of regenerate requests sent, the first
	// included: more than one when an answer was lost and the request was
	// sent again.
	Attempts int
}

// RegenerateSigningSecret gives the project's integration a new signing
// secret (POST /v1/external-support/{projectId}/secret/regenerate, no body).
// Jelou invalidates the previous secret at once; the integration itself (id,
// webhook URL, authentication) stays. It fails with ErrNotFound when the
// project has no integration.
//
// An attempt whose outcome is unknown (transport.ErrOutcomeUnknown, or a 2xx
// answer that cannot be read) is sent again, at most Config.MaxRetries more
// times: a regenerate is safe to repeat, and the last answer received holds
// the current secret. When the budget runs out, *RegenerateError says the
// secret may have changed already.
//
// When ctx ends with a regenerate in flight, the attempts go on within the
// same budget on a transport.Settler context (bounded by
// transport.SettleTimeout): only a received answer holds the secret Jelou
// signs with now.
func (c *Client) RegenerateSigningSecret(ctx context.Context, projectID string) (*RegeneratedSecret, error) {
	settler := transport.NewSettlerTimeout(ctx, c.settleTimeout)
	defer settler.Close()
	return c.regenerate(ctx, projectID, settler)
}

// regenerate is RegenerateSigningSecret with the settler of the operation it
// belongs to; ctx is the first attempt's context.
func (c *Client) regenerate(ctx context.Context, projectID string, settler *transport.Settler) (*RegeneratedSecret, error) {
	p, err := integrationPath(projectID)
	if err != nil {
		return nil, err
	}
	p += "/secret/regenerate"
	for attempts := 1; ; attempts++ {
		if attempts > 1 {
			ctx = settler.Context()
		}
		out, err := c.postRegenerate(ctx, p)
		if err == nil {
			out.Attempts = attempts
			return out, nil
		}
		if !errors.Is(err, ErrOutcomeUnknown) {
			if attempts == 1 {
				return nil, err
			}
			// A later attempt failed plainly; an earlier one may have
			// regenerated the secret all the same.
			return nil, &RegenerateError{ProjectID: projectID, Attempts: attempts, Err: err}
		}
		// A stop moves the next attempt to the settle context; the settle
		// context's own end stops the attempts.
		if attempts > c.resends || (ctx.Err() != nil && ctx == settler.Context()) {
			return nil, &RegenerateError{ProjectID: projectID, Attempts: attempts, Err: err}
		}
	}
}

func (c *Client) postRegenerate(ctx context.Context, p string) (*RegeneratedSecret, error) {
	resp, err := c.r.Do(ctx, http.MethodPost, p, nil, nil)
	if err != nil {
		return nil, err
	}
	obj, err := resp.Envelope("data")
	if err != nil {
		return nil, err
	}
	var w struct {
		SigningSecret transport.FlexString `json:"signingSecret"`
		RegeneratedAt transport.FlexString `json:"regeneratedAt"`
	}
	if err := resp.DecodePart(obj, &w); err != nil {
		return nil, err
	}
	if w.SigningSecret == "" {
		// Jelou acted (2xx) but the new secret is not in the answer: as
		// lost as a dropped connection. Unexpected marks a POST so.
		return nil, resp.Unexpected("the body holds no signingSecret")
	}
	return &RegeneratedSecret{SigningSecret: string(w.SigningSecret), RegeneratedAt: string(w.RegeneratedAt)}, nil
}

// RegenerateError is returned by RegenerateSigningSecret when no answer
// carrying the new secret arrived although a regenerate may have reached
// Jelou: every attempt's outcome was unknown, up to the retry budget, or a
// later attempt failed after earlier ones whose outcome was unknown. The
// integration's secret may have changed already. It wraps the last
// attempt's error (ErrOutcomeUnknown, the status sentinels).
type RegenerateError struct {
	ProjectID string
	Attempts  int   // regenerate requests sent
	Err       error // the last attempt's error
}

func (e *RegenerateError) Error() string {
	return fmt.Sprintf("jelou: regenerating the signing secret of project %q: %d attempt(s) sent, none answered with the new "+
		"secret (last: %v); Jelou may have regenerated it all the same, in which case the previous secret no longer verifies "+
		"deliveries: regenerate again to obtain a secret that does", e.ProjectID, e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error.
func (e *RegenerateError) Unwrap() error { return e.Err }
