package jurichatprovider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*webhookSecretEphemeralResource)(nil)

type webhookSecretEphemeralResource struct {
	data *providerData
}

type webhookSecretEphemeralResourceModel struct {
	WebhookID types.String `tfsdk:"webhook_id"`
	Secret    types.String `tfsdk:"secret"`
}

// NewWebhookSecretEphemeralResource is the factory for the jurichat_webhook_secret ephemeral resource.
func NewWebhookSecretEphemeralResource() ephemeral.EphemeralResource {
	return &webhookSecretEphemeralResource{}
}

func (e *webhookSecretEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_secret"
}

func (e *webhookSecretEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The signing secret of a JuriChat webhook, read when Terraform needs it and never stored " +
			"in plan or state (Terraform 1.10 and later). Pass it to write-only arguments of other providers, for " +
			"example the secret a receiving service verifies `X-JuriChat-Signature` with.",
		Attributes: map[string]schema.Attribute{
			"webhook_id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the webhook whose secret to read, for example `jurichat_webhook.example.id`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "Secret JuriChat signs the webhook's deliveries with (`X-JuriChat-Signature: " +
					"sha256=<hex HMAC-SHA256 of the body>`).",
				Computed:  true,
				Sensitive: true,
			},
		},
	}
}

func (e *webhookSecretEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	data := configuredData(req.ProviderData, "Ephemeral Resource", resp.Diagnostics.AddError)
	if data == nil {
		return
	}
	e.data = data
}

func (e *webhookSecretEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var cfg webhookSecretEphemeralResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := cfg.WebhookID.ValueString()
	hook, err := e.data.client.GetWebhook(ctx, id)
	if err != nil {
		next := ""
		if errors.Is(err, jurichat.ErrNotFound) {
			next = fmt.Sprintf("No webhook %s exists in the office, so it has no secret. Check webhook_id; the "+
				"jurichat_webhooks data source lists the office's webhooks.", id)
		}
		apiErrors.AddError(&resp.Diagnostics, providerutil.Failure{Summary: "Error Reading JuriChat Webhook Secret",
			Action: fmt.Sprintf("Reading webhook %s", id)}, err, next)
		return
	}
	if hook.Secret == "" {
		resp.Diagnostics.AddError("JuriChat Returned No Webhook Secret",
			fmt.Sprintf("JuriChat answered for webhook %s without a secret, so there is none to hand on. "+
				"Check that the provider's credentials may read webhook secrets.", id))
		return
	}

	tflog.Debug(ctx, "Opened JuriChat webhook secret", map[string]any{"webhook_id": id})
	cfg.Secret = types.StringValue(hook.Secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &cfg)...)
}
