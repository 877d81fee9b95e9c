// Package jelouprovider implements the Terraform provider "jelou"
// (registry.terraform.io/externalsupport/jelou): the Jelou External Support
// Panel integration, its data source and signature functions.
package jelouprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelou"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/providerutil"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

// DefaultBaseURL is the Jelou External Support Panel API's production base URL.
const DefaultBaseURL = "https://gateway.jelou.ai/platform"

// Environment variables read when the matching argument is not configured.
const (
	EnvAPIKey         = "JELOU_API_KEY"
	EnvClientID       = "JELOU_CLIENT_ID"
	EnvClientSecret   = "JELOU_CLIENT_SECRET"
	EnvBaseURL        = "JELOU_BASE_URL"
	EnvMaxRetries     = "JELOU_MAX_RETRIES"
	EnvRequestTimeout = "JELOU_REQUEST_TIMEOUT"
	// EnvMaxRequestsPerSecond caps the requests per second (max_requests_per_second).
	EnvMaxRequestsPerSecond = "JELOU_MAX_REQUESTS_PER_SECOND"
)

var (
	_ provider.Provider                  = (*jelouProvider)(nil)
	_ provider.ProviderWithFunctions     = (*jelouProvider)(nil)
	_ provider.ProviderWithListResources = (*jelouProvider)(nil)
)

type jelouProvider struct {
	version string
}

type jelouProviderModel struct {
	APIKey               types.String  `tfsdk:"api_key"`
	ClientID             types.String  `tfsdk:"client_id"`
	ClientSecret         types.String  `tfsdk:"client_secret"`
	BaseURL              types.String  `tfsdk:"base_url"`
	MaxRetries           types.Int64   `tfsdk:"max_retries"`
	RequestTimeout       types.String  `tfsdk:"request_timeout"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
}

// apiErrors words the API error diagnostics of every jelou type.
var apiErrors = providerutil.Vendor{
	Name: "Jelou",
	Credentials: "Check the provider's credentials: set api_key (" + EnvAPIKey + ") to the Jelou project's API key, or " +
		"client_id and client_secret (" + EnvClientID + ", " + EnvClientSecret + ") to its HTTP Basic credentials.",
	BaseURL: "base_url (" + EnvBaseURL + "; default " + DefaultBaseURL + ")",
	Refused: projectCredentialHint,
}

// New returns a factory for the jelou provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &jelouProvider{version: version} }
}

func (p *jelouProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "jelou"
	resp.Version = p.version
}

func (p *jelouProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Jelou provider manages the webhook integration between a Jelou project and an " +
			"external support panel (Jelou's *External Support Panel API*). Authenticate with a project API key " +
			"(`api_key`) or with a client id and secret (`client_id` + `client_secret`): exactly one of the two.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Jelou project API key, sent as the `x-api-key` header. Can also be set with the `" +
					EnvAPIKey + "` environment variable. Conflicts with `client_id` and `client_secret`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{providerutil.CredentialString(
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("client_id"), path.MatchRoot("client_secret")),
				)},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client id for HTTP Basic authentication, used together with `client_secret`. " +
					"Can also be set with the `" + EnvClientID + "` environment variable.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{providerutil.CredentialString(stringvalidator.LengthAtLeast(1))},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret for HTTP Basic authentication, used together with `client_id`. " +
					"Can also be set with the `" + EnvClientSecret + "` environment variable.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{providerutil.CredentialString(stringvalidator.LengthAtLeast(1))},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the External Support Panel API, without the `/v1` part. Defaults to `" +
					DefaultBaseURL + "`; can also be set with the `" + EnvBaseURL + "` environment variable. " +
					"Must use `https`, except for loopback hosts (for example the project's emulator at " +
					"`http://127.0.0.1:8089/jelou`).",
				Optional:   true,
				Validators: []validator.String{providerutil.BaseURLValidator()},
			},
			providerutil.AttrMaxRetries:           providerutil.MaxRetriesAttribute(EnvMaxRetries),
			providerutil.AttrRequestTimeout:       providerutil.RequestTimeoutAttribute(EnvRequestTimeout),
			providerutil.AttrMaxRequestsPerSecond: providerutil.MaxRequestsPerSecondAttribute(EnvMaxRequestsPerSecond),
		},
	}
}

