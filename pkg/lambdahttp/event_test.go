package lambdahttp

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	jsonv2 "github.com/go-json-experiment/json"
)

// jsonFields maps the JSON names of t's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = f.Type
	}
	return out
}

// isPresent reports whether got is present[want].
func isPresent(got, want reflect.Type) bool {
	return got.Kind() == reflect.Struct && strings.HasPrefix(got.Name(), "present[") && got.NumField() == 2 && got.Field(1).Type == want
}

// TestAnyEventCoversEveryField: the union decoded once holds every member
// of the three event types with the same Go type, so that nothing of an
// event is lost when its typed event is assembled (an aws-lambda-go
// upgrade that adds a field fails here).
func TestAnyEventCoversEveryField(t *testing.T) {
	top, ctx := jsonFields(reflect.TypeFor[anyEvent]()), jsonFields(reflect.TypeFor[anyContext]())
	if !isPresent(top["requestContext"], reflect.TypeFor[anyContext]()) {
		t.Errorf("anyEvent.RequestContext is %v; want present[anyContext]", top["requestContext"])
	}
	special := map[string]bool{"requestContext": true}
	for _, et := range []reflect.Type{reflect.TypeFor[events.APIGatewayProxyRequest](), reflect.TypeFor[events.APIGatewayV2HTTPRequest](), reflect.TypeFor[events.ALBTargetGroupRequest]()} {
		for name, typ := range jsonFields(et) {
			if special[name] {
				rc, _ := et.FieldByName("RequestContext")
				for cname, ctyp := range jsonFields(rc.Type) {
					got, ok := ctx[cname]
					switch {
					case !ok:
						t.Errorf("anyContext has no %q (%s.RequestContext)", cname, et.Name())
					case cname == "authorizer", isPresent(got, ctyp):
					case got != ctyp:
						t.Errorf("anyContext.%s is %v; %s has %v", cname, got, et.Name(), ctyp)
					}
				}
				continue
			}
			if got, ok := top[name]; !ok || got != typ {
				t.Errorf("anyEvent.%s is %v; %s has %v", name, got, et.Name(), typ)
			}
		}
	}
}

// TestAnyEventAssemblesTheTypedEvent: for every events file, the event
// assembled from the union equals the event decoded straight into its type.
func TestAnyEventAssemblesTheTypedEvent(t *testing.T) {
	files, _ := filepath.Glob("../../events/health-*.json")
	for _, file := range files {
		payload, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var ev anyEvent
		if err := decode(payload, &ev); err != nil {
			t.Fatal(err)
		}
		trigger, err := ev.trigger()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var got, want any
		switch trigger {
		case TriggerALB:
			var w events.ALBTargetGroupRequest
			got, err = ev.alb(), jsonv2.Unmarshal(payload, &w)
			want = w
		case TriggerAPIGatewayV1:
			var w events.APIGatewayProxyRequest
			got, _ = ev.v1()
			err, want = jsonv2.Unmarshal(payload, &w), &w
			want = w
		default:
			var w events.APIGatewayV2HTTPRequest
			got, _ = ev.v2()
			err = jsonv2.Unmarshal(payload, &w)
			want = w
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: assembled %+v\nwant %+v", filepath.Base(file), got, want)
		}
	}
}
