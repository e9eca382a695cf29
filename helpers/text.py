"""Text utilities shared by the word-embedding and recurrent-network chapters.

Public names: `tokenize`, `Vocabulary`; word embeddings (ch 3): `build_vocab`,
`encode_words`, `make_cbow_dataset`, `subsample`, `unigram_table`,
`cbow_softmax_loss`, `cbow_negative_loss`, `train_cbow`, `nearest_words`,
`UNK`, `PAD`; language models (ch 4): `split_sentences`, `clean_chars`,
`build_char_lm_data`, `build_word_lm_data`, `make_lm_batches`, `perplexity`.
"""

import re
from collections import Counter

import numpy as np
import pytensor.tensor as pt

__all__ = [
    "PAD",
    "UNK",
    "Vocabulary",
    "build_char_lm_data",
    "build_vocab",
    "build_word_lm_data",
    "cbow_negative_loss",
    "cbow_softmax_loss",
    "clean_chars",
    "encode_words",
    "make_cbow_dataset",
    "make_lm_batches",
    "nearest_words",
    "perplexity",
    "split_sentences",
    "subsample",
    "tokenize",
    "train_cbow",
    "unigram_table",
]

_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[^\sa-z0-9]")


def tokenize(text, lower=True, punctuation=True):
    """Split text into word tokens (and punctuation marks, unless disabled).

    >>> tokenize("First Citizen: we're done.")
    ['first', 'citizen', ':', "we're", 'done', '.']
    """
    if lower:
        text = text.lower()
    tokens = _WORD.findall(text)
    if not punctuation:
        tokens = [t for t in tokens if t[0].isalnum()]
    return tokens


class Vocabulary:
    """A mapping between tokens and integer ids, built from a corpus.

    Special tokens come first (ids 0, 1, ...), then kept tokens by decreasing
    count (ties broken alphabetically, so the order is reproducible).  Tokens seen
    fewer than `min_count` times, or beyond `max_size`, map to `unk`.

    Parameters
    ----------
    tokens : iterable of str
    min_count : int
        Keep tokens seen at least this many times.
    max_size : int or None
        Keep at most this many non-special tokens.
    specials : sequence of str
        Reserved tokens, e.g. ``("<pad>", "<unk>")``.
    unk : str or None
        The token unknown words map to (must be in `specials`); ``None`` makes
        unknown tokens an error.
    """

    def __init__(self, tokens, min_count=1, max_size=None, specials=("<unk>",),
                 unk="<unk>"):
        if unk is not None and unk not in specials:
            raise ValueError(f"unk={unk!r} must be one of specials={specials!r}.")
        self.counts = Counter(tokens)
        kept = sorted((t for t, c in self.counts.items()
                       if c >= min_count and t not in specials),
                      key=lambda t: (-self.counts[t], t))
        if max_size is not None:
            kept = kept[:max_size]
        self.itos = list(specials) + kept
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.unk = unk

    def __len__(self):
        return len(self.itos)

    def __contains__(self, token):
        return token in self.stoi

    def __repr__(self):
        return f"Vocabulary({len(self)} tokens: {self.itos[:8]}...)"

    def encode(self, tokens, dtype=np.int32):
        """Token list -> (len(tokens),) integer ids."""
        if self.unk is None:
            try:
                return np.array([self.stoi[t] for t in tokens], dtype=dtype)
            except KeyError as err:
                raise KeyError(f"Token {err.args[0]!r} is not in the vocabulary and "
                               "it has no unk token.") from None
        unk_id = self.stoi[self.unk]
        return np.array([self.stoi.get(t, unk_id) for t in tokens], dtype=dtype)

    def decode(self, ids):
        """Integer ids -> token list."""
        return [self.itos[int(i)] for i in ids]


# ------------------------------------------------------------ word embeddings (ch 3)
# Vocabulary with the book's reserved ids (<UNK> = 0, <PAD> = 1), CBOW training
# pairs, word2vec's subsampling and negative-sampling tables, a CBOW trainer and
# the cosine neighbours / analogy helpers used to evaluate embeddings.

