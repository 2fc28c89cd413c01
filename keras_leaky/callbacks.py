"""Callbacks for watching what the leaky rectifiers learn."""

import csv
from pathlib import Path

import keras
import numpy as np

from keras_leaky.layers.prelu import PReLU


class AlphaMonitor(keras.callbacks.Callback):
    """Records every PReLU layer's alpha at the end of each epoch.

    For each PReLU layer of the model (nested models included) it adds to the
    epoch's logs, and so to the `History` that `fit` returns,
    `"{layer}/alpha_mean"`, `"{layer}/alpha_min"`, `"{layer}/alpha_max"` and
    one `"{layer}/alpha_channel_{i}"` per channel (alpha averaged over every
    axis but the layer's channel axis). With `csv_path` it also appends the
    same numbers to a CSV file, one row per epoch, layer and statistic.

    Example:

    ``` python
    history = model.fit(x, y, epochs=5, callbacks=[AlphaMonitor("alpha.csv")])
    history.history["p_re_lu/alpha_mean"]  # one value per epoch
    ```

    Args:
        csv_path: Path of a CSV file with the columns `epoch`, `layer`,
            `statistic` and `value`, or `None` for no file; an existing file
            is replaced when training begins. Defaults to `None`.
    """

    def __init__(self, csv_path=None):
        super().__init__()
        self.csv_path = None if csv_path is None else Path(csv_path)

    def on_train_begin(self, logs=None):
        if not _prelu_layers(self.model):
            raise ValueError(
                "AlphaMonitor found no keras_leaky.PReLU layer in the model "
                f"{self.model.name!r}; there is no alpha to record."
            )
        if self.csv_path is not None:
            self.csv_path.parent.mkdir(parents=True, exist_ok=True)
            with self.csv_path.open("w", newline="") as file:
                csv.writer(file).writerow(
                    ["epoch", "layer", "statistic", "value"]
                )

    def on_epoch_end(self, epoch, logs=None):
        rows = []
        for layer in _prelu_layers(self.model):
            for statistic, value in alpha_statistics(layer).items():
                if logs is not None:
                    logs[f"{layer.name}/{statistic}"] = value
                rows.append([epoch, layer.name, statistic, value])
        if self.csv_path is not None:
            with self.csv_path.open("a", newline="") as file:
                csv.writer(file).writerows(rows)


def alpha_statistics(layer):
    """Mean, min, max and per-channel mean of a built PReLU layer's alpha."""
    alpha = keras.ops.convert_to_numpy(layer.alpha).astype("float64")
    statistics = {
        "alpha_mean": float(alpha.mean()),
        "alpha_min": float(alpha.min()),
        "alpha_max": float(alpha.max()),
    }
    rank = alpha.ndim + 1  # alpha has every input axis but the batch axis
    channel = layer.channel_axis + (rank if layer.channel_axis < 0 else 0)
    if 1 <= channel < rank:
        others = tuple(
            axis for axis in range(alpha.ndim) if axis != channel - 1
        )
        for i, value in enumerate(np.ravel(alpha.mean(axis=others))):
            statistics[f"alpha_channel_{i}"] = float(value)
    return statistics


def _prelu_layers(layer):
    found = [layer] if isinstance(layer, PReLU) else []
    for sublayer in getattr(layer, "layers", ()):
        found.extend(_prelu_layers(sublayer))
    return found
