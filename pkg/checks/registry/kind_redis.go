//go:build !kinds || kind_redis

package registry

import (
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
)

func init() { register(redis.Type, func() checks.Spec { return new(redis.Spec) }) }
