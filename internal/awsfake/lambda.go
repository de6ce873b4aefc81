package awsfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// invokePrefix is Lambda's Invoke route: /2015-03-31/functions/NAME/invocations.
const invokePrefix = "/2015-03-31/functions/"

// LambdaFront is an http.Handler for Lambda's Invoke API that forwards each
// function version (or alias) to an emulator's invoke URL, and can throttle.
// Safe for concurrent use.
type LambdaFront struct {
	client *http.Client

	mu       sync.Mutex
	routes   map[string]string // "name:qualifier" -> invoke URL
	throttle int               // invocations still to answer with 429
	calls    []string
}

// NewLambdaFront returns a front with no routes.
func NewLambdaFront() *LambdaFront {
	return &LambdaFront{client: &http.Client{}, routes: map[string]string{}}
}

// Route sends Invoke(function, qualifier) to url, an emulator's invoke URL
// (rie.Emulator.URL).
func (f *LambdaFront) Route(function, qualifier, url string) {
	f.mu.Lock()
	f.routes[function+":"+qualifier] = url
	f.mu.Unlock()
}

// Throttle answers the next n invocations with 429 TooManyRequestsException,
// as Lambda does when a function's concurrency is used up.
func (f *LambdaFront) Throttle(n int) {
	f.mu.Lock()
	f.throttle = n
	f.mu.Unlock()
}

// Calls returns "name:qualifier" of every invocation so far, throttled ones
// included.
func (f *LambdaFront) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// ServeHTTP answers one Invoke request.
func (f *LambdaFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, invokePrefix)
	name, ok2 := strings.CutSuffix(rest, "/invocations")
	if !ok || !ok2 || r.Method != http.MethodPost {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException", "not an Invoke request")
		return
	}
	key := name + ":" + r.URL.Query().Get("Qualifier")
	f.mu.Lock()
	f.calls = append(f.calls, key)
	url, known := f.routes[key]
	throttled := f.throttle > 0
	if throttled {
		f.throttle--
	}
	f.mu.Unlock()
	switch {
	case throttled:
		lambdaError(w, http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded.")
		return
	case !known:
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+key)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		lambdaError(w, http.StatusInternalServerError, "ServiceException", "bad route")
		return
	}
	resp, err := f.client.Do(req)
	if err != nil {
		lambdaError(w, http.StatusBadGateway, "ServiceException", "the emulator did not answer")
		return
	}
	defer resp.Body.Close()
	payload, _ := io.ReadAll(resp.Body)
	// The emulator sends an error document without Lambda's header.
	var doc struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(payload, &doc) == nil && doc.ErrorType != "" {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	w.Header().Set("X-Amz-Executed-Version", r.URL.Query().Get("Qualifier"))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(payload)
}

func lambdaError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}
