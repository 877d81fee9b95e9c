package jelou

import "testing"

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		name, body, want string
		status           int
	}{
		{"message string", `{"message":"Integration not found"}`, "Integration not found", 404},
		{"message array", `{"message":["a","b"]}`, "a; b", 400},
		{"dedupe", `{"message":["Invalid data","invalid data."],"error":{"description":"Invalid data"}}`, "Invalid data", 400},
		{"error description", `{"error":{"code":"X","key":"K","description":"Bad thing","clientMessages":{"en":"Other"}}}`, "Bad thing", 400},
		{"client messages, english first", `{"error":{"clientMessages":{"es":"Algo malo","en":"Something bad"}}}`, "Something bad", 400},
		{"client messages, any language", `{"error":{"clientMessages":{"pt":"Algo ruim"}}}`, "Algo ruim", 400},
		{"developer messages", `{"error":{"developerMessages":{"en":"dev says"}}}`, "dev says", 500},
		{"error key as last resort", `{"statusMessage":"error","error":{"key":"INTEGRATION_EXISTS"}}`, "INTEGRATION_EXISTS", 409},
		{"error string", `{"error":"Bad Request","message":"webhookUrl is required"}`, "webhookUrl is required", 400},
		{"only a status text", `{"error":"Bad Request"}`, "Bad Request", 400},
		{"validation map", `{"validationError":{"webhookUrl":"must be a valid URL","authType":["is required","must be a string"]}}`,
			"authType: is required; authType: must be a string; webhookUrl: must be a valid URL", 422},
		{"validation map of objects", `{"validationError":{"webhookUrl":{"message":"must be https"}}}`, "webhookUrl: must be https", 422},
		{"validation nested", `{"validationError":{"body":{"webhookUrl":"must be a valid URL"}}}`, "webhookUrl: must be a valid URL", 422},
		{"validation list", `{"validationError":[{"path":["body","authType"],"message":"\"authType\" must be one of [bearer]"}]}`, `"authType" must be one of [bearer]`, 400},
		{"class-validator", `{"validationError":[{"property":"webhookUrl","constraints":{"isUrl":"webhookUrl must be a URL address"}}]}`, "webhookUrl must be a URL address", 400},
		{"field already named", `{"validationError":{"authType":["authType must be one of: bearer","\"authType\" is required"],"url":["urlish is odd"]}}`,
			`authType must be one of: bearer; "authType" is required; url: urlish is odd`, 422},
		{"emulator style", `{"message":["webhookUrl must use https","authType must be one of: bearer"],"statusMessage":"error","status":0,` +
			`"error":{"code":"VALIDATION_ERROR","key":"request.validation","description":"webhookUrl must use https; authType must be one of: bearer"},` +
			`"validationError":{"authType":["authType must be one of: bearer"],"webhookUrl":["webhookUrl must use https"]}}`,
			"webhookUrl must use https; authType must be one of: bearer", 422},
		{"validation message key", `{"validationError":{"message":"Invalid body"}}`, "Invalid body", 400},
		{"everything", `{"message":["Validation failed"],"statusMessage":"error","status":0,"error":{"description":"Check the fields"},"validationError":{"webhookUrl":"must be a valid URL"}}`,
			"Validation failed; Check the fields; webhookUrl: must be a valid URL", 400},
		{"status message fallback", `{"statusMessage":"Project is disabled","status":0}`, "Project is disabled", 403},
		{"generic status message", `{"statusMessage":"error","status":0,"message":[]}`, "Internal Server Error", 500},
		{"unrelated JSON", `{"foo":"bar"}`, "", 500},
		{"array body", `["x"]`, "", 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errorMessage(c.status, []byte(c.body)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
