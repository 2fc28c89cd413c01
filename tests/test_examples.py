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
    output = run_example(
        "quickstart.py", tmp_path, "--epochs", "1", "--samples", "200"
    )
    assert f"Backend: {BACKEND}" in output
    assert "Test accuracy:" in output
    assert "reloaded with identical predictions" in output
    assert (tmp_path / "quickstart.keras").is_file()
