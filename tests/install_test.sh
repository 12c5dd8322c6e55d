#!/bin/sh
# tests/install_test.sh (`make test-install`): `make install` into a fresh temporary DESTDIR with a
# PREFIX that does not exist on this machine, then, against the installed copy only:
#   - the installed files: names, modes, header identical to rnnts.h, no trace of DESTDIR;
#   - the installed tool runs (rnnts --help, rnnts selfcheck);
#   - pkg-config: version, flags (PKG_CONFIG_SYSROOT_DIR maps PREFIX into DESTDIR), then
#     examples/out_of_tree built with `cc ... $(pkg-config --cflags --libs rnnts)` and run;
#   - CMake: find_package(rnnts) from -DCMAKE_PREFIX_PATH=DESTDIR/PREFIX (the package is
#     relocatable), the build uses -ffp-contract=off, the program runs and prints the same as the
#     pkg-config build; a request for the next major version is refused;
#   - a plain install (PREFIX = final location, no DESTDIR) gives the right pkg-config flags;
#   - `make uninstall` removes every installed file.
# Everything, the files `make install` generates included (RNNTS_PKG), lives in one mktemp -d
# directory, removed on exit. Prints PASS/FAIL lines and "N passed, M failed" last; exits 1 on
# any failure. Environment: MAKE, CC (default cc), PKG_CONFIG (default pkg-config), CMAKE.
set -u
cd "$(dirname "$0")/.." || { echo "0 passed, 1 failed"; exit 1; }
MAKE=${MAKE:-make}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CMAKE=${CMAKE:-cmake}
export CC

failures=0 passes=0
pass() { echo "PASS $*"; passes=$((passes + 1)); }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
show() { sed 's/^/    | /' "$1" | tail -n 30; }  # the end of a log, indented
finish() {
    if [ "$failures" -eq 0 ]; then echo "== install test passed ($(($(date +%s) - t0)) s)"
    else echo "== install test: $failures failure(s)"; fi
    echo "$passes passed, $failures failed"
    [ "$failures" -eq 0 ] && exit 0
    exit 1
}
t0=$(date +%s)

