"""Small shared helpers: gradients per backend, exact comparisons, a numpy
reference written independently of keras_leaky."""

import os

import keras
import ml_dtypes  # noqa: F401  (numpy learns "bfloat16")
import numpy as np
import pytest

BACKEND = keras.config.backend()
TRAINING_BACKENDS = ("tensorflow", "jax", "torch")

needs_gradients = pytest.mark.skipif(
    BACKEND not in TRAINING_BACKENDS,
    reason=f"the {BACKEND} backend has no automatic differentiation",
)


def float64_is_available():
    if BACKEND != "jax":
        return True
    import jax

    return bool(jax.config.jax_enable_x64)


FLOAT_DTYPES = [
    "float16",
    "bfloat16",
    "float32",
    pytest.param(
        "float64",
        marks=pytest.mark.skipif(
            not float64_is_available(),
            reason="float64 on JAX needs JAX_ENABLE_X64=1",
        ),
    ),
]


def tensor(array, dtype="float32"):
    """A backend tensor of `dtype`, rounded once from the float64 values of
    `array`."""
    wide = "float64" if float64_is_available() else "float32"
    array = keras.ops.convert_to_tensor(np.asarray(array, wide), dtype=wide)
    return keras.ops.cast(array, dtype)


def as_float64(value):
    """The exact values of a backend tensor, widened to float64."""
    return np.asarray(keras.ops.convert_to_numpy(value)).astype("float64")


def assert_same_values(actual, expected):
    """Equal values with NaN where the other has NaN; 0.0 equals -0.0."""
    actual = np.asarray(actual, "float64")
    expected = np.asarray(expected, "float64")
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_array_equal(actual, expected)


def assert_bitwise_equal(actual, expected):
    """Same values, same NaNs and same signs of zero: the same bits, up to
    the sign and payload of NaNs (widening to float64 is exact for every
    float dtype)."""
    assert_same_values(actual, expected)
    numbers = ~np.isnan(np.asarray(expected, "float64"))
    np.testing.assert_array_equal(
        np.signbit(actual)[numbers], np.signbit(expected)[numbers]
    )


def value_and_grads(fn, args, upstream, compiled=None):
    """`fn(*args)` and the vector-Jacobian product with `upstream` for every
    argument, as float64 numpy arrays; args are backend tensors.

    `compiled`: None (eager), "graph" (TensorFlow: tf.function) or "xla"
    (TensorFlow: tf.function(jit_compile=True); JAX: jax.jit)."""
    upstream = keras.ops.convert_to_tensor(upstream)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        def tape_gradient(args, upstream):
            with tf.GradientTape() as tape:
                for arg in args:
                    tape.watch(arg)
                y = fn(*args)
            grads = tape.gradient(
                y, args, output_gradients=keras.ops.cast(upstream, y.dtype)
            )
            return y, grads

        if compiled:
            tape_gradient = tf.function(
                tape_gradient, jit_compile=compiled == "xla"
            )
        y, grads = tape_gradient(list(args), upstream)
    elif BACKEND == "jax":
        import jax

        def vjp(args, upstream):
            y, pullback = jax.vjp(fn, *args)
            return y, pullback(keras.ops.cast(upstream, y.dtype))

        if compiled:
            vjp = jax.jit(vjp)
        y, grads = vjp(list(args), upstream)
    elif BACKEND == "torch":
        import torch

        args = [arg.detach().requires_grad_() for arg in args]
        y = fn(*args)
        grads = torch.autograd.grad(
            y, args, grad_outputs=keras.ops.cast(upstream, y.dtype)
        )
    else:
        raise NotImplementedError(f"no gradients on the {BACKEND} backend")
    return as_float64(y), [as_float64(grad) for grad in grads]


def layer_value_and_grads(layer, x, upstream, compiled=None):
    """Output and gradients of a built layer with respect to `x` and to each
    of its trainable weights (`compiled` as for `value_and_grads`)."""
    if not layer.built:
        layer.build(tuple(x.shape))
    weights = [w.value for w in layer.trainable_weights]
    non_trainable = [w.value for w in layer.non_trainable_weights]

    def forward(x, *weights):
        return layer.stateless_call(list(weights), non_trainable, x)[0]

    y, grads = value_and_grads(forward, [x, *weights], upstream, compiled)
    return y, grads[0], grads[1:]


def reference_leaky(x, slope, dtype="float64"):
    """Independent numpy reference: copy x, then scale the entries that are
    not positive (NaN included) by the broadcast slope. x and slope are
    rounded to `dtype`, the product is exact in float64 and rounded once to
    `dtype`, as an IEEE multiply in `dtype` would round it."""
    x = np.asarray(x, "float64").astype(dtype).astype("float64")
    slope = np.asarray(slope, "float64").astype(dtype).astype("float64")
    shape = np.broadcast_shapes(x.shape, slope.shape)
    x = np.broadcast_to(x, shape)
    slope = np.broadcast_to(slope, shape)
    out = x.copy()
    scaled = ~(x > 0)
    out[scaled] = (x[scaled] * slope[scaled]).astype(dtype)
    return out


def reference_alpha_grad(x, upstream, alpha_shape):
    """d(sum(f(x) * upstream))/d(alpha) = sum of upstream * min(x, 0) over the
    batch axis and the axes where alpha has size 1."""
    x = np.asarray(x, "float64")
    per_element = np.asarray(upstream, "float64") * np.minimum(x, 0)
    per_element = per_element.sum(axis=0)
    shared = tuple(
        i
        for i, size in enumerate(alpha_shape)
        if size == 1 and x.shape[i + 1] != 1
    )
    return per_element.sum(axis=shared, keepdims=True).reshape(alpha_shape)


def environment_for(backend):
    """The environment for a subprocess that runs `backend`."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    if backend == "jax":
        env.setdefault("JAX_ENABLE_X64", "1")
    return env


LOAD_AND_PREDICT = """
import sys
import numpy as np
import keras
import keras_leaky  # noqa: F401  (registers the layers; nothing else)

model = keras.saving.load_model(sys.argv[1])  # safe_mode stays on
np.save(sys.argv[3], keras.ops.convert_to_numpy(model(np.load(sys.argv[2]))))
"""


def predict_in_fresh_process(model_path, x, tmp_path):
    """Loads a `.keras` file in a new Python process that has only imported
    keras and keras_leaky, and returns its predictions for `x`."""
    import subprocess
    import sys

    inputs, outputs = tmp_path / "x.npy", tmp_path / "y.npy"
    np.save(inputs, x)
    subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_AND_PREDICT,
            str(model_path),
            inputs,
            outputs,
        ],
        check=True,
        env=environment_for(BACKEND),
        cwd=tmp_path,
    )
    return np.load(outputs)
