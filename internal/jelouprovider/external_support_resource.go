package jelouprovider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

// Authentication types Jelou uses when it calls the webhook.
const (
	AuthTypeBearer = "bearer"
	AuthTypeAPIKey = "api_key"
	AuthTypeBasic  = "basic"
	AuthTypeNoAuth = "no_auth"
)

var authTypes = []string{AuthTypeBearer, AuthTypeAPIKey, AuthTypeBasic, AuthTypeNoAuth}

var (
	_ resource.ResourceWithConfigure        = (*externalSupportResource)(nil)
	_ resource.ResourceWithImportState      = (*externalSupportResource)(nil)
	_ resource.ResourceWithConfigValidators = (*externalSupportResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*externalSupportResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*externalSupportResource)(nil)
	_ resource.ResourceWithIdentity         = (*externalSupportResource)(nil)
)

type externalSupportResource struct {
	client *jelou.Client
	// reads is the provider configuration's record of refreshed
	// integrations (see refreshLog); nil while unconfigured.
	reads *refreshLog
}

// resourceData is what Configure hands to jelou_external_support: the client
// and the refresh record of this provider configuration. Data sources and
// the list resource get the client alone.
type resourceData struct {
	client *jelou.Client
	reads  *refreshLog
}

type externalSupportResourceModel struct {
	ID                     types.String   `tfsdk:"id"`
	ProjectID              types.String   `tfsdk:"project_id"`
	WebhookURL             types.String   `tfsdk:"webhook_url"`
	AuthType               types.String   `tfsdk:"auth_type"`
	Authorization          types.String   `tfsdk:"authorization"`
	AuthorizationWO        types.String   `tfsdk:"authorization_wo"`
	AuthorizationWOVersion types.Int64    `tfsdk:"authorization_wo_version"`
	RotateWhenChanged      types.Map      `tfsdk:"rotate_when_changed"`
	BrainID                types.String   `tfsdk:"brain_id"`
	SigningSecret          types.String   `tfsdk:"signing_secret"`
	CreatedAt              types.String   `tfsdk:"created_at"`
	UpdatedAt              types.String   `tfsdk:"updated_at"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// What Create, Read (refresh and import), Update and the list resource leave
// in state is integrationModelFrom(answer) completed by withUnreturned.

// integrationModelFrom builds the model from one API answer alone: each
// attribute the answer carries, null for each it omits (a get or update
// answer has no signing secret; a sparse get has no id and no auth type) and
// for the arguments Jelou never returns (the credential, its version,
// rotate_when_changed). The data source shows the same values.
func integrationModelFrom(projectID string, in *jelou.Integration) externalSupportResourceModel {
	return externalSupportResourceModel{
		ID:                     stringOrNull(in.ID),
		ProjectID:              types.StringValue(projectID),
		WebhookURL:             stringOrNull(in.WebhookURL),
		AuthType:               stringOrNull(in.AuthType),
		Authorization:          types.StringNull(),
		AuthorizationWO:        types.StringNull(),
		AuthorizationWOVersion: types.Int64Null(),
		RotateWhenChanged:      types.MapNull(types.StringType),
		BrainID:                stringOrNull(in.BrainID),
		SigningSecret:          stringOrNull(in.SigningSecret),
		CreatedAt:              stringOrNull(in.CreatedAt),
		UpdatedAt:              stringOrNull(in.UpdatedAt),
		Timeouts:               providerutil.NullTimeouts(),
	}
}

// withUnreturned completes a model built by integrationModelFrom with what
// the answer did not say. state is the state the call started from (Read,
// Update; after an import it holds only project_id), nil on Create and in
// the list. plan is the plan of a Create or Update, nil otherwise.
//   - webhook_url, auth_type: on Create and Update the planned values (the
//     answer echoes what was sent, and Terraform requires the planned value);
//     otherwise the answer's, or the state's when the answer omits them.
//   - authorization, authorization_wo_version, rotate_when_changed: never
//     returned; the plan's on Create and Update, otherwise the state's.
//     authorization_wo is write-only: always null.
//   - signing_secret: only create and regenerate answers carry it; otherwise
//     the state's (null after an import, until a regenerate).
//   - id, brain_id, created_at, updated_at: the answer's, or the state's when
//     the answer omits them; failing both, id and brain_id are the project
//     id (Jelou reports it as brainId) and updated_at is created_at (the
//     create answer has no updatedAt).
func (m externalSupportResourceModel) withUnreturned(state, plan *externalSupportResourceModel) externalSupportResourceModel {
	prior := externalSupportResourceModel{}
	if state != nil {
		prior = *state
	}
	// timeouts: the configuration's (plan), else the state's; never the API's.
	switch {
	case plan != nil:
		m.Timeouts = plan.Timeouts
	case state != nil:
		m.Timeouts = providerutil.TimeoutsOrNull(state.Timeouts)
	}
	if plan != nil {
		m.WebhookURL, m.AuthType = plan.WebhookURL, plan.AuthType
		m.Authorization, m.AuthorizationWOVersion, m.RotateWhenChanged = plan.Authorization, plan.AuthorizationWOVersion, plan.RotateWhenChanged
	} else {
		m.WebhookURL, m.AuthType = providerutil.FirstKnown(m.WebhookURL, prior.WebhookURL), providerutil.FirstKnown(m.AuthType, prior.AuthType)
		if state != nil {
			m.Authorization, m.AuthorizationWOVersion, m.RotateWhenChanged = prior.Authorization, prior.AuthorizationWOVersion, prior.RotateWhenChanged
		}
	}
	m.AuthorizationWO = types.StringNull()
	m.SigningSecret = providerutil.FirstKnown(m.SigningSecret, prior.SigningSecret)
	m.ID = providerutil.FirstKnown(m.ID, prior.ID, m.ProjectID)
	m.BrainID = providerutil.FirstKnown(m.BrainID, prior.BrainID, m.ProjectID)
	m.CreatedAt = providerutil.FirstKnown(m.CreatedAt, prior.CreatedAt)
	m.UpdatedAt = providerutil.FirstKnown(m.UpdatedAt, prior.UpdatedAt, m.CreatedAt)
	return m
}

// NewExternalSupportResource is the factory for jelou_external_support.
func NewExternalSupportResource() resource.Resource { return &externalSupportResource{} }

func (r *externalSupportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_support"
}

func (r *externalSupportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The integration between a Jelou project and an external support panel: Jelou delivers " +
			"conversation events to `webhook_url`, signed with `X-Jelou-Signature`. A project has at most one integration.\n\n" +
			"Jelou returns the `signing_secret` only in the answers to the create and to a regenerate. The provider keeps " +
			"it in state as a sensitive value; it cannot be read back later, so an imported integration has none until " +
			"its secret is regenerated. Setting or changing `rotate_when_changed` regenerates the secret **in place** " +
			"(same integration and `id`; the previous secret stops working at once): the way to rotate it, on a schedule " +
			"with `time_rotating`, and to give an imported integration a managed secret (see the guides *Rotating the " +
			"signing secret* and *Bringing existing integrations under Terraform*).\n\n" +
			"If the connection drops during the create, the provider reads the project's integration before anything " +
			"else: an integration it can prove this create made (created since the create was sent, allowing one minute " +
			"of clock difference, with the same `webhook_url` and `auth_type`) has lost its secret, which is regenerated " +
			"in place; one it cannot prove is never touched, and the error shows how to import it. Nothing is ever " +
			"deleted to recover. See the guide *Retries and interrupted creates*.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the integration, as assigned by Jelou.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Jelou project the integration belongs to. Changing it replaces the integration " +
					"(and so issues a new `signing_secret`).",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(projectIDPattern, "must not contain '/', '?', '#' or white space"),
				},
			},
			"webhook_url": schema.StringAttribute{
				MarkdownDescription: "URL of your system that receives the events Jelou sends. Must be an absolute `https` " +
					"URL without embedded credentials; plain `http` is accepted only for loopback hosts (local development). " +
					"Updated in place.",
				Required:   true,
				Validators: []validator.String{providerutil.WebhookURLValidator()},
			},
			"auth_type": schema.StringAttribute{
				MarkdownDescription: "How Jelou authenticates when it calls `webhook_url`: `bearer` (`Authorization: Bearer " +
					"<credential>`), `api_key` (`X-API-Key: <credential>`), `basic` (`Authorization: Basic <credential>`: " +
					"give the base64 encoding of `user:password`, for example `base64encode(\"user:password\")`, which Jelou " +
					"sends as given; a value holding `:` draws a plan warning) or `no_auth`. Defaults to `no_auth`. Every type but `no_auth` needs a " +
					"credential in `authorization` or `authorization_wo`. Updated in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(AuthTypeNoAuth),
				Validators: []validator.String{stringvalidator.OneOf(authTypes...)},
			},
			"authorization": schema.StringAttribute{
				MarkdownDescription: "Credential Jelou sends when it calls `webhook_url`, as `auth_type` says. Stored in " +
					"state (sensitive). To keep it out of state use `authorization_wo` instead. Conflicts with `authorization_wo`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{providerutil.CredentialString(stringvalidator.LengthAtLeast(1))},
			},
			"authorization_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only form of `authorization` (Terraform 1.11 and later): sent to Jelou but never " +
					"stored in plan or state. It is sent on create and whenever `authorization_wo_version` changes, never " +
					"otherwise, so bump the version to rotate the credential. Conflicts with `authorization`.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{providerutil.CredentialString(stringvalidator.LengthAtLeast(1))},
			},
			"authorization_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `authorization_wo`. Change it (for example increment it) to send a new " +
					"write-only credential to Jelou. Requires `authorization_wo`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("authorization_wo"))},
			},
			"brain_id": schema.StringAttribute{
				MarkdownDescription: "Jelou brain id of the integration (Jelou reports the project id here).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"signing_secret": schema.StringAttribute{
				MarkdownDescription: "Secret Jelou signs every webhook delivery with (`X-Jelou-Signature: sha256=<HMAC-SHA256 " +
					"of the body>`). Returned by Jelou only when the integration is created and when its secret is " +
					"regenerated; kept in state across refresh and update. Null after import, since the API cannot return it, " +
					"until `rotate_when_changed` is set or changed. Unknown in a plan that regenerates it.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{signingSecretModifier{}},
			},
			"rotate_when_changed": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that, when they change (set for the first time, changed, or removed), " +
					"make the apply regenerate `signing_secret` **in place**: same integration and `id`, nothing deleted or " +
					"created, one call to Jelou's regenerate endpoint. The previous secret stops working at once; receivers " +
					"configured from `signing_secret` in the same apply get the new one. Use it with `time_rotating` for " +
					"scheduled rotation, with any value you control, and to give an imported integration a secret. The plan " +
					"warns whenever the apply will regenerate a secret.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the integration was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the integration was last changed (RFC 3339).",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{providerutil.AttrTimeouts: providerutil.TimeoutsBlock(ctx)},
	}
}

