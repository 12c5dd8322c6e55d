# Packaging (issue 7): `make install`, pkg-config and CMake package files, out-of-tree build test.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=/staging]   rnnts.h, the rnnts tool, rnnts.pc and
#                                                          the CMake package (find_package(rnnts))
#   make uninstall [the same PREFIX, DESTDIR and directory variables as the install]
#   make test-install    install into a temporary directory, build examples/out_of_tree against it
#                        with pkg-config and with CMake (tests/install_test.sh)
#
# rnnts is header-only, so rnnts.pc and the CMake files are architecture-independent and go under
# $(PREFIX)/share, where pkg-config and find_package both look. The only binary is the tool,
# $(B)/rnnts as `make tool` builds it (with -mavx2 -mfma when the build machine has AVX2 and FMA,
# like every binary of this Makefile). Templates: packaging/*.in, filled in $(B)/packaging/.
# DESTDIR only prefixes where files are copied; nothing installed mentions it.

PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
INCLUDEDIR   ?= $(PREFIX)/include
DATADIR      ?= $(PREFIX)/share
PKGCONFIGDIR ?= $(DATADIR)/pkgconfig
CMAKEDIR     ?= $(DATADIR)/cmake/rnnts
INSTALL      ?= install

# "0.1.0" from `#define RNNTS_VERSION_STRING "0.1.0"` ('.' stands for '#', a comment sign in make).
RNNTS_VERSION := $(shell sed -n 's/^[[:space:]]*.[[:space:]]*define[[:space:]][[:space:]]*RNNTS_VERSION_STRING[[:space:]][[:space:]]*"\([^"]*\)".*/\1/p' rnnts.h)
RNNTS_PKG     := $(B)/packaging
# includedir of rnnts.pc: ${prefix}/include when INCLUDEDIR is under PREFIX, else INCLUDEDIR itself.
RNNTS_PC_INCLUDEDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

.PHONY: install uninstall test-install

install: $(B)/rnnts                      ## install rnnts.h, the rnnts tool, rnnts.pc and the CMake package (PREFIX=/usr/local DESTDIR=)
	@test -n "$(RNNTS_VERSION)" || { echo "install: no RNNTS_VERSION_STRING in rnnts.h" >&2; exit 1; }
	@for d in '$(PREFIX)' '$(BINDIR)' '$(INCLUDEDIR)' '$(PKGCONFIGDIR)' '$(CMAKEDIR)'; do case "$$d" in \
	  /*) ;; *) echo "install: '$$d' is not an absolute path (PREFIX and the *DIR variables must be)" >&2; exit 1;; esac; done
	@mkdir -p $(RNNTS_PKG)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@INCLUDEDIR@|$(RNNTS_PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(RNNTS_VERSION)|g' \
	  packaging/rnnts.pc.in > $(RNNTS_PKG)/rnnts.pc
	rel=$$(realpath -m --relative-to='$(CMAKEDIR)' '$(INCLUDEDIR)') && \
	  sed -e "s|@RNNTS_REL_INCLUDEDIR@|$$rel|g" packaging/rnnts-config.cmake.in > $(RNNTS_PKG)/rnnts-config.cmake
	sed -e 's|@VERSION@|$(RNNTS_VERSION)|g' packaging/rnnts-config-version.cmake.in > $(RNNTS_PKG)/rnnts-config-version.cmake
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(CMAKEDIR)'
	$(INSTALL) -m 755 $(B)/rnnts '$(DESTDIR)$(BINDIR)/rnnts'
	$(INSTALL) -m 644 rnnts.h '$(DESTDIR)$(INCLUDEDIR)/rnnts.h'
	$(INSTALL) -m 644 $(RNNTS_PKG)/rnnts.pc '$(DESTDIR)$(PKGCONFIGDIR)/rnnts.pc'
	$(INSTALL) -m 644 $(RNNTS_PKG)/rnnts-config.cmake $(RNNTS_PKG)/rnnts-config-version.cmake '$(DESTDIR)$(CMAKEDIR)/'

uninstall:                               ## remove what `make install` installed (give it the same PREFIX, DESTDIR, *DIR)
	rm -f '$(DESTDIR)$(BINDIR)/rnnts' '$(DESTDIR)$(INCLUDEDIR)/rnnts.h' '$(DESTDIR)$(PKGCONFIGDIR)/rnnts.pc' \
	  '$(DESTDIR)$(CMAKEDIR)/rnnts-config.cmake' '$(DESTDIR)$(CMAKEDIR)/rnnts-config-version.cmake'
# the CMake directory is rnnts's own (when it is named rnnts); the shared ones (bin, include, ...) stay
	@case '$(CMAKEDIR)' in */rnnts) if [ -d '$(DESTDIR)$(CMAKEDIR)' ]; then \
	  rmdir '$(DESTDIR)$(CMAKEDIR)' 2>/dev/null || echo "uninstall: kept $(DESTDIR)$(CMAKEDIR) (not empty)"; fi;; esac

test-install: $(B)/rnnts                 ## make install into a temporary DESTDIR, build examples/out_of_tree with pkg-config and CMake, run them, uninstall
	+@MAKE='$(MAKE)' CC='$(CC)' sh tests/install_test.sh
