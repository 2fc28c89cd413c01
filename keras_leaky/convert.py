"""Move models between Keras's built-in activations and keras_leaky's."""

import keras

from keras_leaky.layers.leaky_relu import LeakyReLU
from keras_leaky.layers.prelu import PReLU
from keras_leaky.layers.rrelu import RReLU


def from_builtin(model: keras.Model) -> keras.Model:
    """A copy of `model` with keras_leaky's layers in place of the built-ins.

    Every `keras.layers.LeakyReLU` and `keras.layers.PReLU`, nested models
    included, becomes keras_leaky's; every weight of the model is copied, so
    the new model predicts what the old one did. A built-in PReLU's
    `shared_axes` are rewritten as the positive axes it really shares (for
    negative axes the built-in shares another axis than the one named).

    Args:
        model: A built Functional or Sequential model.

    Returns:
        A new model; `model` is left as it was.
    """
    return _convert(model, _from_builtin_layer)


def to_builtin(model: keras.Model) -> keras.Model:
    """A copy of `model` with Keras's built-in layers in place of ours.

    For deployment where keras_leaky is not installed: LeakyReLU becomes
    `keras.layers.LeakyReLU`, PReLU becomes `keras.layers.PReLU` with the
    equivalent positive `shared_axes`, and RReLU becomes
    `keras.layers.LeakyReLU` with RReLU's inference slope, so inference
    predictions are the same. Every weight of the model is copied.

    Args:
        model: A built Functional or Sequential model.

    Returns:
        A new model; `model` is left as it was.

    Raises:
        ValueError: naming a layer that no built-in can express.
    """
    return _convert(model, _to_builtin_layer)


def _convert(model, convert_layer):
    if not isinstance(model, keras.Model) or not model.built:
        raise ValueError(
            "Expected a built Functional or Sequential keras.Model. "
            f"Received: model={model!r}"
        )

    def clone(layer):
        converted = convert_layer(layer)
        if converted is not None:
            return converted
        return layer.__class__.from_config(layer.get_config())

    copy = keras.models.clone_model(model, clone_function=clone, recursive=True)
    copy.set_weights(model.get_weights())
    return copy


def _from_builtin_layer(layer):
    config = layer.get_config()
    if type(layer) is keras.layers.LeakyReLU:
        return LeakyReLU.from_config(config)
    if type(layer) is keras.layers.PReLU:
        config["shared_axes"] = _builtin_shared_axes(layer)
        return PReLU.from_config(config)
    return None


def _to_builtin_layer(layer):
    config = layer.get_config()
    if isinstance(layer, LeakyReLU):
        return keras.layers.LeakyReLU.from_config(config)
    if isinstance(layer, RReLU):
        base = {key: config[key] for key in ("name", "trainable", "dtype")}
        slope = (layer.lower + layer.upper) / 2
        return keras.layers.LeakyReLU(negative_slope=slope, **base)
    if isinstance(layer, PReLU):
        if not layer.built:
            raise ValueError(
                f"Layer '{layer.name}' is not built, so the axes that "
                f"shared_axes={layer.shared_axes!r} names are not known; "
                "build the model before converting it."
            )
        config.pop("channel_axis")
        config["shared_axes"] = [
            axis + 1 for axis, size in enumerate(layer.alpha.shape) if size == 1
        ] or None
        return keras.layers.PReLU.from_config(config)
    return None


def _builtin_shared_axes(layer):
    """The input axes a built built-in PReLU really shares: it sets
    `alpha_shape[axis - 1] = 1`, Python indexing, for each axis given."""
    if not layer.shared_axes:
        return None
    rank = len(layer.alpha.shape) + 1
    return sorted({(axis - 1) % (rank - 1) + 1 for axis in layer.shared_axes})
