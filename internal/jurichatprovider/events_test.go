package jurichatprovider

import (
	"context"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/emulator"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
)

func testCatalogue(t *testing.T, token string) (*eventCatalogue, *emulator.Emulator) {
	t.Helper()
	emu := emulator.New(emulator.DefaultOptions())
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client, err := jurichat.NewClient(jurichat.Config{
		BaseURL: srv.URL + "/jurichat", Token: token,
		HTTPClient: transport.NewHTTPClient(transport.Options{MaxRetries: -1}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return newEventCatalogue(client), emu
}

// Concurrent callers share one fetch.
func TestEventCatalogueFetchesOnce(t *testing.T) {
	t.Parallel()
	cat, emu := testCatalogue(t, emulator.DefaultJurichatToken)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			events, err := cat.Events(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			if len(events) != len(emulator.JurichatEvents()) {
				t.Errorf("got %d events, want %d", len(events), len(emulator.JurichatEvents()))
			}
		})
	}
	wg.Wait()
	if n := emu.RequestCounts()[patternEvents]; n != 1 {
		t.Fatalf("the catalogue was fetched %d times, want 1", n)
	}
}

// A failed fetch is remembered, not retried on every call.
func TestEventCatalogueRemembersError(t *testing.T) {
	t.Parallel()
	cat, emu := testCatalogue(t, "wrong-token")
	for range 3 {
		if _, err := cat.Events(context.Background()); err == nil {
			t.Fatal("Events succeeded with rejected credentials")
		}
	}
	if n := emu.RequestCounts()[patternEvents]; n != 1 {
		t.Fatalf("the catalogue was fetched %d times, want 1", n)
	}
}

func TestUnknownEvents(t *testing.T) {
	t.Parallel()
	catalogue := []jurichat.Event{{Name: "b.two"}, {Name: "a.one"}, {Name: "c.three"}}
	unknown, valid := unknownEvents(catalogue, []string{"z.nope", "a.one", "y.nope", "z.nope"})
	if !slices.Equal(unknown, []string{"y.nope", "z.nope"}) {
		t.Errorf("unknown = %v", unknown)
	}
	if !slices.Equal(valid, []string{"a.one", "b.two", "c.three"}) {
		t.Errorf("valid = %v", valid)
	}
	if unknown, _ := unknownEvents(catalogue, []string{"c.three"}); len(unknown) != 0 {
		t.Errorf("unknown = %v, want none", unknown)
	}
}
