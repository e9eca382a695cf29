import pytest

from helpers.mode import configure, resolve_mode


def test_resolve_mode_prefers_the_environment(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    assert resolve_mode("quick") == "quick"
    monkeypatch.setenv("COURSE_MODE", "full")
    assert resolve_mode("quick") == "full"


def test_resolve_mode_rejects_unknown_modes(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match="quick"):
        resolve_mode()


def test_configure_prints_and_returns_the_chosen_settings(monkeypatch, capsys):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    config = configure("quick", quick=dict(epochs=2), full=dict(epochs=50))
    assert config == {"epochs": 2}
    assert "mode: quick | epochs=2" in capsys.readouterr().out
    monkeypatch.setenv("COURSE_MODE", "full")
    assert configure("quick", quick=dict(epochs=2), full=dict(epochs=50)) == {"epochs": 50}


def test_configure_names_a_missing_mode(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    with pytest.raises(KeyError, match="quick"):
        configure("quick", full=dict(epochs=1))
