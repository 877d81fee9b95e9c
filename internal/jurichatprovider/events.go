package jurichatprovider

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// eventCatalogue is the live JuriChat event catalogue (GET /webhooks/events),
// fetched lazily at most once per provider process and shared by every
// resource and data source of it. A failed fetch is remembered too: the
// catalogue is not asked again in the same run. Safe for concurrent use.
type eventCatalogue struct {
	client *jurichat.Client
	once   sync.Once
	events []jurichat.Event
	err    error
	// reported is set by the first firstFailureReport: a failed fetch is
	// reported once per process, not once per webhook.
	reported atomic.Bool
}

func newEventCatalogue(client *jurichat.Client) *eventCatalogue {
	return &eventCatalogue{client: client}
}

// Events returns the catalogue, fetching it on the first call.
func (c *eventCatalogue) Events(ctx context.Context) ([]jurichat.Event, error) {
	c.once.Do(func() {
		c.events, c.err = c.client.ListEvents(ctx)
	})
	if c.err != nil {
		return nil, c.err
	}
	return slices.Clone(c.events), nil
}

// firstFailureReport reports whether this is the first time a caller is
// about to report the catalogue's failure.
func (c *eventCatalogue) firstFailureReport() bool {
	return !c.reported.Swap(true)
}

// unknownEvents returns the names (sorted, without duplicates) that the
// catalogue does not list, and the sorted names it does list.
func unknownEvents(catalogue []jurichat.Event, names []string) (unknown, valid []string) {
	known := make(map[string]bool, len(catalogue))
	for _, e := range catalogue {
		known[e.Name] = true
		valid = append(valid, e.Name)
	}
	for _, n := range names {
		if !known[n] && !slices.Contains(unknown, n) {
			unknown = append(unknown, n)
		}
	}
	sort.Strings(unknown)
	sort.Strings(valid)
	return unknown, slices.Compact(valid)
}
