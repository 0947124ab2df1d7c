#!/usr/bin/env bash
# Runs ansible-test on a copy of the checkout at <tmp>/ansible_collections/facturino/release.
# Usage: scripts/ansible-test.sh sanity|units|integration [ansible-test args...]
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
tree="${ANSIBLE_TEST_TREE:-$(mktemp -d "${TMPDIR:-/tmp}/facturino-ansible-test.XXXXXX")}"
trap 'rm -rf "$tree"' EXIT
dest="$tree/ansible_collections/facturino/release"

# ansible-test bootstraps pip in its managed venvs from an unreachable host; give it the offline stand-in.
at_dir="$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
pip_ver="$(grep -o "pip='[0-9.]*'" "$at_dir/_internal/python_requirements.py" | head -1 | tr -dc '0-9.')"
mkdir -p "$HOME/.ansible/test/cache"
cp "$src/scripts/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${pip_ver//./_}.py"

# Runs share ansible-test's managed venvs under ~/.ansible/test; one run at a time.
mkdir -p "$HOME/.ansible"
exec 9>"$HOME/.ansible/facturino-ansible-test.lock"
flock 9

rm -rf "$dest"
mkdir -p "$dest"
(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dest")
cd "$dest"
set +e
ansible-test "$@"
rc=$?
set -e
if [ -d "$dest/tests/output" ]; then
  mkdir -p "$src/tests/output"
  cp -a "$dest/tests/output/." "$src/tests/output/" 2>/dev/null || true
fi
exit $rc
