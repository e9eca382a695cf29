"""Pictures the notebooks share: image grids, live training curves, graph views.

Public names: `image_grid`, `LiveCurves`, `plot_curves`, `heatmap`, `show_graph`.
"""

import shutil

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["LiveCurves", "heatmap", "image_grid", "plot_curves", "show_graph"]


def image_grid(images, nrows=None, ncols=None, titles=None, cmap="gray",
               size=1.2, normalize=False, suptitle=None):
    """Show images on a grid.

    Parameters
    ----------
    images : (examples, rows, cols) or (examples, 1, rows, cols) or (examples, 784) array
        Flat rows of 784 values are shown as 28x28 images.
    nrows, ncols : int, optional
        Grid size; by default as square as possible.
    titles : sequence of str, optional
        One small title per image (e.g. the labels).
    normalize : bool
        Scale each image to its own min..max (useful for filters).

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim != 3:
        raise ValueError(f"image_grid needs (examples, rows, cols) images; got shape "
                         f"{images.shape}.")
    n = len(images)
    if nrows is None and ncols is None:
        ncols = int(np.ceil(np.sqrt(n)))
    if ncols is None:
        ncols = int(np.ceil(n / nrows))
    if nrows is None:
        nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = images[i]
        if normalize:
            img = (img - img.min()) / (np.ptp(img) or 1.0)
        ax.imshow(img, cmap=cmap, interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_curves(history, xlabel="epoch", title=None, logy=False, ax=None):
    """Plot named series, e.g. ``{"train loss": [...], "valid loss": [...]}``.

    Series whose names contain "error" or "acc" go on a second axis on the right.
    Returns the matplotlib Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    right = None
    for name, values in history.items():
        if not len(values):
            continue
        target = ax
        if any(w in name for w in ("error", "acc")):
            right = right or ax.twinx()
            target = right
        style = "--" if target is right else "-"
        target.plot(np.arange(1, len(values) + 1), values, style, label=name)
    ax.set_xlabel(xlabel)
    if logy:
        ax.set_yscale("log")
    handles, labels = ax.get_legend_handles_labels()
    if right is not None:
        h2, l2 = right.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


class LiveCurves:
    """Training curves that redraw in place in a notebook as values arrive.

    Examples
    --------
    >>> curves = LiveCurves()                       # doctest: +SKIP
    >>> for epoch in range(num_epochs):             # doctest: +SKIP
    ...     curves.update(train_loss=..., valid_error=...)
    >>> curves.history["train_loss"]                # doctest: +SKIP

    Outside a notebook (scripts, CI) nothing is drawn until `show` is called.
    """

    def __init__(self, title=None, xlabel="epoch", logy=False, every=1):
        self.history = {}
        self.title, self.xlabel, self.logy, self.every = title, xlabel, logy, every
        self._handle = None
        self._calls = 0

    def update(self, **values):
        """Append one value per named series and redraw."""
        for name, value in values.items():
            self.history.setdefault(name, []).append(float(value))
        self._calls += 1
        if self._calls % self.every == 0:
            self._draw()

    def _figure(self):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        plot_curves(self.history, self.xlabel, self.title, self.logy, ax=ax)
        fig.tight_layout()
        return fig

    def _draw(self):
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is None:
            return
        fig = self._figure()
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)
        plt.close(fig)

    def show(self):
        """Draw the final curves (returns the Figure)."""
        fig = self._figure()
        return fig


def heatmap(matrix, xlabels=None, ylabels=None, title=None, cmap="viridis",
            colorbar=True, ax=None):
    """Show a matrix (attention weights, confusion matrix...) with labelled axes."""
    matrix = np.asarray(matrix)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.35 * matrix.shape[1] + 2,
                                      0.35 * matrix.shape[0] + 1.5))
    im = ax.imshow(matrix, cmap=cmap, aspect="auto")
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), labels=xlabels, rotation=90, fontsize=8)
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), labels=ylabels, fontsize=8)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax)
    return ax


def show_graph(var_or_fn, fmt="svg"):
    """Draw a PyTensor expression or compiled function.

    Uses graphviz (``pydotprint``) when both the ``pydot`` package and the
    ``dot`` program are installed; otherwise prints the text tree of
    ``pytensor.dprint``, which always works.

    Returns
    -------
    IPython.display.SVG or None
    """
    import pytensor

    if shutil.which("dot"):
        try:
            import tempfile

            import pydot  # noqa: F401
            from IPython.display import SVG, Image

            with tempfile.TemporaryDirectory() as tmp:
                out = f"{tmp}/graph.{fmt}"
                pytensor.printing.pydotprint(var_or_fn, outfile=out, format=fmt,
                                             print_output_file=False)
                if fmt == "svg":
                    return SVG(filename=out)
                return Image(filename=out)
        except ImportError:
            pass
    pytensor.dprint(var_or_fn)
    return None
