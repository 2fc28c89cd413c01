import csv

import keras
import numpy as np
import pytest

import keras_leaky
from keras_leaky.callbacks import AlphaMonitor
from keras_leaky.callbacks import alpha_statistics
from tests.helpers import needs_gradients


def nested_model():
    inner = keras.Sequential(
        [
            keras.Input((4, 4, 3)),
            keras.layers.Conv2D(5, 3, padding="same"),
            keras_leaky.PReLU(shared_axes="channel_wise", name="inner_prelu"),
        ],
        name="inner",
    )
    inputs = keras.Input((4, 4, 3))
    x = keras.layers.Flatten()(inner(inputs))
    x = keras.layers.Dense(6)(x)
    x = keras_leaky.PReLU(
        alpha_initializer=keras.initializers.Constant(0.25), name="outer_prelu"
    )(x)
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def test_alpha_statistics_reduce_over_every_axis_but_the_channel():
    layer = keras_leaky.PReLU(channel_axis=1)
    layer.build((None, 2, 3))
    layer.set_weights(
        [np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 4.0]], "float32")]
    )
    statistics = alpha_statistics(layer)
    assert statistics["alpha_mean"] == pytest.approx(1.5)
    assert (statistics["alpha_min"], statistics["alpha_max"]) == (-1.0, 4.0)
    assert statistics["alpha_channel_0"] == pytest.approx(2.0)
    assert statistics["alpha_channel_1"] == pytest.approx(1.0)
    assert "alpha_channel_2" not in statistics


@needs_gradients
def test_alpha_monitor_records_every_prelu_into_history_and_csv(tmp_path):
    model = nested_model()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4, 4, 3)).astype("float32")
    y = rng.standard_normal((32, 1)).astype("float32")
    path = tmp_path / "alpha.csv"
    history = model.fit(
        x, y, epochs=3, batch_size=8, verbose=0, callbacks=[AlphaMonitor(path)]
    )
    logs = history.history
    for name, channels in (("inner_prelu", 5), ("outer_prelu", 6)):
        assert len(logs[f"{name}/alpha_mean"]) == 3
        for i in range(channels):
            assert len(logs[f"{name}/alpha_channel_{i}"]) == 3
    final = keras.ops.convert_to_numpy(model.get_layer("outer_prelu").alpha)
    assert logs["outer_prelu/alpha_mean"][-1] == pytest.approx(final.mean())
    assert logs["outer_prelu/alpha_max"][-1] == pytest.approx(final.max())
    assert logs["outer_prelu/alpha_mean"][0] != pytest.approx(0.25)  # it learns
    with path.open() as file:
        rows = list(csv.DictReader(file))
    assert {row["epoch"] for row in rows} == {"0", "1", "2"}
    last = [
        r for r in rows if r["epoch"] == "2" and r["layer"] == "outer_prelu"
    ]
    values = {row["statistic"]: float(row["value"]) for row in last}
    assert values["alpha_min"] == pytest.approx(final.min())


@needs_gradients
def test_alpha_monitor_refuses_a_model_without_prelu():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="no keras_leaky.PReLU"):
        model.fit(
            np.ones((4, 2)),
            np.ones((4, 1)),
            verbose=0,
            callbacks=[AlphaMonitor()],
        )
