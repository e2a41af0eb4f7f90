"""The county comparison as typed values, and its JSON object (the ``jzanalysis compare --json`` contract).

:meth:`CountyComparison.to_json` writes the keys, in their order, that the command has always written;
:meth:`CountyComparison.from_json` reads such an object back (a stored result, a tool's output).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..metrics import METRICS
from ..regions import Region
from .expected import BASIS_CODES, BASIS_NAMES
from .glm import PoissonGLM

HOMOGENEITY_TEST = "Pearson chi-square against expected shares"
OVERDISPERSION_METHOD = (
    "Spiegelhalter (2005): φ = mean z² (z winsorised ⌊10%·n⌋ per tail); "
    "funnel limits' distance from 1 multiplied by √φ when φ > 1"
)
_ADMINISTRATIVE = ("县", "市", "区")  # unit kinds a city's bulletin lists county by county


@dataclass(frozen=True)
class CountyRow:
    """One county of the comparison (JSON keys in brackets where they differ)."""

    name: str  # [region]
    value: float  # 个
    share: float  # of the counties' total
    share_of_city: float  # of the city total (NaN when that is 0)
    ci95: tuple[float, float]  # exact (Garwood) Poisson interval of the count
    expected: float
    ratio: float  # observed ÷ expected [oe]
    ratio_ci95: tuple[float, float]  # [oe_ci95]
    position: str  # inside | above95 | below95 | above998 | below998 [funnel]
    limits: dict[str, float]  # lo998, lo95, hi95, hi998 [funnel_limits]
    rank: int  # 1 = largest; ties share the smallest rank
    tied: bool  # another county has the same rank
    rank_interval: tuple[int, int]
    plan: float | None  # the county's annual plan
    on_schedule: bool | None  # at least plan × time progress (按进度); None without its own plan
    behind: bool | None  # even the upper 95% limit is below 按进度 [behind_schedule_evidence]
    expected_from: str  # plan | city plan remainder | observed remainder | prior share | equal share
    note: str | None

    @property
    def flagged(self) -> bool:
        """Outside the funnel's 95% limits, or clearly behind its plan."""
        return self.position != "inside" or bool(self.behind)

    def to_json(self) -> dict:
        return {
            "region": self.name,
            "value": self.value,
            "share": self.share,
            "ci95": list(self.ci95),
            "expected": self.expected,
            "oe": self.ratio,
            "oe_ci95": list(self.ratio_ci95),
            "funnel": self.position,
            "funnel_limits": dict(self.limits),
            "rank": self.rank,
            "rank_interval": list(self.rank_interval),
            "on_schedule": self.on_schedule,
            "behind_schedule_evidence": self.behind,
            "plan": self.plan,
            "expected_from": self.expected_from,
            "note": self.note,
        }


@dataclass(frozen=True)
class Homogeneity:
    """Pearson χ² of the observed counts against the expected ones rescaled to the observed total."""

    chi2: float
    df: int
    p: float


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's φ and whether the funnel limits were widened by √φ."""

    phi: float
    phi_raw: float  # without winsorising
    winsorised_per_tail: int
    widened: bool

    @property
    def limit_factor(self) -> float:
        return math.sqrt(self.phi if self.widened else 1.0)


@dataclass(frozen=True)
class BatchSigning:
    """A county's end-of-June batch signings (the bulletins' 6月底集中签约), with the quote."""

    region: str
    value: float
    quote: str | None


