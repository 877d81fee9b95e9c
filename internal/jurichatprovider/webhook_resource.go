package jurichatprovider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

var (
	_ resource.ResourceWithConfigure   = (*webhookResource)(nil)
	_ resource.ResourceWithImportState = (*webhookResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*webhookResource)(nil)
	_ resource.ResourceWithIdentity    = (*webhookResource)(nil)
)

type webhookResource struct {
	data *providerData
}

type webhookResourceModel struct {
	ID          types.String   `tfsdk:"id"`
	OfficeID    types.String   `tfsdk:"office_id"`
	Name        types.String   `tfsdk:"name"`
	URL         types.String   `tfsdk:"url"`
	Events      types.Set      `tfsdk:"events"`
	Description types.String   `tfsdk:"description"`
	IsActive    types.Bool     `tfsdk:"is_active"`
	Headers     types.Map      `tfsdk:"headers"`
	Secret      types.String   `tfsdk:"secret"`
	Rotate      types.Map      `tfsdk:"rotate_when_changed"`
	CreatedAt   types.String   `tfsdk:"created_at"`
	UpdatedAt   types.String   `tfsdk:"updated_at"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// What Create, Read (refresh and import), Update and the list resource leave
// in state is webhookModelFrom(answer) completed by withUnreturned.

// webhookModelFrom builds the model from one API answer alone: each
// attribute as the answer has it, null for an absent secret, office id or
// time (an update answer has no secret and no headers), no headers as null,
// and rotate_when_changed, which JuriChat never sees, null. The data
// sources show the same values.
func webhookModelFrom(ctx context.Context, in *jurichat.Webhook) (webhookResourceModel, diag.Diagnostics) {
	events, diags := eventsSet(ctx, in.Events)
	return webhookResourceModel{
		ID:          stringOrNull(in.ID),
		OfficeID:    stringOrNull(in.OfficeID),
		Name:        types.StringValue(in.Name),
		URL:         types.StringValue(in.URL),
		Events:      events,
		Description: types.StringPointerValue(in.Description),
		IsActive:    types.BoolValue(in.IsActive),
		Headers:     headersFromServer(in.Headers, types.MapNull(types.StringType)),
		Secret:      stringOrNull(in.Secret),
		Rotate:      types.MapNull(types.StringType),
		CreatedAt:   stringOrNull(in.CreatedAt),
		UpdatedAt:   stringOrNull(in.UpdatedAt),
		Timeouts:    providerutil.NullTimeouts(),
	}, diags
}

// withUnreturned completes a model built by webhookModelFrom with what the
// answer did not say. state is the state the call started from (Read,
// Update; after an import it holds only id), nil on Create and in the list.
// plan is the plan of a Create or Update, nil otherwise.
//   - name, url, events, description, is_active, headers: on Create and
//     Update the planned values (Terraform requires them; the answer echoes
//     what was sent), except those the plan left unknown (headers not
//     configured on create), which are the answer's. Otherwise the answer's,
//     headers spelled as the state spells them (see headersKeepSpelling).
//   - rotate_when_changed: never sent; the plan's, otherwise the state's.
//   - id, office_id, secret, created_at: the answer's, or the state's when
//     the answer omits them (an update answer has no secret).
//   - updated_at: the answer's; when it has none, the state's, or without a
//     state created_at.
func (m webhookResourceModel) withUnreturned(state, plan *webhookResourceModel) webhookResourceModel {
	prior := webhookResourceModel{}
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
	switch {
	case plan != nil:
		m.Rotate = plan.Rotate
		if !plan.Name.IsUnknown() {
			m.Name = plan.Name
		}
		if !plan.URL.IsUnknown() {
			m.URL = plan.URL
		}
		if !plan.Events.IsUnknown() {
			m.Events = plan.Events
		}
		if !plan.Description.IsUnknown() {
			m.Description = plan.Description
		}
		if !plan.IsActive.IsUnknown() {
			m.IsActive = plan.IsActive
		}
		if !plan.Headers.IsUnknown() {
			m.Headers = plan.Headers
		}
	case state != nil:
		m.Rotate = prior.Rotate
		m.Headers = headersKeepSpelling(m.Headers.Elements(), prior.Headers)
	}
	m.ID = providerutil.FirstKnown(m.ID, prior.ID)
	m.OfficeID = providerutil.FirstKnown(m.OfficeID, prior.OfficeID)
	m.Secret = providerutil.FirstKnown(m.Secret, prior.Secret)
	m.CreatedAt = providerutil.FirstKnown(m.CreatedAt, prior.CreatedAt)
	switch {
	case !m.UpdatedAt.IsNull():
	case state != nil:
		m.UpdatedAt = prior.UpdatedAt
	default:
		m.UpdatedAt = m.CreatedAt
	}
	return m
}

// webhookIdentityModel is the resource identity of jurichat_webhook: the
// webhook id, which JuriChat assigns and never changes.
type webhookIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// NewWebhookResource is the factory for jurichat_webhook.
func NewWebhookResource() resource.Resource { return &webhookResource{} }

func (r *webhookResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook"
}

func (r *webhookResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A JuriChat webhook: JuriChat delivers the subscribed `events` of the office to `url` " +
			"as JSON, signed with `X-JuriChat-Signature: sha256=<HMAC-SHA256 of the body>` under `secret`, with " +
			"`X-JuriChat-Delivery` (a unique delivery id) and the custom `headers`.\n\n" +
			"Every argument is updated in place. JuriChat returns the `secret` whenever the webhook is read, so " +
			"refresh keeps it current and an imported webhook has it too. To hand the secret to a write-only " +
			"argument without storing it anywhere, use the `jurichat_webhook_secret` ephemeral resource. JuriChat has " +
			"no way to regenerate a secret, so a change of `rotate_when_changed` replaces the webhook (a new `id` and " +
			"`secret`); with `create_before_destroy` the new webhook exists before the old one is deleted (see the " +
			"guide *Rotating the secret*).\n\n" +
			"If the connection drops during the create, the provider looks for the webhook it may have stored (same " +
			"arguments, created since the create was sent) and adopts it instead of creating a duplicate; when several " +
			"match, it adopts none and lists them for import. See the guide *Retries and interrupted creates*.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the webhook, as assigned by JuriChat. Import uses it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"office_id": schema.StringAttribute{
				MarkdownDescription: "JuriChat office the webhook belongs to (the office of the provider's credentials).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the webhook, 1 to 100 characters.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, 100)},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "URL JuriChat delivers events to. Must be an absolute `https` URL without embedded " +
					"credentials; plain `http` is accepted only for loopback hosts (local development).",
				Required:   true,
				Validators: []validator.String{providerutil.WebhookURLValidator()},
			},
			"events": schema.SetAttribute{
				MarkdownDescription: "Events to deliver, at least one, for example `crm.lead.created` or " +
					"`chat.conversation.assigned`. Names are checked at plan time against JuriChat's live event " +
					"catalogue (`GET /webhooks/events`, also available as the `jurichat_webhook_events` data source); " +
					"an unknown name is an error that lists the valid ones. A catalogue that rejects the provider's " +
					"credentials (HTTP 401 or 403) fails the plan; when it cannot be read for another reason, the plan " +
					"warns and the API checks the names at apply.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the webhook, at most 500 characters. Removing it clears it on JuriChat.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(500)},
			},
			"is_active": schema.BoolAttribute{
				MarkdownDescription: "Whether JuriChat delivers events. `false` pauses the webhook without deleting it. " +
					"Defaults to `true`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Custom HTTP headers JuriChat sends with every delivery, for example a credential " +
					"your endpoint checks. Values are sensitive and never shown in plan output. Names are " +
					"case-insensitive: changing only the case of a name is not a change, and two names that differ only " +
					"in case are an error. `Content-Type`, `Content-Length`, `Host`, `Transfer-Encoding`, `Connection`, " +
					"`User-Agent`, `X-JuriChat-Signature` and `X-JuriChat-Delivery` are reserved. " +
					"When `headers` is not set, the provider leaves the webhook's headers on JuriChat as they are and reads " +
					"them into state: removing the argument, or applying configuration Terraform generated for an imported " +
					"webhook (which writes `headers = null` because the values are sensitive), never erases headers. Set " +
					"`headers = {}` to remove every custom header.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Sensitive:   true,
				// Header values are credentials: no diagnostic points at the map.
				Validators: []validator.Map{providerutil.CredentialMap(headersValidator{})},
				PlanModifiers: []planmodifier.Map{
					headersUnsetKeepsServer{},
					headersCaseInsensitive{},
				},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "Secret JuriChat signs every delivery with (`X-JuriChat-Signature: sha256=<hex " +
					"HMAC-SHA256 of the body>`). Read from JuriChat on create, refresh and import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"rotate_when_changed": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that, when they change (set for the first time, changed, or " +
					"removed), replace the webhook to obtain a new `secret`: JuriChat has no regenerate endpoint, so the " +
					"apply creates a new webhook (new `id` and `secret`) and deletes the old one. Use it with " +
					"`time_rotating` for scheduled rotation, or any value you control; add `create_before_destroy` to " +
					"overlap both webhooks while receivers accept both secrets.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the webhook was created (ISO 8601).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the webhook was last changed (ISO 8601).",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{providerutil.AttrTimeouts: providerutil.TimeoutsBlock(ctx)},
	}
}