func (r *externalSupportResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		providerutil.CredentialResourceValidator(
			resourcevalidator.Conflicting(path.MatchRoot("authorization"), path.MatchRoot("authorization_wo"))),
	}
}

// ValidateConfig enforces the pairing of auth_type and credential: no_auth
// takes none, every other type exactly one of authorization / authorization_wo.
// Its diagnostics about the credential carry no attribute path (see
// providerutil.AddCredentialError): the CLI would print the line holding it.
func (r *externalSupportResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg externalSupportResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.AuthType.IsUnknown() || cfg.Authorization.IsUnknown() || cfg.AuthorizationWO.IsUnknown() {
		return
	}
	authType := AuthTypeNoAuth
	if !cfg.AuthType.IsNull() {
		authType = cfg.AuthType.ValueString()
	}
	hasCredential := !cfg.Authorization.IsNull() || !cfg.AuthorizationWO.IsNull()
	switch {
	case authType == AuthTypeNoAuth && hasCredential:
		attr := "authorization"
		if cfg.Authorization.IsNull() {
			attr = "authorization_wo"
		}
		providerutil.AddCredentialError(&resp.Diagnostics, attr, "Credential Not Allowed With auth_type \"no_auth\"",
			fmt.Sprintf("auth_type is \"no_auth\" (the default), so Jelou sends no credential to the webhook and %s must not be set. "+
				"Either remove %s, or set auth_type to one of \"bearer\", \"api_key\" or \"basic\".", attr, attr))
	case authType != AuthTypeNoAuth && !hasCredential:
		resp.Diagnostics.AddAttributeError(path.Root("auth_type"), "Missing Webhook Credential",
			fmt.Sprintf("auth_type %q needs the credential Jelou sends to the webhook. Set authorization, or "+
				"authorization_wo (with authorization_wo_version) to keep it out of state; or set auth_type to \"no_auth\".", authType))
	case authType == AuthTypeBasic:
		warnUnencodedBasic(cfg, &resp.Diagnostics)
	}
}

