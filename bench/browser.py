"""Benchmark (not a test): what the runbook's browser tests add to a sandbox release, side by side.

    python bench/browser.py [--rounds N]

Each round resets the sandbox and runs release.yml with `verify_browser=false` (the baseline), resets again and
runs it with the browser tests (the default). It prints both wall times, their difference (target: at most 8 s
added), their ratio, the browser run's own duration (steps, e-mail wait and cleanup) with where its time went
(browser launch, steps, screenshots) and the verify section's duration in each run, with the load average.
Results also go to bench/results/browser-<time>.json.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from release import ROOT, reset, run_playbook  # noqa: E402  (bench/release.py, side by side)


def one_run(browser):
    reset()
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as workdir:
        elapsed, proc = run_playbook(workdir, {"verify_browser": browser})
        if proc.returncode != 0:
            raise SystemExit("release failed (verify_browser=%s):\n%s" % (browser, proc.stdout[-4000:]))
        base = os.path.join(workdir, "reports", "v1.0.0")
        with open(os.path.join(base, sorted(os.listdir(base))[-1], "report.json"), encoding="utf-8") as handle:
            doc = json.load(handle)
    verify = next(s["duration_s"] for s in doc["timeline"] if s["section"] == "verify")
    browser = doc["sections"]["verify"].get("browser") or {}
    return {"wall_s": round(elapsed, 2), "verify_s": verify, "browser_steps_s": round((browser.get("duration_ms") or 0) / 1000.0, 2),
            "timings": browser.get("timings") or {}, "load_average": os.getloadavg()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    rounds = []
    for index in range(1, args.rounds + 1):
        without = one_run(False)
        with_browser = one_run(True)
        rounds.append({"without": without, "with": with_browser})
        print("round %d: without %.1f s (verify %.1f s) | with %.1f s (verify %.1f s, browser steps %.1f s) | added %.1f s"
              % (index, without["wall_s"], without["verify_s"], with_browser["wall_s"], with_browser["verify_s"],
                 with_browser["browser_steps_s"], with_browser["wall_s"] - without["wall_s"]), flush=True)
        print("  browser run: %s; load average %s" % (with_browser["timings"], " ".join("%.1f" % x for x in with_browser["load_average"])),
              flush=True)
    added = [r["with"]["wall_s"] - r["without"]["wall_s"] for r in rounds]
    ratio = [r["with"]["wall_s"] / r["without"]["wall_s"] for r in rounds]
    summary = {"rounds": rounds, "added_s_median": round(statistics.median(added), 2),
               "ratio_median": round(statistics.median(ratio), 3), "load_average": os.getloadavg()}
    print("added by the browser tests: median %.1f s (target <= 8 s); ratio with/without %.2f; load average %s"
          % (summary["added_s_median"], summary["ratio_median"], " ".join("%.1f" % x for x in summary["load_average"])))
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "browser-%d.json" % int(time.time())), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)


if __name__ == "__main__":
    main()
