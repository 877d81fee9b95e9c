package jurichatprovider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

var _ list.ListResourceWithConfigure = (*webhookListResource)(nil)

// webhookListResource lists the office's webhooks for terraform query
// (Terraform 1.14 and later).
type webhookListResource struct {
	data *providerData
}

type webhookListConfigModel struct {
	Event     types.String `tfsdk:"event"`
	URLPrefix types.String `tfsdk:"url_prefix"`
	IsActive  types.Bool   `tfsdk:"is_active"`
}

// NewWebhookListResource is the factory for the jurichat_webhook list resource.
func NewWebhookListResource() list.ListResource { return &webhookListResource{} }

func (l *webhookListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook"
}

func (l *webhookListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the webhooks of the credential's JuriChat office, for `terraform query` " +
			"(Terraform 1.14 and later). Each result is named by the webhook's name and URL and carries its identity " +
			"(`id`) and, with `include_resource` or `-generate-config-out`, the full webhook, secret included, read " +
			"like a refresh does. The filters are optional and combine.",
		Attributes: map[string]schema.Attribute{
			"event": schema.StringAttribute{
				MarkdownDescription: "Only webhooks subscribed to this event, for example `crm.lead.created`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"url_prefix": schema.StringAttribute{
				MarkdownDescription: "Only webhooks whose `url` starts with this text, for example " +
					"`https://crm.example.com/` (compared exactly, case included).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"is_active": schema.BoolAttribute{
				MarkdownDescription: "Only active webhooks (`true`) or only paused ones (`false`).",
				Optional:            true,
			},
		},
	}
}

func (l *webhookListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data := configuredData(req.ProviderData, "List Resource", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	l.data = data
}

// matches reports whether a listed webhook passes the filters.
func (c webhookListConfigModel) matches(h *jurichat.Webhook) bool {
	if !c.Event.IsNull() && !slices.Contains(h.Events, c.Event.ValueString()) {
		return false
	}
	if !c.URLPrefix.IsNull() && !strings.HasPrefix(h.URL, c.URLPrefix.ValueString()) {
		return false
	}
	return c.IsActive.IsNull() || c.IsActive.ValueBool() == h.IsActive
}

// webhookDisplayName is how terraform query shows a webhook.
func webhookDisplayName(h *jurichat.Webhook) string {
	name := fmt.Sprintf("%s (%s)", h.Name, h.URL)
	if !h.IsActive {
		name += " [paused]"
	}
	return name
}

func (l *webhookListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg webhookListConfigModel
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	hooks, err := l.data.client.ListWebhooks(ctx)
	if err != nil {
		result := list.ListResult{}
		apiErrors.AddError(&result.Diagnostics, listFailure, err, "")
		stream.Results = list.ListResultsStreamDiagnostics(result.Diagnostics)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		for i := range hooks {
			listed := &hooks[i]
			if !cfg.matches(listed) {
				continue
			}
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			result, ok := l.result(ctx, req, listed)
			if !ok {
				continue
			}
			sent++
			if !push(result) || result.Diagnostics.HasError() {
				return
			}
		}
	}
}

// result builds the list result of one listed webhook. With the resource
// included, the webhook is read again (the list carries neither secret nor
// headers); one deleted in between is left out (ok false).
func (l *webhookListResource) result(ctx context.Context, req list.ListRequest, listed *jurichat.Webhook) (list.ListResult, bool) {
	result := req.NewListResult(ctx)
	result.DisplayName = webhookDisplayName(listed)
	result.Diagnostics.Append(result.Identity.Set(ctx, webhookIdentityModel{ID: types.StringValue(listed.ID)})...)
	if !req.IncludeResource || result.Diagnostics.HasError() {
		return result, true
	}

	hook, err := l.data.client.GetWebhook(ctx, listed.ID)
	if errors.Is(err, jurichat.ErrNotFound) {
		return result, false
	}
	if err != nil {
		apiErrors.AddError(&result.Diagnostics, providerutil.Failure{Summary: "Error Reading JuriChat Webhook",
			Action: fmt.Sprintf("Reading webhook %s (%q)", listed.ID, listed.Name)}, err, "")
		return result, true
	}
	answer, diags := webhookModelFrom(ctx, hook)
	result.Diagnostics.Append(diags...)
	m := answer.withUnreturned(nil, nil)
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	return result, true
}
