"""A LeNet written as seed-era Lasagne code (Lasagne's mnist.py example); only the
imports changed. It must build, report Lasagne's shapes and learn."""

import numpy as np
import pytensor as theano  # was: import theano
import pytensor.tensor as T  # was: import theano.tensor as T
import pytest

from helpers import lasagne  # was: import lasagne


def build_cnn(input_var=None):
    network = lasagne.layers.InputLayer(shape=(None, 1, 28, 28), input_var=input_var)
    network = lasagne.layers.Conv2DLayer(
        network,
        num_filters=20,
        filter_size=(5, 5),
        nonlinearity=lasagne.nonlinearities.tanh,
        W=lasagne.init.GlorotUniform(),
    )
    network = lasagne.layers.MaxPool2DLayer(network, pool_size=(2, 2))
    network = lasagne.layers.Conv2DLayer(
        network,
        num_filters=50,
        filter_size=(5, 5),
        nonlinearity=lasagne.nonlinearities.tanh,
    )
    network = lasagne.layers.MaxPool2DLayer(network, pool_size=(2, 2))
    network = lasagne.layers.DenseLayer(
        network, num_units=500, nonlinearity=lasagne.nonlinearities.tanh
    )
    network = lasagne.layers.DenseLayer(
        network, num_units=10, nonlinearity=lasagne.nonlinearities.softmax
    )
    return network


def striped_digits(n, rng):
    """Fake 28x28 'digits': class c lights up row band c, plus noise."""
    y = rng.integers(0, 10, size=n).astype("int32")
    X = rng.normal(0, 0.3, size=(n, 1, 28, 28))
    for i, c in enumerate(y):
        X[i, 0, 2 + 2 * c : 4 + 2 * c, 4:24] += 1.0
    return X.astype(theano.config.floatX), y


@pytest.mark.slow
def test_seed_era_lenet_trains(rng):
    input_var = T.tensor4("inputs")
    target_var = T.ivector("targets")
    network = build_cnn(input_var)
    shapes = [layer.output_shape for layer in lasagne.layers.get_all_layers(network)]
    assert shapes[1:5] == [
        (None, 20, 24, 24),
        (None, 20, 12, 12),
        (None, 50, 8, 8),
        (None, 50, 4, 4),
    ]
    assert lasagne.layers.count_params(network) == 431080

    prediction = lasagne.layers.get_output(network)
    loss = lasagne.objectives.categorical_crossentropy(prediction, target_var)
    loss = loss.mean()
    params = lasagne.layers.get_all_params(network, trainable=True)
    updates = lasagne.updates.nesterov_momentum(
        loss, params, learning_rate=0.01, momentum=0.9
    )
    train_fn = theano.function([input_var, target_var], loss, updates=updates)

    test_prediction = lasagne.layers.get_output(network, deterministic=True)
    test_acc = T.mean(
        T.eq(T.argmax(test_prediction, axis=1), target_var), dtype=theano.config.floatX
    )
    val_fn = theano.function([input_var, target_var], test_acc)

    X, y = striped_digits(200, rng)
    losses = []
    for epoch in range(4):
        for start in range(0, 200, 50):
            losses.append(float(train_fn(X[start : start + 50], y[start : start + 50])))
    assert np.mean(losses[-4:]) < 0.5 * np.mean(losses[:4])
    assert float(val_fn(X, y)) > 0.8
