# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""release_state on the controller: the run's own state (lock, ledger, report files) is the controller's, so with a
local connection the module's handler runs here, in the task's worker process, instead of shipping the module
(AnsiballZ, a new interpreter: about 0.2 s a task, and a release records every section's start and end). Any other
connection runs the module on the target as usual. Same argument spec, same handler, same results."""

from __future__ import annotations

import traceback

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.facturino.release.plugins.module_utils.common.errors import FacturinoError
from ansible_collections.facturino.release.plugins.module_utils.release.argspec import (
    release_state_argument_spec, release_state_required_if)
from ansible_collections.facturino.release.plugins.module_utils.release.state import run

LOCAL = ("local",)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        if self._connection.transport not in LOCAL:
            result.update(self._execute_module(module_name="facturino.release.release_state",
                                               module_args=self._task.args, task_vars=task_vars))
            return result
        validated = ArgumentSpecValidator(release_state_argument_spec(), required_if=release_state_required_if()) \
            .validate(self._task.args)
        if validated.error_messages:
            result.update(failed=True, msg="; ".join(validated.error_messages))
            return result
        try:
            result.update(run(validated.validated_parameters, bool(self._task.check_mode), bool(self._task.diff)))
        except FacturinoError as error:
            result.update(error.result, failed=True, msg=str(error))
        except Exception as error:  # pylint: disable=broad-except
            result.update(failed=True, exception=traceback.format_exc(),
                          msg="unexpected %s: %s (please report this as a bug)" % (type(error).__name__, error))
        return result
