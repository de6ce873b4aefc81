# Serverless health endpoints for AWS, in Go.
# `make dev` runs it locally, `make test` passes the tests; see README.md.

SHELL := /bin/bash
GO    ?= go
FUNCTIONS := health canary gate
ARCHES    := arm64 amd64
HOST_ARCH := $(shell $(GO) env GOARCH)
include mk/kinds.mk
GOFLAGS_BUILD := -tags $(BUILD_TAGS) -trimpath -ldflags "-s -w"

.PHONY: all build test test-oldgo unit lint lint-go bench coldstart run tools local-up local-down dev fuzz fuzz-brief sam-local

all: build

## build: linux bootstraps for every function and architecture, in build/<function>/<arch>/bootstrap
##   make build KINDS=dynamodb,sqs [CONTROLS=drain,token,checksparameter]: link only those kinds and controls (mk/kinds.mk)
build: $(foreach f,$(wildcard $(addprefix functions/,$(FUNCTIONS))),$(foreach a,$(ARCHES),build/$(notdir $(f))/$(a)/bootstrap))

build/%/bootstrap: FORCE
	@mkdir -p $(@D)
	CGO_ENABLED=0 GOOS=linux GOARCH=$(notdir $(*)) $(GO) build $(GOFLAGS_BUILD) -o $@ ./functions/$(patsubst %/,%,$(dir $(*)))

FORCE:

## tools: Debian's PostgreSQL, MariaDB, Redis and Chromium, and .venv (LocalStack, moto, SAM CLI, cfn-lint), pinned
tools:
	bash scripts/tools.sh

## local-up: PostgreSQL :55432, MariaDB :53306, Redis :56379, LocalStack :4566, moto :4580 on 127.0.0.1
##   (LOCAL_PG_PORT, LOCAL_MY_PORT, LOCAL_REDIS_PORT, LOCAL_LS_PORT, LOCAL_MOTO_PORT move them); writes .local/env
local-up: tools
	bash scripts/local-up.sh

## local-down: stops the local stack (make local-down PURGE=1 also deletes its state dir under /var/tmp)
local-down:
	bash scripts/local-down.sh $(if $(PURGE),--purge)

## test: lint (Go and IaC), the local stack, every Go test with the race detector, the IaC
## tests (CDK assertions, SAM/CDK parity), the adoption examples (example-cdk, example-sam),
## the real sam local (sam-local), brief fuzzing, then the PostgreSQL drill
test: lint local-up test-oldgo
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory test-iac
	$(MAKE) --no-print-directory example-cdk
	$(MAKE) --no-print-directory example-sam
	$(MAKE) --no-print-directory sam-local
	$(MAKE) --no-print-directory fuzz-brief
	bash scripts/drill-pg.sh

## test-oldgo: the library's packages and examples with the oldest Go that go.mod's go line
## allows (the toolchain line pins the newer Go everything else builds with)
GO_OLDEST   := go$(shell sed -n 's/^go //p' go.mod)
LIBRARY_PKGS := ./pkg/health/... ./pkg/healthhttp/... ./pkg/healthjson/... ./pkg/lambdahttp/... ./pkg/reqlog/... ./pkg/uptime/... \
  ./pkg/checks ./pkg/checks/httpcheck/... ./pkg/checks/tcp/... ./internal/safelog/... ./examples/...
test-oldgo:
	GOTOOLCHAIN=$(GO_OLDEST) $(GO) test -count=1 $(LIBRARY_PKGS)

FUZZTIME ?= 2m
FUZZ_TARGETS := ./pkg/lambdahttp:FuzzInvoke ./pkg/checkbuild:FuzzLoad

## fuzz: each fuzz target for $(FUZZTIME) (make fuzz FUZZTIME=10m)
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $${t%%:*} || exit 1; \
	done

## fuzz-brief: each fuzz target for 10s, part of make test
fuzz-brief:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=10s

## unit: the Go tests alone, without lint
unit:
	$(GO) test -race -count=1 ./...

## lint: gofmt and go vet, then cfn-lint and sam validate --lint on both templates (lint-iac)
lint: lint-go lint-iac

## lint-go: gofmt and go vet
lint-go:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: every benchmark, then the bootstrap sizes (figures go to docs/PERFORMANCE.md)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./pkg/... ./functions/...
	@for f in build/*/*/bootstrap; do printf '%s %s bytes\n' "$$f" "$$(stat -c %s "$$f")"; done

## dev: local stack up, health API on 127.0.0.1:8080 checking it, canary run once; Ctrl-C stops all
##   make dev SAM=1: the HTTP API through the real `sam local start-api` instead (see sam-local)
dev: tools
	SAM=$(SAM) bash scripts/dev.sh

## sam-local: the real `sam build`, `sam local invoke` (every function, sample events) and
##   `sam local start-api` (each route) against the local stack, in containers of a dockerd of
##   its own (arm64 through qemu); asserts every answer, then stops all it started
sam-local: local-up
	bash scripts/sam-local.sh

## coldstart: cold starts at Lambda's CPU shares (128 MB, 256 MB) and on a whole core, RUNS times:
##   spawn to first 200 beside alexliesenfeld/health, then both functions through the emulator
##   (make coldstart BEFORE=<revision> also measures that revision's health bootstrap)
RUNS ?= 10
coldstart: local-up
	BEFORE=$(BEFORE) VARIANTS="$(VARIANTS)" bash scripts/coldstart.sh $(RUNS)

## run: the health API on 127.0.0.1:$${PORT:-8080}
run:
	$(GO) run ./functions/health

# SAM's Makefile build targets and the IaC targets (lint-iac, synth, sam-build, test-iac).
# Included last so that `all` stays the default goal.
include mk/sam.mk mk/iac.mk mk/examples.mk
