# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The env_audit task: read inputs, protect values, audit, decide. Read-only: ``changed`` is always false."""

from __future__ import annotations

import os

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    AuditFindingsError,
    InvalidInputError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.process import ModuleCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.dotenv import drift, masking, parser, phpdotenv, policy
from ansible_collections.facturino.release.plugins.module_utils.dotenv.appconfig import env_names_read
from ansible_collections.facturino.release.plugins.module_utils.dotenv.audit import audit_environment, audit_repository
from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import count_by_severity, sort_findings
from ansible_collections.facturino.release.plugins.module_utils.laravel.version import (
    detect_laravel_version,
    parse_version,
)

MSG_FINDINGS_SHOWN = 5
NO_LOG_DICT_OPTIONS = ("variables", "reference")
NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def load_documents(params, version=None):
    """``(document, reference)`` from path/variables and reference/reference_path.

    Files are read as the phpdotenv that Laravel ``version`` loads them with (the newest when it is unknown).
    """
    if params.get("max_bytes") is not None and params["max_bytes"] < 1:
        raise InvalidInputError("max_bytes must be positive", hint="leave it unset for the 1 MiB default")
    loader = phpdotenv.version_for_laravel(version.major if version else None)
    if params.get("path"):
        document = parser.parse_file(params["path"], params["max_bytes"], loader)
    else:
        document = parser.from_mapping(params["variables"])
    reference = None
    if params.get("reference_path"):
        reference = parser.parse_file(params["reference_path"], params["max_bytes"], loader)
    elif params.get("reference") is not None:
        reference = parser.from_mapping(params["reference"], origin="reference")
    return document, reference


def resolve_version(params, runner):
    if params.get("laravel_version"):
        version = parse_version(params["laravel_version"], "laravel_version option")
        if version is None:
            raise InvalidInputError("laravel_version %r is not a version" % params["laravel_version"],
                                    hint="use a version such as '8.83' or '11'")
        return version
    if params.get("app_path"):
        return detect_laravel_version(params["app_path"], runner)
    return None


def protect(module, documents, literals=()):
    """Mask secret-like values everywhere; unmask plain ones so counts and messages stay readable.

    The no_log dict options are replaced in ``module.params`` first: the result's ``invocation`` echoes
    params, and it must not show the plain values that are unmasked here.
    """
    for name in NO_LOG_DICT_OPTIONS:
        if module.params.get(name) is not None:
            module.params[name] = NO_LOG_PLACEHOLDER
    mask, unmask = masking.values_to_mask(documents, literals)
    module.no_log_values.difference_update(unmask)
    module.no_log_values.update(mask)


def summary_message(findings, counts, fail_on, passed):
    head = "env_audit: %d error(s), %d warning(s), %d info" % (counts["error"], counts["warning"], counts["info"])
    if passed:
        return head + " (passed, fail_on=%s)" % fail_on
    shown = ["%s %s%s" % (f.rule, f.key or "-", " line %s" % f.line if f.line else "")
             for f in findings[:MSG_FINDINGS_SHOWN]]
    more = len(findings) - len(shown)
    return "%s (failed, fail_on=%s): %s%s" % (head, fail_on, "; ".join(shown), "; +%d more" % more if more else "")


def handle(module):
    params = module.params
    for key in ("path", "app_path", "reference_path"):
        validate.check_path(key, params.get(key))
    validate.check_line("laravel_version", params.get("laravel_version"))
    validate.check_count("max_bytes", params.get("max_bytes"), minimum=1, maximum=1024 * 1024 * 1024, unit="bytes")
    policy.validate(params["ignore"], params["severity_overrides"])
    if params.get("app_path") and not os.path.isdir(params["app_path"]):
        raise InvalidInputError("app_path %s is not a directory" % params["app_path"],
                                hint="point app_path at the application's checkout, or omit it")
    runner = ModuleCommandRunner(module)
    version = resolve_version(params, runner)
    document, reference = load_documents(params, version)
    protect(module, [document, reference])
    app_reads = env_names_read(params["app_path"]) if params.get("app_path") else None
    findings = audit_environment(document, params["profile"], version.major if version else None, params["required"],
                                 params["forbidden"], app_reads, reference,
                                 "reference file" if params.get("reference_path") else "reference")
    repository = None
    if params.get("app_path"):
        repo_findings, repository, literals = audit_repository(params["app_path"], runner)
        protect(module, [], literals)
        findings.extend(repo_findings)
    kept, ignored = policy.apply(findings, params["profile"], params["ignore"], params["severity_overrides"])
    kept = sort_findings(kept)
    counts = count_by_severity(kept)
    passed = policy.passed(kept, params["fail_on"])
    result = dict(
        changed=False, passed=passed, counts=counts, findings=[f.as_dict() for f in kept], ignored=ignored,
        profile=params["profile"], laravel_version=version.as_dict() if version else None,
        audited={"origin": document.origin, "path": document.path, "keys": len(document.values),
                 "phpdotenv": document.phpdotenv, "laravel_loads_it": not document.refused},
        repository=repository, drift=drift.summary(kept) if reference is not None else None,
    )
    message = summary_message([f for f in kept if not passed and policy.passed([f], params["fail_on"]) is False],
                              counts, params["fail_on"], passed)
    if not passed:
        raise AuditFindingsError(message, hint="fix the findings, or adjust ignore/severity_overrides/fail_on",
                                 **result)
    result["msg"] = message
    return result
