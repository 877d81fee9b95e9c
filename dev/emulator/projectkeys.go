package emulator

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Per-project Jelou keys (Options.JelouProjectKeys).
//
// A Jelou API key belongs to one project ("la API key del proyecto"): a team
// with several projects holds one key per project, and a request for one
// project with another project's key is refused with 401. By default the
// emulator accepts Options.JelouAPIKey for every project, which would let a
// configuration that sends the wrong project's key pass every test. With
// JelouProjectKeys set:
//
//   - a project listed there accepts only its own key;
//   - a listed key is refused for every other project;
//   - projects not listed keep accepting Options.JelouAPIKey, so tests that
//     use one key for fresh projects are unaffected.
//
// HTTP Basic client credentials are not bound to projects (Jelou documents
// them only in older OpenAPI blocks, without saying what they are scoped to):
// they stay valid for every project.

// ParseProjectKey parses the -jelou-project-key syntax, PROJECT=KEY.
func ParseProjectKey(s string) (project, key string, err error) {
	project, key, ok := strings.Cut(s, "=")
	project = strings.TrimSpace(project)
	switch {
	case !ok || project == "" || key == "":
		return "", "", errors.New("want PROJECT=KEY, e.g. acme-sales=sales-key")
	case strings.ContainsAny(project, "/?#% "):
		return "", "", fmt.Errorf("project id %q cannot be a URL path segment", project)
	}
	return project, key, nil
}

// validateProjectKeys reports a project key Validate cannot accept: an empty
// project id or key, a project id that is no path segment, a key bound to
// two projects (a Jelou key belongs to one project), or a key equal to
// JelouAPIKey (which is the key of every project not listed). Messages never
// carry a key.
func validateProjectKeys(o Options) error {
	defaultKey := o.withDefaults().JelouAPIKey
	owner := map[string]string{}
	for _, project := range slices.Sorted(maps.Keys(o.JelouProjectKeys)) {
		key := o.JelouProjectKeys[project]
		if _, _, err := ParseProjectKey(project + "=" + key); err != nil {
			return fmt.Errorf("invalid key for Jelou project %q: %w", project, err)
		}
		if other, dup := owner[key]; dup {
			return fmt.Errorf("projects %q and %q are given the same Jelou key: a Jelou API key belongs to one project", other, project)
		}
		if key == defaultKey {
			return fmt.Errorf("the key of Jelou project %q equals the default Jelou API key, which is the key of every project without one of its own: give the project another key", project)
		}
		owner[key] = project
	}
	return nil
}

// jelouKeyAuthorized reports whether key is valid for the project the request
// addresses (its {projectId} path value; none on routes without one).
func (e *Emulator) jelouKeyAuthorized(r *http.Request, key string) bool {
	project := r.PathValue("projectId")
	if want, bound := e.opts.JelouProjectKeys[project]; bound && project != "" {
		return secretEqual(key, want)
	}
	if secretEqual(key, e.opts.JelouAPIKey) {
		return true
	}
	if project != "" {
		// Another project's key: refused, as Jelou refuses it.
		return false
	}
	// A route without a project (an unknown path) accepts any valid key, so
	// that it answers 404 rather than 401.
	for _, k := range e.opts.JelouProjectKeys {
		if secretEqual(key, k) {
			return true
		}
	}
	return false
}
