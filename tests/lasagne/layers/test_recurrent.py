"""Tests of helpers.lasagne.layers.recurrent: RNN, LSTM and GRU layers on scan."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

import helpers
from helpers.lasagne import init, nonlinearities, objectives, updates
from helpers.lasagne.layers import (
    CustomRecurrentLayer,
    DenseLayer,
    Gate,
    GRULayer,
    InputLayer,
    LSTMLayer,
    RecurrentLayer,
    ReshapeLayer,
    count_params,
    get_all_params,
    get_output,
    get_output_shape,
)
from tests.reference import (
    categorical_crossentropy,
    gru_step,
    lstm_step,
    recurrent_loop,
    rnn_step,
    softmax_rows,
)

ATOL = 1e-8 if pytensor.config.floatX == "float64" else 1e-5
BATCH, FEATURES, UNITS = 2, 3, 4

CELLS = {
    "rnn": lambda incoming, **kw: RecurrentLayer(
        incoming, UNITS, nonlinearity=nonlinearities.tanh, **kw),
    "lstm": lambda incoming, **kw: LSTMLayer(incoming, UNITS, **kw),
    "gru": lambda incoming, **kw: GRULayer(incoming, UNITS, **kw),
}


def _randomize(layer, rng, scale=0.5):
    """Give every parameter (biases and initial states too) random values."""
    for param in get_all_params(layer):
        shape = param.get_value().shape
        param.set_value(rng.normal(scale=scale, size=shape).astype(param.dtype))


def _values(layer):
    """Parameter values keyed by attribute name (``W_in_to_ingate``, ...)."""
    return {p.name.split(".")[-1]: p.get_value() for p in get_all_params(layer)}


def _reference(cell, layer, x, mask=None, backwards=False):
    """The NumPy loop for `layer` (built by ``CELLS[cell]``) on `x`."""
    p = _values(layer)
    batch = x.shape[0]
    hid0 = np.repeat(p["hid_init"], batch, axis=0)
    if cell == "rnn":
        W_in, W_hid, b = (v.get_value() for v in (layer.W_in_to_hid,
                                                  layer.W_hid_to_hid, layer.b))

        def step(x_t, h):
            return rnn_step(x_t, h, W_in, W_hid, b)
        states = (hid0,)
    elif cell == "lstm":
        def step(x_t, c, h):
            return lstm_step(x_t, c, h, p, peepholes=layer.peepholes)
        states = (np.repeat(p["cell_init"], batch, axis=0), hid0)
    else:
        def step(x_t, h):
            return gru_step(x_t, h, p)
        states = (hid0,)
    return recurrent_loop(step, x, states, mask=mask, backwards=backwards)


def _copy_params(src, dst):
    for src_param, dst_param in zip(get_all_params(src), get_all_params(dst)):
        dst_param.set_value(src_param.get_value())


def _compile(layer, *inputs):
    return pytensor.function(list(inputs), get_output(layer))


class TestOutputShapes:
    @pytest.mark.parametrize("cell", CELLS)
    @pytest.mark.parametrize("final", [False, True], ids=["all", "final"])
    @pytest.mark.parametrize("backwards", [False, True], ids=["fwd", "bwd"])
    @pytest.mark.parametrize("masked", [False, True], ids=["nomask", "mask"])
    def test_output_shape_matches_get_output_shape(self, cell, final, backwards, masked):
        l_in = InputLayer((None, 7, FEATURES))
        l_mask = InputLayer((None, 7)) if masked else None
        layer = CELLS[cell](l_in, mask_input=l_mask, only_return_final=final,
                            backwards=backwards)
        expected = (None, UNITS) if final else (None, 7, UNITS)
        assert layer.output_shape == expected
        assert get_output_shape(layer, {l_in: (5, 7, FEATURES)}) == (
            (5, UNITS) if final else (5, 7, UNITS))

    @pytest.mark.slow
    def test_trailing_feature_axes_are_flattened(self, rng):
        l_in = InputLayer((None, 5, 2, 3))
        layer = LSTMLayer(l_in, UNITS)
        assert layer.W_in_to_ingate.get_value().shape == (6, UNITS)
        x = rng.normal(size=(2, 5, 2, 3))
        out = _compile(layer, l_in.input_var)(x)
        np.testing.assert_allclose(out, _reference("lstm", layer, x.reshape(2, 5, 6)),
                                   atol=ATOL)


class TestValues:
    """Every layer against the NumPy step loops in tests/reference.py."""

    @pytest.mark.parametrize("cell", CELLS)
    def test_matches_numpy_loop_for_one_and_several_steps(self, cell, rng, backend):
        x_var = pt.tensor3("x")
        l_in = InputLayer((None, None, FEATURES), input_var=x_var)
        layer = CELLS[cell](l_in)
        _randomize(layer, rng)
        final = CELLS[cell](l_in, only_return_final=True)
        _copy_params(layer, final)
        f = pytensor.function([x_var], [get_output(layer), get_output(final)])
        for batch, time in [(BATCH, 1), (3, 4)]:
            x = rng.normal(size=(batch, time, FEATURES))
            out, last = f(x)
            assert out.shape == (batch, time, UNITS)
            np.testing.assert_allclose(out, _reference(cell, layer, x), atol=ATOL)
            np.testing.assert_allclose(last, out[:, -1], atol=ATOL)

    def test_lstm_options_keep_the_equations(self, rng):
        l_in = InputLayer((BATCH, 3, FEATURES))
        options = [{"peepholes": False}, {"precompute_input": False},
                   {"unroll_scan": True}]
        layers = [LSTMLayer(l_in, UNITS, **kw) for kw in options]
        for layer in layers:
            _randomize(layer, rng)
        x = rng.normal(size=(BATCH, 3, FEATURES))
        outs = pytensor.function([l_in.input_var], get_output(layers))(x)
        for kw, layer, out in zip(options, layers, outs):
            np.testing.assert_allclose(out, _reference("lstm", layer, x), atol=ATOL,
                                       err_msg=str(kw))

    @pytest.mark.slow
    @pytest.mark.parametrize("cell", ["rnn", "gru"])
    def test_precompute_and_unroll_give_the_same_values(self, cell, rng):
        l_in = InputLayer((BATCH, 3, FEATURES))
        layer = CELLS[cell](l_in, precompute_input=False, unroll_scan=True)
        _randomize(layer, rng)
        x = rng.normal(size=(BATCH, 3, FEATURES))
        out = _compile(layer, l_in.input_var)(x)
        np.testing.assert_allclose(out, _reference(cell, layer, x), atol=ATOL)

    def test_gru_resets_after_the_recurrent_product(self, rng):
        """Lasagne's form, r * (h W_hc), differs from the paper's (r * h) W_hc."""
        l_in = InputLayer((1, 1, FEATURES))
        layer = GRULayer(l_in, UNITS, hid_init=np.ones((1, UNITS)))
        _randomize(layer, rng)
        layer.b_resetgate.set_value(np.full(UNITS, -1.0))
        x = rng.normal(size=(1, 1, FEATURES))
        out = _compile(layer, l_in.input_var)(x)[0, 0]
        p, h = _values(layer), layer.hid_init.get_value()
        r = 1 / (1 + np.exp(-(x[0] @ p["W_in_to_resetgate"] + h @ p["W_hid_to_resetgate"]
                              + p["b_resetgate"])))
        u = 1 / (1 + np.exp(-(x[0] @ p["W_in_to_updategate"]
                              + h @ p["W_hid_to_updategate"] + p["b_updategate"])))
        base = x[0] @ p["W_in_to_hidden_update"] + p["b_hidden_update"]
        after = np.tanh(base + r * (h @ p["W_hid_to_hidden_update"]))
        before = np.tanh(base + (r * h) @ p["W_hid_to_hidden_update"])
        np.testing.assert_allclose(out, ((1 - u) * h + u * after)[0], atol=ATOL)
        assert not np.allclose(out, ((1 - u) * h + u * before)[0], atol=1e-3)

    def test_update_gate_near_zero_keeps_the_state(self, rng):
        l_in = InputLayer((BATCH, 5, FEATURES))
        layer = GRULayer(l_in, UNITS, updategate=Gate(W_cell=None, b=init.Constant(-50.)),
                         hid_init=init.Normal(1.0))
        out = _compile(layer, l_in.input_var)(rng.normal(size=(BATCH, 5, FEATURES)))
        np.testing.assert_allclose(out[:, -1], np.repeat(layer.hid_init.get_value(),
                                                         BATCH, 0), atol=1e-6)

    @pytest.mark.parametrize(
        "cell", ["lstm", pytest.param("gru", marks=pytest.mark.slow),
                 pytest.param("rnn", marks=pytest.mark.slow)])
    def test_initial_states_from_layers(self, cell, rng):
        x_var, h_var, c_var = pt.tensor3("x"), pt.matrix("h0"), pt.matrix("c0")
        l_in = InputLayer((None, 3, FEATURES), input_var=x_var)
        l_h = InputLayer((None, UNITS), input_var=h_var)
        kwargs = {"hid_init": l_h}
        if cell == "lstm":
            kwargs["cell_init"] = InputLayer((None, UNITS), input_var=c_var)
        layer = CELLS[cell](l_in, **kwargs)
        _randomize(layer, rng)
        inputs = [x_var, h_var] + ([c_var] if cell == "lstm" else [])
        f = pytensor.function(inputs, get_output(layer))
        x = rng.normal(size=(BATCH, 3, FEATURES))
        h0, c0 = rng.normal(size=(2, BATCH, UNITS))
        out = f(x, h0, c0) if cell == "lstm" else f(x, h0)
        p = _values(layer)
        if cell == "lstm":
            expected = recurrent_loop(lambda x_t, c, h: lstm_step(x_t, c, h, p), x, (c0, h0))
        elif cell == "gru":
            expected = recurrent_loop(lambda x_t, h: gru_step(x_t, h, p), x, (h0,))
        else:
            expected = recurrent_loop(
                lambda x_t, h: rnn_step(x_t, h, layer.W_in_to_hid.get_value(),
                                        layer.W_hid_to_hid.get_value(),
                                        layer.b.get_value()), x, (h0,))
        np.testing.assert_allclose(out, expected, atol=ATOL)


class TestMaskAndDirection:
    @pytest.mark.parametrize("cell", CELLS)
    def test_masked_steps_hold_the_state(self, cell, rng, backend):
        x_var, m_var = pt.tensor3("x"), pt.matrix("mask")
        l_in = InputLayer((None, 5, FEATURES), input_var=x_var)
        l_mask = InputLayer((None, 5), input_var=m_var)
        layer = CELLS[cell](l_in, mask_input=l_mask)
        _randomize(layer, rng)
        f = pytensor.function([x_var, m_var], get_output(layer))
        x = rng.normal(size=(BATCH, 5, FEATURES))
        mask = np.array([[1, 1, 0, 0, 1], [0, 1, 1, 1, 0]], dtype=x.dtype)
        out = f(x, mask)
        np.testing.assert_allclose(out[0, 2], out[0, 1], atol=ATOL)
        np.testing.assert_allclose(out[0, 3], out[0, 1], atol=ATOL)
        np.testing.assert_allclose(out[1, 4], out[1, 3], atol=ATOL)
        np.testing.assert_allclose(out, _reference(cell, layer, x, mask=mask), atol=ATOL)

    def test_pre_padding_with_a_mask_encodes_like_the_unpadded_sequence(self, rng):
        x_var, m_var = pt.tensor3("x"), pt.matrix("mask")
        l_in = InputLayer((None, None, FEATURES), input_var=x_var)
        l_mask = InputLayer((None, None), input_var=m_var)
        layer = LSTMLayer(l_in, UNITS, mask_input=l_mask, only_return_final=True)
        _randomize(layer, rng)
        f = pytensor.function([x_var, m_var], get_output(layer))
        x = rng.normal(size=(1, 3, FEATURES))
        padded = np.concatenate([rng.normal(size=(1, 2, FEATURES)), x], axis=1)
        unpadded = f(x, np.ones((1, 3)))
        np.testing.assert_allclose(f(padded, np.array([[0, 0, 1, 1, 1.0]])), unpadded,
                                   atol=ATOL)

    @pytest.mark.parametrize("cell", CELLS)
    def test_backwards_equals_forward_on_the_reversed_sequence(self, cell, rng):
        x_var = pt.tensor3("x")
        l_in = InputLayer((None, 4, FEATURES), input_var=x_var)
        forward = CELLS[cell](l_in)
        _randomize(forward, rng)
        backward = CELLS[cell](l_in, backwards=True)
        _copy_params(forward, backward)
        f = pytensor.function([x_var], [get_output(forward), get_output(backward)])
        x = rng.normal(size=(BATCH, 4, FEATURES))
        out_f, _ = f(x[:, ::-1])
        _, out_b = f(x)
        np.testing.assert_allclose(out_b, out_f[:, ::-1], atol=ATOL)
        np.testing.assert_allclose(out_b, _reference(cell, backward, x, backwards=True),
                                   atol=ATOL)


class TestGradients:
    @pytest.mark.parametrize("cell", CELLS)
    def test_verify_grad_wrt_input_and_recurrent_weight(self, cell, rng):
        def fun(x, W):
            l_in = InputLayer((2, 3, 2))
            if cell == "rnn":
                layer = RecurrentLayer(l_in, 3, W_hid_to_hid=W, b=init.Normal(0.5),
                                       nonlinearity=nonlinearities.tanh)
            elif cell == "lstm":
                layer = LSTMLayer(l_in, 3, ingate=Gate(W_hid=W, b=init.Normal(0.5)))
            else:
                layer = GRULayer(l_in, 3, resetgate=Gate(W_hid=W, W_cell=None))
            return get_output(layer, x)

        helpers.set_seed(7)
        x0 = rng.normal(size=(2, 3, 2))
        W0 = rng.normal(scale=0.5, size=(3, 3))
        pytensor.gradient.verify_grad(fun, [x0, W0], rng=np.random.default_rng(0),
                                      abs_tol=1e-6, rel_tol=1e-6)

    def test_grad_clipping_rescales_the_rnn_gradient_only(self, rng):
        x_var = pt.tensor3("x")
        l_in = InputLayer((1, 1, FEATURES), input_var=x_var)
        plain = RecurrentLayer(l_in, UNITS, nonlinearity=None)
        clipped = RecurrentLayer(l_in, UNITS, nonlinearity=None, grad_clipping=1.0,
                                 W_in_to_hid=plain.W_in_to_hid, b=plain.b,
                                 W_hid_to_hid=plain.W_hid_to_hid)
        outs = [get_output(lay) for lay in (plain, clipped)]
        grads = [pytensor.grad(100 * out.sum(), x_var) for out in outs]
        f = pytensor.function([x_var], outs + grads)
        out_p, out_c, g_p, g_c = f(rng.normal(size=(1, 1, FEATURES)))
        np.testing.assert_allclose(out_c, out_p, atol=ATOL)
        expected = 100 * plain.W_in_to_hid.get_value().sum(axis=1)
        np.testing.assert_allclose(g_p[0, 0], expected, atol=1e-6)
        np.testing.assert_allclose(g_c, g_p / 100, atol=1e-6)

    @pytest.mark.parametrize("cell", ["lstm", pytest.param("gru", marks=pytest.mark.slow)])
    def test_grad_clipping_bounds_the_gate_gradients(self, cell, rng):
        clip = 1e-4
        l_in = InputLayer((1, 1, FEATURES))
        layer = CELLS[cell](l_in, grad_clipping=clip)
        _randomize(layer, rng)
        biases = ["b_ingate", "b_cell", "b_outgate"] if cell == "lstm" else [
            "b_updategate", "b_hidden_update"]
        params = [getattr(layer, name) for name in biases]
        grads = pytensor.grad(get_output(layer).sum(), params)
        values = pytensor.function([l_in.input_var], grads)(rng.normal(size=(1, 1, 3)))
        for name, g in zip(biases, values):
            np.testing.assert_allclose(np.abs(g), clip, rtol=1e-12, err_msg=name)

    @pytest.mark.parametrize(
        "cell", ["rnn", pytest.param("lstm", marks=pytest.mark.slow),
                 pytest.param("gru", marks=pytest.mark.slow)])
    def test_gradient_steps_truncate_backpropagation(self, cell, rng):
        """The last output's gradient reaches only the last `gradient_steps` inputs."""
        x_var = pt.tensor3("x")
        l_in = InputLayer((None, 6, FEATURES), input_var=x_var)
        steps = [1, 3, -1]
        layers = [CELLS[cell](l_in, gradient_steps=k) for k in steps]
        for layer in layers:
            _randomize(layer, rng)
        grads = [pytensor.grad(get_output(layer)[:, -1].sum(), x_var) for layer in layers]
        f = pytensor.function([x_var], grads)
        for k, g in zip(steps, f(rng.normal(size=(BATCH, 6, FEATURES)))):
            reached = np.abs(g).sum(axis=(0, 2)) > 0
            first = 0 if k == -1 else 6 - k
            np.testing.assert_array_equal(reached, np.arange(6) >= first)

    def test_learn_init_adds_trainable_initial_states(self, rng):
        l_in = InputLayer((BATCH, 3, FEATURES))
        fixed = LSTMLayer(l_in, UNITS)
        learned = LSTMLayer(l_in, UNITS, learn_init=True)
        names = {p.name for p in learned.get_params(trainable=True)}
        assert {"hid_init", "cell_init"} <= names
        assert not {"hid_init", "cell_init"} & {
            p.name for p in fixed.get_params(trainable=True)}
        assert not {"hid_init", "cell_init"} & {
            p.name for p in learned.get_params(regularizable=True)}
        rnn = RecurrentLayer(l_in, UNITS, learn_init=True, nonlinearity=None)
        assert rnn.hid_init in get_all_params(rnn, trainable=True)
        g = pytensor.grad(get_output(rnn).sum(), rnn.hid_init)
        f = pytensor.function([l_in.input_var], g)
        assert np.abs(f(rng.normal(size=(BATCH, 3, FEATURES)))).min() > 0


