package transport

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// ConfigProblem is what a client found wrong in its configuration.
type ConfigProblem int

const (
	// ConfigInvalid: the value of Field breaks a rule; Reason says which.
	ConfigInvalid ConfigProblem = iota + 1
	// ConfigNoCredentials: no credential mode has any of its fields set.
	ConfigNoCredentials
	// ConfigConflictingCredentials: fields of more than one credential mode
	// are set; Field is the first set field of the second such mode.
	ConfigConflictingCredentials
	// ConfigIncompleteCredentials: a mode needing several fields has some of
	// them set, but not Field.
	ConfigIncompleteCredentials
)

// CredentialMode is one way of authenticating to an API: the client
// configuration fields it needs, all of them set.
type CredentialMode struct {
	ID     string   // how logs name it: "api_key", "client_credentials"
	Name   string   // what it is, with its article: "an API key", "client credentials"
	Sent   string   // how it reaches the API: "sent as the x-api-key header"
	Fields []string // the client Config fields, e.g. "ClientID", "ClientSecret"
}

// ConfigError is a configuration a client's NewClient refuses. It names the
// client's Config fields and never holds their values, so that a caller can
// word it in its own terms (a provider maps fields onto its arguments and
// environment variables) and no credential reaches a message.
type ConfigError struct {
	Service string // "jelou", "jurichat": prefixes Error()
	Problem ConfigProblem
	Field   string // the field at fault (see ConfigProblem); "" for ConfigNoCredentials
	Reason  string // ConfigInvalid: the rule broken, e.g. "it must not contain control characters"
	// Modes are the service's credential modes and Set the credential
	// fields that were set: for the credential problems.
	Modes []CredentialMode
	Set   []string
}

// Error words the problem with the Config field names, e.g.
// "jelou: ClientID and ClientSecret must be set together".
func (e *ConfigError) Error() string {
	alternatives := make([]string, len(e.Modes))
	for i, m := range e.Modes {
		alternatives[i] = strings.Join(m.Fields, " and ")
	}
	var msg string
	switch e.Problem {
	case ConfigInvalid:
		msg = fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
	case ConfigNoCredentials:
		msg = "no credentials: set " + strings.Join(alternatives, ", or ")
	case ConfigConflictingCredentials:
		msg = "configure either " + strings.Join(alternatives, " or ") + ", not both"
	case ConfigIncompleteCredentials:
		msg = e.Field + " is missing"
		if m, ok := e.Mode(e.Field); ok {
			msg = strings.Join(m.Fields, " and ") + " must be set together"
		}
	default:
		msg = "invalid configuration"
	}
	return e.Service + ": " + msg
}

// Mode returns the credential mode field belongs to.
func (e *ConfigError) Mode(field string) (CredentialMode, bool) {
	for _, m := range e.Modes {
		for _, f := range m.Fields {
			if f == field {
				return m, true
			}
		}
	}
	return CredentialMode{}, false
}

// ParseBaseURL checks an API base URL with validation.BaseURL (absolute,
// https unless the host is loopback, no credentials, query or fragment) and
// parses it. Its error is a *ConfigError for the field "BaseURL".
func ParseBaseURL(service, raw string) (*url.URL, error) {
	invalid := func(reason string) error {
		return &ConfigError{Service: service, Problem: ConfigInvalid, Field: "BaseURL", Reason: reason}
	}
	if err := validation.BaseURL(raw); err != nil {
		return nil, invalid(err.Error())
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid("it is not a valid URL")
	}
	return u, nil
}

// ChooseCredentials returns the index in modes of the one credential mode
// whose fields are all set, value giving each field's value (a value that
// is empty or white space is not set). More than one mode with a field set,
// a mode partly set, none set, or a set value with control characters
// (which a header cannot carry) is a *ConfigError naming fields only.
func ChooseCredentials(service string, modes []CredentialMode, value func(field string) string) (int, error) {
	var set []string
	chosen, partial, conflict := -1, "", ""
	for i, m := range modes {
		missing := ""
		hasSet := false
		for _, f := range m.Fields {
			if strings.TrimSpace(value(f)) == "" {
				if missing == "" {
					missing = f
				}
				continue
			}
			set = append(set, f)
			if !hasSet && chosen >= 0 && conflict == "" {
				conflict = f
			}
			hasSet = true
		}
		if !hasSet {
			continue
		}
		if chosen < 0 {
			chosen, partial = i, missing
		}
	}
	fail := func(p ConfigProblem, field string) (int, error) {
		return -1, &ConfigError{Service: service, Problem: p, Field: field, Modes: modes, Set: set}
	}
	switch {
	case conflict != "":
		return fail(ConfigConflictingCredentials, conflict)
	case chosen < 0:
		return fail(ConfigNoCredentials, "")
	case partial != "":
		return fail(ConfigIncompleteCredentials, partial)
	}
	for _, f := range modes[chosen].Fields {
		if strings.IndexFunc(value(f), unicode.IsControl) >= 0 {
			return -1, &ConfigError{Service: service, Problem: ConfigInvalid, Field: f,
				Reason: "it must not contain control characters (a line break, a tab), which an HTTP header cannot carry"}
		}
	}
	return chosen, nil
}

// ClientOptions are the settings every vendor client takes alike.
type ClientOptions struct {
	Service          string       // names the API in errors, e.g. "Jelou"
	BaseURL          string       // checked and parsed by ParseBaseURL
	UserAgent        string       // "" means DefaultUserAgent
	DefaultUserAgent string       // e.g. "terraform-provider-jelou"
	HTTPClient       *http.Client // nil means NewHTTPClient(Options{})
}

// NewRequester checks o.BaseURL and returns a Requester with the shared
// defaults applied; the vendor then sets Authenticate, ErrorMessage and
// Redact before first use. Its error is a *ConfigError.
func NewRequester(o ClientOptions) (*Requester, error) {
	base, err := ParseBaseURL(strings.ToLower(o.Service), o.BaseURL)
	if err != nil {
		return nil, err
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = NewHTTPClient(Options{})
	}
	ua := o.UserAgent
	if ua == "" {
		ua = o.DefaultUserAgent
	}
	return &Requester{HTTPClient: hc, BaseURL: base, Service: o.Service, UserAgent: ua}, nil
}
