"""What a load wrote, as ``woken load-data`` reports it at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from woken.features.variables import VariableMeta


@dataclass(frozen=True)
class TableSummary:
    """What a load wrote into one table: rows by dataset, variables and notes."""

    table: str
    source: str
    mode: str
    rows: int
    variables: tuple[VariableMeta, ...]
    datasets: dict[str, int]  # dataset code → rows written by this load
    notes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        datasets = ", ".join(f"{code} ({rows} rows)" for code, rows in self.datasets.items())
        types = ", ".join(f"{v.code} {v.type}" for v in self.variables)
        return [
            (f"table '{self.table}' from {self.source} ({self.mode}): {self.rows} rows, "
             f"{len(self.variables)} variables, datasets {datasets}"),
            f"  variables: {types}",
            *(f"  {note}" for note in self.notes),
        ]


@dataclass(frozen=True)
class LoadSummary:
    """What a load wrote, table by table."""

    tables: list[TableSummary] = field(default_factory=list)

    def lines(self) -> list[str]:
        # Any invalid row refuses the whole load (one transaction), so a load that
        # reports anything rejected no row.
        rows = sum(t.rows for t in self.tables)
        return [
            *(line for table in self.tables for line in table.lines()),
            f"loaded {rows} rows into {len(self.tables)} table(s); rejected rows: none",
        ]
