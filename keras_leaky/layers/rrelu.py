import numbers

import keras

from keras_leaky import ops


@keras.saving.register_keras_serializable(package="keras_leaky")
class RReLU(keras.layers.Layer):
    """Randomized leaky rectifier (Xu et al. 2015): a random slope in training.

    Formula:
    ``` python
    f(x) = x          where x > 0
    f(x) = slope * x  elsewhere
    # training: slope ~ U(lower, upper), drawn for each element at each call
    # inference: slope = (lower + upper) / 2, as in PyTorch's nn.RReLU
    ```

    Example:

    ``` python
    layer = keras_leaky.RReLU(seed=42)
    y = layer(x, training=True)  # new random slopes at every call
    y = layer(x)  # inference: LeakyReLU with slope (1/8 + 1/3) / 2
    ```

    Args:
        lower: Finite number >= 0, the smallest slope. Defaults to `1 / 8`.
        upper: Finite number >= `lower`, the largest slope.
            Defaults to `1 / 3`.
        seed: Int or `None`, the seed of the layer's random generator; a
            given seed reproduces the same sequence of draws.
            Defaults to `None`.
        **kwargs: Base layer keyword arguments, such as name and dtype.
    """

    def __init__(self, lower=1 / 8, upper=1 / 3, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.lower, self.upper = ops._validate_bounds(lower, upper)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
        ):
            raise ValueError(
                f"`seed` must be an int or None. Received: seed={seed!r}"
            )
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        return ops.rrelu(
            inputs,
            self.lower,
            self.upper,
            training=training,
            seed=self.seed_generator,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {"lower": self.lower, "upper": self.upper, "seed": self.seed}
        )
        return config
