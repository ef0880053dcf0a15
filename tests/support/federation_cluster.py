"""Three hospitals, each a `woken serve` with its own features database, and their central.

Started with ``running_federation``; the tests' pooled references use the same rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.federation_data import METAS, ROWS_BY_SITE, write_csv
from tests.support.netns import Namespaces
from tests.support.server import woken_server

ROWS = ROWS_BY_SITE
TIMEOUT_S = 120
WOKEN = Path(sys.executable).parent / "woken"


@dataclass(frozen=True)
class Federation:
    """The running central's URL, and each site's URL and token by hospital."""

    central: str
    sites: dict[str, str]
    tokens: dict[str, str]
    # Each site's `woken serve` process id (its local steps run in other processes).
    site_pids: dict[str, int] = field(default_factory=dict)


def site_env(token: str) -> dict[str, str]:
    return {"WOKEN_LOAD_SAMPLE_DATA": "false", "WOKEN_FEDERATION_SITE_TOKEN": token,
            "WOKEN_MAX_CONCURRENT_JOBS": "1", "WOKEN_VALIDATION_POOL_SIZE": "1"}


def central_env(sites: list[dict[str, Any]]) -> dict[str, str]:
    return {"WOKEN_LOAD_SAMPLE_DATA": "false", "WOKEN_FEDERATION_SITES": json.dumps(sites),
            "WOKEN_FEDERATION_SITE_TIMEOUT_S": "20", "WOKEN_VALIDATION_POOL_SIZE": "1"}


def load_hospital(root: Path, name: str) -> Path:
    data_dir = root / name / "var"
    data_dir.mkdir(parents=True)
    metadata = root / name / "variables.json"
    metadata.write_text(json.dumps([
        {"code": m.code, "label": m.label, "type": m.type,
         "enumerations": list(m.enumerations)} for m in METAS]))
    csv_path = write_csv(root / name / f"{name}.csv", name, ROWS[name])
    subprocess.run([str(WOKEN), "--data-dir", str(data_dir), "load-data", str(csv_path),
                    "--metadata", str(metadata)], check=True, timeout=TIMEOUT_S,
                   capture_output=True, env={"WOKEN_LOAD_SAMPLE_DATA": "false",
                                             "PATH": str(WOKEN.parent)})
    return data_dir


@contextmanager
def running_federation(root: Path, namespaces: Namespaces | None = None
                       ) -> Iterator[Federation]:
    """Three sites (one hospital's rows each, loaded by `woken load-data`) and a central.

    With ``namespaces``, each site runs in a network namespace of its own, on its own
    address (and so with basic authentication on its mining routes, as Woken asks off
    loopback); the central, on this host, reaches it over its veth pair.
    """
    tokens = {name: f"token-of-{name}-{i}" for i, name in enumerate(ROWS)}
    with ExitStack() as stack:
        sites, pids = {}, {}
        for index, name in enumerate(ROWS):
            env = site_env(tokens[name])
            namespace = namespaces.add(index) if namespaces else None
            if namespace:
                env |= {"WOKEN_AUTH_USER": "site-admin", "WOKEN_AUTH_PASSWORD": f"pw-{name}"}
            running = stack.enter_context(
                woken_server(load_hospital(root, name), env, namespace=namespace))
            sites[name], pids[name] = running.url, running.process.pid
        listed = [{"name": name, "url": url, "token": tokens[name], "verify_tls": False}
                  for name, url in sites.items()]
        central_dir = root / "central" / "var"
        central_dir.mkdir(parents=True)
        central = stack.enter_context(woken_server(central_dir, central_env(listed)))
        yield Federation(central.url, sites, tokens, pids)