UNK, PAD = "<UNK>", "<PAD>"


def build_vocab(words, min_count=1):
    """Word <-> id maps with ``<UNK>`` = 0, ``<PAD>`` = 1, then words by frequency.

    Words seen fewer than `min_count` times map to 0 (``<UNK>``); ties in
    frequency keep the order of first appearance.

    Parameters
    ----------
    words : sequence of str
    min_count : int

    Returns
    -------
    word2idx : dict
        Every word of `words` (rare ones -> 0) plus ``<UNK>`` and ``<PAD>``.
    idx2word : dict
        id -> word for the kept words and the two reserved tokens.
    unk_count : int
        Number of *occurrences* replaced by ``<UNK>`` (not of rare word types).
    """
    counts = Counter(words)
    kept = [w for w, n in sorted(counts.items(), key=lambda kv: -kv[1])
            if n >= min_count and w not in (UNK, PAD)]
    idx2word = {0: UNK, 1: PAD}
    idx2word.update((i, w) for i, w in enumerate(kept, start=2))
    word2idx = {w: 0 for w in counts}
    word2idx.update((w, i) for i, w in idx2word.items())
    unk_count = sum(n for w, n in counts.items() if word2idx[w] == 0 and w != UNK)
    return word2idx, idx2word, unk_count


def encode_words(words, word2idx, unk_idx=0):
    """Word list -> (len(words),) int32 ids; words not in `word2idx` -> `unk_idx`."""
    return np.fromiter((word2idx.get(w, unk_idx) for w in words), dtype=np.int32,
                       count=len(words))


def make_cbow_dataset(ids, pad_idx=1, c=2):
    """CBOW examples: the up-to-2c words around each position, and that word.

    The window is symmetric and truncated at the corpus edges; context words equal
    to the target are removed; contexts are right-padded with `pad_idx` to 2c;
    positions left with an empty context are dropped.

    Parameters
    ----------
    ids : (tokens,) int array
    pad_idx : int
    c : int
        Window half-width.

    Returns
    -------
    contexts : (examples, 2c) int32
    targets : (examples,) int32
    """
    ids = np.asarray(ids, dtype=np.int64)
    n = len(ids)
    padded = np.concatenate([np.full(c, -1), ids, np.full(c, -1)])
    offsets = [o for o in range(-c, c + 1) if o != 0]
    window = np.stack([padded[c + o: c + o + n] for o in offsets], axis=1)  # (n, 2c)
    valid = (window >= 0) & (window != ids[:, None])
    order = np.argsort(~valid, axis=1, kind="stable")
    window = np.take_along_axis(window, order, axis=1)
    valid = np.take_along_axis(valid, order, axis=1)
    contexts = np.where(valid, window, pad_idx).astype(np.int32)
    keep = valid.any(axis=1)
    return contexts[keep], ids[keep].astype(np.int32)


def subsample(ids, counts, t=1e-3, rng=None):
    """Randomly drop frequent words, as word2vec does before building windows.

    A word with corpus frequency ``f = count / total`` is kept with probability
    ``min(1, (sqrt(f / t) + 1) * t / f)``, the rule of the word2vec C code.

    Parameters
    ----------
    ids : (tokens,) int array
    counts : (vocab,) array
        Occurrences of each id in the corpus.
    t : float
        Threshold; words rarer than about ``t`` are always kept.
    rng : numpy.random.Generator or None

    Returns
    -------
    (kept_tokens,) int32 array, in corpus order
    """
    rng = np.random.default_rng(rng)
    counts = np.asarray(counts, dtype=np.float64)
    freq = counts / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep_prob = np.where(freq > 0, (np.sqrt(freq / t) + 1) * t / freq, 1.0)
    ids = np.asarray(ids)
    return ids[rng.random(len(ids)) < np.minimum(keep_prob, 1.0)[ids]].astype(np.int32)


