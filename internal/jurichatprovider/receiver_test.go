package jurichatprovider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/externalsupport/terraform-provider-externalsupport/dev/acctest"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/jurichat"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/signature"
)

// testReceiver is a webhook receiver on loopback whose answer the test sets,
// and which keeps what it received.
type testReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	status   int
	received []receivedDelivery
}

type receivedDelivery struct {
	header http.Header
	body   []byte
}

func newTestReceiver(t *testing.T, status int) *testReceiver {
	t.Helper()
	rc := &testReceiver{status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.received = append(rc.received, receivedDelivery{r.Header.Clone(), body})
		status := rc.status
		rc.mu.Unlock()
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "receiver answered %d", status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *testReceiver) setStatus(status int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.status = status
}

func (rc *testReceiver) deliveries() []receivedDelivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedDelivery(nil), rc.received...)
}

// signedWith counts the received deliveries with id deliveryID whose
// signature verifies under secret.
func (rc *testReceiver) signedWith(deliveryID, secret string) int {
	n := 0
	for _, d := range rc.deliveries() {
		if d.header.Get("X-JuriChat-Delivery") == deliveryID &&
			signature.Verify(secret, d.body, d.header.Get("X-JuriChat-Signature")) {
			n++
		}
	}
	return n
}

// createWebhook creates a webhook on the emulator outside Terraform.
func createWebhook(t *testing.T, target *acctest.JuriChat, name, hookURL string, events ...string) *jurichat.Webhook {
	t.Helper()
	h, err := target.Client.CreateWebhook(context.Background(), jurichat.CreateWebhookRequest{Name: name, URL: hookURL, Events: events})
	if err != nil {
		t.Fatalf("creating webhook %q: %v", name, err)
	}
	return h
}

// deliverN makes the emulator deliver event to the webhook n times (through
// its /_emulator deliver route), whatever the receiver answers.
func deliverN(t *testing.T, target *acctest.JuriChat, webhookID, event string, n int) {
	t.Helper()
	u := target.Emulator.URL + "/_emulator/jurichat/webhooks/" + url.PathEscape(webhookID) + "/deliver?event=" + url.QueryEscape(event)
	for range n {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("triggering a delivery: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusConflict || resp.StatusCode == http.StatusBadRequest {
			t.Fatalf("the emulator refused the delivery of %s to webhook %s: HTTP %d", event, webhookID, resp.StatusCode)
		}
	}
}
