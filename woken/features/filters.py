"""Filters: jQuery-QueryBuilder JSON in, a bound-parameter SQL condition out.

The public face of :mod:`woken.features.filter_rules` (parsing, shape checks) and
:mod:`woken.features.filter_sql` (metadata checks, SQL). Typical use::

    filter_ = parse_filters(request["filters"])        # None: no filter
    metas = database.resolve(datasets, [*columns, *filter_fields(filter_)])
    condition = filter_to_sql(filter_, table, {m.code: m for m in metas})
"""

from __future__ import annotations

from woken.features.filter_rules import (
    OPERATORS,
    Filter,
    Group,
    Rule,
    filter_fields,
    parse_filters,
)
from woken.features.filter_sql import filter_to_sql

__all__ = [
    "OPERATORS",
    "Filter",
    "Group",
    "Rule",
    "filter_fields",
    "filter_to_sql",
    "parse_filters",
]
