package healthhttp

import (
	"log/slog"
	"net/http"

	"github.com/lambdahealth/lambdahealth/internal/safelog"
)

// Recover turns a panic in h into a 500 answer and a log line, so that one
// bad request can never crash the process or the Lambda runtime. The log
// line says the panic's type and where it happened, and its value only
// when the runtime made it (a nil dereference, an index out of range):
// any other value may hold what the request or a secret held. A nil
// logger discards.
func Recover(h http.Handler, logger *slog.Logger) http.Handler {
	logger = safelog.Logger(logger)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "handler panicked", slog.String("panic", safelog.Panic(p)))
				writeProblem(w, r, http.StatusInternalServerError, "internal error")
			}
		}()
		h.ServeHTTP(w, r)
	})
}
