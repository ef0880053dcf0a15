"""The one signal of the fast load path: this file (or block) goes row by row instead."""


class NotFast(Exception):
    """The fast path does not take this file (or this block): the row-by-row path will."""
