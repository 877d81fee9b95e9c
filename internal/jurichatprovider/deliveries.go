package jurichatprovider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

// Delivery statuses of JuriChat's delivery log.
const (
	deliveryPending  = "PENDING"
	deliverySuccess  = "SUCCESS"
	deliveryFailed   = "FAILED"
	deliveryRetrying = "RETRYING"
)

var deliveryStatuses = []string{deliveryPending, deliverySuccess, deliveryFailed, deliveryRetrying}

// deliveryPageLimit is the largest page the delivery-log endpoint serves.
const deliveryPageLimit = 100

// deliveryWalk reads a webhook's delivery log, newest first, a page of up to
// 100 at a time, with the server filtering by status and event.
type deliveryWalk struct {
	WebhookID     string
	Status, Event string // "": no filter
	// Max bounds the deliveries returned; 0: no bound.
	Max int
	// Since, when set, ends the walk at the first delivery created before it
	// (the log is newest first). Deliveries whose createdAt cannot be read
	// are kept.
	Since time.Time
}

// deliveryWalkResult is what a walk found.
type deliveryWalkResult struct {
	Deliveries []jurichat.Delivery
	// Total is the number of deliveries the server says match the filters
	// (from the first page), which may exceed len(Deliveries).
	Total int
	Pages int
}

// run walks the pages until the log, the bound or the time bound ends. A
// page that repeats a delivery already seen (the log moved under the walk)
// adds only the new ones; a server that keeps returning full pages stops at
// the bound or after the number of pages its first answer announced.
func (w deliveryWalk) run(ctx context.Context, client *jurichat.Client) (deliveryWalkResult, error) {
	var res deliveryWalkResult
	seen := map[string]bool{}
	for page := 1; ; page++ {
		p, err := client.ListDeliveries(ctx, w.WebhookID, jurichat.DeliveryQuery{
			Page: page, Limit: deliveryPageLimit, Status: w.Status, Event: w.Event,
		})
		if err != nil {
			return res, err
		}
		res.Pages++
		if page == 1 {
			res.Total = p.Total
		}
		for _, d := range p.Data {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			if !w.Since.IsZero() {
				if created, err := time.Parse(time.RFC3339Nano, d.CreatedAt); err == nil && created.Before(w.Since) {
					return res, nil
				}
			}
			// The server filtered by status, so an item that leaves it out
			// (the newer version of the list does) has the one asked for.
			if d.Status == "" && w.Status != "" {
				d.Status = w.Status
			}
			res.Deliveries = append(res.Deliveries, d)
			if w.Max > 0 && len(res.Deliveries) >= w.Max {
				return res, nil
			}
		}
		last := p.TotalPages
		if page == 1 && last == 0 && p.Total > 0 {
			last = (p.Total + deliveryPageLimit - 1) / deliveryPageLimit
		}
		if len(p.Data) == 0 || page >= last {
			return res, nil
		}
	}
}

// durationValidator checks that a string is a positive Go duration such as
// "24h" or "90m", and at most max; why says what the upper bound is for.
type durationValidator struct {
	max time.Duration
	why string
}

var _ validator.String = durationValidator{}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a positive duration such as \"24h\" or \"90m\", at most %s", formatDuration(v.max))
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s is %q, which is not a duration. Write a number with a unit: \"h\", \"m\" or \"s\", for "+
				"example \"24h\", \"90m\" or \"1h30m\".", req.Path, raw))
	case d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s is %q; it must be positive, for example \"24h\".", req.Path, raw))
	case d > v.max:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s is %q, longer than %s: %s. Use at most %q.", req.Path, raw, formatDuration(v.max), v.why, formatDuration(v.max)))
	}
}

// formatDuration writes a duration of whole hours as "2160h".
func formatDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int64(d/time.Hour))
	}
	return d.String()
}

// deliveryRetention is how long JuriChat keeps a delivery (90 days).
const deliveryRetention = 90 * 24 * time.Hour
