"""The features database: data tables, the variables' metadata, and safe data selection.

Public API (import from the modules; this package imports nothing heavy itself, so
that ``woken.features.variables`` stays cheap to import):

- :mod:`.database`: ``FeaturesDatabase(url)`` with ``datasets()``, ``dataset(code)``,
  ``variables(datasets)``, ``resolve(datasets, codes)``, ``select(datasets, columns,
  filters)``, ``select_sql(...)`` (legacy ``PARAM_query``), ``is_empty()``, ``load()``,
  ``dispose()``; the ``Dataset`` and ``SelectedData`` results.
- :mod:`.filters`: ``parse_filters(raw)``, ``filter_to_sql(filter, table, metas)``,
  ``filter_fields(filter)``: jQuery-QueryBuilder JSON to bound-parameter SQL.
- :mod:`.loading`: ``load_datasets(url, names=None, replace=False)``: the bundled
  datasets (:mod:`.bundled`: ``sample``, ``diabetes``, ``breast_cancer``, ``wine``,
  ``iris``), idempotently.
- :mod:`.load_files`: ``open_sources(path)``, ``load_sources(engine, sources, options)``:
  users' data packages and CSV files (older forms rewritten by :mod:`.descriptor_forms`,
  read by :mod:`.frictionless_source`, checked against :mod:`.metadata_file`, datasets
  described by :mod:`.dataset_meta`, written by :mod:`.table_writer`, in bulk by
  :mod:`.bulk_load` and :mod:`.bulk_sinks` when the file allows), in one transaction.
- :mod:`.schema`: the tables (``meta_datasets``, ``meta_dataset_tables``,
  ``meta_variables``, the data tables), brought up to date by :mod:`.schema_upgrade`.
- :mod:`.variables`: ``VariableMeta``, the variable types and the problem type.

Internals: :mod:`.engine` (engine options shared by SQLite and PostgreSQL),
:mod:`.catalog` (reading the metadata), :mod:`.selection` (building the SELECT),
:mod:`.filter_rules` and :mod:`.filter_sql` (behind :mod:`.filters`), :mod:`.nominal`
(which text columns are nominal), :mod:`.table_data`, :mod:`.load_summary`.
"""

import importlib
from typing import Any

# The public names and the module each lives in, imported on first use: importing
# `woken.features` (or `woken.features.variables`) loads no database code.
_WHERE = {
    "FeaturesDatabase": "database", "Dataset": "database",
    "SelectedData": "selection",
    "parse_filters": "filters", "filter_fields": "filters", "filter_to_sql": "filters",
    "Filter": "filter_rules", "Group": "filter_rules", "LIST_VALUE": "filter_rules",
    "load_datasets": "loading",
    "LoadOptions": "load_files", "Mode": "load_files", "load_sources": "load_files",
    "open_sources": "load_files",
    "NOMINAL_MAX_VALUES": "nominal",
    "create_features_engine": "engine",
    "datasets_answer": "metadata_answers", "variables_answer": "metadata_answers",
    "ProblemType": "variables", "TypeClass": "variables", "VariableMeta": "variables",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
