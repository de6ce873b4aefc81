package checks

import (
	"os"
	"sync"
)

// AWSConfigProblem is the safe text of a failure to load the AWS
// configuration (the SDK's error may name profiles and files).
const AWSConfigProblem = "the AWS configuration could not be loaded (check AWS_REGION, AWS_PROFILE and the credentials)"

// Env is what the checks of one process share: the environment they read,
// and values a kind makes once and every check of the kind reuses (such as
// an AWS client: package awscheck keeps the AWS configuration and clients
// here, so that only the kinds that call AWS link the AWS SDK). Warm
// invocations reuse them all.
type Env struct {
	getenv func(string) string

	mu     sync.Mutex
	shared map[any]any
}

// NewEnv returns an Env that reads the environment with getenv; nil means
// os.Getenv.
func NewEnv(getenv func(string) string) *Env {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Env{getenv: getenv, shared: map[any]any{}}
}

// Getenv reads an environment variable; a nil Env reads the process's.
func (e *Env) Getenv(key string) string {
	if e == nil {
		return os.Getenv(key)
	}
	return e.getenv(key)
}

// Shared returns the env's value for key, made by make the first time it
// succeeds: one value per key for every check of the process. Keys are
// compared as map keys; use a type of the calling package to keep them
// apart from others'. A nil Env shares nothing: it calls make every time.
func Shared[T any](e *Env, key any, make func() (T, error)) (T, error) {
	if e == nil {
		return make()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if v, ok := e.shared[key].(T); ok {
		return v, nil
	}
	v, err := make()
	if err == nil {
		e.shared[key] = v
	}
	return v, err
}
