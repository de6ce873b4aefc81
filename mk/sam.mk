# SAM's Makefile build method for the Go functions.
#
# template.yaml marks every function `Metadata: BuildMethod: makefile`, so `sam build`
# runs `make build-HealthFunction`, `make build-CanaryFunction` and the gates' `make build-Gate*Function` against the root
# Makefile (which includes this file) with ARTIFACTS_DIR set to the function's
# directory under .aws-sam/build. Each target builds a linux/arm64 `bootstrap` there
# with the same flags as `make build`: CGO off, -tags lambda.norpc, -trimpath,
# -ldflags "-s -w". No container, no Docker: Go cross-compiles. KINDS and
# CONTROLS from the environment choose the kinds and controls it links, as
# for `make build` (mk/kinds.mk): `KINDS=dynamodb,sqs sam build`.
#
# `make sam-build` (mk/iac.mk) also passes this file through MAKEFILES, so it works
# whether or not the root Makefile includes it; the guard keeps a double read harmless.

ifndef LAMBDAHEALTH_SAM_MK
LAMBDAHEALTH_SAM_MK := 1

# The repository root, wherever make runs (SAM may run it in a scratch copy).
SAM_MK_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
SAM_GO      ?= $(if $(GO),$(GO),go)
include $(SAM_MK_ROOT)/mk/kinds.mk
SAM_GOFLAGS := -tags $(BUILD_TAGS) -trimpath -ldflags "-s -w"

.PHONY: build-HealthFunction build-CanaryFunction build-GatePreTrafficFunction build-GatePostTrafficFunction

## build-HealthFunction: (sam build) functions/health as $(ARTIFACTS_DIR)/bootstrap, linux/arm64
build-HealthFunction:
	$(call sam_bootstrap,health)

## build-CanaryFunction: (sam build) functions/canary as $(ARTIFACTS_DIR)/bootstrap, linux/arm64
build-CanaryFunction:
	$(call sam_bootstrap,canary)

## build-GatePreTrafficFunction, build-GatePostTrafficFunction: (sam build) functions/gate, both hooks
build-GatePreTrafficFunction build-GatePostTrafficFunction:
	$(call sam_bootstrap,gate)

# sam_bootstrap builds ./functions/$(1) into $(ARTIFACTS_DIR)/bootstrap.
define sam_bootstrap
	@if [ -z "$(ARTIFACTS_DIR)" ]; then echo "ARTIFACTS_DIR is not set: sam build sets it (or: make $@ ARTIFACTS_DIR=/tmp/out)" >&2; exit 2; fi
	@mkdir -p "$(ARTIFACTS_DIR)"
	cd "$(SAM_MK_ROOT)" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(SAM_GO) build $(SAM_GOFLAGS) -o "$(ARTIFACTS_DIR)/bootstrap" ./functions/$(1)
endef

endif
