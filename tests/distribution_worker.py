"""Trains one small model with keras_leaky layers on one device and under
the distribution named by argv[1] ("jax": keras.distribution DataParallel and
ModelParallel over 4 virtual CPU devices; "tensorflow": MirroredStrategy over
2 logical CPUs), and saves the trained weights of each run to argv[2].
Run by tests/test_distribution.py in a subprocess, since the device count
must be set before the backend starts."""

import contextlib
import sys

import keras
import numpy as np

import keras_leaky


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8)).astype("float32")
    return x, (x[:, :2] * 2 - x[:, 2:4]).astype("float32")


def train(scope=None):
    keras.utils.set_random_seed(0)
    with scope or contextlib.nullcontext():
        model = keras.Sequential(
            [
                keras.Input((8,)),
                keras.layers.Dense(16, name="dense_in"),
                keras_leaky.PReLU(name="prelu_wise"),
                keras.layers.Dense(8, name="dense_mid"),
                keras_leaky.LeakyReLU(0.1),
                keras.layers.Dense(2, name="dense_out"),
            ]
        )
        rng = np.random.default_rng(1)
        model.set_weights(
            [
                rng.uniform(-0.5, 0.5, w.shape).astype("float32")
                for w in model.get_weights()
            ]
        )
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    x, y = data()
    model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    alpha = model.get_layer("prelu_wise").alpha.value
    return model.get_weights(), str(getattr(alpha, "sharding", ""))


def jax_runs():
    from keras import distribution

    devices = distribution.list_devices("cpu")
    assert len(devices) == 4, devices
    data_parallel = distribution.DataParallel(devices=devices)
    mesh = distribution.DeviceMesh((2, 2), ["batch", "model"], devices)
    layout_map = distribution.LayoutMap(mesh)
    layout_map["prelu_wise/alpha"] = ("model",)  # alpha sharded over "model"
    layout_map["dense_in/kernel"] = (None, "model")
    model_parallel = distribution.ModelParallel(
        layout_map=layout_map, batch_dim_name="batch"
    )
    runs = {"single": train()}
    runs["data_parallel"] = train(data_parallel.scope())
    runs["model_parallel"] = train(model_parallel.scope())
    return runs


def tensorflow_runs():
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    return {"single": train(), "mirrored": train(strategy.scope())}


if __name__ == "__main__":
    runs = {"jax": jax_runs, "tensorflow": tensorflow_runs}[sys.argv[1]]()
    arrays = {}
    for run, (weights, alpha_sharding) in runs.items():
        arrays[f"{run}/alpha_sharding"] = np.array(alpha_sharding)
        arrays.update({f"{run}/{i}": w for i, w in enumerate(weights)})
    np.savez(sys.argv[2], **arrays)
