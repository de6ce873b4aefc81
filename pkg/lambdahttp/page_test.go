package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/eventcases"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// TestStatusPageThroughEveryTrigger: a browser's Accept on /health gets the
// HTML page through every trigger, as text (not base64), with its headers.
func TestStatusPageThroughEveryTrigger(t *testing.T) {
	const accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	a := newAdapter(t, errors.New("refused"))
	for _, file := range []string{"health-v1-health.json", "health-v2-health.json", "health-furl-health.json", "health-alb-health.json"} {
		t.Run(file, func(t *testing.T) {
			raw, err := os.ReadFile("../../events/" + file)
			if err != nil {
				t.Fatal(err)
			}
			var event map[string]any
			if err := json.Unmarshal(raw, &event); err != nil {
				t.Fatal(err)
			}
			setHeader(event["headers"], "accept", accept)
			setHeader(event["multiValueHeaders"], "accept", []any{accept})
			payload, _ := json.Marshal(event)
			out, err := a.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			var resp struct {
				eventcases.Response
				IsBase64Encoded bool `json:"isBase64Encoded"`
			}
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 503 || resp.IsBase64Encoded || !strings.HasPrefix(resp.Body, "<!DOCTYPE html>") {
				t.Errorf("response = %d, base64 %v, body %.60q; want 503 and the page as text", resp.StatusCode, resp.IsBase64Encoded, resp.Body)
			}
			if got := resp.Header("Content-Type"); got != healthhttp.PageContentType {
				t.Errorf("Content-Type = %q; want %q", got, healthhttp.PageContentType)
			}
			for _, h := range []string{"Content-Security-Policy", "Refresh", "Cache-Control"} {
				if resp.Header(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
		})
	}
}

// setHeader sets name in an event's header map (if the event has that map),
// replacing it in any case.
func setHeader(headers any, name string, value any) {
	h, ok := headers.(map[string]any)
	if !ok {
		return
	}
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
	h[name] = value
}
