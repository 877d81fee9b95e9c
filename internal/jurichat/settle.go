package jurichat

import (
	"context"
	"fmt"
	"slices"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// settleUpdate settles a PATCH whose answer was lost because ctx ended (see
// UpdateWebhook): it reads the webhook on a context of its own and tells
// whether it carries what req sent.
func (c *Client) settleUpdate(ctx context.Context, id string, req UpdateWebhookRequest, cause error) (*Webhook, error) {
	settler := transport.NewSettlerTimeout(ctx, c.settleTimeout)
	defer settler.Close()
	hook, err := c.GetWebhook(settler.Context(), id)
	if err != nil {
		return nil, &StoppedUpdateError{ID: id, Err: cause, CheckErr: err}
	}
	if !updateApplied(hook, req) {
		return nil, &StoppedUpdateError{ID: id, Err: cause, Read: true}
	}
	hook.Secret = "" // as UpdateWebhook's own answer
	return hook, nil
}

// updateApplied reports whether h carries every value req sent.
func updateApplied(h *Webhook, req UpdateWebhookRequest) bool {
	desc := ""
	if h.Description != nil {
		desc = *h.Description
	}
	switch {
	case req.Name != nil && h.Name != *req.Name,
		req.URL != nil && h.URL != *req.URL,
		req.Events != nil && !sameSet(h.Events, req.Events),
		req.IsActive != nil && h.IsActive != *req.IsActive,
		req.Description != nil && desc != *req.Description,
		req.ClearDescription && desc != "",
		req.Headers != nil && !sameHeaders(h.Headers, req.Headers),
		req.ClearHeaders && len(h.Headers) != 0:
		return false
	}
	return true
}

// StoppedUpdateError is returned by UpdateWebhook when ctx ended while the
// PATCH was in flight and the change is not known to have been applied:
// either the webhook read afterwards does not carry it (Read: JuriChat did not
// apply it, the webhook is as before), or reading it failed (CheckErr; the
// outcome is unknown, and the error wraps ErrOutcomeUnknown through Err).
type StoppedUpdateError struct {
	ID       string
	Read     bool  // the webhook was read back and does not carry the change
	Err      error // the PATCH's own failure
	CheckErr error // why reading back failed, when it did
}

func (e *StoppedUpdateError) Error() string {
	if e.Read {
		return fmt.Sprintf("jurichat: updating webhook %s was stopped before JuriChat answered (%v); the webhook read "+
			"afterwards does not carry the change: it was not applied", e.ID, e.Err)
	}
	return fmt.Sprintf("jurichat: updating webhook %s was stopped before JuriChat answered (%v), and reading it back failed: "+
		"%v; whether the change was applied is unknown", e.ID, e.Err, e.CheckErr)
}

// Unwrap returns the PATCH's error and the check's when the outcome is
// unknown, and context.Canceled alone when the webhook was read back (the
// outcome is known: not applied).
func (e *StoppedUpdateError) Unwrap() []error {
	if e.Read {
		return []error{context.Canceled}
	}
	return slices.DeleteFunc([]error{e.Err, e.CheckErr}, func(err error) bool { return err == nil })
}
