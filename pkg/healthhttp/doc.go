// Package healthhttp is the HTTP front of the health engine: the routes of
// the design (liveness, readiness, the comprehensive check and single
// checks), rendered as application/health+json in the shape of the IETF draft
// "Health Check Response Format for HTTP APIs", with the details policy that
// decides who sees the per-check details. A browser (whose Accept header
// prefers text/html) gets the same answer as a self-contained HTML status
// page under the same policy; every other client gets the JSON.
//
// Handler is a plain http.Handler: the Lambda adapters and the local server
// serve the same one.
package healthhttp
