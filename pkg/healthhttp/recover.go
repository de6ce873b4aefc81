package healthhttp

import (
	"fmt"
	"log/slog"
	"net/http"
)

// Recover turns a panic in h into a 500 answer and a log line, so that one
// bad request can never crash the process or the Lambda runtime. The log
// line carries the panic's type, not its value, which may hold secrets.
func Recover(h http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.ErrorContext(r.Context(), "handler panicked",
					slog.String("panic_type", fmt.Sprintf("%T", p)))
				writeProblem(w, r, http.StatusInternalServerError, "internal error")
			}
		}()
		h.ServeHTTP(w, r)
	})
}
