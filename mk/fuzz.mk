# `make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="fuzz_load ..."]`: build the libFuzzer targets
# of tests/fuzz/ with clang (ASan + UBSan) into build/fuzz/ and run each for N seconds on a
# corpus seeded from the repository's manifests; fails on any crash, leak, sanitizer report,
# timeout or out-of-memory. `make fuzz-build` only builds them.
# Crashing inputs land in build/fuzz/artifacts/; reproduce with build/fuzz/TARGET FILE.
# FUZZ_ARENA=checked (default) links tests/fuzz/arena_checked.c instead of src/arena.c: one
# heap block per allocation, so a pointer into a tree that arena_reset dropped is a
# use-after-free ASan sees; FUZZ_ARENA=real fuzzes the bump allocator itself.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 65536
FUZZ_RSS_MB ?= 2048
FUZZ_TIMEOUT ?= 30
FUZZ_ARGS ?=
FUZZ_DIR := build/fuzz
FUZZ_ALL := fuzz_load fuzz_selector_cidr fuzz_lint fuzz_parts fuzz_glob fuzz_escape fuzz_fold
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -O1 -g \
	-Iinclude -Isrc $(PKG_CFLAGS) -DNPCHECK_VERSION='"$(VERSION)"' -MMD -MP
FUZZ_ARENA ?= checked
ifeq ($(FUZZ_ARENA),checked)
FUZZ_LIB_OBJS := $(patsubst src/%.c,$(FUZZ_DIR)/lib/%.o,$(filter-out src/arena.c,$(LIB_SRCS))) \
	$(FUZZ_DIR)/obj/arena_checked.o
else
FUZZ_LIB_OBJS := $(LIB_SRCS:src/%.c=$(FUZZ_DIR)/lib/%.o)
endif
FUZZ_BINS := $(FUZZ_ALL:%=$(FUZZ_DIR)/%)
# Objects are real targets, not intermediates make would delete.
.SECONDARY: $(FUZZ_ALL:%=$(FUZZ_DIR)/obj/%.o)

.PHONY: fuzz fuzz-build

# Relink when the arena choice changes.
$(FUZZ_DIR)/arena.$(FUZZ_ARENA):
	@mkdir -p $(dir $@)
	@rm -f $(FUZZ_DIR)/arena.*
	@touch $@

fuzz-build: $(FUZZ_BINS)

# The flags of this build, tracked as the main build's are (Makefile: WRITE_FLAGS).
$(FUZZ_DIR)/FLAGS: STAMP_FLAGS = $(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) $(PKG_LIBS)
$(FUZZ_DIR)/FLAGS: FORCE
	@$(WRITE_FLAGS)

# The library is built for coverage feedback (fuzzer-no-link); each target links libFuzzer.
$(FUZZ_DIR)/lib/%.o: src/%.c $(FUZZ_DIR)/FLAGS
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_DIR)/obj/%.o: tests/fuzz/%.c $(FUZZ_DIR)/FLAGS
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

# An archive, as for the unit tests: a target pulls in only the modules it uses.
$(FUZZ_DIR)/libnpcheck.a: $(FUZZ_LIB_OBJS) $(FUZZ_DIR)/arena.$(FUZZ_ARENA)
	@rm -f $@
	@ar rcs $@ $(FUZZ_LIB_OBJS)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/fuzz_%.o $(FUZZ_DIR)/libnpcheck.a $(FUZZ_DIR)/FLAGS
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_DIR)/libnpcheck.a $(PKG_LIBS) -lm -pthread

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) \
		FUZZ_RSS_MB=$(FUZZ_RSS_MB) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) FUZZ_ARGS="$(FUZZ_ARGS)" \
		sh tests/fuzz/run.sh $(FUZZ_TARGETS)

-include $(wildcard $(FUZZ_DIR)/lib/*.d $(FUZZ_DIR)/obj/*.d)
