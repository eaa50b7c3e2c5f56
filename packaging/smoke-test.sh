#!/usr/bin/env bash
# Tries the Linux build that packaging/build-linux.sh made (CI runs it after the build):
#   1. the bundle dist/Locality/Locality: --version, demo, check, export as PDF, and its window opened offscreen
#      (LOCALITY_QUIT_AFTER_START=1 makes it quit, exit status 0, once the window is shown);
#   2. the Debian package dist/locality_<version>_amd64.deb, as root: dpkg -i, `locality --version` from the PATH,
#      the desktop entry's launcher on a workspace file, the workspace file type, then dpkg -r (not root: skipped,
#      with a message);
#   3. prints the bundle's and the package's sizes, and the start-up times (--version, and the window shown)
#      of the bundle beside those of the source install (pip install . in the build environment).
# Any failure stops it with a non-zero exit status. It removes the package at the end, even one that was
# installed before. Usage: bash packaging/smoke-test.sh
# Environment: LOCALITY_BUILD_VENV (default .venv-build: its `locality` is the source install measured),
# SMOKE_RUNS (timed runs of each start-up, after one warm-up run; default 3).
set -euo pipefail
shopt -s inherit_errexit  # a failure inside $(...) stops the script too

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"
BUNDLE="$REPO_ROOT/dist/Locality/Locality"
BUILD_VENV="${LOCALITY_BUILD_VENV:-$REPO_ROOT/.venv-build}"
SOURCE_LOCALITY="$BUILD_VENV/bin/locality"
RUNS="${SMOKE_RUNS:-3}"
APP_ID="org.locality.Locality"
MIME_TYPE="application/x-locality-workspace"
# Only the system's own folders: an activated virtual environment must not answer for the package's command.
SYSTEM_PATH="/usr/sbin:/usr/bin:/sbin:/bin"

step() {
    printf '\n---- smoke-test: %s\n' "$*"
}

die() {
    printf 'smoke-test: FAILED: %s\n' "$*" >&2
    exit 1
}

