package providerutil

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// ClientSettings is what a provider supplies to word its API client's
// configuration errors: its name and the setting (argument and environment
// variable) that feeds each field of the client's Config. The rules
// themselves (which credentials go together, what a base URL must be) are
// the client's; see transport.ConfigError.
type ClientSettings struct {
	Provider string             // "jelou"
	Label    string             // "Jelou"
	Fields   map[string]Setting // client Config field ("APIKey", "BaseURL") → its setting
}

// AddClientError turns the error of a client's NewClient into a
// diagnostic: a *transport.ConfigError becomes an error about the setting at
// fault (on its attribute, unless it is a credential: see Setting.AddError) that names where its value came from and how to
// fix it; any other error is reported as it is.
func (c ClientSettings) AddClientError(diags *diag.Diagnostics, err error) {
	var cfgErr *transport.ConfigError
	if !errors.As(err, &cfgErr) {
		diags.AddError("Unable to Create "+c.Label+" API Client", "The "+c.Label+" API client could not be created: "+err.Error())
		return
	}
	field := c.Fields[cfgErr.Field]
	switch cfgErr.Problem {
	case transport.ConfigInvalid:
		field.AddError(diags, "Invalid "+field.Label,
			fmt.Sprintf("The value of %s is not valid: %s.", field.Source(), cfgErr.Reason))
	case transport.ConfigNoCredentials:
		alternatives := make([]string, len(cfgErr.Modes))
		for i, m := range cfgErr.Modes {
			alternatives[i] = c.modeSources(m) + ", " + m.Sent
		}
		diags.AddError("Missing "+c.Label+" Credentials",
			fmt.Sprintf("The %s provider needs credentials. Set exactly one of: %s.", c.Provider, strings.Join(alternatives, "; or ")))
	case transport.ConfigConflictingCredentials:
		var set, alternatives []string
		for _, m := range cfgErr.Modes {
			alternatives = append(alternatives, c.modeSettings(m))
			var sources []string
			for _, f := range m.Fields {
				if slices.Contains(cfgErr.Set, f) {
					sources = append(sources, c.Fields[f].Source())
				}
			}
			if len(sources) > 0 {
				set = append(set, m.Name+" ("+strings.Join(sources, " and ")+")")
			}
		}
		field.AddError(diags, "Conflicting "+c.Label+" Credentials",
			fmt.Sprintf("Both %s are set. Configure exactly one authentication mode: either %s.",
				strings.Join(set, " and "), strings.Join(alternatives, ", or ")))
	case transport.ConfigIncompleteCredentials:
		mode, _ := cfgErr.Mode(cfgErr.Field)
		var attrs, others []string
		for _, f := range mode.Fields {
			attrs = append(attrs, c.Fields[f].Attribute)
		}
		for _, m := range cfgErr.Modes {
			if m.Name != mode.Name {
				others = append(others, c.modeSettings(m))
			}
		}
		name := strings.TrimPrefix(strings.TrimPrefix(mode.Name, "a "), "an ")
		detail := fmt.Sprintf("%s need %s, but %s is not set. Set the %s argument or the %s environment variable",
			upperFirst(name), joinAll(attrs), field.Attribute, field.Attribute, field.EnvVar)
		if len(others) > 0 {
			detail += ", or use " + strings.Join(others, " or ") + " instead"
		}
		field.AddError(diags, "Incomplete "+c.Label+" "+titleCase(name), detail+".")
	default:
		diags.AddError("Unable to Create "+c.Label+" API Client", "The "+c.Label+" API client could not be created: "+err.Error())
	}
}

// modeSources words where a mode's values can come from: "the api_key
// argument (or the JELOU_API_KEY environment variable)", "both client_id and
// client_secret (or the JELOU_CLIENT_ID and JELOU_CLIENT_SECRET environment
// variables)".
func (c ClientSettings) modeSources(m transport.CredentialMode) string {
	if len(m.Fields) == 1 {
		s := c.Fields[m.Fields[0]]
		return "the " + s.Attribute + " argument (or the " + s.EnvVar + " environment variable)"
	}
	var attrs, envs []string
	for _, f := range m.Fields {
		attrs = append(attrs, c.Fields[f].Attribute)
		envs = append(envs, c.Fields[f].EnvVar)
	}
	return joinAll(attrs) + " (or the " + strings.Join(envs[:len(envs)-1], ", ") + " and " + envs[len(envs)-1] +
		" environment variables)"
}

// modeSettings words a mode's settings compactly: "client_id + client_secret
// / JELOU_CLIENT_ID + JELOU_CLIENT_SECRET".
func (c ClientSettings) modeSettings(m transport.CredentialMode) string {
	var attrs, envs []string
	for _, f := range m.Fields {
		attrs = append(attrs, c.Fields[f].Attribute)
		envs = append(envs, c.Fields[f].EnvVar)
	}
	return strings.Join(attrs, " + ") + " / " + strings.Join(envs, " + ")
}

// joinAll is "both a and b" for two, "all of a, b and c" for more.
func joinAll(items []string) string {
	switch len(items) {
	case 1:
		return items[0]
	case 2:
		return "both " + items[0] + " and " + items[1]
	}
	return "all of " + strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = upperFirst(w)
	}
	return strings.Join(words, " ")
}