// IdentitySchema declares the identity (Terraform 1.12 and later, OpenTofu
// 1.12 and later): the webhook id, so that import { identity = { id = ... } }
// and terraform query results name a webhook the same way.
func (r *webhookResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       "Identifier of the webhook, as assigned by JuriChat.",
				RequiredForImport: true,
			},
		},
	}
}

// setWebhookIdentity records the identity of the webhook in state.
func setWebhookIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, webhookIdentityModel{ID: id})
}

func (r *webhookResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Resource", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	r.data = data
}

// ModifyPlan keeps updated_at when no argument changes (a change of header
// name case alone is planned as no change by the headers plan modifier, but
// the framework has already marked updated_at unknown by then), and checks
// event names against the live catalogue. Validation cannot do the latter:
// it runs before the provider is configured. Only names the webhook does not
// already have are checked, so an event later withdrawn from the catalogue
// does not block plans of webhooks that still carry it. A catalogue that
// refuses the credentials (401, 403) fails the plan, naming the credential
// settings: the apply would fail the same way, and a plan job must not pass
// with a wrong token. Any other failure to fetch it is a warning in the plan
// (once per provider process): the plan goes on and the API itself rejects
// an unknown name at apply.
func (r *webhookResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan webhookResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	prior := types.SetNull(types.StringType)
	if !req.State.Raw.IsNull() {
		var state webhookResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		prior = state.Events
		if plan.UpdatedAt.IsUnknown() && argumentsEqual(plan, state) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), state.UpdatedAt)...)
		}
	}
	if resp.Diagnostics.HasError() || r.data == nil {
		return
	}

	had := knownSetStrings(prior)
	var added []string
	for _, name := range knownSetStrings(plan.Events) {
		if !slices.Contains(had, name) {
			added = append(added, name)
		}
	}
	if len(added) == 0 {
		return
	}

	catalogue, err := r.data.events.Events(ctx)
	failure := providerutil.Failure{Summary: "Error Reading JuriChat Event Catalogue",
		Action: "Reading the JuriChat event catalogue (GET /webhooks/events) to check the webhook's events"}
	switch {
	case errors.Is(err, jurichat.ErrUnauthorized):
		apiErrors.AddError(&resp.Diagnostics, failure, err,
			"The plan stops here: the apply would send the same credentials and fail the same way.")
		return
	case err != nil:
		if r.data.events.firstFailureReport() {
			failure.Summary = "JuriChat Event Catalogue Not Checked"
			resp.Diagnostics.AddWarning(failure.Summary, apiErrors.Detail(failure, err,
				"The plan goes on without checking event names against the catalogue (for this and every other "+
					"webhook of this plan); the JuriChat API still checks them when the apply sends the webhook."))
		}
		return
	case len(catalogue) == 0:
		tflog.Warn(ctx, "The JuriChat event catalogue is empty; the API checks webhook events at apply", map[string]any{"events": added})
		return
	}
	unknown, valid := unknownEvents(catalogue, added)
	if len(unknown) == 0 {
		return
	}
	noun := "an event"
	if len(unknown) > 1 {
		noun = "events"
	}
	resp.Diagnostics.AddAttributeError(path.Root("events"), "Unknown JuriChat Webhook Event",
		fmt.Sprintf("events has %s the JuriChat event catalogue (GET /webhooks/events) does not list: %s.\n\n"+
			"Valid events: %s.\n\nThe catalogue grows over time; the jurichat_webhook_events data source lists it.",
			noun, quoteAll(unknown), strings.Join(valid, ", ")))
}

