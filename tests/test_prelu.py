import json

import keras
import numpy as np
import pytest

import keras_leaky
from tests.helpers import BACKEND
from tests.helpers import FLOAT_DTYPES
from tests.helpers import as_float64
from tests.helpers import assert_bitwise_equal
from tests.helpers import assert_same_values
from tests.helpers import layer_value_and_grads
from tests.helpers import needs_gradients
from tests.helpers import reference_alpha_grad
from tests.helpers import reference_leaky
from tests.helpers import tensor

# (input shape, our shared_axes, channel_axis, alpha shape, built-in's axes)
SHARING = [
    ((2, 4, 5, 3), None, -1, (4, 5, 3), None),
    ((2, 4, 5, 3), [], -1, (4, 5, 3), None),
    ((2, 4, 5, 3), 1, -1, (1, 5, 3), [1]),
    ((2, 4, 5, 3), [1, 2], -1, (1, 1, 3), [1, 2]),
    ((2, 4, 5, 3), [-1], -1, (4, 5, 1), [3]),
    ((2, 4, 5, 3), [-3, -2], -1, (1, 1, 3), [1, 2]),
    ((2, 4, 5, 3), [3, -3], -1, (1, 5, 1), [1, 3]),
    ((2, 4, 5, 3), "channel_wise", -1, (1, 1, 3), [1, 2]),
    ((2, 4, 5, 3), "channel_shared", -1, (1, 1, 1), [1, 2, 3]),
    ((2, 3, 4, 5), "channel_wise", 1, (3, 1, 1), [2, 3]),
    ((2, 3, 4, 5), "channel_wise", -3, (3, 1, 1), [2, 3]),
    ((3, 6), None, -1, (6,), None),
    ((3, 6), "channel_wise", -1, (6,), None),
    ((3, 6), "channel_shared", -1, (1,), [1]),
    ((2, 3, 2, 4, 2), [1, -2], -1, (1, 2, 1, 2), [1, 3]),
    ((2, 7, 4), "channel_wise", -1, (1, 4), [1]),
]
SHARING_IDS = [
    f"{shape}-{axes}-ch{channel}" for shape, axes, channel, *_ in SHARING
]


def inputs(shape, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape) * 3
    x.flat[::7] = 0.0
    return x


def random_alpha(shape, seed=1):
    """Slopes below 0, in (0, 1) and above 1."""
    return (
        np.random.default_rng(seed).uniform(-1.5, 2.5, shape).astype("float32")
    )


def twin_layers(shared_axes, channel_axis, builtin_axes, input_shape, dtype):
    """Ours and the built-in with equivalent axes, sharing random alphas."""
    ours = keras_leaky.PReLU(
        shared_axes=shared_axes, channel_axis=channel_axis, dtype=dtype
    )
    builtin = keras.layers.PReLU(shared_axes=builtin_axes, dtype=dtype)
    builtin.build(input_shape)
    ours.build(input_shape)
    builtin.set_weights([random_alpha(builtin.alpha.shape)])
    ours.set_weights(builtin.get_weights())
    return ours, builtin


@pytest.mark.parametrize(
    "shape, shared_axes, channel_axis, alpha_shape, builtin_axes",
    SHARING,
    ids=SHARING_IDS,
)
def test_prelu_alpha_shape_matches_builtin_for_every_sharing_form(
    shape, shared_axes, channel_axis, alpha_shape, builtin_axes
):
    ours, builtin = twin_layers(
        shared_axes, channel_axis, builtin_axes, shape, "float32"
    )
    assert tuple(ours.alpha.shape) == alpha_shape
    assert tuple(builtin.alpha.shape) == alpha_shape
    assert ours.alpha.path.endswith("alpha")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize(
    "shape, shared_axes, channel_axis, alpha_shape, builtin_axes",
    SHARING,
    ids=SHARING_IDS,
)
def test_prelu_forward_matches_builtin_and_reference(
    dtype, shape, shared_axes, channel_axis, alpha_shape, builtin_axes
):
    if BACKEND == "numpy" and dtype == "float64":
        pytest.skip("the built-in computes float64 in float32 on numpy")
    x = inputs(shape)
    ours, builtin = twin_layers(
        shared_axes, channel_axis, builtin_axes, shape, dtype
    )
    y = as_float64(ours(tensor(x, dtype)))
    alpha = as_float64(ours.alpha)
    assert_same_values(y, reference_leaky(x, alpha, dtype))
    assert_same_values(y, as_float64(builtin(tensor(x, dtype))))


