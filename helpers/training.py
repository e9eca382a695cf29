"""Minibatches, evaluation and the epoch loop that the MNIST notebooks share.

Chapter 2 writes a training loop by hand once (notebooks 01 and 02); from then on
this module runs it, with a progress bar, live curves and early stopping, so the
notebooks can spend their cells on models rather than bookkeeping.

Public names: `iterate_minibatches` (batches of an array pair), `evaluate` (means
over every example, last partial batch included), `early_stopping` (best epoch and
stopping epoch of a validation curve), `train` (the epoch loop, returns a history).
"""

import time

import numpy as np

__all__ = ["early_stopping", "evaluate", "iterate_minibatches", "train"]


def iterate_minibatches(X, y, batch_size, shuffle=False, rng=None, drop_last=True):
    """Yield ``(X_batch, y_batch)`` pairs that cover the data once.

    Parameters
    ----------
    X : (examples, ...) array
    y : (examples,) array
    batch_size : int
    shuffle : bool
        Visit the examples in a random order (drawn from `rng`).
    rng : numpy.random.Generator or RandomState, optional
        Source of the order; by default NumPy's global generator, which
        ``helpers.set_seed`` seeds.
    drop_last : bool
        Drop the last partial batch (what training loops do, so every update uses
        `batch_size` examples); ``False`` keeps it (what evaluation needs).

    Yields
    ------
    X_batch : (batch, ...) array
    y_batch : (batch,) array
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}.")
    n = len(X)
    if shuffle:
        order = (rng if rng is not None else np.random).permutation(n)
    stop = n - batch_size + 1 if drop_last else n
    for start in range(0, max(stop, 0), batch_size):
        if shuffle:
            part = order[start:start + batch_size]
        else:
            part = slice(start, start + batch_size)
        yield X[part], y[part]


def evaluate(fn, X, y, batch_size=500):
    """Mean of ``fn(X_batch, y_batch)`` over all examples, weighted by batch size.

    The last partial batch counts with its true size, so no example is left out
    (the book's ``10000 // 600`` batches skip 400 validation images).

    Parameters
    ----------
    fn : callable
        A compiled function returning one or several per-batch *means*
        (e.g. ``(loss, accuracy)``).
    X, y : arrays with ``len(X) == len(y)``
    batch_size : int

    Returns
    -------
    float or tuple of float
        One mean per output of `fn`.
    """
    totals, count = None, 0
    for X_batch, y_batch in iterate_minibatches(X, y, batch_size, drop_last=False):
        out = fn(X_batch, y_batch)
        out = [float(np.asarray(v)) for v in (out if isinstance(out, (list, tuple))
                                              else [out])]
        weight = len(X_batch)
        totals = [v * weight for v in out] if totals is None else [
            t + v * weight for t, v in zip(totals, out)]
        count += weight
    if count == 0:
        raise ValueError("evaluate needs at least one example.")
    means = tuple(t / count for t in totals)
    return means[0] if len(means) == 1 else means


def early_stopping(valid_errors, patience=None):
    """Best epoch of a validation-error curve and the epoch training stops at.

    Parameters
    ----------
    valid_errors : sequence of float
        One validation error per epoch (lower is better).
    patience : int or None
        Stop after `patience` epochs without a new best; ``None`` never stops.

    Returns
    -------
    best : int
        Index of the lowest error (the first one on ties).
    stop : int or None
        Index of the epoch after which training stops, or ``None`` if it never
        stops within the curve.

    Examples
    --------
    >>> early_stopping([5, 4, 3, 3.5, 3.6, 3.7, 2], patience=3)
    (2, 5)
    """
    best, best_value = None, np.inf
    for epoch, value in enumerate(valid_errors):
        if value < best_value:
            best, best_value = epoch, value
        elif patience is not None and epoch - best >= patience:
            return best, epoch
    return best, None


def train(train_fn, val_fn, data, num_epochs, batch_size, params=None,
          patience=None, shuffle=True, rng=None, eval_batch_size=500,
          live=True, title=None, progress=True, max_seconds=None):
    """Train for `num_epochs` epochs, tracking validation after each one.

    Parameters
    ----------
    train_fn : callable
        ``train_fn(X_batch, y_batch)`` applies one update and returns the batch
        loss (or a tuple whose first entry is the loss).
    val_fn : callable
        ``val_fn(X_batch, y_batch)`` returns ``(loss, accuracy)`` batch means,
        computed without training-only noise (``deterministic=True``).
    data : tuple
        ``(X_train, y_train, X_valid, y_valid)``; extra entries are ignored, so
        the six arrays of `helpers.data.load_mnist` can be passed as they are.
    num_epochs, batch_size : int
    params : list of shared variables, optional
        With it, the values at the best validation epoch are kept and restored
        at the end (model selection by validation).
    patience : int, optional
        Stop after this many epochs without a better validation loss.
    shuffle : bool
        Shuffle the training examples every epoch.
    rng : numpy.random.Generator, optional
        Source of the shuffles (default: NumPy's global generator).
    eval_batch_size : int
        Batch size of the validation passes (every example counts).
    live : bool
        Redraw `helpers.plotting.LiveCurves` after every epoch in a notebook.
    title : str, optional
        Title of the curves and the progress bar.
    progress : bool
        Show a tqdm progress bar over epochs.
    max_seconds : float, optional
        Stop after the first epoch that ends later than this many seconds
        after the start (a wall-clock cap for long runs).

    Returns
    -------
    dict
        ``train_loss``, ``val_loss``, ``val_acc``, ``epoch_time`` (lists, one
        value per epoch run), ``best_epoch`` (0-based), ``stopped_early`` (bool:
        patience ran out), ``timed_out`` (bool: `max_seconds` was reached)
        and ``curves`` (the `LiveCurves`, whose ``show()`` redraws them).
    """
    from tqdm.auto import tqdm

    from helpers.plotting import LiveCurves

    X_train, y_train, X_valid, y_valid = data[:4]
    curves = LiveCurves(title=title) if live else None
    history = {"train_loss": [], "val_loss": [], "val_acc": [], "epoch_time": []}
    best_loss, best_epoch, best_values = np.inf, None, None
    stopped_early = timed_out = False
    started = time.perf_counter()
    epochs = tqdm(range(num_epochs), desc=title or "training", disable=not progress,
                  leave=False)
    for epoch in epochs:
        start = time.perf_counter()
        losses = []
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, batch_size,
                                                    shuffle=shuffle, rng=rng):
            out = train_fn(X_batch, y_batch)
            losses.append(float(np.asarray(
                out[0] if isinstance(out, (list, tuple)) else out)))
        val_loss, val_acc = evaluate(val_fn, X_valid, y_valid, eval_batch_size)
        history["train_loss"].append(float(np.mean(losses)))
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        history["epoch_time"].append(time.perf_counter() - start)
        if curves is not None:
            curves.update(train_loss=history["train_loss"][-1], val_loss=val_loss,
                          val_acc=val_acc)
        epochs.set_postfix(train_loss=f"{history['train_loss'][-1]:.3f}",
                           val_acc=f"{val_acc:.3f}")
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            if params is not None:
                best_values = [np.array(p.get_value(), copy=True) for p in params]
        elif patience is not None and epoch - best_epoch >= patience:
            stopped_early = True
            break
        if max_seconds is not None and time.perf_counter() - started > max_seconds:
            timed_out = True
            break
    if best_values is not None:
        for p, value in zip(params, best_values):
            p.set_value(np.asarray(value, dtype=p.dtype))
    history.update(best_epoch=best_epoch, stopped_early=stopped_early, timed_out=timed_out,
                   curves=curves)
    return history
