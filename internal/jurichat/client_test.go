package jurichat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport"
	"github.com/externalsupport/terraform-provider-externalsupport/internal/transport/transporttest"
)

const (
	testToken = "eyJhbGciOiJIUzI1NiJ9.test-token.sig"
	testKey   = "jurichat-office-key-0001"
)

func newTestClient(t *testing.T, f *transporttest.Fake, mutate func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: f.URL + "/jurichat", APIKey: testKey, UserAgent: "terraform-provider-jurichat/test",
		HTTPClient: transport.NewHTTPClient(transport.Options{MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func assertJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

const webhookJSON = `{"id":"wh_1","officeId":"off_1","name":"CRM sync","description":"leads to CRM","url":"https://hooks.example.com/in",` +
	`"secret":"whsec_abc","events":["crm.lead.created","contact.updated"],"isActive":true,"headers":{"X-Env":"prod"},` +
	`"createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-02T00:00:00.000Z"}`

var wantWebhook = Webhook{
	ID: "wh_1", OfficeID: "off_1", Name: "CRM sync", Description: ptr("leads to CRM"), URL: "https://hooks.example.com/in",
	Secret: "whsec_abc", Events: []string{"crm.lead.created", "contact.updated"}, IsActive: true,
	Headers: map[string]string{"X-Env": "prod"}, CreatedAt: "2025-01-01T00:00:00.000Z", UpdatedAt: "2025-01-02T00:00:00.000Z",
}

func TestNewClientConfig(t *testing.T) {
	base := "https://api.jurichat.com"
	cases := []struct {
		name string
		cfg  Config
		err  string
	}{
		{"token", Config{BaseURL: base, Token: testToken}, ""},
		{"api key", Config{BaseURL: base, APIKey: testKey}, ""},
		{"emulator", Config{BaseURL: "http://127.0.0.1:8089/jurichat", APIKey: testKey}, ""},
		{"both", Config{BaseURL: base, Token: testToken, APIKey: testKey}, "not both"},
		{"none", Config{BaseURL: base}, "no credentials"},
		{"blank", Config{BaseURL: base, Token: " ", APIKey: "\t"}, "no credentials"},
		{"scheme only token", Config{BaseURL: base, Token: "Bearer "}, "no credentials"},
		{"control characters", Config{BaseURL: base, APIKey: testKey + "\r\nX: y"}, "control characters"},
		{"plain http", Config{BaseURL: "http://api.jurichat.com", APIKey: testKey}, "https"},
		{"no base", Config{APIKey: testKey}, "BaseURL"},
		{"fragment", Config{BaseURL: base + "/#x", APIKey: testKey}, "fragment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewClient(c.cfg)
			if c.err == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want it to mention %q", err, c.err)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), testToken) {
				t.Error("the error repeats a credential")
			}
		})
	}
}

func TestAuthenticationHeaders(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, `[]`)
	if _, err := newTestClient(t, f, nil).ListWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := f.Last(t)
	if got.Header.Get("X-Jurichat-Api-Key") != testKey || got.Header.Get("Authorization") != "" {
		t.Error("API key mode: want only x-jurichat-api-key")
	}
	if got.Header.Get("User-Agent") != "terraform-provider-jurichat/test" || got.Header.Get("Accept") != "application/json" {
		t.Errorf("User-Agent %q Accept %q", got.Header.Get("User-Agent"), got.Header.Get("Accept"))
	}

	for _, token := range []string{testToken, "Bearer " + testToken, "bearer " + testToken} {
		c := newTestClient(t, f, func(cfg *Config) { cfg.APIKey, cfg.Token, cfg.UserAgent = "", token, "" })
		if _, err := c.ListWebhooks(context.Background()); err != nil {
			t.Fatal(err)
		}
		got = f.Last(t)
		if got.Header.Get("Authorization") != "Bearer "+testToken || got.Header.Get("X-Jurichat-Api-Key") != "" {
			t.Error("token mode: want exactly Authorization: Bearer <token>")
		}
		if got.Header.Get("User-Agent") != DefaultUserAgent {
			t.Errorf("default User-Agent %q", got.Header.Get("User-Agent"))
		}
	}
}

