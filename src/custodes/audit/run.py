"""Auditing a whole inventory: every row through the matcher, problems and counts collected.

The report records what the verdicts rest on (dataset versions, registry and rules versions,
the netaddr release whose IEEE files were read), so a report sent to a colleague months later can
still be explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata

from custodes.audit.inventory import Inventory, Problem
from custodes.audit.lists import DatasetRef
from custodes.audit.matcher import Auditor, ItemResult
from custodes.audit.rules import VERDICTS


@dataclass
class AuditReport:
    """Everything a writer needs: inputs, what the verdicts rest on, results and problems."""

    source: str
    unit: str  # line | item
    encoding: str
    columns: dict[str, str]
    ignored_columns: list[str]
    items: list[ItemResult]
    problems: list[Problem]
    lists: tuple[str, ...]
    datasets: tuple[DatasetRef, ...]
    registry_version: str
    rules_version: str
    oui_registry: str
    generated: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for item in self.items:
            out[item.verdict] += 1
        return out

    @property
    def errors(self) -> int:
        """Problems of severity error (rows that could not be fully audited)."""
        return sum(1 for p in self.problems if p.severity == "error")


def oui_registry_label(auditor: Auditor) -> str:
    try:
        version = metadata.version("netaddr")
    except metadata.PackageNotFoundError:  # pragma: no cover - netaddr is a dependency
        version = "?"
    return f"{auditor.rules.oui_registry_name} (netaddr {version}; {auditor.rules.oui_registry_url})"


def audit_inventory(inventory: Inventory, auditor: Auditor | None = None) -> AuditReport:
    """Audit every row; the inventory's problems and each row's problems end up in one list."""
    auditor = auditor or Auditor()
    items = [auditor.audit_row(line, values) for line, values in inventory.rows()]
    problems = list(inventory.problems)
    for item in items:
        problems.extend(item.problems)
    problems.sort(key=lambda p: (p.line is not None, p.line or 0))
    return report_for(inventory.name, items, problems, auditor, unit=inventory.unit, encoding=inventory.encoding,
                      columns=inventory.columns, ignored=inventory.ignored_columns)


def report_for(source: str, items: list[ItemResult], problems: list[Problem], auditor: Auditor, *,
               unit: str = "line", encoding: str = "", columns: dict[str, str] | None = None,
               ignored: list[str] | None = None) -> AuditReport:
    """A report around results made elsewhere (e.g. `custodes check NAME`)."""
    ref = auditor.reference
    return AuditReport(
        source=source, unit=unit, encoding=encoding, columns=columns or {}, ignored_columns=ignored or [],
        items=items, problems=problems,
        lists=tuple(sorted({i.list_id or i.list for v in ref.listings.values() for i in v},
                           key=ref.list_ids.index)),
        datasets=ref.datasets, registry_version=auditor.registry.version, rules_version=auditor.rules.version,
        oui_registry=oui_registry_label(auditor))
