package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// Check types.
const (
	TypePostgres = "postgres"
	TypeMySQL    = "mysql"
	TypeSQS      = "sqs"
	TypeS3       = "s3"
	TypeHTTP     = "http"
	TypeTCP      = "tcp"
)

// CheckSpec is one element of HEALTH_CHECKS.
type CheckSpec struct {
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	Critical bool          `json:"-"`
	Timeout  time.Duration `json:"-"`

	// postgres, mysql
	DSN       string `json:"dsn"`
	Host      string `json:"host"`
	Port      int    `json:"port"`
	User      string `json:"user"`
	Database  string `json:"database"`
	IAMAuth   bool   `json:"iamAuth"`
	SecretARN string `json:"secretArn"`
	TLS       string `json:"tls"`

	// sqs
	QueueURL string `json:"queueUrl"`
	MaxDepth *int64 `json:"maxDepth"`
	DLQURL   string `json:"dlqUrl"`

	// s3
	Bucket   string `json:"bucket"`
	ProbeKey string `json:"probeKey"`

	// http
	URL          string `json:"url"`
	ExpectStatus string `json:"expectStatus"`

	// tcp
	Address string `json:"address"`
}

// common fields, allowed for every type.
var commonFields = []string{"name", "type", "critical", "timeout"}

// typeFields lists the fields each type accepts besides the common ones.
var typeFields = map[string][]string{
	TypePostgres: {"dsn", "host", "port", "user", "database", "iamAuth", "secretArn", "tls"},
	TypeMySQL:    {"dsn", "host", "port", "user", "database", "iamAuth", "secretArn", "tls"},
	TypeSQS:      {"queueUrl", "maxDepth", "dlqUrl"},
	TypeS3:       {"bucket", "probeKey"},
	TypeHTTP:     {"url", "expectStatus"},
	TypeTCP:      {"address"},
}

// TLS modes of the database checks.
var tlsModes = []string{"disable", "require", "verify-full"}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// parseChecks decodes and validates HEALTH_CHECKS.
func parseChecks(raw string) ([]CheckSpec, []error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &elems); err != nil {
		bad("HEALTH_CHECKS", "not a JSON array of objects: %s", jsonerr.Describe(err))
		return nil, errs
	}
	if elems == nil { // "null": a botched substitution, not "no checks"
		bad("HEALTH_CHECKS", "is null; use [] for no checks")
		return nil, errs
	}
	specs := make([]CheckSpec, 0, len(elems))
	seen := map[string]bool{}
	for i, elem := range elems {
		var item map[string]json.RawMessage
		if err := json.Unmarshal(elem, &item); err != nil || item == nil {
			bad(fmt.Sprintf("HEALTH_CHECKS[%d]", i), "must be a JSON object")
			continue
		}
		field := func(name string) string { return fmt.Sprintf("HEALTH_CHECKS[%d].%s", i, name) }
		spec, ok := decodeSpec(item, field, bad)
		if !ok {
			continue
		}
		if seen[spec.Name] {
			bad(field("name"), "duplicate name %q", spec.Name)
		}
		seen[spec.Name] = true
		validateSpec(spec, field, bad)
		specs = append(specs, spec)
	}
	return specs, errs
}

// decodeSpec decodes one check object, checking that every field it has
// belongs to its type.
func decodeSpec(item map[string]json.RawMessage, field func(string) string, bad func(string, string, ...any)) (CheckSpec, bool) {
	var spec CheckSpec
	if err := json.Unmarshal(item["type"], &spec.Type); err != nil || spec.Type == "" {
		bad(field("type"), "required: one of %s", strings.Join(typeNames(), ", "))
		return spec, false
	}
	allowed, known := typeFields[spec.Type]
	if !known {
		bad(field("type"), "%q is not one of %s", spec.Type, strings.Join(typeNames(), ", "))
		return spec, false
	}
	ok := true
	for _, k := range sortedKeys(item) {
		if !slices.Contains(commonFields, k) && !slices.Contains(allowed, k) {
			bad(field(k), "unknown field for type %s", spec.Type)
			ok = false
		}
	}
	spec.Critical = true
	if v, has := item["critical"]; has {
		if err := json.Unmarshal(v, &spec.Critical); err != nil {
			bad(field("critical"), "must be true or false")
			ok = false
		}
	}
	if v, has := item["timeout"]; has {
		var s string
		d, err := time.Duration(0), json.Unmarshal(v, &s)
		if err == nil {
			d, err = time.ParseDuration(s)
		}
		if err != nil || d <= 0 {
			bad(field("timeout"), "must be a positive Go duration string such as \"500ms\"")
			ok = false
		}
		spec.Timeout = d
	}
	delete(item, "critical")
	delete(item, "timeout")
	body, _ := json.Marshal(item)
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&spec); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			bad(field(typ.Field), "has the wrong JSON type (%s)", typ.Value)
		} else {
			bad(field("type"), "could not be decoded")
		}
		return spec, false
	}
	return spec, ok
}

