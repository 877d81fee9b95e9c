package jelouprovider

import (
	"errors"
	"fmt"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
)

// withProjectCredentialHint puts before next, when Jelou refused the
// credentials (401, 403), the project they were refused for: a Jelou API key
// belongs to one project, so a configuration managing several projects that
// sends one project's key to another fails here, and the fix is in the
// provider configuration that serves this resource. The status hint before
// it (apiErrors.Credentials) names the credential arguments and variables.
func withProjectCredentialHint(projectID string, err error, next string) string {
	if !errors.Is(err, jelou.ErrUnauthorized) {
		return next
	}
	hint := fmt.Sprintf("Jelou refused the credentials for project %q. A Jelou API key belongs to one project: the "+
		"provider configuration used here must hold project %q's own. To manage several projects, give each one a "+
		"provider configuration of its own (a provider alias) and select it with the provider meta-argument; see the "+
		"guide \"Several Jelou projects\".", projectID, projectID)
	if next == "" {
		return hint
	}
	return hint + "\n\n" + next
}
