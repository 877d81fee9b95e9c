package jelou

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// CreateIntegration creates the project's integration. The result carries
// SigningSecret (from the create's answer, or from a regenerate, see below).
// A second create for the same project fails with ErrConflict.
//
// # Creates whose outcome is unknown
//
// The transport never sends a create again once it may have reached the
// server (see transport.NewHTTPClient): a connection reset, EOF or timeout
// after the request was written, a 2xx answer cut short, or a 500, 502 or
// 504 answer leave it unknown whether Jelou stored the integration
// (transport.ErrOutcomeUnknown). Jelou allows one integration per project and
// returns its signing secret only in the create's and the regenerate's
// answers, so an integration stored by a create whose answer was lost works
// but signs with a secret nobody has. CreateIntegration settles the outcome
// by reading the project's integration (GET), and never deletes anything:
//
//  1. 404, nothing stored: sending the create again is safe, and it is sent
//     again.
//  2. An integration that this call provably created: its createdAt is at
//     or after the moment the first create was sent, less
//     transport.CreateClockSkew (one minute, for the difference between
//     Jelou's clock and ours), AND its webhookUrl and authType are those
//     sent (authType no_auth when none was sent). Its secret is lost, so it
//     is regenerated in place (RegenerateSigningSecret): the result is that
//     integration with the new secret, and Recovery.Regenerated names it.
//  3. An integration that cannot be proven to be this call's: created
//     before (it existed already, and the lost answer was a 409), different
//     values (someone else's), or a createdAt missing or unreadable. It is
//     never touched, not even regenerated. The error
//     (*UnprovenIntegrationError, ErrUnprovenIntegration) explains why, so
//     that the user can adopt it (import by project id, then regenerate its
//     secret) or remove it.
//  4. A create sent again that is answered 409 Conflict means an earlier
//     attempt landed after all (or someone else's create did): the
//     integration is read and judged as in 2 and 3.
//  5. Reading or regenerating fails: the error (*CreateRecoveryError) wraps
//     ErrOutcomeUnknown, the create's error and the failure, and says what
//     to do by hand.
//
// # Stopped creates
//
// When ctx ends while the create is in flight (Terraform stops the provider
// on an interrupt, which cancels the request), the answer is lost although
// Jelou may have stored the integration. The reading (and the regenerate of
// step 2) then run on a context of their own (transport.Settler: detached
// from ctx, bounded by transport.SettleTimeout), so that an integration this
// create provably stored is returned with a fresh secret and
// Recovery.Stopped set, and lands in state complete. An integration not
// proven to be this create's is still never touched (step 3). A stopped
// create is never sent again: when nothing was stored, the error
// (*StoppedCreateError) says so.
//
// Creates are sent again at most Config.MaxRetries times in all, and only
// after a read found nothing; the regenerate has its own budget of the same
// size (see RegenerateSigningSecret).
func (c *Client) CreateIntegration(ctx context.Context, projectID string, req CreateIntegrationRequest) (*Integration, error) {
	p, err := integrationPath(projectID)
	if err != nil {
		return nil, err
	}
	firstSent := time.Now()
	settler := transport.NewSettlerTimeout(ctx, c.settleTimeout)
	defer settler.Close()
	integration, err := c.postIntegration(ctx, p, req)
	cause := err // the last failure whose outcome was unknown
	for attempts := 1; ; attempts++ {
		switch {
		case err == nil:
			if attempts > 1 {
				integration.Recovery = &CreateRecovery{Attempts: attempts}
			}
			return integration, nil
		case errors.Is(err, ErrOutcomeUnknown):
			cause = err
		case attempts > 1 && errors.Is(err, ErrConflict):
			// Sent again, refused: an earlier attempt landed after all, or
			// someone else's create did. The integration is judged below.
		default:
			return nil, err
		}

		recoveryErr := func(id string, e error) error {
			return &CreateRecoveryError{ProjectID: projectID, IntegrationID: id, Attempts: attempts, Err: cause, CheckErr: e}
		}
		var existing *Integration
		getErr := settler.Run(func(ctx context.Context) error {
			var e error
			existing, e = c.GetIntegration(ctx, projectID)
			return e
		})
		stopped := settler.Stopped()
		switch {
		case errors.Is(getErr, ErrNotFound):
			if stopped {
				// Stopped: never send the create again.
				return nil, &StoppedCreateError{ProjectID: projectID, Attempts: attempts, Err: cause}
			}
			if attempts > c.resends {
				return nil, fmt.Errorf("jelou: creating the integration of project %q: %d attempt(s) failed without an answer "+
					"(last: %s), and reading the project afterwards found no integration: nothing was created", projectID, attempts, cause.Error())
			}
		case getErr != nil:
			return nil, recoveryErr("", getErr)
		default:
			if reason := unproven(existing, req, firstSent); reason != "" {
				return nil, &UnprovenIntegrationError{ProjectID: projectID, IntegrationID: existing.ID,
					CreatedAt: existing.CreatedAt, Reason: reason, Err: cause}
			}
			// A regenerate is safe to repeat, so one cut short by a stop
			// is sent again on the settle context.
			var secret *RegeneratedSecret
			regErr := settler.Run(func(ctx context.Context) error {
				var e error
				secret, e = c.regenerate(ctx, projectID, settler)
				return e
			})
			if regErr != nil {
				return nil, recoveryErr(existing.ID, regErr)
			}
			existing.SigningSecret = secret.SigningSecret
			existing.Recovery = &CreateRecovery{Attempts: attempts, Regenerated: existing.ID, RegenerateAttempts: secret.Attempts,
				Stopped: settler.Stopped()}
			return existing, nil
		}
		integration, err = c.postIntegration(ctx, p, req)
	}
}

