"""Build the Docker images of the stacks: the algorithms' base, each algorithm, and Woken.

Names and tags come from the configuration: each ``algorithms/*/algorithm.toml``
says its ``docker_image``; the base image's tag is the ``BASE_IMAGE`` default of
the algorithm Dockerfiles; Woken's is the ``image`` of the root docker-compose.yml.
The base is built first, the algorithms on top of it (thin Dockerfiles).

Usage (from anywhere): python3 dev-debug/build_images.py [--dry-run] [--push]
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALGORITHMS = ROOT / "woken" / "algorithms"
BASE_DOCKERFILE = ALGORITHMS / "common" / "Dockerfile"
WOKEN_IMAGE = re.compile(r"^\s+image:\s*(woken:\S+)\s*$", re.MULTILINE)
BASE_ARG = re.compile(r"^ARG BASE_IMAGE=(\S+)$", re.MULTILINE)


def base_image() -> str:
    """The one base tag every algorithm Dockerfile names (they must agree)."""
    tags = {BASE_ARG.search(path.read_text()).group(1)  # type: ignore[union-attr]
            for path in algorithm_dockerfiles()}
    if len(tags) != 1:
        raise SystemExit(f"the algorithm Dockerfiles disagree on BASE_IMAGE: {sorted(tags)}")
    return tags.pop()


def algorithm_dockerfiles() -> list[Path]:
    return sorted(p.parent / "Dockerfile" for p in ALGORITHMS.glob("*/algorithm.toml"))


def builds() -> list[list[str]]:
    """The `docker build` commands, in order."""
    base = base_image()
    commands = [["docker", "build", "-f", str(BASE_DOCKERFILE.relative_to(ROOT)), "-t", base, "."]]
    for manifest in sorted(ALGORITHMS.glob("*/algorithm.toml")):
        image = tomllib.loads(manifest.read_text(encoding="utf-8"))["docker_image"]
        dockerfile = manifest.parent / "Dockerfile"
        if not dockerfile.is_file():
            raise SystemExit(f"{manifest.parent.name} has no Dockerfile")
        commands.append(["docker", "build", "-f", str(dockerfile.relative_to(ROOT)),
                         "--build-arg", f"BASE_IMAGE={base}", "-t", image, "."])
    woken = WOKEN_IMAGE.search((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    if woken is None:
        raise SystemExit("docker-compose.yml names no woken:<tag> image")
    commands.append(["docker", "build", "-t", woken.group(1), "."])
    return commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    parser.add_argument("--push", action="store_true", help="push each image after its build")
    args = parser.parse_args(argv)
    for command in builds():
        steps = [command]
        if args.push:
            steps.append(["docker", "push", command[command.index("-t") + 1]])
        for step in steps:
            print("+", shlex.join(step), flush=True)
            if not args.dry_run:
                done = subprocess.run(step, cwd=ROOT)
                if done.returncode != 0:
                    return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
