package jelouprovider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// protoV6ProviderFactories serves the provider under test in-process.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"jelou": providerserver.NewProtocol6WithError(New("test")()),
}