// argumentsEqual reports whether two models hold the same arguments.
func argumentsEqual(a, b webhookResourceModel) bool {
	return a.Name.Equal(b.Name) && a.URL.Equal(b.URL) && a.Events.Equal(b.Events) &&
		a.Description.Equal(b.Description) && a.IsActive.Equal(b.IsActive) && a.Headers.Equal(b.Headers)
}

func quoteAll(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(quoted, ", ")
}

func (r *webhookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webhookResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	body, diags := createRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, plan.Timeouts, providerutil.OpCreate)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	tflog.Debug(ctx, "Creating JuriChat webhook", map[string]any{"name": body.Name, "events": body.Events, "header_count": len(body.Headers)})
	hook, err := r.data.client.CreateWebhook(ctx, body)
	if err != nil {
		addCreateError(&resp.Diagnostics, body.Name, err, webhookBudget(providerutil.OpCreate, budget))
		return
	}
	if rec := hook.Recovery; rec != nil {
		// The client settled a create whose answer was lost (see
		// jurichat.Client.CreateWebhook); say what it did. No secret here.
		fields := map[string]any{"id": hook.ID, "name": body.Name, "attempts": rec.Attempts, "stopped": rec.Stopped}
		if rec.Adopted {
			tflog.Warn(ctx, "Adopted the JuriChat webhook an interrupted create had stored, instead of creating a duplicate", fields)
		} else {
			tflog.Info(ctx, "Sent the JuriChat create again: the earlier attempt's answer was lost and nothing had been stored", fields)
		}
	}

	answer, diags := webhookModelFrom(ctx, hook)
	resp.Diagnostics.Append(diags...)
	state := answer.withUnreturned(nil, &plan)
	if state.Secret.IsNull() {
		resp.Diagnostics.AddWarning("JuriChat Returned No Webhook Secret",
			fmt.Sprintf("The create response for webhook %s carried no secret, so secret is empty until the next refresh "+
				"reads it (terraform apply -refresh-only).", hook.ID))
	}
	tflog.Trace(ctx, "Created JuriChat webhook", map[string]any{"id": state.ID.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setWebhookIdentity(ctx, resp.Identity, state.ID)...)
}

