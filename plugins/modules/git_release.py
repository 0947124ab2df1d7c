#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: git_release
short_description: The runbook's git steps (release facts, build tree, annotated tag, push, revert, hotfix branch)
version_added: 0.1.0
description:
  - V(facts) reads the release commit, the branch and uncommitted changes, an existing tag (and the remote's, with
    O(query_remote)), the migrations in the commit, and checks expected Composer and npm packages against the
    commit's lock files (the runbook's Dependency Verification).
  - V(export) returns the same facts and builds a tree of exactly the release commit (C(git archive)) in
    C(<dest>/<tag>-<commit>), whole or absent, with the operator's C(vendor/) and C(node_modules/) linked in, as
    C(railway run) would use them.
  - V(tag) creates the runbook's annotated tag; refuses a dirty tree (O(require_clean)) and a tag on another commit.
  - V(push) pushes O(branch) and O(tags) where the remote differs.
  - V(revert) is rollback Option 2, C(git revert) of O(tag) on O(branch), committed and tagged O(rollback_tag), in a
    temporary worktree so the operator's checkout is never touched.
  - V(branch) creates the hotfix branch O(branch) at O(ref) (or C(HEAD) when O(ref) names no commit).
  - Every operation is idempotent. Messages reach git through a private temporary file, never the command line.
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    details: Reads the repository and predicts the change; writes no ref, tree or commit.
options:
  operation:
    description: The git step to run.
    type: str
    required: true
    choices: [facts, export, tag, push, revert, branch]
  app_path:
    description: The application's git work tree.
    type: path
    required: true
  ref:
    description: The release ref (branch, tag or commit); for V(branch), the start point.
    type: str
    default: HEAD
  tag:
    description: The release tag (V(facts), V(tag)), or the release to revert (V(revert)).
    type: str
  git_message:
    description: The annotated tag's message (V(tag)) or the revert commit's message (V(revert)).
    type: str
  remote:
    description: The remote to push to and to query.
    type: str
    default: origin
  branch:
    description: The branch to push (V(push)), to revert on (V(revert)) or to create (V(branch)).
    type: str
  tags:
    description: Tags to push (V(push)).
    type: list
    elements: str
    default: []
  rollback_tag:
    description: The tag put on the revert commit (V(revert)), for example C(v1.0.0-rollback).
    type: str
  dest:
    description: The directory under which V(export) builds the tree (a scratch directory, one tree per release).
    type: path
  migrations_dir:
    description: The migrations directory inside the repository (V(facts)).
    type: str
    default: database/migrations
  probe_paths:
    description: Paths whose presence in the built tree V(export) reports under RV(paths) (linked C(vendor/) included).
    type: list
    elements: str
    default: []
  composer_packages:
    description: Composer packages the release must have (V(facts)); checked against C(composer.lock), else C(composer.json).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Package name.
        type: str
        required: true
      version:
        description: Version prefix the installed version must match.
        type: str
      min:
        description: Lowest accepted version.
        type: str
      max:
        description: First version no longer accepted.
        type: str
  npm_packages:
    description: npm packages the release must have (V(facts)); checked against C(package-lock.json).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Package name.
        type: str
        required: true
      version:
        description: Version prefix the installed version must match.
        type: str
      min:
        description: Lowest accepted version.
        type: str
      max:
        description: First version no longer accepted.
        type: str
  query_remote:
    description: V(facts) also asks O(remote) which commit its O(tag) points at (a network call).
    type: bool
    default: false
  require_clean:
    description: V(tag) refuses a working tree with uncommitted changes.
    type: bool
    default: true
  author_name:
    description: Author and committer name of the tag and the revert (empty uses git's configuration).
    type: str
  author_email:
    description: Author and committer e-mail of the tag and the revert.
    type: str
"""

EXAMPLES = r"""
- name: Read the release
  facturino.release.git_release:
    operation: facts
    app_path: "{{ release_app_path }}"
    ref: release/v1.0.0
    tag: v1.0.0
    composer_packages:
      - name: laravel/framework
  register: release_git

- name: Create the annotated tag
  facturino.release.git_release:
    operation: tag
    app_path: "{{ release_app_path }}"
    ref: "{{ release_git.commit }}"
    tag: v1.0.0
    git_message: "Facturino v1.0.0 - Production Release"

- name: Option 2, revert the release on main
  facturino.release.git_release:
    operation: revert
    app_path: "{{ release_app_path }}"
    tag: v1.0.0
    branch: main
    rollback_tag: v1.0.0-rollback
    git_message: "Rollback v1.0.0 due to critical issue: health checks failed"
"""

RETURN = r"""
commit:
  description: The commit the operation acted on (the release commit, the new tag's, the revert commit).
  returned: always except for push
  type: str
  sample: 3f2a1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: tagged v1.0.0 on 3f2a1c0d9e8b
branch:
  description: The current branch (V(facts), V(export)) or the branch created (V(branch)).
  returned: when operation is facts, export or branch
  type: str
  sample: main
dirty:
  description: Uncommitted paths of the work tree (V(facts)).
  returned: when operation is facts or export
  type: list
  elements: str
  sample: []
clean:
  description: The work tree has no uncommitted change (V(facts)).
  returned: when operation is facts or export
  type: bool
  sample: true
commit_subject:
  description: The release commit's subject (V(facts)).
  returned: when operation is facts or export
  type: str
  sample: Add two-factor columns to users
tag:
  description: V(facts) and V(export) the existing tag (exists, annotated, commit); V(tag) the tag's name.
  returned: when operation is facts, export or tag
  type: raw
  sample: {"exists": false, "annotated": false, "commit": null}
remote_commit:
  description: The commit the remote's tag points at ('' when absent, unreachable or not asked).
  returned: when operation is facts or export
  type: str
  sample: ""
migrations:
  description: Migration names in the release commit (V(facts)).
  returned: when operation is facts or export
  type: list
  elements: str
  sample: [2025_11_16_233237_add_two_factor_columns_to_users_table]
paths:
  description: Presence in the release commit of each of O(probe_paths) (V(facts)).
  returned: when operation is export
  type: dict
  sample: {"package.json": false}
dependencies:
  description: Composer and npm checks (source, checked rows with name, expected, installed, ok, reason).
  returned: when operation is facts or export
  type: dict
  sample: {"composer": {"source": "composer.lock", "checked": []}, "npm": {"source": "none", "checked": []}}
dest:
  description: The build tree (V(export)).
  returned: when operation is export
  type: str
  sample: /srv/release/.release/builds/v1.0.0-3f2a1c0d9e8b
exported:
  description: The tree was (re)built by this run (V(export)).
  returned: when operation is export
  type: bool
  sample: true
pushed:
  description: Refs pushed (V(push)).
  returned: when operation is push
  type: list
  elements: str
  sample: [refs/tags/v1.0.0]
rollback_tag:
  description: The rollback tag (V(revert)).
  returned: when operation is revert
  type: str
  sample: v1.0.0-rollback
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import run_module
from ansible_collections.facturino.release.plugins.module_utils.git.argspec import REQUIRED_IF, git_release_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.git.task import handle


def main():
    module = AnsibleModule(argument_spec=git_release_argument_spec(), required_if=REQUIRED_IF, supports_check_mode=True)
    run_module(module, handle)


if __name__ == "__main__":
    main()
