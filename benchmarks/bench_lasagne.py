"""Training speed of `helpers.lasagne` against PyTorch on the CPU, in one run.

Trains two networks for ``--steps`` SGD steps on a fixed random batch, float32:

* MLP: 784-500-300-10, ReLU, batch 500;
* LeNet: conv 20@5x5 -> max-pool 2 -> conv 50@5x5 -> max-pool 2 -> dense 500 -> 10,
  tanh, batch 100.

For each it prints the first-compile time of the training function (build, compile and
first call; it depends on the state of PyTensor's compile cache), the median time per
step, and the ratio helpers.lasagne / PyTorch.  Steps of the two frameworks alternate,
so both see the same background load.  PyTorch is optional (not a course
dependency); without it only the helpers.lasagne column is printed.

Usage::

    python benchmarks/bench_lasagne.py [--steps 30] [--threads 2] [--no-torch]
"""

import argparse
import os
import platform
import statistics
import time

import numpy as np


def _median_step_ms(steps_fns, steps, warmup=3):
    """Median ms per step of each function, timed in alternation.

    Alternating the frameworks step by step exposes both to the same background
    load, so their ratio stays meaningful on a shared machine.
    """
    for step in steps_fns:
        for _ in range(warmup):
            step()
    times = [[] for _ in steps_fns]
    for _ in range(steps):
        for step, record in zip(steps_fns, times):
            start = time.perf_counter()
            step()
            record.append(time.perf_counter() - start)
    return [1000 * statistics.median(record) for record in times]


def _batch(model, rng):
    size = 500 if model == "mlp" else 100
    shape = (size, 784) if model == "mlp" else (size, 1, 28, 28)
    X = rng.random(shape, dtype=np.float32)
    y = rng.integers(0, 10, size=size).astype("int32")
    return X, y


def bench_helpers(model, rng):
    """(compile seconds, training step) for helpers.lasagne on the default backend."""
    import pytensor
    import pytensor.tensor as pt

    import helpers  # noqa: F401  (selects the CPU backend)
    from helpers import lasagne
    from helpers.lasagne.layers import (
        Conv2DLayer,
        DenseLayer,
        InputLayer,
        MaxPool2DLayer,
        get_all_params,
        get_output,
    )

    pytensor.config.floatX = "float32"
    nl = lasagne.nonlinearities
    if model == "mlp":
        input_var = pt.matrix("X", dtype="float32")
        net = InputLayer((None, 784), input_var)
        net = DenseLayer(net, 500, nonlinearity=nl.rectify)
        net = DenseLayer(net, 300, nonlinearity=nl.rectify)
    else:
        input_var = pt.tensor4("X", dtype="float32")
        net = InputLayer((None, 1, 28, 28), input_var)
        net = Conv2DLayer(net, 20, 5, nonlinearity=nl.tanh)
        net = MaxPool2DLayer(net, 2)
        net = Conv2DLayer(net, 50, 5, nonlinearity=nl.tanh)
        net = MaxPool2DLayer(net, 2)
        net = DenseLayer(net, 500, nonlinearity=nl.tanh)
    net = DenseLayer(net, 10, nonlinearity=nl.softmax)
    target_var = pt.ivector("y")
    loss = lasagne.objectives.categorical_crossentropy(
        get_output(net), target_var
    ).mean()
    params = get_all_params(net, trainable=True)
    updates = lasagne.updates.sgd(loss, params, learning_rate=0.01)
    start = time.perf_counter()
    train_fn = pytensor.function([input_var, target_var], loss, updates=updates)
    X, y = _batch(model, rng)
    train_fn(X, y)
    compile_s = time.perf_counter() - start
    return compile_s, lambda: train_fn(X, y)


def bench_torch(model, rng, threads):
    """(first-step seconds, training step) for the same network in PyTorch (eager)."""
    import torch

    torch.set_num_threads(threads)
    nn = torch.nn
    if model == "mlp":
        net = nn.Sequential(
            nn.Linear(784, 500),
            nn.ReLU(),
            nn.Linear(500, 300),
            nn.ReLU(),
            nn.Linear(300, 10),
        )
    else:
        net = nn.Sequential(
            nn.Conv2d(1, 20, 5),
            nn.Tanh(),
            nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5),
            nn.Tanh(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(800, 500),
            nn.Tanh(),
            nn.Linear(500, 10),
        )
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    X, y = _batch(model, rng)
    X, y = torch.from_numpy(X), torch.from_numpy(y).long()

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(X), y)
        loss.backward()
        opt.step()
        return loss.item()

    start = time.perf_counter()
    step()
    return time.perf_counter() - start, step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--models", default="mlp,lenet")
    args = parser.parse_args()

    import pytensor

    import helpers

    print(
        f"python {platform.python_version()}, pytensor {pytensor.__version__}, "
        f"numpy {np.__version__}, {os.cpu_count()} CPUs"
    )
    print(helpers.backend.describe())
    torch_ok = not args.no_torch
    if torch_ok:
        try:
            import torch

            print(f"torch {torch.__version__}, {args.threads} threads")
        except ImportError:
            print("torch not installed: PyTorch column skipped")
            torch_ok = False
    header = f"{'model':6} | {'compile s':>9} | {'lasagne ms/step':>15}"
    if torch_ok:
        header += f" | {'torch ms/step':>13} | {'ratio':>5}"
    print(header)
    for model in args.models.split(","):
        rng = np.random.default_rng(0)
        compile_s, step = bench_helpers(model, rng)
        if torch_ok:
            _, torch_step = bench_torch(model, rng, args.threads)
            ms, torch_ms = _median_step_ms([step, torch_step], args.steps)
        else:
            (ms,) = _median_step_ms([step], args.steps)
        row = f"{model:6} | {compile_s:9.1f} | {ms:15.1f}"
        if torch_ok:
            row += f" | {torch_ms:13.1f} | {ms / torch_ms:5.2f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