def unigram_table(counts, power=0.75, size=1_000_000):
    """A table of ids, each repeated in proportion to ``count ** power``.

    Drawing uniform positions in it samples negatives from word2vec's smoothed
    unigram distribution; ids with count 0 (``<PAD>``) never appear.

    Returns
    -------
    (size,) int32 array, sorted
    """
    weights = np.asarray(counts, dtype=np.float64) ** power
    cum = np.cumsum(weights / weights.sum())
    positions = (np.arange(size) + 0.5) / size
    return np.searchsorted(cum, positions, side="right").astype(np.int32)


def cbow_softmax_loss(W_in, W_out, context, target):
    """Mean CBOW negative log-likelihood with a full softmax over the vocabulary.

    ``-log softmax(h W_out)[target]``, where h is the mean of the context rows of
    `W_in`.

    Parameters
    ----------
    W_in : (vocab, embed) tensor
    W_out : (embed, vocab) tensor
    context : (batch, 2c) int tensor
    target : (batch,) int tensor

    Returns
    -------
    scalar tensor
    """
    from pytensor.tensor.special import log_softmax

    hidden = W_in[context].mean(axis=1)  # (batch, embed)
    log_probs = log_softmax(hidden @ W_out, axis=-1)  # (batch, vocab)
    rows = pt.arange(np.int64(0), target.shape[0])
    return -log_probs[rows, target].mean()


def cbow_negative_loss(W_in, W_out, context, target, negatives):
    """CBOW loss with negative sampling: ``-log s(h.w_t) - sum_k log s(-h.w_k)``.

    Parameters
    ----------
    W_in : (vocab, embed) tensor
    W_out : (embed, vocab) tensor
    context : (batch, 2c) int tensor
    target : (batch,) int tensor
    negatives : (batch, k) int tensor
        Ids drawn from the noise distribution (see `unigram_table`).

    Returns
    -------
    scalar tensor
    """
    hidden = W_in[context].mean(axis=1)  # (batch, embed)
    out_rows = W_out.T
    positive = (hidden * out_rows[target]).sum(axis=-1)  # (batch,)
    negative = (hidden[:, None, :] * out_rows[negatives]).sum(axis=-1)  # (batch, k)
    return (pt.softplus(-positive) + pt.softplus(negative).sum(axis=-1)).mean()


