"""The lock files agree with the readable pins: a dependency added without `make lock` is caught here."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    return {normalized(name): version for name, version in PIN.findall(path.read_text())}


@pytest.mark.parametrize("source, lock", [("requirements.txt", "requirements.lock"),
                                          ("requirements-dev.txt", "requirements-dev.lock")])
def test_every_direct_pin_is_locked_at_the_same_version_with_hashes(source, lock):
    locked = pins(ROOT / lock)
    wanted = pins(ROOT / source)
    if source == "requirements-dev.txt":
        wanted |= pins(ROOT / "requirements.txt")
    stale = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"run `make lock`: {lock} disagrees with {source} on {stale}"
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().split("\n\n")[-1].strip())
    assert all("--hash=sha256:" in entry for entry in entries if "==" in entry)


def test_the_development_lock_keeps_the_application_versions():
    application, development = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert {name: development.get(name) for name in application} == application
