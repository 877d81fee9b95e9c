// Package jurichatprovider implements the Terraform provider "jurichat"
// (registry.terraform.io/externalsupport/jurichat): JuriChat webhooks, the
// event catalogue and webhook data sources, and an ephemeral resource that
// hands a webhook's signing secret to write-only arguments.
package jurichatprovider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// DefaultBaseURL is the JuriChat API's production base URL.
const DefaultBaseURL = "https://api.jurichat.com"

// Environment variables read when the matching argument is not configured.
const (
	EnvToken          = "JURICHAT_TOKEN"
	EnvAPIKey         = "JURICHAT_API_KEY"
	EnvBaseURL        = "JURICHAT_BASE_URL"
	EnvMaxRetries     = "JURICHAT_MAX_RETRIES"
	EnvRequestTimeout = "JURICHAT_REQUEST_TIMEOUT"
	// EnvMaxRequestsPerSecond caps the requests per second (max_requests_per_second).
	EnvMaxRequestsPerSecond = "JURICHAT_MAX_REQUESTS_PER_SECOND"
)

var (
	_ provider.Provider                       = (*jurichatProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*jurichatProvider)(nil)
	_ provider.ProviderWithFunctions          = (*jurichatProvider)(nil)
	_ provider.ProviderWithActions            = (*jurichatProvider)(nil)
	_ provider.ProviderWithListResources      = (*jurichatProvider)(nil)
)

type jurichatProvider struct {
	version string
}

type jurichatProviderModel struct {
	Token                types.String  `tfsdk:"token"`
	APIKey               types.String  `tfsdk:"api_key"`
	BaseURL              types.String  `tfsdk:"base_url"`
	MaxRetries           types.Int64   `tfsdk:"max_retries"`
	RequestTimeout       types.String  `tfsdk:"request_timeout"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
}

// apiErrors words the API error diagnostics of every jurichat type.
var apiErrors = providerutil.Vendor{
	Name: "JuriChat",
	Credentials: "Check the provider's credentials: set token (" + EnvToken + ") to a valid JuriChat JWT, or api_key (" +
		EnvAPIKey + ") to a valid office API key.",
	BaseURL: "base_url (" + EnvBaseURL + "; default " + DefaultBaseURL + ")",
}

// providerData is what Configure hands to every resource, data source and
// ephemeral resource: the API client and the event catalogue, fetched at most
// once per provider process.
type providerData struct {
	client *jurichat.Client
	events *eventCatalogue
}

// New returns a factory for the jurichat provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &jurichatProvider{version: version} }
}

func (p *jurichatProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "jurichat"
	resp.Version = p.version
}

func (p *jurichatProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The JuriChat provider manages the webhooks of a JuriChat office: which events JuriChat " +
			"delivers, where, and with which custom headers. Authenticate with a JWT (`token`) or an office API key " +
			"(`api_key`): exactly one of the two.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				MarkdownDescription: "JuriChat JWT, sent as `Authorization: Bearer <token>`. Can also be set with the `" +
					EnvToken + "` environment variable. Conflicts with `api_key`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{providerutil.CredentialString(
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("api_key")),
				)},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "JuriChat office API key, sent as the `x-jurichat-api-key` header. Can also be set " +
					"with the `" + EnvAPIKey + "` environment variable. Conflicts with `token`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{providerutil.CredentialString(stringvalidator.LengthAtLeast(1))},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the JuriChat API. Defaults to `" + DefaultBaseURL + "`; can also be set " +
					"with the `" + EnvBaseURL + "` environment variable. Must use `https`, except for loopback hosts (for " +
					"example the project's emulator at `http://127.0.0.1:8089/jurichat`).",
				Optional:   true,
				Validators: []validator.String{providerutil.BaseURLValidator()},
			},
			providerutil.AttrMaxRetries:           providerutil.MaxRetriesAttribute(EnvMaxRetries),
			providerutil.AttrRequestTimeout:       providerutil.RequestTimeoutAttribute(EnvRequestTimeout),
			providerutil.AttrMaxRequestsPerSecond: providerutil.MaxRequestsPerSecondAttribute(EnvMaxRequestsPerSecond),
		},
	}
}