class TestConstruction:
    @pytest.mark.parametrize(
        "cell, peepholes, trainable",
        [("lstm", True, 42_432), ("lstm", False, 42_240), ("gru", None, 31_680),
         ("rnn", None, 10_560)],
    )
    def test_parameter_counts(self, cell, peepholes, trainable):
        l_in = InputLayer((None, None, 100))
        kwargs = {} if peepholes is None else {"peepholes": peepholes}
        layer = {"lstm": LSTMLayer, "gru": GRULayer, "rnn": RecurrentLayer}[cell](
            l_in, 64, **kwargs)
        assert count_params(layer, trainable=True) == trainable
        n_init = 128 if cell == "lstm" else 64
        assert count_params(layer) == trainable + n_init

    def test_parameter_names_and_tags(self):
        layer = LSTMLayer((None, None, 3), 2, name="lstm")
        names = {p.name for p in layer.get_params()}
        assert "lstm.W_in_to_forgetgate" in names and "lstm.W_cell_to_outgate" in names
        assert {p.name for p in layer.get_params(regularizable=False)} == {
            f"lstm.{n}" for n in ("b_ingate", "b_forgetgate", "b_cell", "b_outgate",
                                  "hid_init", "cell_init")}

    def test_parameters_come_in_lasagnes_order(self):
        """The order saved parameter lists (get_all_param_values) rely on."""
        gates = ("ingate", "forgetgate", "cell", "outgate")
        expected = [f"{kind}_{g}" for g in gates for kind in ("W_in_to", "W_hid_to", "b")]
        expected += ["W_cell_to_ingate", "W_cell_to_forgetgate", "W_cell_to_outgate",
                     "cell_init", "hid_init"]
        assert [p.name for p in LSTMLayer((None, None, 3), 2).get_params()] == expected
        assert [p.name for p in GRULayer((None, None, 3), 2).get_params()][-4:] == [
            "W_in_to_hidden_update", "W_hid_to_hidden_update", "b_hidden_update",
            "hid_init"]

    def test_recurrent_layer_names_its_dense_layers(self):
        layer = RecurrentLayer((None, None, 3), 2, name="rnn")
        assert isinstance(layer, CustomRecurrentLayer)
        assert layer.input_to_hidden.name == "rnn.input_to_hidden"
        assert layer.W_hid_to_hid in layer.get_params()

    def test_custom_recurrent_layer_checks_inner_shapes(self):
        in_to_hid = DenseLayer(InputLayer((None, 3)), 4)
        hid_to_hid = DenseLayer(InputLayer((None, 5)), 5)
        with pytest.raises(ValueError, match="input_to_hidden and hidden_to_hidden"):
            CustomRecurrentLayer((None, None, 3), in_to_hid, hid_to_hid)

    def test_unroll_scan_needs_a_fixed_length(self):
        with pytest.raises(ValueError, match="cannot be specified as None"):
            LSTMLayer((None, None, 3), 2, unroll_scan=True)
        with pytest.raises(ValueError, match="Gradient steps must be -1"):
            GRULayer((None, 4, 3), 2, unroll_scan=True, gradient_steps=2)

    def test_float64_weight_arrays_become_floatX(self):
        pytensor.config.floatX = "float32"  # the conftest restores it
        W = np.linspace(-1, 1, FEATURES * UNITS).reshape(FEATURES, UNITS)
        l_in = InputLayer((None, 5, FEATURES))
        layer = RecurrentLayer(l_in, UNITS, W_in_to_hid=W)
        lstm = LSTMLayer(l_in, UNITS, ingate=Gate(W_in=W))
        for param in (layer.W_in_to_hid, lstm.W_in_to_ingate):
            assert param.dtype == "float32"
            np.testing.assert_allclose(param.get_value(), W, rtol=1e-6)
        assert get_output(layer).dtype == get_output(lstm).dtype == "float32"

    def test_peepholes_need_cell_weights(self):
        with pytest.raises(ValueError, match="peepholes"):
            LSTMLayer((None, None, 3), 2, ingate=Gate(W_cell=None))
        LSTMLayer((None, None, 3), 2, ingate=Gate(W_cell=None), peepholes=False)