[[ -x "$BUNDLE" ]] || die "$BUNDLE is missing: run packaging/build-linux.sh first"
shopt -s nullglob
DEBS=(dist/locality_*_amd64.deb)
shopt -u nullglob
((${#DEBS[@]} == 1)) || die "expected one dist/locality_*_amd64.deb from packaging/build-linux.sh, found ${#DEBS[@]}"
DEB="$REPO_ROOT/${DEBS[0]}"
VERSION="$(dpkg-deb --field "$DEB" Version)"

# Everything the runs write (workspaces, settings, logs) goes to a folder of our own, removed at the end.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/locality-smoke.XXXXXX")"
PACKAGE_INSTALLED=0
cleanup() {
    if ((PACKAGE_INSTALLED)); then
        dpkg -r locality >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
export QT_QPA_PLATFORM=offscreen
export LOCALITY_DATA_DIR="$WORK/data"
export XDG_CONFIG_HOME="$WORK/config"
export XDG_CACHE_HOME="$WORK/cache"
if [[ -z "${XDG_RUNTIME_DIR:-}" || ! -d "${XDG_RUNTIME_DIR}" ]]; then
    export XDG_RUNTIME_DIR="$WORK/runtime"
    mkdir -m 700 "$XDG_RUNTIME_DIR"
fi
LOG="$WORK/run.log"

# run DESCRIPTION COMMAND...: runs the command (at most 5 minutes), its output kept in $LOG and shown on failure.
run() {
    local description="$1"
    shift
    if timeout 300 "$@" >"$LOG" 2>&1; then
        echo "ok: $description"
    else
        local status=$?
        cat "$LOG" >&2
        die "$description (exit status $status): $*"
    fi
}

# expect_output DESCRIPTION EXPECTED COMMAND...: the command succeeds and prints exactly EXPECTED.
expect_output() {
    local description="$1" expected="$2"
    shift 2
    run "$description" "$@"
    local output
    output="$(tr -d '\r' <"$LOG")"
    [[ "$output" == "$expected" ]] || die "$description printed '$output', expected '$expected'"
}

# seconds COMMAND...: the wall-clock time the command takes, in seconds (it must succeed).
seconds() {
    local start end
    start="$(date +%s%N)"
    timeout 300 "$@" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "timed run failed: $*"; }
    end="$(date +%s%N)"
    awk -v ns="$((end - start))" 'BEGIN { printf "%.2f", ns / 1e9 }'
}

# median_seconds COMMAND...: one warm-up run (the first reads everything from disk), then the median of $RUNS.
median_seconds() {
    seconds "$@" >/dev/null
    local times=() i
    for ((i = 0; i < RUNS; i++)); do
        times+=("$(seconds "$@")")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ value[NR] = $1 } END { print value[int((NR + 1) / 2)] }'
}

step "bundle dist/Locality ($VERSION)"
expect_output "bundle --version" "locality $VERSION" "$BUNDLE" --version
run "bundle demo --size small" "$BUNDLE" demo --db "$WORK/demo.locality" --size small
run "bundle check" "$BUNDLE" check --db "$WORK/demo.locality"
grep -q "organisations" "$LOG" || { cat "$LOG" >&2; die "bundle check printed no counts"; }
run "bundle export --format pdf" "$BUNDLE" export --db "$WORK/demo.locality" --format pdf --out "$WORK/plan.pdf"
[[ "$(head -c 5 "$WORK/plan.pdf" 2>/dev/null)" == "%PDF-" ]] || die "the bundle's export wrote no PDF"
echo "   plan.pdf: $(du -h "$WORK/plan.pdf" | cut -f1)"
run "bundle window opens and quits (offscreen)" env LOCALITY_QUIT_AFTER_START=1 "$BUNDLE" --db "$WORK/demo.locality"
run "bundle window on a new default workspace" env LOCALITY_QUIT_AFTER_START=1 "$BUNDLE"
[[ -f "$LOCALITY_DATA_DIR/workspace.locality" ]] || die "the bundle made no default workspace on first run"

step "start-up times (median of $RUNS after a warm-up run)"
BUNDLE_VERSION_TIME="$(median_seconds "$BUNDLE" --version)"
BUNDLE_WINDOW_TIME="$(median_seconds env LOCALITY_QUIT_AFTER_START=1 "$BUNDLE" --db "$WORK/demo.locality")"
if [[ -x "$SOURCE_LOCALITY" ]]; then
    SOURCE_VERSION_TIME="$(median_seconds "$SOURCE_LOCALITY" --version)"
    SOURCE_WINDOW_TIME="$(median_seconds env LOCALITY_QUIT_AFTER_START=1 "$SOURCE_LOCALITY" --db "$WORK/demo.locality")"
else
    echo "No source install at $SOURCE_LOCALITY (made by build-linux.sh): its times are not measured."
    SOURCE_VERSION_TIME="-" SOURCE_WINDOW_TIME="-"
fi

step "Debian package $(basename "$DEB")"
if ((EUID != 0)); then
    echo "Not root: skipping dpkg -i, locality from the PATH and dpkg -r (CI runs them as root)."
elif ! command -v dpkg >/dev/null 2>&1; then
    echo "dpkg is missing: not a Debian system, skipping the package's installation."
else
    PACKAGE_INSTALLED=1
    run "dpkg -i" dpkg -i "$DEB"
    [[ "$(dpkg-query -W -f '${Status} ${Version}' locality)" == "install ok installed $VERSION" ]] \
        || die "dpkg does not list locality $VERSION as installed"
    [[ "$(env PATH="$SYSTEM_PATH" sh -c 'command -v locality')" == /usr/bin/locality ]] \
        || die "locality is not on the PATH as /usr/bin/locality"
    expect_output "locality --version from the PATH" "locality $VERSION" env PATH="$SYSTEM_PATH" locality --version
    run "locality check from the PATH" env PATH="$SYSTEM_PATH" locality check --db "$WORK/demo.locality"
    for installed in "/usr/share/applications/$APP_ID.desktop" "/usr/share/metainfo/$APP_ID.metainfo.xml" \
        /usr/share/mime/packages/locality.xml "/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" \
        "/usr/share/icons/hicolor/48x48/apps/$APP_ID.png"; do
        [[ -f "$installed" ]] || die "the package did not install $installed"
    done
    echo "ok: desktop entry, metainfo, MIME type and icons installed"
    # What a double-click on a workspace runs: the desktop entry's Exec with the file.
    launcher="$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "/usr/share/applications/$APP_ID.desktop")"
    run "desktop entry's launcher opens a workspace file" env LOCALITY_QUIT_AFTER_START=1 PATH="$SYSTEM_PATH" \
        "$launcher" "$WORK/demo.locality"
    run "desktop entry's launcher from the menu (no file)" env LOCALITY_QUIT_AFTER_START=1 PATH="$SYSTEM_PATH" \
        "$launcher"
    if command -v update-mime-database >/dev/null 2>&1; then
        # postinst ran update-mime-database: the compiled database knows the type, by name and by contents.
        grep -q "$MIME_TYPE" /usr/share/mime/globs2 || die "the MIME database does not know *.locality files"
        [[ -f "/usr/share/mime/${MIME_TYPE}.xml" ]] || die "update-mime-database did not take the workspace type"
        echo "ok: the MIME database knows $MIME_TYPE (*.locality)"
        if [[ -x "$BUILD_VENV/bin/python" ]]; then
            detected="$("$BUILD_VENV/bin/python" -c 'import sys
from PySide6.QtCore import QMimeDatabase
print(QMimeDatabase().mimeTypeForFile(sys.argv[1]).name())' "$WORK/demo.locality")"
            [[ "$detected" == "$MIME_TYPE" ]] || die "Qt takes a workspace file for $detected, not $MIME_TYPE"
            echo "ok: a workspace file is detected as $MIME_TYPE"
        fi
    else
        echo "update-mime-database is missing (package shared-mime-info): MIME database not checked."
    fi
    run "dpkg -r" dpkg -r locality
    PACKAGE_INSTALLED=0
    [[ ! -e /usr/bin/locality && ! -e /opt/locality ]] || die "dpkg -r left /usr/bin/locality or /opt/locality behind"
    echo "ok: removed, nothing left in /usr/bin or /opt"
fi

step "figures"
printf '%-40s %s\n' "Bundle dist/Locality" "$(du -sh dist/Locality | cut -f1)" \
    "Package $(basename "$DEB")" "$(du -h "$DEB" | cut -f1)" \
    "Installed size (dpkg)" "$(($(dpkg-deb --field "$DEB" Installed-Size) / 1024)) MiB"
printf '%-40s %-10s %s\n' "Start-up, seconds" "bundle" "source install" \
    "locality --version" "$BUNDLE_VERSION_TIME" "$SOURCE_VERSION_TIME" \
    "window shown and closed (small demo)" "$BUNDLE_WINDOW_TIME" "$SOURCE_WINDOW_TIME"
echo "Smoke test passed."
