package providerutil

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

// SignatureFunctions returns the provider-defined functions signature and
// verify_signature for a vendor whose deliveries carry header (for example
// "X-Jelou-Signature"). Both vendors sign the same way, so one implementation
// serves both providers.
func SignatureFunctions(vendor, header string) []func() function.Function {
	return []func() function.Function{
		func() function.Function { return &signatureFunction{vendor: vendor, header: header} },
		func() function.Function { return &verifySignatureFunction{vendor: vendor, header: header} },
	}
}

var (
	_ function.Function = (*signatureFunction)(nil)
	_ function.Function = (*verifySignatureFunction)(nil)
)

type signatureFunction struct{ vendor, header string }

func (f *signatureFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "signature"
}

func (f *signatureFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The " + f.header + " value " + f.vendor + " sends for a body",
		MarkdownDescription: "Returns the exact `" + f.header + "` header value " + f.vendor + " sends with a delivery: " +
			"`sha256=` followed by the lowercase hex HMAC-SHA256 of the body bytes, keyed with the secret. Use it in " +
			"`terraform test` files and checks to exercise a receiver. The result is as sensitive as the secret.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "secret", MarkdownDescription: "The signing secret."},
			function.StringParameter{Name: "body", MarkdownDescription: "The exact request body, as sent."},
		},
		Return: function.StringReturn{},
	}
}

func (f *signatureFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var secret, body string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &secret, &body))
	if resp.Error != nil {
		return
	}
	if secret == "" {
		resp.Error = function.NewArgumentFuncError(0, "secret must not be empty")
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, signature.Sign(secret, []byte(body))))
}

type verifySignatureFunction struct{ vendor, header string }

func (f *verifySignatureFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "verify_signature"
}

func (f *verifySignatureFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Whether a " + f.header + " value is valid for a body",
		MarkdownDescription: "Returns `true` when `header` is a valid `" + f.header + "` value for `body` under `secret` " +
			"(`sha256=<hex HMAC-SHA256>`), compared in constant time, and `false` otherwise, including for a malformed header.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "secret", MarkdownDescription: "The signing secret."},
			function.StringParameter{Name: "body", MarkdownDescription: "The exact request body, as received."},
			function.StringParameter{Name: "header", MarkdownDescription: "The received `" + f.header + "` header value."},
		},
		Return: function.BoolReturn{},
	}
}

func (f *verifySignatureFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var secret, body, header string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &secret, &body, &header))
	if resp.Error != nil {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, signature.Verify(secret, []byte(body), header)))
}
