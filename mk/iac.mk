# Infrastructure as code: template.yaml (SAM) and infra/ (CDK in Go).
#
#   make lint-iac   cfn-lint on template.yaml and on the CDK templates (default and fully
#                   configured), on both for each Route 53 variant, `sam validate --lint`,
#                   and checkov on template.yaml and both CDK templates (0 failed checks)
#   make synth      infra/cdk.out/$(IAC_STACK).template.json with the pinned CDK CLI
#                   (extra context: make synth IAC_CONTEXT="-c EnvironmentName=prod")
#   make sam-build  `sam build`: both bootstraps (linux/arm64) in .aws-sam/build, no Docker
#   make test-iac   infra/ Go tests (assertions) and the SAM/CDK parity test
#
# Each target installs what it needs: the Python tools in .venv (scripts/tools.sh)
# and the CDK CLI in infra/node_modules (npm ci, only when package-lock.json changed).
# None of them calls AWS: the tools run without credentials (see IAC_ENV), with a fixed
# region, and the CDK stack is env-agnostic (no lookups).

ifndef LAMBDAHEALTH_IAC_MK
LAMBDAHEALTH_IAC_MK := 1

IAC_ROOT     := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
IAC_GO       ?= $(if $(GO),$(GO),go)
IAC_VENV     := $(IAC_ROOT)/.venv
IAC_INFRA    := $(IAC_ROOT)/infra
IAC_CDK      := $(IAC_INFRA)/node_modules/.bin/cdk
IAC_STACK    ?= LambdaHealth
IAC_CONTEXT  ?=
IAC_TEMPLATE := $(IAC_INFRA)/cdk.out/$(IAC_STACK).template.json
IAC_SCRATCH  := $(IAC_ROOT)/.aws-sam/iac
# Configurations linted besides the default and the full one (infra/testdata/parity-<name>.json).
IAC_VARIANTS ?= route53-https route53-alarm
# checkov: CloudFormation checks only, offline, failures and the summary only.
IAC_CHECKOV_FLAGS := --framework cloudformation --skip-download --quiet --compact

# Environment for every tool here: no AWS account is reachable. No credentials at all
# (the CDK CLI asks STS for the default account whenever it finds some, even for
# synth), no shared config or profile, no instance metadata; a fixed region; no
# telemetry, notices or version checks.
IAC_ENV := env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
	-u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u AWS_WEB_IDENTITY_TOKEN_FILE \
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
	AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 PYTHONDONTWRITEBYTECODE=1 \
	SAM_CLI_TELEMETRY=0 CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true \
	JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

.PHONY: lint-iac synth sam-build test-iac iac-tools iac-cli iac-bootstraps

## iac-tools: the Python venv (cfn-lint, SAM CLI, aws-sam-translator, checkov) via scripts/tools.sh
iac-tools:
	@bash $(IAC_ROOT)/scripts/tools.sh

## iac-cli: the pinned CDK CLI (infra/package-lock.json) in infra/node_modules
iac-cli: $(IAC_INFRA)/node_modules/.package-lock.json

$(IAC_INFRA)/node_modules/.package-lock.json: $(IAC_INFRA)/package.json $(IAC_INFRA)/package-lock.json
	@echo "==> npm ci (infra/: aws-cdk CLI)"
	@cd $(IAC_INFRA) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## iac-bootstraps: build/<function>/arm64/bootstrap, which the CDK app packages (make build does all arches)
iac-bootstraps:
	@$(MAKE) --no-print-directory -C $(IAC_ROOT) -f Makefile build/health/arm64/bootstrap build/canary/arm64/bootstrap build/gate/arm64/bootstrap

## synth: infra/cdk.out/$(IAC_STACK).template.json, offline (pinned CLI, no lookups, no notices)
synth: iac-cli iac-bootstraps
	@echo "==> cdk synth $(IAC_STACK) $(IAC_CONTEXT)"
	@cd $(IAC_INFRA) && $(IAC_ENV) NODE_NO_WARNINGS=1 $(IAC_CDK) synth --quiet --no-notices --no-version-reporting \
		$(IAC_CONTEXT) $(IAC_STACK)
	@test -s $(IAC_TEMPLATE) && echo "    $(IAC_TEMPLATE:$(IAC_ROOT)/%=%)"

