package healthjson

import (
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// ContentType is the media type of every health response.
const ContentType = "application/health+json"

// Response is the body of a health response, in the shape of the IETF draft.
// Notes are the IETF notes, such as "maintenance until 2026-12-07T02:00:00Z:
// database upgrade"; absent outside maintenance.
type Response struct {
	Status      health.Status            `json:"status"`
	Version     string                   `json:"version,omitempty"`
	ReleaseID   string                   `json:"releaseId,omitempty"`
	ServiceID   string                   `json:"serviceId,omitempty"`
	Description string                   `json:"description,omitempty"`
	Notes       []string                 `json:"notes,omitempty"`
	Output      string                   `json:"output,omitempty"`
	Checks      map[string][]CheckDetail `json:"checks,omitempty"`
}

// CheckDetail is one entry of the checks map.
type CheckDetail struct {
	ComponentID   string        `json:"componentId"`
	ComponentType string        `json:"componentType"`
	ObservedValue any           `json:"observedValue,omitempty"`
	ObservedUnit  string        `json:"observedUnit,omitempty"`
	Status        health.Status `json:"status"`
	Time          string        `json:"time"`
	Output        string        `json:"output,omitempty"`
}

// Service identifies the service in every response.
type Service struct {
	// ID becomes serviceId.
	ID string
	// Environment is shown in the description.
	Environment string
	// Version is the release (releaseId); its major part becomes version.
	Version string
}

// header fills the top-level fields that every response carries.
func (s Service) header(status health.Status) Response {
	r := Response{Status: status, ServiceID: s.ID, ReleaseID: s.Version, Version: majorVersion(s.Version)}
	switch {
	case s.ID != "" && s.Environment != "":
		r.Description = "health of " + s.ID + " (" + s.Environment + ")"
	case s.ID != "":
		r.Description = "health of " + s.ID
	}
	return r
}

// majorVersion returns "1" for "1.4.2" or "v1.4.2".
func majorVersion(v string) string {
	if v == "" {
		return ""
	}
	if v[0] == 'v' || v[0] == 'V' {
		v = v[1:]
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '.' {
			return v[:i]
		}
	}
	return v
}

// Render builds the response for a report; details adds output and checks.
func (s Service) Render(rep health.Report, details bool) Response {
	r := s.header(rep.Status)
	if !details {
		return r
	}
	r.Output = rep.Output
	if len(rep.Results) > 0 {
		r.Checks = make(map[string][]CheckDetail, len(rep.Results))
		for _, res := range rep.Results {
			r.Checks[res.Key] = append(r.Checks[res.Key], detail(res))
		}
	}
	return r
}

func detail(res health.Result) CheckDetail {
	if why := health.Unencodable(res.ObservedValue); why != "" {
		// A value from an engine other than health.Checker, which drops
		// such values itself: the document must still encode.
		res.ObservedValue, res.ObservedUnit = nil, ""
		res.Output = strings.TrimPrefix(res.Output+"; observed value dropped: "+why, "; ")
	}
	return CheckDetail{
		ComponentID:   res.Name,
		ComponentType: res.ComponentType,
		ObservedValue: res.ObservedValue,
		ObservedUnit:  res.ObservedUnit,
		Status:        res.Status,
		Time:          res.Time.UTC().Format(time.RFC3339),
		Output:        res.Output,
	}
}