func TestCreateWebhook(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(201, webhookJSON)
	c := newTestClient(t, f, nil)
	got, err := c.CreateWebhook(context.Background(), CreateWebhookRequest{
		Name: "CRM sync", URL: "https://hooks.example.com/in", Events: []string{"crm.lead.created", "contact.updated"},
		Description: ptr("leads to CRM"), IsActive: ptr(false), Headers: map[string]string{"X-Env": "prod"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, wantWebhook) {
		t.Errorf("got %+v\nwant %+v", *got, wantWebhook)
	}
	req := f.Last(t)
	if req.Method != "POST" || req.Path != "/jurichat/webhooks" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s (%s)", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	assertJSON(t, req.Body, `{"name":"CRM sync","url":"https://hooks.example.com/in","events":["crm.lead.created","contact.updated"],`+
		`"description":"leads to CRM","isActive":false,"headers":{"X-Env":"prod"}}`)

	if _, err := c.CreateWebhook(context.Background(), CreateWebhookRequest{Name: "n", URL: "https://h"}); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, f.Last(t).Body, `{"name":"n","url":"https://h","events":[]}`)
}

func TestGetWebhook(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, `{"id":"wh 1","officeId":7,"name":"n","description":null,"url":"https://h","secret":"s","events":[],"isActive":false,"headers":{},"createdAt":"c","updatedAt":"u"}`)
	got, err := newTestClient(t, f, nil).GetWebhook(context.Background(), "wh 1/x")
	if err != nil {
		t.Fatal(err)
	}
	want := Webhook{ID: "wh 1", OfficeID: "7", Name: "n", URL: "https://h", Secret: "s", Events: []string{}, Headers: map[string]string{}, CreatedAt: "c", UpdatedAt: "u"}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("got %+v", *got)
	}
	req := f.Last(t)
	if req.Method != "GET" || req.RawPath != "/jurichat/webhooks/wh%201%2Fx" || req.Body != "" || req.Header.Get("Content-Type") != "" {
		t.Errorf("request %s %s %q", req.Method, req.RawPath, req.Body)
	}

	// An envelope, should the API ever wrap its objects.
	f.Reply(200, `{"data":`+webhookJSON+`}`)
	got, err = newTestClient(t, f, nil).GetWebhook(context.Background(), "wh_1")
	if err != nil || !reflect.DeepEqual(*got, wantWebhook) {
		t.Errorf("envelope: %v %+v", err, got)
	}
}

func TestListWebhooks(t *testing.T) {
	item := `{"id":"wh_1","officeId":"off_1","name":"CRM sync","description":null,"url":"https://h","events":["a"],"isActive":true,` +
		`"createdAt":"c","updatedAt":"u","stats":{"totalDeliveries":10,"successCount":9,"failedCount":1,"successRate":90.5}}`
	want := []Webhook{{ID: "wh_1", OfficeID: "off_1", Name: "CRM sync", URL: "https://h", Events: []string{"a"}, IsActive: true,
		CreatedAt: "c", UpdatedAt: "u", Stats: &WebhookStats{TotalDeliveries: 10, SuccessCount: 9, FailedCount: 1, SuccessRate: 90.5}}}
	for _, body := range []string{`[` + item + `]`, `{"data":[` + item + `]}`, `{"webhooks":[` + item + `],"total":1}`} {
		f := transporttest.NewFake(t)
		f.Reply(200, body)
		got, err := newTestClient(t, f, nil).ListWebhooks(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", body, got, want)
		}
		if got[0].Headers != nil || got[0].Secret != "" {
			t.Error("list items carry no headers and no secret")
		}
		if req := f.Last(t); req.Method != "GET" || req.Path != "/jurichat/webhooks" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
	}
	f := transporttest.NewFake(t)
	f.Reply(200, `[]`)
	got, err := newTestClient(t, f, nil).ListWebhooks(context.Background())
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty list: %v %v", got, err)
	}
}

