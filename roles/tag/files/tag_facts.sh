#!/usr/bin/env bash
# The facts the tag role decides on, as one JSON object: uncommitted changes, the release commit, the tag if it
# exists (type, object, peeled commit) and the commit the remote's tag points at (empty when unreachable).
# Environment: TAG_REF, TAG_NAME, TAG_REMOTE; runs in the app's work tree.
set -euo pipefail
dirty=$(git status --porcelain=v1 --untracked-files=normal | wc -l)
commit=$(git rev-parse --verify --quiet "$TAG_REF^{commit}" || true)
tag=$(git for-each-ref --format='%(objecttype) %(objectname) %(*objectname)' "refs/tags/$TAG_NAME")
remote=$(git ls-remote --tags "$TAG_REMOTE" "refs/tags/$TAG_NAME^{}" "refs/tags/$TAG_NAME" 2>/dev/null | sort -r | head -n1 | cut -c1-40 || true)
printf '{"dirty": %d, "commit": "%s", "tag": "%s", "remote_commit": "%s"}\n' "$dirty" "$commit" "$tag" "$remote"
