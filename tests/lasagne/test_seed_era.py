"""Seed-era Lasagne code runs with one changed import.

The functions below are the classic Lasagne MNIST example (``build_mlp``,
``build_custom_mlp``, the training script's compile and loop) and the
walk-through's 500-300-10 network, copied as they were written for Theano, with
``import lasagne`` replaced by ``from helpers import lasagne`` and
``theano.tensor as T`` by ``pytensor.tensor as T``. Nothing else is changed.
"""

import numpy as np
import pytensor as theano
import pytensor.tensor as T
import pytest

from helpers import lasagne


@pytest.fixture(autouse=True)
def seeded_package_rng():
    """Initial weights and dropout masks independent of the tests run before."""
    saved = lasagne.random.get_rng()
    lasagne.random.set_rng(np.random.RandomState(42))
    yield
    lasagne.random.set_rng(saved)


def build_mlp(input_var=None):
    l_in = lasagne.layers.InputLayer(shape=(None, 1, 28, 28),
                                     input_var=input_var)
    l_in_drop = lasagne.layers.DropoutLayer(l_in, p=0.2)
    l_hid1 = lasagne.layers.DenseLayer(
            l_in_drop, num_units=800,
            nonlinearity=lasagne.nonlinearities.rectify,
            W=lasagne.init.GlorotUniform())
    l_hid1_drop = lasagne.layers.DropoutLayer(l_hid1, p=0.5)
    l_hid2 = lasagne.layers.DenseLayer(
            l_hid1_drop, num_units=800,
            nonlinearity=lasagne.nonlinearities.rectify)
    l_hid2_drop = lasagne.layers.DropoutLayer(l_hid2, p=0.5)
    l_out = lasagne.layers.DenseLayer(
            l_hid2_drop, num_units=10,
            nonlinearity=lasagne.nonlinearities.softmax)
    return l_out


def build_custom_mlp(input_var=None, depth=2, width=800, drop_input=.2,
                     drop_hidden=.5):
    network = lasagne.layers.InputLayer(shape=(None, 1, 28, 28),
                                        input_var=input_var)
    if drop_input:
        network = lasagne.layers.dropout(network, p=drop_input)
    nonlin = lasagne.nonlinearities.rectify
    for _ in range(depth):
        network = lasagne.layers.DenseLayer(
                network, width, nonlinearity=nonlin)
        if drop_hidden:
            network = lasagne.layers.dropout(network, p=drop_hidden)
    softmax = lasagne.nonlinearities.softmax
    network = lasagne.layers.DenseLayer(network, 10, nonlinearity=softmax)
    return network


def build_walkthrough_mlp(input_var=None):
    l_in = lasagne.layers.InputLayer(shape=(None, 784), input_var=input_var)
    l_hid1 = lasagne.layers.DenseLayer(
        l_in, num_units=500,
        nonlinearity=lasagne.nonlinearities.rectify,
        W=lasagne.init.GlorotUniform())
    l_hid1_drop = lasagne.layers.DropoutLayer(l_hid1, p=0.4)
    l_hid2 = lasagne.layers.DenseLayer(
        l_hid1_drop, num_units=300,
        nonlinearity=lasagne.nonlinearities.rectify)
    l_hid2_drop = lasagne.layers.DropoutLayer(l_hid2, p=0.4)
    l_out = lasagne.layers.DenseLayer(
        l_hid2_drop, num_units=10,
        nonlinearity=lasagne.nonlinearities.softmax)
    return l_out


def iterate_minibatches(inputs, targets, batchsize, shuffle=False):
    assert len(inputs) == len(targets)
    if shuffle:
        indices = np.arange(len(inputs))
        np.random.shuffle(indices)
    for start_idx in range(0, len(inputs) - batchsize + 1, batchsize):
        if shuffle:
            excerpt = indices[start_idx:start_idx + batchsize]
        else:
            excerpt = slice(start_idx, start_idx + batchsize)
        yield inputs[excerpt], targets[excerpt]


def compile_script_functions(network, input_var, target_var, update_rule):
    """The middle of the classic script, verbatim apart from `update_rule`."""
    prediction = lasagne.layers.get_output(network)
    loss = lasagne.objectives.categorical_crossentropy(prediction, target_var)
    loss = loss.mean()
    params = lasagne.layers.get_all_params(network, trainable=True)
    updates = update_rule(loss, params)

    test_prediction = lasagne.layers.get_output(network, deterministic=True)
    test_loss = lasagne.objectives.categorical_crossentropy(test_prediction,
                                                            target_var)
    test_loss = test_loss.mean()
    test_acc = T.mean(T.eq(T.argmax(test_prediction, axis=1), target_var),
                      dtype=theano.config.floatX)

    train_fn = theano.function([input_var, target_var], loss, updates=updates)
    val_fn = theano.function([input_var, target_var], [test_loss, test_acc])
    return train_fn, val_fn


