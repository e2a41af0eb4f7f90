"""Reconciling the figures of one bulletin: repeats, a figure and its parts, conflicts, county sums.

- The same key (year, months, region, metric) with the same value is one fact with the first quote; its
  plan share and growth are taken from whichever statement gives them.
- A figure and a part of it read under one metric ("到位资金2204.6亿元" of all projects and "1849.14亿元" of
  the 亿元以上 ones; a 其中 clause; a figure said to be a share of another) keep the widest; the parts are
  reported as not mapped.
- A rounded headline and the exact figure (690亿元, 690.85亿元) are one figure: the exact one is kept.
- A figure stated under a metric and under a variant of it (招引…267个 and 新签约…267个: ``projects_100m`` and
  its family member ``projects_signed_100m``) is one figure, kept under the family's own id.
- A value the text states as the metric (协议引资额, 拟引资) stands before a different one read through its
  projects (签约项目…总投资).
- Two different values of equal standing are a conflict: both are left out and reported, never averaged.
"""

from __future__ import annotations

import math

from ...metrics import METRICS
from ...notes import Note
from ...regions import Region
from .items import Unmapped
from .lexicon import load_lexicon


def _same_figure(a: float, b: float) -> bool:
    """True when ``a`` and ``b`` are one figure written at two precisions (690 and 690.85, 1,368 and 1,368.0)."""
    if a == b:
        return True
    rounded, exact = (a, b) if a == int(a) else (b, a) if b == int(b) else (None, None)
    return rounded is not None and exact != int(exact) and rounded in (math.floor(exact), round(exact))


def reconcile(out, text: str) -> None:
    """Merge repeats, keep the widest figure of each key, report conflicts (see the module docstring)."""
    _merge_variants(out)
    by_key: dict[tuple, list] = {}
    for fact in out.facts:
        by_key.setdefault(fact.key(), []).append(fact)
    kept = []
    for key, facts in by_key.items():
        prose = [f for f in facts if not f.table]
        if prose:  # a table's cell stands where the same figure in the text stands
            widest_prose = min(f.breadth for f in prose)
            for fact in facts:
                if fact.table and any(_same_figure(fact.value, p.value) for p in prose):
                    fact.breadth = widest_prose
        widest = min(f.breadth for f in facts)
        for fact in facts:
            if fact.breadth != widest:
                out.unmapped.append(
                    Unmapped(
                        fact.value,
                        "",
                        fact.phrase or "",
                        Note("unmapped.wider_figure"),
                        fact.start,
                        fact.end,
                    )
                )
        candidates = _stated_over_derived([f for f in facts if f.breadth == widest], out)
        first = candidates[0]
        values: list = [first]
        for fact in candidates[1:]:
            match = next(
                (v for v in values if _same_figure(v.value, fact.value) and v.qualifier == fact.qualifier), None
            )
            if match is None:
                values.append(fact)
                continue
            if match.value == int(match.value) and fact.value != int(fact.value):  # the exact one wins
                fact.plan_pct = fact.plan_pct if fact.plan_pct is not None else match.plan_pct
                fact.yoy_pct = fact.yoy_pct if fact.yoy_pct is not None else match.yoy_pct
                values[values.index(match)] = fact
            else:
                match.plan_pct = match.plan_pct if match.plan_pct is not None else fact.plan_pct
                match.yoy_pct = match.yoy_pct if match.yoy_pct is not None else fact.yoy_pct
        if len(values) == 1:
            kept.append(values[0])
            continue
        conflict = {
            "key": key,
            "year": key[0],
            "months": key[1],
            "region": key[2],
            "metric": key[3],
            "values": [v.value for v in values],
            "quotes": [text[v.start : v.end] for v in values],
        }
        out.conflicts.append(conflict)
        shown = " and as ".join(f"{v.value:g}" for v in values)
        fields = {"region": key[2], "metric": key[3], "year": key[0], "months": key[1], "shown": shown}
        out.notes.append(Note("conflict", fields))
    order = {id(f): i for i, f in enumerate(out.facts)}
    out.facts = sorted(kept, key=lambda f: order[id(f)])


def _stated_over_derived(facts: list, out) -> list:
    """Facts whose rule reads the metric from the amount's own words (协议引资额, 拟引资) stand before different
    values whose rule reads it only through the stage of their projects (签约项目…总投资): "已签约项目241个,
    总投资3124亿元,拟引资2492亿元" is 2492 stated and 3124 derived; the derived one is reported, not a conflict."""
    derived_ids = {r.id for r in load_lexicon().rules if r.population_stage is not None}
    stated = [f for f in facts if f.rule not in derived_ids]
    derived = [f for f in facts if f.rule in derived_ids]
    if not stated or not derived:
        return facts
    kept = list(stated)
    for fact in derived:
        if any(_same_figure(s.value, fact.value) for s in stated):
            kept.append(fact)  # the same figure stated twice: merged below
            continue
        out.unmapped.append(
            Unmapped(fact.value, "", fact.phrase or "", Note("unmapped.beside_stated"), fact.start, fact.end)
        )
    order = {id(f): i for i, f in enumerate(facts)}
    return sorted(kept, key=lambda f: order[id(f)])


def _merge_variants(out) -> None:
    """A variant's fact (its metric's ``family`` is another id) with the same value as a fact of that id, for
    the same year, months and region, is that fact stated twice: merged into it (plan share, growth kept)."""
    family = {m.id: m.family_id for m in METRICS.values() if m.family}
    if not any(f.metric in family for f in out.facts):
        return
    heads = {}
    for fact in out.facts:
        if fact.metric not in family:
            heads.setdefault((fact.year, fact.months, fact.region, fact.metric), []).append(fact)
    kept = []
    for fact in out.facts:
        if fact.metric in family:
            key = (fact.year, fact.months, fact.region, family[fact.metric])
            match = next((h for h in heads.get(key, ()) if _same_figure(h.value, fact.value)), None)
            if match is not None:
                match.plan_pct = match.plan_pct if match.plan_pct is not None else fact.plan_pct
                match.yoy_pct = match.yoy_pct if match.yoy_pct is not None else fact.yoy_pct
                continue
        kept.append(fact)
    out.facts = kept


def check_unit_sums(out, region: Region | None, city: str) -> None:
    """County figures must not sum to more than the city's figure, and where every county, district and
    county-level city of the profile has one, they must sum to it (zones may be listed apart)."""
    administrative = {u.name for u in region.units if u.kind in ("县", "市", "区")} if region is not None else set()
    by_key: dict[tuple, dict[str, float]] = {}
    totals: dict[tuple, float] = {}
    for fact in out.facts:
        key = (fact.year, fact.months, fact.metric)
        if fact.region == city:
            totals[key] = fact.value
        else:
            by_key.setdefault(key, {})[fact.region] = fact.value
    for key, units in by_key.items():
        if key not in totals:
            continue
        total = sum(units.values())
        complete = administrative and administrative <= set(units)
        if total > totals[key] + 1e-9 or (complete and abs(total - totals[key]) > 1e-9):
            fields = {"metric": key[2], "year": key[0], "months": key[1], "total": total, "city_total": totals[key]}
            out.notes.append(Note("sums", fields))
