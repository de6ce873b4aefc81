package lambdahttp

import (
	"context"
)

// invocationKey is the context key of the invocation a request came in.
type invocationKey struct{}

// invocation is what a handler may ask of the invocation that carries its
// request; it is put into the request's context once, as one value.
type invocation struct {
	trigger   Trigger
	iamCaller string
}

// noInvocation answers for a context outside any invocation.
var noInvocation invocation

// invocationContext is a request's context: its parent plus the
// invocation, in one allocation.
type invocationContext struct {
	context.Context
	inv invocation
}

// Value returns the invocation for invocationKey, else asks the parent.
func (c *invocationContext) Value(key any) any {
	if key == (invocationKey{}) {
		return &c.inv
	}
	return c.Context.Value(key)
}

func invocationOf(ctx context.Context) *invocation {
	inv, _ := ctx.Value(invocationKey{}).(*invocation)
	if inv == nil {
		return &noInvocation
	}
	return inv
}

// IAMCaller returns the IAM principal (user or role ARN) that API Gateway or
// the Function URL authorized, read from the event's request context (REST:
// identity.userArn; HTTP API and Function URL: authorizer.iam.userArn), never
// from a header. ok is false when the route is not IAM-authorized.
func IAMCaller(ctx context.Context) (principal string, ok bool) {
	p := invocationOf(ctx).iamCaller
	return p, p != ""
}

// TriggerOf returns the trigger that carried the request, or "" outside an
// invocation.
func TriggerOf(ctx context.Context) Trigger { return invocationOf(ctx).trigger }
