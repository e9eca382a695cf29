"""Seed-era recurrent Lasagne code runs with one changed import.

`build_char_rnn` and `gen_data` are the Lasagne Recipes character-level text
generator (two stacked ``LSTMLayer``s with ``grad_clipping=100``, the second with
``only_return_final=True``, a softmax ``DenseLayer``, AdaGrad), copied as written
for Theano, with ``import lasagne`` replaced by ``from helpers import lasagne``
and ``theano`` by ``pytensor``.  One line had to change besides the imports:
PyTensor has no ``T.nnet``, so ``T.nnet.categorical_crossentropy`` became
``lasagne.objectives.categorical_crossentropy`` (the same formula).
Sizes are scaled down (512 hidden units -> 32) so the test compiles quickly.
"""

import numpy as np
import pytensor as theano
import pytensor.tensor as T
import pytest

from helpers import lasagne

SEQ_LENGTH = 10
N_HIDDEN = 32
LEARNING_RATE = .01
GRAD_CLIP = 100
BATCH_SIZE = 16

rng = np.random.RandomState(0)
in_text = "".join(rng.choice(list("abcdefgh "), size=200))
chars = sorted(set(in_text))
data_size, vocab_size = len(in_text), len(chars)
char_to_ix = {ch: i for i, ch in enumerate(chars)}


def gen_data(p, batch_size=BATCH_SIZE, data=in_text, return_target=True):
    x = np.zeros((batch_size, SEQ_LENGTH, vocab_size))
    y = np.zeros(batch_size)

    for n in range(batch_size):
        ptr = n
        for i in range(SEQ_LENGTH):
            x[n, i, char_to_ix[data[p + ptr + i]]] = 1.
        if return_target:
            y[n] = char_to_ix[data[p + ptr + SEQ_LENGTH]]
    return x, np.array(y, dtype='int32')


def build_char_rnn():
    l_in = lasagne.layers.InputLayer(shape=(None, None, vocab_size))

    l_forward_1 = lasagne.layers.LSTMLayer(
        l_in, N_HIDDEN, grad_clipping=GRAD_CLIP,
        nonlinearity=lasagne.nonlinearities.tanh)

    l_forward_2 = lasagne.layers.LSTMLayer(
        l_forward_1, N_HIDDEN, grad_clipping=GRAD_CLIP,
        nonlinearity=lasagne.nonlinearities.tanh,
        only_return_final=True)

    l_out = lasagne.layers.DenseLayer(
        l_forward_2, num_units=vocab_size, W=lasagne.init.Normal(),
        nonlinearity=lasagne.nonlinearities.softmax)

    target_values = T.ivector('target_output')
    network_output = lasagne.layers.get_output(l_out)
    cost = lasagne.objectives.categorical_crossentropy(
        network_output, target_values).mean()
    all_params = lasagne.layers.get_all_params(l_out, trainable=True)
    updates = lasagne.updates.adagrad(cost, all_params, LEARNING_RATE)
    train = theano.function([l_in.input_var, target_values], cost,
                            updates=updates, allow_input_downcast=True)
    return l_out, train


@pytest.mark.slow
def test_char_rnn_recipe_trains_with_one_changed_import():
    saved = lasagne.random.get_rng()
    lasagne.random.set_rng(np.random.RandomState(42))
    try:
        l_out, train = build_char_rnn()
    finally:
        lasagne.random.set_rng(saved)
    assert l_out.output_shape == (None, vocab_size)
    # 2 LSTMs with peepholes (4 gates + 3 peephole vectors each) and the softmax
    n_lstm = (4 * (vocab_size * N_HIDDEN + N_HIDDEN * N_HIDDEN + N_HIDDEN)
              + 3 * N_HIDDEN)
    n_lstm2 = n_lstm + 4 * (N_HIDDEN - vocab_size) * N_HIDDEN
    assert lasagne.layers.count_params(l_out, trainable=True) == (
        n_lstm + n_lstm2 + N_HIDDEN * vocab_size + vocab_size)
    x, y = gen_data(0)
    costs = [float(train(x, y)) for _ in range(15)]
    assert np.isfinite(costs).all()
    assert costs[0] > np.log(vocab_size) - 0.2
    assert costs[-1] < costs[0] - 0.1
