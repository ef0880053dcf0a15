"""Woken: the experiment coordinator of a medical data platform."""

__version__ = "0.1.0"
