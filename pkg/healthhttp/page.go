package healthhttp

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/settings"
)

// PageContentType is the media type of the HTML status page.
const PageContentType = "text/html; charset=utf-8"

// DefaultPageRefresh is how often the status page asks the browser to
// reload it (the Refresh header), as pkg/settings declares it.
const DefaultPageRefresh = settings.DefaultPageRefresh

// WithPageRefresh sets how often the HTML status page reloads itself (its
// Refresh header, in whole seconds, rounded up); 0 sends no Refresh header.
// Default DefaultPageRefresh (10s).
func WithPageRefresh(d time.Duration) Option {
	return func(h *Handler) { h.refresh = max(d, 0) }
}

// pageStyle is the page's only style sheet. It is inline, and the
// Content-Security-Policy allows exactly this text by its hash, so that the
// page loads nothing from anywhere and runs no script.
const pageStyle = `body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}
.meta{color:#57606a;margin:0 0 1rem}
.badge{display:inline-block;min-width:3.2em;padding:.1em .5em;border-radius:.3em;font-weight:600;text-align:center;text-transform:uppercase;color:#fff}
.badge.pass{background:#1a7f37}.badge.warn{background:#9a6700}.badge.fail{background:#cf222e}
.output{margin:.5rem 0 1rem;padding:.5rem .75rem;border-left:4px solid #cf222e;background:#fff5f5}
.maintenance{margin:.5rem 0 1rem;padding:.5rem .75rem;border-left:4px solid #0969da;background:#ddf4ff;font-weight:600}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{font-size:.85rem;color:#57606a}
tr.fail td{background:#fff5f5}tr.warn td{background:#fff8e5}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.strip{display:flex;gap:2px;height:1.4rem;min-width:12rem}
.strip span{flex:1;border-radius:2px;background:#d0d7de}
.strip .d-pass{background:#1a7f37}.strip .d-warn{background:#d4a72c}.strip .d-fail{background:#cf222e}
.strip .maint{box-shadow:inset 0 5px 0 #0969da}
.legend{font-size:.85rem;color:#57606a;margin:.4rem 0 0}
.legend span{display:inline-block;width:.8em;height:.8em;border-radius:2px;vertical-align:-.05em;margin:0 .2em 0 .6em}
.legend .d-pass{background:#1a7f37}.legend .d-warn{background:#d4a72c}.legend .d-fail{background:#cf222e}.legend .d-none{background:#d0d7de}.legend .maint{background:#0969da}
.hidden,footer{color:#57606a}
footer{margin-top:1.5rem;font-size:.85rem}
code{font-size:.9em}`

// pageCSP allows the inline style sheet above and nothing else: no script,
// no image, font, frame, form target or base URL, and no framing by others.
var pageCSP = func() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// renderPage writes the page. It is built by hand rather than with
// html/template: text/template's calls of methods by name switch off the
// linker's removal of unused methods, which more than doubled the health
// bootstrap (16 MB to 39 MB with every SDK client linked). Every value
// goes into element text or a double-quoted attribute, escaped by esc.
func renderPage(d pageData) []byte {
	var b strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	status := esc(string(d.Status))
	w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
		"<title>", status, " · ", esc(d.Title), "</title>\n<style>", pageStyle, "</style>\n</head>\n<body>\n",
		"<h1>", esc(d.Title), " <span id=\"status\" class=\"badge ", status, "\" data-status=\"", status, "\">", status, "</span></h1>\n",
		"<p class=\"meta\">", esc(d.Route))
	for _, m := range [][2]string{{"service", d.Service.ID}, {"environment", d.Service.Environment}, {"version", d.Service.Version}} {
		if m[1] != "" {
			w(" · ", m[0], " <b>", esc(m[1]), "</b>")
		}
	}
	w(" · as of ", esc(d.Now), "</p>\n")
	for _, n := range d.Notes {
		w("<p class=\"maintenance\" role=\"status\" data-maintenance>", esc(n), "</p>\n")
	}
	switch {
	case !d.Details:
		w("<p class=\"hidden\" id=\"details-hidden\">Details are shown to authorized callers only.</p>\n")
	default:
		if d.Output != "" {
			w("<p class=\"output\" id=\"output\">", esc(d.Output), "</p>\n")
		}
		if len(d.Checks) == 0 {
			w("<p class=\"hidden\">No checks are configured.</p>\n")
			break
		}
		w("<table id=\"checks\">\n<thead><tr><th>check</th><th>status</th><th>observed</th><th>output</th><th>time</th></tr></thead>\n<tbody>\n")
		for _, c := range d.Checks {
			st := esc(string(c.Status))
			w("<tr class=\"", st, "\" data-check=\"", esc(c.Name), "\" data-status=\"", st, "\">\n",
				"<td><b>", esc(c.Name), "</b>")
			if !c.Critical {
				w(" <small>(non-critical)</small>")
			}
			w("<br><small>", esc(c.Type), "</small></td>\n",
				"<td><span class=\"badge ", st, "\">", st, "</span></td>\n",
				"<td class=\"num\">", esc(c.Observed), "</td>\n",
				"<td>", esc(c.Output), "</td>\n",
				"<td class=\"num\">", esc(c.Time), "</td>\n</tr>\n")
		}
		w("</tbody>\n</table>\n")
	}
	if d.History != nil {
		renderHistory(w, d.History)
	}
	w("<footer>")
	if d.Refresh > 0 {
		w("Reloads every ", strconv.Itoa(d.Refresh), " s. ")
	}
	w("Machines get this answer as <code>application/health+json</code> (<code>curl -H 'Accept: application/json'</code>)")
	if d.History != nil {
		w(", with the uptime under <code>?", QueryHistory, "=", HistoryOn, "</code>")
	}
	w(".</footer>\n</body>\n</html>\n")
	return []byte(b.String())
}