func TestUpdateWebhookSendsOnlySetFields(t *testing.T) {
	cases := []struct {
		name string
		req  UpdateWebhookRequest
		want string
	}{
		{"nothing", UpdateWebhookRequest{}, `{}`},
		{"name only", UpdateWebhookRequest{Name: ptr("new")}, `{"name":"new"}`},
		{"url only", UpdateWebhookRequest{URL: ptr("https://new")}, `{"url":"https://new"}`},
		{"pause", UpdateWebhookRequest{IsActive: ptr(false)}, `{"isActive":false}`},
		{"events replace", UpdateWebhookRequest{Events: []string{"a", "b"}}, `{"events":["a","b"]}`},
		{"empty events are sent", UpdateWebhookRequest{Events: []string{}}, `{"events":[]}`},
		{"description", UpdateWebhookRequest{Description: ptr("d")}, `{"description":"d"}`},
		{"empty description", UpdateWebhookRequest{Description: ptr("")}, `{"description":""}`},
		{"clear description", UpdateWebhookRequest{ClearDescription: true}, `{"description":null}`},
		{"headers", UpdateWebhookRequest{Headers: map[string]string{"X-A": "1"}}, `{"headers":{"X-A":"1"}}`},
		{"empty headers", UpdateWebhookRequest{Headers: map[string]string{}}, `{"headers":{}}`},
		{"clear headers", UpdateWebhookRequest{ClearHeaders: true}, `{"headers":null}`},
		{"everything", UpdateWebhookRequest{Name: ptr("n"), URL: ptr("https://u"), Events: []string{"e"}, IsActive: ptr(true),
			ClearDescription: true, ClearHeaders: true},
			`{"name":"n","url":"https://u","events":["e"],"isActive":true,"description":null,"headers":null}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The custom marshalling applies to values and pointers alike.
			for _, v := range []any{c.req, &c.req} {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				assertJSON(t, string(b), c.want)
			}
			f := transporttest.NewFake(t)
			f.Reply(200, strings.Replace(webhookJSON, `"secret":"whsec_abc",`, "", 1))
			got, err := newTestClient(t, f, nil).UpdateWebhook(context.Background(), "wh_1", c.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != "wh_1" || got.Secret != "" {
				t.Errorf("got %+v", got)
			}
			req := f.Last(t)
			if req.Method != "PATCH" || req.Path != "/jurichat/webhooks/wh_1" {
				t.Errorf("request %s %s", req.Method, req.Path)
			}
			assertJSON(t, req.Body, c.want)
		})
	}
}

func TestUpdateWebhookRejectsContradictions(t *testing.T) {
	f := transporttest.NewFake(t)
	c := newTestClient(t, f, nil)
	for _, req := range []UpdateWebhookRequest{
		{Description: ptr("d"), ClearDescription: true},
		{Headers: map[string]string{}, ClearHeaders: true},
	} {
		if _, err := c.UpdateWebhook(context.Background(), "wh_1", req); err == nil {
			t.Errorf("%+v accepted", req)
		}
		if _, err := json.Marshal(req); err == nil {
			t.Errorf("MarshalJSON accepted %+v", req)
		}
	}
	if f.Count() != 0 {
		t.Error("a contradictory update reached the server")
	}
}

func TestDeleteWebhook(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{{204, ""}, {200, `{"message":"Webhook deleted"}`}, {200, ""}} {
		f := transporttest.NewFake(t)
		f.Reply(tc.status, tc.body)
		if err := newTestClient(t, f, nil).DeleteWebhook(context.Background(), "wh_1"); err != nil {
			t.Errorf("%d: %v", tc.status, err)
		}
		if req := f.Last(t); req.Method != "DELETE" || req.Path != "/jurichat/webhooks/wh_1" || req.Body != "" {
			t.Errorf("request %s %s %q", req.Method, req.Path, req.Body)
		}
	}
	f := transporttest.NewFake(t)
	f.Reply(404, `{"statusCode":404,"error":"Not Found","message":"Webhook not found"}`)
	err := newTestClient(t, f, nil).DeleteWebhook(context.Background(), "wh_1")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v", err)
	}
}

func TestInvalidIDsNeverSent(t *testing.T) {
	f := transporttest.NewFake(t)
	c := newTestClient(t, f, nil)
	ctx := context.Background()
	for _, bad := range []string{"", "..", "."} {
		if _, err := c.GetWebhook(ctx, bad); err == nil {
			t.Errorf("GetWebhook(%q) accepted", bad)
		}
		if _, err := c.UpdateWebhook(ctx, bad, UpdateWebhookRequest{}); err == nil {
			t.Errorf("UpdateWebhook(%q) accepted", bad)
		}
		if err := c.DeleteWebhook(ctx, bad); err == nil {
			t.Errorf("DeleteWebhook(%q) accepted", bad)
		}
		if _, err := c.ListDeliveries(ctx, bad, DeliveryQuery{}); err == nil {
			t.Errorf("ListDeliveries(%q) accepted", bad)
		}
		if _, err := c.GetDelivery(ctx, "wh_1", bad); err == nil {
			t.Errorf("GetDelivery(_, %q) accepted", bad)
		}
		if _, err := c.RetryDelivery(ctx, bad); err == nil {
			t.Errorf("RetryDelivery(%q) accepted", bad)
		}
	}
	if f.Count() != 0 {
		t.Errorf("%d invalid requests reached the server", f.Count())
	}
}

func TestListEventsShapes(t *testing.T) {
	full := []Event{{Name: "crm.lead.created", Description: "A lead was created"}, {Name: "webhook.test", Description: "Test"}}
	names := []Event{{Name: "crm.lead.created"}, {Name: "webhook.test"}}
	objs := `[{"name":"crm.lead.created","description":"A lead was created"},{"name":"webhook.test","description":"Test"}]`
	strs := `["crm.lead.created","webhook.test"]`
	cases := map[string][]Event{
		objs:                      full,
		strs:                      names,
		`{"events":` + objs + `}`: full,
		`{"events":` + strs + `}`: names,
		`{"data":` + objs + `}`:   full,
		`{"data":` + strs + `}`:   names,
		`["crm.lead.created",{"event":"webhook.test","description":"Test"},null]`: {{Name: "crm.lead.created"}, {Name: "webhook.test", Description: "Test"}},
		`[]`:                             {},
		`{"data":[],"total":0}`:          {},
		`[{"key":"a"},{"type":"b"}]`:     {{Name: "a"}, {Name: "b"}},
		`{"events":["x"],"data":["y"]}`:  {{Name: "x"}},
		`{"data":["y"],"events":"junk"}`: {{Name: "y"}},
	}
	for body, want := range cases {
		f := transporttest.NewFake(t)
		f.Reply(200, body)
		got, err := newTestClient(t, f, nil).ListEvents(context.Background())
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", body, got, want)
		}
		if req := f.Last(t); req.Method != "GET" || req.Path != "/jurichat/webhooks/events" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
	}
}

func TestListEventsUnexpectedShapes(t *testing.T) {
	for _, body := range []string{`{"foo":[]}`, `42`, `[{"description":"nameless"}]`, `[1]`, `[""]`, `not json`, ``, `{"events":{"a":"b"}}`} {
		f := transporttest.NewFake(t)
		f.Reply(200, body)
		_, err := newTestClient(t, f, nil).ListEvents(context.Background())
		if !errors.Is(err, transport.ErrUnexpectedResponse) {
			t.Errorf("%q: err = %v, want ErrUnexpectedResponse", body, err)
		} else if !strings.Contains(err.Error(), "from JuriChat (HTTP 200)") {
			t.Errorf("%q: error %q does not name the vendor and status", body, err)
		}
	}
}

const deliveryJSON = `{"id":"dl_1","webhookId":"wh_1","event":"crm.lead.created","status":"FAILED","statusCode":500,` +
	`"payload":{"event":"crm.lead.created","data":{"id":"lead_1"}},"responseBody":"oops","errorMessage":"HTTP 500",` +
	`"durationMs":120,"attemptCount":3,"nextRetryAt":null,"createdAt":"2025-01-01T00:00:00.000Z","expiresAt":"2025-04-01T00:00:00.000Z"}`

var wantDelivery = Delivery{
	ID: "dl_1", WebhookID: "wh_1", Event: "crm.lead.created", Status: "FAILED", StatusCode: ptr(500),
	Payload:      json.RawMessage(`{"event":"crm.lead.created","data":{"id":"lead_1"}}`),
	ResponseBody: ptr("oops"), ErrorMessage: ptr("HTTP 500"), DurationMs: ptr(int64(120)), AttemptCount: 3,
	CreatedAt: "2025-01-01T00:00:00.000Z", ExpiresAt: "2025-04-01T00:00:00.000Z",
}

func TestListDeliveries(t *testing.T) {
	pending := `{"id":"dl_2","webhookId":"wh_1","event":"webhook.test","status":"PENDING","statusCode":null,"payload":null,` +
		`"responseBody":null,"errorMessage":null,"durationMs":null,"attemptCount":0,"nextRetryAt":"2025-01-01T00:01:00.000Z","createdAt":"c","expiresAt":"e"}`
	f := transporttest.NewFake(t)
	f.Reply(200, `{"data":[`+deliveryJSON+`,`+pending+`],"total":42,"page":2,"limit":2,"totalPages":21}`)
	c := newTestClient(t, f, nil)
	got, err := c.ListDeliveries(context.Background(), "wh_1", DeliveryQuery{Page: 2, Limit: 2, Status: "FAILED", Event: "crm.lead.created"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 42 || got.Page != 2 || got.Limit != 2 || got.TotalPages != 21 || len(got.Data) != 2 {
		t.Fatalf("page %+v", got)
	}
	if !reflect.DeepEqual(got.Data[0], wantDelivery) {
		t.Errorf("delivery 0: %+v", got.Data[0])
	}
	wantPending := Delivery{ID: "dl_2", WebhookID: "wh_1", Event: "webhook.test", Status: "PENDING", Payload: json.RawMessage("null"),
		NextRetryAt: ptr("2025-01-01T00:01:00.000Z"), CreatedAt: "c", ExpiresAt: "e"}
	if !reflect.DeepEqual(got.Data[1], wantPending) {
		t.Errorf("delivery 1: %+v", got.Data[1])
	}
	req := f.Last(t)
	if req.Method != "GET" || req.Path != "/jurichat/webhooks/wh_1/deliveries" || req.Query != "event=crm.lead.created&limit=2&page=2&status=FAILED" {
		t.Errorf("request %s %s?%s", req.Method, req.Path, req.Query)
	}

	f.Reply(200, `{"data":[],"total":0,"page":1,"limit":20,"totalPages":0}`)
	got, err = c.ListDeliveries(context.Background(), "wh_1", DeliveryQuery{})
	if err != nil || len(got.Data) != 0 || got.Data == nil {
		t.Errorf("empty page: %+v %v", got, err)
	}
	if q := f.Last(t).Query; q != "" {
		t.Errorf("zero query sent %q", q)
	}

	f.Reply(200, `[`+deliveryJSON+`]`)
	got, err = c.ListDeliveries(context.Background(), "wh_1", DeliveryQuery{})
	if err != nil || len(got.Data) != 1 || got.Total != 1 || got.TotalPages != 1 {
		t.Errorf("bare list: %+v %v", got, err)
	}

	for _, bad := range []string{`{"total":1}`, `{"data":{}}`, `{"data":[{"statusCode":"x"}]}`} {
		f.Reply(200, bad)
		if _, err := c.ListDeliveries(context.Background(), "wh_1", DeliveryQuery{}); !errors.Is(err, transport.ErrUnexpectedResponse) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

func TestGetDelivery(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, deliveryJSON)
	got, err := newTestClient(t, f, nil).GetDelivery(context.Background(), "wh_1", "dl_1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, wantDelivery) {
		t.Errorf("got %+v", *got)
	}
	if req := f.Last(t); req.Method != "GET" || req.Path != "/jurichat/webhooks/wh_1/deliveries/dl_1" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	f.Reply(200, `{}`)
	if _, err := newTestClient(t, f, nil).GetDelivery(context.Background(), "wh_1", "dl_1"); !errors.Is(err, transport.ErrUnexpectedResponse) {
		t.Errorf("empty object: %v", err)
	}
}

func TestRetryDelivery(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(200, `{"deliveryId":"dl_1","message":"Delivery queued for retry"}`)
	c := newTestClient(t, f, nil)
	msg, err := c.RetryDelivery(context.Background(), "dl_1")
	if err != nil || msg != "Delivery queued for retry" {
		t.Fatalf("got %q, %v", msg, err)
	}
	req := f.Last(t)
	if req.Method != "POST" || req.Path != "/jurichat/webhooks/deliveries/dl_1/retry" || req.Body != "" || req.Header.Get("Content-Type") != "" {
		t.Errorf("request %s %s %q (Content-Type %q)", req.Method, req.Path, req.Body, req.Header.Get("Content-Type"))
	}
	f.Reply(202, ``)
	if msg, err := c.RetryDelivery(context.Background(), "dl_1"); err != nil || msg != "" {
		t.Errorf("empty 202: %q %v", msg, err)
	}
	f.Reply(400, `{"statusCode":400,"error":"Bad Request","message":"Only FAILED or RETRYING deliveries can be retried"}`)
	_, err = c.RetryDelivery(context.Background(), "dl_1")
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "Only FAILED or RETRYING deliveries can be retried" || !errors.Is(err, ErrValidation) {
		t.Errorf("400: %v", err)
	}
}

func TestErrorStatuses(t *testing.T) {
	cases := []struct {
		status   int
		ctype    string
		body     string
		sentinel error
		message  string
	}{
		{400, "application/json", `{"statusCode":400,"error":"Bad Request","message":"body/url must match format \"uri\""}`, ErrValidation, `body/url must match format "uri"`},
		{400, "application/json", `{"statusCode":400,"error":"Bad Request","message":["name should not be empty","events must contain at least 1 elements"]}`,
			ErrValidation, "name should not be empty; events must contain at least 1 elements"},
		{401, "application/json", `{"statusCode":401,"error":"Unauthorized","message":"Invalid API key"}`, ErrUnauthorized, "Invalid API key"},
		{403, "application/json", `{"statusCode":403,"error":"Forbidden","message":"Forbidden"}`, ErrUnauthorized, "Forbidden"},
		{404, "application/json", `{"statusCode":404,"error":"Not Found","message":"Webhook not found"}`, ErrNotFound, "Webhook not found"},
		{409, "application/json", `{"statusCode":409,"error":"Conflict"}`, ErrConflict, "Conflict"},
		{422, "application/problem+json", `{"type":"about:blank","title":"Unprocessable Entity","detail":"url is not reachable"}`, ErrValidation, "url is not reachable"},
		{500, "application/json", `{"ok":false,"reason":"db down"}`, nil, `{"ok":false,"reason":"db down"}`},
		{502, "text/html", `<html><body><h1>502 Bad Gateway</h1></body></html>`, nil, transport.HTMLMessage},
		{503, "", ``, nil, "Service Unavailable"},
		{504, "text/plain", "gateway timeout\n\n", nil, "gateway timeout"},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			f := transporttest.NewFake(t)
			f.SetContentType(c.ctype)
			f.Reply(c.status, c.body)
			client := newTestClient(t, f, func(cfg *Config) { cfg.HTTPClient = transport.NewHTTPClient(transport.Options{MaxRetries: -1}) })
			_, err := client.GetWebhook(context.Background(), "wh_1")
			var apiErr *transport.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *transport.APIError", err)
			}
			if apiErr.StatusCode != c.status || apiErr.Method != "GET" || apiErr.Path != "/webhooks/wh_1" || apiErr.Message != c.message {
				t.Errorf("APIError %+v, want message %q", apiErr, c.message)
			}
			for _, s := range []error{ErrNotFound, ErrUnauthorized, ErrConflict, ErrValidation} {
				if errors.Is(err, s) != errors.Is(s, c.sentinel) {
					t.Errorf("errors.Is(err, %v) = %v", s, errors.Is(err, s))
				}
			}
		})
	}
}

func TestErrorsNeverCarryCredentials(t *testing.T) {
	f := transporttest.NewFake(t)
	f.Reply(400, `{"statusCode":400,"error":"Bad Request","message":"bad key `+testKey+`, bad token `+testToken+`, header value receiver-secret-1"}`)
	for _, mode := range []func(*Config){nil, func(cfg *Config) { cfg.APIKey, cfg.Token = "", testToken }} {
		_, err := newTestClient(t, f, mode).CreateWebhook(context.Background(), CreateWebhookRequest{
			Name: "n", URL: "https://h", Events: []string{"a"}, Headers: map[string]string{"Authorization": "receiver-secret-1"}})
		if err == nil {
			t.Fatal("expected an error")
		}
		secret := testKey
		if mode != nil {
			secret = testToken
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "receiver-secret-1") {
			t.Error("the error text carries a credential")
		}
	}
}

func TestMalformedWebhookResponses(t *testing.T) {
	for _, body := range []string{`{"id":"x"`, `[]`, `{}`, `{"data":null}`, `{"id":"w","description":5}`, `{"id":"w","events":[{}]}`, `{"id":"w","isActive":"yes"}`} {
		f := transporttest.NewFake(t)
		f.Reply(200, body)
		_, err := newTestClient(t, f, nil).GetWebhook(context.Background(), "w")
		if !errors.Is(err, transport.ErrUnexpectedResponse) {
			t.Errorf("%s: err = %v, want ErrUnexpectedResponse", body, err)
		}
	}
}

// AuthMode names the credential mode NewClient chose, for the provider's log.
func TestClientAuthMode(t *testing.T) {
	for cfg, want := range map[Config]string{
		{BaseURL: "https://jurichat.example", Token: "Bearer t"}: "token",
		{BaseURL: "https://jurichat.example", APIKey: "k"}:       "api_key",
	} {
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.AuthMode(); got != want {
			t.Errorf("AuthMode() = %q, want %q", got, want)
		}
	}
}

// A 404 page from a wrong base URL names the call with the whole URL path,
// the base URL's own path included, and never the query or a header.
func TestWrongBaseURLNamesThePathCalled(t *testing.T) {
	f := transporttest.NewFake(t)
	f.SetContentType("text/html")
	f.Reply(http.StatusNotFound, "<html>Not Found</html>")
	c := newTestClient(t, f, func(cfg *Config) { cfg.BaseURL = f.URL + "/v2" })
	_, err := c.ListDeliveries(context.Background(), "wh-1", DeliveryQuery{Page: 2, Status: "FAILED"})
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *transport.APIError", err)
	}
	if got, want := apiErr.Called(), "GET /v2/webhooks/wh-1/deliveries"; got != want {
		t.Errorf("Called() = %q, want %q (no query string)", got, want)
	}
}