// warnUnencodedBasic warns when a basic credential is plainly not base64:
// Jelou sends "Authorization: Basic <authorization>" with the value as given
// (its docs show base64 credentials there), and base64 never holds ':'.
func warnUnencodedBasic(cfg externalSupportResourceModel, diags *diag.Diagnostics) {
	attr, value := "authorization", cfg.Authorization
	if value.IsNull() {
		attr, value = "authorization_wo", cfg.AuthorizationWO
	}
	if value.IsNull() || !strings.Contains(value.ValueString(), ":") {
		return
	}
	providerutil.AddCredentialWarning(diags, attr, "Basic Credential Is Not Base64",
		fmt.Sprintf("With auth_type \"basic\" Jelou calls the webhook with \"Authorization: Basic \" followed by %s as "+
			"given, and its documentation shows base64 credentials there. The value holds ':', which base64 never does, "+
			"so it looks like a plain user:password: give base64encode(\"user:password\") instead.", attr))
}

func (r *externalSupportResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*resourceData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected *jelouprovider.resourceData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.client, r.reads = data.client, data.reads
}

// IdentitySchema declares the identity (Terraform 1.12 and later, OpenTofu
// 1.12 and later): the Jelou project id, which is how the API addresses an
// integration (a project has at most one).
func (r *externalSupportResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = integrationIdentitySchema()
}

