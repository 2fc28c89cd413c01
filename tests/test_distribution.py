"""Training under keras.distribution (JAX) and tf.distribute gives the
weights of one-device training; each runs in a subprocess, since the device
count must be set before the backend starts."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import BACKEND
from tests.helpers import environment_for

ROOT = Path(__file__).resolve().parents[1]


def distributed_weights(backend, tmp_path):
    path = tmp_path / "weights.npz"
    env = environment_for(backend)
    env["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "")
        + " --xla_force_host_platform_device_count=4"
    )
    subprocess.run(
        [sys.executable, "-m", "tests.distribution_worker", backend, str(path)],
        check=True,
        cwd=ROOT,
        env=env,
    )
    runs = {}
    for key, value in np.load(path).items():
        run, item = key.split("/")
        runs.setdefault(run, {})[item] = value
    return runs


def assert_same_training(runs, run):
    single = runs["single"]
    count = len(single) - 1  # less the sharding entry
    assert count == 7  # 3 kernels, 3 biases, 1 alpha
    for i in range(count):
        np.testing.assert_allclose(
            runs[run][str(i)],
            single[str(i)],
            rtol=1e-5,
            atol=1e-6,
            err_msg=f"{run} {i}",
        )


@pytest.mark.skipif(BACKEND != "jax", reason="keras.distribution runs on JAX")
def test_jax_data_and_model_parallel_train_like_one_device(tmp_path):
    runs = distributed_weights("jax", tmp_path)
    assert_same_training(runs, "data_parallel")
    assert_same_training(runs, "model_parallel")
    assert "'model'" in str(runs["model_parallel"]["alpha_sharding"])


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.distribute")
def test_tensorflow_mirrored_strategy_trains_like_one_device(tmp_path):
    assert_same_training(
        distributed_weights("tensorflow", tmp_path), "mirrored"
    )
