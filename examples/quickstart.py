"""keras_leaky quick start: a small CNN with both layers, trained briefly on
images this script makes (bars: horizontal, vertical or diagonal), saved as
a `.keras` file and reloaded with identical predictions.

    python examples/quickstart.py [--epochs 8] [--out examples/output]

Runs on any backend: set KERAS_BACKEND to tensorflow, jax or torch.
"""

import argparse
from pathlib import Path

import keras
import numpy as np

import keras_leaky


def make_bars(n, size=12, seed=0):
    """Noisy images of one bar each; the label is the bar's direction."""
    rng = np.random.default_rng(seed)
    images = rng.normal(0, 0.3, (n, size, size, 1)).astype("float32")
    labels = rng.integers(0, 3, n)
    bars = rng.integers(2, size - 2, n)
    for image, label, at in zip(images, labels, bars, strict=True):
        if label == 0:
            image[at, :, 0] += 1.0
        elif label == 1:
            image[:, at, 0] += 1.0
        else:
            image[np.arange(size), (np.arange(size) + at) % size, 0] += 1.0
    return images, labels


def build_model():
    inputs = keras.Input((None, None, 1))  # any image size
    x = keras.layers.Conv2D(16, 3, padding="same")(inputs)
    x = keras_leaky.PReLU(
        shared_axes="channel_wise",  # one learned slope per channel
        alpha_initializer=keras.initializers.Constant(0.25),
    )(x)
    x = keras.layers.Conv2D(16, 3, padding="same")(x)
    x = keras_leaky.LeakyReLU(negative_slope=0.1)(x)  # a fixed slope
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(16)(x)
    x = keras_leaky.PReLU(shared_axes="channel_shared")(x)  # one slope
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--samples", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "output"
    )
    args = parser.parse_args()
    keras.utils.set_random_seed(args.seed)

    x_train, y_train = make_bars(args.samples, seed=args.seed)
    x_test, y_test = make_bars(500, seed=args.seed + 1)
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    print(f"Backend: {keras.config.backend()}")
    model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, verbose=2)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test accuracy: {accuracy:.3f}")
    for layer in model.layers:
        if isinstance(layer, keras_leaky.PReLU):
            alpha = keras.ops.convert_to_numpy(layer.alpha).ravel()
            print(
                f"{layer.name} ({layer.shared_axes}): alpha mean "
                f"{alpha.mean():.3f}, min {alpha.min():.3f}, "
                f"max {alpha.max():.3f}"
            )

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "quickstart.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    before = model.predict(x_test, verbose=0)
    after = reloaded.predict(x_test, verbose=0)
    if not np.array_equal(before, after):
        raise SystemExit("Reloaded model predicts differently")
    print(f"Saved {path}; reloaded with identical predictions.")


if __name__ == "__main__":
    main()
