package jelouprovider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

// Rotation of the signing secret in place: rotate_when_changed is a map the
// user changes (by hand, or from time_rotating) to have the apply call
// Jelou's regenerate endpoint. The plan marks signing_secret unknown and
// warns; Update regenerates before anything else and writes the new secret
// into state at once. The guide "Rotating the signing secret" tells the story.

// rotateHint is the sentence every message pointing to a regenerate ends with.
const rotateHint = "Setting or changing rotate_when_changed on the resource regenerates a signing secret in place " +
	"(same integration and id, nothing deleted): the apply calls Jelou's regenerate endpoint, which invalidates the " +
	"secret the integration signs with until then, and stores the new one in signing_secret."

// rotationRequested reports whether the apply must regenerate the secret:
// rotate_when_changed differs between state and plan (null and a value
// differ; an unknown plan value counts as a change).
func rotationRequested(state, plan types.Map) bool {
	return !state.Equal(plan)
}

// signingSecretModifier keeps signing_secret from the state (the API never
// returns it again), except when the plan regenerates it: then it is unknown
// until the apply.
type signingSecretModifier struct{}

var _ planmodifier.String = signingSecretModifier{}

func (signingSecretModifier) Description(context.Context) string {
	return "Keeps the prior signing secret, unless rotate_when_changed changes: then it is unknown until the apply regenerates it."
}

func (m signingSecretModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (signingSecretModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	// Create and destroy: nothing to keep.
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("rotate_when_changed"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("rotate_when_changed"), &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if rotationRequested(prior, planned) {
		resp.PlanValue = types.StringUnknown()
		return
	}
	if resp.PlanValue.IsUnknown() {
		resp.PlanValue = req.StateValue
	}
}

// refreshLog records which integrations a provider configuration has read
// (refreshed). Terraform and OpenTofu plan each resource again in the apply
// (PlanResourceChange runs at plan and at apply, with the same request), so
// a plan warning made there appears twice in one `apply -auto-approve`,
// and again in `apply tfplan` after the plan showed it. The walks differ in
// one thing the provider sees: the plan refreshes the integration first
// (ReadResource), the apply never does; and each walk configures the
// provider anew, so each has its own log. The rotation warning is given in
// a walk that refreshed the integration: once per plan and none at apply.
// (A plan with -refresh=false reads nothing, so it does not warn.)
type refreshLog struct {
	mu   sync.Mutex
	read map[string]bool
}

// markRead records a refresh of projectID's integration; a nil log (the
// resource unconfigured) records nothing.
func (l *refreshLog) markRead(projectID string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.read == nil {
		l.read = map[string]bool{}
	}
	l.read[projectID] = true
}

// planning reports whether this walk refreshed projectID's integration, so
// is a plan rather than the apply's second planning. Without a log (the
// resource unconfigured) it reports true: warn rather than stay silent.
func (l *refreshLog) planning(projectID string) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.read[projectID]
}

// ModifyPlan warns, in the plan, that the apply regenerates the secret;
// once, in the plan only (see refreshLog).
func (r *externalSupportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state externalSupportResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !rotationRequested(state.RotateWhenChanged, plan.RotateWhenChanged) {
		return
	}
	if !plan.ProjectID.Equal(state.ProjectID) {
		return // replaced: the new integration gets a new secret anyway
	}
	if plan.UpdatedAt.IsUnknown() && plan.WebhookURL.Equal(state.WebhookURL) && plan.AuthType.Equal(state.AuthType) &&
		plan.Authorization.Equal(state.Authorization) && plan.AuthorizationWOVersion.Equal(state.AuthorizationWOVersion) {
		// Only the secret changes: no PATCH, and the provider keeps updated_at.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), state.UpdatedAt)...)
	}
	if !r.reads.planning(state.ProjectID.ValueString()) {
		return // the apply's second planning: the plan has warned
	}
	resp.Diagnostics.AddWarning("Jelou Signing Secret Will Be Regenerated",
		fmt.Sprintf("rotate_when_changed changed, so applying this plan regenerates the signing secret of the Jelou integration "+
			"of project %q in place. The current secret stops working the moment the apply regenerates it: receivers that "+
			"take signing_secret from this configuration get the new one in the same apply; any other receiver must be "+
			"given the new secret, or it rejects Jelou's deliveries from then on.", state.ProjectID.ValueString()))
}

// regenerate calls the regenerate endpoint for Update and turns a failure
// into a diagnostic. On success it returns the new secret.
func (r *externalSupportResource) regenerate(ctx context.Context, projectID, budget string, diags *diag.Diagnostics) (string, bool) {
	tflog.Debug(ctx, "Regenerating the Jelou signing secret", map[string]any{"project_id": projectID})
	out, err := r.client.RegenerateSigningSecret(ctx, projectID)
	if err != nil {
		failure := func(summary string) providerutil.Failure {
			return providerutil.Failure{Summary: summary, Scope: projectID, Budget: budget,
				Action: fmt.Sprintf("Regenerating the signing secret of the integration for project %q", projectID)}
		}
		var regErr *jelou.RegenerateError
		switch {
		case errors.As(err, &regErr):
			apiErrors.AddSettledError(diags, failure("Unknown Outcome Regenerating Jelou Signing Secret"), regErr.Err, err, fmt.Sprintf(
				"%d regenerate request(s) were sent and no answer carrying the new secret arrived. Jelou may have "+
					"regenerated the secret all the same, and then the one in the state no longer verifies deliveries. "+
					"The state keeps the previous secret and the previous rotate_when_changed, so running terraform apply "+
					"again regenerates once more and stores the secret Jelou then returns.", regErr.Attempts))
		case errors.Is(err, jelou.ErrNotFound):
			apiErrors.AddError(diags, failure("Error Regenerating Jelou Signing Secret"), err, "The integration was deleted "+
				"outside Terraform. Run terraform apply again: the refresh notices it and the apply creates it anew, with a "+
				"new signing secret.")
		default:
			apiErrors.AddError(diags, failure("Error Regenerating Jelou Signing Secret"), err, "The state keeps the previous "+
				"secret and the previous rotate_when_changed; fix the cause and run terraform apply again.")
		}
		return "", false
	}
	fields := map[string]any{"project_id": projectID, "attempts": out.Attempts}
	if out.Attempts > 1 {
		tflog.Info(ctx, "Regenerated the Jelou signing secret after an answer was lost: the last answer holds the current secret", fields)
	} else {
		tflog.Debug(ctx, "Regenerated the Jelou signing secret", fields)
	}
	return out.SigningSecret, true
}
