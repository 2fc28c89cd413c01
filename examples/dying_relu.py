"""Dying ReLU: how many hidden units never activate, as the learning rate grows.

An MLP (three hidden layers of 64 units) trains on scikit-learn's digits with
plain SGD at growing learning rates, once per activation. A unit is "dead"
when its pre-activation is <= 0 for every training image: a ReLU unit then
gets no gradient and cannot recover, while the leaky variants still pass
`slope * gradient`. Writes a markdown table and a PNG plot.

    python examples/dying_relu.py [--seeds 2] [--epochs 15]
        [--learning-rates 0.01 0.1 0.3 1.0] [--out examples/output]
"""

import argparse
import json
from pathlib import Path

import keras
import matplotlib
import numpy as np
from shared import ACTIVATIONS
from shared import digits

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402

COMPARED = (
    "ReLU",
    "LeakyReLU 0.01",
    "LeakyReLU 1/5.5",
    "PReLU channel-wise",
    "RReLU 1/8..1/3",
)
HIDDEN = ("hidden1", "hidden2", "hidden3")


def build_model(activation):
    inputs = keras.Input((64,))
    x = inputs
    for name in HIDDEN:
        x = keras.layers.Dense(64, name=name)(x)
        x = ACTIVATIONS[activation]()(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs)


def dead_fraction(model, x):
    """Fraction of hidden units whose pre-activation is never > 0 on x."""
    pre_activations = keras.Model(
        model.inputs, [model.get_layer(name).output for name in HIDDEN]
    ).predict(x, verbose=0)
    alive = [np.any(np.asarray(p) > 0, axis=0) for p in pre_activations]
    return 1 - float(np.mean(np.concatenate(alive)))


def run(activation, learning_rate, seed, args):
    keras.utils.set_random_seed(seed)
    (x_train, y_train), _ = digits(seed, images=False)
    model = build_model(activation)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate),
        loss="sparse_categorical_crossentropy",
    )
    model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, verbose=0)
    return dead_fraction(model, x_train)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument(
        "--learning-rates", type=float, nargs="+", default=[0.01, 0.1, 0.3, 1.0]
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "output"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    dead = {}
    for activation in COMPARED:
        dead[activation] = []
        for learning_rate in args.learning_rates:
            print(
                f"{activation}, learning rate {learning_rate} ...", flush=True
            )
            fractions = [
                run(activation, learning_rate, seed, args)
                for seed in range(args.seeds)
            ]
            dead[activation].append(float(np.mean(fractions)))

    header = " | ".join(f"lr {lr:g}" for lr in args.learning_rates)
    lines = [
        f"Dead hidden units (%), digits MLP, SGD, {args.epochs} epochs, mean "
        f"of {args.seeds} seeds, backend {keras.config.backend()}:",
        "",
        f"| activation | {header} |",
        "|---" * (len(args.learning_rates) + 1) + "|",
    ]
    for activation, fractions in dead.items():
        cells = " | ".join(f"{100 * f:.1f}" for f in fractions)
        lines.append(f"| {activation} | {cells} |")
    report = "\n".join(lines)
    print("\n" + report)
    (args.out / "dying_relu.md").write_text(report + "\n")
    (args.out / "dying_relu.json").write_text(json.dumps(dead))

    figure, axis = pyplot.subplots(figsize=(6, 4))
    for activation, fractions in dead.items():
        axis.plot(
            args.learning_rates,
            100 * np.array(fractions),
            "o-",
            label=activation,
        )
    axis.set_xscale("log")
    axis.set_xlabel("learning rate (SGD)")
    axis.set_ylabel("hidden units never active (%)")
    axis.set_title("Dying units as the learning rate grows")
    axis.legend()
    figure.tight_layout()
    figure.savefig(args.out / "dying_relu.png", dpi=100)
    pyplot.close(figure)
    print(f"\nWrote the table and plot to {args.out}")


if __name__ == "__main__":
    main()
