package jurichatprovider

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
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
		Timeouts: providerutil.NullTimeouts(),
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

func TestWebhookRefreshKeepsSecretWhenAbsent(t *testing.T) {
	t.Parallel()
	m := webhookModel(t, "n", "", []string{"a"}, nil, true)
	m.Secret = types.StringValue("kept-secret")
	answer, diags := webhookModelFrom(context.Background(), &jurichat.Webhook{ID: "w1", Name: "n", Events: []string{"a"}, IsActive: true})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got := answer.withUnreturned(&m, nil); got.Secret.ValueString() != "kept-secret" {
		t.Error("an answer without a secret overwrote the secret in state")
	}
}

// The mapping rules of webhookModelFrom and withUnreturned, checked without
// a Terraform run: what Create, Read, Update, import and the list leave in
// state for each shape of answer the API contract allows.

const (
	hookCreated = "2026-01-01T00:00:00Z"
	hookUpdated = "2026-02-01T00:00:00Z"
)

// assertWebhookModel fails for every attribute of got that differs from
// want, naming it (values of secret and headers are not shown).
func assertWebhookModel(t *testing.T, got, want webhookResourceModel) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		gv, wv := g.Field(i).Interface().(attr.Value), w.Field(i).Interface().(attr.Value)
		if gv.Equal(wv) && reflect.DeepEqual(gv.Type(t.Context()), wv.Type(t.Context())) {
			continue
		}
		if name == "Secret" || name == "Headers" {
			t.Errorf("%s differs from the expected value (not shown: sensitive)", name)
		} else {
			t.Errorf("%s = %v, want %v", name, gv, wv)
		}
	}
}

func mustWebhookModelFrom(t *testing.T, in *jurichat.Webhook) webhookResourceModel {
	t.Helper()
	m, diags := webhookModelFrom(t.Context(), in)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return m
}

// hookPlan is a create plan: arguments known (headers not configured, so
// unknown), computed attributes unknown.
func hookPlan(t *testing.T) webhookResourceModel {
	m := webhookModel(t, "n", "d", []string{"a", "b"}, nil, true)
	m.Headers, m.Rotate = types.MapUnknown(types.StringType), stringMap(map[string]string{"when": "r1"})
	m.ID, m.OfficeID, m.Secret = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	m.CreatedAt, m.UpdatedAt = types.StringUnknown(), types.StringUnknown()
	return m
}

// hookState is the state after creating hookPlan.
func hookState(t *testing.T) webhookResourceModel {
	m := webhookModel(t, "n", "d", []string{"a", "b"}, map[string]string{"X-Token": "v"}, true)
	m.Rotate = stringMap(map[string]string{"when": "r1"})
	m.ID, m.OfficeID, m.Secret = types.StringValue("w1"), types.StringValue("o1"), types.StringValue("secret-1")
	m.CreatedAt, m.UpdatedAt = types.StringValue(hookCreated), types.StringValue(hookCreated)
	return m
}

// hookGet is a get answer: the full webhook, secret and headers included.
func hookGet() *jurichat.Webhook {
	d := "d"
	return &jurichat.Webhook{ID: "w1", OfficeID: "o1", Name: "n", Description: &d, URL: "https://a.example.com",
		Secret: "secret-1", Events: []string{"b", "a"}, IsActive: true, Headers: map[string]string{"X-Token": "v"},
		CreatedAt: hookCreated, UpdatedAt: hookUpdated}
}

func TestWebhookMappingCreate(t *testing.T) {
	t.Parallel()
	plan := hookPlan(t)
	answer := hookGet()
	answer.UpdatedAt = ""                // without updatedAt, updated_at is created_at
	answer.URL = "https://A.example.com" // the echo of an argument does not replace the planned value
	assertWebhookModel(t, mustWebhookModelFrom(t, answer).withUnreturned(nil, &plan), hookState(t))

	// Without a secret in the answer, secret is null (Create warns).
	answer.Secret = ""
	if got := mustWebhookModelFrom(t, answer).withUnreturned(nil, &plan); !got.Secret.IsNull() {
		t.Errorf("secret = %v after a create answer without one, want null", got.Secret)
	}
}

func TestWebhookMappingRead(t *testing.T) {
	t.Parallel()
	state := hookState(t)
	state.Headers = stringMap(map[string]string{"x-TOKEN": "v"})
	answer := hookGet()
	answer.Name, answer.Description, answer.IsActive = "renamed", nil, false
	answer.Headers = map[string]string{"X-Token": "v", "X-Added": "w"}
	got := mustWebhookModelFrom(t, answer).withUnreturned(&state, nil)

	// Drift shows; header names keep the state's spelling; rotate_when_changed stays.
	want := hookState(t)
	want.Name, want.Description, want.IsActive = types.StringValue("renamed"), types.StringNull(), types.BoolValue(false)
	want.Headers = stringMap(map[string]string{"x-TOKEN": "v", "X-Added": "w"})
	want.UpdatedAt = types.StringValue(hookUpdated)
	assertWebhookModel(t, got, want)
}

