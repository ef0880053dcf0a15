"""The files and rooms one experiment request passes through, from the POST to the actors.

Run from the repository root: .venv/bin/python docs/trace_request_path.py
(another checkout: PYTHONPATH=<tree> .venv/bin/python docs/trace_request_path.py <tree>).

It serves the embedded default in-process (SQLite, the local backend), posts one
experiment (knn on iris, 2 folds) once to warm up, then again traced: every call into a
`woken` module (not `woken/algorithms`) made by the threads that serve the request
(the event loop and the executor running the system call; not the actors' pool), and
the module it was called from. Printed: the files in order of first visit with their
count, the moves between files, then the same by room (`woken/<package>`).
"""

import asyncio
import sys
import tempfile
import threading
from pathlib import Path

tree = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
woken_dir = tree / "woken"
events: list[str] = []
recording = False
actor_threads_prefix = ("woken-actor", "local-backend", "dask-backend")


def profile(frame, event, arg):
    """Record the caller's and the callee's file of each call, on the serving threads."""
    if not recording or event != "call":
        return
    name = threading.current_thread().name
    if name.startswith(actor_threads_prefix):
        return
    for where in (frame.f_back, frame):
        path = where.f_code.co_filename if where is not None else ""
        if path.startswith(str(woken_dir)) and "/algorithms/" not in path:
            file = str(Path(path).relative_to(tree))
            if not events or events[-1] != file:
                events.append(file)


async def main() -> None:
    """Serve, post the experiment twice, trace the second."""
    global recording
    from aiohttp.test_utils import TestClient, TestServer

    from woken.api.app import create_app
    from woken.config import Config

    assert Path(sys.modules["woken"].__file__).is_relative_to(tree), sys.modules["woken"].__file__
    sys.setprofile(profile)
    threading.setprofile(profile)

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(data_dir=Path(tmp) / "var")
        client = TestClient(TestServer(create_app(config)))
        await client.start_server()
        body = {
            "variables": [{"code": "species"}],
            "covariables": [{"code": c} for c in ("sepal_length", "petal_length")],
            "grouping": [], "filters": "", "datasets": [{"code": "iris"}],
            "algorithms": [{"code": "knn", "name": "KNN", "parameters": []}],
            "validations": [{"code": "kfold", "name": "kfold",
                             "parameters": [{"code": "k", "value": "2"}]}],
            "seed": 7,
        }
        # Once untraced, so that first imports and caches are not on the path.
        response = await client.post("/mining/experiment", json=body)
        assert response.status == 200, await response.text()
        recording = True
        response = await client.post("/mining/experiment", json=body)
        recording = False
        assert response.status == 200, await response.text()
        await client.close()


asyncio.run(main())
order: list[str] = []
moves = 0
for current in events:
    if current not in order:
        order.append(current)
moves = len(events) - 1
print(f"files: {len(order)}, moves between files: {moves}")
for file in order:
    print(f"  {file} ({events.count(file)})")


def room(file: str) -> str:
    """The folder a file is in (woken/<package>), or the file itself at the root."""
    parts = Path(file).parts
    return "/".join(parts[:2]) if len(parts) > 2 else file


rooms = [room(f) for f in events]
collapsed = [r for i, r in enumerate(rooms) if i == 0 or rooms[i - 1] != r]
print(f"rooms: {len(set(rooms))}, moves between rooms: {len(collapsed) - 1}")
print("  " + " > ".join(collapsed))
