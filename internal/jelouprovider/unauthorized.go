package jelouprovider

import "fmt"

// projectCredentialHint is Jelou's Vendor.Refused: when Jelou refused the
// credentials (401, 403), the project they were refused for. A Jelou API key
// belongs to one project, so a configuration managing several projects that
// sends one project's key to another fails here, and the fix is in the
// provider configuration that serves this resource. The credentials step
// before it (apiErrors.Credentials) names the credential arguments and
// variables.
func projectCredentialHint(projectID string) string {
	if projectID == "" {
		return ""
	}
	return fmt.Sprintf("Jelou refused the credentials for project %q. A Jelou API key belongs to one project: the "+
		"provider configuration used here must hold project %q's own. To manage several projects, give each one a "+
		"provider configuration of its own (a provider alias) and select it with the provider meta-argument; see the "+
		"guide \"Several Jelou projects\".", projectID, projectID)
}