func TestWebhookMappingSparseRead(t *testing.T) {
	t.Parallel()
	// An answer without secret, office id or times (as the update answer
	// is): none of them is read as a change. No headers is null, unless the
	// state holds an explicit {}.
	state := hookState(t)
	state.Headers = stringMap(map[string]string{})
	answer := hookGet()
	answer.Secret, answer.OfficeID, answer.CreatedAt, answer.UpdatedAt, answer.Headers = "", "", "", "", nil
	want := hookState(t)
	want.Headers = state.Headers
	assertWebhookModel(t, mustWebhookModelFrom(t, answer).withUnreturned(&state, nil), want)

	state.Headers = types.MapNull(types.StringType)
	want.Headers = state.Headers
	assertWebhookModel(t, mustWebhookModelFrom(t, answer).withUnreturned(&state, nil), want)
}

func TestWebhookMappingUpdate(t *testing.T) {
	t.Parallel()
	state := hookState(t)
	plan := hookState(t)
	plan.Name, plan.Headers, plan.UpdatedAt = types.StringValue("m"), stringMap(map[string]string{"X-Token": "z"}), types.StringUnknown()
	// The update answer has neither secret nor headers.
	answer := hookGet()
	answer.Name, answer.Secret, answer.Headers = "m", "", nil
	got := mustWebhookModelFrom(t, answer).withUnreturned(&state, &plan)
	want := plan
	want.UpdatedAt = types.StringValue(hookUpdated)
	assertWebhookModel(t, got, want)

	// No PATCH sent: the answer is empty and the state's values stand.
	got = mustWebhookModelFrom(t, &jurichat.Webhook{}).withUnreturned(&state, &plan)
	want.UpdatedAt = state.UpdatedAt
	assertWebhookModel(t, got, want)
}

func TestWebhookMappingImportAndList(t *testing.T) {
	t.Parallel()
	imported := webhookResourceModel{
		ID: types.StringValue("w1"), OfficeID: types.StringNull(), Name: types.StringNull(), URL: types.StringNull(),
		Events: types.SetNull(types.StringType), Description: types.StringNull(), IsActive: types.BoolNull(),
		Headers: types.MapNull(types.StringType), Secret: types.StringNull(), Rotate: types.MapNull(types.StringType),
		CreatedAt: types.StringNull(), UpdatedAt: types.StringNull(), Timeouts: providerutil.NullTimeouts(),
	}
	want := hookState(t)
	want.Rotate, want.UpdatedAt = types.MapNull(types.StringType), types.StringValue(hookUpdated)
	assertWebhookModel(t, mustWebhookModelFrom(t, hookGet()).withUnreturned(&imported, nil), want)
	// The list reads the same.
	assertWebhookModel(t, mustWebhookModelFrom(t, hookGet()).withUnreturned(nil, nil), want)

	// Without updatedAt: null after an import (the state had none), created_at in the list.
	answer := hookGet()
	answer.UpdatedAt = ""
	want.UpdatedAt = types.StringNull()
	assertWebhookModel(t, mustWebhookModelFrom(t, answer).withUnreturned(&imported, nil), want)
	want.UpdatedAt = types.StringValue(hookCreated)
	assertWebhookModel(t, mustWebhookModelFrom(t, answer).withUnreturned(nil, nil), want)
}

func TestWebhookDataSourcesShareTheMapping(t *testing.T) {
	t.Parallel()
	ds, diags := webhookDataSourceFrom(t.Context(), hookGet())
	summary, d := webhookSummaryFrom(t.Context(), hookGet())
	diags.Append(d...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	m := mustWebhookModelFrom(t, hookGet())
	wantDS := &webhookDataSourceModel{ID: m.ID, OfficeID: m.OfficeID, Name: m.Name, URL: m.URL, Events: m.Events,
		Description: m.Description, IsActive: m.IsActive, Headers: m.Headers, Secret: m.Secret, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if !reflect.DeepEqual(ds, wantDS) {
		t.Error("the jurichat_webhook data source maps the answer otherwise than the resource")
	}
	if !summary.Name.Equal(m.Name) || !summary.Events.Equal(m.Events) || !summary.UpdatedAt.Equal(m.UpdatedAt) || !summary.Stats.IsNull() {
		t.Errorf("the jurichat_webhooks summary maps the answer otherwise than the resource: %+v", summary)
	}
}
