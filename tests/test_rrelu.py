import json
import re

import keras
import numpy as np
import pytest

import keras_leaky
from keras_leaky import ops
from tests.helpers import BACKEND
from tests.helpers import FLOAT_DTYPES
from tests.helpers import as_float64
from tests.helpers import assert_bitwise_equal
from tests.helpers import needs_gradients
from tests.helpers import predict_in_fresh_process
from tests.helpers import tensor
from tests.helpers import value_and_grads

LOWER, UPPER = 1 / 8, 1 / 3


def drawn_slopes(layer, shape=(64, 64), dtype="float32"):
    """The slopes a layer draws in training, read off inputs of -1."""
    return -as_float64(layer(tensor(-np.ones(shape), dtype), training=True))


def test_training_slopes_lie_in_bounds_and_differ_by_element_and_call():
    layer = keras_leaky.RReLU(seed=3)
    first, second = drawn_slopes(layer), drawn_slopes(layer)
    for slopes in (first, second):
        assert np.float32(LOWER) <= slopes.min() and slopes.max() <= np.float32(
            UPPER
        )
        assert len(np.unique(slopes)) > 0.9 * slopes.size
    assert np.mean(first != second) > 0.99


def test_a_seed_reproduces_the_same_draws():
    first, second = keras_leaky.RReLU(seed=11), keras_leaky.RReLU(seed=11)
    draws = [drawn_slopes(first), drawn_slopes(first)]
    np.testing.assert_array_equal(drawn_slopes(second), draws[0])
    np.testing.assert_array_equal(drawn_slopes(second), draws[1])
    assert not np.array_equal(
        drawn_slopes(keras_leaky.RReLU(seed=12)), draws[0]
    )


def test_draws_follow_the_uniform_distribution():
    lower, upper = 0.1, 0.5
    slopes = drawn_slopes(keras_leaky.RReLU(lower, upper, seed=0), (400, 500))
    assert abs(slopes.mean() - (lower + upper) / 2) < 2e-3
    assert abs(slopes.std() - (upper - lower) / np.sqrt(12)) < 2e-3
    histogram, _ = np.histogram(slopes, bins=8, range=(lower, upper))
    np.testing.assert_allclose(histogram / slopes.size, 1 / 8, atol=5e-3)


def test_positive_inputs_pass_through_in_training():
    x = np.abs(np.random.default_rng(0).standard_normal((8, 8))) + 0.1
    y = keras_leaky.RReLU(seed=0)(tensor(x), training=True)
    assert_bitwise_equal(as_float64(y), x.astype("float32"))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_inference_is_leaky_relu_with_the_mean_slope(dtype):
    x = np.random.default_rng(1).standard_normal((5, 7)) * 3
    x[0, :3] = [0.0, -0.0, np.nan]
    layer = keras_leaky.RReLU(0.1, 0.3, dtype=dtype)
    expected = keras_leaky.LeakyReLU(0.2, dtype=dtype)(tensor(x, dtype))
    assert_bitwise_equal(
        as_float64(layer(tensor(x, dtype))), as_float64(expected)
    )
    assert_bitwise_equal(
        as_float64(layer(tensor(x, dtype), training=False)),
        as_float64(expected),
    )


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_training_draws_in_the_input_dtype(dtype):
    slopes = drawn_slopes(keras_leaky.RReLU(seed=2, dtype=dtype), dtype=dtype)
    bounds = np.array([LOWER, UPPER]).astype(dtype).astype("float64")
    assert bounds[0] <= slopes.min() and slopes.max() <= bounds[1]


def test_mixed_precision_output_takes_the_compute_dtype():
    layer = keras_leaky.RReLU(seed=0, dtype="mixed_float16")
    y = layer(tensor(-np.ones((4, 4))), training=True)
    assert keras.backend.standardize_dtype(y.dtype) == "float16"


@needs_gradients
def test_gradient_is_the_drawn_slope():
    x = np.random.default_rng(4).standard_normal((32, 16)) * 2
    x[0, :4] = 0.0
    y, (dx,) = value_and_grads(
        lambda x: ops.rrelu(x, training=True, seed=123),
        [tensor(x)],
        np.ones(x.shape),
    )
    negative = x < 0
    np.testing.assert_array_equal(dx[x > 0], 1.0)
    assert np.all(
        (dx[~(x > 0)] >= np.float32(LOWER))
        & (dx[~(x > 0)] <= np.float32(UPPER))
    )
    x32 = x.astype("float32")
    expected = (x32[negative] * dx[negative].astype("float32")).astype(
        "float64"
    )
    np.testing.assert_array_equal(y[negative], expected)


@needs_gradients
@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_trains_through_random_slopes(jit_compile):
    if jit_compile and BACKEND == "torch":
        pytest.skip("torch.compile on CPU is slow; jit checked on TF and JAX")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(16),
            keras_leaky.RReLU(seed=1),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", jit_compile=jit_compile)
    losses = model.fit(x, y, batch_size=16, epochs=5, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    first, second = (as_float64(model(x, training=True)) for _ in range(2))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(as_float64(model(x)), as_float64(model(x)))


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"lower": -0.1}, ValueError, "lower=-0.1"),
        ({"upper": float("nan")}, ValueError, "upper=nan"),
        ({"upper": float("inf")}, ValueError, "upper=inf"),
        ({"lower": float("-inf")}, ValueError, "lower=-inf"),
        ({"lower": 0.5, "upper": 0.2}, ValueError, "lower=0.5, upper=0.2"),
        ({"lower": None}, TypeError, "lower=None"),
        ({"upper": "1/3"}, TypeError, "upper='1/3'"),
        ({"seed": 1.5}, ValueError, "seed=1.5"),
        ({"seed": "42"}, ValueError, "seed='42'"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        keras_leaky.RReLU(**kwargs)
    if "seed" not in kwargs:
        with pytest.raises(error, match=re.escape(fragment)):
            ops.rrelu(tensor([1.0]), **kwargs)


def test_config_round_trip_keeps_bounds_and_seed():
    layer = keras_leaky.RReLU(0.05, 0.4, seed=7, name="random_leak")
    config = layer.get_config()
    blob = json.dumps(keras.saving.serialize_keras_object(layer))
    restored = keras.saving.deserialize_keras_object(json.loads(blob))
    assert type(restored) is keras_leaky.RReLU
    assert restored.get_config() == config
    assert (restored.lower, restored.upper, restored.seed) == (0.05, 0.4, 7)
    np.testing.assert_array_equal(drawn_slopes(restored), drawn_slopes(layer))


def test_symbolic_call_and_masking():
    layer = keras_leaky.RReLU()
    assert tuple(layer(keras.Input((None, 3))).shape) == (None, None, 3)
    assert layer.supports_masking
    mask = keras.ops.convert_to_tensor(np.array([[True, False]]))
    assert layer.compute_mask(tensor(np.ones((1, 2, 3))), mask) is mask


def test_keras_file_round_trip_in_a_fresh_process(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(6),
            keras_leaky.RReLU(0.2, 0.6, seed=5),
        ]
    )
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    path = tmp_path / "rrelu.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_array_equal(
        predict_in_fresh_process(path, x, tmp_path), expected
    )
