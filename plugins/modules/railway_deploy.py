#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_deploy
short_description: Deploy, wait, roll back and inspect a Railway service through Railway's public GraphQL API
version_added: 0.1.0
description:
  - Replaces C(railway up), C(railway logs), C(railway redeploy), C(railway domain), C(railway variables set) and
    the dashboard's rollback button.
  - Waits by polling the C(deployment) query only (one request per poll), with capped exponential backoff (1 s rising to O(poll_interval_max)),
    and returns the status timeline, since a module cannot stream progress.
  - Statuses C(SUCCESS) and C(SLEEPING) are success; C(FAILED) and C(CRASHED) fail with the tail of the build and
    deploy logs; C(SKIPPED) and C(REMOVED) fail saying what happened; C(NEEDS_APPROVAL) fails unless O(approve=true);
    C(WAITING) is shown as waiting for CI; an unknown status is tolerated until O(wait_timeout).
  - Every result, failures included, reports C(api_requests).
author:
  - Facturino release team (@facturino)
extends_documentation_fragment:
  - facturino.release.railway
  - facturino.release.attributes
attributes:
  check_mode:
    details: Sends no mutation and does not poll; reports the deployment, rollback target or variable diff that would
      result.
  diff_mode:
    support: partial
    details: Only O(state=variables) returns a diff, of keys (added, changed, removed), never values.
  platform:
    support: full
