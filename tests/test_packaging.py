"""The two ways to install the course agree with each other."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())


def _name(requirement):
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def test_environment_python_satisfies_requires_python():
    pins = [d for d in ENV["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1
    version = pins[0].split("=", 1)[1] + ".0"
    assert version in SpecifierSet(PYPROJECT["project"]["requires-python"])


def test_environment_installs_this_package_with_test_extra():
    pip = next(d["pip"] for d in ENV["dependencies"] if isinstance(d, dict))
    assert any(re.fullmatch(r'-e "?\.\[test\]"?', line) for line in pip), pip


def test_conda_packages_are_declared_in_pyproject():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        declared |= {_name(r) for r in extra}
    conda = {_name(d) for d in ENV["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda <= declared, conda - declared


def test_dependencies_pin_lower_bounds_only():
    everything = list(PYPROJECT["project"]["dependencies"])
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        everything += extra
    for requirement in everything:
        assert ">=" in requirement, f"{requirement}: give a lower bound"
        assert "==" not in requirement and "<" not in requirement.replace("<=", ""), requirement
