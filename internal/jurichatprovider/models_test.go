package jurichatprovider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
)

func stringMap(m map[string]string) types.Map {
	elems := map[string]attr.Value{}
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

func TestHeadersValidatorNeverEchoesValues(t *testing.T) {
	t.Parallel()
	const secretValue = "s3cr3t-header-value"
	cases := map[string]struct {
		headers map[string]string
		want    []string // summaries
	}{
		"valid":               {map[string]string{"X-Token": secretValue, "Authorization": secretValue}, nil},
		"bad name":            {map[string]string{"X Token": secretValue}, []string{"Invalid Header Name"}},
		"duplicate":           {map[string]string{"X-Token": secretValue, "x-TOKEN": secretValue}, []string{"Duplicate Header Name"}},
		"reserved":            {map[string]string{"X-JuriChat-Signature": secretValue}, []string{"Reserved Header Name"}},
		"reserved any case":   {map[string]string{"content-LENGTH": secretValue}, []string{"Reserved Header Name"}},
		"line break in value": {map[string]string{"X-Token": secretValue + "\r\nX-Injected: 1"}, []string{"Invalid Header Value"}},
	}
	for name, tc := range cases {
		resp := &validator.MapResponse{}
		headersValidator{}.ValidateMap(context.Background(), validator.MapRequest{
			Path: path.Root("headers"), ConfigValue: stringMap(tc.headers),
		}, resp)
		var got []string
		for _, d := range resp.Diagnostics {
			got = append(got, d.Summary())
			if strings.Contains(d.Detail(), secretValue) || strings.Contains(d.Summary(), secretValue) {
				t.Errorf("%s: a diagnostic repeats a header value", name)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: diagnostics %v, want %v", name, got, tc.want)
		}
	}
}

func TestHeadersCaseInsensitivePlan(t *testing.T) {
	t.Parallel()
	state := stringMap(map[string]string{"X-Token": "a", "X-Tenant": "b"})
	cases := map[string]struct {
		plan      types.Map
		wantState bool
	}{
		"case only":        {stringMap(map[string]string{"x-token": "a", "X-TENANT": "b"}), true},
		"value changed":    {stringMap(map[string]string{"x-token": "z", "X-Tenant": "b"}), false},
		"header removed":   {stringMap(map[string]string{"X-Token": "a"}), false},
		"header added":     {stringMap(map[string]string{"X-Token": "a", "X-Tenant": "b", "X-More": "c"}), false},
		"removed entirely": {types.MapNull(types.StringType), false},
	}
	for name, tc := range cases {
		resp := &planmodifier.MapResponse{PlanValue: tc.plan}
		headersCaseInsensitive{}.PlanModifyMap(context.Background(), planmodifier.MapRequest{
			StateValue: state, PlanValue: tc.plan, ConfigValue: tc.plan,
		}, resp)
		if got := resp.PlanValue.Equal(state); got != tc.wantState {
			t.Errorf("%s: planned the state's value = %v, want %v", name, got, tc.wantState)
		}
	}
}

func TestHeadersFromServerKeepsPriorSpelling(t *testing.T) {
	t.Parallel()
	prior := stringMap(map[string]string{"X-Token": "a"})
	got := headersFromServer(map[string]string{"x-token": "a", "X-New": "n"}, prior)
	if !got.Equal(stringMap(map[string]string{"X-Token": "a", "X-New": "n"})) {
		t.Errorf("got %v", got.Elements())
	}
	if got := headersFromServer(nil, prior); !got.IsNull() {
		t.Errorf("no headers on the server gave %v, want null", got)
	}
	empty := stringMap(map[string]string{})
	if got := headersFromServer(map[string]string{}, empty); !got.Equal(empty) {
		t.Errorf("an explicit empty map was not kept: %v", got)
	}
}

func webhookModel(t *testing.T, name, description string, events []string, headers map[string]string, active bool) webhookResourceModel {
	t.Helper()
	set, diags := eventsSet(context.Background(), events)
	if diags.HasError() {
		t.Fatal(diags)
	}
	m := webhookResourceModel{
		Name: types.StringValue(name), URL: types.StringValue("https://a.example.com"), Events: set,
		Description: types.StringNull(), IsActive: types.BoolValue(active), Headers: types.MapNull(types.StringType),
	}
	if description != "" {
		m.Description = types.StringValue(description)
	}
	if headers != nil {
		m.Headers = stringMap(headers)
	}
	return m
}

func TestUpdateRequestSendsOnlyChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	state := webhookModel(t, "n", "d", []string{"a", "b"}, map[string]string{"X-Token": "v"}, true)
	cases := map[string]struct {
		plan webhookResourceModel
		want string
	}{
		"nothing":             {state, `{}`},
		"name":                {webhookModel(t, "m", "d", []string{"b", "a"}, map[string]string{"X-Token": "v"}, true), `{"name":"m"}`},
		"events":              {webhookModel(t, "n", "d", []string{"a", "c"}, map[string]string{"X-Token": "v"}, true), `{"events":["a","c"]}`},
		"pause":               {webhookModel(t, "n", "d", []string{"a", "b"}, map[string]string{"X-Token": "v"}, false), `{"isActive":false}`},
		"clear both":          {webhookModel(t, "n", "", []string{"a", "b"}, nil, true), `{"description":null,"headers":null}`},
		"description changed": {webhookModel(t, "n", "e", []string{"a", "b"}, map[string]string{"X-Token": "v"}, true), `{"description":"e"}`},
		// {} is how a configuration clears headers; JuriChat's documented clear is null.
		"headers to empty": {webhookModel(t, "n", "d", []string{"a", "b"}, map[string]string{}, true), `{"headers":null}`},
	}
	for name, tc := range cases {
		body, changed, diags := updateRequest(ctx, tc.plan, state)
		if diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(raw) != tc.want {
			t.Errorf("%s: body %s, want %s", name, raw, tc.want)
		}
		if (len(changed) == 0) != (tc.want == `{}`) {
			t.Errorf("%s: changed = %v", name, changed)
		}
	}
}

func TestApplyWebhookKeepsSecretWhenAbsent(t *testing.T) {
	t.Parallel()
	m := webhookModel(t, "n", "", []string{"a"}, nil, true)
	m.Secret = types.StringValue("kept-secret")
	diags := applyWebhook(context.Background(), &m, &jurichat.Webhook{ID: "w1", Name: "n", Events: []string{"a"}, IsActive: true}, true)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Secret.ValueString() != "kept-secret" {
		t.Error("an answer without a secret overwrote the secret in state")
	}
}
