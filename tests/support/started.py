"""A group of test processes started on entering `with` and stopped on leaving it."""

from __future__ import annotations

from typing import Self


class StartedWhileInside:
    """`start()` on entering, `stop()` on leaving; a start that fails half-way is stopped too,
    so no process it already spawned outlives the test."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
