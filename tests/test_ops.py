import keras
import numpy as np
import pytest

from keras_leaky import ops
from tests.helpers import FLOAT_DTYPES
from tests.helpers import as_float64
from tests.helpers import assert_bitwise_equal
from tests.helpers import assert_same_values
from tests.helpers import needs_gradients
from tests.helpers import reference_leaky
from tests.helpers import tensor
from tests.helpers import value_and_grads

SPECIAL = np.array([-3.0, -1.0, -0.0, 0.0, 0.5, 2.0, np.nan, -np.inf, np.inf])


def random_inputs(shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 4
    x.flat[:: max(1, x.size // 7)] = 0.0  # exact zeros on both sides
    return x


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("slope", [0.0, 0.01, 0.3, 1 / 5.5, 1.0, 2.5])
def test_leaky_relu_matches_the_numpy_reference(dtype, slope):
    x = random_inputs((7, 11))
    y = ops.leaky_relu(tensor(x, dtype), slope)
    assert keras.backend.standardize_dtype(y.dtype) == dtype
    assert_bitwise_equal(as_float64(y), reference_leaky(x, slope, dtype))


@pytest.mark.parametrize("slope", [0.0, 0.2, 3.0])
def test_leaky_relu_is_piecewise_on_special_values(slope):
    y = as_float64(ops.leaky_relu(tensor(SPECIAL), slope))
    with np.errstate(invalid="ignore"):
        expected = np.where(SPECIAL > 0, SPECIAL, SPECIAL * slope)
    assert_bitwise_equal(y, expected.astype("float32"))
    assert np.isnan(y[6]), "NaN must stay NaN"


def test_leaky_relu_slope_above_one_is_not_max():
    y = as_float64(ops.leaky_relu(tensor([3.0, -1.0]), 2.0))
    np.testing.assert_array_equal(y, [3.0, -2.0])  # max(x, 2x) gives 6.0


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("alpha_shape", [(), (1,), (5,), (3, 1), (3, 5)])
def test_prelu_broadcasts_alpha_as_numpy_does(dtype, alpha_shape):
    x = random_inputs((2, 3, 5))
    alpha = np.random.default_rng(1).uniform(-1.5, 2.5, alpha_shape)
    y = ops.prelu(tensor(x, dtype), tensor(alpha, "float32"))
    assert keras.backend.standardize_dtype(y.dtype) == dtype
    expected = reference_leaky(x, np.asarray(alpha, "float32"), dtype)
    assert_bitwise_equal(as_float64(y), expected)


def test_prelu_accepts_numbers_and_arrays_for_alpha():
    x = random_inputs((4, 3))
    for alpha in (0.25, [0.1, -0.5, 2.0], np.array([0.1, -0.5, 2.0])):
        y = as_float64(ops.prelu(tensor(x), alpha))
        assert_bitwise_equal(y, reference_leaky(x, alpha, "float32"))


def test_prelu_output_takes_the_broadcast_shape():
    y = ops.prelu(tensor(np.ones((3, 1))), tensor(np.ones((1, 4))))
    assert tuple(y.shape) == (3, 4)


def test_integer_inputs_become_floatx():
    y = ops.leaky_relu(keras.ops.convert_to_tensor(np.array([-2, 3])), 0.5)
    assert keras.backend.standardize_dtype(y.dtype) == keras.config.floatx()
    np.testing.assert_array_equal(as_float64(y), [-1.0, 3.0])


def test_ops_accept_symbolic_inputs():
    x = keras.Input((None, 4))
    assert tuple(ops.leaky_relu(x).shape) == (None, None, 4)
    assert tuple(ops.prelu(x, np.ones(4)).shape) == (None, None, 4)


@pytest.mark.parametrize(
    "bad", [None, True, "0.3", [0.3], -0.1, np.nan, np.inf]
)
def test_leaky_relu_rejects_bad_slopes_naming_the_argument(bad):
    with pytest.raises((TypeError, ValueError), match="negative_slope"):
        ops.leaky_relu(tensor([1.0]), bad)


@needs_gradients
@pytest.mark.parametrize("slope", [0.0, 0.3, 2.0])
def test_leaky_relu_gradient_is_the_slope_at_zero_and_below(slope):
    x = np.array([-2.0, -0.0, 0.0, 1e-30, 3.0])
    upstream = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    _, (dx,) = value_and_grads(
        lambda x: ops.leaky_relu(x, slope), [tensor(x)], upstream
    )
    scaled = upstream.astype("float32") * np.float32(slope)
    expected = np.where(x > 0, upstream, scaled)
    np.testing.assert_array_equal(dx, expected)


@needs_gradients
def test_zero_slope_is_relu_gradient_included():
    x = tensor(random_inputs((6, 5)))
    upstream = np.random.default_rng(2).standard_normal((6, 5))
    ours = value_and_grads(lambda x: ops.leaky_relu(x, 0.0), [x], upstream)
    relu = value_and_grads(keras.ops.relu, [x], upstream)
    assert_same_values(ours[0], relu[0])  # x * 0 is -0.0 where x < 0
    # keras.ops.relu's own gradient at exactly 0 differs by backend; ours is
    # 0 there (the slope), which is what jax.nn.relu and tf.nn.relu give.
    nonzero = as_float64(x) != 0
    np.testing.assert_array_equal(ours[1][0][nonzero], relu[1][0][nonzero])
    np.testing.assert_array_equal(ours[1][0][~nonzero], 0.0)


@needs_gradients
def test_prelu_gradients_match_the_formulas():
    x = random_inputs((4, 3, 5))
    alpha = np.random.default_rng(3).uniform(-1, 3, (1, 5)).astype("float32")
    upstream = np.random.default_rng(4).standard_normal((4, 3, 5))
    _, (dx, dalpha) = value_and_grads(
        ops.prelu, [tensor(x), tensor(alpha)], upstream
    )
    upstream32 = upstream.astype("float32").astype("float64")
    np.testing.assert_array_equal(
        dx, np.where(x > 0, upstream32, (upstream32 * alpha).astype("float32"))
    )
    expected = (upstream32 * np.minimum(x.astype("float32"), 0)).sum(
        axis=(0, 1)
    )
    np.testing.assert_allclose(dalpha, expected[None], rtol=1e-5, atol=1e-5)


@needs_gradients
def test_prelu_alpha_gradient_takes_min_x_0_so_nan_upstream_reaches_it():
    # d(f)/d(alpha) = min(x, 0): an infinite or NaN upstream at x > 0 makes
    # alpha's gradient NaN on every backend, as the chain rule (and Keras's
    # PReLU) gives it; finite upstreams there add exactly 0.
    x = np.array([[2.0, -1.0], [3.0, -2.0]])
    alpha = np.array([0.5, 0.5])
    for upstream, expected in (
        ([[np.inf, 1.0], [1.0, 1.0]], [np.nan, -3.0]),
        ([[np.nan, 1.0], [5.0, 1.0]], [np.nan, -3.0]),
        ([[7.0, 1.0], [5.0, 1.0]], [0.0, -3.0]),
    ):
        _, (_, dalpha) = value_and_grads(
            ops.prelu, [tensor(x), tensor(alpha)], np.array(upstream)
        )
        np.testing.assert_array_equal(dalpha, expected)


def test_prelu_non_finite_alpha_gives_x_above_zero_on_every_backend():
    # Piecewise: x > 0 selects x whatever alpha is (Keras's PReLU, which
    # computes relu(x) - alpha * relu(-x), gives NaN there).
    x = np.array([2.0, -1.0, 0.0])
    y = as_float64(ops.prelu(tensor(x), tensor([np.inf, np.inf, np.nan])))
    np.testing.assert_array_equal(y, [2.0, -np.inf, np.nan])


@needs_gradients
def test_prelu_non_finite_alpha_passes_the_upstream_gradient_above_zero():
    x = np.array([2.0, -1.0, 3.0])
    alpha = np.array([np.inf, 0.5, np.nan])
    _, (dx, _) = value_and_grads(
        ops.prelu, [tensor(x), tensor(alpha)], np.array([4.0, 4.0, 4.0])
    )
    np.testing.assert_array_equal(dx, [4.0, 2.0, 4.0])
