# `make bench`: the scale benchmark (bench/README.md). Generates clusters of
# BENCH_SIZES workloads into $(BENCH_DIR) (kept between runs: regenerated only when the
# generator changes), times npcheck's commands against the libyaml parse-only floor and
# prints a table, also written to $(BENCH_DIR)/results.txt. Not part of `make check`.
# Release build only: with SANITIZE set the numbers would measure the sanitizers.

BENCH_DIR ?= build/bench
BENCH_SIZES ?= 1000 10000 50000
# The pod-heavy shapes (bench/README.md), in pods: BENCH_SCALE=small (the default) runs
# each at about 15 MB, full at about 15, 50 and 150 MB, limits the dump at the
# Kubernetes limits (150k pods in 5k namespaces; 35k policies; about 325 MB).
BENCH_SCALE ?= small
BENCH_SHAPES ?= deploy pods dump
ifeq ($(BENCH_SCALE),full)
BENCH_PODS_SIZES ?= 8400 28000 84000
BENCH_DUMP_SIZES ?= 7000 23000 70000
else ifeq ($(BENCH_SCALE),limits)
BENCH_PODS_SIZES ?=
BENCH_DUMP_SIZES ?= 150000
else
BENCH_PODS_SIZES ?= 8400
BENCH_DUMP_SIZES ?= 7000
endif
BENCH_LIST_SECONDS ?= 20
BENCH_MATRIX_SECONDS ?= 5
BENCH_RUNS ?= 5
# Each run follows a parse-only run of the same file; the ratios are the pairs' median.
BENCH_PAIRED ?= 1
# Inputs up to this size (the ~15 MB pod shapes, the 1k Deployment cluster) also get their
# instructions counted by callgrind: a ratio a busy machine does not move. 0: off.
BENCH_INSTR_MAX ?= 17000000
BENCH_SMALL_MAX ?= 10000
BENCH_REPEAT_MAX_S ?= 30
BENCH_LIST_MAX ?= 50000
BENCH_MATRIX_MAX ?= 10000
BENCH_TIMEOUT ?= 1800
BENCH_NPCHECK ?= $(BUILD)/npcheck
# docs: `---` documents; list: one `kind: List` document, as `kubectl get -o yaml` prints.
BENCH_FORMAT ?= docs

BENCH_TOOLS := $(BENCH_DIR)/gen_cluster $(BENCH_DIR)/parse_only $(BENCH_DIR)/runstat
BENCH_SUFFIX = $(if $(filter list,$(BENCH_FORMAT)),.list)
BENCH_CLUSTERS = $(if $(filter deploy,$(BENCH_SHAPES)),$(BENCH_SIZES:%=$(BENCH_DIR)/cluster-%$(BENCH_SUFFIX).yaml)) \
	$(if $(filter pods,$(BENCH_SHAPES)),$(BENCH_PODS_SIZES:%=$(BENCH_DIR)/pods-%.yaml)) \
	$(if $(filter dump,$(BENCH_SHAPES)),$(BENCH_DUMP_SIZES:%=$(BENCH_DIR)/dump-%.yaml))
BENCH_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -O2 -g
YAML_CFLAGS = $(shell $(PKG_CONFIG) --cflags yaml-0.1 2>/dev/null)
YAML_LIBS = $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)

.PHONY: bench bench-tools bench-clusters bench-clean

ifneq ($(SANITIZE),)
ifneq ($(filter bench,$(MAKECMDGOALS)),)
$(error make bench measures the release build: run it without SANITIZE)
endif
endif

bench: $(BENCH_NPCHECK) $(BENCH_TOOLS) $(BENCH_CLUSTERS)
	@NPCHECK=$(BENCH_NPCHECK) BENCH_DIR=$(BENCH_DIR) BENCH_SIZES="$(BENCH_SIZES)" \
		BENCH_RUNS=$(BENCH_RUNS) BENCH_SMALL_MAX=$(BENCH_SMALL_MAX) \
		BENCH_REPEAT_MAX_S=$(BENCH_REPEAT_MAX_S) BENCH_LIST_MAX=$(BENCH_LIST_MAX) \
		BENCH_MATRIX_MAX=$(BENCH_MATRIX_MAX) BENCH_TIMEOUT=$(BENCH_TIMEOUT) \
		BENCH_SUFFIX=$(BENCH_SUFFIX) BENCH_SHAPES="$(BENCH_SHAPES)" \
		BENCH_PODS_SIZES="$(BENCH_PODS_SIZES)" BENCH_DUMP_SIZES="$(BENCH_DUMP_SIZES)" \
		BENCH_LIST_SECONDS=$(BENCH_LIST_SECONDS) BENCH_MATRIX_SECONDS=$(BENCH_MATRIX_SECONDS) \
		BENCH_PAIRED=$(BENCH_PAIRED) BENCH_INSTR_MAX=$(BENCH_INSTR_MAX) \
		sh bench/run.sh

bench-tools: $(BENCH_TOOLS)
bench-clusters: $(BENCH_CLUSTERS)

$(BENCH_DIR)/gen_cluster $(BENCH_DIR)/runstat: $(BENCH_DIR)/%: bench/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BENCH_CFLAGS) -o $@ $<

$(BENCH_DIR)/parse_only: bench/parse_only.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BENCH_CFLAGS) $(YAML_CFLAGS) -o $@ $< $(YAML_LIBS)

# Written under a temporary name so an interrupted run leaves no truncated cluster.
$(BENCH_DIR)/cluster-%.yaml: $(BENCH_DIR)/gen_cluster
	@echo "  GEN     $@"
	@$(BENCH_DIR)/gen_cluster -o $@.tmp $* && mv $@.tmp $@

$(BENCH_DIR)/cluster-%.list.yaml: $(BENCH_DIR)/gen_cluster
	@echo "  GEN     $@"
	@$(BENCH_DIR)/gen_cluster -l -o $@.tmp $* && mv $@.tmp $@

$(BENCH_DIR)/pods-%.yaml: $(BENCH_DIR)/gen_cluster
	@echo "  GEN     $@"
	@$(BENCH_DIR)/gen_cluster -P -o $@.tmp $* && mv $@.tmp $@

$(BENCH_DIR)/dump-%.yaml: $(BENCH_DIR)/gen_cluster
	@echo "  GEN     $@"
	@$(BENCH_DIR)/gen_cluster -D -o $@.tmp $* && mv $@.tmp $@

bench-clean:
	rm -rf $(BENCH_DIR)
