"""What the examples share: the digits data and the activations compared."""

import keras
import numpy as np
from sklearn.datasets import load_digits

import keras_leaky

# The activations of Xu et al. 2015 and He et al. 2015, by display name.
# PReLU starts at He et al.'s 0.25; RReLU uses Xu et al.'s slope range.
ACTIVATIONS = {
    "ReLU": lambda: keras.layers.ReLU(),
    "LeakyReLU 0.01": lambda: keras_leaky.LeakyReLU(0.01),
    "LeakyReLU 1/5.5": lambda: keras_leaky.LeakyReLU(1 / 5.5),
    "PReLU channel-shared": lambda: keras_leaky.PReLU(
        shared_axes="channel_shared",
        alpha_initializer=keras.initializers.Constant(0.25),
    ),
    "PReLU channel-wise": lambda: keras_leaky.PReLU(
        shared_axes="channel_wise",
        alpha_initializer=keras.initializers.Constant(0.25),
    ),
    "RReLU 1/8..1/3": lambda: keras_leaky.RReLU(1 / 8, 1 / 3),
}


def digits(seed, test_size=497, train_size=None, images=True):
    """scikit-learn's 8x8 digits scaled to [0, 1], as (train, test) pairs.

    The test set is the same for every seed; `train_size` draws a subset of
    the rest with `seed`. With `images` the inputs are (8, 8, 1) images,
    otherwise flat vectors of 64.
    """
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    if images:
        x = x.reshape(-1, 8, 8, 1)
    order = np.random.default_rng(0).permutation(len(x))
    test, rest = order[:test_size], order[test_size:]
    if train_size is not None:
        rest = np.random.default_rng(seed).choice(
            rest, train_size, replace=False
        )
    return (x[rest], y[rest]), (x[test], y[test])
