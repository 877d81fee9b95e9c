package providerutil

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// Bounds and defaults of the providers' max_retries and request_timeout.
const (
	DefaultMaxRetries     = transport.DefaultMaxRetries // 4
	MaxMaxRetries         = 20                          // a bound, so that no setting makes retries unbounded in practice
	DefaultRequestTimeout = transport.DefaultRequestTimeout
	MinRequestTimeout     = time.Second
	MaxRequestTimeout     = time.Hour
)

// Attribute names of the transport settings, the same in both providers.
const (
	AttrMaxRetries           = "max_retries"
	AttrRequestTimeout       = "request_timeout"
	AttrMaxRequestsPerSecond = "max_requests_per_second"
)

// MaxMaxRequestsPerSecond bounds max_requests_per_second (a typo's guard).
const MaxMaxRequestsPerSecond = 10000

// MaxRequestsPerSecondAttribute is the provider schema attribute
// max_requests_per_second; envVar is the vendor's variable.
func MaxRequestsPerSecondAttribute(envVar string) schema.Float64Attribute {
	return schema.Float64Attribute{
		MarkdownDescription: fmt.Sprintf("The most API requests per second this provider sends with its credential, "+
			"for teams that know their rate limit (neither vendor documents one). Unset, the provider learns the "+
			"limit: every resource, data source and action sharing the credential in one run slows down together "+
			"on the first `429` answer and speeds up again as answers succeed. Between 0.1 and %d. Can also be set "+
			"with the `%s` environment variable. Pipelines running at once with the same credential learn to share "+
			"the vendor's limit without it; setting each to its share spares the few `429` answers of that learning.",
			MaxMaxRequestsPerSecond, envVar),
		Optional:   true,
		Validators: []validator.Float64{float64validator.Between(0.1, MaxMaxRequestsPerSecond)},
	}
}

// MaxRetriesAttribute is the provider schema attribute max_retries; envVar is
// the vendor's variable (e.g. JELOU_MAX_RETRIES).
func MaxRetriesAttribute(envVar string) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: fmt.Sprintf("How many times a failed API request is retried: after `502`, `504` and `503` "+
			"(without `Retry-After`) answers (`500` too for reads and deletes) and connection failures, with exponential backoff and "+
			"jitter. Throttling (`429`, or `503` with `Retry-After`) does not count: it is waited out within the resource's "+
			"`timeouts`. Between 0 (no retries) and %d; defaults to %d. Can also be set with the `%s` environment variable. A create is never "+
			"sent again blindly once it may have reached the API: the provider first reads back what it stored (see the "+
			"guide *Retries and interrupted creates*), and the creates it then sends again count against this number too.",
			MaxMaxRetries, DefaultMaxRetries, envVar),
		Optional:   true,
		Validators: []validator.Int64{int64validator.Between(0, MaxMaxRetries)},
	}
}

// RequestTimeoutAttribute is the provider schema attribute request_timeout;
// envVar is the vendor's variable (e.g. JELOU_REQUEST_TIMEOUT).
func RequestTimeoutAttribute(envVar string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Time limit of each attempt of an API request (connecting, sending it and reading "+
			"the whole answer), as a duration such as `\"30s\"` or `\"2m\"`, between `%s` and `%s`. Defaults to `\"%s\"`. "+
			"Can also be set with the `%s` environment variable.",
			formatDuration(MinRequestTimeout), formatDuration(MaxRequestTimeout), formatDuration(DefaultRequestTimeout), envVar),
		Optional:   true,
		Validators: []validator.String{DurationValidator(MinRequestTimeout, MaxRequestTimeout)},
	}
}

// DurationValidator checks at plan time that a string is a duration such as
// "30s" or "2m" between minimum and maximum.
func DurationValidator(minimum, maximum time.Duration) validator.String {
	return durationValidator{minimum: minimum, maximum: maximum}
}

type durationValidator struct{ minimum, maximum time.Duration }

var _ validator.String = durationValidator{}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be a duration such as \"30s\" or \"2m\", between %s and %s",
		formatDuration(v.minimum), formatDuration(v.maximum))
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, problem := parseDuration(req.ConfigValue.ValueString(), v.minimum, v.maximum); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s: %s.", req.Path, problem))
	}
}

// parseDuration parses s and checks its range; problem describes what is
// wrong, "" when nothing is.
func parseDuration(s string, minimum, maximum time.Duration) (time.Duration, string) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		hint := ""
		if _, numErr := strconv.ParseFloat(strings.TrimSpace(s), 64); numErr == nil {
			hint = fmt.Sprintf(" (a unit is required: %q)", strings.TrimSpace(s)+"s")
		}
		return 0, fmt.Sprintf("%q is not a duration such as \"30s\" or \"2m\"%s", s, hint)
	}
	if d < minimum || d > maximum {
		return 0, fmt.Sprintf("%q is outside the accepted range, %s to %s", s, formatDuration(minimum), formatDuration(maximum))
	}
	return d, ""
}

// formatDuration writes 60s as "60s" and 1h as "1h", as a user would.
func formatDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// TransportSettings are a provider's max_retries and request_timeout, as
// configured, with the environment variables that stand in for them.
type TransportSettings struct {
	Provider          string // "jelou"; names the provider in messages
	Label             string // "Jelou"; starts diagnostic summaries
	MaxRetries        types.Int64
	RequestTimeout    types.String
	EnvMaxRetries     string // e.g. JELOU_MAX_RETRIES
	EnvRequestTimeout string // e.g. JELOU_REQUEST_TIMEOUT

	MaxRequestsPerSecond    types.Float64
	EnvMaxRequestsPerSecond string // e.g. JELOU_MAX_REQUESTS_PER_SECOND
}

