"""environment.yml (conda route) and pyproject.toml (pip route) must ask for the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


def _parse(requirement: str) -> tuple[str, str]:
    match = _REQ.match(requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    name, spec = match.groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


@pytest.fixture(scope="module")
def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(_parse(r) for r in reqs)


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def conda_requirements(environment) -> dict[str, str]:
    deps = [d for d in environment["dependencies"] if isinstance(d, str)]
    parsed = dict(_parse(d) for d in deps)
    parsed.pop("pip", None)
    parsed.pop("python", None)
    return parsed


def test_same_packages_in_both_routes(pip_requirements, conda_requirements):
    assert set(conda_requirements) == set(pip_requirements), (
        f"only in environment.yml: {sorted(set(conda_requirements) - set(pip_requirements))}; "
        f"only in pyproject.toml: {sorted(set(pip_requirements) - set(conda_requirements))}"
    )


def test_same_version_bounds_in_both_routes(pip_requirements, conda_requirements):
    differ = {
        name: (pip_requirements[name], conda_requirements[name])
        for name in pip_requirements
        if conda_requirements.get(name) != pip_requirements[name]
    }
    assert not differ, f"version bounds differ (pyproject, environment.yml): {differ}"


def test_python_bound_matches(environment):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = [d for d in environment["dependencies"] if isinstance(d, str)]
    assert f"python{project['requires-python']}" in deps


def test_conda_env_uses_conda_forge_and_installs_cxlab_editable(environment):
    assert environment["channels"] == ["conda-forge"]
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "--editable ." in pip_section


def test_every_conda_dependency_says_who_needs_it():
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    deps = [
        ln for ln in lines if re.match(r"^\s*-\s+[a-z]", ln) and ">=" in ln and "python" not in ln
    ]
    uncommented = [ln.strip() for ln in deps if "#" not in ln]
    assert deps and not uncommented, f"dependencies without a comment: {uncommented}"
