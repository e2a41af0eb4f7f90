"""The data audit: per file what was read, cleaned, extracted, warned and conflicting."""

from __future__ import annotations

from ...metrics import METRICS
from ..catalog import Catalogue
from ..notes import note_lines, unmapped_rows
from .base import Section, facts_table, render


def audit_html(dataset, catalogue: Catalogue, region=None) -> str:
    """The data audit: per file what was read, cleaned (with the removed text), extracted, warned and conflicting,
    and each figure read but filed under no metric ("not mapped"), with its sentence and why."""
    c, f = catalogue, catalogue.fmt
    rows = []
    for r in dataset.extractions:
        confidence = "" if r.encoding_confidence is None else f" ({r.encoding_confidence:.2f})"
        rows.append(
            [
                r.source,
                f"{r.encoding}{confidence}",
                r.sha256[:12] + "…",
                f.date(r.publication_date),
                str(len(r.facts)),
                str(len(r.cleaning)),
                str(len(r.warnings)),
                str(len(r.conflicts)),
                str(len(r.unmapped)),
            ]
        )
    summary = None
    if rows:
        summary = {
            "columns": [
                {"label": c.t(f"audit.col_{k}"), "cls": "text" if k in ("file", "encoding", "sha", "date") else ""}
                for k in ("file", "encoding", "sha", "date", "facts", "cleaning", "notes", "conflicts", "unmapped")
            ],
            "rows": rows,
        }
    conflicts = []
    for r in dataset.extractions:
        for conflict in r.conflicts:
            item = conflict if isinstance(conflict, dict) else getattr(conflict, "__dict__", {})
            metric = item.get("metric", "")
            spec = METRICS.get(metric)
            months = item.get("months")
            period = (
                f"{item.get('year', '?')} {f.period(int(months), spec.cumulative if spec else True)}" if months else ""
            )
            values = c.join(f.as_written(v) for v in item.get("values", []))
            conflicts.append(
                {
                    "text": c.t(
                        "audit.conflict_row",
                        region=c.place(item.get("region", "")),
                        metric=c.metric(metric),
                        period=period,
                        values=values,
                    ),
                    "quotes": " / ".join(item.get("quotes", [])),
                }
            )
    files = []
    for r in dataset.extractions:
        cleaning = None
        if r.cleaning:
            cleaning = {
                "columns": [
                    {"label": c.t("audit.col_line")},
                    {"label": c.t("audit.col_kind"), "cls": "text"},
                    {"label": c.t("audit.col_text"), "cls": "text"},
                ],
                "rows": [
                    [
                        str(s.line),
                        c.t(f"cleaning.{s.kind}") if c.has(f"cleaning.{s.kind}") else s.kind,
                        {"text": s.text, "quote": True, "cls": "text"},
                    ]
                    for s in r.cleaning
                ],
            }
        notes, technical = note_lines(r.warnings, c, region)
        facts = facts_table(dataset.facts[dataset.facts.source.astype(str) == str(r.source)], c, with_source=False)
        unmapped = None
        if r.unmapped:
            unmapped = {
                "columns": [
                    {"label": c.t("unmapped.col_quote"), "cls": "text quote"},
                    {"label": c.t("unmapped.col_figure")},
                    {"label": c.t("unmapped.col_reason"), "cls": "text"},
                ],
                "rows": unmapped_rows(r, c),
            }
        files.append(
            {
                "name": r.source,
                "line": c.t(
                    "appendix.source_file",
                    file=r.source,
                    date=f.date(r.publication_date),
                    encoding=r.encoding,
                    n=len(r.facts),
                ),
                "cleaning": cleaning,
                "notes": notes,
                "technical": technical,
                "facts": facts,
                "unmapped": unmapped,
            }
        )
    return render(
        "audit",
        title=c.t("title.audit"),
        summary=summary,
        nothing_read=c.t("audit.nothing_read"),
        conflicts_heading=c.t("audit.conflicts_heading"),
        conflicts=conflicts,
        conflicts_none=c.t("audit.conflicts_none"),
        files_heading=c.t("audit.files_heading"),
        files=files,
        cleaned_heading=c.t("audit.cleaned_heading"),
        technical_heading=c.t("notes.technical_audit"),
        unmapped_heading=c.t("unmapped.heading"),
    )


class AuditSection:
    def audit_html(self) -> str:
        return audit_html(self.a.dataset, self.c, self.a.region)


SECTIONS = (Section("audit", parts=lambda r: [r.audit_html()]),)
