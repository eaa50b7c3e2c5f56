#!/usr/bin/env bash
# Builds Locality for Linux (x86-64):
#   1. the PyInstaller bundle dist/Locality/ from packaging/locality.spec, in a virtual environment of its own
#      (.venv-build, reused by the next build) holding Locality (`pip install .`) and PyInstaller;
#   2. the Debian package dist/locality_<version>_amd64.deb of that bundle: the bundle in /opt/locality, the
#      `locality` command in /usr/bin, the menu entry, icons, AppStream metainfo and the workspace file type
#      (*.locality, which a double-click opens in Locality).
#
# Usage, from anywhere:  bash packaging/build-linux.sh
# Needs Python 3.11+ with venv, dpkg-deb, and binutils (PyInstaller reads libraries with objdump).
# Environment: PYTHON (the interpreter for the build environment; default the first 3.11+ of python3.13 …
# python3), LOCALITY_BUILD_VENV (default .venv-build). packaging/smoke-test.sh then tries what was built.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"
LINUX_FILES="$REPO_ROOT/packaging/linux"
BUILD_VENV="${LOCALITY_BUILD_VENV:-$REPO_ROOT/.venv-build}"
APP_ID="org.locality.Locality"
MIME_TYPE="application/x-locality-workspace"
# PyInstaller 6 is what the spec is written for; 7 may change the spec's API.
PYINSTALLER_REQUIREMENT="pyinstaller>=6.10,<7"

step() {
    printf '\n---- build-linux: %s\n' "$*"
}

die() {
    printf 'build-linux: error: %s\n' "$*" >&2
    exit 1
}

