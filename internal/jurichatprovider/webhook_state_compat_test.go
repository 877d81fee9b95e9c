package jurichatprovider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stateBeforeTimeouts is a jurichat_webhook state as the provider wrote it
// before the timeouts block existed (schema version 0, no "timeouts" key).
const stateBeforeTimeouts = `{
  "id": "wh_1", "office_id": "office_1", "name": "n", "url": "https://hooks.example.com/a",
  "events": ["contact.created"], "description": null, "is_active": true, "headers": null,
  "secret": "whsec_x", "rotate_when_changed": null,
  "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
}`

// A state written before the timeouts block upgrades unchanged: the schema
// version is still 0, every attribute keeps its value, and timeouts is null,
// which an unconfigured block plans as (no change).
func TestWebhook_stateBeforeTimeoutsUpgrades(t *testing.T) {
	ctx := context.Background()
	srv, err := protoV6ProviderFactories["jurichat"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := schemas.ResourceSchemas["jurichat_webhook"]
	if s == nil || s.Version != 0 {
		t.Fatalf("jurichat_webhook schema %+v: want version 0, as before the timeouts block", s)
	}
	var block *tfprotov6.SchemaNestedBlock
	for _, b := range s.Block.BlockTypes {
		if b.TypeName == "timeouts" {
			block = b
		}
	}
	if block == nil || block.Nesting != tfprotov6.SchemaNestedBlockNestingModeSingle {
		t.Fatalf("timeouts block %+v: want a single nested block", block)
	}
	for _, a := range block.Block.Attributes {
		if !a.Optional || a.Required || a.Computed {
			t.Errorf("timeouts.%s is not optional-only: a state without it would plan a change", a.Name)
		}
	}

	resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "jurichat_webhook", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(stateBeforeTimeouts)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("upgrade diagnostic: %s: %s", d.Summary, d.Detail)
	}
	typ := s.ValueType()
	v, err := resp.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if !attrs["timeouts"].IsNull() {
		t.Errorf("timeouts = %v after the upgrade, want null", attrs["timeouts"])
	}
	var before map[string]any
	if err := json.Unmarshal([]byte(stateBeforeTimeouts), &before); err != nil {
		t.Fatal(err)
	}
	for name := range before {
		if _, ok := attrs[name]; !ok {
			t.Errorf("attribute %s lost in the upgrade", name)
		}
	}
	var id, secret string
	_ = attrs["id"].As(&id)
	_ = attrs["secret"].As(&secret)
	if id != "wh_1" || secret != "whsec_x" {
		t.Errorf("upgraded id %q, secret changed: %v", id, secret != "whsec_x")
	}
}
