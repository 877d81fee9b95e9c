package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// RequestBodies returns the decoded JSON bodies of the vendor-API requests
// the emulator received for "<METHOD> <pattern>", in order.
func RequestBodies(srv *emulator.Server, key string) ([]map[string]any, error) {
	var out []map[string]any
	for _, r := range srv.Requests() {
		if r.Key != key {
			continue
		}
		m := map[string]any{}
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &m); err != nil {
				return nil, fmt.Errorf("%s: request body is not a JSON object", key)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// CheckAttrEquals checks that a resource attribute equals want without ever
// printing either value: use it for secrets.
func CheckAttrEquals(resourceName, attr string, want func() (string, error)) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(resourceName, attr, func(got string) error {
		w, err := want()
		if err != nil {
			return err
		}
		if got == "" {
			return fmt.Errorf("%s.%s is empty", resourceName, attr)
		}
		if got != w {
			return fmt.Errorf("%s.%s (%d characters) differs from the server's value (%d characters)", resourceName, attr, len(got), len(w))
		}
		return nil
	})
}

// CheckStateHasNo fails when any attribute of any resource in the state
// contains one of the given strings (for example a write-only credential).
// The message names the attribute, never the value.
func CheckStateHasNo(values ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, m := range s.Modules {
			for name, rs := range m.Resources {
				if rs.Primary == nil {
					continue
				}
				for attr, v := range rs.Primary.Attributes {
					for _, secret := range values {
						if secret != "" && strings.Contains(v, secret) {
							return fmt.Errorf("state attribute %s.%s holds a value that must never be stored", name, attr)
						}
					}
				}
			}
		}
		return nil
	}
}

// PlanCheckFunc turns a function into a plan check, for assertions on
// something other than the plan (what the emulator received) at a point
// where only plan checks run, such as a plannable import.
type PlanCheckFunc func() error

// CheckPlan implements plancheck.PlanCheck.
func (f PlanCheckFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// StringAt is a knownvalue check against a string known only when the check
// runs (for example an id recorded by an earlier step).
func StringAt(want *string) knownvalue.Check { return stringAt{want} }

type stringAt struct{ want *string }

func (c stringAt) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string value for StringAt check, got: %T", v)
	}
	if *c.want == "" || s != *c.want {
		return fmt.Errorf("expected value %q for StringAt check, got: %q", *c.want, s)
	}
	return nil
}

func (c stringAt) String() string { return *c.want }