func (p *jurichatProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg jurichatProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	token := providerutil.Setting{Attribute: "token", EnvVar: EnvToken, Label: "JuriChat Token", Config: cfg.Token, Credential: true}
	apiKey := providerutil.Setting{Attribute: "api_key", EnvVar: EnvAPIKey, Label: "JuriChat API Key", Config: cfg.APIKey, Credential: true}
	baseURL := providerutil.Setting{Attribute: "base_url", EnvVar: EnvBaseURL, Label: "JuriChat Base URL", Config: cfg.BaseURL}
	if !providerutil.RejectUnknown(&resp.Diagnostics, "jurichat", token, apiKey, baseURL) {
		return
	}
	transportSettings, ok := providerutil.TransportSettings{
		Provider: "jurichat", Label: "JuriChat", MaxRetries: cfg.MaxRetries, RequestTimeout: cfg.RequestTimeout,
		EnvMaxRetries: EnvMaxRetries, EnvRequestTimeout: EnvRequestTimeout,
		MaxRequestsPerSecond: cfg.MaxRequestsPerSecond, EnvMaxRequestsPerSecond: EnvMaxRequestsPerSecond,
	}.Resolve(&resp.Diagnostics)
	if !ok {
		return
	}

	clientCfg := jurichat.Config{
		BaseURL:              DefaultBaseURL,
		Token:                token.Value(),
		APIKey:               apiKey.Value(),
		UserAgent:            "terraform-provider-jurichat/" + p.version,
		HTTPClient:           transport.NewHTTPClient(transportSettings.HTTPOptions("JuriChat")),
		MaxRequestsPerSecond: transportSettings.MaxRequestsPerSecond,
		MaxRetries:           transportSettings.TransportMaxRetries(),
	}
	if baseURL.IsSet() {
		clientCfg.BaseURL = baseURL.Value()
	}
	// The client knows the rules (exactly one of token and api_key, a valid
	// base URL); its errors name the argument at fault.
	client, err := jurichat.NewClient(clientCfg)
	if err != nil {
		providerutil.ClientSettings{Provider: "jurichat", Label: "JuriChat", Fields: map[string]providerutil.Setting{
			"Token": token, "APIKey": apiKey, "BaseURL": baseURL,
		}}.AddClientError(&resp.Diagnostics, err)
		return
	}

	ctx = tflog.SetField(ctx, "jurichat_base_url", clientCfg.BaseURL)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token", "api_key", "authorization", "x-jurichat-api-key", "secret", "headers")
	tflog.Debug(ctx, "Configured JuriChat API client", map[string]any{"auth_mode": client.AuthMode(),
		"max_retries": transportSettings.MaxRetries, "request_timeout": transportSettings.RequestTimeout.String()})
	data := &providerData{client: client, events: newEventCatalogue(client)}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

// configuredData extracts the provider data in the Configure of a resource,
// data source or ephemeral resource. It returns nil, with no diagnostic, while
// the provider is not configured yet, and nil with an error diagnostic when
// the data has an unexpected type.
func configuredData(raw any, kind string, addError func(summary, detail string)) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		addError("Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *jurichatprovider.providerData, got %T. Please report this issue to the provider developers.", raw))
		return nil
	}
	return data
}

func (p *jurichatProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewWebhookResource}
}

func (p *jurichatProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewWebhookDataSource, NewWebhooksDataSource, NewWebhookEventsDataSource, NewWebhookDeliveriesDataSource}
}

func (p *jurichatProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewWebhookSecretEphemeralResource}
}

// ListResources returns the jurichat_webhook list resource, for terraform
// query (Terraform 1.14 and later).
func (p *jurichatProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewWebhookListResource}
}

// Actions returns jurichat_retry_deliveries (Terraform 1.14 and later).
func (p *jurichatProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewRetryDeliveriesAction}
}

// SignatureHeader is the header JuriChat signs webhook deliveries with.
const SignatureHeader = "X-JuriChat-Signature"

// Functions returns provider::jurichat::signature and provider::jurichat::verify_signature.
func (p *jurichatProvider) Functions(context.Context) []func() function.Function {
	return providerutil.SignatureFunctions("JuriChat", SignatureHeader)
}
