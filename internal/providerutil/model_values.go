package providerutil

import "github.com/hashicorp/terraform-plugin-framework/types"

// FirstKnown returns the first of values that is neither null nor unknown,
// or null: how a model built from an API answer falls back, attribute by
// attribute, to what the prior state knew when the answer omits a value.
func FirstKnown(values ...types.String) types.String {
	for _, v := range values {
		if !v.IsNull() && !v.IsUnknown() {
			return v
		}
	}
	return types.StringNull()
}
