package jurichat

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// maxCandidates bounds the webhooks CreateWebhook reads back (GET) while
// looking for one a lost create stored; more matches than this are reported
// as ambiguous without reading them all.
const maxCandidates = 10

// CreateWebhook creates a webhook. The result carries Secret and Headers.
//
// A create whose outcome is unknown (transport.ErrOutcomeUnknown) is never
// sent again blindly: it is settled by reading back (docs-dev/ARCHITECTURE.md,
// "Interrupted creates"). The candidates are the listed webhooks (GET
// /webhooks) that match what was sent (name, url, events as a set, isActive,
// true when not sent, and description, absent and empty alike) and were
// created at or after the first send less transport.CreateClockSkew; each,
// at most maxCandidates, is read (GET /webhooks/{id}) to compare the headers
// too (names case-insensitively, values exactly) and to get its secret.
//   - One candidate: returned, secret included, with Recovery.Adopted.
//   - None: the create is sent again, at most Config.MaxRetries times in
//     all, each new unknown outcome settled against the same first send.
//     When the budget runs out the error says nothing was created.
//   - Several: none is adopted: *AmbiguousCreateError (ErrAmbiguousCreate)
//     lists their ids.
//   - The reading fails, or a match has no readable createdAt:
//     *CreateRecoveryError, which wraps ErrOutcomeUnknown, the create's error
//     and the reading's.
//
// When ctx ends with a create in flight, the reading back runs on a
// transport.Settler context (bounded by transport.SettleTimeout), a single
// candidate is returned with Recovery.Stopped, and the create is never sent
// again: nothing stored gives *StoppedCreateError.
//
// The settling relies on the list showing a webhook as soon as its create
// stored it (read-after-write consistency, which the API's documentation
// neither promises nor denies).
func (c *Client) CreateWebhook(ctx context.Context, req CreateWebhookRequest) (*Webhook, error) {
	if req.Events == nil {
		req.Events = []string{} // let the server say "at least one event", not "must be an array"
	}
	firstSent := time.Now()
	settler := transport.NewSettlerTimeout(ctx, c.settleTimeout)
	defer settler.Close()
	hook, err := c.postWebhook(ctx, req)
	for attempts := 1; ; attempts++ {
		if err == nil {
			if attempts > 1 {
				hook.Recovery = &CreateRecovery{Attempts: attempts}
			}
			return hook, nil
		}
		if !errors.Is(err, ErrOutcomeUnknown) {
			return nil, err
		}
		var found []*Webhook
		checkErr := settler.Run(func(ctx context.Context) error {
			var e error
			found, e = c.findCreated(ctx, req, firstSent)
			return e
		})
		stopped := settler.Stopped()
		switch {
		case checkErr != nil:
			return nil, &CreateRecoveryError{Name: req.Name, Attempts: attempts, Err: err, CheckErr: checkErr}
		case len(found) == 1:
			found[0].Recovery = &CreateRecovery{Attempts: attempts, Adopted: true, Stopped: stopped}
			return found[0], nil
		case len(found) > 1:
			ids := make([]string, len(found))
			for i, h := range found {
				ids[i] = h.ID
			}
			return nil, &AmbiguousCreateError{Name: req.Name, IDs: ids, Err: err}
		case stopped:
			// Stopped: never send the create again, only say what became of it.
			return nil, &StoppedCreateError{Name: req.Name, Attempts: attempts, Err: err}
		case attempts > c.resends:
			return nil, fmt.Errorf("jurichat: creating webhook %q: %d attempt(s) failed without an answer (last: %s), "+
				"and each time the list of webhooks showed that none had been stored: nothing was created", req.Name, attempts, err.Error())
		}
		hook, err = c.postWebhook(ctx, req)
	}
}

// findCreated returns the webhooks, newest first and read in full, that a
// create of req first sent at firstSent may have stored (see CreateWebhook).
func (c *Client) findCreated(ctx context.Context, req CreateWebhookRequest, firstSent time.Time) ([]*Webhook, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hooks, err := c.ListWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var candidates []Webhook
	for _, h := range hooks {
		if !matchesSent(h, req) {
			continue
		}
		since, ok := transport.CreatedSince(h.CreatedAt, firstSent)
		if !ok {
			return nil, fmt.Errorf("webhook %s matches what was sent but its createdAt %q cannot be read, "+
				"so whether this create made it cannot be told", h.ID, h.CreatedAt)
		}
		if since {
			candidates = append(candidates, h)
		}
	}
	if len(candidates) > maxCandidates {
		// Too many to read: all are reported as ambiguous.
		out := make([]*Webhook, len(candidates))
		for i := range candidates {
			out[i] = &candidates[i]
		}
		return newestFirst(out), nil
	}
	var found []*Webhook
	for _, cand := range candidates {
		full, err := c.GetWebhook(ctx, cand.ID)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since the list: not a webhook anybody can adopt
		}
		if err != nil {
			return nil, err
		}
		if matchesSent(*full, req) && sameHeaders(full.Headers, req.Headers) {
			found = append(found, full)
		}
	}
	return newestFirst(found), nil
}