@pytest.mark.jax
def test_jax_trains_with_a_declared_length_and_any_batch(rng):
    """Under JAX the scan gradient needs a static length; the batch may vary.

    The input variable itself has no static shape: the layer pins the length the
    InputLayer declares.  The gradient is checked against central differences.
    """
    pytest.importorskip("jax")
    x_var = pt.tensor3("x")
    l_in = InputLayer((None, 5, FEATURES), input_var=x_var)
    layer = LSTMLayer(l_in, UNITS, only_return_final=True, grad_clipping=5)
    _randomize(layer, rng)
    loss = (get_output(layer) ** 2).sum()
    params = get_all_params(layer, trainable=True)
    f = pytensor.function([x_var], [loss, *pytensor.grad(loss, [x_var, *params])],
                          mode="JAX")
    for batch in (BATCH, 7):
        x, direction = rng.normal(size=(2, batch, 5, FEATURES))
        _, g_x, *g_params = (np.asarray(v) for v in f(x))
        eps = 1e-6
        slope = (f(x + eps * direction)[0] - f(x - eps * direction)[0]) / (2 * eps)
        np.testing.assert_allclose(slope, (g_x * direction).sum(), rtol=1e-6)
        assert [g.shape for g in g_params] == [p.get_value().shape for p in params]