// ResolvedTransport is what TransportSettings resolve to.
type ResolvedTransport struct {
	MaxRetries           int           // 0 to MaxMaxRetries; 0 means no retries
	RequestTimeout       time.Duration // per attempt
	MaxRequestsPerSecond float64       // 0: none (learned)
}

// Resolve reads the settings: the configured value, else the environment
// variable, else the default. Configured values were checked at plan time;
// environment values are checked here, and an invalid one is a configure
// error naming the variable. Unknown configured values are attribute errors.
// It reports false when it added an error.
func (s TransportSettings) Resolve(diags *diag.Diagnostics) (ResolvedTransport, bool) {
	out := ResolvedTransport{MaxRetries: DefaultMaxRetries, RequestTimeout: DefaultRequestTimeout}
	ok := true
	unknown := func(attr, label, envVar string) {
		ok = false
		diags.AddAttributeError(path.Root(attr), "Unknown "+s.Label+" "+label,
			fmt.Sprintf("The %s provider cannot be configured because %s is unknown until apply. Set %s to a value "+
				"known at plan time (a literal, a variable or a data source), or leave it unset and use the %s "+
				"environment variable.", s.Provider, attr, attr, envVar))
	}

	switch {
	case s.MaxRetries.IsUnknown():
		unknown(AttrMaxRetries, "Max Retries", s.EnvMaxRetries)
	case !s.MaxRetries.IsNull():
		out.MaxRetries = int(min(max(s.MaxRetries.ValueInt64(), 0), MaxMaxRetries)) // validated at plan time
	default:
		if v := strings.TrimSpace(os.Getenv(s.EnvMaxRetries)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > MaxMaxRetries {
				ok = false
				diags.AddError("Invalid "+s.EnvMaxRetries+" Environment Variable",
					fmt.Sprintf("The %s environment variable is %q, which is not a whole number between 0 and %d. "+
						"Set it to the number of retries (0 for none), or unset it to use the default (%d); "+
						"the provider's %s argument takes precedence over it.",
						s.EnvMaxRetries, v, MaxMaxRetries, DefaultMaxRetries, AttrMaxRetries))
			} else {
				out.MaxRetries = n
			}
		}
	}

	switch {
	case s.RequestTimeout.IsUnknown():
		unknown(AttrRequestTimeout, "Request Timeout", s.EnvRequestTimeout)
	case !s.RequestTimeout.IsNull():
		if d, problem := parseDuration(s.RequestTimeout.ValueString(), MinRequestTimeout, MaxRequestTimeout); problem == "" {
			out.RequestTimeout = d
		} else { // the plan-time validator has already said so; keep Configure safe anyway
			ok = false
			diags.AddAttributeError(path.Root(AttrRequestTimeout), "Invalid Duration", "Attribute "+AttrRequestTimeout+": "+problem+".")
		}
	default:
		if v := strings.TrimSpace(os.Getenv(s.EnvRequestTimeout)); v != "" {
			d, problem := parseDuration(v, MinRequestTimeout, MaxRequestTimeout)
			if problem != "" {
				ok = false
				diags.AddError("Invalid "+s.EnvRequestTimeout+" Environment Variable",
					fmt.Sprintf("The %s environment variable is invalid: %s. Set it to a duration such as \"30s\" or "+
						"\"2m\", or unset it to use the default (%s); the provider's %s argument takes precedence over it.",
						s.EnvRequestTimeout, problem, formatDuration(DefaultRequestTimeout), AttrRequestTimeout))
			} else {
				out.RequestTimeout = d
			}
		}
	}

	switch {
	case s.MaxRequestsPerSecond.IsUnknown():
		unknown(AttrMaxRequestsPerSecond, "Max Requests Per Second", s.EnvMaxRequestsPerSecond)
	case !s.MaxRequestsPerSecond.IsNull():
		out.MaxRequestsPerSecond = min(max(s.MaxRequestsPerSecond.ValueFloat64(), 0.1), MaxMaxRequestsPerSecond) // validated at plan time
	case s.EnvMaxRequestsPerSecond != "":
		if v := strings.TrimSpace(os.Getenv(s.EnvMaxRequestsPerSecond)); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0.1 || f > MaxMaxRequestsPerSecond {
				ok = false
				diags.AddError("Invalid "+s.EnvMaxRequestsPerSecond+" Environment Variable",
					fmt.Sprintf("The %s environment variable is %q, which is not a number between 0.1 and %d. "+
						"Set it to the most requests per second the provider may send, or unset it to let the "+
						"provider learn the rate limit; the provider's %s argument takes precedence over it.",
						s.EnvMaxRequestsPerSecond, v, MaxMaxRequestsPerSecond, AttrMaxRequestsPerSecond))
			} else {
				out.MaxRequestsPerSecond = f
			}
		}
	}
	return out, ok
}

// TransportMaxRetries is MaxRetries with the meaning it has in
// transport.Options and the API clients' Config (0: default; negative:
// none).
func (r ResolvedTransport) TransportMaxRetries() int {
	if r.MaxRetries == 0 {
		return -1
	}
	return r.MaxRetries
}

// HTTPOptions returns the transport options for these settings, reporting
// retries and throttling through the vendor's loggers (RetryLogger,
// ThrottleLogger).
func (r ResolvedTransport) HTTPOptions(vendor string) transport.Options {
	return transport.Options{MaxRetries: r.TransportMaxRetries(), RequestTimeout: r.RequestTimeout,
		OnRetry: RetryLogger(vendor), OnThrottle: ThrottleLogger(vendor)}
}