func (p *jelouProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg jelouProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := providerutil.Setting{Attribute: "api_key", EnvVar: EnvAPIKey, Label: "Jelou API Key", Config: cfg.APIKey, Credential: true}
	clientID := providerutil.Setting{Attribute: "client_id", EnvVar: EnvClientID, Label: "Jelou Client ID", Config: cfg.ClientID, Credential: true}
	clientSecret := providerutil.Setting{Attribute: "client_secret", EnvVar: EnvClientSecret, Label: "Jelou Client Secret", Config: cfg.ClientSecret, Credential: true}
	baseURL := providerutil.Setting{Attribute: "base_url", EnvVar: EnvBaseURL, Label: "Jelou Base URL", Config: cfg.BaseURL}
	if !providerutil.RejectUnknown(&resp.Diagnostics, "jelou", apiKey, clientID, clientSecret, baseURL) {
		return
	}
	transportSettings, ok := providerutil.TransportSettings{
		Provider: "jelou", Label: "Jelou", MaxRetries: cfg.MaxRetries, RequestTimeout: cfg.RequestTimeout,
		EnvMaxRetries: EnvMaxRetries, EnvRequestTimeout: EnvRequestTimeout,
		MaxRequestsPerSecond: cfg.MaxRequestsPerSecond, EnvMaxRequestsPerSecond: EnvMaxRequestsPerSecond,
	}.Resolve(&resp.Diagnostics)
	if !ok {
		return
	}

	clientCfg := jelou.Config{
		BaseURL:              DefaultBaseURL,
		APIKey:               apiKey.Value(),
		ClientID:             clientID.Value(),
		ClientSecret:         clientSecret.Value(),
		UserAgent:            "terraform-provider-jelou/" + p.version,
		HTTPClient:           transport.NewHTTPClient(transportSettings.HTTPOptions("Jelou")),
		MaxRequestsPerSecond: transportSettings.MaxRequestsPerSecond,
		MaxRetries:           transportSettings.TransportMaxRetries(),
	}
	if baseURL.IsSet() {
		clientCfg.BaseURL = baseURL.Value()
	}
	// The client knows the rules (one complete credential mode, a valid
	// base URL); its errors name the argument at fault.
	client, err := jelou.NewClient(clientCfg)
	if err != nil {
		providerutil.ClientSettings{Provider: "jelou", Label: "Jelou", Fields: map[string]providerutil.Setting{
			"APIKey": apiKey, "ClientID": clientID, "ClientSecret": clientSecret, "BaseURL": baseURL,
		}}.AddClientError(&resp.Diagnostics, err)
		return
	}

	ctx = tflog.SetField(ctx, "jelou_base_url", clientCfg.BaseURL)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "api_key", "client_secret", "client_id", "authorization")
	tflog.Debug(ctx, "Configured Jelou API client", map[string]any{"auth_mode": client.AuthMode(),
		"max_retries": transportSettings.MaxRetries, "request_timeout": transportSettings.RequestTimeout.String()})
	resp.DataSourceData = client
	resp.ResourceData = &resourceData{client: client, reads: &refreshLog{}}
	resp.ListResourceData = client
}

func (p *jelouProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewExternalSupportResource}
}

// ListResources returns the jelou_external_support list resource, for
// terraform query (Terraform 1.14 and later).
func (p *jelouProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewExternalSupportListResource}
}

func (p *jelouProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewExternalSupportDataSource}
}

// SignatureHeader is the header Jelou signs webhook deliveries with.
const SignatureHeader = "X-Jelou-Signature"

// Functions returns provider::jelou::signature and provider::jelou::verify_signature.
func (p *jelouProvider) Functions(context.Context) []func() function.Function {
	return providerutil.SignatureFunctions("Jelou", SignatureHeader)
}
