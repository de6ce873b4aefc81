# The build knobs KINDS and CONTROLS: which check kinds and which controls a
# bootstrap links (pkg/checks/registry, pkg/controls). Read from the command
# line or the environment, comma-separated:
#
#   make build KINDS=dynamodb,sqs                    only those two kinds, no control
#   make build KINDS=http,tcp CONTROLS=drain,token   two kinds, the drain switch and the token secret
#   KINDS=dynamodb,sqs sam build                     the same through SAM (mk/sam.mk)
#
# Without KINDS every kind and every control is linked (the default build).
# A bootstrap whose configuration names a kind or control it lacks fails at
# start-up naming it and these knobs. Included by the root Makefile and by
# mk/sam.mk; the guard keeps a double read harmless.

ifndef LAMBDAHEALTH_KINDS_MK
LAMBDAHEALTH_KINDS_MK := 1

KINDS_MK_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
# Every kind and control: one file each, kind_<type>.go and control_<name>.go.
ALL_KINDS    := $(sort $(patsubst kind_%.go,%,$(notdir $(wildcard $(KINDS_MK_ROOT)/pkg/checks/registry/kind_*.go))))
ALL_CONTROLS := $(sort $(patsubst control_%.go,%,$(notdir $(wildcard $(KINDS_MK_ROOT)/pkg/controls/control_*.go))))

kinds_comma    := ,
kinds_list     := $(sort $(subst $(kinds_comma), ,$(KINDS)))
controls_list  := $(sort $(subst $(kinds_comma), ,$(CONTROLS)))
kinds_join      = $(subst $(eval) ,$(kinds_comma),$(strip $(1)))

ifneq ($(filter-out $(ALL_KINDS),$(kinds_list)),)
$(error KINDS: unknown kind(s) $(filter-out $(ALL_KINDS),$(kinds_list)) (known: $(call kinds_join,$(ALL_KINDS))))
endif
ifneq ($(filter-out $(ALL_CONTROLS),$(controls_list)),)
$(error CONTROLS: unknown control(s) $(filter-out $(ALL_CONTROLS),$(controls_list)) (known: $(call kinds_join,$(ALL_CONTROLS))))
endif
ifneq ($(and $(controls_list),$(if $(kinds_list),,x)),)
$(error CONTROLS=$(CONTROLS) needs KINDS: without KINDS every kind and control is linked)
endif

# BUILD_TAGS is the -tags value of every bootstrap build.
BUILD_TAGS := $(call kinds_join,lambda.norpc $(if $(kinds_list),kinds $(addprefix kind_,$(kinds_list)) $(addprefix control_,$(controls_list))))

endif
