package providerutil

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Default operation budgets of the resources' timeouts block. Waiting on a
// vendor's rate limit counts against them, so they are chosen for a busy
// team: pipelines sharing one credential may queue for minutes behind each
// other's requests. An apply does one create, update or delete per resource
// (plus its recovery reads), so 20 minutes is the AWS and Azure providers'
// usual figure and covers a long throttled queue; a read happens in every
// plan, where 5 minutes keeps a plan from hanging for long.
const (
	DefaultCreateTimeout = 20 * time.Minute
	DefaultReadTimeout   = 5 * time.Minute
	DefaultUpdateTimeout = 20 * time.Minute
	DefaultDeleteTimeout = 20 * time.Minute
)

// AttrTimeouts is the block's name.
const AttrTimeouts = "timeouts"

// TimeoutsBlock is the resources' timeouts block (create, read, update,
// delete), a nested block as in the AWS, Azure and Google providers, which
// every Terraform and OpenTofu version reads.
func TimeoutsBlock(ctx context.Context) schema.Block {
	word := func(op string, d time.Duration) string {
		return fmt.Sprintf("How long %s may take in all, waiting on the API's rate limit included, as a duration "+
			"such as \"30s\", \"10m\" or \"1h\". Defaults to \"%s\".", op, budgetString(d))
	}
	b := timeouts.Block(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: word("a create", DefaultCreateTimeout),
		ReadDescription:   word("a read (in every plan and refresh)", DefaultReadTimeout),
		UpdateDescription: word("an update", DefaultUpdateTimeout),
		DeleteDescription: word("a delete", DefaultDeleteTimeout),
	})
	if nb, ok := b.(schema.SingleNestedBlock); ok {
		nb.MarkdownDescription = "Time budgets of the operations. A `429 Too Many Requests` answer (or a `503` with " +
			"`Retry-After`) means \"not yet\": the provider waits and tries again until the operation's budget is " +
			"spent, without counting it against `max_retries`. Raise a budget when pipelines sharing the credential " +
			"queue for longer."
		return nb
	}
	return b
}

// NullTimeouts is the timeouts block not configured, for a model built from
// an API answer alone (the list resource, a new state).
func NullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// TimeoutsOrNull returns v, or NullTimeouts when v is the zero value (a
// model read from no value at all).
func TimeoutsOrNull(v timeouts.Value) timeouts.Value {
	if v.AttributeTypes(context.Background()) == nil {
		return NullTimeouts()
	}
	return v
}

// Operation names an operation of the timeouts block.
type Operation string

// The operations of the timeouts block.
const (
	OpCreate Operation = "create"
	OpRead   Operation = "read"
	OpUpdate Operation = "update"
	OpDelete Operation = "delete"
)

// WithTimeout returns ctx bounded by the operation's budget from v (its
// default when not configured), the budget, and a cancel function to defer.
func WithTimeout(ctx context.Context, v timeouts.Value, op Operation) (context.Context, time.Duration, context.CancelFunc, diag.Diagnostics) {
	v = TimeoutsOrNull(v)
	var d time.Duration
	var diags diag.Diagnostics
	switch op {
	case OpCreate:
		d, diags = v.Create(ctx, DefaultCreateTimeout)
	case OpRead:
		d, diags = v.Read(ctx, DefaultReadTimeout)
	case OpUpdate:
		d, diags = v.Update(ctx, DefaultUpdateTimeout)
	default:
		d, diags = v.Delete(ctx, DefaultDeleteTimeout)
	}
	if d <= 0 {
		d = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, d, cancel, diags
}

// BudgetHint names the setting that raises an operation's budget, for an
// error after throttling spent it: `timeouts { create = "…" }` of the
// resource.
func BudgetHint(resourceType string, op Operation, budget time.Duration) string {
	return fmt.Sprintf("Raise the budget with a timeouts block in the %s resource: timeouts { %s = \"%s\" } "+
		"(now %s), or lower the pace of the pipelines sharing the credential (max_requests_per_second).",
		resourceType, op, budgetString(2*budget), budgetString(budget))
}

// budgetString writes 20m as "20m", 90s as "90s".
func budgetString(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 && d%time.Hour != 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return formatDuration(d)
}
