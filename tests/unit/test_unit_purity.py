"""The guard of tests/unit: a unit test cannot start a process or open a network socket."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys

import pytest

from tests.unit.conftest import UnitPurityError


def test_a_subprocess_is_refused_and_recorded(no_processes_no_network: list[str]) -> None:
    with pytest.raises(UnitPurityError, match="subprocess"):
        subprocess.run([sys.executable, "-c", "pass"], check=False, timeout=5)
    assert no_processes_no_network == ["start a subprocess"]
    no_processes_no_network.clear()  # this test meant to trip the guard


def test_a_fork_is_refused(no_processes_no_network: list[str]) -> None:
    with pytest.raises(UnitPurityError, match=r"os\.fork"):
        os.fork()
    assert no_processes_no_network == ["call os.fork"]
    no_processes_no_network.clear()


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_a_network_connection_is_refused(
    no_processes_no_network: list[str], family: socket.AddressFamily
) -> None:
    address = ("127.0.0.1", 9) if family == socket.AF_INET else ("::1", 9)
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(UnitPurityError):
        sock.connect(address)
    assert len(no_processes_no_network) == 1
    assert no_processes_no_network[0].startswith("connect a network socket")
    no_processes_no_network.clear()


def test_a_swallowed_refusal_is_still_recorded(no_processes_no_network: list[str]) -> None:
    # What careless code under test might do: swallow the refusal.
    with socket.socket() as probe, contextlib.suppress(Exception):
        probe.connect(("127.0.0.1", 9))
    assert no_processes_no_network, "the attempt must be recorded, so teardown fails the test"
    no_processes_no_network.clear()


def test_local_sockets_stay_allowed(no_processes_no_network: list[str]) -> None:
    # asyncio's self-pipe and thread wake-ups use socket pairs: no network involved.
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"ping")
        assert right.recv(4) == b"ping"
    assert no_processes_no_network == []
