package awsfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// codeDeployTarget is the X-Amz-Target prefix of CodeDeploy's operations.
const codeDeployTarget = "CodeDeploy_20141006."

// HookReport is one PutLifecycleEventHookExecutionStatus call.
type HookReport struct {
	DeploymentID string
	ExecutionID  string
	Status       string
	At           time.Time
}

// CodeDeploy is an http.Handler for GetDeployment and
// PutLifecycleEventHookExecutionStatus. Safe for concurrent use.
type CodeDeploy struct {
	mu          sync.Mutex
	deployments map[string]string
	reports     []HookReport
	notify      chan struct{}
}

// NewCodeDeploy returns an endpoint that knows no deployment yet.
func NewCodeDeploy() *CodeDeploy {
	return &CodeDeploy{deployments: map[string]string{}, notify: make(chan struct{}, 100)}
}

// AddDeployment makes GetDeployment(id) answer with appSpec as the
// revision's AppSpec content.
func (c *CodeDeploy) AddDeployment(id, appSpec string) {
	c.mu.Lock()
	c.deployments[id] = appSpec
	c.mu.Unlock()
}

// LambdaAppSpec is the AppSpec CloudFormation writes for a Lambda
// deployment of function's alias from version current to target.
func LambdaAppSpec(function, alias, current, target string) string {
	b, _ := json.Marshal(map[string]any{
		"version": 0.0,
		"Resources": []any{map[string]any{function: map[string]any{
			"Type": "AWS::Lambda::Function",
			"Properties": map[string]any{"Name": function, "Alias": alias,
				"CurrentVersion": current, "TargetVersion": target},
		}}},
	})
	return string(b)
}

// Reports returns every status reported so far, in order.
func (c *CodeDeploy) Reports() []HookReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]HookReport(nil), c.reports...)
}

// WaitReport waits up to timeout for the n-th report (counting from 1).
func (c *CodeDeploy) WaitReport(n int, timeout time.Duration) (HookReport, bool) {
	deadline := time.After(timeout)
	for {
		if r := c.Reports(); len(r) >= n {
			return r[n-1], true
		}
		select {
		case <-c.notify:
		case <-deadline:
			return HookReport{}, false
		}
	}
}

// ServeHTTP answers one JSON 1.1 request.
func (c *CodeDeploy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), codeDeployTarget)
	var in map[string]string
	if !ok || r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
		jsonError(w, http.StatusBadRequest, "SerializationException", "not a CodeDeploy JSON 1.1 request")
		return
	}
	switch op {
	case "GetDeployment":
		id := in["deploymentId"]
		c.mu.Lock()
		spec, known := c.deployments[id]
		c.mu.Unlock()
		if !known {
			jsonError(w, http.StatusBadRequest, "DeploymentDoesNotExistException", fmt.Sprintf("The deployment %s could not be found.", id))
			return
		}
		sum := sha256.Sum256([]byte(spec))
		jsonReply(w, map[string]any{"deploymentInfo": map[string]any{
			"deploymentId": id, "applicationName": "local", "deploymentGroupName": "local",
			"computePlatform": "Lambda", "status": "InProgress",
			"revision": map[string]any{"revisionType": "AppSpecContent",
				"appSpecContent": map[string]any{"content": spec, "sha256": hex.EncodeToString(sum[:])}},
		}})
	case "PutLifecycleEventHookExecutionStatus":
		status := in["status"]
		if status != "Succeeded" && status != "Failed" {
			jsonError(w, http.StatusBadRequest, "InvalidLifecycleEventHookExecutionStatusException", "status must be Succeeded or Failed")
			return
		}
		c.mu.Lock()
		_, known := c.deployments[in["deploymentId"]]
		if known {
			c.reports = append(c.reports, HookReport{DeploymentID: in["deploymentId"], ExecutionID: in["lifecycleEventHookExecutionId"], Status: status, At: time.Now()})
		}
		c.mu.Unlock()
		if !known {
			jsonError(w, http.StatusBadRequest, "DeploymentDoesNotExistException", "unknown deployment")
			return
		}
		select {
		case c.notify <- struct{}{}:
		default:
		}
		jsonReply(w, map[string]any{"lifecycleEventHookExecutionId": in["lifecycleEventHookExecutionId"]})
	default:
		jsonError(w, http.StatusBadRequest, "UnknownOperationException", "this endpoint serves GetDeployment and PutLifecycleEventHookExecutionStatus only")
	}
}

func jsonReply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(v)
}

func jsonError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}