# Every sharing form in float32, a few of them in every other dtype.
FLOAT64_MARKS = FLOAT_DTYPES[-1].marks
GRADIENT_CASES = [
    pytest.param("float32", *case, id=f"float32-{name}")
    for case, name in zip(SHARING, SHARING_IDS, strict=True)
] + [
    pytest.param(
        dtype,
        *SHARING[i],
        id=f"{dtype}-{SHARING_IDS[i]}",
        marks=FLOAT64_MARKS if dtype == "float64" else (),
    )
    for dtype in ("float16", "bfloat16", "float64")
    for i in (4, 7, 8, 14)
]


@needs_gradients
@pytest.mark.parametrize(
    "dtype, shape, shared_axes, channel_axis, alpha_shape, builtin_axes",
    GRADIENT_CASES,
)
def test_prelu_gradients_match_builtin_and_reference(
    dtype, shape, shared_axes, channel_axis, alpha_shape, builtin_axes
):
    x = inputs(shape)
    x[x == 0] = -0.75  # the built-in's gradient at 0 is 0, not alpha
    upstream = inputs(shape, seed=5)
    ours, builtin = twin_layers(
        shared_axes, channel_axis, builtin_axes, shape, dtype
    )
    _, dx, (dalpha,) = layer_value_and_grads(ours, tensor(x, dtype), upstream)
    _, builtin_dx, (builtin_dalpha,) = layer_value_and_grads(
        builtin, tensor(x, dtype), upstream
    )
    assert_same_values(dx, builtin_dx)
    tolerance = {"float16": 1e-2, "bfloat16": 5e-2}.get(dtype, 1e-5)
    scale = np.abs(builtin_dalpha).max()
    np.testing.assert_allclose(dalpha, builtin_dalpha, atol=tolerance * scale)
    low = np.asarray(x, "float64").astype(dtype).astype("float64")
    upstream_low = upstream.astype(dtype).astype("float64")
    expected = reference_alpha_grad(low, upstream_low, alpha_shape)
    np.testing.assert_allclose(dalpha, expected, atol=tolerance * scale)


# More than 2**19 elements, so that where XLA compiles the gradient, alpha's
# is summed in halves of its leading axes, twice; an odd batch is not halved.
LARGE = [
    ((8, 32, 32, 72), "channel_wise", -1),
    ((8, 32, 32, 72), None, -1),
    ((3, 32, 32, 72), "channel_wise", -1),
    ((8, 72, 32, 32), "channel_wise", 1),
    ((16, 96, 384), "channel_shared", -1),
]
COMPILED = {"tensorflow": [None, "graph", "xla"], "jax": [None, "xla"]}


@needs_gradients
@pytest.mark.parametrize("compiled", COMPILED.get(BACKEND, [None]))
@pytest.mark.parametrize("shape, shared_axes, channel_axis", LARGE)
def test_prelu_gradients_of_large_inputs_are_exact_compiled_or_not(
    shape, shared_axes, channel_axis, compiled
):
    # Dyadic values (x in eighths within [-1, 1], upstream in quarters): every
    # partial sum of alpha's gradient is exact in float32, in any order.
    rng = np.random.default_rng(0)
    x = rng.integers(-8, 9, shape) / 8
    upstream = rng.integers(-4, 5, shape) / 4
    layer = keras_leaky.PReLU(
        shared_axes=shared_axes, channel_axis=channel_axis
    )
    layer.build(shape)
    layer.set_weights([random_alpha(layer.alpha.shape)])
    alpha = layer.get_weights()[0]
    y, dx, (dalpha,) = layer_value_and_grads(
        layer, tensor(x), upstream, compiled
    )
    assert_bitwise_equal(y, reference_leaky(x, alpha, "float32"))
    slope = np.broadcast_to(alpha, shape[1:]).astype("float64")
    expected_dx = np.where(x > 0, upstream, upstream * slope)
    assert_bitwise_equal(dx, expected_dx.astype("float32"))
    expected = reference_alpha_grad(x, upstream, alpha.shape)
    np.testing.assert_array_equal(dalpha, expected)


