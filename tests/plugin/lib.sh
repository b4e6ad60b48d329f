# Shared setup for the plugin tests (sourced). Loads imsec.so from the build
# tree only: a private plugin folder and a temporary HOME, so nothing is
# installed and the user's Wireshark profile is not touched.
#
# Wireshark ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder when
# started with special privileges (root included), so as root tshark runs as
# `nobody` through setpriv, on copies of the inputs in a world-readable
# temporary folder.
#
# Sets: BUILD SRC TESTDATA IMSEC WORK; defines ts (tshark with the plugin),
# stage FILE (copy readable for tshark, prints the path), skip MSG, fail MSG.

BUILD=$(cd "${1:?build dir}" && pwd)
SRC=$(cd "${2:?source dir}" && pwd)
TESTDATA=${3:-}
IMSEC=$BUILD/imsec

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILED=1; }
FAILED=0

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
[ -x "$IMSEC" ] || skip "CLI $IMSEC not built"
SO=$(ls "$BUILD"/wireshark-plugin/plugins/*/epan/imsec.so 2>/dev/null | head -n 1)
[ -n "$SO" ] || skip "plugin not built (wireshark-dev missing or -DIMSEC_PLUGIN=OFF)"
WSVER=$(basename "$(dirname "$(dirname "$SO")")")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/imsec-plugin.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/home" "$WORK/plugins/$WSVER/epan" "$WORK/in"
cp "$SO" "$WORK/plugins/$WSVER/epan/imsec.so"
chmod -R a+rX "$WORK"

if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null 2>&1 || skip "running as root without setpriv: Wireshark would not load a plugin from the build tree"
    chown -R nobody "$WORK/home"
    RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
    RUNAS=""
fi

ts() {
    $RUNAS env -i PATH="$PATH" HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
        WIRESHARK_PLUGIN_DIR="$WORK/plugins" WIRESHARK_EXTCAP_DIR="$WORK/plugins/none" \
        LC_ALL=C tshark "$@"
}

# Copy an input where tshark (maybe as nobody) can read it; print the path.
stage() {
    local dst="$WORK/in/$(basename "$1")"
    [ -e "$dst" ] || { cp "$1" "$dst"; chmod a+r "$dst"; }
    printf '%s\n' "$dst"
}
