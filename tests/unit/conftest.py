"""tests/unit holds only tests with no processes and no network: an autouse guard keeps it so.

Every test here runs with process creation (``subprocess.Popen``, ``os.fork``,
``os.posix_spawn``, ``os.system``) and network sockets (``connect``/``bind`` of an
IPv4/IPv6 socket) replaced by a refusal. The refusal raises, and is also recorded:
code that swallows the exception still fails the test at teardown. Tests that need
a process or a socket belong in tests/integration.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# joblib's loky counts physical cores by running `lscpu` (a process) unless told a
# smaller count: scikit-learn estimators ask it (KMeans does), in-process.
os.environ.setdefault("LOKY_MAX_CPU_COUNT", "1")

NETWORK_FAMILIES = frozenset({socket.AF_INET, socket.AF_INET6})
PROCESS_STARTERS = ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system")


class UnitPurityError(RuntimeError):
    """A unit test started a process or opened a network socket."""


def _refuse(violations: list[str], what: str) -> Callable[..., Any]:
    def refused(*_args: Any, **_kwargs: Any) -> Any:
        violations.append(what)
        raise UnitPurityError(f"a unit test may not {what}: move it to tests/integration")

    return refused


def _refuse_network(violations: list[str], name: str, original: Callable[..., Any]) -> Any:
    def guarded(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if self.family in NETWORK_FAMILIES:
            return _refuse(violations, f"{name} a network socket ({args[0] if args else ''})")()
        return original(self, *args, **kwargs)

    return guarded


@pytest.fixture(autouse=True)
def no_processes_no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse processes and network sockets; fail the test if it tried, even if it caught it."""
    violations: list[str] = []
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse(violations, "start a subprocess"))
    for name in PROCESS_STARTERS:
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _refuse(violations, f"call os.{name}"))
    for name in ("connect", "connect_ex", "bind"):
        original = getattr(socket.socket, name)
        monkeypatch.setattr(socket.socket, name, _refuse_network(violations, name, original))
    yield violations
    if violations:
        pytest.fail(f"unit test tried to {'; '.join(violations)}", pytrace=False)