@needs_gradients
def test_prelu_gradient_at_zero_is_alpha_and_zero_alpha_is_relu():
    layer = keras_leaky.PReLU(
        alpha_initializer=keras.initializers.Constant(0.4)
    )
    x = np.array([[-1.0, -0.0, 0.0, 2.0]])
    _, dx, (dalpha,) = layer_value_and_grads(layer, tensor(x), np.ones((1, 4)))
    np.testing.assert_array_equal(dx, [[np.float32(0.4)] * 3 + [1.0]])
    np.testing.assert_array_equal(dalpha, [-1.0, 0.0, 0.0, 0.0])
    relu = keras_leaky.PReLU()  # alpha starts at zero
    y, dx, _ = layer_value_and_grads(relu, tensor(x), np.ones((1, 4)))
    np.testing.assert_array_equal(y, [[0.0, 0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(dx, [[0.0, 0.0, 0.0, 1.0]])


def test_prelu_negative_shared_axes_share_the_right_axis():
    layer = keras_leaky.PReLU(shared_axes=[-1])
    layer.build((None, 4, 5, 3))
    assert tuple(layer.alpha.shape) == (4, 5, 1)  # the built-in: (4, 1, 3)


def test_prelu_weights_copy_both_ways():
    ours = keras_leaky.PReLU(shared_axes=[1, 2])
    builtin = keras.layers.PReLU(shared_axes=[1, 2])
    ours.build((None, 4, 5, 3))
    builtin.build((None, 4, 5, 3))
    ours.set_weights([random_alpha((1, 1, 3))])
    builtin.set_weights(ours.get_weights())
    np.testing.assert_array_equal(
        builtin.get_weights()[0], ours.get_weights()[0]
    )


def test_prelu_slopes_outside_zero_one_are_piecewise():
    layer = keras_leaky.PReLU(
        shared_axes="channel_shared",
        alpha_initializer=keras.initializers.Constant(2.0),
    )
    y = layer(tensor([[3.0, -1.0]]))
    np.testing.assert_array_equal(as_float64(y), [[3.0, -2.0]])  # max: 6.0
    layer.set_weights([np.array([-0.5], "float32")])
    y = layer(tensor([[3.0, -1.0]]))
    np.testing.assert_array_equal(as_float64(y), [[3.0, 0.5]])


def test_prelu_channel_wise_handles_dynamic_image_sizes():
    inputs_ = keras.Input((None, None, 3))
    outputs = keras_leaky.PReLU(shared_axes="channel_wise")(
        keras.layers.Conv2D(4, 3, padding="same")(inputs_)
    )
    model = keras.Model(inputs_, outputs)
    for size in (5, 8):
        y = model(tensor(np.ones((2, size, size + 1, 3))))
        assert tuple(y.shape) == (2, size, size + 1, 4)
    assert tuple(model.layers[-1].alpha.shape) == (1, 1, 4)


def test_prelu_channels_first_with_channel_axis_one():
    x = inputs((2, 3, 4, 5))
    layer = keras_leaky.PReLU(shared_axes="channel_wise", channel_axis=1)
    y = as_float64(layer(tensor(x)))
    layer.set_weights([random_alpha((3, 1, 1))])
    y = as_float64(layer(tensor(x)))
    assert_same_values(y, reference_leaky(x, layer.get_weights()[0], "float32"))


@pytest.mark.parametrize(
    "policy, compute",
    [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")],
)
def test_prelu_mixed_precision_keeps_alpha_float32(policy, compute):
    x = inputs((2, 4, 3))
    layer = keras_leaky.PReLU(shared_axes=[1], dtype=policy)
    layer.build((None, 4, 3))
    layer.set_weights([random_alpha((1, 3))])
    y = layer(tensor(x))
    assert keras.backend.standardize_dtype(layer.alpha.dtype) == "float32"
    assert keras.backend.standardize_dtype(y.dtype) == compute
    expected = reference_leaky(x, layer.get_weights()[0], compute)
    assert_same_values(as_float64(y), expected)
    builtin = keras.layers.PReLU(shared_axes=[1], dtype=policy)
    builtin.build((None, 4, 3))
    builtin.set_weights(layer.get_weights())
    assert_same_values(as_float64(y), as_float64(builtin(tensor(x))))


def test_prelu_config_holds_every_builtin_key_and_round_trips():
    layer = keras_leaky.PReLU(
        alpha_initializer=keras.initializers.Constant(0.25),
        alpha_regularizer="l2",
        alpha_constraint="non_neg",
        shared_axes="channel_wise",
        channel_axis=1,
        name="p",
    )
    config = layer.get_config()
    assert set(keras.layers.PReLU().get_config()) <= set(config)
    blob = json.dumps(keras.saving.serialize_keras_object(layer))
    restored = keras.saving.deserialize_keras_object(json.loads(blob))
    assert type(restored) is keras_leaky.PReLU
    assert restored.get_config() == config
    restored.build((None, 3, 4, 5))
    np.testing.assert_array_equal(
        restored.get_weights()[0], np.full((3, 1, 1), 0.25)
    )
    assert isinstance(restored.alpha_regularizer, keras.regularizers.L2)
    assert isinstance(restored.alpha_constraint, keras.constraints.NonNeg)


def test_prelu_from_config_accepts_a_builtin_config():
    builtin = keras.layers.PReLU(
        alpha_initializer="ones", shared_axes=[1, 2], name="from_builtin"
    )
    layer = keras_leaky.PReLU.from_config(builtin.get_config())
    layer.build((None, 4, 5, 3))
    assert tuple(layer.alpha.shape) == (1, 1, 3)
    np.testing.assert_array_equal(layer.get_weights()[0], np.ones((1, 1, 3)))
    assert layer.name == "from_builtin"


def test_prelu_symbolic_call_and_masking():
    layer = keras_leaky.PReLU(shared_axes=[1])
    y = layer(keras.Input((None, 6)))
    assert tuple(y.shape) == (None, None, 6)
    assert layer.supports_masking
    assert layer.compute_output_shape((2, 9, 6)) == (2, 9, 6)
    mask = keras.ops.convert_to_tensor(np.array([[True, False]]))
    assert layer.compute_mask(tensor(np.ones((1, 2, 6))), mask) is mask


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"shared_axes": 0}, "shared_axes=0"),
        ({"shared_axes": [1, 0]}, "shared_axes=[1, 0]"),
        ({"shared_axes": [2, 2]}, "shared_axes=[2, 2]"),
        ({"shared_axes": "channelwise"}, "shared_axes='channelwise'"),
        ({"shared_axes": 1.5}, "shared_axes=1.5"),
        ({"shared_axes": True}, "shared_axes=True"),
        ({"shared_axes": [1, "2"]}, "shared_axes=[1, '2']"),
        ({"channel_axis": 0}, "channel_axis=0"),
        ({"channel_axis": "last"}, "channel_axis='last'"),
        ({"channel_axis": None}, "channel_axis=None"),
    ],
)
def test_prelu_rejects_bad_arguments_at_construction(kwargs, fragment):
    with pytest.raises(ValueError) as error:
        keras_leaky.PReLU(**kwargs)
    assert fragment in str(error.value)