def _symbolic_splits(fgraph):
    """Split nodes (also inside scans) whose split sizes are not constants."""
    found = []
    for node in fgraph.apply_nodes:
        inner = getattr(node.op, "fgraph", None)
        if inner is not None:
            found += _symbolic_splits(inner)
        if type(node.op).__name__ == "Split" and not isinstance(
                node.inputs[-1], pytensor.graph.basic.Constant):  # (x, sizes)
            found.append(node)
    return found


@pytest.mark.parametrize("cell", ["lstm", pytest.param("gru", marks=pytest.mark.slow),
                                  pytest.param("rnn", marks=pytest.mark.slow)])
def test_float32_sequence_model_trains_with_adam(cell, rng, backend):
    """The usual character-model set-up trains in float32 on both backends.

    ``InputLayer((None, time, vocab))`` -> recurrent layer (64 units, gradient
    clipping) -> ``ReshapeLayer((-1, 64))`` -> softmax `DenseLayer`, categorical
    cross-entropy on int targets, `adam`.  JAX needs the sequence length fixed in
    the InputLayer; the batch may stay ``None``.  This failed under JAX in float32
    (a float32 sum inside the scan gradient came back float64: "carry input and
    carry output must have equal types").  Checks: the first loss matches NumPy,
    adam's first step (``lr * g / (|g| + eps)``) moves no weight by more than the
    learning rate and some entry of every parameter by about that much (so every
    gradient reached its parameter), all parameters stay float32, the second loss
    is lower, and under JAX no split of the stacked gate weights has symbolic
    sizes.
    """
    pytensor.config.floatX = "float32"  # the conftest restores it
    seq_len, vocab, units, lr = 6, 5, 64, 1e-3
    l_in = InputLayer((None, seq_len, vocab))
    layer_class = {"lstm": LSTMLayer, "gru": GRULayer, "rnn": RecurrentLayer}[cell]
    options = {"nonlinearity": nonlinearities.tanh} if cell == "rnn" else {}
    recurrent = layer_class(l_in, units, grad_clipping=100, **options)
    l_out = DenseLayer(ReshapeLayer(recurrent, (-1, units)), vocab,
                       nonlinearity=nonlinearities.softmax)
    targets = pt.ivector("targets")
    loss = objectives.categorical_crossentropy(get_output(l_out), targets).mean()
    params = get_all_params(l_out, trainable=True)
    train = pytensor.function([l_in.input_var, targets], loss,
                              updates=updates.adam(loss, params, learning_rate=lr))
    if backend == "jax":
        assert not _symbolic_splits(train.maker.fgraph)

    tokens = rng.permutation(np.arange(4 * seq_len) % vocab).reshape(4, seq_len)
    x = np.eye(vocab, dtype="float32")[tokens]  # every symbol occurs
    y = rng.integers(0, vocab, size=4 * seq_len).astype("int32")
    before = [p.get_value() for p in params]
    hid = _reference(cell, recurrent, x.astype("float64")).reshape(-1, units)
    probs = softmax_rows(hid @ l_out.W.get_value() + l_out.b.get_value())
    expected = categorical_crossentropy(probs, y).mean()

    first = train(x, y)
    np.testing.assert_allclose(first, expected, rtol=1e-5)
    for param, old in zip(params, before):
        new = param.get_value()
        assert new.dtype == "float32", param.name
        step = np.abs(new - old)
        assert step.max() <= lr * 1.001, param.name
        np.testing.assert_allclose(step.max(), lr, rtol=0.05, err_msg=param.name)
    second = train(x, y)
    assert np.asarray(second).dtype == "float32"
    assert second < first
