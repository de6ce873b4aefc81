package healthjson_test

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

func ExampleService_Render() {
	rep := health.Report{Status: health.StatusWarn, Output: "jobs: queue depth 1200 above 1000", Results: []health.Result{{
		Name: "jobs", Key: "jobs:messages", ComponentType: health.ComponentComponent, Status: health.StatusWarn,
		ObservedValue: 1200, ObservedUnit: "messages", Output: "queue depth 1200 above 1000",
		Time: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
	}}}
	body, _ := json.Marshal(healthjson.Service{ID: "orders", Environment: "prod", Version: "1.4.2"}.Render(rep, true))
	fmt.Println(string(body))
	// Output: {"status":"warn","version":"1","releaseId":"1.4.2","serviceId":"orders","description":"health of orders (prod)","output":"jobs: queue depth 1200 above 1000","checks":{"jobs:messages":[{"componentId":"jobs","componentType":"component","observedValue":1200,"observedUnit":"messages","status":"warn","time":"2026-11-22T10:00:00Z","output":"queue depth 1200 above 1000"}]}}
}

// An observed value JSON cannot carry, from an engine of one's own, is
// dropped with its reason rather than making the document unencodable.
func ExampleService_Render_unencodable() {
	rep := health.Report{Status: health.StatusPass, Results: []health.Result{{
		Name: "ratio", Key: "ratio:free", ComponentType: health.ComponentSystem,
		Status: health.StatusPass, ObservedValue: math.NaN(), ObservedUnit: "%",
	}}}
	b, err := json.Marshal(healthjson.Service{}.Render(rep, true).Checks["ratio:free"])
	fmt.Println(string(b), err)
	// Output: [{"componentId":"ratio","componentType":"system","status":"pass","time":"0001-01-01T00:00:00Z","output":"observed value dropped: NaN is not a JSON number"}] <nil>
}