def train_cbow(ids, vocab_size, embed_size=32, window=2, batch_size=128, num_epochs=1,
               learning_rate=1.0, negative=5, subsample_t=None, seed=0,
               time_limit=None, log_every=200, progress=True):
    """Train CBOW word vectors with minibatch SGD; the loop notebook 02 builds.

    Parameters
    ----------
    ids : (tokens,) int array
        The encoded corpus (``<UNK>`` = 0, ``<PAD>`` = 1).
    vocab_size, embed_size, window, batch_size, num_epochs : int
    learning_rate : float
    negative : int
        Negatives per example; 0 trains the full softmax of the book.
    subsample_t : float or None
        Frequent-word subsampling threshold (redrawn every epoch); None: off.
    seed : int
    time_limit : float or None
        Stop after this many seconds (the epochs run are reported).
    log_every : int
        Steps per entry of the running-average loss log.
    progress : bool
        Show a tqdm bar per epoch.

    Returns
    -------
    dict
        ``W_in`` (vocab, embed) and ``W_out`` (embed, vocab) arrays, ``loss_log``
        (mean loss of each `log_every` steps), ``steps``, ``epochs`` (fractional
        when stopped by `time_limit`), ``seconds``.
    """
    import time

    import pytensor
    from tqdm.auto import tqdm

    from helpers.rng import RandomStreams

    floatX = pytensor.config.floatX
    rng = np.random.default_rng(seed)
    W_in = pytensor.shared(rng.uniform(-1, 1, (vocab_size, embed_size)).astype(floatX),
                           name="W_in")
    W_out = pytensor.shared(
        rng.normal(0, 1 / np.sqrt(embed_size), (embed_size, vocab_size)).astype(floatX),
        name="W_out")
    counts = np.bincount(ids, minlength=vocab_size)
    contexts_sh = pytensor.shared(np.zeros((batch_size, 2 * window), np.int32))
    targets_sh = pytensor.shared(np.zeros(batch_size, np.int32))
    index = pt.lscalar("index")
    rows = index * batch_size + pt.arange(np.int64(0), np.int64(batch_size))
    context, target = contexts_sh[rows], targets_sh[rows]
    if negative:
        table = pytensor.shared(unigram_table(counts), name="noise_table")
        srng = RandomStreams(seed)
        draws = srng.uniform((batch_size, negative)) * table.get_value().shape[0]
        loss = cbow_negative_loss(W_in, W_out, context, target,
                                  table[pt.cast(pt.floor(draws), "int64")])
    else:
        loss = cbow_softmax_loss(W_in, W_out, context, target)
    grads = pytensor.grad(loss, [W_in, W_out])
    lr = np.asarray(learning_rate, dtype=floatX)
    train_fn = pytensor.function(
        [index], loss,
        updates=[(p, p - lr * g) for p, g in zip([W_in, W_out], grads)])

    loss_log, window_losses, steps, start = [], [], 0, time.perf_counter()
    epochs_done, stopped = 0.0, False
    for epoch in range(num_epochs):
        stream = (ids if subsample_t is None
                  else subsample(ids, counts, subsample_t, rng))
        contexts, targets = make_cbow_dataset(stream, pad_idx=1, c=window)
        order = rng.permutation(len(targets))
        n_batches = len(targets) // batch_size
        contexts_sh.set_value(contexts[order])
        targets_sh.set_value(targets[order])
        bar = tqdm(range(n_batches), desc=f"epoch {epoch + 1}", disable=not progress)
        for i in bar:
            window_losses.append(float(train_fn(i)))
            steps += 1
            if len(window_losses) == log_every:
                loss_log.append(float(np.mean(window_losses)))
                window_losses = []
                bar.set_postfix(loss=f"{loss_log[-1]:.3f}")
            if time_limit is not None and time.perf_counter() - start > time_limit:
                epochs_done += (i + 1) / n_batches
                stopped = True
                break
        bar.close()
        if stopped:
            break
        epochs_done += 1
    return {"W_in": np.asarray(W_in.get_value()), "W_out": np.asarray(W_out.get_value()),
            "loss_log": loss_log, "steps": steps, "epochs": epochs_done,
            "seconds": time.perf_counter() - start}


def _unit_rows(E, eps=1e-8):
    """(vocab, embed) array -> rows scaled to unit length (zero rows stay zero)."""
    E = np.asarray(E, dtype=np.float64)
    return E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), eps)


def nearest_words(E, idx, k=5):
    """The `k` ids whose rows of `E` have the highest cosine with row `idx`.

    Parameters
    ----------
    E : (vocab, embed) array
    idx : int
    k : int

    Returns
    -------
    list of int
        Best first; `idx` itself is excluded.
    """
    E_norm = _unit_rows(E)
    sims = E_norm @ E_norm[idx]
    sims[idx] = -np.inf
    return [int(i) for i in np.argsort(-sims, kind="stable")[:k]]


# ------------------------------------------------------- language models (ch 4)

LM_START, LM_END, LM_UNKNOWN = "START", "END", "UNKNOWN"
CHAR_START, CHAR_END = "^", "$"

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def split_sentences(text):
    """Split running text into sentences at '.', '?' or '!' followed by white space.

    Line breaks and runs of spaces become single spaces first, so a speaker line
    such as ``"All:"`` stays attached to the sentence that follows it.

    >>> split_sentences("All:\\nSpeak, speak.\\n\\nFirst Citizen:\\nYou are all resolved?")
    ['All: Speak, speak.', 'First Citizen: You are all resolved?']
    """
    text = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(text) if s]


def clean_chars(text):
    """Lowercase, one space for any white space, and the corpus's stray '$' -> 'l'.

    tinyshakespeare holds a single '$' (a typo in "sha$l"); left alone it would
    collide with the END symbol '$' of the character models.
    """
    return " ".join(text.lower().split()).replace(CHAR_END, "l")


