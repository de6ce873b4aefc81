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
