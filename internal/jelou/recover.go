package jelou

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// CreateIntegration creates the project's integration and returns it with
// SigningSecret. A second create for the same project fails with ErrConflict.
//
// A create whose outcome is unknown (transport.ErrOutcomeUnknown), or a
// create sent again and answered 409, is settled by reading the project's
// integration (docs-dev/ARCHITECTURE.md, "Interrupted creates"). Nothing is
// ever deleted:
//   - 404: the create is sent again, at most Config.MaxRetries times in all.
//   - An integration provably this call's (createdAt at or after the first
//     send less transport.CreateClockSkew, and the webhookUrl and authType
//     sent, no_auth when none was): its lost secret is regenerated in place
//     (RegenerateSigningSecret, with a budget of its own) and the result
//     carries Recovery.Regenerated.
//   - Any other integration, including one without a readable createdAt, is
//     not touched: *UnprovenIntegrationError (ErrUnprovenIntegration).
//   - The read or the regenerate fails: *CreateRecoveryError, which wraps
//     ErrOutcomeUnknown, the create's error and the failure.
//
// When ctx ends with a create in flight, the read and the regenerate run on
// a transport.Settler context (bounded by transport.SettleTimeout), a
// provable integration is returned with Recovery.Stopped, and the create is
// never sent again: nothing stored gives *StoppedCreateError.
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
