package healthhttp

import (
	"encoding/json"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
)

// ContentType is the media type of every health response.
const ContentType = healthjson.ContentType

// Response is the body of a health response (see healthjson.Response).
type Response = healthjson.Response

// CheckDetail is one entry of the checks map (see healthjson.CheckDetail).
type CheckDetail = healthjson.CheckDetail

// Service identifies the service in every response (see healthjson.Service).
type Service = healthjson.Service

// liveBody is the liveness answer of a service, with its final newline:
// the same for every request, so encoded once.
func liveBody(s Service) []byte {
	b, _ := json.Marshal(s.Render(health.Report{Status: health.StatusPass}, false))
	return append(b, '\n')
}