@pytest.mark.parametrize(
    "kwargs, shape, fragments",
    [
        (
            {"shared_axes": [7]},
            (2, 4, 5, 3),
            ["axis 7", "out of range", "(2, 4, 5, 3)"],
        ),
        ({"shared_axes": [-4]}, (2, 4, 5, 3), ["axis -4", "batch axis"]),
        ({"shared_axes": [-5]}, (2, 4, 5, 3), ["axis -5", "out of range"]),
        ({"shared_axes": [1, -3]}, (2, 4, 5, 3), ["axis 1", "twice"]),
        (
            {"shared_axes": "channel_wise", "channel_axis": 4},
            (2, 4, 5, 3),
            ["axis 4", "channel_axis=4"],
        ),
        (
            {"shared_axes": None},
            (None, None, None, 3),
            ["shared_axes", "[1, 2]"],
        ),
        ({"shared_axes": [1]}, (None, 8, None, 3), ["shared_axes", "[1, 2]"]),
        ({"shared_axes": [1]}, (2,), ["axis 1", "only the batch axis"]),
    ],
)
def test_prelu_rejects_bad_axes_at_build_naming_layer_and_shape(
    kwargs, shape, fragments
):
    layer = keras_leaky.PReLU(name="bad_prelu", **kwargs)
    with pytest.raises(ValueError) as error:
        layer.build(shape)
    message = str(error.value)
    for fragment in ["bad_prelu", str(shape), *fragments]:
        assert fragment in message, (fragment, message)
