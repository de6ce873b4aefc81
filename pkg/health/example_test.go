package health_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func ExampleChecker_All() {
	checker, err := health.NewChecker([]health.Check{
		{
			Name:          "orders-db",
			ComponentType: health.ComponentDatastore,
			Timeout:       500 * time.Millisecond,
			Probe: func(ctx context.Context) (health.Observation, error) {
				return health.Observation{}, nil // ping the database here
			},
		},
		{
			Name:     "recommendations",
			Optional: true,
			Probe: func(ctx context.Context) (health.Observation, error) {
				return health.Observation{}, health.WithClass(health.ClassRefused, errors.New("dial tcp: refused"))
			},
		},
	}, health.WithBudget(2*time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	report := checker.All(context.Background())
	fmt.Println(report.Status)
	fmt.Println(report.Output)
	// Output:
	// warn
	// recommendations: connection refused
}

func ExampleWithDrain() {
	checker, _ := health.NewChecker(nil, health.WithDrain(func(ctx context.Context) (bool, error) {
		return true, nil // read an SSM parameter here
	}))
	fmt.Println(checker.Ready(context.Background()).Status)
	// Output: fail
}

func ExampleNewChecker() {
	// A check with nothing but a name and a probe is critical: it fails
	// readiness when its dependency is down.
	checker, err := health.NewChecker([]health.Check{{
		Name:  "orders-db",
		Probe: health.Ping(func(context.Context) error { return errors.New("dial tcp: connection refused") }),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep := checker.Ready(context.Background())
	fmt.Println(rep.Status, "-", rep.Output)
	// Output: fail - orders-db: check failed
}

func ExamplePing() {
	// Any func(ctx) error is a probe, such as (*sql.DB).PingContext.
	pingContext := func(ctx context.Context) error { return ctx.Err() }
	checker, _ := health.NewChecker([]health.Check{{Name: "db", Probe: health.Ping(pingContext)}})
	res, _ := checker.One(context.Background(), "db")
	fmt.Println(res.Key, res.Status, res.ObservedUnit)
	// Output: db:responseTime pass ms
}

func ExampleWithClass() {
	// A probe maps the errors it recognises to a safe class: callers and
	// logs see the class, never the internal error (which names the host).
	checker, _ := health.NewChecker([]health.Check{{Name: "payments", Probe: func(context.Context) (health.Observation, error) {
		return health.Observation{}, health.WithClass("unexpected status 503", errors.New("GET https://10.0.3.7/internal/health: 503"))
	}}})
	res, _ := checker.One(context.Background(), "payments")
	fmt.Println(res.Status, res.Output)
	// Output: fail unexpected status 503
}

func ExampleWithStatusListener() {
	down := true
	changes := make(chan health.StatusChange, 10)
	checker, _ := health.NewChecker([]health.Check{{
		Name: "queue", FailAfter: 2, PassAfter: 1,
		Probe: func(ctx context.Context) (health.Observation, error) {
			if down {
				return health.Observation{}, health.WithClass(health.ClassRefused, errors.New("dial tcp: refused"))
			}
			return health.Observation{}, nil
		},
	}}, health.WithCacheTTL(0), health.WithStatusListener(func(c health.StatusChange) {
		changes <- c // page, count, or log here; this runs outside every request
	}))
	for _, d := range []bool{true, true, false} {
		down = d
		fmt.Println(checker.Ready(context.Background()).Status)
	}
	for range 3 {
		c := <-changes
		fmt.Printf("%s: %q -> %s %s\n", c.Check, c.From, c.To, c.Output)
	}
	// Output:
	// warn
	// fail
	// pass
	// queue: "" -> warn failing (1 of 2): connection refused
	// queue: "warn" -> fail connection refused
	// queue: "fail" -> pass
}

// redisClient stands in for a go-redis client, whose Ping returns a
// command rather than an error.
type redisClient struct{}

type statusCmd struct{ err error }

func (c *statusCmd) Err() error { return c.err }

func (redisClient) Ping(ctx context.Context) *statusCmd { return &statusCmd{} }

func ExamplePing_redis() {
	rdb := redisClient{}
	checker, err := health.NewChecker([]health.Check{
		{Name: "cache", Probe: health.Ping(func(ctx context.Context) error { return rdb.Ping(ctx).Err() })},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(checker.All(context.Background()).Status)
	// Output: pass
}
