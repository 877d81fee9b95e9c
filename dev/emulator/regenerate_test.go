package emulator

import (
	"net/http"
	"slices"
	"testing"
)

const regeneratePath = "/jelou/v1/external-support/proj-r/secret/regenerate"

// A regenerate answers the new secret in both shapes, stores it, leaves the
// rest of the integration alone, and from then on deliveries are signed with
// the new secret only.
func TestJelouRegenerate(t *testing.T) {
	for _, shape := range []string{ShapeEnvelope, ShapeFlat} {
		t.Run(shape, func(t *testing.T) {
			rc := newReceiver(t, http.StatusOK, "ok")
			e := New(Options{JelouShape: shape})
			created := createJelou(t, e, "proj-r", obj{"webhookUrl": rc.URL + "/hook", "authType": "bearer", "authorization": "tok-1"})
			before, _ := e.JelouIntegration("proj-r")

			rec := do(t, e, "POST", regeneratePath, nil, jelouKey...)
			expectStatus(t, rec, http.StatusOK)
			body := decode[obj](t, rec)
			var secret string
			switch shape {
			case ShapeEnvelope:
				data, _ := body["data"].(obj)
				secret, _ = data["signingSecret"].(string)
				if body["status"] != float64(1) || body["statusMessage"] != "success" || data["brainId"] != "proj-r" || len(data) != 2 {
					t.Errorf("envelope answer has keys %v, data keys %v", keys(body), keys(data))
				}
			case ShapeFlat:
				secret, _ = body["signingSecret"].(string)
				if at, _ := body["regeneratedAt"].(string); !isoMillis.MatchString(at) || len(body) != 2 {
					t.Errorf("flat answer has keys %v", keys(body))
				}
			}
			after, _ := e.JelouIntegration("proj-r")
			if !hex64.MatchString(secret) || secret != after.SigningSecret || secret == created["signingSecret"] {
				t.Fatal("the answer does not carry a new 64-hex secret equal to the stored one")
			}
			after.SigningSecret = before.SigningSecret
			if after != before {
				t.Error("a regenerate changed more than the secret")
			}

			expectStatus(t, do(t, e, "POST", "/_emulator/jelou/proj-r/deliver", nil), http.StatusOK)
			got := rc.only(t)
			if sig := got.header.Get("X-Jelou-Signature"); sig != hmacHex(secret, got.body) || sig == hmacHex(before.SigningSecret, got.body) {
				t.Error("the delivery after a regenerate is not signed with the new secret alone")
			}
			if n := e.RequestCounts()["POST /jelou/v1/external-support/{projectId}/secret/regenerate"]; n != 1 {
				t.Errorf("regenerate counted %d times", n)
			}
		})
	}
}

func TestJelouRegenerateErrors(t *testing.T) {
	e := New(Options{})
	rec := do(t, e, "POST", regeneratePath, nil, jelouKey...)
	expectStatus(t, rec, http.StatusNotFound)
	if msg := errorMessage(t, rec); msg != "No integration exists for the specified projectId" {
		t.Errorf("404 message %q", msg)
	}
	createJelou(t, e, "proj-r", obj{"webhookUrl": "https://panel.example.com/h"})
	before, _ := e.JelouIntegration("proj-r")
	expectStatus(t, do(t, e, "POST", regeneratePath, nil), http.StatusUnauthorized)
	expectStatus(t, do(t, e, "POST", regeneratePath, nil, "x-api-key", "wrong"), http.StatusUnauthorized)
	expectStatus(t, do(t, e, "GET", regeneratePath, nil, jelouKey...), http.StatusNotFound)
	if after, _ := e.JelouIntegration("proj-r"); after.SigningSecret != before.SigningSecret {
		t.Error("a refused regenerate changed the secret")
	}
	// Basic credentials work as for every route.
	expectStatus(t, do(t, e, "POST", regeneratePath, nil, jelouBasic...), http.StatusOK)
}

// commit-reset: the secret is regenerated, then the connection drops.
func TestJelouRegenerateCommitReset(t *testing.T) {
	e := New(Options{Faults: "commit-reset=1"})
	e.jelou["proj-r"] = &jelouEntry{JelouIntegration: JelouIntegration{ID: "i", BrainID: "proj-r", SigningSecret: "old"}}
	url := serve(t, e)
	if _, _, err := send(t, freshConnections(t), "POST", url+regeneratePath, "", jelouKey...); err == nil || !isDropped(err) {
		t.Fatalf("err = %v, want a dropped connection", err)
	}
	if in, _ := e.JelouIntegration("proj-r"); in.SigningSecret == "old" || !hex64.MatchString(in.SigningSecret) {
		t.Error("commit-reset did not regenerate the secret")
	}
	if e.FaultCounts()[FaultCommitReset] != 1 || e.RequestCounts()["POST /jelou/v1/external-support/{projectId}/secret/regenerate"] != 1 {
		t.Errorf("faults %v, requests %v", e.FaultCounts(), e.RequestCounts())
	}
}

// The sparse GET answers as the example of Jelou's get page: brainId,
// webhookUrl, createdAt and updatedAt only, in either shape.
func TestJelouSparseGet(t *testing.T) {
	for _, shape := range []string{ShapeEnvelope, ShapeFlat} {
		t.Run(shape, func(t *testing.T) {
			e := New(Options{JelouShape: shape, JelouSparseGet: true})
			created := createJelou(t, e, "proj-s", obj{"webhookUrl": "https://panel.example.com/h", "authType": "api_key", "authorization": "k"})
			if !hasKey(created, "id") || !hasKey(created, "authType") {
				t.Error("the sparse mode must leave the create answer whole")
			}
			rec := do(t, e, "GET", "/jelou/v1/external-support/proj-s", nil, jelouKey...)
			expectStatus(t, rec, http.StatusOK)
			data := jelouData(t, rec)
			want := []string{"brainId", "createdAt", "updatedAt", "webhookUrl"}
			got := keys(data)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("sparse GET keys %v, want %v", got, want)
			}
			if data["webhookUrl"] != "https://panel.example.com/h" || data["brainId"] != "proj-s" {
				t.Errorf("sparse GET data %v", data)
			}
			if shape == ShapeEnvelope && !hasKey(decode[obj](t, rec), "data") {
				t.Error("envelope expected")
			}
		})
	}
}
