import warnings

import keras

from keras_leaky import ops


@keras.saving.register_keras_serializable(package="keras_leaky")
class LeakyReLU(keras.layers.Layer):
    """Leaky rectifier with a fixed slope, the same on every backend.

    Formula:
    ``` python
    f(x) = x                   where x > 0
    f(x) = negative_slope * x  elsewhere
    ```

    The derivative at `x == 0` is `negative_slope`, so `LeakyReLU(0)` is ReLU
    exactly, gradient included. Slopes above 1 are valid and stay piecewise.

    Example:

    ``` python
    layer = keras_leaky.LeakyReLU(negative_slope=0.5)
    y = layer(np.array([-10.0, -5.0, 0.0, 5.0, 10.0]))
    # y = [-5.0, -2.5, 0.0, 5.0, 10.0]
    ```

    Args:
        negative_slope: Finite number >= 0, the slope for `x <= 0`. The
            Keras 2 name `alpha` is accepted with a warning.
            Defaults to `0.3`.
        **kwargs: Base layer keyword arguments, such as name and dtype.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "Argument `alpha` is deprecated; use `negative_slope` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.negative_slope = ops._validate_negative_slope(negative_slope)
        self.supports_masking = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"negative_slope": self.negative_slope})
        return config
