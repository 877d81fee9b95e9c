package jelouprovider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

// The mapping rules of integrationModelFrom and withUnreturned, checked
// without a Terraform run: what Create, Read, Update, import and the list
// leave in state for each shape of answer the API contract allows.

const (
	mapProject = "proj-map"
	mapCreated = "2026-01-01T00:00:00Z"
	mapUpdated = "2026-02-01T00:00:00Z"
)

// sensitiveFields are never printed by assertIntegrationModel.
var sensitiveFields = map[string]bool{"SigningSecret": true, "Authorization": true, "AuthorizationWO": true}

// assertIntegrationModel fails for every attribute of got that differs from
// want, naming it (and showing the values of attributes that are not secret).
func assertIntegrationModel(t *testing.T, got, want externalSupportResourceModel) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		gv, wv := g.Field(i).Interface().(attr.Value), w.Field(i).Interface().(attr.Value)
		if gv.Equal(wv) && reflect.DeepEqual(gv.Type(t.Context()), wv.Type(t.Context())) {
			continue
		}
		if sensitiveFields[name] {
			t.Errorf("%s differs from the expected value (not shown: sensitive)", name)
		} else {
			t.Errorf("%s = %v, want %v", name, gv, wv)
		}
	}
}

func rotateMap(v string) types.Map {
	return types.MapValueMust(types.StringType, map[string]attr.Value{"when": types.StringValue(v)})
}

// mapPlan is a plan as Terraform hands it to Create: arguments known,
// computed attributes unknown.
func mapPlan() externalSupportResourceModel {
	return externalSupportResourceModel{
		ID:                     types.StringUnknown(),
		ProjectID:              types.StringValue(mapProject),
		WebhookURL:             types.StringValue("https://planned.example.com/hook"),
		AuthType:               types.StringValue(AuthTypeBearer),
		Authorization:          types.StringNull(),
		AuthorizationWO:        types.StringNull(),
		AuthorizationWOVersion: types.Int64Value(2),
		RotateWhenChanged:      rotateMap("r1"),
		BrainID:                types.StringUnknown(),
		SigningSecret:          types.StringUnknown(),
		CreatedAt:              types.StringUnknown(),
		UpdatedAt:              types.StringUnknown(),
		Timeouts:               providerutil.NullTimeouts(),
	}
}

// mapState is the state after a create of mapPlan.
func mapState() externalSupportResourceModel {
	return externalSupportResourceModel{
		ID:                     types.StringValue("int-1"),
		ProjectID:              types.StringValue(mapProject),
		WebhookURL:             types.StringValue("https://planned.example.com/hook"),
		AuthType:               types.StringValue(AuthTypeBearer),
		Authorization:          types.StringNull(),
		AuthorizationWO:        types.StringNull(),
		AuthorizationWOVersion: types.Int64Value(2),
		RotateWhenChanged:      rotateMap("r1"),
		BrainID:                types.StringValue(mapProject),
		SigningSecret:          types.StringValue("secret-from-create"),
		CreatedAt:              types.StringValue(mapCreated),
		UpdatedAt:              types.StringValue(mapCreated),
		Timeouts:               providerutil.NullTimeouts(),
	}
}

// importedState is the state ImportState leaves: the project id alone.
func importedState() externalSupportResourceModel {
	return externalSupportResourceModel{
		ID: types.StringNull(), ProjectID: types.StringValue(mapProject), WebhookURL: types.StringNull(),
		AuthType: types.StringNull(), Authorization: types.StringNull(), AuthorizationWO: types.StringNull(),
		AuthorizationWOVersion: types.Int64Null(), RotateWhenChanged: types.MapNull(types.StringType),
		BrainID: types.StringNull(), SigningSecret: types.StringNull(), CreatedAt: types.StringNull(), UpdatedAt: types.StringNull(),
		Timeouts: providerutil.NullTimeouts(),
	}
}

// fullGet is a get answer with every field the contract lists for it.
func fullGet(webhookURL, authType string) *jelou.Integration {
	return &jelou.Integration{ID: "int-1", BrainID: mapProject, WebhookURL: webhookURL, AuthType: authType,
		CreatedAt: mapCreated, UpdatedAt: mapUpdated}
}

// sparseGet is the get answer of Jelou's documented example: no id, no authType.
func sparseGet(webhookURL string) *jelou.Integration {
	return &jelou.Integration{BrainID: mapProject, WebhookURL: webhookURL, CreatedAt: mapCreated, UpdatedAt: mapUpdated}
}

func TestIntegrationMappingCreate(t *testing.T) {
	t.Parallel()
	plan := mapPlan()
	// The create answer carries the secret and no updatedAt; its echo of
	// the arguments does not replace the planned values.
	answer := &jelou.Integration{ID: "int-1", BrainID: mapProject, WebhookURL: "https://echoed.example.com/hook",
		AuthType: AuthTypeBearer, SigningSecret: "secret-from-create", CreatedAt: mapCreated}
	assertIntegrationModel(t, integrationModelFrom(mapProject, answer).withUnreturned(nil, &plan), mapState())
}

func TestIntegrationMappingCreateWithoutSecretOrID(t *testing.T) {
	t.Parallel()
	plan := mapPlan()
	answer := &jelou.Integration{WebhookURL: "https://planned.example.com/hook", CreatedAt: mapCreated}
	want := mapState()
	want.ID, want.SigningSecret = types.StringValue(mapProject), types.StringNull()
	got := integrationModelFrom(mapProject, answer).withUnreturned(nil, &plan)
	assertIntegrationModel(t, got, want)
}