// createRequest builds the POST body from the plan.
func createRequest(ctx context.Context, plan webhookResourceModel) (jurichat.CreateWebhookRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	events, d := setStrings(ctx, plan.Events)
	diags.Append(d...)
	headers, d := mapStrings(ctx, plan.Headers)
	diags.Append(d...)
	body := jurichat.CreateWebhookRequest{
		Name:        plan.Name.ValueString(),
		URL:         plan.URL.ValueString(),
		Events:      events,
		Description: plan.Description.ValueStringPointer(),
		IsActive:    plan.IsActive.ValueBoolPointer(),
		Headers:     headers,
	}
	return body, diags
}

func (r *webhookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webhookResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// The identity is known from the state alone. Setting it before the
	// request also covers a webhook deleted outside Terraform: the framework
	// wants an identity after every Read without errors, even one that
	// removes the resource.
	resp.Diagnostics.Append(setWebhookIdentity(ctx, resp.Identity, state.ID)...)
	id := state.ID.ValueString()
	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, state.Timeouts, providerutil.OpRead)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	hook, err := r.data.client.GetWebhook(ctx, id)
	if errors.Is(err, jurichat.ErrNotFound) {
		resp.Diagnostics.AddWarning("JuriChat Webhook Not Found",
			fmt.Sprintf("Webhook %s no longer exists: it was deleted outside Terraform. It has been removed from the "+
				"state; the next apply creates it again, with a new secret.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		f := readFailure(id)
		f.Budget = webhookBudget(providerutil.OpRead, budget)
		apiErrors.AddError(&resp.Diagnostics, f, err, "")
		return
	}

	answer, diags := webhookModelFrom(ctx, hook)
	resp.Diagnostics.Append(diags...)
	state = answer.withUnreturned(&state, nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *webhookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state webhookResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	body, changed, diags := updateRequest(ctx, plan, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	updated := &jurichat.Webhook{} // nothing to send: JuriChat says nothing new
	if len(changed) > 0 {
		tflog.Debug(ctx, "Updating JuriChat webhook", map[string]any{"id": id, "changed": changed})
		ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, plan.Timeouts, providerutil.OpUpdate)
		defer cancel()
		resp.Diagnostics.Append(diags...)
		hook, err := r.data.client.UpdateWebhook(ctx, id, body)
		if err != nil {
			apiErrors.AddError(&resp.Diagnostics, providerutil.Failure{Summary: "Error Updating JuriChat Webhook",
				Action: fmt.Sprintf("Updating webhook %s (%s)", id, strings.Join(changed, ", ")),
				Budget: webhookBudget(providerutil.OpUpdate, budget)}, err,
				apiErrors.UpdateNext("webhook", err, "Nothing was changed in the state; fix the cause and run terraform apply again.", ""))
			return
		}
		updated = hook
	}
	answer, diags := webhookModelFrom(ctx, updated)
	resp.Diagnostics.Append(diags...)
	newState := answer.withUnreturned(&state, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
	resp.Diagnostics.Append(setWebhookIdentity(ctx, resp.Identity, newState.ID)...)
}

// updateRequest builds the PATCH body holding only what changed, and names
// the changed arguments. A removed description, or headers set to {}, is
// sent as null, which clears it. Unset headers never reach here as a change:
// the plan keeps the prior state's (see the schema).
func updateRequest(ctx context.Context, plan, state webhookResourceModel) (jurichat.UpdateWebhookRequest, []string, diag.Diagnostics) {
	var body jurichat.UpdateWebhookRequest
	var changed []string
	var diags diag.Diagnostics
	if !plan.Name.Equal(state.Name) {
		body.Name = plan.Name.ValueStringPointer()
		changed = append(changed, "name")
	}
	if !plan.URL.Equal(state.URL) {
		body.URL = plan.URL.ValueStringPointer()
		changed = append(changed, "url")
	}
	if !plan.Events.Equal(state.Events) {
		events, d := setStrings(ctx, plan.Events)
		diags.Append(d...)
		body.Events = events
		changed = append(changed, "events")
	}
	if !plan.IsActive.Equal(state.IsActive) {
		body.IsActive = plan.IsActive.ValueBoolPointer()
		changed = append(changed, "is_active")
	}
	if !plan.Description.Equal(state.Description) {
		if plan.Description.IsNull() {
			body.ClearDescription = true
		} else {
			body.Description = plan.Description.ValueStringPointer()
		}
		changed = append(changed, "description")
	}
	if !plan.Headers.Equal(state.Headers) {
		if plan.Headers.IsNull() || len(plan.Headers.Elements()) == 0 {
			body.ClearHeaders = true
		} else {
			headers, d := mapStrings(ctx, plan.Headers)
			diags.Append(d...)
			body.Headers = headers
		}
		changed = append(changed, "headers")
	}
	return body, changed, diags
}

func (r *webhookResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	ctx, budget, cancel, diags := providerutil.WithTimeout(ctx, state.Timeouts, providerutil.OpDelete)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	tflog.Debug(ctx, "Deleting JuriChat webhook", map[string]any{"id": id})
	err := r.data.client.DeleteWebhook(ctx, id)
	if err != nil && !errors.Is(err, jurichat.ErrNotFound) {
		apiErrors.AddError(&resp.Diagnostics, providerutil.Failure{Summary: "Error Deleting JuriChat Webhook",
			Action: fmt.Sprintf("Deleting webhook %s", id), Budget: webhookBudget(providerutil.OpDelete, budget)}, err,
			providerutil.DeleteNext("webhook"))
	}
}

// ImportState takes the webhook id, from the import id or from the identity
// (import { identity = { id = ... } }); Read then fills in everything, the
// secret included, and records the identity.
func (r *webhookResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, source := req.ID, "import id"
	if id == "" && req.Identity != nil {
		var identity webhookIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id, source = identity.ID.ValueString(), "identity id"
	}
	if strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/?#") {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("jurichat_webhook is imported by webhook id (for example: terraform import, or tofu import, jurichat_webhook.example "+
				"3f2a9c1e-..., or an import block with id = \"3f2a9c1e-...\" or identity = { id = \"3f2a9c1e-...\" }); "+
				"the %s %q is not a webhook id. The ids of the office's webhooks are listed by the jurichat_webhooks data "+
				"source and by terraform query.", source, id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setWebhookIdentity(ctx, resp.Identity, types.StringValue(id))...)
}

// addCreateError turns a failed create into a diagnostic: several webhooks
// matching a create whose answer was lost, a create whose outcome could not
// be settled, or any other failure, each with its next step.
func addCreateError(diags *diag.Diagnostics, name string, err error, budget string) {
	failure := func(summary string) providerutil.Failure {
		return providerutil.Failure{Summary: summary, Action: fmt.Sprintf("Creating the webhook %q", name), Budget: budget}
	}
	var ambiguous *jurichat.AmbiguousCreateError
	var recovery *jurichat.CreateRecoveryError
	var stopped *jurichat.StoppedCreateError
	switch {
	case errors.As(err, &stopped):
		apiErrors.AddError(diags, failure("JuriChat Webhook Create Stopped"), err,
			providerutil.StoppedCreateNext("the provider listed the webhooks afterwards and JuriChat had stored none"))
	case errors.As(err, &ambiguous):
		var imports strings.Builder
		for _, id := range ambiguous.IDs {
			fmt.Fprintf(&imports, "  - %s\n", id)
		}
		apiErrors.AddSettledError(diags, failure("Several Matching JuriChat Webhooks"), ambiguous.Err, err, fmt.Sprintf(
			"The create's outcome was unknown, so the provider listed the webhooks to find the one it may have "+
				"stored: %d webhooks created since the create was sent match the configuration (name, url, events, "+
				"is_active, description and headers):\n\n%s\n"+
				"Which one (if any) this apply created cannot be told, so none was adopted and no new one was created. "+
				"Import the one this configuration should manage:\n\n%s\n\n"+
				"and delete those nobody uses: each receives events signed with its own secret.",
			len(ambiguous.IDs), imports.String(), providerutil.ImportInstructions("jurichat_webhook", ambiguous.IDs[0])))
	case errors.As(err, &recovery):
		apiErrors.AddSettledError(diags, failure("Unknown Outcome Creating JuriChat Webhook"), recovery.Err, err, fmt.Sprintf(
			"The create may have reached JuriChat, and listing the webhooks afterwards to find out failed: %s.\n\n"+
				"Check whether a webhook named %q was created just now (for example with the jurichat_webhooks data "+
				"source). If there is none, run terraform apply again. If there is one, import it rather than "+
				"creating a duplicate:\n\n%s",
			strings.TrimSuffix(recovery.CheckErr.Error(), "."), name,
			providerutil.ImportInstructions("jurichat_webhook", "<webhook id>")))
	default:
		apiErrors.AddError(diags, failure("Error Creating JuriChat Webhook"), err, providerutil.RetryNext)
	}
}

// readFailure names a failed read of webhook id, for the resource and the
// data source alike; listFailure a failed listing of the office's webhooks.
func readFailure(id string) providerutil.Failure {
	return providerutil.Failure{Summary: "Error Reading JuriChat Webhook", Action: fmt.Sprintf("Reading webhook %s", id)}
}

// webhookBudget names the setting that raises the resource's budget for op.
func webhookBudget(op providerutil.Operation, budget time.Duration) string {
	return providerutil.BudgetHint("jurichat_webhook", op, budget)
}

var listFailure = providerutil.Failure{Summary: "Error Listing JuriChat Webhooks", Action: "Listing the office's webhooks"}
