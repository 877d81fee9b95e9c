package jurichatprovider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/validation"
)

// FuzzHeadersValidator: header maps of any names and values (names and
// values given "\n"-separated) never panic; the diagnostics are the same
// twice, an error exactly when the documented rule is broken, and no
// diagnostic repeats a value, each of which carries a marker derived from
// the input as a credential would.
func FuzzHeadersValidator(f *testing.F) {
	f.Add("X-Team\nAuthorization", "support\nBearer t0ken")
	f.Add("X Team", "v")
	f.Add("X-Token\nx-TOKEN", "a\nb")
	f.Add("Content-Type\nx-jurichat-delivery", "a\nb")
	f.Add("X-Token", "line\r\nX-Injected: 1")
	f.Add("", "")
	f.Add("Ünï\nX\x00", "\x00")
	f.Fuzz(func(t *testing.T, names, values string) {
		if len(names)+len(values) > 1<<14 {
			return
		}
		sum := sha256.Sum256([]byte(names + "\x00" + values))
		marker := "sk-" + hex.EncodeToString(sum[:12])
		vals := strings.Split(values, "\n")
		headers := map[string]string{}
		for i, name := range strings.Split(names, "\n") {
			headers[name] = marker + vals[i%len(vals)]
		}

		validate := func() []string {
			resp := &validator.MapResponse{}
			headersValidator{}.ValidateMap(context.Background(), validator.MapRequest{
				Path: path.Root("headers"), ConfigValue: stringMap(headers),
			}, resp)
			var out []string
			for _, d := range resp.Diagnostics {
				if strings.Contains(d.Summary(), marker) || strings.Contains(d.Detail(), marker) {
					t.Fatalf("a diagnostic repeats a header value: %s: %s", d.Summary(), d.Detail())
				}
				out = append(out, d.Summary()+": "+d.Detail())
			}
			return out
		}
		got := validate()
		if again := validate(); !slices.Equal(got, again) {
			t.Fatalf("not deterministic:\n%q\n%q", got, again)
		}

		broken := false
		seen := map[string]bool{}
		for name, value := range headers {
			lower := strings.ToLower(name)
			_, reserved := reservedHeaders[lower]
			if !validation.HeaderName(name) || reserved || seen[lower] || strings.ContainsAny(value, "\r\n\x00") {
				broken = true
			}
			seen[lower] = true
		}
		if broken != (len(got) > 0) {
			t.Fatalf("headers %q: rule broken %v, diagnostics %q", headers, broken, got)
		}
	})
}

// FuzzUnknownEvents: the event check against the catalogue (names given
// "\n"-separated) reports, sorted and once each, exactly the names the
// catalogue lacks, and lists the catalogue's names sorted and once each.
func FuzzUnknownEvents(f *testing.F) {
	f.Add("crm.lead.created\nwebhook.test", "crm.lead.created\ncase.updated\ncase.updated")
	f.Add("", "")
	f.Add("a\na\nb", "b\nc\nc\na")
	f.Fuzz(func(t *testing.T, catalogue, names string) {
		var cat []jurichat.Event
		for _, n := range strings.Split(catalogue, "\n") {
			cat = append(cat, jurichat.Event{Name: n})
		}
		asked := strings.Split(names, "\n")
		unknown, valid := unknownEvents(cat, asked)

		known := map[string]bool{}
		for _, e := range cat {
			known[e.Name] = true
		}
		if !slices.IsSorted(unknown) || !slices.IsSorted(valid) ||
			len(slices.Compact(slices.Clone(unknown))) != len(unknown) || len(slices.Compact(slices.Clone(valid))) != len(valid) {
			t.Fatalf("not sorted and unique: unknown %q, valid %q", unknown, valid)
		}
		if len(valid) != len(known) {
			t.Fatalf("valid %q does not list the catalogue's %d names", valid, len(known))
		}
		for _, n := range valid {
			if !known[n] {
				t.Fatalf("valid lists %q, which the catalogue does not", n)
			}
		}
		for _, n := range asked {
			if known[n] == slices.Contains(unknown, n) {
				t.Fatalf("%q: in the catalogue %v, reported unknown %v", n, known[n], !known[n])
			}
		}
		for _, n := range unknown {
			if !slices.Contains(asked, n) {
				t.Fatalf("%q reported unknown but not asked for", n)
			}
		}
	})
}
