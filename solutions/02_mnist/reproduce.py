#!/usr/bin/env python
"""Reproduce chapter 2's MNIST results in full mode and write a results table.

Runs the chapter's models with the sources' settings (learning rate, batch size,
many epochs with early stopping), keeps the parameters of the best validation
epoch, measures the test error once, and prints a Markdown table beside the
published errors.

    python solutions/02_mnist/reproduce.py                       # full MNIST (50k/10k/10k)
    python solutions/02_mnist/reproduce.py --data small --models logreg,mlp --max-epochs 300

``--data full`` needs the official 60,000-image training file (downloaded and
checked by ``helpers.data``).  ``--data small`` runs the same code path on the
official 10,000 test images split 8,000 / 1,000 / 1,000, for machines without the
full files; every row of the table names the data it used, and any epoch or time
cap that cut a run short.  Set ``COURSE_BACKEND=jax`` to run on a GPU.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.tensor.special import softmax

import helpers
from helpers.data import load_mnist
from helpers.nnet import conv2d, pool_2d
from helpers.training import evaluate, train

PUBLISHED = {
    # model: (book best validation error %, Theano tutorials / walk-through test error %)
    "logreg": ("6.96", "7.49 (tutorial)"),
    "mlp": ("2.96", "1.65 (tutorial, batch 20, L2 1e-4)"),
    "mlp_tutorial": ("2.96 (book, batch 600)", "1.65 (tutorial)"),
    "lenet": ("1.06", "0.92 (tutorial)"),
    "walkthrough": ("-", "1.71 (walk-through, 20 epochs)"),
}

MODELS = {
    "logreg": dict(title="softmax regression", setting="SGD lr 0.13, batch 600",
                   epochs=1000, batch_size=600, patience=200),
    "mlp": dict(title="MLP 784-500-10 tanh", setting="SGD lr 0.01, batch 600 (book)",
                epochs=1000, batch_size=600, patience=200),
    "mlp_tutorial": dict(title="MLP 784-500-10 tanh",
                         setting="SGD lr 0.01, batch 20, L2 1e-4 (Theano tutorial)",
                         epochs=1000, batch_size=20, patience=100),
    "lenet": dict(title="LeNet 20/50 conv 5x5, 500 tanh",
                  setting="SGD lr 0.1, batch 500 (Theano tutorial)",
                  epochs=200, batch_size=500, patience=50),
    "walkthrough": dict(title="MLP 500-300-10 ReLU, dropout 0.4",
                        setting="RMSprop lr 0.001, batch 500 (walk-through)",
                        epochs=20, batch_size=500, patience=None),
}


def _glorot(rng, shape):
    if len(shape) == 2:
        fan_in, fan_out = shape
    else:
        area = int(np.prod(shape[2:]))
        fan_in, fan_out = shape[1] * area, shape[0] * area
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return pytensor.shared(rng.uniform(-bound, bound, shape).astype(pytensor.config.floatX))


def _zeros(*shape):
    return pytensor.shared(np.zeros(shape, pytensor.config.floatX))


def _nll_acc(prob, t):
    loss = -pt.mean(pt.log(prob)[pt.arange(t.shape[0]), t])
    return loss, pt.mean(pt.eq(pt.argmax(prob, axis=1), t))


def build(name, seed=0):
    """Return (train_fn, val_fn, params, image_input) for one model."""
    helpers.set_seed(seed)
    rng = np.random.default_rng(seed)
    t = pt.ivector("t")
    if name == "walkthrough":
        from helpers.lasagne import objectives, updates
        from helpers.lasagne.layers import (DenseLayer, DropoutLayer, InputLayer, get_all_params,
                                            get_output)
        from helpers.lasagne.nonlinearities import rectify
        from helpers.lasagne.nonlinearities import softmax as softmax_nl

        x = pt.matrix("x", shape=(None, 784))
        net = InputLayer((None, 784), input_var=x)
        for units in (500, 300):
            net = DropoutLayer(DenseLayer(net, units, nonlinearity=rectify), p=0.4)
        net = DenseLayer(net, 10, nonlinearity=softmax_nl)
        params = get_all_params(net, trainable=True)
        loss = objectives.categorical_crossentropy(get_output(net), t).mean()
        train_fn = pytensor.function(
            [x, t], loss, updates=updates.rmsprop(loss, params, learning_rate=0.001))
        val_fn = pytensor.function([x, t], list(_nll_acc(get_output(net, deterministic=True), t)))
        return train_fn, val_fn, params, False
    if name == "lenet":
        x = pt.tensor4("x", shape=(None, 1, 28, 28))
        W1, W2 = _glorot(rng, (20, 1, 5, 5)), _glorot(rng, (50, 20, 5, 5))
        b1, b2 = _zeros(20), _zeros(50)
        h = pt.tanh(pool_2d(conv2d(x, W1, filter_shape=(20, 1, 5, 5)), (2, 2))
                    + b1.dimshuffle("x", 0, "x", "x"))
        h = pt.tanh(pool_2d(conv2d(h, W2, filter_shape=(50, 20, 5, 5)), (2, 2))
                    + b2.dimshuffle("x", 0, "x", "x"))
        W3, b3, W4, b4 = _glorot(rng, (800, 500)), _zeros(500), _glorot(rng, (500, 10)), _zeros(10)
        prob = softmax(pt.tanh(h.flatten(2) @ W3 + b3) @ W4 + b4, axis=-1)
        params, lr, penalty, image = [W1, b1, W2, b2, W3, b3, W4, b4], 0.1, 0.0, True
    else:
        x = pt.matrix("x", shape=(None, 784))
        if name == "logreg":
            W, b = _zeros(784, 10), _zeros(10)
            prob = softmax(x @ W + b, axis=-1)
            params, lr, penalty = [W, b], 0.13, 0.0
        else:
            W1, b1, W2, b2 = _glorot(rng, (784, 500)), _zeros(500), _glorot(rng, (500, 10)), _zeros(10)
            prob = softmax(pt.tanh(x @ W1 + b1) @ W2 + b2, axis=-1)
            params, lr = [W1, b1, W2, b2], 0.01
            penalty = 1e-4 * (pt.sum(W1 ** 2) + pt.sum(W2 ** 2)) if name == "mlp_tutorial" else 0.0
        image = False
    loss, acc = _nll_acc(prob, t)
    cost = loss + penalty
    grads = pytensor.grad(cost, params)
    train_fn = pytensor.function([x, t], loss,
                                 updates=[(p, p - lr * g) for p, g in zip(params, grads)])
    val_fn = pytensor.function([x, t], [loss, acc])
    return train_fn, val_fn, params, image


def run(name, data_variant, max_epochs=None, max_seconds=None, seed=0):
    spec = MODELS[name]
    start = time.perf_counter()
    train_fn, val_fn, params, image = build(name, seed)
    arrays = load_mnist(data_variant, shape="image" if image else "flat")
    X_tr, y_tr, X_va, y_va, X_te, y_te = arrays
    epochs = spec["epochs"] if max_epochs is None else min(spec["epochs"], max_epochs)
    history = train(train_fn, val_fn, arrays, epochs, spec["batch_size"], params=params,
                    patience=spec["patience"], rng=np.random.default_rng(seed), live=False,
                    title=name, max_seconds=max_seconds)
    _, val_acc = evaluate(val_fn, X_va, y_va)
    _, test_acc = evaluate(val_fn, X_te, y_te)
    run_epochs = len(history["val_loss"])
    if history["timed_out"]:
        stop = f"time cap ({max_seconds:g} s) after {run_epochs} of {spec['epochs']} epochs"
    elif history["stopped_early"]:
        stop = f"early stop (patience {spec['patience']}) after {run_epochs} epochs"
    elif epochs < spec["epochs"]:
        stop = f"epoch cap: {run_epochs} of {spec['epochs']} epochs"
    else:
        stop = f"{run_epochs} epochs"
    return {
        "model": name, "title": spec["title"], "setting": spec["setting"],
        "data": ("MNIST full 50k/10k/10k" if data_variant == "full"
                 else "MNIST small 8k/1k/1k (official test file only)"),
        "epochs": stop, "best_epoch": history["best_epoch"] + 1,
        "val_error": round(100 * (1 - val_acc), 2), "test_error": round(100 * (1 - test_acc), 2),
        "seconds": round(time.perf_counter() - start, 1), "backend": helpers.backend.current(),
        "published_val": PUBLISHED[name][0], "published_test": PUBLISHED[name][1],
    }


def to_markdown(rows):
    head = ("| model | setting | data | epochs run | best epoch | our val. error % | our test error % "
            "| book val. error % | published test error % | wall time s | backend |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n")
    return head + "".join(
        f"| {r['title']} | {r['setting']} | {r['data']} | {r['epochs']} | {r['best_epoch']} "
        f"| {r['val_error']:.2f} | {r['test_error']:.2f} | {r['published_val']} "
        f"| {r['published_test']} | {r['seconds']:.0f} | {r['backend']} |\n" for r in rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=["full", "small"], default="full")
    parser.add_argument("--models", default="logreg,mlp,lenet,walkthrough",
                        help=f"comma-separated, from {','.join(MODELS)}")
    parser.add_argument("--max-epochs", type=int, default=None,
                        help="cap every model's epochs (the table says so)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="wall-clock cap per model (the table says so)")
    parser.add_argument("--out", default="build/reproduce-02.md")
    args = parser.parse_args(argv)
    pytensor.config.floatX = "float32"
    rows = []
    for name in args.models.split(","):
        print(f"== {name} on {args.data} data ...", flush=True)
        rows.append(run(name, args.data, args.max_epochs, args.max_seconds))
        print(to_markdown(rows[-1:]), flush=True)
    table = to_markdown(rows)
    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"Chapter 2 results ({machine})\n\n{table}")
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    print(table)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
