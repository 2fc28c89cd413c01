import json
import re

import keras
import numpy as np
import pytest

import keras_leaky
from tests.helpers import BACKEND
from tests.helpers import FLOAT_DTYPES
from tests.helpers import as_float64
from tests.helpers import assert_same_values
from tests.helpers import layer_value_and_grads
from tests.helpers import needs_gradients
from tests.helpers import predict_in_fresh_process
from tests.helpers import reference_leaky
from tests.helpers import tensor

SLOPES = [0.0, 0.01, 0.3, 1 / 5.5, 1.0, 2.5]


def inputs(shape=(6, 5, 4), seed=0):
    x = np.random.default_rng(seed).standard_normal(shape) * 3
    x.flat[::9] = 0.0
    return x


def builtin_is_known_wrong(dtype, slope):
    """Where keras.layers.LeakyReLU itself departs from the leaky rectifier
    rounded in the input's dtype (see the README)."""
    if BACKEND == "numpy" and (slope > 1 or dtype == "float64"):
        return True  # max(x, slope * x); float64 computed in float32
    if BACKEND == "torch" and dtype in ("float16", "bfloat16"):
        return True  # multiplies by the float32 slope, then rounds
    if BACKEND == "tensorflow" and dtype == "float64":
        return True  # rounds the slope to float32
    return False


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("slope", SLOPES)
def test_leaky_relu_matches_builtin_and_reference(dtype, slope):
    x = inputs()
    ours = as_float64(
        keras_leaky.LeakyReLU(slope, dtype=dtype)(tensor(x, dtype))
    )
    assert_same_values(ours, reference_leaky(x, slope, dtype))
    builtin = keras.layers.LeakyReLU(slope, dtype=dtype)(tensor(x, dtype))
    if builtin_is_known_wrong(dtype, slope):
        pytest.skip(f"the built-in is off here on {BACKEND}; ours checked")
    assert_same_values(ours, as_float64(builtin))


@needs_gradients
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("slope", SLOPES)
def test_leaky_relu_gradient_matches_builtin_away_from_zero(dtype, slope):
    x = inputs()
    x[x == 0] = 1.5
    upstream = inputs(seed=1)
    ours = layer_value_and_grads(
        keras_leaky.LeakyReLU(slope, dtype=dtype), tensor(x, dtype), upstream
    )
    builtin = layer_value_and_grads(
        keras.layers.LeakyReLU(slope, dtype=dtype), tensor(x, dtype), upstream
    )
    if builtin_is_known_wrong(dtype, slope):
        pytest.skip(f"the built-in is off here on {BACKEND}")
    assert_same_values(ours[1], builtin[1])


@needs_gradients
@pytest.mark.parametrize("slope", SLOPES)
def test_leaky_relu_gradient_at_zero_is_the_slope(slope):
    x = tensor(np.zeros((3, 4)))
    _, dx, _ = layer_value_and_grads(
        keras_leaky.LeakyReLU(slope), x, np.ones((3, 4))
    )
    np.testing.assert_array_equal(dx, np.float32(slope))


def test_leaky_relu_slope_above_one_is_piecewise():
    y = keras_leaky.LeakyReLU(negative_slope=2.0)(tensor([3.0, -1.0]))
    np.testing.assert_array_equal(as_float64(y), [3.0, -2.0])


@pytest.mark.parametrize(
    "policy, compute",
    [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")],
)
def test_leaky_relu_takes_the_compute_dtype_of_a_mixed_policy(policy, compute):
    x = inputs()
    y = keras_leaky.LeakyReLU(0.2, dtype=policy)(tensor(x))
    assert keras.backend.standardize_dtype(y.dtype) == compute
    assert_same_values(as_float64(y), reference_leaky(x, 0.2, compute))


def test_leaky_relu_config_and_json_round_trip():
    layer = keras_leaky.LeakyReLU(negative_slope=0.125, name="leak")
    config = layer.get_config()
    assert config["negative_slope"] == 0.125
    assert set(keras.layers.LeakyReLU().get_config()) <= set(config)
    restored = keras_leaky.LeakyReLU.from_config(config)
    assert (restored.negative_slope, restored.name) == (0.125, "leak")
    blob = json.dumps(keras.saving.serialize_keras_object(layer))
    restored = keras.saving.deserialize_keras_object(json.loads(blob))
    assert type(restored) is keras_leaky.LeakyReLU
    assert restored.negative_slope == 0.125


def test_leaky_relu_accepts_a_builtin_config():
    config = keras.layers.LeakyReLU(negative_slope=0.05).get_config()
    assert keras_leaky.LeakyReLU.from_config(config).negative_slope == 0.05


def test_leaky_relu_keras2_alpha_name_still_works_with_a_warning():
    with pytest.warns(UserWarning, match="negative_slope"):
        layer = keras_leaky.LeakyReLU(alpha=0.2)
    assert layer.negative_slope == 0.2


@pytest.mark.parametrize(
    "bad, error",
    [
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (None, TypeError),
        (True, TypeError),
        ("0.3", TypeError),
        ([0.3], TypeError),
    ],
)
def test_leaky_relu_rejects_bad_slopes_at_construction(bad, error):
    with pytest.raises(error, match=re.escape(f"negative_slope={bad!r}")):
        keras_leaky.LeakyReLU(negative_slope=bad)


def test_leaky_relu_symbolic_call_shape_and_masking():
    layer = keras_leaky.LeakyReLU()
    y = layer(keras.Input((None, 7)))
    assert tuple(y.shape) == (None, None, 7)
    assert layer.compute_output_shape((2, 3, 7)) == (2, 3, 7)
    assert layer.supports_masking
    mask = keras.ops.convert_to_tensor(np.array([[True, False]]))
    assert layer.compute_mask(tensor(np.ones((1, 2, 7))), mask) is mask


def test_leaky_relu_model_saves_and_loads_in_a_fresh_process(tmp_path):
    model = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(4), keras_leaky.LeakyReLU(2.0)]
    )
    x = inputs((3, 5)).astype("float32")
    path = tmp_path / "leaky.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_array_equal(
        predict_in_fresh_process(path, x, tmp_path), expected
    )
