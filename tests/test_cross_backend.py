"""The same cases computed in a separate process per backend, compared.

Runs in the numpy pass of the suite (it needs no backend of its own)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import BACKEND
from tests.helpers import assert_bitwise_equal
from tests.helpers import environment_for

pytestmark = pytest.mark.skipif(
    BACKEND != "numpy", reason="runs once, in the numpy pass of the suite"
)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cross_backend")
    arrays = {}
    for backend in ("tensorflow", "jax", "torch", "numpy"):
        path = folder / f"{backend}.npz"
        subprocess.run(
            [sys.executable, "-m", "tests.cross_backend_worker", str(path)],
            check=True,
            cwd=ROOT,
            env=environment_for(backend),
        )
        arrays[backend] = dict(np.load(path))
    return arrays


def test_every_backend_computed_the_same_cases(results):
    reference = set(results["tensorflow"])
    assert len(reference) > 100
    for backend in ("jax", "torch"):
        assert set(results[backend]) == reference
    assert set(results["numpy"]) == {k for k in reference if k.endswith("/y")}


@pytest.mark.parametrize("backend", ["jax", "torch", "numpy"])
def test_outputs_are_bit_identical_to_tensorflow(results, backend):
    for key, value in results[backend].items():
        if key.endswith("/y"):
            assert_bitwise_equal(value, results["tensorflow"][key])


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_input_gradients_are_bit_identical_to_tensorflow(results, backend):
    for key, value in results[backend].items():
        if key.endswith("/dx"):
            assert_bitwise_equal(value, results["tensorflow"][key])


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_alpha_gradients_agree_with_tensorflow(results, backend):
    """Bit for bit where the sums are exact (dyadic inputs, float32 and
    float64); elsewhere the backends sum in different orders."""
    for key, value in results[backend].items():
        if "/dalpha" not in key:
            continue
        expected = results["tensorflow"][key]
        if "/dyadic/" in key and ("/float32/" in key or "/float64/" in key):
            assert_bitwise_equal(value, expected)
        else:
            low = "/float16/" in key or "/bfloat16/" in key
            finite = np.isfinite(expected)
            np.testing.assert_array_equal(np.isnan(value), np.isnan(expected))
            np.testing.assert_allclose(
                value[finite],
                expected[finite],
                rtol=5e-2 if low else 1e-5,
                atol=(5e-2 if low else 1e-5)
                * np.abs(expected[finite]).max(initial=1.0),
                err_msg=key,
            )
