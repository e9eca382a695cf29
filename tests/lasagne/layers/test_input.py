"""InputLayer: the variable it holds and the checks on it."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers.lasagne.layers import InputLayer


def test_creates_a_floatx_variable_with_the_static_shape():
    layer = InputLayer((None, 1, 28, 28), name="l_in")
    assert layer.input_var.type.shape == (None, 1, 28, 28)
    assert layer.input_var.dtype == pytensor.config.floatX
    assert layer.input_var.name == "l_in.input"
    assert layer.output_shape == (None, 1, 28, 28)


def test_unnamed_variable_is_called_input():
    assert InputLayer((None, 3)).input_var.name == "input"


def test_uses_the_given_variable():
    x = pt.imatrix("ids")
    layer = InputLayer((None, 10), input_var=x)
    assert layer.input_var is x and layer.params == {}


def test_list_shape_becomes_a_tuple():
    assert InputLayer([None, 5]).shape == (None, 5)


def test_wrong_number_of_dimensions_is_explained():
    with pytest.raises(ValueError, match="pt.tensor4"):
        InputLayer((None, 1, 28, 28), input_var=pt.matrix())


def test_contradicting_static_shape():
    with pytest.raises(ValueError, match="axis 1"):
        InputLayer((None, 5), input_var=pt.tensor("x", shape=(None, 4)))


def test_not_a_variable():
    with pytest.raises(TypeError, match="PyTensor variable"):
        InputLayer((None, 5), input_var=np.zeros((2, 5)))


@pytest.mark.parametrize("shape", [(None, 0), (-1, 3)])
def test_bad_sizes(shape):
    with pytest.raises(ValueError, match="positive"):
        InputLayer(shape)


def test_repr():
    assert (
        repr(InputLayer((None, 784), name="l_in"))
        == "InputLayer('l_in', output_shape=(None, 784))"
    )
