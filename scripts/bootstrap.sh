#!/usr/bin/env bash
# Creates .venv (if missing or stale), installs the controller and dev requirements,
# and links the checkout as ansible_collections/facturino/release for ansible.cfg and pytest.
# Environment: FACTURINO_VENV (.venv), FACTURINO_PYTHON (python3.11 python3.12 python3: the first that starts),
#   FACTURINO_CORE (a minor such as 2.17: pins ansible-core to that minor, for the version matrix),
#   FACTURINO_REQUIREMENTS (requirements-dev.txt; the matrix uses requirements-test.txt).
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

# browser_check drives the system Chromium (Playwright downloads no browser here): install Debian's when missing.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [ -z "${FACTURINO_CHROMIUM:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing chromium (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; } \
      || echo "bootstrap: chromium did not install; browser checks need it (apt-get install chromium, or set FACTURINO_CHROMIUM)" >&2
  else
    echo "bootstrap: no chromium found; browser checks need it (apt-get install chromium, or set FACTURINO_CHROMIUM)" >&2
  fi
fi
# stability_schedule writes cron entries through ansible.builtin.cron, which needs crontab (Debian: cron).
if ! command -v crontab >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "bootstrap: installing cron (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq cron >/dev/null 2>&1 \
    || echo "bootstrap: cron did not install; stability_schedule needs crontab (apt-get install cron)" >&2
fi

stamp="$venv/.requirements.sha256"
core_pin=()
if [ -n "${FACTURINO_CORE:-}" ]; then
  [[ "$FACTURINO_CORE" =~ ^2\.[0-9]+$ ]] || { echo "bootstrap: FACTURINO_CORE must be a minor version such as 2.17, not '$FACTURINO_CORE'" >&2; exit 2; }
  core_pin=("ansible-core==${FACTURINO_CORE}.*")
fi
# FACTURINO_REQUIREMENTS: requirements-dev.txt (everything), or requirements-test.txt (the matrix: no linters)
reqs="${FACTURINO_REQUIREMENTS:-requirements-dev.txt}"
want="$( (cat requirements.txt requirements-test.txt "$reqs"; [ -z "${FACTURINO_CORE:-}" ] || echo "${core_pin[*]}") | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  echo "bootstrap: creating $venv with $python_bin"
  if ! "$python_bin" -m venv "$venv" 2>/dev/null; then
    # Debian splits venv support out of python3.
    rm -rf "$venv"
    command -v apt-get >/dev/null || { echo "bootstrap: '$python_bin -m venv' failed; install venv support and retry" >&2; exit 1; }
    echo "bootstrap: installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv >/dev/null; }
    "$python_bin" -m venv "$venv"
  fi
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing requirements into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip 2>&1 | grep -v "is ignored: it is neither" || true
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs" ${core_pin[@]+"${core_pin[@]}"} 2>&1 | grep -v "is ignored: it is neither" || true
  "$venv/bin/python" -c 'import ansible, ansible_runner, requests, psycopg2, jmespath, graphql, playwright, matplotlib' \
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