// unproven returns why existing cannot be proven to come from a create of
// req first sent at firstSent, or "" when it can (see CreateIntegration).
func unproven(existing *Integration, req CreateIntegrationRequest, firstSent time.Time) string {
	since, ok := transport.CreatedSince(existing.CreatedAt, firstSent)
	switch {
	case !ok && existing.CreatedAt == "":
		return "Jelou did not say when it was created (no createdAt)"
	case !ok:
		return fmt.Sprintf("its creation time %q cannot be read", existing.CreatedAt)
	case !since:
		return fmt.Sprintf("it was created at %s, before this create was sent (%s, allowing %s for clock differences)",
			existing.CreatedAt, firstSent.UTC().Format(time.RFC3339), transport.CreateClockSkew)
	case existing.WebhookURL != req.WebhookURL:
		return "its webhookUrl is not the one this create sent"
	}
	authType := req.AuthType
	if authType == "" {
		authType = "no_auth" // the server's default
	}
	if !strings.EqualFold(existing.AuthType, authType) {
		return fmt.Sprintf("its authType %q is not the %q this create sent", existing.AuthType, authType)
	}
	return ""
}

// UnprovenIntegrationError is returned by CreateIntegration when a create's
// answer was lost and the project has an integration that this create cannot
// be proven to have made. That integration was left untouched. It matches
// ErrUnprovenIntegration.
type UnprovenIntegrationError struct {
	ProjectID     string
	IntegrationID string // the integration found
	CreatedAt     string // its createdAt, as Jelou sent it
	Reason        string // why it is not proven to be this create's
	Err           error  // the create's own failure (not unwrapped)
}

func (e *UnprovenIntegrationError) Error() string {
	return fmt.Sprintf("jelou: creating the integration of project %q failed with its outcome unknown (%v), and the project has "+
		"integration %s, which this create cannot be proven to have made: %s. It was left untouched. If it is yours, "+
		"adopt it (its id is the project id) and regenerate its signing secret, which Jelou cannot return",
		e.ProjectID, e.Err, e.IntegrationID, e.Reason)
}

// Is reports whether target is ErrUnprovenIntegration.
func (e *UnprovenIntegrationError) Is(target error) bool { return target == ErrUnprovenIntegration }

// StoppedCreateError is returned by CreateIntegration when ctx ended while a
// create was in flight and reading the project afterwards found no
// integration: nothing was created, and the create was not sent again.
type StoppedCreateError struct {
	ProjectID string
	Attempts  int   // creates sent
	Err       error // the last create's own failure (not unwrapped)
}

func (e *StoppedCreateError) Error() string {
	return fmt.Sprintf("jelou: creating the integration of project %q was stopped before Jelou answered (%v); reading the "+
		"project afterwards found no integration: nothing was created", e.ProjectID, e.Err)
}

// Unwrap returns context.Canceled: the operation was stopped.
func (e *StoppedCreateError) Unwrap() error { return context.Canceled }

// CreateRecoveryError is returned by CreateIntegration when a create's answer
// was lost and settling what became of it failed: reading the project's
// integration, or regenerating the secret of one this create provably made
// (IntegrationID is then set: it exists, and its secret is not known). It
// wraps ErrOutcomeUnknown (through Err), Err and CheckErr.
type CreateRecoveryError struct {
	ProjectID     string
	IntegrationID string // set when an integration this create made exists without a known secret
	Attempts      int    // creates sent
	Err           error  // the create's own failure
	CheckErr      error  // what failed while settling (context.Canceled when interrupted)
}

func (e *CreateRecoveryError) Error() string {
	if e.IntegrationID != "" {
		return fmt.Sprintf("jelou: creating the integration of project %q failed with its outcome unknown (%v); the project's "+
			"integration %s was provably created by this create, so its signing secret is lost, and regenerating it "+
			"failed: %v. It exists: adopt it (its id is the project id) and regenerate its secret",
			e.ProjectID, e.Err, e.IntegrationID, e.CheckErr)
	}
	return fmt.Sprintf("jelou: creating the integration of project %q: %v; whether Jelou stored it is unknown, because "+
		"reading the project's integration afterwards failed: %v. Read it (GET /v1/external-support/{projectId}) before "+
		"creating again: if it exists, adopt it and regenerate its signing secret",
		e.ProjectID, e.Err, e.CheckErr)
}

// Unwrap returns the create's error and the failure while settling it.
func (e *CreateRecoveryError) Unwrap() []error { return []error{e.Err, e.CheckErr} }
