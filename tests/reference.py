"""Plain NumPy reference implementations the tests compare PyTensor graphs against.

Written for clarity, not speed: loops where a loop says what is meant.
Sections: nonlinearities, dense layers, objectives, update rules (one step each),
recurrent steps, convolution/pooling/normalization/spatial transformer.
"""

import numpy as np

# --- nonlinearities -----------------------------------------------------------


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax_rows(x):
    """Softmax over the last axis."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def rectify(x):
    return np.where(x > 0, x, 0.0)


def leaky_rectify(x, leakiness):
    return np.where(x > 0, x, leakiness * x)


def elu(x):
    return np.where(x > 0, x, np.exp(x) - 1)


def selu(x, scale=1.0507009873554804934193349852946,
         scale_neg=1.6732632423543772848170429916717):
    return scale * np.where(x > 0, x, scale_neg * (np.exp(x) - 1))


def softplus(x):
    return np.log1p(np.exp(x))


# --- dense layers -------------------------------------------------------------


def dense(x, W, b, nonlinearity=lambda a: a, num_leading_axes=1):
    """Flatten the trailing axes, then ``nonlinearity(x @ W + b)`` row by row."""
    lead = x.shape[:num_leading_axes]
    flat = x.reshape(lead + (-1,))
    out = np.zeros(lead + (W.shape[1],))
    for idx in np.ndindex(*lead):
        for j in range(W.shape[1]):
            out[idx + (j,)] = sum(flat[idx + (i,)] * W[i, j] for i in range(W.shape[0]))
            if b is not None:
                out[idx + (j,)] += b[j]
    return nonlinearity(out)


def nin(x, W, b):
    """Network-in-network: a dense map over channels at every position."""
    out = np.zeros((x.shape[0], W.shape[1]) + x.shape[2:])
    for n in range(x.shape[0]):
        for pos in np.ndindex(*x.shape[2:]):
            vec = x[(n, slice(None)) + pos]
            out[(n, slice(None)) + pos] = vec @ W + (b if b is not None else 0)
    return out


# --- objectives ---------------------------------------------------------------


def categorical_crossentropy(p, t):
    """-log p[i, t_i] for int targets, -sum t log p for one-hot targets."""
    if t.ndim == 1:
        return np.array([-np.log(p[i, t[i]]) for i in range(len(t))])
    return -(t * np.log(p)).sum(axis=1)


def binary_crossentropy(p, t):
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def multiclass_hinge(s, t, delta=1.0):
    out = []
    for i, row in enumerate(s):
        others = np.delete(row, t[i])
        out.append(max(0.0, others.max() - row[t[i]] + delta))
    return np.array(out)


def top_k_hit(p, t, k):
    return np.array([t[i] in np.argsort(p[i])[-k:] for i in range(len(t))])


# --- update rules: one step, state passed in and returned ---------------------


def sgd_step(w, g, state, lr):
    return w - lr * g, state


def momentum_step(w, g, state, lr, mu=0.9):
    v = state.get("v", np.zeros_like(w))
    v = mu * v - lr * g
    return w + v, {"v": v}


def nesterov_step(w, g, state, lr, mu=0.9):
    v = state.get("v", np.zeros_like(w))
    v = mu * v - lr * g
    return w + mu * v - lr * g, {"v": v}


def adagrad_step(w, g, state, lr=1.0, eps=1e-6):
    a = state.get("a", np.zeros_like(w)) + g**2
    return w - lr * g / np.sqrt(a + eps), {"a": a}


def rmsprop_step(w, g, state, lr=1.0, rho=0.9, eps=1e-6):
    a = rho * state.get("a", np.zeros_like(w)) + (1 - rho) * g**2
    return w - lr * g / np.sqrt(a + eps), {"a": a}


def adadelta_step(w, g, state, lr=1.0, rho=0.95, eps=1e-6):
    a = rho * state.get("a", np.zeros_like(w)) + (1 - rho) * g**2
    d = state.get("d", np.zeros_like(w))
    step = g * np.sqrt(d + eps) / np.sqrt(a + eps)
    d = rho * d + (1 - rho) * step**2
    return w - lr * step, {"a": a, "d": d}


def adam_step(w, g, state, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = b1 * state.get("m", np.zeros_like(w)) + (1 - b1) * g
    v = b2 * state.get("v", np.zeros_like(w)) + (1 - b2) * g**2
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    # Lasagne folds the bias corrections into the step size, so epsilon is
    # scaled by sqrt(1 - b2**t) compared with the paper's formula.
    step = lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))
    return w - step, {"t": t, "m": m, "v": v}


def adamax_step(w, g, state, lr=0.002, b1=0.9, b2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = b1 * state.get("m", np.zeros_like(w)) + (1 - b1) * g
    u = np.maximum(b2 * state.get("u", np.zeros_like(w)), np.abs(g))
    return w - lr / (1 - b1**t) * m / (u + eps), {"t": t, "m": m, "u": u}


def amsgrad_step(w, g, state, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = b1 * state.get("m", np.zeros_like(w)) + (1 - b1) * g
    v = b2 * state.get("v", np.zeros_like(w)) + (1 - b2) * g**2
    v_hat = np.maximum(state.get("v_hat", np.zeros_like(w)), v)
    a_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    return w - a_t * m / (np.sqrt(v_hat) + eps), {"t": t, "m": m, "v": v, "v_hat": v_hat}


# --- recurrent layers: one step of each cell, and the loop over time ------------
# Parameter dicts use the layers' attribute names (``W_in_to_ingate``, ...).


def rnn_step(x_t, h_prev, W_in_to_hid, W_hid_to_hid, b, nonlinearity=np.tanh):
    """Simple RNN: ``h_t = f(x_t W_in_to_hid + h_{t-1} W_hid_to_hid + b)``.

    x_t : (batch, features); h_prev : (batch, units) -> (batch, units)
    """
    return nonlinearity(x_t @ W_in_to_hid + h_prev @ W_hid_to_hid + b)


def lstm_step(x_t, c_prev, h_prev, params, peepholes=True):
    """LSTM step, Lasagne's equations (diagonal peepholes; the output gate reads c_t).

    x_t : (batch, features); c_prev, h_prev : (batch, units)
    -> (c_t, h_t), each (batch, units)
    """
    def pre(gate):
        return (x_t @ params[f"W_in_to_{gate}"] + h_prev @ params[f"W_hid_to_{gate}"]
                + params[f"b_{gate}"])

    i, f, g, o = pre("ingate"), pre("forgetgate"), pre("cell"), pre("outgate")
    if peepholes:
        i = i + c_prev * params["W_cell_to_ingate"]
        f = f + c_prev * params["W_cell_to_forgetgate"]
    c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
    if peepholes:
        o = o + c * params["W_cell_to_outgate"]
    return c, sigmoid(o) * np.tanh(c)


def gru_step(x_t, h_prev, params):
    """GRU step in Lasagne's form: the reset gate scales the product ``h_{t-1} W_hc``.

    x_t : (batch, features); h_prev : (batch, units) -> h_t : (batch, units)
    """
    def pre(gate):
        return (x_t @ params[f"W_in_to_{gate}"] + h_prev @ params[f"W_hid_to_{gate}"]
                + params[f"b_{gate}"])

    r, u = sigmoid(pre("resetgate")), sigmoid(pre("updategate"))
    c = np.tanh(x_t @ params["W_in_to_hidden_update"] + params["b_hidden_update"]
                + r * (h_prev @ params["W_hid_to_hidden_update"]))
    return (1 - u) * h_prev + u * c


def recurrent_loop(step, x, states, mask=None, backwards=False):
    """Run ``states = step(x_t, *states)`` over time; record the last state.

    Parameters
    ----------
    step : callable
        ``step(x_t, *states)`` returns the new state or a tuple of states (the
        hidden state last).
    x : (batch, time, features) array
    states : tuple of (batch, units) arrays
    mask : (batch, time) array or None
        Where 0, the states are carried over unchanged.
    backwards : bool
        Visit the steps last to first; the output stays in input order.

    Returns
    -------
    (batch, time, units) array
    """
    states = tuple(states)
    out = np.zeros((x.shape[0], x.shape[1]) + states[-1].shape[1:])
    steps = range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])
    for t in steps:
        new = step(x[:, t], *states)
        new = new if isinstance(new, tuple) else (new,)
        if mask is not None:
            keep = mask[:, t, None] != 0
            new = tuple(np.where(keep, n, s) for n, s in zip(new, states))
        states = new
        out[:, t] = states[-1]
    return out


# --- convolution, pooling, normalization, spatial transformer -----------------


def conv2d_loop(x, W, stride=(1, 1), pad=(0, 0), flip=True, dilation=(1, 1)):
    """Direct 2-D convolution: (batch, c, rows, cols) x (out, c, kr, kc) -> (batch, out, r', c').

    `pad` is a pair of ints; ``flip=True`` is a true convolution (Theano's default).
    """
    if flip:
        W = W[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    kr, kc = W.shape[2:]
    ext_r, ext_c = (kr - 1) * dilation[0] + 1, (kc - 1) * dilation[1] + 1
    out_r = (xp.shape[2] - ext_r) // stride[0] + 1
    out_c = (xp.shape[3] - ext_c) // stride[1] + 1
    out = np.zeros((x.shape[0], W.shape[0], out_r, out_c))
    for i in range(out_r):
        for j in range(out_c):
            r, c = i * stride[0], j * stride[1]
            window = xp[:, :, r:r + ext_r:dilation[0], c:c + ext_c:dilation[1]]
            out[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3]))
    return out


def conv_transpose2d_loop(y, W, out_size, stride=(1, 1), pad=(0, 0), flip=True):
    """Transposed convolution by scattering: each input value adds a copy of its filter.

    y : (batch, out, r, c); W : (out, channels, kr, kc) as in the forward conv;
    returns (batch, channels, *out_size), the adjoint of `conv2d_loop`.
    """
    if flip:
        W = W[:, :, ::-1, ::-1]
    kr, kc = W.shape[2:]
    full = np.zeros((y.shape[0], W.shape[1], out_size[0] + 2 * pad[0] + kr,
                     out_size[1] + 2 * pad[1] + kc))
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            r, c = i * stride[0], j * stride[1]
            full[:, :, r:r + kr, c:c + kc] += np.tensordot(y[:, :, i, j], W, axes=(1, 0))
    return full[:, :, pad[0]:pad[0] + out_size[0], pad[1]:pad[1] + out_size[1]]


def pool2d_loop(x, ws, stride=None, pad=(0, 0), ignore_border=True, mode="max"):
    """Window pooling over the last two axes, one window at a time (Theano's rules).

    Padded cells are zeros; partial windows (``ignore_border=False``) use the cells
    that exist; ``average_exc_pad`` divides by the number of unpadded cells.
    """
    stride = ws if stride is None else stride
    rows, cols = x.shape[-2:]
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(pad[0], pad[0]), (pad[1], pad[1])])
    inside = np.pad(np.ones((rows, cols)), [(pad[0], pad[0]), (pad[1], pad[1])])

    def out_len(n, w, s, p):
        if ignore_border:
            return (n + 2 * p - w) // s + 1
        return (n - 1) // s + 1 if s >= w else max(0, (n - w + s - 1) // s) + 1

    out_r = out_len(rows, ws[0], stride[0], pad[0])
    out_c = out_len(cols, ws[1], stride[1], pad[1])
    out = np.zeros(x.shape[:-2] + (out_r, out_c))
    for i in range(out_r):
        for j in range(out_c):
            r, c = i * stride[0], j * stride[1]
            window = xp[..., r:r + ws[0], c:c + ws[1]]
            if mode == "max":
                out[..., i, j] = window.max(axis=(-2, -1))
            elif mode == "sum":
                out[..., i, j] = window.sum(axis=(-2, -1))
            elif mode == "average_inc_pad":
                out[..., i, j] = window.mean(axis=(-2, -1))
            else:
                count = inside[r:r + ws[0], c:c + ws[1]].sum()
                out[..., i, j] = window.sum(axis=(-2, -1)) / count
    return out


def batch_norm_train(x, gamma, beta, axes, epsilon=1e-4):
    """Batch normalization with batch statistics; returns (y, mean, inv_std)."""
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + epsilon)
    shape = mean.shape
    y = (x - mean) * inv_std * gamma.reshape(shape) + beta.reshape(shape)
    return y, mean.reshape(gamma.shape), inv_std.reshape(gamma.shape)


def local_response_norm(x, alpha=1e-4, k=2.0, beta=0.75, n=5):
    """AlexNet normalization across channels, channel by channel."""
    out = np.empty_like(x, dtype=float)
    half = n // 2
    for ch in range(x.shape[1]):
        lo, hi = max(0, ch - half), min(x.shape[1], ch + half + 1)
        energy = (x[:, lo:hi] ** 2).sum(axis=1)
        out[:, ch] = x[:, ch] / (k + alpha * energy) ** beta
    return out


def affine_transform_bilinear(x, theta, out_size):
    """Spatial transformer, pixel by pixel: sample `x` at ``theta @ (x_t, y_t, 1)``.

    x : (batch, channels, rows, cols); theta : (batch, 6); coordinates in [-1, 1];
    points outside the image read the nearest edge pixel.
    """
    batch, channels, rows, cols = x.shape
    out = np.zeros((batch, channels) + tuple(out_size))
    ys, xs = np.linspace(-1, 1, out_size[0]), np.linspace(-1, 1, out_size[1])
    for b in range(batch):
        A = theta[b].reshape(2, 3)
        for i, y_t in enumerate(ys):
            for j, x_t in enumerate(xs):
                x_s, y_s = A @ np.array([x_t, y_t, 1.0])
                u, v = (x_s + 1) / 2 * (cols - 1), (y_s + 1) / 2 * (rows - 1)
                u0, v0 = np.floor(u), np.floor(v)
                for du in (0, 1):
                    for dv in (0, 1):
                        weight = (1 - abs(u - (u0 + du))) * (1 - abs(v - (v0 + dv)))
                        cu = int(np.clip(u0 + du, 0, cols - 1))
                        cv = int(np.clip(v0 + dv, 0, rows - 1))
                        out[b, :, i, j] += weight * x[b, :, cv, cu]
    return out
