# `make tsan`: npcheck built with ThreadSanitizer (clang) into build/tsan/, then
# tests/suite_parts.sh run with it: every test file and a joined stream of all of them
# parsed in parts on threads (src/load.c); and tests/suite_jobs.sh: lint's solver built
# on threads (src/solver.c) over the examples and generated clusters. A data race stops
# the run (exit 66).

TSAN_CC ?= clang

.PHONY: tsan

tsan:
	@$(MAKE) --no-print-directory SANITIZE=thread BUILD=build/tsan CC=$(TSAN_CC) build/tsan/npcheck
	@NPCHECK=build/tsan/npcheck TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
		sh tests/suite_parts.sh >build/tsan/parts.log 2>&1; \
	NPCHECK=build/tsan/npcheck TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
		sh tests/suite_jobs.sh >>build/tsan/parts.log 2>&1; \
	set -- $$(sh tests/tally build/tsan/parts.log); p=$$1 f=$$2 s=$$3; \
	grep -A5 '^not ok ' build/tsan/parts.log | head -n 40; \
	echo "make tsan: $$p passed, $$f failed, $$s skipped (log: build/tsan/parts.log)"; \
	[ "$$f" -eq 0 ] && [ "$$p" -gt 0 ]