func (r *externalSupportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg externalSupportResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	projectID := plan.ProjectID.ValueString()
	body := jelou.CreateIntegrationRequest{
		WebhookURL: plan.WebhookURL.ValueString(),
		AuthType:   plan.AuthType.ValueString(),
	}
	// Write-only values exist only in the configuration, never in the plan.
	if !cfg.AuthorizationWO.IsNull() {
		body.Authorization = cfg.AuthorizationWO.ValueString()
	} else if !plan.Authorization.IsNull() {
		body.Authorization = plan.Authorization.ValueString()
	}

	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, plan.Timeouts, providerutil.OpCreate)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	tflog.Debug(ctx, "Creating Jelou external support integration", map[string]any{"project_id": projectID})
	integration, err := r.client.CreateIntegration(ctx, projectID, body)
	if err != nil {
		addCreateError(&resp.Diagnostics, projectID, err, integrationBudget(providerutil.OpCreate, budget))
		return
	}
	if rec := integration.Recovery; rec != nil {
		// The client settled a create whose answer was lost (see
		// jelou.Client.CreateIntegration); say what it did. No secret here.
		fields := map[string]any{"project_id": projectID, "id": integration.ID, "attempts": rec.Attempts, "stopped": rec.Stopped}
		if rec.Regenerated != "" {
			fields["regenerate_attempts"] = rec.RegenerateAttempts
			tflog.Warn(ctx, "Regenerated the signing secret of the Jelou integration an interrupted create had stored: "+
				"the create's answer, and its secret, were lost", fields)
		} else {
			tflog.Info(ctx, "Sent the Jelou create again: the earlier attempt's answer was lost and nothing had been stored", fields)
		}
	}

	state := integrationModelFrom(projectID, integration).withUnreturned(nil, &plan)
	if state.SigningSecret.IsNull() {
		resp.Diagnostics.AddWarning("Jelou Returned No Signing Secret",
			fmt.Sprintf("The create response for project %q carried no signingSecret, so signing_secret is empty. "+
				"Jelou returns the secret only at creation and on regeneration. %s", projectID, rotateHint))
	}
	tflog.Trace(ctx, "Created Jelou external support integration", map[string]any{"project_id": projectID, "id": state.ID.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setIntegrationIdentity(ctx, resp.Identity, state.ProjectID)...)
}

