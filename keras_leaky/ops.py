"""Functional forms of the leaky rectifiers: the math, written once.

Every function here is piecewise, `x` where `x > 0` and `slope * x`
elsewhere, never `max(x, slope * x)` (which is a different function once the
slope leaves [0, 1]). At `x == 0` the derivative is the slope, so a slope of
0 is exactly ReLU, gradient included; NaN stays NaN.
"""

import functools
import math
import numbers

import keras
import ml_dtypes  # noqa: F401  (registers bfloat16 with numpy)
import numpy as np
from keras import ops


def leaky_relu(x, negative_slope: float = 0.3):
    """Leaky rectifier with a fixed slope.

    Formula:
    ``` python
    f(x) = x                   where x > 0
    f(x) = negative_slope * x  elsewhere
    ```

    Example:

    ``` python
    y = keras_leaky.ops.leaky_relu([-2.0, 0.0, 3.0], negative_slope=0.5)
    # y = [-1.0, 0.0, 3.0]
    ```

    Args:
        x: Input tensor; integer inputs are cast to `keras.config.floatx()`.
        negative_slope: Python number >= 0, the slope for `x <= 0`. It is
            rounded once to the dtype of `x`, so every backend multiplies
            by the same bits. Defaults to `0.3`.

    Returns:
        A tensor with the shape and floating dtype of `x`.
    """
    negative_slope = _validate_negative_slope(negative_slope)
    x = _floating(x)
    dtype = _dtype_name(x.dtype)
    if dtype in _NATIVE_LEAKY_RELU_DTYPES.get(keras.config.backend(), ()):
        return ops.leaky_relu(x, _rounded_float(negative_slope, dtype))
    slope = _host_constant(negative_slope, dtype)
    if _written_out_gradient_applies(x, slope):
        return _custom_gradient(_leaky_with_written_out_gradient)(x, slope)
    return _piecewise(x, slope)


def prelu(x, alpha):
    """Parametric leaky rectifier: the slope is a tensor, broadcast against `x`.

    Formula:
    ``` python
    f(x) = x          where x > 0
    f(x) = alpha * x  elsewhere
    ```

    `alpha` may take any real value, including values below 0 and above 1.

    Args:
        x: Input tensor; integer inputs are cast to `keras.config.floatx()`.
        alpha: Slope tensor (or number, or array), broadcast against `x` as
            numpy broadcasts. It is cast to the dtype of `x`.

    Returns:
        A tensor with the broadcast shape of `x` and `alpha` and the floating
        dtype of `x`.
    """
    x = _floating(x)
    if isinstance(alpha, (numbers.Real, list, tuple, np.ndarray)):
        alpha = _host_constant(alpha, x.dtype)
    else:
        alpha = ops.cast(alpha, x.dtype)
    if not _written_out_gradient_applies(x, alpha):
        return _piecewise(x, alpha)
    formulation = _PRELU_FORMULATIONS.get(
        keras.config.backend(), _prelu_recomputing_the_mask
    )
    return _custom_gradient(formulation)(x, alpha)


def rrelu(
    x,
    lower: float = 1 / 8,
    upper: float = 1 / 3,
    training: bool = False,
    seed=None,
):
    """Randomized leaky rectifier (Xu et al. 2015).

    Formula:
    ``` python
    f(x) = x          where x > 0
    f(x) = slope * x  elsewhere
    # training: slope ~ U(lower, upper), drawn for each element at each call
    # inference: slope = (lower + upper) / 2
    ```

    Example:

    ``` python
    seed = keras.random.SeedGenerator(42)
    y = keras_leaky.ops.rrelu(x, training=True, seed=seed)
    ```

    Args:
        x: Input tensor; integer inputs are cast to `keras.config.floatx()`.
        lower: Finite number >= 0, the smallest slope. Defaults to `1 / 8`.
        upper: Finite number >= `lower`, the largest slope.
            Defaults to `1 / 3`.
        training: Whether to draw random slopes (`True`) or use the mean
            slope (`False`). Defaults to `False`.
        seed: An int (the same draws at every call), a
            `keras.random.SeedGenerator` (new draws at every call; needed
            under jit compilation), or `None` (Keras's global generator).
            Defaults to `None`.

    Returns:
        A tensor with the shape and floating dtype of `x`.
    """
    lower, upper = _validate_bounds(lower, upper)
    if not training:
        return leaky_relu(x, (lower + upper) / 2)
    x = _floating(x)
    slope = keras.random.uniform(
        ops.shape(x), minval=lower, maxval=upper, dtype=x.dtype, seed=seed
    )
    if keras.config.backend() == "torch":
        # See _prelu_without_comparisons; the drawn slopes are finite.
        slopes = _slopes_without_comparisons(x, slope)
        return x * ops.stop_gradient(slopes)
    return _piecewise(x, slope)