options:
  state:
    description:
      - V(deployed) deploys O(commit_sha) (C(serviceInstanceDeployV2)), or uploads O(source), or without either deploys the
        latest commit of the service's branch; then waits. If the active deployment is already O(commit_sha) and
        C(SUCCESS), nothing happens (C(changed=false)); an in-progress deployment of that commit is awaited, not duplicated.
      - V(redeployed) redeploys O(deployment_id), or the latest deployment (C(deploymentRedeploy)).
      - V(rolled_back) rolls back to O(deployment_id), to the newest deployment of O(commit_sha), or by default to the
        previous deployment (of another commit) that has C(canRollback); then finds the deployment the rollback
        created and waits for it. Rolling back to what is already active reports C(changed=false).
      - V(restarted), V(cancelled), V(removed) act on O(deployment_id), or on the active (restart, remove) or latest
        (cancel) deployment.
      - V(inspected) returns the latest and active deployments, the last O(limit) deployments and the service domains.
      - V(logs) returns build and deployment logs of O(deployment_id) or the latest deployment.
      - V(variables) reads the service variables (keys only unless O(reveal)), upserts O(variables) in one
        C(variableCollectionUpsert) and deletes O(variables_absent).
      - V(runtime) returns the environment C(railway run) would inject (C(variablesForServiceDeployment), rendered)
        as the controller must use it; a value on Railway's private network (C(*.railway.internal)) is rewritten to
        the public TCP proxy of the service it belongs to (found through C(tcpProxies)), and listed in RV(unreachable_variables)
        when that service has none. Also returns the service's start, build and pre-deploy commands. Needs
        O(reveal=true) and C(no_log). Read-only.
    type: str
    required: true
    choices: [deployed, redeployed, rolled_back, restarted, cancelled, removed, inspected, logs, variables, runtime]
  commit_sha:
    description:
      - Commit to deploy (O(state=deployed)) or to roll back to (O(state=rolled_back)). 7 to 40 hex digits.
    type: str
  source:
    description:
      - Directory to upload like C(railway up) (O(state=deployed)). Packed as a gzip tarball that honours
        C(.gitignore) and C(.railwayignore) and always leaves out C(.git) and C(node_modules).
      - An upload always makes a new deployment (C(changed=true)).
    type: path
  use_ignore_files:
    description:
      - Honour C(.gitignore) and C(.railwayignore) when packing O(source).
    type: bool
    default: true
  deploy_message:
    description:
      - Deployment message sent with an O(source) upload.
    type: str
  deployment_id:
    description:
      - Deployment to redeploy, roll back to, restart, cancel, remove or read logs from.
    type: str
  wait:
    description:
      - Wait for the new deployment to reach a final status.
    type: bool
    default: true
  approve:
    description:
      - Approve a deployment that reaches C(NEEDS_APPROVAL) while waiting (C(deploymentApprove)).
    type: bool
    default: false
  stable_for:
    description:
      - After C(SUCCESS), keep polling until the deployment has stayed successful this many seconds, so that a crash
        right after start fails the task. Counts against O(wait_timeout).
    type: int
    default: 0
  poll_interval_max:
    description:
      - Longest pause between two status polls, in seconds. Polls start 1 s apart (or this far apart when it is
        shorter) and grow by half each time.
    type: float
    default: 15
  log_lines:
    description:
      - Lines of build and deploy log returned when a deployment fails.
    type: int
    default: 40
  limit:
    description:
      - Deployments listed by O(state=inspected) (default 10) or log lines per kind by O(state=logs) (default 100, max 5000).
    type: int
  filter:
    description:
      - Railway log filter for O(state=logs), for example C(@level:error) or C(migrat -debug).
    type: str
  log_type:
    description:
      - Which logs O(state=logs) returns.
    type: str
    choices: [all, build, deploy]
    default: all
  variables:
    description:
      - Variables to upsert (O(state=variables)), name to value. Booleans become C(true)/C(false).
      - Values are C(no_log), so Ansible masks them wherever they appear in the output (a short value also masks
        matching text elsewhere).
    type: dict
  fallback:
    description:
      - With O(state=rolled_back), check O(deployment_id) against Railway first (it must belong to the service, be
        older than the bad deployment and have C(canRollback)) and, when it cannot be used, Railway refuses it, or
        its new deployment does not reach C(SUCCESS), roll back to Railway's newest deployment older than the bad one
        that ran successfully with C(canRollback) (up to three targets in all). Every try is in RV(attempts).
      - When the bad deployment no longer serves, nothing is rolled back (C(changed=false)), so the task never
        rolls back twice.
    type: bool
    default: false
  bad_deployment_id:
    description:
      - With O(state=rolled_back) and O(fallback=true), the deployment to roll back; targets must be older than it.
        Defaults to the active deployment.
    type: str
  variables_absent:
    description:
      - Variable names to delete (O(state=variables)).
      - Railway's C(variableDelete) cannot skip deploys, so removing a key always redeploys the service.
    type: list
    elements: str
    default: []
  skip_deploys:
    description:
      - Must be chosen when O(variables) change. V(true) only stores them (deploy later); V(false) lets Railway
        redeploy the service now.
    type: bool
  reveal:
    description:
      - Return the variable values in RV(variable_values). The task must set C(no_log=true), so they stay out of logs.
    type: bool
    default: false
  pre_deploy_command:
    description:
      - With O(state=deployed), the service's pre-deploy command is made this list before the deployment is
        triggered (C(serviceInstanceUpdate)); an empty list removes it. Railway runs it inside the private network
        after the build and before the new deployment takes traffic; if it fails, the deployment fails and the
        previous one keeps serving. A C(deploy.preDeployCommand) in the app's C(railway.json) overrides it.
      - Left unset, the setting is not touched.
    type: list
    elements: str
notes:
  - Railway's Hobby plan allows 1000 API requests an hour; a five-minute deploy costs about 30 requests here.
  - A rollback restores the image and the custom variables of the target deployment.
seealso:
  - name: Railway public API
    description: Railway's GraphQL API reference.
    link: https://docs.railway.com/reference/public-api
"""

EXAMPLES = r"""
- name: Deploy the release commit and wait until it serves
  facturino.release.railway_deploy:
    state: deployed
    project: facturino
    environment: production
    service: facturino-app
    commit_sha: "{{ release_sha }}"
    stable_for: 20
  register: deploy

- name: Roll back to the previous deployment
  facturino.release.railway_deploy:
    state: rolled_back
    service: facturino-app

- name: Set production variables without triggering a deploy
  facturino.release.railway_deploy:
    state: variables
    service: facturino-app
    variables:
      APP_ENV: production
      APP_DEBUG: false
    skip_deploys: true
  diff: true

- name: Show domains and the last deployments (railway domain)
  facturino.release.railway_deploy:
    state: inspected
    service: facturino-app
    limit: 5
"""

RETURN = r"""
deployment_id:
  description: The deployment created, awaited or acted on.
  returned: when a deployment is involved
  type: str
  sample: 0f6c9c4e-1a1b-4f4e-9d7e-3f7a2b1c0d9e
