package bench

import (
	"fmt"
	"strings"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
)

// Kind is what a case creates N of.
type Kind struct {
	Name     string // as in -suites: floor, jelou, jurichat
	Resource string // the resource type
	// Floor is Terraform core's own cost: terraform_data, served by
	// Terraform itself, no provider process, no API.
	Floor bool
	// PluginFloor is a framework provider that calls no API (noop_resource):
	// what any such provider costs Terraform.
	PluginFloor bool
	// method returns the HTTP method of an emulator request-count key when
	// the key is one of the resource's own routes (create, read, update,
	// delete of one object), "" otherwise.
	method func(key string) string
	// config is the configuration of n resources; version 2 changes one
	// argument of every resource (an update in place).
	config func(n, version int, emu *emulator.Server) string
}

// Kinds are the floors and the two providers' resources.
var Kinds = []Kind{
	{
		Name: "floor", Resource: "terraform_data", Floor: true,
		method: func(string) string { return "" },
		config: func(n, version int, _ *emulator.Server) string {
			return fmt.Sprintf(`resource "terraform_data" "r" {
  count = %d
  input = "https://hooks.example.com/v%d/${count.index}"
}
`, n, version)
		},
	},
	{
		Name: "noop", Resource: "noop_resource", PluginFloor: true,
		method: func(string) string { return "" },
		config: func(n, version int, _ *emulator.Server) string {
			return fmt.Sprintf(`terraform {
  required_providers {
    noop = {
      source = "externalsupport/noop"
    }
  }
}

resource "noop_resource" "r" {
  count = %d
  name  = "bench-${count.index}"
  url   = "https://hooks.example.com/v%d/${count.index}"
}
`, n, version)
		},
	},
	{
		Name: "jelou", Resource: "jelou_external_support",
		method: func(key string) string {
			m, path, _ := strings.Cut(key, " ")
			if path == "/jelou/v1/external-support/{projectId}" {
				return m
			}
			return ""
		},
		config: func(n, version int, emu *emulator.Server) string {
			return fmt.Sprintf(`terraform {
  required_providers {
    jelou = {
      source = "externalsupport/jelou"
    }
  }
}

provider "jelou" {
  base_url = %q
}

resource "jelou_external_support" "r" {
  count       = %d
  project_id  = "bench-${count.index}"
  webhook_url = "https://hooks.example.com/v%d/${count.index}"
}
`, emu.JelouURL(), n, version)
		},
	},
	{
		Name: "jurichat", Resource: "jurichat_webhook",
		method: jurichatMethod,
		config: jurichatConfig,
	},
}

// jurichatMethod recognises the webhook collection (POST) and item routes.
func jurichatMethod(key string) string {
	m, path, _ := strings.Cut(key, " ")
	switch {
	case m == "POST" && (path == "/jurichat/webhooks" || path == "/jurichat/webhooks/" || path == "/jurichat/webhooks/{$}"):
		return m
	case m != "POST" && path == "/jurichat/webhooks/{webhookId}":
		return m
	}
	return ""
}

func jurichatConfig(n, version int, emu *emulator.Server) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    jurichat = {
      source = "externalsupport/jurichat"
    }
  }
}

provider "jurichat" {
  base_url = %q
}

resource "jurichat_webhook" "r" {
  count  = %d
  name   = "bench-${count.index}"
  url    = "https://hooks.example.com/v%d/${count.index}"
  events = ["crm.lead.created"]
}
`, emu.JurichatURL(), n, version)
}

// API reports whether the kind's resources are objects of a vendor API.
func (k Kind) API() bool { return !k.Floor && !k.PluginFloor }

// KindByName returns the kind named name.
func KindByName(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// Op is one Terraform command of a case, in the order a case runs them.
type Op int

// The operations of a case.
const (
	OpCreate  Op = iota // apply creating N
	OpPlan              // plan, no changes
	OpRefresh           // plan -refresh-only, no changes
	OpUpdate            // apply changing one argument of all N in place
	OpDestroy           // destroy
)

// Ops lists every operation in order.
var Ops = []Op{OpCreate, OpPlan, OpRefresh, OpUpdate, OpDestroy}

// String names the operation for tables.
func (o Op) String() string {
	return [...]string{"apply (create)", "plan (no changes)", "plan -refresh-only", "apply (update in place)", "destroy"}[o]
}

// short names the operation in progress lines.
func (o Op) short() string {
	return [...]string{"create", "plan", "refresh", "update", "destroy"}[o]
}

// args is the CLI command line (after the executable).
func (o Op) args() []string {
	common := []string{"-input=false", "-no-color"}
	switch o {
	case OpCreate, OpUpdate:
		return append([]string{"apply", "-auto-approve"}, common...)
	case OpPlan:
		return append([]string{"plan", "-detailed-exitcode"}, common...)
	case OpRefresh:
		// Not -detailed-exitcode: Terraform 1.11 exits 2 from a refresh-only
		// plan without changes whenever a resource has two or more
		// sensitive attributes (it compares their paths in state in an
		// order that varies), terraform_data included. summary checks it.
		return append([]string{"plan", "-refresh-only"}, common...)
	default:
		return append([]string{"destroy", "-auto-approve"}, common...)
	}
}

// Expected is what the target allows per resource, by HTTP method: one
// request to create, one to refresh, one to update, one to delete. apply
// and destroy refresh the state first (one GET), as Terraform always does.
func (o Op) Expected() map[string]int {
	switch o {
	case OpCreate:
		return map[string]int{"POST": 1}
	case OpPlan, OpRefresh:
		return map[string]int{"GET": 1}
	case OpUpdate:
		return map[string]int{"GET": 1, "PATCH": 1}
	default:
		return map[string]int{"GET": 1, "DELETE": 1}
	}
}

// summary is the line Terraform prints when the operation did what it
// should for n resources.
func (o Op) summary(n int) string {
	switch o {
	case OpPlan, OpRefresh:
		return "No changes."
	case OpCreate:
		return fmt.Sprintf("Resources: %d added, 0 changed, 0 destroyed.", n)
	case OpUpdate:
		return fmt.Sprintf("Resources: 0 added, %d changed, 0 destroyed.", n)
	case OpDestroy:
		return fmt.Sprintf("Resources: %d destroyed.", n)
	}
	return ""
}
