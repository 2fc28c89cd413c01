"""Leaky rectifiers for Keras 3, one semantics on every backend."""

from keras_leaky import callbacks
from keras_leaky import ops
from keras_leaky.convert import from_builtin
from keras_leaky.convert import to_builtin
from keras_leaky.layers import LeakyReLU
from keras_leaky.layers import PReLU
from keras_leaky.layers import RReLU
from keras_leaky.version import __version__

__all__ = [
    "LeakyReLU",
    "PReLU",
    "RReLU",
    "callbacks",
    "from_builtin",
    "ops",
    "to_builtin",
    "__version__",
]
