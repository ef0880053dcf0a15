"""Test-only algorithms that are Python packages, so that the fork server can run them.

`make_root` writes a folder holding a ``woken.algorithms`` package laid out like
the real one: ``woken/algorithms/common`` (a symlink to the real shared code) and one
package per test algorithm with a ``__main__.py`` and the standard
``entrypoint.sh`` (a copy of knn's, naming the test module). The same algorithm
then runs through either launcher: exec'd by its entrypoint, or forked by a
fork server whose root is this folder.
"""

from __future__ import annotations

import stat
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
REAL_ALGORITHMS = REPO_ROOT / "woken" / "algorithms"

SOURCES = {
    # What the process sees, as JSON in out.json; a line on each output stream.
    "envdump": """
        import json, os, sys
        fds = {}
        for fd in os.listdir("/proc/self/fd"):
            try:
                fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
            except FileNotFoundError:  # the descriptor that listed the folder
                pass
        report = {
            "argv": sys.argv, "cwd": os.getcwd(), "environ": dict(os.environ),
            "pid": os.getpid(), "ppid": os.getppid(), "pgid": os.getpgid(0), "sid": os.getsid(0),
            "path_head": sys.path[:2], "fds": fds, "name": __name__,
        }
        with open("out.json", "w") as out:
            json.dump(report, out)
        print("to stdout")
        print("to stderr", file=sys.stderr)
    """,
    "crash": """
        import sys
        print("something broke: bad column", file=sys.stderr)
        sys.exit(3)
    """,
    "boom": """
        raise ValueError("unexpected input in column x")
    """,
    "exitmessage": """
        import sys
        sys.exit("the job gives up: no rows")
    """,
    "selfkill": """
        import os, signal
        os.kill(os.getpid(), signal.SIGKILL)
    """,
    # A draw from numpy's global generator, which a fresh process seeds afresh.
    "draw": """
        import numpy as np
        with open("draw", "w") as out:
            out.write(str(np.random.randint(2**62)))
    """,
    # Its pid, and a global of a module the fork server preloaded: what it found, then set.
    "marker": """
        import json, os
        import numpy as np
        import woken.algorithms.common as common
        found = {"numpy": getattr(np, "woken_job_marker", None),
                 "common": getattr(common, "woken_job_marker", None)}
        np.woken_job_marker = common.woken_job_marker = os.environ["JOB_ID"]
        with open("marker.json", "w") as out:
            json.dump({"pid": os.getpid(), "found": found}, out)
    """,
    # Ignores SIGTERM and has a child that must go too.
    "hang": """
        import signal, subprocess, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen(["sleep", "300"])
        with open("child.pid", "w") as out:
            out.write(str(child.pid))
        while True:
            time.sleep(1)
    """,
    # Sleeps PARAM_sleep seconds (default 60), after writing its pid.
    "sleeper": """
        import os, time
        with open("pid", "w") as out:
            out.write(str(os.getpid()))
        time.sleep(float(os.environ.get("PARAM_sleep", "60")))
        with open("done", "w") as out:
            out.write("done")
    """,
}


def make_root(directory: Path) -> Path:
    """A folder holding a ``woken.algorithms`` package with the test algorithms; returns it."""
    package = directory / "woken" / "algorithms"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text('"""Test root."""\n')
    (package / "__init__.py").write_text('"""Test algorithms."""\n')
    (package / "common").symlink_to(REAL_ALGORITHMS / "common", target_is_directory=True)
    template = (REAL_ALGORITHMS / "knn" / "entrypoint.sh").read_text()
    assert "woken.algorithms.knn" in template
    for code, source in SOURCES.items():
        folder = package / code
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "__main__.py").write_text(textwrap.dedent(source).lstrip())
        entrypoint = folder / "entrypoint.sh"
        entrypoint.write_text(template.replace("woken.algorithms.knn", f"woken.algorithms.{code}"))
        entrypoint.chmod(entrypoint.stat().st_mode | stat.S_IXUSR)
    return directory


def entrypoint(root: Path, code: str) -> Path:
    return root / "woken" / "algorithms" / code / "entrypoint.sh"