// renderHistory writes the uptime section: a table of the service's and
// the checks' figures, each with its strip of days, or why there is none.
func renderHistory(w func(...string), h *pageHistory) {
	w("<h2>Uptime</h2>\n")
	if h.Unavailable != "" {
		w("<p class=\"hidden\" id=\"history-unavailable\">", esc(HistoryUnavailable), " (", esc(h.Unavailable), ")</p>\n")
		return
	}
	w("<table id=\"history\">\n<thead><tr><th>share of canary runs that passed</th><th>24 h</th><th>7 d</th><th>30 d</th>",
		"<th>30 days, 24 h a bar, the last one now</th></tr></thead>\n<tbody>\n")
	for _, row := range h.Rows {
		if row.Check == "" {
			w("<tr data-uptime=\"service\">\n<td><b>", esc(row.Label), "</b> <small>(service)</small></td>\n")
		} else {
			w("<tr data-uptime=\"check\" data-check=\"", esc(row.Check), "\">\n<td>", esc(row.Label), "</td>\n")
		}
		for _, f := range []struct {
			window string
			v      *float64
		}{{"24h", row.Series.Last24h}, {"7d", row.Series.Last7d}, {"30d", row.Series.Last30d}} {
			w("<td class=\"num\" data-window=\"", f.window, "\">", percent(f.v), "</td>\n")
		}
		w("<td><div class=\"strip\">")
		for i, day := range h.Days {
			var v *float64
			if i < len(row.Series.Daily) {
				v = row.Series.Daily[i]
			}
			figure := percent(v)
			if v == nil {
				figure = "no run"
			}
			class, title := dayClass(v), "24 h to "+day.End.UTC().Format("2006-01-02 15:04")+" UTC: "+figure
			if day.Maintenance {
				class += " maint"
				title += ", maintenance"
			}
			w("<span class=\"", class, "\" data-end=\"", day.End.UTC().Format(time.RFC3339), "\" title=\"", esc(title), "\"></span>")
		}
		w("</div></td>\n</tr>\n")
	}
	w("</tbody>\n</table>\n<p class=\"legend\">Days:<span class=\"d-pass\"></span>99.9% and above<span class=\"d-warn\"></span>95% and above",
		"<span class=\"d-fail\"></span>below<span class=\"d-none\"></span>no run<span class=\"maint\"></span>maintenance (top band)</p>\n")
}

// esc escapes s for element text and double-quoted attribute values:
// & < > " and ' become character references.
func esc(s string) string { return htmlEscaper.Replace(s) }

