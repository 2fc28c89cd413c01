"""keras_leaky quick start: a small CNN with channel-wise PReLU, trained on
scikit-learn's 8x8 digits (shipped inside the package, nothing downloaded),
saved as a `.keras` file and reloaded with identical predictions.

    python examples/quickstart.py [--epochs 15] [--out examples/output]

Runs on any training backend: set KERAS_BACKEND to tensorflow, jax or torch.
"""

import argparse
from pathlib import Path

import keras
import numpy as np
from shared import digits

import keras_leaky
from keras_leaky.callbacks import alpha_statistics


def build_model():
    inputs = keras.Input((None, None, 1))  # any image size
    x = keras.layers.Conv2D(16, 3, padding="same")(inputs)
    x = keras_leaky.PReLU(shared_axes="channel_wise", name="prelu_1")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(32, 3, padding="same")(x)
    x = keras_leaky.PReLU(shared_axes="channel_wise", name="prelu_2")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(64)(x)
    x = keras_leaky.LeakyReLU(negative_slope=0.1)(x)  # a fixed slope
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "output"
    )
    args = parser.parse_args()
    keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = digits(args.seed)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    print(f"Backend: {keras.config.backend()}")
    model.fit(x_train, y_train, batch_size=32, epochs=args.epochs)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy: {accuracy:.3f}")
    print("Learned alpha (initialised at 0, i.e. as ReLU):")
    for name in ("prelu_1", "prelu_2"):
        statistics = alpha_statistics(model.get_layer(name))
        print(
            f"  {name}: mean {statistics['alpha_mean']:.3f}, "
            f"min {statistics['alpha_min']:.3f}, "
            f"max {statistics['alpha_max']:.3f}"
        )

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "quickstart.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    same = np.array_equal(
        model.predict(x_test, verbose=0), reloaded.predict(x_test, verbose=0)
    )
    if not same:
        raise SystemExit(f"{path} predicts differently after reloading")
    print(f"Saved {path}; reloaded with identical predictions.")


if __name__ == "__main__":
    main()
