"""How much ``Sequential.fit`` adds over a hand-written training loop on the same batches.

    python benchmarks/fit_overhead.py            # writes benchmarks/FIT_OVERHEAD.md

Both runs start from the same seeded weights and shuffle the data in the same order, so they
must end with identical weights (checked); the hand-written loop does exactly what ``fit``
documents for one step: zero the gradients, the fused softmax cross-entropy on the output
layer's logits, backward, Adam. The two alternate, repetition by repetition, and the table
gives the medians and their ratio (target: fit within 5 % of the loop).
"""

from __future__ import annotations

import datetime
import os
import sys
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import autograd_lite as al  # noqa: E402
import nn  # noqa: E402

CONFIGS = [  # (inputs, hidden, outputs, samples, batch size, epochs)
    (2, 16, 3, 2000, 100, 10),
    (20, 64, 10, 5000, 100, 4),
    (784, 100, 10, 3000, 100, 2),
    (2, 4, 2, 1000, 10, 4),
]
REPETITIONS = 9


def make_model(nin: int, nh: int, nout: int) -> nn.Sequential:
    al.manual_seed(1)
    return nn.Sequential(
        [
            nn.Dense(nh, input_shape=(nin,), activation="sigmoid", name="hidden"),
            nn.Dense(nout, activation="softmax", name="output"),
        ]
    )


def train_with_fit(model, X, y, epochs, batch_size):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    al.manual_seed(5)
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)


def train_by_hand(model, X, y, epochs, batch_size):
    optimizer = nn.Adam(model.parameters(), lr=1e-3)
    output = model.layers[-1]
    X = X.astype(numpy.float32)
    al.manual_seed(5)
    for _ in range(epochs):
        order = al.default_generator().permutation(len(X))
        X_epoch, y_epoch = X[order], y[order]
        for start in range(0, len(X), batch_size):
            x_batch = X_epoch[start : start + batch_size]
            y_batch = y_epoch[start : start + batch_size]
            optimizer.zero_grad()
            logits = output.forward_logits(model.layers[0](x_batch))
            loss = nn.cross_entropy(logits, y_batch)
            loss.item()
            loss.backward()
            optimizer.step()


def measure(nin, nh, nout, n, batch_size, epochs):
    rng = numpy.random.default_rng(0)
    X, y = rng.normal(size=(n, nin)), rng.integers(0, nout, size=n)
    times = {"fit": [], "hand": []}
    for _ in range(REPETITIONS):
        weights = {}
        for name, train in (("fit", train_with_fit), ("hand", train_by_hand)):
            model = make_model(nin, nh, nout)
            start = time.perf_counter()
            train(model, X, y, epochs, batch_size)
            times[name].append(time.perf_counter() - start)
            weights[name] = [p.data.copy() for p in model.parameters()]
        if not all(numpy.array_equal(a, b) for a, b in zip(weights["fit"], weights["hand"])):
            raise AssertionError("fit and the hand-written loop ended with different weights")
    steps = epochs * -(-n // batch_size)
    fit, hand = (numpy.median(times[k]) / steps * 1e6 for k in ("fit", "hand"))
    return fit, hand


def main() -> None:
    rows = []
    for config in CONFIGS:
        fit, hand = measure(*config)
        nin, nh, nout, n, batch_size, epochs = config
        row = (
            f"| {nin}-{nh}-{nout} | {n} | {batch_size} | {epochs} | {fit:.1f} | {hand:.1f} "
            f"| {fit / hand:.3f} |"
        )
        print(row, flush=True)
        rows.append(row)
    text = "\n".join(
        [
            "# `fit` against a hand-written loop",
            "",
            f"`python benchmarks/fit_overhead.py`, {datetime.date.today()}, "
            f"{os.cpu_count()} cores, "
            f"NumPy {numpy.__version__}; medians of {REPETITIONS} alternating repetitions; "
            "identical final weights checked. Target: fit/loop ≤ 1.05.",
            "",
            "| network | samples | batch | epochs | fit µs/step | loop µs/step | fit/loop |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
        ]
    )
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "FIT_OVERHEAD.md")
    with open(path, "w") as file:
        file.write(text)
    print(f"written: {path}")


if __name__ == "__main__":
    main()
