# Sourced by scripts/start and scripts/test: make (once) and enter carehub's own virtual environment in .venv,
# so nothing is installed into the system's Python (Debian and Ubuntu refuse that: "externally managed").
# CAREHUB_VENV chooses another folder; CAREHUB_PYTHON another interpreter (3.11 or newer).

say() { printf '\033[1mcarehub:\033[0m %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else return 1
    fi
}

apt_install() {
    # Debian / Ubuntu packages, where apt-get is there and we may use it; otherwise say what is missing.
    if command -v apt-get >/dev/null 2>&1 && as_root true 2>/dev/null; then
        say "installing $* with apt-get"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        say "please install: $* (with your system's package manager), then run this again"
        return 1
    fi
}

VENV="${CAREHUB_VENV:-.venv}"
PYTHON="${CAREHUB_PYTHON:-$(command -v python3 || command -v python)}"
if [ -z "$PYTHON" ]; then
    say "no python3 found: install Python 3.11 or newer"; exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "$PYTHON is $("$PYTHON" --version 2>&1); carehub needs Python 3.11 or newer (CAREHUB_PYTHON=...)"; exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    say "making a virtual environment in $VENV (with $("$PYTHON" --version 2>&1))"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        # Debian and Ubuntu ship venv apart from Python.
        apt_install "python3-venv" || exit 1
        "$PYTHON" -m venv "$VENV"
    fi
fi
# shellcheck disable=SC1091
. "$VENV/bin/activate"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
