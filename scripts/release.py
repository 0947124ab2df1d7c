#!/usr/bin/env python
"""Run a release playbook so that the first Ctrl-C (SIGINT) or SIGTERM stops it at a safe point.

ansible-core cannot rescue KeyboardInterrupt: a Ctrl-C kills ansible-playbook where it stands, with no report, no
ledger entry and the lock held. This entry point runs ansible-playbook in a session of its own, so the terminal's
Ctrl-C reaches only this process. The first SIGINT/SIGTERM creates a stop-request file that the playbooks check at
the end of every section (playbooks/tasks/section_end.yml): the section in progress finishes (a deployment that is
building is waited for; after a deployment with pending migrations the migration section runs too, so the app never
stops without its schema), then the run writes its report (outcome `interrupted`) and ledger entry, notifies and
releases the lock. The next plain run resumes from what Railway and the database say. A second signal stops
ansible-playbook at once (as a bare Ctrl-C would; the lock is then taken over by the next run, since its holder no
longer runs).

    scripts/release.py [ansible-playbook arguments]     (default: playbooks/release.yml)

Exit status: ansible-playbook's, or 130 (SIGINT) / 143 (SIGTERM) when a stop was requested and the run stopped.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile


def main(argv):
    playbook_args = argv or ["playbooks/release.yml"]
    if not any(arg.endswith((".yml", ".yaml")) or arg.startswith("facturino.release.") for arg in playbook_args):
        playbook_args = ["playbooks/release.yml"] + playbook_args
    stop_dir = tempfile.mkdtemp(prefix="facturino-release-")
    stop_file = os.path.join(stop_dir, "stop-requested")
    command = ["ansible-playbook"] + playbook_args + ["-e", "release_stop_file=" + stop_file]
    child = subprocess.Popen(command, start_new_session=True)  # the terminal's Ctrl-C reaches only this process
    received = []

    def on_signal(signum, _frame):
        received.append(signum)
        if len(received) == 1:
            with open(stop_file, "w", encoding="utf-8") as handle:
                handle.write(signal.Signals(signum).name + "\n")
            sys.stderr.write("\n[release] %s: stopping at the end of the current section (report, ledger, lock). "
                             "Press Ctrl-C again to stop at once.\n" % signal.Signals(signum).name)
            sys.stderr.flush()
            return
        sys.stderr.write("\n[release] second signal: stopping ansible-playbook now\n")
        try:
            os.killpg(child.pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        while True:
            try:
                rc = child.wait()
                break
            except InterruptedError:
                continue
    finally:
        shutil.rmtree(stop_dir, ignore_errors=True)
    if received and rc != 0:
        return 128 + received[0]
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
