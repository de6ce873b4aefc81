# The adoption examples: the orders service adopting lambdahealth in its own app.
#
#   make example-cdk   cdk synth of examples/cdkapp (OrdersService, with healthstack.NewHealth)
#                      to examples/cdkapp/cdk.out/OrdersService.template.json, then the
#                      example's assertions on that file (grants on exactly the table's and
#                      the queue's ARNs, HEALTH_CHECKS by Ref, no parameter to fill in)
#   make example-sam   `sam validate --lint` and `sam build` of examples/samapp (the same service
#                      in SAM, nesting template.yaml as an AWS::Serverless::Application)
#   make grant-check   before `sam deploy`: each check's ARN and the grant parameter that covers
#                      it, from samconfig.toml's parameter_overrides (CONFIG_ENV, default
#                      "default"); fails when a check is not covered (infra/grantcheck)
#
# Offline like the IaC targets (mk/iac.mk): the pinned CDK CLI, no credentials, no lookups.

ifndef LAMBDAHEALTH_EXAMPLES_MK
LAMBDAHEALTH_EXAMPLES_MK := 1

include $(dir $(lastword $(MAKEFILE_LIST)))iac.mk

EXAMPLE_CDK := $(IAC_ROOT)/examples/cdkapp

CONFIG_ENV ?= default

EXAMPLE_SAM := $(IAC_ROOT)/examples/samapp

.PHONY: example-cdk example-sam grant-check

## example-cdk: examples/cdkapp/cdk.out/OrdersService.template.json and its assertions
example-cdk: iac-cli iac-bootstraps
	@echo "==> cdk synth OrdersService (examples/cdkapp)"
	@cd $(EXAMPLE_CDK) && $(IAC_ENV) NODE_NO_WARNINGS=1 $(IAC_CDK) synth --quiet --no-notices --no-version-reporting OrdersService
	@test -s $(EXAMPLE_CDK)/cdk.out/OrdersService.template.json && echo "    examples/cdkapp/cdk.out/OrdersService.template.json"
	@echo "==> go test (examples/cdkapp) on that template"
	@cd $(EXAMPLE_CDK) && $(IAC_GO) vet ./... && CDKAPP_TEMPLATE=cdk.out/OrdersService.template.json $(IAC_GO) test -count=1 ./...

## example-sam: sam validate --lint and sam build (no container) of examples/samapp
example-sam: iac-tools
	@echo "==> sam validate --lint (examples/samapp)"
	@cd $(EXAMPLE_SAM) && $(IAC_ENV) $(IAC_VENV)/bin/sam validate --lint --template-file template.yaml --region us-east-1
	@echo "==> sam build (examples/samapp, the nested application's functions through mk/sam.mk)"
	@cd $(EXAMPLE_SAM) && $(IAC_ENV) MAKEFILES=$(IAC_ROOT)/mk/sam.mk $(IAC_VENV)/bin/sam build \
		--template-file template.yaml --build-dir .aws-sam/build --build-in-source
	@test -x $(EXAMPLE_SAM)/.aws-sam/build/Health/HealthFunction/bootstrap && echo "    examples/samapp/.aws-sam/build/Health/HealthFunction/bootstrap"

## grant-check: the checks of samconfig.toml [CONFIG_ENV] that no grant parameter covers (make grant-check CONFIG_ENV=prod)
grant-check:
	@cd $(IAC_INFRA) && $(IAC_GO) run ./grantcheck -config $(IAC_ROOT)/samconfig.toml -config-env $(CONFIG_ENV)

endif