func TestIntegrationMappingRead(t *testing.T) {
	t.Parallel()
	state := mapState()
	// A full get answer: drift in webhook_url and auth_type shows; the
	// secret, the credential's version and rotate_when_changed stay.
	got := integrationModelFrom(mapProject, fullGet("https://changed.example.com/hook", AuthTypeAPIKey)).withUnreturned(&state, nil)
	want := mapState()
	want.WebhookURL, want.AuthType, want.UpdatedAt = types.StringValue("https://changed.example.com/hook"), types.StringValue(AuthTypeAPIKey), types.StringValue(mapUpdated)
	assertIntegrationModel(t, got, want)
}

func TestIntegrationMappingSparseRead(t *testing.T) {
	t.Parallel()
	state := mapState()
	// No id and no authType in the answer: neither is read as a change.
	got := integrationModelFrom(mapProject, sparseGet("https://planned.example.com/hook")).withUnreturned(&state, nil)
	want := mapState()
	want.UpdatedAt = types.StringValue(mapUpdated)
	assertIntegrationModel(t, got, want)

	// Nor are absent times.
	bare := &jelou.Integration{BrainID: mapProject, WebhookURL: "https://planned.example.com/hook"}
	assertIntegrationModel(t, integrationModelFrom(mapProject, bare).withUnreturned(&state, nil), mapState())
}

func TestIntegrationMappingSecretInAnswer(t *testing.T) {
	t.Parallel()
	// A get answer that did carry a secret (off contract) is what the server says.
	state := mapState()
	answer := fullGet("https://planned.example.com/hook", AuthTypeBearer)
	answer.SigningSecret = "secret-from-get"
	got := integrationModelFrom(mapProject, answer).withUnreturned(&state, nil)
	if got.SigningSecret.ValueString() != "secret-from-get" {
		t.Error("a secret in the answer did not replace the state's")
	}
	// An empty one is absent: the state's stays.
	answer.SigningSecret = ""
	if got := integrationModelFrom(mapProject, answer).withUnreturned(&state, nil); !got.SigningSecret.Equal(state.SigningSecret) {
		t.Error("an answer without a secret replaced the state's")
	}
}

func TestIntegrationMappingUpdate(t *testing.T) {
	t.Parallel()
	state := mapState()
	plan := mapState()
	plan.WebhookURL, plan.AuthorizationWOVersion, plan.UpdatedAt = types.StringValue("https://new.example.com/hook"), types.Int64Value(3), types.StringUnknown()
	// The update answer has no secret, and echoes a URL the plan spells otherwise.
	answer := fullGet("https://NEW.example.com/hook", AuthTypeBearer)
	got := integrationModelFrom(mapProject, answer).withUnreturned(&state, &plan)
	want := mapState()
	want.WebhookURL, want.AuthorizationWOVersion, want.UpdatedAt = plan.WebhookURL, plan.AuthorizationWOVersion, types.StringValue(mapUpdated)
	assertIntegrationModel(t, got, want)
}

func TestIntegrationMappingUpdateWithoutPatch(t *testing.T) {
	t.Parallel()
	// Only rotate_when_changed changed: Update regenerated the secret
	// (current holds it) and sent no PATCH, so the answer is empty.
	current := mapState()
	current.SigningSecret, current.RotateWhenChanged = types.StringValue("secret-regenerated"), rotateMap("r2")
	plan := mapState()
	plan.SigningSecret, plan.RotateWhenChanged = types.StringUnknown(), rotateMap("r2")
	got := integrationModelFrom(mapProject, &jelou.Integration{}).withUnreturned(&current, &plan)
	assertIntegrationModel(t, got, current)
}

func TestIntegrationMappingImport(t *testing.T) {
	t.Parallel()
	state := importedState()
	want := importedState()
	want.WebhookURL, want.BrainID = types.StringValue("https://existing.example.com/hook"), types.StringValue(mapProject)
	want.CreatedAt, want.UpdatedAt = types.StringValue(mapCreated), types.StringValue(mapUpdated)

	// A sparse answer: the id is the project id, auth_type stays null, and
	// there is no secret to import.
	want.ID = types.StringValue(mapProject)
	assertIntegrationModel(t, integrationModelFrom(mapProject, sparseGet("https://existing.example.com/hook")).withUnreturned(&state, nil), want)

	// A full answer.
	want.ID, want.AuthType = types.StringValue("int-1"), types.StringValue(AuthTypeBasic)
	assertIntegrationModel(t, integrationModelFrom(mapProject, fullGet("https://existing.example.com/hook", AuthTypeBasic)).withUnreturned(&state, nil), want)
}

func TestIntegrationMappingList(t *testing.T) {
	t.Parallel()
	// The list reads like an import does; without updatedAt, updated_at is created_at.
	answer := sparseGet("https://existing.example.com/hook")
	answer.UpdatedAt = ""
	want := importedState()
	want.ID, want.BrainID, want.WebhookURL = types.StringValue(mapProject), types.StringValue(mapProject), types.StringValue(answer.WebhookURL)
	want.CreatedAt, want.UpdatedAt = types.StringValue(mapCreated), types.StringValue(mapCreated)
	assertIntegrationModel(t, integrationModelFrom(mapProject, answer).withUnreturned(nil, nil), want)
}

func TestIntegrationDataSourceModelShowsOmissionsAsNull(t *testing.T) {
	t.Parallel()
	got := dataSourceModel(mapProject, sparseGet("https://existing.example.com/hook"))
	want := &externalSupportDataSourceModel{
		ID: types.StringNull(), ProjectID: types.StringValue(mapProject), BrainID: types.StringValue(mapProject),
		WebhookURL: types.StringValue("https://existing.example.com/hook"), AuthType: types.StringNull(),
		CreatedAt: types.StringValue(mapCreated), UpdatedAt: types.StringValue(mapUpdated),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("data source model %+v, want %+v", got, want)
	}
}