for tool in "$PKG_CONFIG" "$CMAKE" realpath; do
    command -v "$tool" >/dev/null 2>&1 || { fail "$tool not found (make deps installs pkgconf and cmake)"; finish; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/rnnts-install-test.XXXXXX") || { fail "mktemp -d"; finish; }
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

VERSION=$(sed -n 's/^#[[:space:]]*define[[:space:]]*RNNTS_VERSION_STRING[[:space:]]*"\([^"]*\)".*/\1/p' rnnts.h)
DEST=$T/stage
PREFIX=/opt/rnnts-install-test.$$   # never created here: every file goes under $DEST
ROOT=$DEST$PREFIX

# ---- install ------------------------------------------------------------------------------
if $MAKE --no-print-directory install DESTDIR="$DEST" PREFIX="$PREFIX" RNNTS_PKG="$T/gen" >"$T/install.log" 2>&1; then
    pass "make install DESTDIR=\$TMP PREFIX=$PREFIX"
else
    fail "make install DESTDIR=\$TMP PREFIX=$PREFIX"; show "$T/install.log"; finish
fi
[ -e "$PREFIX" ] && fail "$PREFIX exists outside DESTDIR"

# Exactly these files, with these modes (found wherever the *DIR defaults put them).
(cd "$DEST" && find . ! -type d | sort) >"$T/files.txt"
files_ok=1
for f in bin/rnnts include/rnnts.h rnnts.pc rnnts-config.cmake rnnts-config-version.cmake; do
    n=$(grep -c "/$f\$" "$T/files.txt")
    [ "$n" -eq 1 ] || { echo "    $f: found $n times"; files_ok=0; }
done
[ "$(wc -l <"$T/files.txt")" -eq 5 ] || files_ok=0
PC=$DEST$(grep '/rnnts\.pc$' "$T/files.txt" | head -n 1 | cut -c2-)
CFG=$DEST$(grep '/rnnts-config\.cmake$' "$T/files.txt" | head -n 1 | cut -c2-)
[ "$(stat -c %a "$ROOT/bin/rnnts" 2>/dev/null)" = 755 ] || files_ok=0
for f in "$ROOT/include/rnnts.h" "$PC" "$CFG" "${CFG%.cmake}-version.cmake"; do
    [ "$(stat -c %a "$f" 2>/dev/null)" = 644 ] || { echo "    $f: mode not 644"; files_ok=0; }
done
if [ "$files_ok" = 1 ]; then pass "installed files: $(sed "s|^\./${PREFIX#/}/||" "$T/files.txt" | tr '\n' ' ')(modes 755/644)"
else fail "installed files"; sed 's/^/    | /' "$T/files.txt"; fi
if cmp -s rnnts.h "$ROOT/include/rnnts.h"; then pass "installed rnnts.h is the tree's rnnts.h ($VERSION)"
else fail "installed rnnts.h differs from rnnts.h"; fi
if grep -rl "$DEST" "$DEST" >/dev/null 2>&1; then fail "installed files mention DESTDIR: $(grep -rl "$DEST" "$DEST")"
else pass "no installed file mentions DESTDIR"; fi

# ---- the installed tool ---------------------------------------------------------------------
if "$ROOT/bin/rnnts" --help >"$T/help.txt" 2>&1 && grep -q '^usage: rnnts' "$T/help.txt"; then
    pass "installed rnnts --help"
else fail "installed rnnts --help"; show "$T/help.txt"; fi
if "$ROOT/bin/rnnts" selfcheck >"$T/selfcheck.txt" 2>&1; then pass "installed rnnts selfcheck: $(tail -n 1 "$T/selfcheck.txt")"
else fail "installed rnnts selfcheck"; show "$T/selfcheck.txt"; fi

# ---- pkg-config (DESTDIR staging: the sysroot maps ${prefix} into it) -----------------------
pc() { PKG_CONFIG_PATH=$(dirname "$PC") PKG_CONFIG_SYSROOT_DIR=$DEST "$PKG_CONFIG" "$@"; }
v=$(pc --modversion rnnts 2>&1)
if [ "$v" = "$VERSION" ]; then pass "pkg-config --modversion rnnts = $v"; else fail "pkg-config --modversion rnnts: '$v', rnnts.h says '$VERSION'"; fi
grep -qx "prefix=$PREFIX" "$PC" || fail "rnnts.pc: prefix is not $PREFIX"
cflags=$(pc --cflags rnnts 2>&1 | sed 's/ *$//') libs=$(pc --libs rnnts 2>&1 | sed 's/ *$//')
case " $cflags " in *" -I$ROOT/include "*) ;; *) cflags_bad=1;; esac
case " $cflags " in *" -ffp-contract=off "*) ;; *) cflags_bad=1;; esac
case " $libs " in *" -lm "*) ;; *) cflags_bad=1;; esac
case " $libs " in *" -lpthread "*) ;; *) cflags_bad=1;; esac
if [ -z "${cflags_bad:-}" ]; then pass "pkg-config --cflags --libs rnnts: $cflags $libs"
else fail "pkg-config flags: cflags '$cflags', libs '$libs'"; fi

# -O0: the full implementation compiles in ~5 s instead of ~20 s at -O2; results are the same bits.
# shellcheck disable=SC2086  # the flags are meant to split
if $CC -std=c11 -Wall -Wextra -Werror $cflags examples/out_of_tree/main.c -o "$T/oot_pkgconfig" $libs >"$T/cc.log" 2>&1; then
    pass "out_of_tree built with: $CC \$(pkg-config --cflags --libs rnnts)"
    if "$T/oot_pkgconfig" >"$T/out_pkgconfig.txt" 2>&1 && grep -q "^rnnts $VERSION " "$T/out_pkgconfig.txt" \
        && grep -q '^out_of_tree: ok$' "$T/out_pkgconfig.txt"; then
        pass "out_of_tree (pkg-config build) runs: $(head -n 1 "$T/out_pkgconfig.txt")"
    else fail "out_of_tree (pkg-config build) output"; show "$T/out_pkgconfig.txt"; fi
else fail "out_of_tree with pkg-config flags does not build"; show "$T/cc.log"; fi

