"""Small guards shared by every layer, private to Woken.

Strict numbers, plain text, and the database errors turned into ``DatabaseUnavailable``.

They import nothing of Woken but :mod:`woken.errors`.
"""

from woken._guards.database_errors import report_unavailable
from woken._guards.plain_text import check_strings
from woken._guards.strict_numbers import parse_int, parse_number

__all__ = ["check_strings", "parse_int", "parse_number", "report_unavailable"]
