#!/usr/bin/env bash
# Creates .venv (if missing or stale), installs the controller and dev requirements,
# and links the checkout as ansible_collections/facturino/release for ansible.cfg and pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
venv="${FACTURINO_VENV:-.venv}"
# A pyenv shim can exist yet fail to run; accept only interpreters that really start.
usable() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
resolve_python() {
  local name="$1" found
  if command -v "$name" >/dev/null 2>&1 && usable "$name"; then echo "$name"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    for found in "$(pyenv root)"/versions/*/bin/"$name"; do
      if [ -x "$found" ] && usable "$found"; then echo "$found"; return; fi
    done
  fi
}
python_bin=""
for candidate in ${FACTURINO_PYTHON:-python3.11 python3.12 python3}; do
  python_bin="$(resolve_python "$candidate")"
  [ -n "$python_bin" ] && break
done
[ -n "$python_bin" ] || { echo "bootstrap: no usable ${FACTURINO_PYTHON:-Python >= 3.11} found; install it (Debian: apt-get install python3) and retry" >&2; exit 3; }

stamp="$venv/.requirements.sha256"
want="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  echo "bootstrap: creating $venv with $python_bin"
  if ! "$python_bin" -m venv "$venv" 2>/dev/null; then
    # Debian splits venv support out of python3.
    rm -rf "$venv"
    command -v apt-get >/dev/null || { echo "bootstrap: '$python_bin -m venv' failed; install venv support and retry" >&2; exit 1; }
    echo "bootstrap: installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }
    "$python_bin" -m venv "$venv"
  fi
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing requirements into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip 2>&1 | grep -v "is ignored: it is neither" || true
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "is ignored: it is neither" || true
  "$venv/bin/python" -c 'import ansible, ansible_runner, requests, psycopg2, jmespath, graphql' \
    || { echo "bootstrap: requirements did not install; see pip output above" >&2; exit 1; }
  echo "$want" > "$stamp"
fi

mkdir -p .collections/ansible_collections/facturino
link=.collections/ansible_collections/facturino/release
if [ "$(readlink "$link" 2>/dev/null)" != "../../.." ]; then
  rm -rf "$link"
  ln -s ../../.. "$link"
fi
echo "bootstrap: ready ($("$venv/bin/ansible" --version 2>/dev/null | sed -n 1p))"
