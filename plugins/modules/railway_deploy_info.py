#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_deploy_info
short_description: Read a Railway service's deployments, active deployment and domains
version_added: 0.1.0
description:
  - The read-only view of M(facturino.release.railway_deploy), replacing C(railway status), C(railway deployments)
    and C(railway domain).
  - Returns the latest and active deployments, the last O(limit) deployments with status, commit, created time,
    C(canRollback) and C(canRedeploy), and the service domains.
author:
  - Facturino release team (@facturino)
extends_documentation_fragment:
  - facturino.release.railway
  - facturino.release.attributes
attributes:
  check_mode:
    details: Read-only; runs the same queries in check mode.
  platform:
    support: full
options:
  limit:
    description: How many recent deployments to return, newest first.
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: Show what serves production and the rollback candidates
  facturino.release.railway_deploy_info:
    project: facturino
    environment: production
    service: facturino-app
    limit: 5
  register: railway

- name: Print the production URL
  ansible.builtin.debug:
    msg: "{{ railway.url }}"
"""

RETURN = r"""
latest:
  description: The latest deployment, any status.
  returned: success
  type: dict
  sample: {id: 0f6c..., status: SUCCESS}
active:
  description: The active (deployed and running) deployments.
  returned: success
  type: list
  elements: dict
  sample:
  - {id: 0f6c..., status: SUCCESS}
deployments:
  description: The last O(limit) deployments, newest first, with status, commit, created time, can_rollback and can_redeploy.
  returned: success
  type: list
  elements: dict
  sample:
  - {id: 0f6c..., status: SUCCESS, commit_sha: 4b82..., created_at: '2026-11-26T10:00:00.000Z'}
domains:
  description: Service and custom domains (replaces C(railway domain)).
  returned: success
  type: list
  elements: dict
  sample:
  - {kind: service, domain: facturino-app.up.railway.app, url: 'https://facturino-app.up.railway.app'}
url:
  description: Public URL of the active deployment's service domain.
  returned: when the service has a domain
  type: str
  sample: https://facturino-app-production.up.railway.app
source:
  description: The service instance's source (repository and branch, or image) as Railway reports it.
  returned: success
  type: dict
  sample: {repo: facturino/app, image: null}
target:
  description: The resolved project, environment and service ids and names.
  returned: always, once resolved
  type: dict
  sample: {project_id: 7c1d..., project_name: facturino, environment_name: production, service_name: facturino-app}
api_requests:
  description: Railway API requests (HTTP attempts) made by the task, failures included.
  returned: always
  type: int
  sample: 14
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import require_libraries, run_module
from ansible_collections.facturino.release.plugins.module_utils.railway.argspec import railway_deploy_info_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.railway.runner import handle_info


def main():
    module = AnsibleModule(argument_spec=railway_deploy_info_argument_spec(), supports_check_mode=True)
    require_libraries(module, ("requests", "requests"))
    run_module(module, handle_info)


if __name__ == "__main__":
    main()
