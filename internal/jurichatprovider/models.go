package jurichatprovider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// eventsSet turns the API's event list into a set of strings.
func eventsSet(ctx context.Context, events []string) (types.Set, diag.Diagnostics) {
	if events == nil {
		events = []string{}
	}
	return types.SetValueFrom(ctx, types.StringType, events)
}

// setStrings returns the known string elements of a set, sorted.
func setStrings(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	var out []string
	if s.IsNull() || s.IsUnknown() {
		return out, nil
	}
	diags := s.ElementsAs(ctx, &out, false)
	sort.Strings(out)
	return out, diags
}

// knownSetStrings returns the known string elements of a set that may hold
// unknown elements (at plan time).
func knownSetStrings(s types.Set) []string {
	var out []string
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}

// mapStrings returns the elements of a known map of strings.
func mapStrings(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	out := map[string]string{}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

// headersFromServer turns the headers the API returned into the attribute
// value, spelled as headersKeepSpelling says.
func headersFromServer(server map[string]string, prior types.Map) types.Map {
	elems := make(map[string]attr.Value, len(server))
	for name, value := range server {
		elems[name] = types.StringValue(value)
	}
	return headersKeepSpelling(elems, prior)
}

// headersKeepSpelling returns headers as the attribute value, spelled after
// prior. HTTP header names are case-insensitive: a name the prior value
// spells in another case keeps the prior spelling, so a server that
// normalises case causes no diff. No headers is null, unless the prior value
// was an explicit empty map.
func headersKeepSpelling(headers map[string]attr.Value, prior types.Map) types.Map {
	if len(headers) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior
		}
		return types.MapNull(types.StringType)
	}
	spelling := map[string]string{}
	if !prior.IsNull() && !prior.IsUnknown() {
		for name := range prior.Elements() {
			spelling[strings.ToLower(name)] = name
		}
	}
	perLower := map[string]int{}
	for name := range headers {
		perLower[strings.ToLower(name)]++
	}
	elems := make(map[string]attr.Value, len(headers))
	for name, value := range headers {
		lower := strings.ToLower(name)
		if p, ok := spelling[lower]; ok && perLower[lower] == 1 {
			name = p
		}
		elems[name] = value
	}
	return types.MapValueMust(types.StringType, elems)
}

// headersEqualFold reports whether two known maps hold the same headers when
// names are compared without regard to case (values are compared exactly).
func headersEqualFold(a, b map[string]attr.Value) bool {
	if len(a) != len(b) {
		return false
	}
	lowered := make(map[string]attr.Value, len(b))
	for name, v := range b {
		lowered[strings.ToLower(name)] = v
	}
	if len(lowered) != len(b) {
		return false
	}
	for name, v := range a {
		w, ok := lowered[strings.ToLower(name)]
		if !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