def build_char_lm_data(sentences):
    """Character language-model pairs: X = [START] + chars, y = chars + [END].

    Parameters
    ----------
    sentences : list of str

    Returns
    -------
    X, y : list of lists of int
        One pair per sentence, both of length ``len(sentence) + 1``; ``y[i]`` is
        ``X[i]`` shifted left by one, so ``X[i][1:] == y[i][:-1]``.
    alphabet : list of str
        ``["^", "$"] + sorted(characters)``: id 0 is START, id 1 is END.
    """
    cleaned = [clean_chars(s) for s in sentences]
    alphabet = [CHAR_START, CHAR_END] + sorted(set("".join(cleaned)))
    char_to_id = {c: i for i, c in enumerate(alphabet)}
    X, y = [], []
    for s in cleaned:
        ids = [char_to_id[c] for c in s]
        X.append([0] + ids)
        y.append(ids + [1])
    return X, y, alphabet


def build_word_lm_data(sentences, vocab_size):
    """Word language-model pairs over the `vocab_size` most frequent tokens.

    Parameters
    ----------
    sentences : list of str
        Tokenized with `tokenize` (lowercase, punctuation kept as tokens).
    vocab_size : int
        Number of words kept (ties by alphabetical order); the rest map to UNKNOWN.

    Returns
    -------
    X, y : list of lists of int
        ``X[i] = [0] + ids``, ``y[i] = ids + [1]``.
    index : list of str
        ``["START", "END", "UNKNOWN"] + words``: ``vocab_size + 3`` entries.
    """
    tokenized = [tokenize(s) for s in sentences]
    vocab = Vocabulary((t for s in tokenized for t in s), max_size=vocab_size,
                       specials=(LM_START, LM_END, LM_UNKNOWN), unk=LM_UNKNOWN)
    X, y = [], []
    for s in tokenized:
        ids = vocab.encode(s).tolist()
        X.append([0] + ids)
        y.append(ids + [1])
    return X, y, vocab.itos


def make_lm_batches(X, y, batch_size, seq_len, shuffle=True, seed=0, pad_id=1):
    """Pack variable-length (X, y) pairs into fixed-shape batches with a mask.

    Sequences longer than `seq_len` are cut after `seq_len` symbols; shorter
    ones are padded with `pad_id` and masked out.  Sentences that do not fill
    a last batch are dropped, so every batch has the same static shape (what
    a scan compiled for JAX needs).

    Parameters
    ----------
    X, y : list of lists of int
    batch_size, seq_len : int
    shuffle : bool
        Put the sentences in a random order drawn from ``default_rng(seed)``.

    Returns
    -------
    X_batches, y_batches : (batches, batch, time) int32 arrays
    mask : (batches, batch, time) float32 array
        1 where a target symbol is real, 0 on padding.
    """
    order = np.arange(len(X))
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(X))
    num_batches = len(X) // batch_size
    if num_batches == 0:
        raise ValueError(f"{len(X)} sentences do not fill one batch of {batch_size}.")
    shape = (num_batches * batch_size, seq_len)
    X_out = np.full(shape, pad_id, dtype=np.int32)
    y_out = np.full(shape, pad_id, dtype=np.int32)
    mask = np.zeros(shape, dtype=np.float32)
    for row, i in enumerate(order[: shape[0]]):
        n = min(seq_len, len(X[i]))
        X_out[row, :n], y_out[row, :n], mask[row, :n] = X[i][:n], y[i][:n], 1
    split = (num_batches, batch_size, seq_len)
    return X_out.reshape(split), y_out.reshape(split), mask.reshape(split)


def perplexity(probs, targets):
    """exp of the mean cross-entropy of the targets' probabilities.

    Parameters
    ----------
    probs : (examples, vocab) array
        Predicted distributions, one row per position.
    targets : (examples,) int array

    Returns
    -------
    float
        1.0 for certain correct predictions; V for a uniform guess over V symbols.
    """
    probs = np.asarray(probs, dtype=np.float64)
    picked = probs[np.arange(len(targets)), np.asarray(targets)]
    return float(np.exp(-np.mean(np.log(picked))))
