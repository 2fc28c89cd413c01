"""Property-based checks against the numpy reference over random shapes,
axes, slopes and inputs."""

import keras
import numpy as np
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_leaky
from tests.helpers import BACKEND
from tests.helpers import TRAINING_BACKENDS
from tests.helpers import as_float64
from tests.helpers import assert_bitwise_equal
from tests.helpers import assert_same_values
from tests.helpers import layer_value_and_grads
from tests.helpers import reference_alpha_grad
from tests.helpers import reference_leaky
from tests.helpers import tensor

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
    ],
)
# No subnormal inputs or products: TensorFlow and XLA flush them to zero on
# CPU, which is the platform's arithmetic, not this package's.
values = st.floats(-8, 8, width=32).filter(lambda v: v == 0 or abs(v) > 1e-30)


@st.composite
def prelu_cases(draw):
    rank = draw(st.integers(2, 5))
    shape = tuple(
        draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    )
    shared = draw(
        st.lists(st.integers(1, rank - 1), unique=True, max_size=rank - 1)
    )
    # each shared axis written as the built-in counts it, or from the end
    written = [axis - rank if draw(st.booleans()) else axis for axis in shared]
    alpha_shape = tuple(1 if a in shared else shape[a] for a in range(1, rank))
    alpha = draw(
        st.lists(
            st.floats(-2, 3, width=32).filter(
                lambda v: v == 0 or abs(v) > 1e-6
            ),
            min_size=int(np.prod(alpha_shape)),
            max_size=int(np.prod(alpha_shape)),
        )
    )
    size = int(np.prod(shape))
    x = draw(st.lists(values, min_size=size, max_size=size))
    return (
        written,
        np.reshape(np.array(x, "float32"), shape),
        np.reshape(np.array(alpha, "float32"), alpha_shape),
    )


@SETTINGS
@given(prelu_cases())
def test_prelu_matches_the_reference_for_any_shape_and_axes(case):
    shared_axes, x, alpha = case
    keras.backend.clear_session()
    layer = keras_leaky.PReLU(shared_axes=shared_axes)
    layer.build(x.shape)
    assert tuple(layer.alpha.shape) == alpha.shape
    layer.set_weights([alpha])
    expected = reference_leaky(x, alpha, "float32")
    if BACKEND not in TRAINING_BACKENDS:
        assert_bitwise_equal(as_float64(layer(tensor(x))), expected)
        return
    upstream = np.linspace(-1, 1, x.size).reshape(x.shape).astype("float32")
    y, dx, (dalpha,) = layer_value_and_grads(layer, tensor(x), upstream)
    assert_bitwise_equal(y, expected)
    slope = np.broadcast_to(alpha, x.shape[1:])
    # (autodiff adds the two branches' gradients, so a zero may come out +0)
    assert_same_values(dx, np.where(x > 0, upstream, upstream * slope))
    np.testing.assert_allclose(
        dalpha,
        reference_alpha_grad(x, upstream, alpha.shape),
        rtol=1e-5,
        atol=1e-4,
    )


@SETTINGS
@given(
    slope=st.floats(1e-6, 5) | st.sampled_from([0.0, 0.01, 1.0]),
    x=st.lists(values | st.just(float("nan")), min_size=1, max_size=30),
)
def test_leaky_relu_matches_the_reference_for_any_slope(slope, x):
    x = np.array(x, "float32")
    y = as_float64(keras_leaky.ops.leaky_relu(tensor(x), slope))
    assert_bitwise_equal(y, reference_leaky(x, slope, "float32"))