def _validate_bounds(lower, upper) -> tuple[float, float]:
    """Returns the bounds of RReLU as floats, or raises naming the argument."""
    lower = _nonnegative_number("lower", lower)
    upper = _nonnegative_number("upper", upper)
    if lower > upper:
        raise ValueError(
            "`lower` must not exceed `upper`. "
            f"Received: lower={lower!r}, upper={upper!r}"
        )
    return lower, upper


def _validate_negative_slope(negative_slope) -> float:
    """Returns `negative_slope` as a float, or raises naming the argument."""
    return _nonnegative_number(
        "negative_slope",
        negative_slope,
        hint=" (for a learned or negative slope, use PReLU)",
    )


def _nonnegative_number(name, value, hint="") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a real number >= 0{hint}. "
            f"Received: {name}={value!r}"
        )
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"`{name}` must be a finite number >= 0{hint}. "
            f"Received: {name}={value!r}"
        )
    return float(value)


# Backend differences, all here. Measured with benchmarks/bench.py (see
# benchmarks/results.md); the semantics tests hold on every path.
#
# LeakyReLU: TensorFlow's and torch's native kernels are one pass, piecewise,
# and differentiate to the slope at 0. Given the slope already rounded to the
# input's dtype they compute our exact result where they multiply in that
# dtype: TensorFlow for float16, bfloat16 and float32 (it rounds the slope to
# float32 for float64), torch for float32 and float64 (it multiplies 16-bit
# floats in float32). JAX's native differentiates to 1 at 0, so JAX keeps
# `where`, which XLA fuses into the same single pass.
_NATIVE_LEAKY_RELU_DTYPES = {
    "tensorflow": ("float16", "bfloat16", "float32"),
    "torch": ("float32", "float64"),
}


def _written_out_gradient_applies(x, alpha):
    # The gradients are written out: upstream where x > 0, upstream * slope
    # elsewhere. That keeps only x (and alpha) between forward and backward,
    # where autodiff of `where` also keeps the mask and recomputes more, and
    # it gives the native kernels' bits (autodiff of `where` adds a +0 from
    # the other branch, turning -0 into +0). Not on numpy (no gradients) nor
    # for symbolic inputs, and only when alpha broadcasts to the shape of x.
    if keras.config.backend() == "numpy" or keras.backend.is_keras_tensor(x):
        return False
    if len(alpha.shape) > len(x.shape):
        return False
    pairs = zip(reversed(alpha.shape), reversed(x.shape), strict=False)
    return all(a == 1 or a == d or d is None for a, d in pairs)


# Decorated on first use, not at import: on the numpy backend, where these
# are never used, ops.custom_gradient warns when it is applied.
_custom_gradient = functools.cache(ops.custom_gradient)


def _gradient_wrt_x(positive, slope, upstream):
    return ops.where(positive, upstream, upstream * slope)