@dataclass(frozen=True)
class CountyComparison:
    """A county comparison of a count metric for January..``as_of`` of ``year``
    (:func:`jzanalysis.compare.compare_counties`)."""

    metric: str
    city: str
    year: int
    as_of: int
    city_total: float
    counties_sum: float  # [counties_total]
    rows: tuple[CountyRow, ...]  # largest first; ties in the data's order [counties]
    basis: str  # plan | prior | equal [expected_basis_code]
    detail: dict  # the numbers the basis is worded with [expected_detail]
    homogeneity: Homogeneity
    glm: PoissonGLM
    overdispersion: Overdispersion
    batch: tuple[BatchSigning, ...]  # [context.batch_signings_june]
    missing: tuple[str, ...] = ()  # the city's units the data does not list (not in the JSON)

    @property
    def unit(self) -> str:
        return METRICS[self.metric].unit

    @property
    def phi(self) -> float:
        """Spiegelhalter's overdispersion factor φ (the funnel limits are widened by √φ when it is > 1)."""
        return self.overdispersion.phi

    @property
    def expectations_differ(self) -> bool:
        values = [r.expected for r in self.rows]
        return max(values) - min(values) > 1e-9 * max(1.0, max(values))

    @property
    def unassigned(self) -> float:
        """The part of the city total no listed county holds."""
        return max(self.city_total - self.counties_sum, 0.0)

    def to_json(self) -> dict:
        """The JSON object of ``jzanalysis compare --json`` (without the catalogue's ``expected_basis_zh``)."""
        return {
            **{name: getattr(self, name) for name in ("metric", "city", "year", "as_of", "city_total")},
            "counties_total": self.counties_sum,
            "counties": [r.to_json() for r in self.rows],
            "expected_basis": BASIS_NAMES[self.basis],
            "expected_basis_code": self.basis,
            "expected_detail": dict(self.detail),
            "homogeneity": {**_asdict(self.homogeneity), "test": HOMOGENEITY_TEST},
            "glm": self.glm.to_json(),
            "overdispersion": {
                **_asdict(self.overdispersion),
                "limit_factor": self.overdispersion.limit_factor,
                "method": OVERDISPERSION_METHOD,
            },
            "context": {"batch_signings_june": [_asdict(b) for b in self.batch]},
        }

    @classmethod
    def from_json(cls, obj: dict, region: Region) -> CountyComparison:
        """The comparison of a :meth:`to_json` object (or of the command's JSON) for the city ``region``."""
        total = float(obj["city_total"])
        ranks = [county["rank"] for county in obj["counties"]]
        rows = [row_from_json(county, total, ranks.count(county["rank"]) > 1) for county in obj["counties"]]
        counties_sum = float(obj.get("counties_total", sum(r.value for r in rows)))
        od, h = obj["overdispersion"], obj["homogeneity"]
        batch = (obj.get("context") or {}).get("batch_signings_june") or []
        return cls(
            metric=obj["metric"],
            city=obj.get("city", region.name),
            year=int(obj["year"]),
            as_of=int(obj["as_of"]),
            city_total=total,
            counties_sum=counties_sum,
            rows=tuple(rows),
            basis=obj.get("expected_basis_code") or BASIS_CODES.get(obj["expected_basis"], "equal"),
            detail=dict(obj.get("expected_detail") or {}),
            homogeneity=Homogeneity(float(h["chi2"]), int(h["df"]), float(h["p"])),
            glm=PoissonGLM.from_json(obj["glm"]),
            overdispersion=Overdispersion(od["phi"], od["phi_raw"], od["winsorised_per_tail"], bool(od["widened"])),
            batch=tuple(BatchSigning(b["region"], float(b["value"]), b.get("quote")) for b in batch),
            missing=missing_units(region, {r.name for r in rows}, counties_sum < total - 1e-9),
        )


def as_comparison(result: CountyComparison | dict, region: Region) -> CountyComparison:
    """``result`` typed: a :class:`CountyComparison` as it is, a JSON object read back."""
    return result if isinstance(result, CountyComparison) else CountyComparison.from_json(result, region)


def missing_units(region: Region, listed: set[str], unassigned: bool) -> tuple[str, ...]:
    """The city's counties, districts and county-level cities not in ``listed``; with ``unassigned`` (part of
    the city total is in no listed county) its zones not listed too, as they may hold it."""
    missing = [u.name for u in region.units if u.kind in _ADMINISTRATIVE and u.name not in listed]
    if unassigned:
        missing += [u.name for u in region.units if u.kind not in _ADMINISTRATIVE and u.name not in listed]
    return tuple(missing)


def row_from_json(county: dict, city_total: float, tied: bool = False) -> CountyRow:
    """One county of the JSON object (``counties``) typed."""
    value = float(county["value"])
    return CountyRow(
        name=county["region"],
        value=value,
        share=county["share"],
        share_of_city=value / city_total if city_total > 0 else float("nan"),
        ci95=tuple(county["ci95"]),
        expected=float(county["expected"]),
        ratio=float(county["oe"]),
        ratio_ci95=tuple(county["oe_ci95"]),
        position=county["funnel"],
        limits=dict(county["funnel_limits"]),
        rank=int(county["rank"]),
        tied=tied,
        rank_interval=tuple(county["rank_interval"]),
        plan=county.get("plan"),
        on_schedule=county.get("on_schedule"),
        behind=county.get("behind_schedule_evidence"),
        expected_from=county["expected_from"],
        note=county.get("note"),
    )


def _asdict(value) -> dict:
    """A flat dataclass's fields in their order (dataclasses.asdict would copy nested values deeply)."""
    return {name: getattr(value, name) for name in value.__dataclass_fields__}
