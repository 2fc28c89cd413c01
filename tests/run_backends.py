"""Runs the test suite once per Keras backend, each in its own pytest
process (Keras picks its backend once per process), and ends with one
summary line. Extra arguments go to every pytest run.

    python tests/run_backends.py [pytest arguments]
"""

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("tensorflow", "jax", "torch", "numpy")


def run(backend, extra_args, report):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2")
    if backend == "jax":
        env["JAX_ENABLE_X64"] = "1"  # float64 cases; floatx stays float32
    command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"]
    print(f"\n=== {backend}: {' '.join(command[1:] + extra_args)}", flush=True)
    code = subprocess.run(command + extra_args, cwd=ROOT, env=env).returncode
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if report.exists():
        suite = ElementTree.parse(report).getroot().find("testsuite")
        failed = int(suite.get("failures")) + int(suite.get("errors"))
        skipped = int(suite.get("skipped"))
        counts = {
            "passed": int(suite.get("tests")) - failed - skipped,
            "failed": failed,
            "skipped": skipped,
        }
    if code != 0 and counts["failed"] == 0:
        counts["failed"] = 1  # a crash, a collection error or no tests at all
    return counts


def main():
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in BACKENDS:
            start = time.monotonic()
            counts = run(backend, sys.argv[1:], Path(folder) / f"{backend}.xml")
            seconds = time.monotonic() - start
            lines.append(
                f"{backend:>10}: {counts['passed']} passed, {counts['failed']} "
                f"failed, {counts['skipped']} skipped ({seconds:.0f} s)"
            )
            for key in totals:
                totals[key] += counts[key]
    print("\n" + "\n".join(lines))
    print(
        f"summary: {totals['passed']} passed, {totals['failed']} failed, "
        f"{totals['skipped']} skipped"
    )
    return 1 if totals["failed"] or not totals["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
