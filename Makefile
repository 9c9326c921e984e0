# npcheck — offline analyzer and linter for Kubernetes NetworkPolicy.
# Hand-written GNU Makefile: `make`, `make check`, `make deps`, `make demo`,
# `make install` (PREFIX, DESTDIR), `make static`, `make dist` (mk/dist.mk),
# DEVELOPER=1 (-Werror), SANITIZE=address,undefined.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/npcheck
SCHEMAS := $(sort $(wildcard schemas/*.schema.json))
CC ?= cc
PKG_CONFIG ?= pkg-config
VERSION := 0.1.0
# Where npcheck is documented: SARIF's informationUri, and its rules' helpUri into the
# manual's HTML rendering at $(HOMEPAGE)/npcheck.1.html. The default is a placeholder
# until the project has a home: packagers set it (make HOMEPAGE=https://...).
HOMEPAGE ?= https://example.com/npcheck

PKGS := yaml-0.1 libcyaml libpcre2-8
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wvla
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif

# Builds of different flavours live apart so a sanitizer build never mixes with a plain one.
ifneq ($(SANITIZE),)
BUILD ?= build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT ?= -O1 -g
else
BUILD ?= build/rel
SANFLAGS :=
OPT ?= -O2 -g
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lyaml -lcyaml -lpcre2-8)
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
	-Iinclude $(PKG_CFLAGS) -DNPCHECK_VERSION='"$(VERSION)"' \
	-DNPCHECK_HOMEPAGE='"$(HOMEPAGE)"' -MMD -MP
ALL_LDFLAGS = -pthread $(LDFLAGS) $(SANFLAGS)

SRCS := $(sort $(wildcard src/*.c))
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit cli deps demo install uninstall clean

all: npcheck

# The top-level ./npcheck is always the flavour of this invocation (plain or sanitized).
.PHONY: npcheck
npcheck: $(BUILD)/npcheck
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

# The flags a build is made with, in a stamp file (git's GIT-CFLAGS): it changes when
# they do (`make DEVELOPER=1` after `make`, another CC, CFLAGS or HOMEPAGE), and
# everything compiled or linked with them is made again. A stamp's recipe is
# WRITE_FLAGS, with the flags it tracks in STAMP_FLAGS (mk/fuzz.mk has one too).
WRITE_FLAGS = mkdir -p $(dir $@); flags='$(subst ','\'',$(STAMP_FLAGS))'; \
	if [ x"$$flags" != x"$$(cat $@ 2>/dev/null)" ]; then \
		echo "  FLAGS   $@ (new flags: building again)"; printf '%s\n' "$$flags" >$@; \
	fi
FLAGS_STAMP := $(BUILD)/FLAGS

$(FLAGS_STAMP): STAMP_FLAGS = $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(PKG_LIBS)
$(FLAGS_STAMP): FORCE
	@$(WRITE_FLAGS)

.PHONY: FORCE
FORCE:

$(BUILD)/npcheck: $(OBJS) $(FLAGS_STAMP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS) -lm

$(BUILD)/%.o: src/%.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# HOMEPAGE is compiled into out_sarif.o: a different one rebuilds it.
$(BUILD)/out_sarif.o: $(BUILD)/homepage
$(BUILD)/homepage: FORCE
	@mkdir -p $(dir $@)
	@echo '$(HOMEPAGE)' | cmp -s - $@ || echo '$(HOMEPAGE)' > $@
.PHONY: FORCE
FORCE:

$(BUILD)/libnpcheck.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

# Unit tests see the internal headers of src/ too (the loader's, validation's).
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libnpcheck.a $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/libnpcheck.a $(PKG_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka) -lm $(SANFLAGS)

# `make check`: unit tests, then the golden cases (tests/golden.sh), then the other
# suites (tests/suite_*.sh): examples, peers, hostile inputs, ...
# tests/run prints the one summary line `N passed, N failed, N skipped`.
check: npcheck $(UNIT_BINS)
	@NPCHECK=./npcheck BUILD=$(BUILD) sh tests/run $(UNIT_BINS)

deps:
	@missing=""; \
	for p in libyaml-dev libcyaml-dev libpcre2-dev libcmocka-dev pkg-config mandoc; do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

demo: npcheck
	./npcheck lint examples/ ; test $$? -le 1
	./npcheck list examples/shop

# kubectl-npcheck makes npcheck a kubectl plugin (`kubectl npcheck reach a b`), and
# kubectl_complete-npcheck completes its arguments in kubectl's completion (both links to
# npcheck); the completions go where bash-completion, zsh and fish look by default; the
# JSON Schemas of the commands' -o json (schemas/, see the manual) go to $(DATADIR)/schemas.
# The binary installed: ./npcheck, or npcheck-static for `make dist`.
INSTALL_BIN ?= npcheck
install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d $(DESTDIR)$(DATADIR)/schemas
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/npcheck
	ln -sf npcheck $(DESTDIR)$(BINDIR)/kubectl-npcheck
	ln -sf npcheck $(DESTDIR)$(BINDIR)/kubectl_complete-npcheck
	install -m 644 man/npcheck.1 $(DESTDIR)$(MANDIR)/man1/npcheck.1
	ln -sf npcheck.1 $(DESTDIR)$(MANDIR)/man1/kubectl-npcheck.1
	install -m 644 completions/npcheck.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/npcheck
	ln -sf npcheck $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kubectl-npcheck
	install -m 644 completions/_npcheck $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_npcheck
	install -m 644 completions/npcheck.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/npcheck.fish
	ln -sf npcheck.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/kubectl-npcheck.fish
	install -m 644 $(SCHEMAS) $(DESTDIR)$(DATADIR)/schemas/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/npcheck $(DESTDIR)$(BINDIR)/kubectl-npcheck \
		$(DESTDIR)$(BINDIR)/kubectl_complete-npcheck \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/npcheck.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/kubectl-npcheck.fish \
		$(DESTDIR)$(MANDIR)/man1/npcheck.1 $(DESTDIR)$(MANDIR)/man1/kubectl-npcheck.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/npcheck \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kubectl-npcheck \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_npcheck \
		$(SCHEMAS:schemas/%=$(DESTDIR)$(DATADIR)/schemas/%)

clean:
	rm -rf build npcheck npcheck-static

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

# Extra targets (bench, fuzz, valgrind) live in their own fragments.
-include $(sort $(wildcard mk/*.mk))
