# `make valgrind`: the quick golden suites (tests/golden.sh on tests/cli, tests/fail and
# tests/hostile), tests/suite_hostile.sh without its inputs over 1 MiB, and every command
# on each example, with npcheck run under valgrind memcheck; fails on any memory error or
# definite/indirect leak, or any failing case. Uses the plain build ($(BUILD)/npcheck;
# `make valgrind OPT="-O1 -g"` after `make clean` for exact line numbers). Logs in
# build/valgrind/. Takes a few minutes: memcheck runs about 60 times slower.

VALGRIND ?= valgrind
VALGRIND_FLAGS ?= --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect -q
VG_DIR := build/valgrind
# VG_GOLDEN: the golden suites (directories of tests/) tests/golden.sh runs.
VG_GOLDEN := cli fail hostile
VG_SUITES := tests/golden.sh tests/suite_hostile.sh

.PHONY: valgrind

valgrind: $(BUILD)/npcheck
	@if [ -n "$(SANITIZE)" ]; then \
		echo "make valgrind: valgrind cannot run a sanitizer build; drop SANITIZE" >&2; exit 1; \
	fi
	@command -v $(VALGRIND) >/dev/null || { echo "make valgrind: $(VALGRIND) not found" >&2; exit 1; }
	@mkdir -p $(VG_DIR)
	@printf '#!/bin/sh\n# npcheck under valgrind memcheck, written by make valgrind\nexec %s %s %s "$$@"\n' \
		'$(VALGRIND)' '$(VALGRIND_FLAGS)' '$(abspath $(BUILD)/npcheck)' >$(VG_DIR)/npcheck
	@chmod +x $(VG_DIR)/npcheck
	@fail=0; pass=0; skip=0; \
	for s in $(VG_SUITES); do \
		[ -f "$$s" ] || { echo "# $$s: missing, skipped"; continue; }; \
		log=$(VG_DIR)/$$(basename $$s .sh).log; \
		case $$s in */golden.sh) a='$(VG_GOLDEN)' ;; *) a= ;; esac; \
		NPCHECK=$(VG_DIR)/npcheck HOSTILE_SKIP_HUGE=1 sh $$s $$a >$$log 2>&1; \
		set -- $$(sh tests/tally $$log); \
		pass=$$((pass + $$1)); fail=$$((fail + $$2)); skip=$$((skip + $$3)); \
		grep '^not ok ' $$log; \
		echo "# $$s: $$1 passed, $$2 failed, $$3 skipped (log: $$log)"; \
	done; \
	log=$(VG_DIR)/examples.log; : >$$log; p=0; f=0; \
	for d in examples/*/; do \
		d=$${d%/}; \
		for c in lint list matrix explain; do \
			$(VG_DIR)/npcheck $$c --color never $$d >$(VG_DIR)/out 2>$(VG_DIR)/err </dev/null; st=$$?; \
			cat $(VG_DIR)/err >>$$log; \
			if [ $$st -ge 2 ] || grep -q '^==[0-9]*==' $(VG_DIR)/err; then \
				echo "not ok valgrind/$$d/$$c: exit $$st"; head -n 20 $(VG_DIR)/err; f=$$((f + 1)); \
			else p=$$((p + 1)); fi; \
		done; \
	done; \
	pass=$$((pass + p)); fail=$$((fail + f)); \
	echo "# examples: $$p passed, $$f failed (log: $$log)"; \
	rm -f $(VG_DIR)/out $(VG_DIR)/err; \
	echo "valgrind: $$pass passed, $$fail failed, $$skip skipped"; \
	[ $$fail -eq 0 ]