def _leaky_with_written_out_gradient(x, slope):
    positive = x > 0  # the only residual: a boolean per element

    def gradient(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return _gradient_wrt_x(positive, slope, upstream), ops.zeros_like(slope)

    return ops.where(positive, x, x * slope), gradient


def _prelu_recomputing_the_mask(x, alpha):
    # JAX: keeps only x (and alpha) for the backward pass, one byte per
    # input byte; XLA fuses the recomputed mask into the gradient's passes.
    def gradient(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return (
            _gradient_wrt_x(x > 0, alpha, upstream),
            _alpha_gradient(x, upstream, alpha.shape),
        )

    return _piecewise(x, alpha), gradient


def _prelu_keeping_the_slopes(x, alpha):
    # TensorFlow: eager and tf.function run one kernel per op, and a `where`
    # that picks between 1 and alpha (the slopes) costs about half of one
    # between two full tensors; `x * slopes` and `upstream * slopes` then
    # take one multiply each. Under XLA the slopes fuse into both. The 1 is
    # a Python number, which Keras converts to alpha's dtype without the
    # fill kernel of ops.ones (measured: this where about 10% faster on a
    # 65,536-element tensor in TF eager, 5% on 3.2 million).
    slopes = ops.where(x > 0, 1, alpha)
    return _prelu_times_slopes(x, alpha, slopes)


def _prelu_without_comparisons(x, alpha):
    # torch on CPU: `x > 0` and `where` cost several elementwise passes each,
    # so the slopes (exactly 1 or alpha, -0 included) are built from
    # threshold and sign, which are single vectorized passes; `x * slopes`
    # and `upstream * slopes` then give the bits of the `where` form. That
    # holds for finite alpha only (0 * inf is NaN), so a non-finite alpha,
    # found by one pass over alpha, takes the `where` form instead.
    if not ops.all(ops.isfinite(alpha)):
        return _prelu_keeping_the_slopes(x, alpha)
    slopes = _slopes_without_comparisons(x, alpha)
    return _prelu_times_slopes(x, alpha, slopes)


def _prelu_times_slopes(x, alpha, slopes):
    """`x * slopes` and its gradient, given the slopes (1 where x > 0,
    else alpha) that both the output and the input gradient multiply by."""

    def gradient(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return upstream * slopes, _alpha_gradient(x, upstream, alpha.shape)

    return x * slopes, gradient


_PRELU_FORMULATIONS = {
    "tensorflow": _prelu_keeping_the_slopes,
    "torch": _prelu_without_comparisons,
}


def _slopes_without_comparisons(x, alpha):
    """1 where x > 0, else alpha, exactly (-0 included), for finite alpha."""
    positive = ops.sign(ops.threshold(x, 0, 0))  # 1 where x > 0, else 0
    negative = 1 - positive
    return negative * alpha - (0 - positive)  # `+ positive` turns -0 to 0


def _alpha_gradient(x, upstream, shape):
    """`upstream * min(x, 0)` summed over the axes that broadcasting an
    alpha of `shape` to the shape of `x` expanded, as `shape`."""
    lead = len(x.shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + axis for axis, size in enumerate(shape) if size == 1
    )
    leading = 0
    while leading in axes:
        leading += 1
    static = all(isinstance(size, int) for size in x.shape)
    if leading and static and _sums_in_halves(x):
        rows = math.prod(x.shape[:leading])
        x = ops.reshape(x, (rows, *x.shape[leading:]))
        upstream = ops.reshape(upstream, x.shape)
        values = _leading_halves_summed(x, upstream)
        axes = (0,) + tuple(axis - leading + 1 for axis in axes[leading:])
    else:
        values = _alpha_summands(x, upstream)
    if axes:
        values = ops.sum(values, axis=axes)
    return ops.reshape(values, shape)


def _alpha_summands(x, upstream):
    return upstream * ops.minimum(x, 0)  # d(alpha * x)/d(alpha) for x <= 0


# XLA on CPU hands a sum to a library kernel only once its summands are in a
# buffer of their own, and sums over leading axes slowly. Adding halves
# instead fuses with the summands: the first halving reads x and upstream
# once, and each next one what the last one wrote, until what is left fits
# in cache (measured: below 2**18 elements the library sum is fastest) or
# the leading axis is odd.
_HALVE_WHILE_LARGER_THAN = 2**18


def _leading_halves_summed(x, upstream):
    """The summands, their leading axis summed in halves while it is even
    and they are large; the leading axis keeps what is left to sum."""
    if not _halvable(x.shape):
        return _alpha_summands(x, upstream)
    half = x.shape[0] // 2
    values = _alpha_summands(x[:half], upstream[:half]) + _alpha_summands(
        x[half:], upstream[half:]
    )
    while _halvable(values.shape):
        half = values.shape[0] // 2
        values = values[:half] + values[half:]
    return values


def _halvable(shape):
    return shape[0] % 2 == 0 and math.prod(shape) > _HALVE_WHILE_LARGER_THAN


def _sums_in_halves(x):
    # Where XLA may compile the gradient: always on JAX, and on TensorFlow
    # inside a traced function (tf.function, with or without jit_compile;
    # without it the halves cost about one more sum). Not on TensorFlow
    # eagerly (eager tensors are EagerTensor), where each halving would be a
    # kernel of its own, nor on torch.
    backend = keras.config.backend()
    return backend == "jax" or (
        backend == "tensorflow" and type(x).__name__ != "EagerTensor"
    )


def _piecewise(x, slope):
    if keras.config.backend() == "numpy" and ops.is_tensor(x):
        # Backend difference, for correctness: the numpy backend's ops.where
        # computes in float32 even for float64 inputs (Keras aligns 64-bit
        # types with JAX's defaults there); numpy's own where keeps the dtype.
        return np.where(x > 0, x, x * slope)
    return ops.where(x > 0, x, x * slope)


def _floating(x):
    if not ops.is_tensor(x):
        x = ops.convert_to_tensor(x)
    if not keras.backend.is_float_dtype(_dtype_name(x.dtype)):
        x = ops.cast(x, keras.config.floatx())
    return x


@functools.lru_cache(maxsize=64)
def _dtype_name(dtype):
    # Cached: standardizing a backend dtype is on the path of every call.
    return keras.backend.standardize_dtype(dtype)


def _rounded(value, dtype):
    # Rounded once from float64 by numpy: TensorFlow and torch would round
    # a Python float through float32 first, which changes float64 slopes
    # and, rarely, float16 ones.
    return np.asarray(value, "float64").astype(_dtype_name(dtype))


@functools.lru_cache(maxsize=256)
def _rounded_float(value, dtype):
    """`value` rounded to `dtype` as a Python float (cached: it is on the
    path of every LeakyReLU call)."""
    return float(_rounded(value, dtype))


def _host_constant(value, dtype):
    value = _rounded(value, dtype)
    return ops.convert_to_tensor(value, dtype=value.dtype.name)
