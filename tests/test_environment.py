"""The conda environment, pyproject.toml and requirements.lock describe one environment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    """Normalised distribution name of a requirement string ('dask[dataframe]>=1' -> 'dask')."""
    name = re.split(r"[\s<>=!~;\[]", spec.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    return {_name(s) for s in specs}


def _environment_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names.update(_name(s) for s in dep.get("pip", []) if not s.startswith("-"))
        else:
            names.add(_name(dep))
    return names - {"python", "pip"}


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    pyproject, conda = _pyproject_names(), _environment_names()
    assert pyproject - conda == set(), f"in pyproject.toml only: {sorted(pyproject - conda)}"
    assert conda - pyproject == set(), f"in environment.yml only: {sorted(conda - pyproject)}"


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_every_dependency_is_pinned_in_requirements_lock():
    lock = {
        _name(line)
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert _pyproject_names() - lock == set()
    pins = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all("==" in line for line in pins), [p for p in pins if "==" not in p]