python_is_usable() {
    command -v "$1" >/dev/null 2>&1 && "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if python_is_usable "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# readme_qt_packages: the Debian packages of the system libraries Qt loads, from the README's "# System libraries
# for Qt" apt-get line. .ci/run's own function, so that the README, CI and the package's Depends share one list.
# shellcheck source=/dev/null
source <(sed -n '/^readme_qt_packages() {$/,/^}$/p' .ci/run)
declare -F readme_qt_packages >/dev/null || die ".ci/run has no readme_qt_packages function"

# The newest GLIBC_x.y symbol version that any executable or library in the bundle asks for: the bundle runs on
# any system whose C library is at least that.
bundle_glibc_version() {
    # objdump fails on the odd executable file that is not ELF (a script): those need no C library.
    find "$1" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
        | { xargs -0 objdump -T 2>/dev/null || true; } \
        | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -u -V | tail -1
}

command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is missing (Debian package dpkg)"
command -v objdump >/dev/null 2>&1 || die "objdump is missing (Debian package binutils): PyInstaller needs it"
[[ "$(uname -m)" == x86_64 ]] || die "this script builds the amd64 package; this machine is $(uname -m)"

step "build environment $BUILD_VENV"
PYTHON_FOR_VENV="$(find_python)" || die "no Python 3.11 or newer with venv found (set PYTHON)"
if [[ -x "$BUILD_VENV/bin/python" ]] && "$BUILD_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'
then
    echo "Reusing $BUILD_VENV"
else
    "$PYTHON_FOR_VENV" -m venv --clear "$BUILD_VENV"
fi
BUILD_PYTHON="$BUILD_VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$BUILD_PYTHON" -m pip install --quiet --upgrade pip
"$BUILD_PYTHON" -m pip install --quiet . "$PYINSTALLER_REQUIREMENT"
# pip keeps an installed Locality of the same version number; the bundle must carry this source tree.
"$BUILD_PYTHON" -m pip install --quiet --no-deps --force-reinstall .
VERSION="$("$BUILD_PYTHON" -c 'from importlib.metadata import version; print(version("locality"))')"
echo "Locality $VERSION, PyInstaller $("$BUILD_PYTHON" -m PyInstaller --version)"

step "PyInstaller bundle dist/Locality/"
rm -rf dist/Locality
"$BUILD_PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/locality.spec
[[ -x dist/Locality/Locality ]] || die "PyInstaller made no dist/Locality/Locality"
echo "Bundle: $(du -sh dist/Locality | cut -f1) in dist/Locality"

step "Debian package"
PACKAGE="locality_${VERSION}_amd64"
STAGE="$REPO_ROOT/build/deb/$PACKAGE"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/libexec/locality"
cp -a dist/Locality "$STAGE/opt/locality"
ln -s /opt/locality/Locality "$STAGE/usr/bin/locality"
install -m 755 "$LINUX_FILES/open-workspace" "$STAGE/usr/libexec/locality/open-workspace"
install -D -m 644 "$LINUX_FILES/$APP_ID.desktop" "$STAGE/usr/share/applications/$APP_ID.desktop"
install -D -m 644 "$LINUX_FILES/locality-mime.xml" "$STAGE/usr/share/mime/packages/locality.xml"
RELEASE_DATE="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"
install -d "$STAGE/usr/share/metainfo"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$RELEASE_DATE/" "$LINUX_FILES/$APP_ID.metainfo.xml" \
    >"$STAGE/usr/share/metainfo/$APP_ID.metainfo.xml"
chmod 644 "$STAGE/usr/share/metainfo/$APP_ID.metainfo.xml"
ICONS="$STAGE/usr/share/icons/hicolor"
install -D -m 644 resources/icons/locality.svg "$ICONS/scalable/apps/$APP_ID.svg"
install -D -m 644 resources/icons/locality.svg "$ICONS/scalable/mimetypes/${MIME_TYPE/\//-}.svg"
# PNG sizes for desktops that do not draw SVG icons, painted by Qt's SVG renderer from the build environment.
QT_QPA_PLATFORM=offscreen "$BUILD_PYTHON" "$LINUX_FILES/render_icons.py" resources/icons/locality.svg "$ICONS" \
    "$APP_ID" 16 24 32 48 64 128 256
install -D -m 644 /dev/stdin "$STAGE/usr/share/doc/locality/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Locality
Comment: /opt/locality is a PyInstaller bundle: it also carries Python, Qt (PySide6, LGPL-3.0) and the other
 Python packages Locality uses, each under its own licence.

Files: *
License: MIT
COPYRIGHT

QT_PACKAGES_LINE="$(readme_qt_packages)" || die 'README.md has no "# System libraries for Qt" apt-get line'
read -r -a QT_PACKAGES <<<"$QT_PACKAGES_LINE"
((${#QT_PACKAGES[@]} > 0)) || die "README.md's apt-get line names no packages"
GLIBC="$(bundle_glibc_version dist/Locality)"
[[ -n "$GLIBC" ]] || die "could not read the C library version the bundle needs"
DEPENDS="libc6 (>= $GLIBC)$(printf ', %s' "${QT_PACKAGES[@]}")"
INSTALLED_SIZE="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
# Recommends: the tools postinst runs, and the Wayland libraries Qt's Wayland plugin loads from the system (a
# Wayland desktop has them; without them Qt falls back to X11 through XWayland).
cat >"$STAGE/DEBIAN/control" <<CONTROL
Package: locality
Version: $VERSION
Architecture: amd64
Maintainer: Locality <locality@localhost>
Installed-Size: $INSTALLED_SIZE
Depends: $DEPENDS
Recommends: desktop-file-utils, shared-mime-info, hicolor-icon-theme, libwayland-cursor0, libwayland-egl1
Section: misc
Priority: optional
Homepage: https://github.com/locality/locality
Description: plan and track the improvement work a locality partnership shares
 Locality is for councils and their partners (police, health, fire and rescue,
 housing, the voluntary and community sector, business and education) who
 improve services together: map the improvement needs they share, agree joint
 capacity-building actions, track progress with RAG ratings, milestones and
 indicators, and export joint action plans for the board.
 .
 This package holds a self-contained build (Python and Qt included) in
 /opt/locality.
CONTROL
for script in postinst postrm; do
    install -m 755 "$LINUX_FILES/$script" "$STAGE/DEBIAN/$script"
done
mkdir -p dist
DEB="dist/$PACKAGE.deb"
rm -f "$DEB"
dpkg-deb --root-owner-group -Zxz -z6 --build "$STAGE" "$DEB"

step "checks"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$STAGE/usr/share/applications/$APP_ID.desktop" && echo "desktop entry: valid"
else
    echo "desktop-file-validate is not installed: desktop entry not validated here (tests/packaging parses it)."
fi
if command -v appstreamcli >/dev/null 2>&1; then
    # Informational: an older appstreamcli may not know newer tags, and some checks need the network.
    appstreamcli validate --no-net "$STAGE/usr/share/metainfo/$APP_ID.metainfo.xml" \
        || echo "appstreamcli reported problems in the metainfo (see above)."
else
    echo "appstreamcli is not installed: metainfo not validated here."
fi
dpkg-deb --field "$DEB" Package Version Architecture Installed-Size
echo "Depends: $DEPENDS"

step "done"
echo "Bundle:  dist/Locality ($(du -sh dist/Locality | cut -f1))"
echo "Package: $DEB ($(du -h "$DEB" | cut -f1))"
