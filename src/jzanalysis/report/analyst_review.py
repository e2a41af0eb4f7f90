"""The data audit's review section: what the analyst's corrections file did, and the figures to confirm.

The computation is in :mod:`jzanalysis.corrections` (applied where bulletins are loaded); this renders it in
the catalogue's words.
"""

from __future__ import annotations

import pandas as pd

from .. import settings
from ..corrections import to_confirm_facts
from ..metrics import get_metric
from .catalog import Catalogue
from .sections import render


def _value(c: Catalogue, value, unit) -> str:
    return "" if value is None or pd.isna(value) else c.fmt.stated(float(value), unit if isinstance(unit, str) else "")


def _before_after(c: Catalogue, applied) -> str:
    """The fact's value, and what a correction made of it (798亿元 → 789亿元)."""
    before = _value(c, applied.fact["value"], applied.fact["unit"])
    change = applied.entry.set.fields() if applied.entry.set else {}
    if "value" not in change and "metric" not in change:
        return before
    unit = get_metric(change.get("metric") or applied.fact["metric"]).unit
    return f"{before} → {_value(c, change.get('value', applied.fact['value']), unit)}"


def review_html(dataset, catalogue: Catalogue) -> str:
    """The corrections file (name, sha256, entries), each entry applied with the fact it found and what it
    changed, the entries that changed nothing (with why), and every fact still marked "to confirm"."""
    c = catalogue
    fixes = getattr(dataset, "corrections", None)
    applied = not_applied = None
    other_files = ""
    if fixes is None:
        file_line = c.t("corrections.no_file", file=settings.CORRECTIONS_PATH.name)
    else:
        file_line = c.t(
            "corrections.file", file=fixes.corrections.name, sha=fixes.sha256 or "", n=len(fixes.corrections.entries)
        )
        found = [a for a in fixes.applied if a.fact is not None]
        if found:
            applied = {
                "columns": [
                    {"label": c.t(f"corrections.col_{k}"), "cls": "text" if k in ("action", "change", "note") else ""}
                    for k in ("entry", "action", "region", "metric", "value", "change", "quote", "note")
                ],
                "rows": [
                    [
                        str(a.number),
                        c.t(f"corrections.{a.entry.action}"),
                        c.place(a.fact["region"]),
                        c.metric(a.fact["metric"]),
                        _before_after(c, a),
                        {"text": a.correction, "cls": "text"},
                        {"text": a.fact["quote"], "quote": True, "cls": "text"},
                        {"text": a.entry.note or "", "quote": bool(a.entry.note), "cls": "text"},
                    ]
                    for a in found
                ],
            }
        not_applied = fixes.warnings
        if fixes.other_files:
            other_files = c.t("corrections.other_files", entries=c.join(str(a.number) for a in fixes.other_files))
    doubtful = to_confirm_facts(dataset.facts)
    to_confirm = None
    if not doubtful.empty:
        to_confirm = {
            "columns": [
                {"label": c.t(f"corrections.col_{k}")} for k in ("region", "metric", "value", "confidence", "quote")
            ],
            "rows": [
                [
                    c.place(r.region),
                    c.metric(r.metric),
                    _value(c, r.value, r.unit) + " " + c.t("corrections.to_confirm"),
                    f"{r.confidence:.2f}",
                    {"text": r.quote, "quote": True, "cls": "text"},
                ]
                for r in doubtful.itertuples()
            ],
        }
    return render(
        "analyst_review",
        heading=c.t("corrections.heading"),
        file_line=file_line,
        applied_heading=c.t("corrections.applied_heading"),
        applied=applied,
        not_applied_heading=c.t("corrections.not_applied_heading"),
        not_applied=not_applied,
        other_files=other_files,
        to_confirm_heading=c.t("corrections.to_confirm_heading", threshold=f"{settings.CONFIRM_BELOW:g}"),
        to_confirm=to_confirm,
        to_confirm_none=c.t("corrections.to_confirm_none"),
    )
