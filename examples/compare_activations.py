"""The comparisons of Xu et al. 2015 and He et al. 2015 at small scale.

ReLU, LeakyReLU 0.01, LeakyReLU 1/5.5, PReLU channel-shared and
channel-wise, and RReLU train the same small CNN with the same budget on a
small subset of scikit-learn's digits (where Xu et al. saw PReLU overfit),
for several seeds. Writes a markdown table of train and test error, PNG
learning curves and the learned alpha per layer for both PReLU forms, and
says which of the papers' findings this run reproduces.

    python examples/compare_activations.py [--seeds 3] [--epochs 40]
        [--train-size 300] [--out examples/output]
"""

import argparse
import json
from pathlib import Path

import keras
import matplotlib
import numpy as np
from shared import ACTIVATIONS
from shared import digits

from keras_leaky.callbacks import alpha_statistics

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402

LAYERS = ("conv1", "conv2", "hidden")


def build_model(activation):
    make = ACTIVATIONS[activation]
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(16, 3, padding="same", name="conv1")(inputs)
    x = make()(x)
    x = keras.layers.Conv2D(32, 3, padding="same", name="conv2")(x)
    x = make()(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, name="hidden")(x)
    x = make()(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def run(activation, seed, args):
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = digits(
        seed, train_size=args.train_size
    )
    model = build_model(activation)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=32,
        epochs=args.epochs,
        validation_data=(x_test, y_test),
        verbose=0,
    )
    _, train_accuracy = model.evaluate(x_train, y_train, verbose=0)
    _, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    alphas = [
        alpha_statistics(layer)["alpha_mean"]
        for layer in model.layers
        if hasattr(layer, "alpha")
    ]
    return {
        "train_error": 1 - train_accuracy,
        "test_error": 1 - test_accuracy,
        "curve": [1 - a for a in history.history["val_accuracy"]],
        "alpha_per_layer": alphas,
    }


def summarize(results):
    rows = {}
    for activation, runs in results.items():
        train = np.array([r["train_error"] for r in runs]) * 100
        test = np.array([r["test_error"] for r in runs]) * 100
        rows[activation] = {
            "train": (train.mean(), train.std()),
            "test": (test.mean(), test.std()),
        }
    return rows


def markdown_table(rows, args):
    lines = [
        f"Digits, {args.train_size} training images, {args.epochs} epochs, "
        f"{args.seeds} seeds, backend {keras.config.backend()} "
        "(error in %, mean ± std over seeds):",
        "",
        "| activation | train error | test error |",
        "|---|---|---|",
    ]
    for activation, row in rows.items():
        train, test = row["train"], row["test"]
        lines.append(
            f"| {activation} | {train[0]:.2f} ± {train[1]:.2f} "
            f"| {test[0]:.2f} ± {test[1]:.2f} |"
        )
    return "\n".join(lines)


def findings(rows, results):
    """The papers' claims, each checked against this run's means; a claim
    that holds by less than the spread over seeds is called noise."""
    test = {a: row["test"][0] for a, row in rows.items()}
    train = {a: row["train"][0] for a, row in rows.items()}
    gap = {a: test[a] - train[a] for a in rows}
    noise = max(max(row["test"][1], row["train"][1]) for row in rows.values())
    prelus = ["PReLU channel-shared", "PReLU channel-wise"]
    leaky = [a for a in rows if a != "ReLU"]

    def lowest(values, group):
        """How far the best of `group` is below every other activation."""
        others = [v for a, v in values.items() if a not in group]
        return min(others) - min(values[a] for a in group)

    def first_layer_margin(form):
        alphas = np.array([r["alpha_per_layer"] for r in results[form]])
        return alphas[:, 0].mean() - alphas[:, -1].mean()

    claims = [  # (claim, margin in points: > 0 where the run agrees)
        (
            "Xu et al.: every leaky variant beats ReLU (test error)",
            min(test["ReLU"] - test[a] for a in leaky),
        ),
        (
            "Xu et al.: a large fixed leak (1/5.5) beats 0.01 (test error)",
            test["LeakyReLU 0.01"] - test["LeakyReLU 1/5.5"],
        ),
        (
            "Xu et al.: PReLU reaches the lowest training error",
            lowest(train, prelus),
        ),
        (
            "Xu et al.: PReLU overfits most (largest test-train gap)",
            lowest({a: -g for a, g in gap.items()}, prelus),
        ),
        (
            "Xu et al.: RReLU generalises best (lowest test error)",
            lowest(test, ["RReLU 1/8..1/3"]),
        ),
        (
            "He et al.: PReLU beats ReLU (both forms, test error)",
            min(test["ReLU"] - test[p] for p in prelus),
        ),
    ]
    lines = [
        f"Findings (largest spread over seeds: {noise:.2f} points; a claim "
        "that holds by less than that is within noise):"
    ]
    for claim, margin in claims:
        if margin <= 0:
            verdict = "not reproduced at this scale"
        elif margin < noise:
            verdict = "same direction, but within noise"
        else:
            verdict = "reproduced"
        lines.append(f"- {claim}: {verdict} (margin {margin:+.2f} points)")
    for form in prelus:
        margin = first_layer_margin(form)
        verdict = "reproduced" if margin > 0 else "not reproduced at this scale"
        lines.append(
            f"- He et al.: {form} learns a larger alpha in the first layer "
            f"than in the last: {verdict} (mean alpha difference {margin:+.3f})"
        )
    return "\n".join(lines)


def plot_curves(results, path):
    figure, axis = pyplot.subplots(figsize=(7, 4.5))
    for activation, runs in results.items():
        curves = np.array([r["curve"] for r in runs]) * 100
        epochs = np.arange(1, curves.shape[1] + 1)
        axis.plot(epochs, curves.mean(axis=0), label=activation)
        axis.fill_between(
            epochs, curves.min(axis=0), curves.max(axis=0), alpha=0.15
        )
    axis.set_xlabel("epoch")
    axis.set_ylabel("test error (%, log scale)")
    axis.set_yscale("log")
    axis.set_title("Test error while training (mean; band: min-max over seeds)")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def plot_alphas(results, path):
    figure, axis = pyplot.subplots(figsize=(6, 4))
    width = 0.38
    positions = np.arange(len(LAYERS))
    for i, form in enumerate(("PReLU channel-shared", "PReLU channel-wise")):
        alphas = np.array([r["alpha_per_layer"] for r in results[form]])
        axis.bar(
            positions + (i - 0.5) * width,
            alphas.mean(axis=0),
            width,
            yerr=alphas.std(axis=0),
            label=form,
        )
    axis.axhline(0.25, color="grey", linestyle=":", label="initial alpha")
    axis.set_xticks(positions, LAYERS)
    axis.set_ylabel("learned alpha (mean over the layer)")
    axis.set_title("Learned alpha per layer (cf. He et al. 2015, Table 1)")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--train-size", type=int, default=300)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "output"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    results = {}
    for activation in ACTIVATIONS:
        results[activation] = []
        for seed in range(args.seeds):
            print(f"{activation}, seed {seed} ...", flush=True)
            results[activation].append(run(activation, seed, args))

    rows = summarize(results)
    report = markdown_table(rows, args) + "\n\n" + findings(rows, results)
    print("\n" + report)
    (args.out / "compare_activations.md").write_text(report + "\n")
    (args.out / "compare_activations.json").write_text(json.dumps(results))
    plot_curves(results, args.out / "learning_curves.png")
    plot_alphas(results, args.out / "alpha_per_layer.png")
    print(f"\nWrote the table and figures to {args.out}")


if __name__ == "__main__":
    main()
