import keras
import numpy as np
import pytest

import keras_leaky
from tests.helpers import BACKEND


def randomize_weights(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights(
        [
            rng.uniform(-1.5, 2.5, w.shape).astype("float32")
            for w in model.get_weights()
        ]
    )


def builtin_model():
    """Nested sub-models, a shared layer and every PReLU axis form that the
    built-in accepts, including the negative ones it reads its own way."""
    inner = keras.Sequential(
        [
            keras.Input((4, 5, 3)),
            keras.layers.Conv2D(3, 3, padding="same"),
            keras.layers.PReLU(shared_axes=[1, 2]),
            keras.layers.LeakyReLU(negative_slope=0.2),
        ],
        name="inner",
    )
    shared = keras.layers.PReLU(shared_axes=[-1], name="shared_prelu")
    inputs = keras.Input((4, 5, 3))
    a = shared(inner(inputs))
    b = shared(keras.layers.PReLU(shared_axes=0)(inputs))
    x = keras.layers.Concatenate()([a, b])
    x = keras.layers.PReLU()(x)
    x = keras.layers.PReLU(shared_axes=[1])(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(6)(x)
    outputs = keras.layers.LeakyReLU(negative_slope=0.3)(x)
    model = keras.Model(inputs, outputs)
    randomize_weights(model)
    return model


def layer_types(model):
    found = []
    for layer in model.layers:
        found.append(type(layer))
        found.extend(
            layer_types(layer) if isinstance(layer, keras.Model) else []
        )
    return found


def test_from_builtin_replaces_every_layer_and_keeps_predictions():
    model = builtin_model()
    x = np.random.default_rng(1).standard_normal((2, 4, 5, 3)).astype("float32")
    converted = keras_leaky.from_builtin(model)
    types = layer_types(converted)
    assert (
        keras.layers.PReLU not in types and keras.layers.LeakyReLU not in types
    )
    assert types.count(keras_leaky.PReLU) == 5
    assert types.count(keras_leaky.LeakyReLU) == 2
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(converted(x)), expected
    )
    shared = converted.get_layer("shared_prelu")
    assert shared.shared_axes == [2]  # what the built-in's [-1] really shares
    assert len(converted.layers) == len(model.layers)  # still shared once
    assert keras.layers.PReLU in layer_types(model)  # the original is unchanged


def test_to_builtin_round_trips_and_rrelu_becomes_its_inference_slope():
    inputs = keras.Input((4, 5, 3))
    x = keras_leaky.PReLU(shared_axes="channel_wise")(inputs)
    x = keras_leaky.PReLU(shared_axes=[-1])(x)
    x = keras_leaky.PReLU(shared_axes="channel_shared")(x)
    x = keras_leaky.PReLU(shared_axes="channel_wise", channel_axis=1)(x)
    x = keras_leaky.RReLU(0.1, 0.3)(x)
    x = keras_leaky.LeakyReLU(0.05)(keras.layers.Flatten()(x))
    model = keras.Model(inputs, x)
    randomize_weights(model)
    x = np.random.default_rng(2).standard_normal((2, 4, 5, 3)).astype("float32")
    builtin = keras_leaky.to_builtin(model)
    assert not any(
        t.__module__.startswith("keras_leaky") for t in layer_types(builtin)
    )
    alphas = [w.shape for w in builtin.get_weights()]
    assert alphas == [(1, 1, 3), (4, 5, 1), (1, 1, 1), (4, 1, 1)]
    rrelu_as_leaky = builtin.layers[5]
    assert rrelu_as_leaky.negative_slope == pytest.approx(0.2)
    expected = keras.ops.convert_to_numpy(model(x))
    actual = keras.ops.convert_to_numpy(builtin(x))
    if BACKEND == "numpy":  # the built-in LeakyReLU is max(x, a*x) there
        np.testing.assert_allclose(actual, expected, rtol=1e-6)
    else:
        np.testing.assert_array_equal(actual, expected)
    back = keras_leaky.from_builtin(builtin)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(back(x)), expected)


def test_conversion_refuses_an_unbuilt_model():
    with pytest.raises(ValueError, match="model="):
        keras_leaky.to_builtin(keras.Sequential([keras_leaky.PReLU()]))