## lint-iac: cfn-lint on template.yaml and the CDK templates; sam validate --lint; checkov
lint-iac: iac-tools synth
	@# The default synth leaves every optional part out: the fully configured stack too.
	@echo "==> cdk synth with infra/testdata/parity-full.json"
	@rm -rf $(IAC_SCRATCH)/full && mkdir -p $(IAC_SCRATCH)/full
	@cd $(IAC_INFRA) && $(IAC_ENV) CDK_OUTDIR=$(IAC_SCRATCH)/full \
		CDK_CONTEXT_JSON="$$(cat testdata/parity-full.json)" $(IAC_GO) run .
	@# Each Route 53 variant (infra/testdata/parity-route53-*.json): the CDK stack, and
	@# template.yaml as CloudFormation gets it (SAM transform with those values as defaults).
	@for v in $(IAC_VARIANTS); do \
		echo "==> cdk synth and SAM transform with infra/testdata/parity-$$v.json"; \
		rm -rf $(IAC_SCRATCH)/$$v && mkdir -p $(IAC_SCRATCH)/$$v || exit 1; \
		(cd $(IAC_INFRA) && $(IAC_ENV) CDK_OUTDIR=$(IAC_SCRATCH)/$$v \
			CDK_CONTEXT_JSON="$$(cat testdata/parity-$$v.json)" $(IAC_GO) run .) || exit 1; \
		(cd $(IAC_INFRA)/parity && $(IAC_ENV) $(IAC_VENV)/bin/python render_sam.py \
			../testdata/parity-$$v.json $(IAC_SCRATCH)/$$v/sam.template.json) || exit 1; \
	done
	@# One cfn-lint run over every template (it loads its schemas once).
	@echo "==> cfn-lint template.yaml, $(IAC_TEMPLATE:$(IAC_ROOT)/%=%), the full stack and each variant (both templates)"
	@cd $(IAC_ROOT) && $(IAC_ENV) $(IAC_VENV)/bin/cfn-lint template.yaml $(IAC_TEMPLATE) \
		$(IAC_SCRATCH)/full/$(IAC_STACK).template.json \
		$(foreach v,$(IAC_VARIANTS),$(IAC_SCRATCH)/$(v)/$(IAC_STACK).template.json $(IAC_SCRATCH)/$(v)/sam.template.json)
	@echo "==> sam validate --lint"
	@cd $(IAC_ROOT) && $(IAC_ENV) $(IAC_VENV)/bin/sam validate --lint --template-file template.yaml --region us-east-1
	@# Security scan: 0 failed checks; every skip is in the template with its reason
	@# (docs/DEPLOY.md, "Security"). --skip-download: no call to Prisma Cloud.
	@echo "==> checkov template.yaml, $(IAC_TEMPLATE:$(IAC_ROOT)/%=%), the CDK stack with parity-full.json"
	@cd $(IAC_ROOT) && $(IAC_ENV) $(IAC_VENV)/bin/checkov $(IAC_CHECKOV_FLAGS) -f template.yaml \
		-f $(IAC_TEMPLATE) -f $(IAC_SCRATCH)/full/$(IAC_STACK).template.json

## sam-build: sam build through mk/sam.mk (linux/arm64, no container) into .aws-sam/build
sam-build: iac-tools
	@echo "==> sam build (makefile method, in source, no container)"
	@cd $(IAC_ROOT) && $(IAC_ENV) MAKEFILES=$(IAC_ROOT)/mk/sam.mk $(IAC_VENV)/bin/sam build \
		--template-file template.yaml --build-dir .aws-sam/build --build-in-source --parallel
	@for fn in HealthFunction CanaryFunction GatePreTrafficFunction GatePostTrafficFunction; do \
		f=$(IAC_ROOT)/.aws-sam/build/$$fn/bootstrap; \
		test -x $$f || { echo "sam-build: $$f missing" >&2; exit 1; }; \
		test "$$(od -An -tx1 -j18 -N2 $$f | tr -d ' ')" = b700 || { echo "sam-build: $$f is not linux/arm64" >&2; exit 1; }; \
		echo "    .aws-sam/build/$$fn/bootstrap (ELF aarch64, $$(du -h $$f | cut -f1))"; \
	done

## test-iac: infra/ Go tests (vet, assertions) and the SAM/CDK parity test
test-iac: iac-tools
	@echo "==> go vet, go test (infra/)"
	@cd $(IAC_INFRA) && $(IAC_GO) vet ./...
	@cd $(IAC_INFRA) && $(IAC_ENV) $(IAC_GO) test -count=1 ./...
	@echo "==> parity: template.yaml (SAM translator) vs infra/ (CDK)"
	@cd $(IAC_ROOT) && $(IAC_ENV) $(IAC_VENV)/bin/python -m unittest discover -s infra/parity -t infra/parity -v

endif
