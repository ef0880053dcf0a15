"""Reading users' data: Frictionless data packages and CSV files, into :class:`TableData`.

The MIP's own format is the Frictionless data package (``datapackage.json``, CSV
resources with Table Schemas), so the ``frictionless`` library reads it: it parses
the descriptors, infers a Table Schema for a bare CSV, and checks every row
against the schema (types, ``constraints.enum``, missing or extra cells, header
against field names), naming the row and the field of each error. pandas would
read faster (frictionless reads ~70 000 rows/s here) but checks none of this: we
would rewrite Table Schema validation on top of it.

Table Schema → variable types: ``integer``/``year`` → integer, ``number`` → real,
``date`` → date, ``boolean`` → binominal (``true``/``false``), any field with
``constraints.enum`` → binominal (2 values) or polynominal, its values the
enumeration codes; ``string`` → text, or nominal if it holds few distinct values
(see :mod:`.nominal`); other types → text. A field's ``title`` and
``description`` become the variable's label and description. A ``dataset``
column is not a variable: it gives each row's dataset. Overrides (a metadata file,
or an existing table's variables for ``--append``) replace a field's type and
enumerations *before* reading, so that frictionless checks the rows against them.

A package's older Table Schema forms are rewritten first (:mod:`.descriptor_forms`,
each rewrite a warning in the summary). A resource's table is the schema's
``tableName`` when it declares one (the MIP's packages do), else the resource's
name; its dataset column is the schema's ``datasetKey`` (default ``dataset``).
What the package says of its datasets (``datasets``: code, label, description,
``anonymisationLevel``) goes with every table it loads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from frictionless import Detector, Field, FrictionlessException, Package, Resource
from frictionless.errors import Error

from woken.errors import BadRequest
from woken.features.bulk_load import bulk_file
from woken.features.dataset_meta import DatasetMeta, merged, read_dataset_metas
from woken.features.descriptor_forms import normalise_package
from woken.features.schema import DATASET_COLUMN
from woken.features.table_data import TableData
from woken.features.variables import NOMINAL_TYPES, VariableMeta

# A bare CSV's types are inferred from this many rows, and only a type that fits
# every one of them is chosen: a later row that does not fit is then an error that
# names it, rather than a value silently lost.
INFERENCE_ROWS = 10_000
DETECTOR = Detector(sample_size=INFERENCE_ROWS, field_confidence=1.0)

PACKAGE_DESCRIPTOR = "datapackage.json"
_FIELD_TYPE = {"real": "number", "integer": "integer", "date": "date", "text": "string"}


@dataclass(frozen=True)
class Source:
    """One CSV table to load: a resource of a data package, or a CSV file."""

    resource: Resource
    table: str
    display: str  # the resource and its file, as messages name them
    label: str
    description: str
    warnings: tuple[str, ...] = ()
    dataset_column: str = DATASET_COLUMN
    datasets: dict[str, DatasetMeta] = dataclass_field(default_factory=dict)

    def estimated_rows(self) -> int | None:
        """The file's lines less the header (cheap: bytes are counted, not parsed)."""
        path = Path(self.resource.normpath or "")
        if not path.is_file():
            return None
        with path.open("rb") as file:
            return max(sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
                       - 1, 0)


def open_sources(path: Path, table: str | None = None) -> list[Source]:
    """The tables at ``path``: a data package (its descriptor or its folder) or a CSV file.

    ``table`` names the table of a single CSV or single-resource package (default:
    the file's stem, or the resource's name).
    """
    if path.is_dir():
        if not (path / PACKAGE_DESCRIPTOR).is_file():
            raise BadRequest(f"{path}: a folder to load holds a {PACKAGE_DESCRIPTOR}")
        path = path / PACKAGE_DESCRIPTOR
    if not path.is_file():
        raise BadRequest(f"{path}: no such file")
    sources = _package_sources(path) if path.suffix == ".json" else [_csv_source(path)]
    if table is not None:
        if len(sources) != 1:
            raise BadRequest(f"{path}: --table names one table, the package has {len(sources)}")
        sources = [replace(sources[0], table=table)]
    return sources


