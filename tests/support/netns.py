"""Network namespaces as separate hosts: one per process, joined to this host by a veth pair.

Root and a kernel that allows ``ip netns`` are needed; the tests that use them run on
such machines and fail, never skip, where they are missing (`netns_works` says which).
Each namespace ``i`` gets a /30: this host's end is ``<subnet>.4i+1``, the namespace's
``<subnet>.4i+2``; the namespace's own loopback is up too.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass


def ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, timeout=10)


@dataclass(frozen=True)
class Namespace:
    """One namespace: its name, this host's address on its link, and its own address."""

    name: str
    host_address: str
    address: str

    def prefix(self) -> list[str]:
        """The command prefix that runs a program inside the namespace."""
        return ["ip", "netns", "exec", self.name]


class Namespaces:
    """Namespaces made on demand (``add``), all deleted by ``close``."""

    def __init__(self, kind: str, second_octet: int) -> None:
        # Short names: an interface name has at most 15 characters.
        tag = os.getpid() % 100_000
        self._names = f"w{kind}{tag}"
        self._subnet = f"10.{second_octet}.{tag % 250}"
        self._namespaces: list[str] = []
        self._veths: list[str] = []

    def add(self, index: int) -> Namespace:
        namespace, outside, inside = (f"{self._names}n{index}", f"{self._names}h{index}",
                                      f"{self._names}w{index}")
        host_address = f"{self._subnet}.{4 * index + 1}"
        address = f"{self._subnet}.{4 * index + 2}"
        ip("netns", "add", namespace)
        self._namespaces.append(namespace)
        ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        self._veths.append(outside)
        ip("link", "set", inside, "netns", namespace)
        ip("addr", "add", f"{host_address}/30", "dev", outside)
        ip("link", "set", outside, "up")
        ip("-n", namespace, "addr", "add", f"{address}/30", "dev", inside)
        ip("-n", namespace, "link", "set", inside, "up")
        ip("-n", namespace, "link", "set", "lo", "up")
        return Namespace(namespace, host_address, address)

    def close(self) -> None:
        for veth in self._veths:
            # Deleted here, at once: a namespace's deletion frees its veth end (and so its
            # peer) only when the kernel gets to it, and the next user of this process
            # reuses the names and the subnet ("ip link add" failed: the name existed).
            subprocess.run(["ip", "link", "del", veth], capture_output=True, timeout=10)
        self._veths.clear()
        for namespace in self._namespaces:
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, timeout=10)
        self._namespaces.clear()


def netns_works() -> bool:
    """True if this process may create network namespaces (root, a kernel that allows it)."""
    name = f"wprobe{os.getpid()}"
    try:
        ip("netns", "add", name)
    except (OSError, subprocess.SubprocessError):
        return False
    subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)
    return True
