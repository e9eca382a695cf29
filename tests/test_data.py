"""helpers.data: the registry, the cache, checked downloads and clear errors.

Downloads are tested for real, through pooch, against an HTTP server on 127.0.0.1
that serves the course's small real data files.
"""

import dataclasses
import functools
import gzip
import hashlib
import http.server
import os
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from helpers import data

ROOT = Path(__file__).resolve().parents[1]


def _real_data_dir():
    for candidate in (os.environ.get("COURSE_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "mnist").is_dir():
            return Path(candidate)
    try:  # a learner's machine: the small files come from the internet once
        data.fetch("mnist", "test_labels")
        data.fetch("mnist", "test_images")
        data.fetch("tinyshakespeare", "text")
    except data.DataError as err:
        pytest.skip(f"no MNIST files here and no internet: {err}")
    return data.cache_dir()


@pytest.fixture(scope="module")
def real_data_dir():
    return _real_data_dir()


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """No pre-placed data, an empty cache, downloads allowed."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def server(real_data_dir):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(real_data_dir))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _dead_url():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _serve(monkeypatch, real_data_dir, base_urls, key="test_labels"):
    spec = data.REGISTRY["mnist"][key]
    sha = hashlib.sha256((real_data_dir / spec.path).read_bytes()).hexdigest()
    local = dataclasses.replace(spec, urls=tuple(u + spec.path for u in base_urls),
                                sha256=sha)
    monkeypatch.setitem(data.REGISTRY["mnist"], key, local)
    return local


# ------------------------------------------------------------------ real data

@pytest.fixture(scope="module")
def mnist_small(real_data_dir):
    os.environ.setdefault("COURSE_DATA_DIR", str(real_data_dir))
    return data.load_mnist("small")


def test_small_mnist_split_dtypes_and_scaling(mnist_small):
    X_train, y_train, X_valid, y_valid, X_test, y_test = mnist_small
    assert [len(a) for a in mnist_small] == [8000, 8000, 1000, 1000, 1000, 1000]
    assert X_train.shape == (8000, 784) and X_train.dtype == np.float32
    assert y_train.dtype == np.int32
    assert X_train.min() == 0.0 and X_train.max() == np.float32(255 / 256)
    assert list(y_train[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert list(np.bincount(y_train)) == [773, 905, 834, 803, 788, 723, 756, 813, 787, 818]


def test_image_shape_keeps_the_same_pixels(mnist_small, real_data_dir, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(real_data_dir))
    images = data.load_mnist("quick", shape="image")
    assert images[0].shape == (8000, 1, 28, 28)
    np.testing.assert_array_equal(images[0].reshape(8000, 784), mnist_small[0])


def test_tinyshakespeare_is_the_whole_corpus(real_data_dir, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(real_data_dir))
    text = data.load_tinyshakespeare()
    assert len(text) == 1_115_394 and text.startswith("First Citizen:")


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="small"):
        data.load_mnist("medium")
    with pytest.raises(KeyError, match="mnist"):
        data.fetch("mnist", "nope")


# ------------------------------------------------------------------ downloads

def test_download_skips_a_dead_mirror_and_checks_the_hash(isolated, server, real_data_dir,
                                                          monkeypatch):
    spec = _serve(monkeypatch, real_data_dir, [_dead_url(), server])
    path = data.fetch("mnist", "test_labels", progressbar=False)
    assert path == isolated / spec.path
    assert path.read_bytes() == (real_data_dir / spec.path).read_bytes()


def test_a_corrupt_cached_file_is_downloaded_again(isolated, server, real_data_dir,
                                                   monkeypatch):
    spec = _serve(monkeypatch, real_data_dir, [server])
    target = isolated / spec.path
    target.parent.mkdir(parents=True)
    target.write_bytes((real_data_dir / spec.path).read_bytes()[:1000])
    path = data.fetch("mnist", "test_labels", progressbar=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == spec.sha256


def test_a_download_with_the_wrong_hash_is_rejected(isolated, server, real_data_dir,
                                                    monkeypatch):
    spec = _serve(monkeypatch, real_data_dir, [server])
    monkeypatch.setitem(data.REGISTRY["mnist"], "test_labels",
                        dataclasses.replace(spec, sha256="0" * 64, content_md5=None))
    with pytest.raises(data.DataError, match="Could not get t10k-labels"):
        data.fetch("mnist", "test_labels", progressbar=False)
    assert not (isolated / spec.path).exists()


def test_unreachable_mirrors_give_an_error_that_says_how_to_get_the_file(
        isolated, real_data_dir, monkeypatch):
    _serve(monkeypatch, real_data_dir, [_dead_url()])
    with pytest.raises(data.DataError) as err:
        data.fetch("mnist", "test_labels", progressbar=False)
    message = str(err.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and str(isolated) in message
    assert "COURSE_DATA_DIR" in message


# ------------------------------------------------------------------ offline

def test_offline_missing_file_says_where_it_looked(isolated, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataError) as err:
        data.load_mnist("full")
    message = str(err.value)
    assert "images-idx3-ubyte.gz" in message and str(isolated) in message
    assert "storage.googleapis.com" in message and "COURSE_DATA_DIR" in message


def test_offline_corrupt_cache_is_reported_not_used(isolated, real_data_dir, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    spec = data.REGISTRY["mnist"]["test_labels"]
    target = isolated / spec.path
    target.parent.mkdir(parents=True)
    target.write_bytes((real_data_dir / spec.path).read_bytes()[:100])
    with pytest.raises(data.DataError, match="corrupt"):
        data.fetch("mnist", "test_labels")


def test_truncated_preplaced_file_is_not_a_numpy_traceback(isolated, real_data_dir,
                                                          tmp_path, monkeypatch):
    placed = tmp_path / "placed"
    (placed / "mnist").mkdir(parents=True)
    for key in ("test_images", "test_labels"):
        name = data.REGISTRY["mnist"][key].path
        raw = (real_data_dir / name).read_bytes()
        (placed / name).write_bytes(raw[: len(raw) // 2] if key == "test_images" else raw)
    monkeypatch.setenv("COURSE_DATA_DIR", str(placed))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(data.DataError, match="unusable: it is not a complete gzip file"):
        data.load_mnist("small")


def test_idx_reader_rejects_a_truncated_body(tmp_path):
    path = tmp_path / "bad.gz"
    header = bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big")
    path.write_bytes(gzip.compress(header + bytes(5)))
    with pytest.raises(data.DataError, match="truncated"):
        data._read_idx(path, None)


# ------------------------------------------------------------------ text parsers

def _place(monkeypatch, tmp_path, relpath, content):
    target = tmp_path / "placed" / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "placed"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))


def test_analogies_are_parsed_by_section(monkeypatch, tmp_path):
    _place(monkeypatch, tmp_path, "analogies/questions-words.txt",
           b": capital-common-countries\nAthens Greece Baghdad Iraq\n"
           b": family\nboy girl brother sister\nboy girl brothers sisters\n")
    sections = data.load_analogies()
    assert sections == {"capital-common-countries": [("athens", "greece", "baghdad", "iraq")],
                        "family": [("boy", "girl", "brother", "sister"),
                                   ("boy", "girl", "brothers", "sisters")]}


def test_text8_content_is_checked(monkeypatch, tmp_path):
    buffer = tmp_path / "text8.zip"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("text8", " anarchism originated as a term")
    _place(monkeypatch, tmp_path, "text8/text8.zip", buffer.read_bytes())
    with pytest.raises(data.DataError, match="100,000,000"):
        data.load_text8()


def test_ptb_appends_eos_and_checks_the_vocabulary(monkeypatch, tmp_path):
    for split in ("train", "valid", "test"):
        _place(monkeypatch, tmp_path, f"ptb/ptb.{split}.txt", b" the cat <unk>\n a dog\n")
    with pytest.raises(data.DataError, match="10,000"):
        data.load_ptb()
