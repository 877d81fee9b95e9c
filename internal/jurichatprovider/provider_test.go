package jurichatprovider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// protoV6ProviderFactories serves the provider under test in-process.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"jurichat": providerserver.NewProtocol6WithError(New("test")()),
}

// protoV6ProviderFactoriesWithEcho adds terraform-plugin-testing's echo
// provider, which copies an ephemeral value into the state of an echo
// resource so that a test can check it.
var protoV6ProviderFactoriesWithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"jurichat": providerserver.NewProtocol6WithError(New("test")()),
	"echo":     echoprovider.NewProviderServer(),
}