func newestFirst(hooks []*Webhook) []*Webhook {
	slices.SortStableFunc(hooks, func(a, b *Webhook) int {
		ta, _ := transport.ParseTimestamp(a.CreatedAt)
		tb, _ := transport.ParseTimestamp(b.CreatedAt)
		return cmp.Or(tb.Compare(ta), strings.Compare(a.ID, b.ID))
	})
	return hooks
}

// matchesSent reports whether h carries what req sent, in the fields the
// list returns.
func matchesSent(h Webhook, req CreateWebhookRequest) bool {
	active := true
	if req.IsActive != nil {
		active = *req.IsActive
	}
	desc := ""
	if req.Description != nil {
		desc = *req.Description
	}
	got := ""
	if h.Description != nil {
		got = *h.Description
	}
	return h.Name == req.Name && h.URL == req.URL && h.IsActive == active && got == desc && sameSet(h.Events, req.Events)
}

func sameSet(a, b []string) bool {
	as, bs := slices.Clone(a), slices.Clone(b)
	slices.Sort(as)
	slices.Sort(bs)
	return slices.Equal(slices.Compact(as), slices.Compact(bs))
}

// sameHeaders compares header maps: names case-insensitively (HTTP header
// names are), values exactly; nil and empty are the same.
func sameHeaders(got, sent map[string]string) bool {
	if len(got) != len(sent) {
		return false
	}
	lower := make(map[string]string, len(got))
	for k, v := range got {
		lower[strings.ToLower(k)] = v
	}
	for k, v := range sent {
		g, ok := lower[strings.ToLower(k)]
		if !ok || g != v {
			return false
		}
	}
	return true
}

// CreateRecoveryError is returned by CreateWebhook when a create's outcome
// was unknown and reading back whether it had stored the webhook failed too.
// It wraps ErrOutcomeUnknown (through Err), Err and CheckErr.
type CreateRecoveryError struct {
	Name     string // the name of the webhook sent
	Attempts int    // creates sent
	Err      error  // the last create's own failure
	CheckErr error  // why reading back failed (context.Canceled when interrupted)
}

func (e *CreateRecoveryError) Error() string {
	return fmt.Sprintf("jurichat: creating webhook %q: %v; whether JuriChat stored it is unknown, because checking failed: %v. "+
		"List the webhooks (GET /webhooks) and look for one named %q created just now: if there is one, adopt it "+
		"(its id) or delete it before creating again", e.Name, e.Err, e.CheckErr, e.Name)
}

// Unwrap returns the create's error and the check's.
func (e *CreateRecoveryError) Unwrap() []error { return []error{e.Err, e.CheckErr} }

// StoppedCreateError is returned by CreateWebhook when ctx ended while a
// create was in flight and reading back found that nothing had been stored:
// nothing was created, and the create was not sent again.
type StoppedCreateError struct {
	Name     string // the name of the webhook sent
	Attempts int    // creates sent
	Err      error  // the last create's own failure (not unwrapped)
}

func (e *StoppedCreateError) Error() string {
	return fmt.Sprintf("jurichat: creating webhook %q was stopped before JuriChat answered (%v); the list of webhooks "+
		"read afterwards holds none that it stored: nothing was created", e.Name, e.Err)
}

// Unwrap returns context.Canceled: the operation was stopped.
func (e *StoppedCreateError) Unwrap() error { return context.Canceled }

// AmbiguousCreateError is returned by CreateWebhook when a create's answer
// was lost and several webhooks match what it sent, created since it was
// sent: which one (if any) it stored cannot be told. It matches
// ErrAmbiguousCreate.
type AmbiguousCreateError struct {
	Name string   // the name of the webhook sent
	IDs  []string // the matching webhooks, newest first
	Err  error    // the create's own failure (not unwrapped)
}

func (e *AmbiguousCreateError) Error() string {
	return fmt.Sprintf("jurichat: creating webhook %q failed with its outcome unknown, and %d webhooks created since match what was "+
		"sent (%s), so which one this create stored cannot be told and none was adopted: adopt one of them (its id) "+
		"and delete the others", e.Name, len(e.IDs), strings.Join(e.IDs, ", "))
}

// Is reports whether target is ErrAmbiguousCreate.
func (e *AmbiguousCreateError) Is(target error) bool { return target == ErrAmbiguousCreate }