// htmlEscaper escapes what html.EscapeString escapes, the same way, without
// linking package html (whose entity tables a page that only escapes does
// not need).
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// pageRow is one check on the page.
type pageRow struct {
	Name, Type, Observed, Output, Time string
	Status                             health.Status
	Critical                           bool
}

// pageData is what renderPage renders; every value is escaped there.
type pageData struct {
	Title, Route, Now, Output string
	Status                    health.Status
	Service                   Service
	Details                   bool
	Checks                    []pageRow
	Refresh                   int
	Notes                     []string
	// History is the uptime section; nil shows none.
	History *pageHistory
}

// wantsHTML reports whether the request's Accept header prefers text/html
// to health+json: a browser's does ("text/html,...,*/*;q=0.8"); "*/*",
// "application/json", no Accept at all (ALB health checks, curl, SDKs) and
// ties get JSON, which stays the default.
func wantsHTML(r *http.Request) bool {
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return false
	}
	ranges := parseAccept(strings.Join(accept, ","))
	html := max(quality(ranges, "text", "html"), quality(ranges, "application", "xhtml+xml"))
	json := max(quality(ranges, "application", "health+json"), quality(ranges, "application", "json"))
	return html > json
}

// mediaRange is one element of an Accept header.
type mediaRange struct {
	typ, sub string
	q        float64
}

func parseAccept(header string) []mediaRange {
	var out []mediaRange
	for _, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		out = append(out, mediaRange{typ: typ, sub: sub, q: q})
	}
	return out
}

// quality is the q that ranges give type/sub: that of the most specific
// matching range (RFC 9110, 12.5.1), 0 when none matches.
func quality(ranges []mediaRange, typ, sub string) float64 {
	best, q := -1, 0.0
	for _, r := range ranges {
		specificity := -1
		switch {
		case r.typ == typ && r.sub == sub:
			specificity = 2
		case r.typ == typ && r.sub == "*":
			specificity = 1
		case r.typ == "*" && r.sub == "*":
			specificity = 0
		}
		if specificity > best {
			best, q = specificity, r.q
		}
	}
	return q
}

// writePage answers with the HTML status page: the same status code and
// details policy as the JSON, failing checks first.
func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, code int, rt route, rep health.Report, details bool, notes []string, hist *historyResult) int {
	data := pageData{
		Notes:   notes,
		Title:   "Health",
		Route:   r.URL.Path,
		Now:     time.Now().UTC().Format(time.RFC3339),
		Status:  rep.Status,
		Service: h.service,
		Details: details,
	}
	switch {
	case rt == routeReady:
		data.Title = "Readiness"
	case rt == routeCheck && len(rep.Results) == 1:
		data.Title = "Check " + rep.Results[0].Name
	}
	if h.service.ID != "" {
		data.Title += " of " + h.service.ID
	}
	if details {
		data.Output = rep.Output
		data.Checks = pageRows(rep.Results)
	}
	label := h.service.ID
	if label == "" {
		label = "service"
	}
	data.History = pageHistoryOf(hist, label, data.Checks)
	if h.refresh > 0 {
		data.Refresh = int((h.refresh + time.Second - 1) / time.Second)
	}
	body := renderPage(data)
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", pageCSP)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Vary", "Accept")
	if data.Refresh > 0 {
		hdr.Set("Refresh", strconv.Itoa(data.Refresh))
	}
	return writeBody(w, r, code, PageContentType, body)
}

// pageRows orders the results worst first (fail, warn, pass), then by name.
func pageRows(results []health.Result) []pageRow {
	rows := make([]pageRow, 0, len(results))
	for _, res := range results {
		row := pageRow{Name: res.Name, Type: res.ComponentType, Output: res.Output, Status: res.Status, Critical: !res.Optional,
			Time: res.Time.UTC().Format(time.RFC3339)}
		if res.ObservedValue != nil {
			row.Observed = strings.TrimSpace(fmt.Sprint(res.ObservedValue) + " " + res.ObservedUnit)
		}
		rows = append(rows, row)
	}
	rank := map[health.Status]int{health.StatusFail: 0, health.StatusWarn: 1, health.StatusPass: 2}
	slices.SortStableFunc(rows, func(a, b pageRow) int {
		if d := rank[a.Status] - rank[b.Status]; d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return rows
}