// validateSpec checks the fields a type requires. Secret-bearing values
// (dsn) are never quoted.
func validateSpec(s CheckSpec, field func(string) string, bad func(string, string, ...any)) {
	if !namePattern.MatchString(s.Name) {
		bad(field("name"), "%q must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", s.Name)
	}
	if s.Name == "drain" || s.Name == "startup" {
		bad(field("name"), "%q is reserved", s.Name)
	}
	switch s.Type {
	case TypePostgres, TypeMySQL:
		validateDB(s, field, bad)
	case TypeSQS:
		if !isHTTPURL(s.QueueURL) {
			bad(field("queueUrl"), "required: an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")
		}
		if s.DLQURL != "" && !isHTTPURL(s.DLQURL) {
			bad(field("dlqUrl"), "must be an SQS queue URL")
		}
		if s.MaxDepth != nil && *s.MaxDepth < 0 {
			bad(field("maxDepth"), "must not be negative")
		}
	case TypeS3:
		if !validBucket(s.Bucket) {
			bad(field("bucket"), "required: an S3 bucket name (3-63 lowercase letters, digits, '.', '-')")
		}
		if strings.HasPrefix(s.ProbeKey, "/") {
			bad(field("probeKey"), "must not start with /")
		}
	case TypeHTTP:
		if !isHTTPURL(s.URL) {
			bad(field("url"), "required: an absolute http or https URL")
		}
		if s.ExpectStatus != "" {
			if _, err := ParseStatusSet(s.ExpectStatus); err != nil {
				bad(field("expectStatus"), "%v", err)
			}
		}
	case TypeTCP:
		host, port, err := net.SplitHostPort(s.Address)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			bad(field("address"), "required: host:port with a port from 1 to 65535")
		}
	}
}

func validateDB(s CheckSpec, field func(string) string, bad func(string, string, ...any)) {
	hasParts := s.Host != "" || s.Port != 0 || s.User != "" || s.Database != ""
	switch {
	case s.DSN != "" && (hasParts || s.IAMAuth || s.SecretARN != ""):
		bad(field("dsn"), "set either dsn or host/port/user/database with iamAuth or secretArn, not both")
	case s.DSN != "":
	case s.SecretARN != "":
		if !strings.HasPrefix(s.SecretARN, "arn:") {
			bad(field("secretArn"), "must be an ARN (starting with arn:)")
		}
		if s.IAMAuth {
			bad(field("iamAuth"), "set either iamAuth or secretArn, not both")
		}
	case s.IAMAuth:
		if s.Host == "" {
			bad(field("host"), "required with iamAuth")
		}
		if s.User == "" {
			bad(field("user"), "required with iamAuth")
		}
		if s.TLS == "disable" {
			bad(field("tls"), "IAM authentication requires TLS")
		}
	default:
		bad(field("dsn"), "required: dsn, or host/port/user/database with iamAuth: true or secretArn")
	}
	if s.Port < 0 || s.Port > 65535 {
		bad(field("port"), "must be from 1 to 65535")
	}
	if s.TLS != "" && !slices.Contains(tlsModes, s.TLS) {
		bad(field("tls"), "%q is not one of %s", s.TLS, strings.Join(tlsModes, ", "))
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func validBucket(s string) bool { return bucketPattern.MatchString(s) }

func typeNames() []string {
	names := make([]string, 0, len(typeFields))
	for k := range typeFields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// StatusSet is a set of accepted HTTP status codes.
type StatusSet [][2]int

// Contains reports whether code is in the set.
func (s StatusSet) Contains(code int) bool {
	for _, r := range s {
		if code >= r[0] && code <= r[1] {
			return true
		}
	}
	return false
}

// ParseStatusSet parses "200", "200-399" or a comma-separated list of both.
func ParseStatusSet(v string) (StatusSet, error) {
	var set StatusSet
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, errA := strconv.Atoi(strings.TrimSpace(lo))
		b, errB := strconv.Atoi(strings.TrimSpace(hi))
		if errA != nil || errB != nil || a < 100 || b > 599 || a > b {
			return nil, fmt.Errorf("%q is not a status code, range (200-399) or list of them", part)
		}
		set = append(set, [2]int{a, b})
	}
	return set, nil
}
