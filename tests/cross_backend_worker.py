"""Computes one fixed set of cases on the backend in KERAS_BACKEND and saves
the outputs and gradients (widened exactly to float64) to the .npz file named
by argv[1]. Run by tests/test_cross_backend.py, once per backend."""

import sys

import keras
import numpy as np

import keras_leaky
from tests.helpers import BACKEND
from tests.helpers import TRAINING_BACKENDS
from tests.helpers import as_float64
from tests.helpers import layer_value_and_grads
from tests.helpers import tensor

DTYPES = ("float16", "bfloat16", "float32", "float64")


def cases():
    yield "leaky_0", lambda dtype: keras_leaky.LeakyReLU(0.0, dtype=dtype)
    for slope in (0.01, 0.3, 2.5):
        yield (
            f"leaky_{slope}",
            lambda dtype, s=slope: keras_leaky.LeakyReLU(s, dtype=dtype),
        )
    for axes in (None, [1, 2], [-1], "channel_wise", "channel_shared"):
        yield (
            f"prelu_{axes}",
            lambda dtype, a=axes: keras_leaky.PReLU(shared_axes=a, dtype=dtype),
        )


def inputs(dyadic):
    rng = np.random.default_rng(7)
    shape = (3, 4, 5, 6)
    if dyadic:  # sums of these are exact, whatever the order
        return rng.integers(-24, 25, shape) / 8, rng.integers(-8, 9, shape) / 4
    x = rng.standard_normal(shape) * 3
    x.flat[::11] = 0.0
    x.flat[5::11] = -0.0
    x.flat[3] = np.nan
    return x, rng.standard_normal(shape)


def main(path):
    results = {}
    for name, make in cases():
        for dtype in DTYPES:
            for dyadic in (False, True):
                x, upstream = inputs(dyadic)
                layer = make(dtype)
                layer.build(x.shape)
                if layer.weights:  # alphas below 0, inside (0, 1), above 1
                    shape = layer.weights[0].shape
                    layer.set_weights(
                        [
                            np.linspace(-1.5, 2.5, np.prod(shape))
                            .reshape(shape)
                            .astype("float32")
                        ]
                    )
                key = f"{name}/{dtype}/{'dyadic' if dyadic else 'random'}"
                if BACKEND in TRAINING_BACKENDS:
                    y, dx, dweights = layer_value_and_grads(
                        layer, tensor(x, dtype), upstream
                    )
                    results[f"{key}/dx"] = dx
                    for i, grad in enumerate(dweights):
                        results[f"{key}/dalpha{i}"] = grad
                else:
                    y = as_float64(layer(tensor(x, dtype)))
                results[f"{key}/y"] = y
    np.savez(path, **results)


if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    main(sys.argv[1])
