package httpcheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func ExampleNew() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer upstream.Close()

	check, err := httpcheck.New(checks.Common{Name: "payments", Optional: true},
		httpcheck.Spec{URL: upstream.URL + "/health", ExpectStatus: "200-299"}, http.DefaultClient)
	if err != nil {
		fmt.Println(err)
		return
	}
	checker, err := health.NewChecker([]health.Check{check})
	if err != nil {
		fmt.Println(err)
		return
	}
	report := checker.All(context.Background())
	fmt.Println(report.Status, report.Output)
	// Output: warn payments: unexpected status 503
}
