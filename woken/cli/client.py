"""The `woken` command as a client of a running Woken: it speaks HTTP only.

Exit codes a script can use: 0 done, 1 the experiment or job ended badly (failed,
cancelled, an algorithm's error), 3 Woken refused the request (4xx), 4 Woken or the
network failed (5xx, connection, timeout). Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

DEFAULT_URL = "http://127.0.0.1:8087"
OK, ENDED_BADLY, REFUSED, UNREACHABLE = 0, 1, 3, 4
HTTP_TIMEOUT_S = 60
POLL_S = 0.5
TERMINAL = {"completed", "cancelled", "failed"}


class ClientError(Exception):
    """A failure to report in one line, with the exit code it means."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class Woken:
    """A running Woken at `url`, with HTTP Basic credentials if the environment has them."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        user, password = os.environ.get("WOKEN_USER"), os.environ.get("WOKEN_PASSWORD")
        if user:
            self.session.auth = (user, password or "")

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            answer = self.session.request(method, self.url + path, timeout=HTTP_TIMEOUT_S,
                                          **kwargs)
        except requests.RequestException as error:
            raise ClientError(f"cannot reach Woken at {self.url}: {error}", UNREACHABLE) from None
        if answer.status_code >= 400:
            try:
                message = answer.json().get("message", answer.text)
            except ValueError:
                message = answer.text.strip()
            code = REFUSED if answer.status_code < 500 else UNREACHABLE
            raise ClientError(f"{method} {path}: {answer.status_code} {message}", code)
        return answer

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.call(method, path, **kwargs).json()


def add_client_commands(commands: argparse._SubParsersAction) -> None:
    def command(name: str, help: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help)
        parser.add_argument("--url", default=os.environ.get("WOKEN_URL", DEFAULT_URL),
                            help="Woken's address (default: WOKEN_URL, else %(default)s)")
        return parser

    submit = command("submit", "submit an experiment (a JSON request file)")
    submit.add_argument("file", type=Path)
    submit.add_argument("--watch", action="store_true",
                        help="show progress until it ends, then the leaderboard")
    submit.add_argument("--timeout", type=float, default=3600, help="seconds to watch at most")
    listing = command("experiments", "list the experiments, newest first")
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--offset", type=int, default=0)
    show = command("show", "an experiment's state and leaderboard")
    show.add_argument("experiment_id")
    show.add_argument("--csv", action="store_true", help="the leaderboard as CSV")
    cancel = command("cancel", "cancel an experiment")
    cancel.add_argument("experiment_id")
    logs = command("logs", "a job's stdout and stderr")
    logs.add_argument("job_id")
    logs.add_argument("--tail", type=int, help="only the last N lines of each")
    federated = command("federated", "run a federated request on a central (a JSON file): "
                        "the answer as JSON, then what each site sent")
    federated.add_argument("file", type=Path)
    predict = command("predict", "predict the rows of a CSV file with a model")
    predict.add_argument("model_id")
    predict.add_argument("rows", type=Path)


CLIENT_COMMANDS = {"submit", "experiments", "show", "cancel", "logs", "predict", "federated"}


def run_client(args: argparse.Namespace) -> int:
    woken = Woken(args.url)
    try:
        return COMMANDS[args.command](woken, args)
    except ClientError as error:
        print(f"woken: {error}", file=sys.stderr)
        return error.code
    except OSError as error:
        print(f"woken: {error}", file=sys.stderr)
        return REFUSED


def read_request(path: Path) -> Any:
    """A JSON request file; a file that is not JSON is a refusal (exit code 3)."""
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ClientError(f"{path} is not valid JSON: {error}", REFUSED) from None


def submit(woken: Woken, args: argparse.Namespace) -> int:
    body = read_request(args.file)
    accepted = woken.json("POST", "/mining/experiment", json=body,
                          headers={"Prefer": "respond-async"})
    experiment_id = accepted["experimentId"]
    print(f"experiment {experiment_id}", flush=True)
    if not args.watch:
        return OK
    status = watch(woken, experiment_id, args.timeout)
    print_status(status)
    return OK if status["state"] == "completed" else ENDED_BADLY


def federated(woken: Woken, args: argparse.Namespace) -> int:
    """POST the file to /mining/federated; the answer on stdout, the transfer table on stderr."""
    body = read_request(args.file)
    answer = woken.json("POST", "/mining/federated", json=body)
    print(json.dumps(answer, indent=2))
    rows = [[site, t["requests"], t["bytes_sent"], t["rows_sent"]]
            for site, t in answer.get("transfer", {}).items()]
    print(table(["site", "requests", "bytes sent", "rows sent"], rows), file=sys.stderr)
    if answer.get("id"):
        print(f"stored as federated run {answer['id']} (/mining/federated/runs/{answer['id']})",
              file=sys.stderr)
    return OK


def watch(woken: Woken, experiment_id: str, timeout_s: float) -> dict[str, Any]:
    """Progress bars per algorithm (jobs done, folds in the label) until the experiment ends."""
    from tqdm import tqdm

    bars: dict[int, Any] = {}
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            status = woken.json("GET", f"/mining/experiments/{experiment_id}")
            for algorithm in status["progress"]["algorithms"]:
                bar = bars.get(algorithm["index"])
                if bar is None:
                    bar = bars[algorithm["index"]] = tqdm(
                        total=algorithm["total"], desc=algorithm["code"], unit="job",
                        position=len(bars), file=sys.stderr, leave=True, dynamic_ncols=True)
                folds = algorithm.get("folds", {})
                # A fold has ended once every job of it has (train and test, or the batch).
                ended = sum(all(s in ("succeeded", "failed", "timed_out", "cancelled", "lost")
                                for s in f.values()) for f in folds.values())
                bar.set_postfix_str(f"folds {ended}/{len(folds)}", refresh=False)
                bar.update(algorithm["done"] - bar.n)
            if status["state"] in TERMINAL:
                return status
            if time.monotonic() > deadline:
                raise ClientError(f"experiment {experiment_id} did not end within "
                                  f"{timeout_s:g} s; it goes on", UNREACHABLE)
            time.sleep(POLL_S)
    finally:
        for bar in bars.values():
            bar.close()


def print_status(status: dict[str, Any]) -> None:
    print(f"{status['experimentId']}  {status['state']}"
          + (f"  error: {status['error']}" if status.get("error") else ""))
    board = (status.get("result") or {}).get("leaderboard")
    if board:
        print(f"leaderboard ({board['metric']}, {'higher' if board['higherIsBetter'] else 'lower'}"
              " is better):")
        print(table(["rank", "algorithm", "mean", "std", "pooled", "note"], [
            [row.get("rank") or "-", row.get("code", "?"), _number(row.get("mean")),
             _number(row.get("std")), _number(row.get("pooled")), row.get("reason", "")]
            for row in board["rows"]
        ]))
    for model in status.get("models", []):
        print(f"model of {model['algorithm']}: {model['modelId']}")


def experiments(woken: Woken, args: argparse.Namespace) -> int:
    page = woken.json("GET", "/mining/experiments",
                      params={"limit": args.limit, "offset": args.offset})
    print(table(["experiment", "state", "created", "algorithms"], [
        [e["experimentId"], e["state"], e["createdAt"], ",".join(map(str, e["algorithms"]))]
        for e in page["items"]
    ]))
    print(f"{len(page['items'])} of {page['total']}")
    return OK


def show(woken: Woken, args: argparse.Namespace) -> int:
    if args.csv:
        path = f"/mining/experiments/{args.experiment_id}/leaderboard.csv"
        sys.stdout.write(woken.call("GET", path).text)
        return OK
    status = woken.json("GET", f"/mining/experiments/{args.experiment_id}")
    progress = status["progress"]
    print(f"progress: {progress['done']}/{progress['total']} jobs")
    print_status(status)
    return OK if status["state"] != "failed" else ENDED_BADLY


def cancel(woken: Woken, args: argparse.Namespace) -> int:
    answer = woken.json("DELETE", f"/mining/experiments/{args.experiment_id}")
    print(f"{answer['experimentId']}  {answer['state']}")
    return OK


def logs(woken: Woken, args: argparse.Namespace) -> int:
    params = {"tail": args.tail} if args.tail is not None else {}
    answer = woken.json("GET", f"/mining/jobs/{args.job_id}/logs", params=params)
    for stream in ("stdout", "stderr"):
        excerpt = answer.get(stream)
        print(f"== {stream} ({'none' if excerpt is None else str(excerpt['total']) + ' lines'})")
        if excerpt:
            sys.stdout.write(excerpt["text"])
    return OK


def predict(woken: Woken, args: argparse.Namespace) -> int:
    answer = woken.json("POST", f"/mining/models/{args.model_id}/predict",
                        data=args.rows.read_bytes(), headers={"Content-Type": "text/csv"})
    probabilities = answer.get("probabilities")
    classes = sorted(probabilities[0]) if probabilities else []
    print(",".join(["prediction", *(f"p({c})" for c in classes)]))
    for n, prediction in enumerate(answer["predictions"]):
        extra = [f"{probabilities[n][c]:.6g}" for c in classes] if classes else []
        print(",".join([str(prediction), *extra]))
    return OK


def table(header: list[str], rows: list[list[Any]]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                     for row in cells)


def _number(value: Any) -> str:
    return "-" if value is None else f"{value:.4f}"


COMMANDS: dict[str, Callable[[Woken, argparse.Namespace], int]] = {
    "submit": submit, "experiments": experiments, "show": show, "cancel": cancel,
    "logs": logs, "predict": predict, "federated": federated,
}
