"""The data audit: per file what was read, cleaned, extracted, warned and conflicting."""

from __future__ import annotations

from ...metrics import METRICS
from ..catalog import Catalogue
from ..notes import note_lines, unmapped_rows
from .base import Section, facts_table, render


def audit_html(dataset, catalogue: Catalogue, region=None) -> str:
    """The data audit: per file what was read, cleaned (with the removed text), extracted, warned and conflicting,
    and each figure read but filed under no metric ("not mapped"), with its sentence and why."""
    c = catalogue
    return render(
        "audit",
        title=c.t("title.audit"),
        summary=_summary(dataset, c),
        nothing_read=c.t("audit.nothing_read"),
        conflicts_heading=c.t("audit.conflicts_heading"),
        conflicts=[_conflict(conflict, c) for r in dataset.extractions for conflict in r.conflicts],
        conflicts_none=c.t("audit.conflicts_none"),
        files_heading=c.t("audit.files_heading"),
        decisions_heading=c.t("audit.decisions_heading"),
        decision_columns=[c.t(f"audit.col_{k}") for k in ("decision", "value", "confidence", "evidence")],
        files=[_file(r, dataset, c, region) for r in dataset.extractions],
        cleaned_heading=c.t("audit.cleaned_heading"),
        technical_heading=c.t("notes.technical_audit"),
        unmapped_heading=c.t("unmapped.heading"),
    )


def _summary(dataset, c: Catalogue) -> dict | None:
    """One row per file: encoding, checksum, date and how many facts, cleaning steps, notes, conflicts and
    unmapped figures; None when no file was read."""
    f = c.fmt
    rows = []
    for r in dataset.extractions:
        confidence = "" if r.encoding_confidence is None else f" ({r.encoding_confidence:.2f})"
        counts = (r.facts, r.cleaning, r.warnings, r.conflicts, r.unmapped)
        rows.append(
            [r.source, f"{r.encoding}{confidence}", r.sha256[:12] + "…", f.date(r.publication_date)]
            + [str(len(items)) for items in counts]
        )
    if not rows:
        return None
    return {
        "columns": [
            {"label": c.t(f"audit.col_{k}"), "cls": "text" if k in ("file", "encoding", "sha", "date") else ""}
            for k in ("file", "encoding", "sha", "date", "facts", "cleaning", "notes", "conflicts", "unmapped")
        ],
        "rows": rows,
    }


def _conflict(conflict, c: Catalogue) -> dict:
    """One conflict: the figures a unit, metric and period has, and the sentences that give them."""
    f = c.fmt
    item = conflict if isinstance(conflict, dict) else getattr(conflict, "__dict__", {})
    metric = item.get("metric", "")
    spec = METRICS.get(metric)
    months = item.get("months")
    period = f"{item.get('year', '?')} {f.period(int(months), spec.cumulative if spec else True)}" if months else ""
    values = c.join(f.as_written(v) for v in item.get("values", []))
    return {
        "text": c.t(
            "audit.conflict_row",
            region=c.place(item.get("region", "")),
            metric=c.metric(metric),
            period=period,
            values=values,
        ),
        "quotes": " / ".join(item.get("quotes", [])),
    }


def _file(r, dataset, c: Catalogue, region) -> dict:
    """One file's part of the audit: its decisions, cleaning, notes, facts and unmapped figures."""
    f = c.fmt
    notes, technical = note_lines(r.notes, c, region)
    return {
        "name": r.source,
        "decisions": decision_rows(getattr(r, "document", None), c),
        "line": c.t(
            "appendix.source_file", file=r.source, date=f.date(r.publication_date), encoding=r.encoding, n=len(r.facts)
        ),
        "cleaning": _cleaning_table(r, c),
        "notes": notes,
        "technical": technical,
        "facts": facts_table(dataset.facts[dataset.facts.source.astype(str) == str(r.source)], c, with_source=False),
        "unmapped": _unmapped_table(r, c),
    }


def _cleaning_table(r, c: Catalogue) -> dict | None:
    """The text cleaning removed or changed, line by line (None when it changed nothing)."""
    if not r.cleaning:
        return None
    return {
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


def _unmapped_table(r, c: Catalogue) -> dict | None:
    """Figures read but filed under no metric, with their sentence and why (None when there are none)."""
    if not r.unmapped:
        return None
    return {
        "columns": [
            {"label": c.t("unmapped.col_quote"), "cls": "text quote"},
            {"label": c.t("unmapped.col_figure")},
            {"label": c.t("unmapped.col_reason"), "cls": "text"},
        ],
        "rows": unmapped_rows(r, c),
    }


def decision_rows(document, catalogue: Catalogue) -> list[dict] | None:
    """The document decisions of one file (subject, period, year): each one's value, confidence and evidence
    (the extractor's own words, shown as program text); None when the file was not read that far."""
    if document is None:
        return None
    c, f = catalogue, catalogue.fmt
    none = c.t("audit.decision_none")
    subject = document.subject
    if subject.value is None:
        subject_value = none
    elif document.home != document.city:
        subject_value = f"{c.place(document.home)} ({c.place(document.city)})"
    else:
        subject_value = c.place(document.city)
    months = document.period.value
    values = {
        "subject": subject_value,
        "period": f.period(int(months), True) if months else none,
        "year": str(document.year.value) if document.year.value is not None else none,
    }
    return [
        {
            "label": c.t(f"audit.decision_{name}"),
            "value": values[name],
            "confidence": f"{decision.confidence:.2f}",
            "evidence": decision.evidence,
        }
        for name, decision in (("subject", subject), ("period", document.period), ("year", document.year))
    ]


class AuditSection:
    def audit_html(self) -> str:
        return audit_html(self.a.dataset, self.c, self.a.region)


SECTIONS = (Section("audit", parts=lambda r: [r.audit_html()]),)
