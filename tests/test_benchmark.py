"""The benchmark script runs on this pass's backend and writes what the
README quotes (tiny tensors and few pairs: this checks the script, not the
speed)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import BACKEND
from tests.helpers import TRAINING_BACKENDS
from tests.helpers import environment_for

ROOT = Path(__file__).resolve().parents[1]
MODES = {
    "tensorflow": {"eager", "tf.function", "tf.function(jit_compile=True)"},
    "jax": {"jax.jit"},
    "torch": {"eager"},
}


@pytest.mark.skipif(
    BACKEND not in TRAINING_BACKENDS, reason="the benchmark times training"
)
def test_benchmark_times_every_case_and_checks_the_targets(tmp_path):
    command = [sys.executable, str(ROOT / "benchmarks" / "bench.py")]
    command += ["--backends", BACKEND, "--shape", "2", "6", "6", "4"]
    command += ["--pairs", "7", "--sample-ms", "1", "--out", str(tmp_path)]
    subprocess.run(command, check=True, env=environment_for(BACKEND))
    results = json.loads((tmp_path / "results.json").read_text())
    timed = [row for row in results["rows"] if "ratio" in row]
    cases = {"LeakyReLU", "PReLU element-wise", "PReLU channel-wise"}
    cases.add("RReLU (training)")
    control = "control: built-in LeakyReLU vs itself"
    seen = {(row["mode"], row["case"], row["part"]) for row in timed}
    for mode in MODES[BACKEND]:
        for case in cases | {control}:
            for part in ("forward", "forward+backward"):
                assert (mode, case, part) in seen
    for row in timed:
        assert row["ours_s"] > 0 and row["theirs_s"] > 0
        assert row["pairs"] >= 7
    table = (tmp_path / "results.md").read_text()
    assert "## Targets" in table
    prelu_rows = [line for line in table.splitlines() if "PReLU" in line]
    assert any("forward+backward" in line for line in prelu_rows)
    if BACKEND == "jax":
        residuals = [row for row in results["rows"] if "ratio" not in row]
        assert {row["case"] for row in residuals} == cases
        assert all(row["ours"] > 0 for row in residuals)


def test_readme_quotes_the_committed_run():
    readme = (ROOT / "README.md").read_text()
    quoted = readme.split("<!-- bench -->")[1].split("<!-- /bench -->")[0]
    results = (ROOT / "benchmarks" / "results.md").read_text()
    assert quoted.strip().startswith("| target |")
    assert quoted.strip() in results