def digit_like_data(rng, n, shape):
    """Ten noisy prototypes: learnable in a few steps, like a tiny MNIST."""
    prototypes = rng.uniform(size=(10,) + shape)
    y = rng.integers(0, 10, size=n).astype("int32")
    X = 0.5 * prototypes[y] + 0.5 * rng.uniform(size=(n,) + shape)
    return X.astype(theano.config.floatX), y


def train_epochs(train_fn, X, y, num_epochs, batchsize):
    losses = []
    for _ in range(num_epochs):
        err = [train_fn(inputs, targets)
               for inputs, targets in iterate_minibatches(X, y, batchsize,
                                                          shuffle=True)]
        losses.append(float(np.mean(err)))
    return losses


@pytest.mark.slow
def test_classic_mnist_mlp_trains_and_saves(rng, tmp_path):
    np.random.seed(0)
    input_var = T.tensor4('inputs')
    target_var = T.ivector('targets')
    network = build_mlp(input_var)
    assert lasagne.layers.count_params(network) == 1276810
    shapes = [layer.output_shape for layer in lasagne.layers.get_all_layers(network)]
    assert shapes == [(None, 1, 28, 28)] * 2 + [(None, 800)] * 4 + [(None, 10)]

    train_fn, val_fn = compile_script_functions(
        network, input_var, target_var,
        lambda loss, params: lasagne.updates.nesterov_momentum(
            loss, params, learning_rate=0.01, momentum=0.9))
    X, y = digit_like_data(rng, 400, (1, 28, 28))
    start_loss, start_acc = val_fn(X, y)
    losses = train_epochs(train_fn, X, y, num_epochs=5, batchsize=100)
    end_loss, end_acc = val_fn(X, y)
    print(f"classic MLP: loss {start_loss:.3f} -> {end_loss:.3f}, "
          f"accuracy {end_acc:.3f}")
    assert losses[-1] < losses[0]
    assert end_loss < 0.7 * start_loss and end_acc > 0.7
    np.testing.assert_array_equal(val_fn(X, y), val_fn(X, y))

    np.savez(tmp_path / 'model.npz', *lasagne.layers.get_all_param_values(network))
    fresh = build_mlp(T.tensor4('inputs'))
    with np.load(tmp_path / 'model.npz') as f:
        param_values = [f['arr_%d' % i] for i in range(len(f.files))]
    lasagne.layers.set_all_param_values(fresh, param_values)
    for a, b in zip(lasagne.layers.get_all_param_values(fresh),
                    lasagne.layers.get_all_param_values(network)):
        np.testing.assert_array_equal(a, b)


def test_custom_mlp_layer_shapes_match_get_output_shape():
    configs = [(1, 50, .2, .5), (3, 20, 0, 0), (2, 7, .1, 0)]
    for depth, width, drop_input, drop_hidden in configs:
        network = build_custom_mlp(None, depth, width, drop_input, drop_hidden)
        layers = lasagne.layers.get_all_layers(network)
        n_dropout = (1 if drop_input else 0) + (depth if drop_hidden else 0)
        assert len(layers) == 1 + depth + 1 + n_dropout
        assert lasagne.layers.get_output_shape(network, (5, 1, 28, 28)) == (5, 10)
        expected = (784 * width + width + (depth - 1) * (width * width + width)
                    + width * 10 + 10)
        assert lasagne.layers.count_params(network) == expected


@pytest.mark.slow
def test_walkthrough_500_300_rmsprop_float32(rng):
    with theano.config.change_flags(floatX='float32'):
        np.random.seed(0)
        input_var = T.matrix('inputs')
        target_var = T.ivector('targets')
        network = build_walkthrough_mlp(input_var)
        assert lasagne.layers.count_params(network) == 545810
        params = lasagne.layers.get_all_params(network, trainable=True)
        assert len(params) == 6 and all(p.dtype == 'float32' for p in params)

        train_fn, val_fn = compile_script_functions(
            network, input_var, target_var,
            lambda loss, params: lasagne.updates.rmsprop(loss, params,
                                                         learning_rate=0.001))
        X, y = digit_like_data(rng, 500, (784,))
        start_loss, _ = val_fn(X, y)
        losses = train_epochs(train_fn, X, y, num_epochs=3, batchsize=100)
        end_loss, end_acc = val_fn(X, y)
        print(f"walk-through MLP: loss {start_loss:.3f} -> {end_loss:.3f}, "
              f"accuracy {end_acc:.3f}")
        assert losses[-1] < losses[0] and end_loss < 0.6 * start_loss and end_acc > 0.8
        assert end_loss.dtype == np.float32
        assert all(p.get_value().dtype == np.float32 for p in params)