# ---- CMake (relocatable package found in the staging directory) -----------------------------
B=$T/cmake-build
if "$CMAKE" -S examples/out_of_tree -B "$B" -DCMAKE_PREFIX_PATH="$ROOT" >"$T/cmake.log" 2>&1; then
    if grep -q "rnnts $VERSION from $ROOT/" "$T/cmake.log"; then pass "cmake: find_package(rnnts 0.1) found $VERSION in \$TMP$PREFIX"
    else fail "cmake found another rnnts: $(grep 'rnnts .* from' "$T/cmake.log")"; fi
    if "$CMAKE" --build "$B" --verbose >"$T/build.log" 2>&1; then
        if grep -q -- '-ffp-contract=off' "$T/build.log" && grep -q -- "$ROOT/include" "$T/build.log" \
            && grep -q -- ' -lm' "$T/build.log" && grep -q 'rnnts::rnnts links m;Threads::Threads$' "$T/cmake.log"; then
            pass "out_of_tree built with CMake, target rnnts::rnnts (-isystem \$TMP$PREFIX/include, -ffp-contract=off, m, Threads::Threads)"
        else fail "CMake build lacks -ffp-contract=off, the include directory, -lm or Threads::Threads"; show "$T/cmake.log"; show "$T/build.log"; fi
        if "$B/out_of_tree" >"$T/out_cmake.txt" 2>&1 && grep -q '^out_of_tree: ok$' "$T/out_cmake.txt"; then
            pass "out_of_tree (CMake build) runs: $(sed -n 3p "$T/out_cmake.txt")"
            if cmp -s "$T/out_cmake.txt" "$T/out_pkgconfig.txt"; then pass "pkg-config and CMake builds print the same"
            elif [ -f "$T/out_pkgconfig.txt" ]; then fail "pkg-config and CMake builds differ"; diff "$T/out_pkgconfig.txt" "$T/out_cmake.txt" | sed 's/^/    | /'; fi
        else fail "out_of_tree (CMake build) output"; show "$T/out_cmake.txt"; fi
    else fail "cmake --build"; show "$T/build.log"; fi
    major=${VERSION%%.*}
    if "$CMAKE" -S examples/out_of_tree -B "$B" -DRNNTS_MIN_VERSION=$((major + 1)).0 >"$T/cmake2.log" 2>&1; then
        fail "find_package(rnnts $((major + 1)).0) accepted version $VERSION"
    elif grep -q "rnnts-config.cmake, version: $VERSION" "$T/cmake2.log"; then
        pass "find_package(rnnts $((major + 1)).0) refuses $VERSION (SameMajorVersion)"
    else fail "find_package(rnnts $((major + 1)).0) failed for another reason"; show "$T/cmake2.log"; fi
else fail "cmake configure of examples/out_of_tree"; show "$T/cmake.log"; fi

# ---- plain install: PREFIX is the final location ---------------------------------------------
P2=$T/direct
if $MAKE --no-print-directory install PREFIX="$P2" RNNTS_PKG="$T/gen2" >"$T/install2.log" 2>&1; then
    f=$(PKG_CONFIG_PATH=$(dirname "$(find "$P2" -name rnnts.pc)") "$PKG_CONFIG" --cflags rnnts 2>&1 | sed 's/ *$//')
    case " $f " in *" -I$P2/include "*) pass "make install PREFIX=\$TMP/direct: pkg-config --cflags rnnts = $f";;
        *) fail "make install PREFIX=\$TMP/direct: pkg-config --cflags rnnts = $f";; esac
    $MAKE --no-print-directory uninstall PREFIX="$P2" >"$T/uninstall2.log" 2>&1 || fail "make uninstall PREFIX=\$TMP/direct"
else fail "make install PREFIX=\$TMP/direct"; show "$T/install2.log"; fi

# ---- uninstall ------------------------------------------------------------------------------
if $MAKE --no-print-directory uninstall DESTDIR="$DEST" PREFIX="$PREFIX" >"$T/uninstall.log" 2>&1; then
    left=$(find "$DEST" "$P2" ! -type d 2>/dev/null | sed "s|^$T/||")
    if [ -z "$left" ] && [ ! -e "$(dirname "$CFG")" ]; then pass "make uninstall removed every installed file (and the rnnts CMake directory)"
    else fail "make uninstall left: $left $( [ -e "$(dirname "$CFG")" ] && dirname "$CFG")"; fi
else fail "make uninstall DESTDIR=\$TMP PREFIX=$PREFIX"; show "$T/uninstall.log"; fi

finish
