"""Every example runs, in a reduced form, on the backend of this pass."""

import subprocess
import sys
from pathlib import Path

from tests.helpers import BACKEND
from tests.helpers import environment_for
from tests.helpers import needs_gradients

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name, tmp_path, *args):
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--out", str(tmp_path), *args],
        env=environment_for(BACKEND),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@needs_gradients
def test_quickstart_trains_saves_and_reloads(tmp_path):
    output = run_example("quickstart.py", tmp_path, "--epochs", "1")
    assert f"Backend: {BACKEND}" in output
    assert "Test accuracy:" in output
    assert "reloaded with identical predictions" in output
    assert (tmp_path / "quickstart.keras").is_file()


@needs_gradients
def test_compare_activations_writes_table_figures_and_findings(tmp_path):
    output = run_example(
        "compare_activations.py",
        tmp_path,
        *("--seeds", "1", "--epochs", "1", "--train-size", "64"),
    )
    table = (tmp_path / "compare_activations.md").read_text()
    for activation in (
        "ReLU",
        "LeakyReLU 1/5.5",
        "PReLU channel-wise",
        "RReLU",
    ):
        assert f"| {activation}" in table
    assert "learns a larger alpha in the first layer" in output
    for figure in ("learning_curves.png", "alpha_per_layer.png"):
        assert (tmp_path / figure).read_bytes().startswith(b"\x89PNG")


@needs_gradients
def test_dying_relu_writes_table_and_plot(tmp_path):
    run_example(
        "dying_relu.py",
        tmp_path,
        *("--seeds", "1", "--epochs", "1", "--learning-rates", "0.1", "1.0"),
    )
    table = (tmp_path / "dying_relu.md").read_text()
    assert "| ReLU |" in table and "lr 0.1 | lr 1" in table
    assert (tmp_path / "dying_relu.png").read_bytes().startswith(b"\x89PNG")