status:
  description: Its last status (C(DeploymentStatus)); null when not awaited.
  returned: when a deployment is involved
  type: str
  sample: SUCCESS
commit_sha:
  description: The deployment's commit (C(meta.commitHash)).
  returned: when known
  type: str
  sample: 4b825dc642cb6eb9a060e54bf8d69288fbee4904
url:
  description: Public URL of the service (its first domain).
  returned: states deployed, redeployed, rolled_back, restarted, inspected
  type: str
  sample: https://facturino-app-production.up.railway.app
duration_s:
  description: Seconds from the trigger until the final status.
  returned: when the task waited
  type: float
  sample: 73.4
timeline:
  description: Each status the deployment went through, with seconds since waiting began.
  returned: when the task waited
  type: list
  elements: dict
  sample: [{"status": "BUILDING", "label": "building", "elapsed_s": 0.1}, {"status": "SUCCESS", "label": "deployed", "elapsed_s": 41.2}]
polls:
  description: Status polls made while waiting.
  returned: when the task waited
  type: int
  sample: 9
deployment:
  description: Summary of the resulting deployment (id, status, commit_sha, created_at, can_rollback, can_redeploy).
  returned: when the task waited, or nothing changed
  type: dict
  sample: {"id": "0f6c9c4e-...", "status": "SUCCESS", "commit_sha": "4b825dc...", "can_rollback": true}
previous:
  description: The active deployment before the task.
  returned: states deployed, rolled_back
  type: dict
  sample: {"id": "9a1e...", "status": "SUCCESS", "commit_sha": "1d2e..."}
rollback_target:
  description: The deployment rolled back to (or that would be, in check mode).
  returned: state rolled_back
  type: dict
  sample: {"id": "9a1e...", "status": "REMOVED", "commit_sha": "1d2e...", "can_rollback": true}
attempts:
  description: With O(fallback=true), each rollback target tried, its source (V(given) or V(railway)), the deployment it
    created and its status or error.
  returned: state rolled_back with fallback
  type: list
  elements: dict
  sample: [{"target": {"id": "9a1e..."}, "source": "given", "deployment_id": "77b2...", "status": "SUCCESS"}]
skipped:
  description: With O(fallback=true), the given target when Railway says it cannot be used, and why.
  returned: state rolled_back with fallback
  type: list
  elements: dict
  sample: [{"id": "9a1e...", "source": "given", "reason": "Railway says canRollback is false (its image is gone)"}]
target_source:
  description: With O(fallback=true), where the target rolled back to came from (V(given) or V(railway)).
  returned: state rolled_back with fallback, when rolled back
  type: str
  sample: railway
bad_deployment:
  description: With O(fallback=true), the deployment rolled back (O(bad_deployment_id) or the active one).
  returned: state rolled_back with fallback
  type: dict
  sample: {"id": "77b2...", "status": "SUCCESS", "commit_sha": "4b82..."}
reconciled:
  description: Mutations whose answer was lost (a reset or timeout after sending), and the deployment found for each
    instead of sending it again (null when none existed, so it was sent once more).
  returned: when an answer was lost
  type: list
  elements: dict
  sample: [{"error": "the connection to Railway broke after DeploymentRollback was sent", "found": "77b2..."}]
logs:
  description:
    - On a failed deployment, the tail of its build and deploy logs (lists of lines).
    - With O(state=logs), entries with timestamp, severity and message, per kind (build, deploy).
  returned: on deployment failure, and state logs
  type: dict
  sample: {"build": ["PHP Parse error: syntax error in app/Broken.php on line 3"], "deploy": []}
latest:
  description: The latest deployment, any status.
  returned: state inspected
  type: dict
  sample: {"id": "0f6c...", "status": "SUCCESS"}
active:
  description: The active (deployed and running) deployments.
  returned: state inspected
  type: list
  elements: dict
  sample: [{"id": "0f6c...", "status": "SUCCESS"}]
deployments:
  description: The last O(limit) deployments, newest first, with status, commit, created time, can_rollback and can_redeploy.
  returned: state inspected
  type: list
  elements: dict
  sample: [{"id": "0f6c...", "status": "SUCCESS", "commit_sha": "4b82...", "created_at": "2026-11-26T10:00:00.000Z"}]
