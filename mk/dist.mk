# `make static`: ./npcheck-static, npcheck with libyaml, libcyaml, PCRE2 and the C library
# linked in (Debian ships their archives: libyaml-dev, libcyaml-dev, libpcre2-dev), so it
# runs on any x86_64 Linux without them. The objects are the plain build's; only the link
# differs, so a sanitizer build cannot be linked statically.
# `make dist`: $(DISTDIR)/npcheck-$(VERSION)-linux-$(ARCH).tar.gz and its .sha256: the
# static binary with the kubectl links, the manual page (also as HTML, where SARIF's
# helpUri points), the completions and the JSON Schemas laid out as `make install` lays them out under
# PREFIX, README.md, LICENSE (when the tree has one)
# and SHA256SUMS of the files inside. Reproducible: sorted, owned by root, dated at the
# last commit (SOURCE_DATE_EPOCH), gzip without a timestamp.

DISTDIR ?= build/dist
STRIP ?= strip
ARCH := $(shell uname -m)
DIST_NAME := npcheck-$(VERSION)-linux-$(ARCH)
STATIC_LIBS = $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null || echo -lcyaml -lyaml -lpcre2-8)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: static dist

static:
	@if [ -n "$(SANITIZE)" ]; then \
		echo "make static: a sanitizer build cannot be linked statically; drop SANITIZE" >&2; \
		exit 1; \
	fi
	@$(MAKE) --no-print-directory $(BUILD)/npcheck-static
	@cmp -s $(BUILD)/npcheck-static npcheck-static || \
		{ cp $(BUILD)/npcheck-static npcheck-static.tmp && mv -f npcheck-static.tmp npcheck-static; }

$(BUILD)/npcheck-static: $(OBJS)
	$(CC) -static $(ALL_LDFLAGS) -o $@ $(OBJS) $(STATIC_LIBS) -lm

dist: static
	@rm -rf $(DISTDIR)/$(DIST_NAME) && mkdir -p $(DISTDIR)
	@$(MAKE) --no-print-directory -s install INSTALL_BIN=npcheck-static PREFIX= \
		DESTDIR=$(abspath $(DISTDIR))/$(DIST_NAME)
	@$(STRIP) $(DISTDIR)/$(DIST_NAME)/bin/npcheck
	@mkdir -p $(DISTDIR)/$(DIST_NAME)/share/doc/npcheck
	@mandoc -Thtml man/npcheck.1 > $(DISTDIR)/$(DIST_NAME)/share/doc/npcheck/npcheck.1.html
	@cp README.md $(DISTDIR)/$(DIST_NAME)/
	@if [ -f LICENSE ]; then cp LICENSE $(DISTDIR)/$(DIST_NAME)/; \
	else echo "make dist: warning: no LICENSE file in the tree; the tarball has none" >&2; fi
	@cd $(DISTDIR)/$(DIST_NAME) && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | \
		sed 's|^\./||' | xargs sha256sum > SHA256SUMS
	@cd $(DISTDIR) && tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 \
		--numeric-owner -cf - $(DIST_NAME) | gzip -n -9 > $(DIST_NAME).tar.gz
	@cd $(DISTDIR) && sha256sum $(DIST_NAME).tar.gz > $(DIST_NAME).tar.gz.sha256
	@echo "$(DISTDIR)/$(DIST_NAME).tar.gz"