def read_source(
    source: Source, overrides: Mapping[str, VariableMeta], overrides_from: str = ""
) -> TableData:
    """The source's variables, and its rows as a lazy iterator checked row by row.

    ``overrides``: variables (by code) that replace what the schema or inference says;
    ``overrides_from`` names them in the summary's notes (none when empty).
    """
    resource = source.resource
    try:
        resource.infer()
    except FrictionlessException as error:
        raise BadRequest(f"{source.display}: {error.error.message}") from None
    fields = list(resource.schema.fields)
    if not fields:
        raise BadRequest(f"{source.display}: the file is empty")
    variables, may_be_nominal, notes = [], set(), []
    shared = False
    for field in fields:
        if field.name == source.dataset_column:
            shared = True
        elif field.name in overrides:
            variable = overrides[field.name]
            field = _impose(resource, field, variable)
            variables.append(variable)
            if overrides_from:
                notes.append(f"'{field.name}': {variable.type}, as {overrides_from} says")
        else:
            variable = _variable(field)
            variables.append(variable)
            if field.type == "string" and variable.type == "text":
                may_be_nominal.add(variable.code)
    return TableData(
        table=source.table,
        source=source.display,
        label=source.label,
        description=source.description,
        variables=variables,
        rows=_rows(source, variables, shared),
        shared=shared,
        may_be_nominal=frozenset(may_be_nominal),
        notes=[*source.warnings, *notes],
        datasets=source.datasets,
        bulk=bulk_file(resource, source.dataset_column),
    )


def _package_sources(descriptor: Path) -> list[Source]:
    normalised = normalise_package(descriptor)
    try:
        package = Package(normalised.descriptor, basepath=str(descriptor.parent),
                          detector=DETECTOR)
    except FrictionlessException as error:
        raise BadRequest(_descriptor_error(descriptor, normalised.descriptor, error)) from None
    if not package.resources:
        raise BadRequest(f"{descriptor}: the package has no resource")
    package_datasets = read_dataset_metas(package.custom.get("datasets"), str(descriptor))
    sources = []
    for resource in package.resources:
        display = f"resource '{resource.name}' ({Path(descriptor.parent, resource.path or '')})"
        if not resource.tabular:
            raise BadRequest(f"{display}: not a table")
        schema = resource.schema.custom
        # The resource's own tableName first: several resources may share one schema file.
        table = resource.custom.get("tableName") or schema.get("tableName") or resource.name
        own = read_dataset_metas(resource.custom.get("datasets"), display)
        level = resource.custom.get("anonymisationLevel")
        if isinstance(level, str):
            own = merged(own, {table: DatasetMeta(table, anonymisation_level=level)})
        sources.append(Source(
            resource, str(table), display, resource.title or resource.name,
            resource.description or package.description or "",
            warnings=tuple(w for w in normalised.warnings
                           if w.startswith(f"resource '{resource.name}'")),
            dataset_column=str(schema.get("datasetKey") or DATASET_COLUMN),
            datasets=merged(own, package_datasets),
        ))
    return sources


def _descriptor_error(path: Path, descriptor: dict[str, Any], error: FrictionlessException) -> str:
    """The package's error, naming the resource and the field where frictionless did not."""
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        for item in (schema.get("fields") or []) if isinstance(schema, dict) else []:
            try:
                Field.from_descriptor(item)
            except FrictionlessException as field_error:
                notes = "; ".join(reason.note for reason in field_error.reasons)
                return (f"{path}: resource '{resource.get('name')}', field "
                        f"'{item.get('name') if isinstance(item, dict) else item}': "
                        f"{field_error.error.note}" + (f" ({notes})" if notes else ""))
    reasons = "; ".join(reason.message for reason in error.reasons)
    return f"{path}: {error.error.message}" + (f" ({reasons})" if reasons else "")


def _csv_source(path: Path) -> Source:
    """A CSV file, with its Table Schema if one is beside it (``NAME.schema.json``)."""
    schema = next((candidate for candidate in (path.with_suffix(".schema.json"),
                                                path.with_suffix(".json"))
                   if _is_table_schema(candidate)), None)
    try:
        options: dict[str, Any] = {"schema": str(schema)} if schema else {}
        resource = Resource(path=path.name, basepath=str(path.parent), detector=DETECTOR,
                            **options)
    except FrictionlessException as error:
        raise BadRequest(f"{schema or path}: {error.error.message}") from None
    return Source(resource, path.stem, str(path), path.stem, f"loaded from {path.name}")


