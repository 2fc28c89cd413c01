"""Both layers inside models: training (also jit-compiled), mixed precision,
and `.keras` files loaded in a fresh process."""

import keras
import numpy as np
import pytest

import keras_leaky
from tests.helpers import BACKEND
from tests.helpers import needs_gradients
from tests.helpers import predict_in_fresh_process


def small_cnn(dtype=None):
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(4, 3, padding="same", dtype=dtype)(inputs)
    x = keras_leaky.PReLU(
        shared_axes="channel_wise",
        alpha_initializer=keras.initializers.Constant(0.25),
        dtype=dtype,
    )(x)
    x = keras.layers.Conv2D(4, 3, dtype=dtype)(x)
    x = keras_leaky.LeakyReLU(0.1, dtype=dtype)(x)
    x = keras.layers.Flatten()(x)
    x = keras_leaky.PReLU(dtype=dtype)(x)
    outputs = keras.layers.Dense(1, dtype=dtype)(x)
    return keras.Model(inputs, outputs)


def data(n=16):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 6, 6, 2)).astype("float32")
    return x, x.mean(axis=(1, 2, 3))[:, None]


@needs_gradients
@pytest.mark.parametrize("jit_compile", [False, True])
@pytest.mark.parametrize("dtype", [None, "mixed_float16", "mixed_bfloat16"])
def test_training_moves_alpha_and_lowers_the_loss(jit_compile, dtype):
    if jit_compile and BACKEND == "torch" and dtype is not None:
        pytest.skip("torch.compile of mixed precision is slow on CPU")
    model = small_cnn(dtype)
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss="mse",
        jit_compile=jit_compile,
    )
    x, y = data()
    before = [w.copy() for w in model.layers[2].get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert not np.array_equal(model.layers[2].get_weights()[0], before[0])
    assert model.layers[2].alpha.dtype == "float32"


def test_keras_file_round_trip_in_a_fresh_process(tmp_path):
    model = small_cnn()
    model.layers[-2].set_weights(
        [np.linspace(-1, 2, 64).astype("float32")]  # slopes < 0 and > 1
    )
    x, _ = data(4)
    path = tmp_path / "model.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_array_equal(
        predict_in_fresh_process(path, x, tmp_path), expected
    )
    reloaded = keras.saving.load_model(path)
    for ours, theirs in zip(model.layers, reloaded.layers, strict=True):
        assert ours.get_config() == theirs.get_config()
        for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
