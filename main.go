// Command terraform-provider-externalsupport is one binary serving two
// Terraform providers, jelou and jurichat. Terraform maps resource types to
// providers by the word before the first underscore, so jelou_* and
// jurichat_* must come from two providers; the binary serves the one its
// executable is named for (terraform-provider-jelou[_vX.Y.Z],
// terraform-provider-jurichat[_vX.Y.Z]), which is the name Terraform,
// dev_overrides, tfplugindocs and goreleaser all use.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jelouprovider"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichatprovider"
)

// version is set at build time by goreleaser: -ldflags "-X main.version=1.2.3".
var version = "dev"

// registryNamespace is the registry namespace both providers are published under.
const registryNamespace = "registry.terraform.io/externalsupport/"

// providers maps a provider name to its factory.
var providers = map[string]func(string) func() provider.Provider{
	"jelou":    jelouprovider.New,
	"jurichat": jurichatprovider.New,
}

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet(filepath.Base(args[0]), flag.ContinueOnError)
	flags.SetOutput(stderr)
	debug := flags.Bool("debug", false, "run the provider with support for debuggers like delve (prints TF_REATTACH_PROVIDERS)")
	name := flags.String("provider", "", "serve this provider ("+strings.Join(providerNames(), ", ")+") instead of the one the executable is named for")
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(args[1:]); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "%s %s\n", filepath.Base(args[0]), version)
		return 0
	}

	selected := *name
	if selected == "" {
		selected = providerFromExecutable(args[0])
	}
	factory, ok := providers[selected]
	if !ok {
		fmt.Fprintf(stderr, "%s: cannot tell which provider to serve from the executable name %q.\n"+
			"Name the executable terraform-provider-<name> (optionally followed by _v<version>), or pass -provider <name>.\n"+
			"Valid names: %s.\n", filepath.Base(args[0]), filepath.Base(args[0]), strings.Join(providerNames(), ", "))
		return 2
	}

	if !*debug {
		quietSDKLogs(selected)
	}
	err := providerserver.Serve(ctx, factory(version), providerserver.ServeOpts{
		Address:         registryNamespace + selected,
		Debug:           *debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", selected, err)
		return 1
	}
	return 0
}

// providerFromExecutable derives the provider name from an executable path:
// ".../terraform-provider-jelou_v1.2.3.exe" -> "jelou". It returns "" when the
// name does not follow the terraform-provider-<name> convention.
func providerFromExecutable(executable string) string {
	base := strings.TrimSuffix(filepath.Base(executable), ".exe")
	rest, ok := strings.CutPrefix(base, "terraform-provider-")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "_"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// quietSDKLogs turns the plugin SDKs' logs off when Terraform would not show
// them. The SDKs log at TRACE by default, and Terraform parses every line a
// provider writes to throw it away unless TF_LOG (or TF_LOG_PROVIDER) is set:
// measured with make bench at N=500, that costs a quarter of a plan's time.
// A log level the user set explicitly is kept.
func quietSDKLogs(name string) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if lvl := os.Getenv(v); lvl != "" && !strings.EqualFold(lvl, "off") {
			return
		}
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_" + strings.ToUpper(name)} {
		if os.Getenv(v) == "" {
			_ = os.Setenv(v, "off")
		}
	}
}

func providerNames() []string {
	names := make([]string, 0, len(providers))
	for n := range providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
