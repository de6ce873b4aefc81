// Package healthhttp is the HTTP front of the health engine: the routes of
// the design (liveness, readiness, the comprehensive check and single
// checks), rendered as application/health+json in the shape of the IETF draft
// "Health Check Response Format for HTTP APIs", with the details policy that
// decides who sees the per-check details. A browser (whose Accept header
// prefers text/html) gets the same answer as a self-contained HTML status
// page under the same policy; every other client gets the JSON.
//
// Handler is a plain http.Handler: the Lambda adapter and the local server
// serve the same one. It answers /health, /health/live, /health/ready and
// /health/checks/{name}, and the aliases /livez, /healthz and /readyz (see
// Handler for codes and methods); Handler.Mount registers all of them on an
// http.ServeMux in one call, and WithBasePath moves them under a prefix or
// another name (/v1/health/ready, /status/ready). The route literals are the
// Route* and Alias* constants.
//
// Passing requests (2xx) are summarized in one log line per minute and
// every other request is logged on its own (WithPassLogInterval); nothing
// is logged without WithLogger. Details are unlocked by the token
// (WithToken) or by an IAM caller that the platform verified
// (WithIAMCaller; on Lambda, lambdahttp.IAMCaller), or shown to everyone
// with WithDetails(DetailsAlways); a handler given none of these shows
// them to no one, and NewHandler logs that once. NewHandler returns an
// error naming any option it cannot use.
//
// WithHistory adds the uptime history (package uptime) to the page, and to
// the JSON under ?history=1 (QueryHistory) only: the default JSON never
// changes, and a history that is slow or failing costs a request no more
// than its budget ("history unavailable").
package healthhttp
