package health

// Status is the health of a check or of a whole service, as the IETF draft
// "Health Check Response Format for HTTP APIs" spells it.
type Status string

// The three statuses, from best to worst.
const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
)

// Valid reports whether s is one of the three statuses.
func (s Status) Valid() bool {
	return s == StatusPass || s == StatusWarn || s == StatusFail
}

// Aggregate folds check results into one status: a failing critical check
// gives fail; a failing non-critical check or any warn gives warn; otherwise
// pass. No results at all is pass.
func Aggregate(results []Result) Status {
	status := StatusPass
	for _, r := range results {
		switch {
		case r.Status == StatusFail && !r.Optional:
			return StatusFail
		case r.Status == StatusFail, r.Status == StatusWarn:
			status = StatusWarn
		}
	}
	return status
}
