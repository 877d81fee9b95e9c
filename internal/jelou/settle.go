package jelou

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// settleUpdate settles a PATCH whose answer was lost because ctx ended (see
// UpdateIntegration).
func (c *Client) settleUpdate(ctx context.Context, projectID, p string, req UpdateIntegrationRequest, sensitive []string,
	cause error) (*Integration, error) {
	settler := transport.NewSettlerTimeout(ctx, c.settleTimeout)
	defer settler.Close()
	sctx := settler.Context()
	if req.WebhookURL != nil || req.AuthType != nil {
		got, err := c.GetIntegration(sctx, projectID)
		if err != nil {
			return nil, &StoppedUpdateError{ProjectID: projectID, Err: cause, CheckErr: err}
		}
		// A PATCH is applied whole or not at all, so the readable fields
		// sent tell. The sparse GET carries no authType.
		readable, applied := false, true
		if req.WebhookURL != nil {
			readable, applied = true, got.WebhookURL == *req.WebhookURL
		}
		if req.AuthType != nil && got.AuthType != "" {
			readable, applied = true, applied && strings.EqualFold(got.AuthType, *req.AuthType)
		}
		switch {
		case readable && applied:
			return got, nil
		case readable:
			return nil, &StoppedUpdateError{ProjectID: projectID, Err: cause, Read: true}
		}
	}
	// Nothing sent can be read back: setting the same values again is
	// harmless, and its answer tells.
	resp, err := c.r.Do(sctx, http.MethodPatch, p, nil, req, sensitive...)
	if err != nil {
		return nil, &StoppedUpdateError{ProjectID: projectID, Err: cause, CheckErr: err}
	}
	return decodeIntegration(resp)
}

// StoppedUpdateError is returned by UpdateIntegration when ctx ended while
// the PATCH was in flight and the change is not known to have been applied:
// either the integration read afterwards does not carry it (Read: Jelou did
// not apply it, the integration is as before), or settling failed (CheckErr;
// the outcome is unknown, and the error wraps ErrOutcomeUnknown through Err).
type StoppedUpdateError struct {
	ProjectID string
	Read      bool  // the integration was read back and does not carry the change
	Err       error // the PATCH's own failure
	CheckErr  error // why settling failed, when it did
}

func (e *StoppedUpdateError) Error() string {
	if e.Read {
		return fmt.Sprintf("jelou: updating the integration of project %q was stopped before Jelou answered (%v); the "+
			"integration read afterwards does not carry the change: it was not applied", e.ProjectID, e.Err)
	}
	return fmt.Sprintf("jelou: updating the integration of project %q was stopped before Jelou answered (%v), and "+
		"settling it failed: %v; whether the change was applied is unknown", e.ProjectID, e.Err, e.CheckErr)
}

// Unwrap returns the PATCH's error and the check's when the outcome is
// unknown, and context.Canceled alone when the integration was read back
// (the outcome is known: not applied).
func (e *StoppedUpdateError) Unwrap() []error {
	if e.Read {
		return []error{context.Canceled}
	}
	return slices.DeleteFunc([]error{e.Err, e.CheckErr}, func(err error) bool { return err == nil })
}
