// Package healthjson is the application/health+json document of the IETF
// draft "Health Check Response Format for HTTP APIs", rendered from a
// health.Report. It knows nothing of HTTP: the HTTP front (healthhttp) and
// the canary's printed result use the same document.
package healthjson
