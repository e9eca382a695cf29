"""Tests for helpers.text: word embeddings (chapter 3) and language-model data (chapter 4)."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from helpers import text


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def _cbow_pairs_loop(ids, pad_idx, c):
    """Plain-loop reference of make_cbow_dataset."""
    contexts, targets = [], []
    for i, t in enumerate(ids):
        window = list(ids[max(0, i - c):i]) + list(ids[i + 1:i + c + 1])
        window = [w for w in window if w != t]
        if window:
            contexts.append(window + [pad_idx] * (2 * c - len(window)))
            targets.append(t)
    return np.array(contexts, dtype=np.int32).reshape(-1, 2 * c), np.array(targets)


def test_build_vocab_reserves_unk_and_pad_and_counts_unk_occurrences():
    words = ["the", "cat", "sat", "on", "the", "mat", "the", "cat"]
    word2idx, idx2word, unk_count = text.build_vocab(words, min_count=2)
    assert idx2word == {0: "<UNK>", 1: "<PAD>", 2: "the", 3: "cat"}
    assert word2idx["sat"] == word2idx["mat"] == word2idx["<UNK>"] == 0
    assert word2idx["<PAD>"] == 1 and word2idx["cat"] == 3
    assert unk_count == 3  # sat, on, mat: occurrences, not types


def test_build_vocab_breaks_ties_by_first_appearance():
    _, idx2word, unk_count = text.build_vocab(list("bacabcd"), min_count=1)
    assert [idx2word[i] for i in range(2, 6)] == ["b", "a", "c", "d"]
    assert unk_count == 0


def test_encode_words_maps_unknown_words_to_unk():
    word2idx, _, _ = text.build_vocab(["a", "a", "b"], min_count=2)
    ids = text.encode_words(["a", "b", "zebra"], word2idx)
    assert ids.dtype == np.int32
    np.testing.assert_array_equal(ids, [2, 0, 0])


def test_make_cbow_dataset_matches_the_worked_examples():
    contexts, targets = text.make_cbow_dataset(np.array([2, 3, 4, 5, 6]), 1, 2)
    assert contexts.shape == (5, 4) and targets.shape == (5,)
    assert contexts.dtype == targets.dtype == np.int32
    np.testing.assert_array_equal(contexts[0], [3, 4, 1, 1])
    np.testing.assert_array_equal(contexts[2], [2, 3, 5, 6])
    contexts, targets = text.make_cbow_dataset([2, 2, 3], 1, 1)
    np.testing.assert_array_equal(targets, [2, 3])
    np.testing.assert_array_equal(contexts, [[3, 1], [2, 1]])


@pytest.mark.parametrize("c", [1, 2, 3])
def test_make_cbow_dataset_matches_loop_reference(c, rng):
    ids = rng.integers(0, 6, size=300)
    contexts, targets = text.make_cbow_dataset(ids, pad_idx=1, c=c)
    ref_contexts, ref_targets = _cbow_pairs_loop(ids, 1, c)
    np.testing.assert_array_equal(contexts, ref_contexts)
    np.testing.assert_array_equal(targets, ref_targets)


def test_subsample_keeps_rare_words_and_thins_frequent_ones():
    counts = np.array([0, 0, 9000, 10])
    ids = np.array([2] * 9000 + [3] * 10)
    kept = text.subsample(ids, counts, t=1e-3, rng=0)
    assert (kept == 3).sum() == 10
    freq = 9000 / 9010
    expected = (np.sqrt(freq / 1e-3) + 1) * 1e-3 / freq
    assert abs((kept == 2).sum() / 9000 - expected) < 0.01
    np.testing.assert_array_equal(kept, text.subsample(ids, counts, t=1e-3, rng=0))


def test_unigram_table_follows_smoothed_counts():
    counts = np.array([16, 0, 1, 81])
    table = text.unigram_table(counts, power=0.75, size=100_000)
    share = np.bincount(table, minlength=4) / table.size
    weights = counts ** 0.75
    np.testing.assert_allclose(share, weights / weights.sum(), atol=1e-4)
    assert share[1] == 0  # <PAD> is never a negative


def _softmax_nll_numpy(W_in, W_out, ctx, tgt):
    h = W_in[ctx].mean(axis=1)
    s = h @ W_out
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(tgt)), tgt].mean()


def test_cbow_softmax_loss_matches_numpy(rng):
    W_in, W_out = rng.normal(size=(7, 3)), rng.normal(size=(3, 7))
    ctx, tgt = rng.integers(0, 7, size=(5, 4)), rng.integers(0, 7, size=5)
    loss = text.cbow_softmax_loss(pt.as_tensor(W_in), pt.as_tensor(W_out),
                                  pt.as_tensor(ctx), pt.as_tensor(tgt)).eval()
    np.testing.assert_allclose(loss, _softmax_nll_numpy(W_in, W_out, ctx, tgt),
                               atol=1e-8)


def test_cbow_negative_loss_matches_numpy(rng):
    W_in, W_out = rng.normal(size=(7, 3)), rng.normal(size=(3, 7))
    ctx, tgt = rng.integers(0, 7, size=(5, 4)), rng.integers(0, 7, size=5)
    neg = rng.integers(0, 7, size=(5, 2))
    h = W_in[ctx].mean(axis=1)
    pos = (h * W_out[:, tgt].T).sum(1)
    negs = np.einsum("be,bke->bk", h, W_out.T[neg])
    expected = -(np.log(1 / (1 + np.exp(-pos)))
                 + np.log(1 / (1 + np.exp(negs))).sum(1)).mean()
    loss = text.cbow_negative_loss(*(pt.as_tensor(x) for x in (W_in, W_out, ctx, tgt,
                                                                neg))).eval()
    np.testing.assert_allclose(loss, expected, atol=1e-8)


def test_nearest_words_ranks_by_cosine_and_excludes_the_query():
    E = np.array([[1, 0], [2, 0.1], [0, 1], [-1, 0], [1, 1]], dtype=float)
    assert text.nearest_words(E, 0, k=4) == [1, 4, 2, 3]


@pytest.mark.slow
@pytest.mark.parametrize("negative", [0, 3], ids=["softmax", "negative"])
def test_train_cbow_lowers_the_loss_and_is_seeded(negative):
    pytensor.config.floatX = "float32"
    rng = np.random.default_rng(0)
    # A corpus with structure: words 2..9 followed by their "partner" + 10.
    first = rng.integers(2, 10, size=3000)
    ids = np.stack([first, first + 8, rng.integers(2, 18, size=3000)], 1).ravel()
    runs = [text.train_cbow(ids, 18, embed_size=8, window=1, batch_size=32,
                            num_epochs=4, learning_rate=1.0, negative=negative,
                            log_every=50, progress=False, seed=3) for _ in range(2)]
    log = runs[0]["loss_log"]
    assert log[-1] < 0.85 * log[0]
    np.testing.assert_array_equal(runs[0]["W_in"], runs[1]["W_in"])
    assert runs[0]["W_in"].shape == (18, 8) and runs[0]["W_out"].shape == (8, 18)


# ------------------------------------------------------- language models (ch 4)

SPEECH = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
          "All:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved?\n")


def test_split_sentences_keeps_speaker_lines_with_their_sentence():
    assert text.split_sentences(SPEECH) == [
        "First Citizen: Before we proceed any further, hear me speak.",
        "All: Speak, speak.",
        "First Citizen: You are all resolved?",
    ]
    assert text.split_sentences("Hi!  How\nare you? ") == ["Hi!", "How are you?"]
    assert text.split_sentences(" \n ") == []


def test_clean_chars_lowercases_collapses_space_and_fixes_the_stray_dollar():
    assert text.clean_chars("Sha$l\n\nWE  go") == "shall we go"


def test_build_char_lm_data_shifts_by_one_with_start_and_end_ids():
    X, y, alphabet = text.build_char_lm_data(["Ab a", "b\n\nA$"])
    assert alphabet == ["^", "$", " ", "a", "b", "l"]
    assert X == [[0, 3, 4, 2, 3], [0, 4, 2, 3, 5]]
    assert y == [[3, 4, 2, 3, 1], [4, 2, 3, 5, 1]]
    for xs, ys in zip(X, y):
        assert xs[1:] == ys[:-1]


def test_build_word_lm_data_puts_specials_first_and_maps_rare_words_to_unknown():
    X, y, index = text.build_word_lm_data(["b a a.", "c b a!", "d"], 2)
    assert index == ["START", "END", "UNKNOWN", "a", "b"]
    assert X == [[0, 4, 3, 3, 2], [0, 2, 4, 3, 2], [0, 2]]
    assert y == [[4, 3, 3, 2, 1], [2, 4, 3, 2, 1], [2, 1]]


def test_make_lm_batches_pads_cuts_masks_and_drops_the_partial_batch():
    X = [[0, 5], [0, 6, 7, 8, 9], [0], [0, 4, 4]]
    y = [[5, 1], [6, 7, 8, 9, 1], [1], [4, 4, 1]]
    Xb, yb, mask = text.make_lm_batches(X, y, batch_size=3, seq_len=3, shuffle=False)
    assert Xb.shape == yb.shape == mask.shape == (1, 3, 3)
    assert Xb.dtype == np.int32 and mask.dtype == np.float32
    np.testing.assert_array_equal(Xb[0], [[0, 5, 1], [0, 6, 7], [0, 1, 1]])
    np.testing.assert_array_equal(yb[0], [[5, 1, 1], [6, 7, 8], [1, 1, 1]])
    np.testing.assert_array_equal(mask[0], [[1, 1, 0], [1, 1, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="do not fill one batch"):
        text.make_lm_batches(X, y, batch_size=5, seq_len=3)


def test_make_lm_batches_shuffle_is_seeded():
    X = [[0, i] for i in range(2, 12)]
    a = text.make_lm_batches(X, X, 2, 2, seed=3)[0]
    b = text.make_lm_batches(X, X, 2, 2, seed=3)[0]
    c = text.make_lm_batches(X, X, 2, 2, seed=4)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_perplexity_of_uniform_sure_and_mixed_predictions():
    assert text.perplexity(np.full((5, 50), 1 / 50), np.arange(5)) == pytest.approx(50.0)
    assert text.perplexity(np.eye(3), [0, 1, 2]) == pytest.approx(1.0)
    probs = np.array([[0.5, 0.5], [0.25, 0.75]])
    assert text.perplexity(probs, [0, 0]) == pytest.approx(np.sqrt(8.0))


@pytest.mark.parametrize("negative", [False, True], ids=["softmax", "negative"])
def test_cbow_losses_run_in_jax_mode(negative, rng):
    pytest.importorskip("jax")
    W_in = pytensor.shared(rng.normal(size=(9, 4)))
    W_out = pytensor.shared(rng.normal(size=(4, 9)))
    ctx, tgt, neg = pt.lmatrix("ctx"), pt.lvector("tgt"), pt.lmatrix("neg")
    if negative:
        loss, inputs = text.cbow_negative_loss(W_in, W_out, ctx, tgt, neg), [ctx, tgt, neg]
    else:
        loss, inputs = text.cbow_softmax_loss(W_in, W_out, ctx, tgt), [ctx, tgt]
    grads = pytensor.grad(loss, [W_in, W_out])
    values = [rng.integers(0, 9, (6, 4)), rng.integers(0, 9, 6), rng.integers(0, 9, (6, 2))]
    values = values[:len(inputs)]
    ref = pytensor.function(inputs, [loss, *grads], mode="FAST_COMPILE")(*values)
    out = pytensor.function(inputs, [loss, *grads], mode="JAX")(*values)
    for r, o in zip(ref, out):
        np.testing.assert_allclose(np.asarray(o), r, atol=1e-8)
