#!/usr/bin/env python3
"""Run playbooks/release.yml with ansible-runner (the CI entry point) and summarise it from the job events.

Secrets are never passed as extravars or envvars here: ansible-runner writes both to env/ and artifacts/*/command.
They reach Ansible through the process environment (RAILWAY_TOKEN, DATABASE_URL, read by the inventory) and
the vault; those files are removed after the run anyway, so the artifact directory is safe to upload.
"""
import argparse
import os
import shutil
import sys

import ansible_runner

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inventory", default="inventories/sandbox")
    parser.add_argument("--tag")
    parser.add_argument("--ref")
    parser.add_argument("--app-path")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--tags", default="")
    parser.add_argument("--private-data-dir", default=os.path.join(ROOT, ".runner"))
    parser.add_argument("--state-dir", help="ledger, lock and backups (default: the inventory's release_state_dir)")
    parser.add_argument("--reports-dir", help="release reports (default: the inventory's release_reports_dir)")
    args = parser.parse_args()
    extravars = {k: v for k, v in {"release_tag": args.tag, "release_ref": args.ref,
                                   "release_app_path": args.app_path, "release_state_dir": args.state_dir,
                                   "release_reports_dir": args.reports_dir}.items() if v}
    os.makedirs(args.private_data_dir, exist_ok=True)
    cmdline = ["-i", os.path.join(ROOT, args.inventory)]
    if args.check:
        cmdline.append("--check")
    if args.tags:
        cmdline += ["--tags", args.tags]
    runner = ansible_runner.run(private_data_dir=args.private_data_dir, project_dir=ROOT,
                                playbook="playbooks/release.yml", extravars=extravars,
                                cmdline=" ".join(cmdline), quiet=False)
    # env/ and artifacts/*/command may hold the process environment: never upload them.
    shutil.rmtree(os.path.join(args.private_data_dir, "env"), ignore_errors=True)
    artifacts = os.path.join(args.private_data_dir, "artifacts")
    for ident in os.listdir(artifacts) if os.path.isdir(artifacts) else []:
        try:
            os.remove(os.path.join(artifacts, ident, "command"))
        except FileNotFoundError:
            pass
    failed = [e["event_data"].get("task") for e in runner.events if e["event"] == "runner_on_failed"
              and not e["event_data"].get("ignore_errors")]
    print("release: status=%s rc=%s failed_tasks=%s" % (runner.status, runner.rc, failed))
    return runner.rc


if __name__ == "__main__":
    sys.exit(main())
