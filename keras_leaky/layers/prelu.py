import numbers

import keras

from keras_leaky import ops

_WORD_FORMS = ("channel_wise", "channel_shared")


@keras.saving.register_keras_serializable(package="keras_leaky")
class PReLU(keras.layers.Layer):
    """Parametric leaky rectifier (He et al. 2015): the slope is learned.

    Formula:
    ``` python
    f(x) = x          where x > 0
    f(x) = alpha * x  elsewhere
    ```

    `alpha` is a weight with one value per element of the input (less the
    batch axis), or fewer where `shared_axes` shares it. It may learn any real
    value; the function stays piecewise even where `alpha` leaves [0, 1].

    Example:

    ``` python
    x = keras.Input((None, None, 3))  # images of any size, channels last
    y = keras.layers.Conv2D(16, 3)(x)
    y = keras_leaky.PReLU(shared_axes="channel_wise")(y)  # alpha: (1, 1, 16)
    ```

    Args:
        alpha_initializer: Initializer for `alpha`. Defaults to `"zeros"`.
        alpha_regularizer: Regularizer for `alpha`. Defaults to `None`.
        alpha_constraint: Constraint for `alpha`. Defaults to `None`.
        shared_axes: Input axes that share one `alpha`: an int or a list of
            ints counted as `keras.layers.PReLU` counts them (1 is the first
            axis after the batch axis; negative ints count from the end), or
            `"channel_wise"` (one `alpha` per channel) or `"channel_shared"`
            (one `alpha` for the layer). Defaults to `None` (nothing shared).
        channel_axis: The channel axis for `shared_axes="channel_wise"`;
            use `1` for channels-first data. Defaults to `-1`.
        **kwargs: Base layer keyword arguments, such as name and dtype.
    """

    def __init__(
        self,
        alpha_initializer="zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        channel_axis=-1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = keras.initializers.get(alpha_initializer)
        self.alpha_regularizer = keras.regularizers.get(alpha_regularizer)
        self.alpha_constraint = keras.constraints.get(alpha_constraint)
        self.shared_axes = _checked_shared_axes(shared_axes)
        self.channel_axis = _checked_channel_axis(channel_axis)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        shared = self._shared_positive_axes(input_shape)
        kept = [axis for axis in range(1, rank) if axis not in shared]
        unknown = [axis for axis in kept if input_shape[axis] is None]
        if unknown:
            raise ValueError(
                f"Layer '{self.name}' needs a separate alpha along axes "
                f"{unknown} of input shape {tuple(input_shape)}, but their "
                "sizes are unknown (None). Share them, for example "
                f"shared_axes={sorted(shared.union(unknown))} or "
                "shared_axes='channel_wise'. "
                f"Received: shared_axes={self.shared_axes!r}"
            )
        self.alpha = self.add_weight(
            shape=[
                1 if axis in shared else input_shape[axis]
                for axis in range(1, rank)
            ],
            name="alpha",
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        self.input_spec = keras.InputSpec(
            ndim=rank, axes={axis: input_shape[axis] for axis in kept}
        )

    def call(self, inputs):
        return ops.prelu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": keras.initializers.serialize(
                    self.alpha_initializer
                ),
                "alpha_regularizer": keras.regularizers.serialize(
                    self.alpha_regularizer
                ),
                "alpha_constraint": keras.constraints.serialize(
                    self.alpha_constraint
                ),
                "shared_axes": self.shared_axes,
                "channel_axis": self.channel_axis,
            }
        )
        return config

    def _shared_positive_axes(self, input_shape):
        everything = set(range(1, len(input_shape)))
        if self.shared_axes == "channel_shared":
            return everything
        if self.shared_axes == "channel_wise":
            channel = self._positive_axis(
                self.channel_axis, input_shape, "channel_axis"
            )
            return everything - {channel}
        shared = set()
        for axis in self.shared_axes or ():
            positive = self._positive_axis(axis, input_shape, "shared_axes")
            if positive in shared:
                raise ValueError(
                    f"Layer '{self.name}': shared_axes names axis {positive} "
                    f"of input shape {tuple(input_shape)} twice. "
                    f"Received: shared_axes={self.shared_axes!r}"
                )
            shared.add(positive)
        return shared

    def _positive_axis(self, axis, input_shape, argument):
        rank = len(input_shape)
        positive = axis + rank if axis < 0 else axis
        if 1 <= positive < rank:
            return positive
        problem = "the batch axis" if positive == 0 else "out of range"
        valid = (
            f"valid axes are 1 to {rank - 1} or -{rank - 1} to -1"
            if rank > 1
            else "an input of rank 1 has only the batch axis"
        )
        raise ValueError(
            f"Layer '{self.name}': axis {axis} is {problem} for input shape "
            f"{tuple(input_shape)}; {valid}. "
            f"Received: {argument}={getattr(self, argument)!r}"
        )


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _checked_shared_axes(shared_axes):
    if shared_axes is None or (
        isinstance(shared_axes, str) and shared_axes in _WORD_FORMS
    ):
        return shared_axes
    axes = [shared_axes] if _is_int(shared_axes) else shared_axes
    if not isinstance(axes, (list, tuple)) or not all(map(_is_int, axes)):
        raise ValueError(
            "`shared_axes` must be None, an int, a list of ints, "
            "'channel_wise' or 'channel_shared'. "
            f"Received: shared_axes={shared_axes!r}"
        )
    if 0 in axes:
        raise ValueError(
            "`shared_axes` cannot contain 0, the batch axis: alpha is never "
            "per-sample (axis 1 is the first axis after the batch axis). "
            f"Received: shared_axes={shared_axes!r}"
        )
    if len(set(axes)) != len(axes):
        raise ValueError(
            "`shared_axes` names an axis twice. "
            f"Received: shared_axes={shared_axes!r}"
        )
    return [int(axis) for axis in axes]


def _checked_channel_axis(channel_axis):
    if not _is_int(channel_axis) or channel_axis == 0:
        raise ValueError(
            "`channel_axis` must be a nonzero int (axis 0 is the batch axis): "
            "-1 for channels-last data, 1 for channels-first. "
            f"Received: channel_axis={channel_axis!r}"
        )
    return int(channel_axis)