func (r *externalSupportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state externalSupportResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The identity is known from the state alone. Setting it before the
	// request also covers an integration deleted outside Terraform: the
	// framework wants an identity after every Read without errors, even one
	// that removes the resource.
	resp.Diagnostics.Append(setIntegrationIdentity(ctx, resp.Identity, state.ProjectID)...)
	projectID := state.ProjectID.ValueString()
	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, state.Timeouts, providerutil.OpRead)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	integration, err := r.client.GetIntegration(ctx, projectID)
	if errors.Is(err, jelou.ErrNotFound) {
		resp.Diagnostics.AddWarning("Jelou External Support Integration Not Found",
			fmt.Sprintf("The integration for project %q no longer exists: it was deleted outside Terraform. "+
				"It has been removed from the state; the next apply creates it again, with a new signing secret.", projectID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		f := readFailure(projectID)
		f.Budget = integrationBudget(providerutil.OpRead, budget)
		apiErrors.AddError(&resp.Diagnostics, f, err, "")
		return
	}

	state = integrationModelFrom(projectID, integration).withUnreturned(&state, nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	r.reads.markRead(projectID)
}

func (r *externalSupportResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, cfg externalSupportResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	body, changed := updateRequest(plan, state, cfg)
	projectID := plan.ProjectID.ValueString()
	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, plan.Timeouts, providerutil.OpUpdate)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	// current is the state as this apply has left it so far.
	current := state
	if rotationRequested(state.RotateWhenChanged, plan.RotateWhenChanged) {
		// Regenerate first, and record the new secret at once: whatever fails
		// after this, the state holds the secret Jelou signs with now.
		secret, ok := r.regenerate(ctx, projectID, integrationBudget(providerutil.OpUpdate, budget), &resp.Diagnostics)
		if !ok {
			return
		}
		current.SigningSecret, current.RotateWhenChanged = types.StringValue(secret), plan.RotateWhenChanged
		resp.Diagnostics.Append(resp.State.Set(ctx, &current)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	updated := &jelou.Integration{} // nothing to send: Jelou says nothing new
	if changed {
		tflog.Debug(ctx, "Updating Jelou external support integration", map[string]any{
			"project_id": projectID, "webhook_url": body.WebhookURL != nil, "auth_type": body.AuthType != nil,
			"authorization": body.Authorization != nil,
		})
		integration, err := r.client.UpdateIntegration(ctx, projectID, body)
		if err != nil {
			apiErrors.AddError(&resp.Diagnostics, providerutil.Failure{
				Summary: "Error Updating Jelou External Support Integration",
				Action:  fmt.Sprintf("Updating the integration for project %q", projectID), Scope: projectID,
				Budget: integrationBudget(providerutil.OpUpdate, budget),
			}, err, apiErrors.UpdateNext("integration", err,
				"The other changes were not recorded in the state (a secret regenerated by this apply was); fix the "+
					"cause and run terraform apply again.",
				" (and a secret regenerated by this apply)"))
			return
		}
		updated = integration
	}
	newState := integrationModelFrom(projectID, updated).withUnreturned(&current, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	resp.Diagnostics.Append(setIntegrationIdentity(ctx, resp.Identity, newState.ProjectID)...)
}

// updateRequest builds the PATCH body holding only what changed. The
// write-only credential is sent only when its version changes.
func updateRequest(plan, state, cfg externalSupportResourceModel) (jelou.UpdateIntegrationRequest, bool) {
	var body jelou.UpdateIntegrationRequest
	changed := false
	if !plan.WebhookURL.Equal(state.WebhookURL) {
		body.WebhookURL = plan.WebhookURL.ValueStringPointer()
		changed = true
	}
	if !plan.AuthType.Equal(state.AuthType) {
		body.AuthType = plan.AuthType.ValueStringPointer()
		changed = true
	}
	switch {
	case !plan.AuthorizationWOVersion.Equal(state.AuthorizationWOVersion) && !cfg.AuthorizationWO.IsNull():
		body.Authorization = cfg.AuthorizationWO.ValueStringPointer()
		changed = true
	case !plan.Authorization.Equal(state.Authorization) && !plan.Authorization.IsNull():
		body.Authorization = plan.Authorization.ValueStringPointer()
		changed = true
	case !plan.Authorization.Equal(state.Authorization) && cfg.AuthorizationWO.IsNull():
		// The credential was removed from the configuration: clear it on the server.
		empty := ""
		body.Authorization = &empty
		changed = true
	}
	return body, changed
}

func (r *externalSupportResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state externalSupportResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	projectID := state.ProjectID.ValueString()
	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, state.Timeouts, providerutil.OpDelete)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	err := r.client.DeleteIntegration(ctx, projectID)
	if err != nil && !errors.Is(err, jelou.ErrNotFound) {
		apiErrors.AddError(&resp.Diagnostics, providerutil.Failure{
			Summary: "Error Deleting Jelou External Support Integration",
			Action:  fmt.Sprintf("Deleting the integration for project %q", projectID), Scope: projectID,
			Budget: integrationBudget(providerutil.OpDelete, budget),
		}, err, providerutil.DeleteNext("integration"))
	}
}

// ImportState takes the project id, from the import id or from the identity
// (import { identity = { project_id = ... } }); Read then fills in the rest
// and records the identity. Either way the signing secret cannot be imported.
func (r *externalSupportResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	projectID, source := req.ID, "import id"
	if projectID == "" && req.Identity != nil {
		var identity integrationIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		projectID, source = identity.ProjectID.ValueString(), "identity project_id"
	}
	if projectID == "" || !projectIDPattern.MatchString(projectID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("jelou_external_support is imported by Jelou project id (for example: terraform import, or tofu import, "+
				"jelou_external_support.example my-project-id, or an import block with id = \"my-project-id\" or "+
				"identity = { project_id = \"my-project-id\" }); the %s %q is not a valid project id.", source, projectID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), projectID)...)
	resp.Diagnostics.Append(setIntegrationIdentity(ctx, resp.Identity, types.StringValue(projectID))...)
	resp.Diagnostics.AddWarning("Signing Secret Not Imported",
		fmt.Sprintf("Jelou returns an integration's signing secret only when it is created or regenerated, and it cannot be "+
			"read back, so signing_secret is empty for the imported integration of project %q. Receivers that verify "+
			"X-Jelou-Signature need it. %s Receivers that still use the current secret must then be given the new one.", projectID, rotateHint))
}

// addCreateError turns a failed create into a diagnostic: the integration
// that cannot be proven to be this apply's, a create whose outcome could not
// be settled, a conflict, or any other failure, each with its next step.
func addCreateError(diags *diag.Diagnostics, projectID string, err error, budget string) {
	failure := func(summary string) providerutil.Failure {
		return providerutil.Failure{Summary: summary, Action: fmt.Sprintf("Creating the integration for project %q", projectID),
			Scope: projectID, Budget: budget}
	}
	importSteps := providerutil.ImportInstructions("jelou_external_support", projectID)
	var unproven *jelou.UnprovenIntegrationError
	var recovery *jelou.CreateRecoveryError
	var stopped *jelou.StoppedCreateError
	switch {
	case errors.As(err, &stopped):
		apiErrors.AddError(diags, failure("Jelou Integration Create Stopped"), err,
			providerutil.StoppedCreateNext("the provider read the project afterwards and it had no integration"))
	case errors.As(err, &unproven):
		apiErrors.AddSettledError(diags, failure("Jelou Integration Of Unproven Origin"), unproven.Err, err, fmt.Sprintf(
			"The create's outcome was unknown, so the provider read the project afterwards: it has integration %s, "+
				"which this apply cannot prove it created: %s. An integration the provider cannot prove it created is "+
				"never deleted, so it was left untouched.\n\n"+
				"If it is the integration this configuration should manage, import it:\n\n%s\n\n"+
				"An imported integration has no signing_secret (Jelou cannot return it). %s If it belongs to someone "+
				"else, leave it: a project has at most one integration.",
			unproven.IntegrationID, unproven.Reason, importSteps, rotateHint))
	case errors.As(err, &recovery) && recovery.IntegrationID != "":
		apiErrors.AddSettledError(diags, failure("Jelou Integration Created Without Its Signing Secret"), recovery.Err, err, fmt.Sprintf(
			"The create's answer was lost, but integration %s was provably created by this apply, so its signing "+
				"secret is lost. Regenerating the secret in place failed: %s.\n\n"+
				"The integration exists and was left as it is (nothing is deleted to recover). Import it,"+
				"\n\n%s\n\nthen give it a signing secret: %s",
			recovery.IntegrationID, strings.TrimSuffix(recovery.CheckErr.Error(), "."), importSteps, rotateHint))
	case errors.As(err, &recovery):
		apiErrors.AddSettledError(diags, failure("Unknown Outcome Creating Jelou External Support Integration"), recovery.Err, err, fmt.Sprintf(
			"The create may have reached Jelou, and reading the project afterwards to find out failed: %s.\n\n"+
				"Check whether project %q has an integration now (for example with the jelou_external_support data "+
				"source). If it has none, run terraform apply again. If it has one, its signing secret is lost: "+
				"import it,\n\n%s\n\nthen give it a signing secret: %s",
			strings.TrimSuffix(recovery.CheckErr.Error(), "."), projectID, importSteps, rotateHint))
	case errors.Is(err, jelou.ErrConflict):
		apiErrors.AddError(diags, failure("Error Creating Jelou External Support Integration"), err, fmt.Sprintf(
			"Project %q already has an external support integration (Jelou allows one per project).\n\n"+
				"Another resource may already manage it: a jelou_external_support resource with project_id %q in this "+
				"configuration or in another one (another workspace, state or team). Then do not import it: two resources "+
				"would manage one integration and undo each other's changes; remove the duplicate resource instead, or "+
				"give it another project_id.\n\n"+
				"If no resource manages it (it was made outside Terraform), import it to manage it here:\n\n%s\n\n"+
				"An imported integration has no signing_secret (Jelou cannot return it). %s",
			projectID, projectID, importSteps, rotateHint))
	default:
		apiErrors.AddError(diags, failure("Error Creating Jelou External Support Integration"), err, providerutil.RetryNext)
	}
}

// integrationBudget names the setting that raises the resource's budget for op.
func integrationBudget(op providerutil.Operation, budget time.Duration) string {
	return providerutil.BudgetHint("jelou_external_support", op, budget)
}

// readFailure names a failed read of projectID's integration, for the
// resource, the data source and the list resource alike.
func readFailure(projectID string) providerutil.Failure {
	return providerutil.Failure{Summary: "Error Reading Jelou External Support Integration",
		Action: fmt.Sprintf("Reading the integration for project %q", projectID), Scope: projectID}
}