def _is_table_schema(path: Path) -> bool:
    try:
        return path.is_file() and "fields" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def _variable(field: Any) -> VariableMeta:
    enum = field.constraints.get("enum")
    if enum:
        codes = list(dict.fromkeys(_code(value) for value in enum))
        type_ = "binominal" if len(codes) == 2 else "polynominal"
    elif field.type == "boolean":
        codes, type_ = ["true", "false"], "binominal"
    else:
        codes = []
        type_ = {"integer": "integer", "year": "integer", "number": "real",
                 "date": "date"}.get(field.type, "text")
    return VariableMeta(
        code=field.name,
        label=field.title or field.name,
        type=type_,
        enumerations=tuple({"code": code, "label": code} for code in codes),
        description=field.description or "",
    )


def _impose(resource: Resource, field: Any, variable: VariableMeta) -> Any:
    """The Table Schema field made to check what ``variable`` says its values are."""
    nominal = variable.type in NOMINAL_TYPES
    resource.schema.set_field_type(
        field.name, "string" if nominal else _FIELD_TYPE.get(variable.type, "string"))
    field = resource.schema.get_field(field.name)  # set_field_type put a new field in place
    constraints = {k: v for k, v in field.constraints.items() if k == "required"}
    if nominal and variable.enumerations:
        constraints["enum"] = [e["code"] for e in variable.enumerations]
    field.constraints = constraints
    return field


def _rows(source: Source, variables: list[VariableMeta], shared: bool) -> Iterator[dict[str, Any]]:
    converters = {v.code: _converter(v) for v in variables}
    try:
        with source.resource as resource:
            if resource.header.errors:
                raise BadRequest(_header_error(source.display, resource.header.errors[0]))
            for row in resource.row_stream:
                if row.errors:
                    raise BadRequest(_row_error(source, row.row_number, row.errors[0]))
                values = row.to_dict()
                converted = {code: convert(values.get(code))
                             for code, convert in converters.items()}
                if shared:
                    dataset = _text(values.get(source.dataset_column))
                    if not dataset:
                        raise BadRequest(f"{source.display}: line {row.row_number}, column "
                                         f"'{source.dataset_column}': the row has no dataset")
                    converted[DATASET_COLUMN] = dataset
                yield converted
    except FrictionlessException as error:
        raise BadRequest(f"{source.display}: {error.error.message}") from None


def _header_error(display: str, error: Error) -> str:
    label = getattr(error, "label", "")
    if error.type == "duplicate-label":
        return f"{display}: header: duplicate column '{label}'"
    if error.type == "blank-label":
        return f"{display}: header: column {getattr(error, 'field_number', '?')} has no name"
    if error.type == "incorrect-label":
        return (f"{display}: header: the columns do not match the Table Schema: column "
                f"{getattr(error, 'field_number', '?')} is '{label}', "
                f"the schema says '{getattr(error, 'field_name', '?')}'")
    return f"{display}: header: the columns do not match the Table Schema: {error.message}"


def _row_error(source: Source, line: int, error: Error) -> str:
    column = getattr(error, "field_name", "")
    cell = getattr(error, "cell", "")
    where = f"{source.display}: line {line}" + (f", column '{column}'" if column else "")
    if error.type == "type-error":
        field = source.resource.schema.get_field(column)
        return f"{where}: {cell!r} is not a valid {field.type}"
    if error.type == "constraint-error":
        enum = source.resource.schema.get_field(column).constraints.get("enum")
        if enum and "enum" in error.note:
            return f"{where}: {cell!r} is not one of its values ({', '.join(map(str, enum))})"
        return f"{where}: {cell!r} breaks a constraint: {error.note}"
    if error.type == "missing-cell":
        return f"{where}: missing cell (the row has fewer cells than the header)"
    if error.type == "extra-cell":
        return f"{where}: extra cell (the row has more cells than the header)"
    return f"{where}: {error.message}"


def _converter(variable: VariableMeta) -> Callable[[Any], Any]:
    if variable.type == "real":
        return _none_or(float)
    if variable.type == "integer":
        return _none_or(int)
    if variable.type == "date":
        return _none_or(lambda value: value)
    if variable.type in NOMINAL_TYPES:
        return _none_or(_code)
    return _text


def _none_or(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _code(value: Any) -> str:
    """An enumeration code as stored: the CSV's text (booleans as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return _code(value)
