import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytensor.tensor as pt  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting  # noqa: E402


def test_image_grid_accepts_flat_mnist_rows_and_titles():
    fig = plotting.image_grid(np.random.rand(9, 784), nrows=3, titles=list("abcdefghi"))
    axes = fig.get_axes()
    assert len(axes) == 9 and axes[0].get_title() == "a"
    assert axes[0].images[0].get_array().shape == (28, 28)


def test_image_grid_explains_a_wrong_shape():
    with pytest.raises(ValueError, match="rows, cols"):
        plotting.image_grid(np.zeros((3, 5)))


def test_live_curves_keep_history_outside_notebooks():
    curves = plotting.LiveCurves(title="demo")
    for loss, err in [(2.0, 0.5), (1.0, 0.3)]:
        curves.update(train_loss=loss, valid_error=err)
    assert curves.history == {"train_loss": [2.0, 1.0], "valid_error": [0.5, 0.3]}
    fig = curves.show()
    assert len(fig.get_axes()) == 2  # errors go on a second axis


def test_heatmap_labels_its_axes():
    ax = plotting.heatmap(np.eye(3), xlabels=list("abc"), ylabels=list("xyz"))
    assert [t.get_text() for t in ax.get_xticklabels()] == list("abc")


def test_show_graph_falls_back_to_text(capsys, monkeypatch):
    monkeypatch.setattr(plotting.shutil, "which", lambda name: None)
    x = pt.scalar("x")
    assert plotting.show_graph(x * 2) is None
    assert "Mul" in capsys.readouterr().out
