#!/usr/bin/env bash
# Prints the path of a Python 3.12 or newer (Django 6 needs one), looking in turn at:
#   1. pyenv's versions (the one .python-version names first), then python3.13, python3.12
#      and python3 on the PATH;
#   2. a Python installed earlier by this script, in var/python;
#   3. a new one installed by uv (https://docs.astral.sh/uv/), itself installed from PyPI into
#      var/tools with the machine's own python3. uv downloads Python builds from GitHub (or
#      from UV_PYTHON_INSTALL_MIRROR): a machine without that access must bring its own Python.
# Exits 1 with what to do when none can be had.
set -euo pipefail
cd "$(dirname "$0")/.."

good() { [ -n "$1" ] && [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

candidates=()
root="${PYENV_ROOT:-$HOME/.pyenv}"
if [ -d "$root/versions" ]; then
  candidates+=("$root/versions/$(cat .python-version 2>/dev/null || echo none)/bin/python3")
  candidates+=("$root"/versions/3.1[3-9]*/bin/python3 "$root"/versions/3.12*/bin/python3)
fi
candidates+=("$(command -v python3.13 || true)" "$(command -v python3.12 || true)" "$(command -v python3 || true)")
candidates+=(var/python/*/bin/python3)
for candidate in "${candidates[@]}"; do
  if good "$candidate"; then echo "$candidate"; exit 0; fi
done

echo "No Python 3.12 or newer on this machine: trying to install one with uv." >&2
base=$(command -v python3 || true)
if [ -z "$base" ]; then
  echo "There is no python3 at all to install uv with. Install Python 3.12 or newer (Debian 13 and" >&2
  echo "Ubuntu 24.04 ship one: apt install python3 python3-venv), then run this again." >&2
  exit 1
fi
if [ ! -x var/tools/bin/uv ]; then
  if ! "$base" -m venv var/tools >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$base" -m venv var/tools
    else
      echo "Cannot make a virtual environment with $base: install python3-venv, then run this again." >&2
      exit 1
    fi
  fi
  var/tools/bin/pip install -q --disable-pip-version-check uv >&2
fi
version=$(cat .python-version 2>/dev/null || echo 3.13)
if UV_PYTHON_INSTALL_DIR="$PWD/var/python" var/tools/bin/uv python install "$version" >&2; then
  found=$(UV_PYTHON_INSTALL_DIR="$PWD/var/python" var/tools/bin/uv python find "$version")
  if good "$found"; then echo "$found"; exit 0; fi
fi
cat >&2 <<MESSAGE
uv could not install Python $version: it downloads it from GitHub, which this machine cannot reach.
Do one of these, then run the command again:
  - install Python 3.12 or newer with the system's packages (Debian 13, Ubuntu 24.04: apt install python3 python3-venv);
  - install it with pyenv (https://github.com/pyenv/pyenv), which builds it from source;
  - point uv at a mirror of its Python builds: export UV_PYTHON_INSTALL_MIRROR=https://your.mirror/...
MESSAGE
exit 1
