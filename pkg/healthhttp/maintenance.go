package healthhttp

import "context"

// Maintenance says which maintenance is under way, as IETF notes;
// *maintenance.Monitor fits.
type Maintenance interface {
	// Notes returns one note per maintenance under way, nil when none.
	Notes(ctx context.Context) []string
}

// WithMaintenance adds notes to the answers of the health, readiness and
// check routes while maintenance is under way: the notes member of the
// health+json document and a banner on the HTML page, shown whatever the
// details policy. Status codes do not change. Default: none.
func WithMaintenance(m Maintenance) Option { return func(h *Handler) { h.maintenance = m } }

// notes asks for the notes alongside the checks, so that reading the
// ad-hoc switch does not add to a request's latency: the returned function
// waits for them, or until ctx ends (then there are none).
func (h *Handler) notes(ctx context.Context) func() []string {
	if h.maintenance == nil {
		return func() []string { return nil }
	}
	ch := make(chan []string, 1)
	go func() { ch <- h.maintenance.Notes(ctx) }()
	return func() []string {
		select {
		case n := <-ch:
			return n
		case <-ctx.Done():
			return nil
		}
	}
}