domains:
  description: Service and custom domains (replaces C(railway domain)).
  returned: state inspected
  type: list
  elements: dict
  sample: [{"kind": "service", "domain": "facturino-app.up.railway.app", "url": "https://facturino-app.up.railway.app"}]
variable_keys:
  description: Variable names of the service after the task (never values).
  returned: state variables and runtime
  type: list
  elements: str
  sample: [APP_ENV, APP_KEY, DATABASE_URL]
variable_changes:
  description: Keys added, changed, removed and unchanged by the task.
  returned: state variables
  type: dict
  sample: {"added": ["NEW_FLAG"], "changed": ["APP_DEBUG"], "removed": [], "unchanged": ["APP_ENV"]}
deploy_triggered:
  description: Whether the variable change makes Railway redeploy the service (or would, in check mode).
  returned: state variables
  type: bool
  sample: false
variable_values:
  description: Variable values, only with O(reveal=true) in a C(no_log) task.
  returned: state variables with reveal, state runtime
  type: dict
  sample: {"APP_ENV": "production"}
private:
  description:
    - One entry per variable whose value names a C(*.railway.internal) host, without values - C(variable), C(host),
      C(port), C(service) (the service the name belongs to, from the C(${{Service.NAME}}) reference or the name),
      C(service_id), C(public) (the TCP proxy's C(domain:port), or null) and C(reachable).
  returned: state runtime
  type: list
  elements: dict
  sample: [{"variable": "DATABASE_URL", "host": "postgres.railway.internal", "port": 5432, "service": "Postgres",
            "service_id": "b1c2", "public": "shuttle.proxy.rlwy.net:15432", "reachable": true}]
unreachable_variables:
  description:
    - The variables on the private network that no TCP proxy makes reachable from the controller.
    - Not named C(unreachable), which Ansible reads as the host being unreachable.
  returned: state runtime
  type: list
  elements: str
  sample: []
service_config:
  description: The service instance's C(start_command), C(build_command), C(pre_deploy_command) (a list),
    C(config_file) and C(healthcheck_path), as Railway reports them (C(railway.json) values included).
  returned: state runtime
  type: dict
  sample: {"start_command": "php artisan serve", "build_command": null, "pre_deploy_command": ["php artisan migrate --force"],
           "config_file": "railway.json", "healthcheck_path": "/api/health"}
pre_deploy_command:
  description: What O(pre_deploy_command) did - C(command), C(previous) and C(changed).
  returned: state deployed with pre_deploy_command
  type: dict
  sample: {"command": ["php artisan migrate --force"], "previous": [], "changed": true}
target:
  description: The resolved project, environment and service ids and names.
  returned: always, once resolved
  type: dict
  sample: {"project_id": "7c1d...", "project_name": "facturino", "environment_name": "production", "service_name": "facturino-app"}
api_requests:
  description: Railway API requests (HTTP attempts) made by the task, failures included.
  returned: always
  type: int
  sample: 14
retries:
  description: Requests that were retried, with the error and the delay.
  returned: when a request was retried
  type: list
  elements: dict
  sample: [{"operation": "Deployment", "attempt": 1, "error": "Railway rate-limited Deployment (HTTP 429)", "delay_s": 3.0}]
source:
  description: What was (or would be) uploaded from O(source) - files, unpacked_bytes, tarball_bytes, sha256.
  returned: state deployed with source
  type: dict
  sample: {"files": 412, "unpacked_bytes": 1843221, "tarball_bytes": 402113, "sha256": "9f2c..."}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import require_libraries, run_module
from ansible_collections.facturino.release.plugins.module_utils.railway.argspec import (
    RAILWAY_DEPLOY_MUTUALLY_EXCLUSIVE,
    railway_deploy_argument_spec,
)
from ansible_collections.facturino.release.plugins.module_utils.railway.runner import handle


def main():
    module = AnsibleModule(
        argument_spec=railway_deploy_argument_spec(),
        mutually_exclusive=RAILWAY_DEPLOY_MUTUALLY_EXCLUSIVE,
        supports_check_mode=True,
    )
    require_libraries(module, ("requests", "requests"))
    run_module(module, handle)


if __name__ == "__main__":
    main()
