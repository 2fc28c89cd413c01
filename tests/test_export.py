"""Models with keras_leaky layers export to ONNX (every training backend)
and to a TensorFlow SavedModel, and the artifacts compute what the model
computes."""

import keras
import numpy as np
import pytest

import keras_leaky
from tests.helpers import BACKEND
from tests.helpers import TRAINING_BACKENDS


def model_and_inputs():
    inputs = keras.Input((6, 6, 2))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = keras_leaky.PReLU(shared_axes="channel_wise")(x)
    x = keras_leaky.PReLU(shared_axes=[-1])(x)
    x = keras_leaky.LeakyReLU(2.0)(x)
    x = keras_leaky.RReLU(0.1, 0.3)(x)
    x = keras.layers.Flatten()(x)
    outputs = keras_leaky.PReLU()(keras.layers.Dense(5)(x))
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(0)
    model.set_weights(
        [
            rng.uniform(-1.5, 2.5, w.shape).astype("float32")
            for w in model.get_weights()
        ]
    )
    x = rng.standard_normal((3, 6, 6, 2)).astype("float32")
    return model, x


@pytest.mark.skipif(
    BACKEND not in TRAINING_BACKENDS, reason="export needs a training backend"
)
def test_onnx_export_runs_in_onnxruntime_with_the_same_outputs(tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    model, x = model_and_inputs()
    expected = keras.ops.convert_to_numpy(model(x))
    path = tmp_path / "model.onnx"
    model.export(str(path), format="onnx", verbose=False)
    session = onnxruntime.InferenceSession(str(path))
    (actual,) = session.run(None, {session.get_inputs()[0].name: x})
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(
    BACKEND != "tensorflow", reason="SavedModel export is TensorFlow's"
)
def test_saved_model_export_loads_with_the_same_outputs(tmp_path):
    import tensorflow as tf

    model, x = model_and_inputs()
    model.export(
        str(tmp_path / "saved"), format="tf_saved_model", verbose=False
    )
    loaded = tf.saved_model.load(str(tmp_path / "saved"))  # keep it alive
    served = loaded.serve(tf.constant(x))
    expected = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_array_equal(served.numpy(), expected)
