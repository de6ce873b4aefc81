package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// acceptBrowser is the Accept header Chromium sends for a page.
const acceptBrowser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"

// chromium returns the headless browser of Debian's chromium package
// ($CHROMIUM overrides), or fails the test under HEALTH_REQUIRE_INTEGRATION=1
// and skips it otherwise (make tools installs it).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "chromium is not installed (make tools, or apt-get install chromium)")
	return ""
}

// runChromium runs headless Chromium on url with extra flags and returns its
// stdout. Every request other than to loopback goes to a closed loopback
// port and no name is resolved, so the browser's own background traffic
// never leaves the machine.
func runChromium(t *testing.T, browser, url string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(), "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
		"--proxy-server=socks5://" + testenv.ClosedPort(t), "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--hide-scrollbars", "--window-size=1000,420",
	}, extra...)
	cmd := exec.CommandContext(ctx, browser, append(args, url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(browser), strings.Join(extra, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// screenshotDir is .local/browser, where the test leaves its screenshot.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(testenv.Root(), ".local", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf(".local is not usable (%v): the screenshot goes to a temporary directory", err)
		return t.TempDir()
	}
	return dir
}

// TestStatusPageInChromium serves the page from the local server (the real
// bootstrap outside Lambda) with one passing and one failing check, loads it
// in headless Chromium, asserts on the DOM that Chromium dumps, and saves a
// screenshot in .local/browser/status-page.png (docs/status-page.png, with
// the uptime history, comes from TestStatusPageHistoryInChromium).
func TestStatusPageInChromium(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	checks := `[{"name":"orders-db","type":"tcp","address":"` + testenv.ClosedPort(t) + `"},` +
		`{"name":"payments","type":"tcp","address":"` + testenv.OpenPort(t) + `"}]`
	_, addr, logs := start(t, "HEALTH_CHECKS="+checks, "HEALTH_DETAILS=always",
		"HEALTH_SERVICE=orders", "HEALTH_ENVIRONMENT=prod", "HEALTH_VERSION=1.4.2")
	url := "http://" + addr + "/health"

	// curl and API clients still get health+json; a browser's Accept gets the page.
	for accept, want := range map[string]string{"*/*": "application/health+json", "application/json": "application/health+json",
		acceptBrowser: "text/html; charset=utf-8"} {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 503 || resp.Header.Get("Content-Type") != want {
			t.Errorf("GET /health (Accept: %s) = %d %q; want 503 %q", accept, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
		if want == "text/html; charset=utf-8" && !bytes.Contains(body, []byte("connection refused")) {
			t.Errorf("the page does not show the failing check's output:\n%s", body)
		}
	}

	dom := string(runChromium(t, browser, url, "--dump-dom"))
	rows := regexp.MustCompile(`<tr class="[a-z]+" data-check="([^"]+)" data-status="([a-z]+)">((?s).*?)</tr>`).FindAllStringSubmatch(dom, -1)
	got := map[string]string{}
	var order []string
	for _, r := range rows {
		got[r[1]] = r[2]
		order = append(order, r[1])
		if r[1] == "orders-db" && !strings.Contains(r[3], "connection refused") {
			t.Errorf("row of orders-db does not show its output: %s", r[3])
		}
	}
	want := map[string]string{"orders-db": "fail", "payments": "pass"}
	if len(got) != len(want) || got["orders-db"] != "fail" || got["payments"] != "pass" {
		t.Errorf("checks in Chromium's DOM = %v; want %v\nDOM:\n%s\nserver logs:\n%s", got, want, dom, logs)
	}
	if len(order) == 2 && order[0] != "orders-db" {
		t.Errorf("rows in order %v; want the failing check first", order)
	}
	if !strings.Contains(dom, `id="status" class="badge fail" data-status="fail"`) {
		t.Errorf("Chromium's DOM has no overall status fail:\n%s", dom)
	}
	if strings.Contains(dom, "<script") {
		t.Errorf("the page has a script")
	}

	screenshot(t, browser, url, "status-page.png")
}

// screenshot saves Chromium's screenshot of url in .local/browser/name (with
// extra flags such as --window-size) and returns the PNG.
func screenshot(t *testing.T, browser, url, name string, extra ...string) []byte {
	t.Helper()
	shot := filepath.Join(screenshotDir(t), name)
	_ = os.Remove(shot)
	runChromium(t, browser, url, append([]string{"--screenshot=" + shot}, extra...)...)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 5000 {
		t.Fatalf("screenshot %s: %d bytes, %v; want a PNG of the page", shot, len(png), err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	return png
}
