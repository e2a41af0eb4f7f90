"""Registry of Jingzhou's county-level units: one canonical name, every alias the bulletins use.

Extraction and every table go through :func:`resolve`, so a county is never compared with itself
under two names. Unknown names are reported by the caller, never dropped silently.

>>> resolve("荆州经开区").name
'荆州开发区'
>>> resolve("监利市").name
'监利县'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import InputError
from .settings import CITY


@dataclass(frozen=True)
class County:
    """A county-level unit. ``name`` is canonical; ``aliases`` are other names seen in bulletins."""

    name: str
    kind: str  # 县, 市 (county-level city), 区 (district), 开发区 (development zone)
    aliases: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""

    def display_name(self, year: int | None = None) -> str:
        """Name to show for figures of ``year``: 监利县 became 监利市 in 2020."""
        if self.name == "监利县" and year is not None and year >= 2020:
            return "监利市"
        return self.name


COUNTIES: tuple[County, ...] = (
    County("公安县", "县"),
    County("监利县", "县", ("监利市", "监利"), "2020年撤县设市, 之后称监利市"),
    County("石首市", "市", ("石首",)),
    County("洪湖市", "市", ("洪湖",)),
    County("松滋市", "市", ("松滋",)),
    County("江陵县", "县", ("江陵",)),
    County("沙市区", "区", ("沙市",)),
    County(
        "荆州区", "区",
        ("荆州区(含华中农高区)", "荆州区（含华中农高区）", "荆州区含华中农高区"),
        "bulletins may include 华中农高区 in 荆州区 (含华中农高区)",
    ),
    County("荆州开发区", "开发区", ("荆州经开区", "荆州经济技术开发区", "开发区", "经开区")),
)

_BY_NAME: dict[str, County] = {}
for _county in COUNTIES:
    for _alias in (_county.name, *_county.aliases):
        _BY_NAME[_alias] = _county

COUNTY_NAMES: tuple[str, ...] = tuple(c.name for c in COUNTIES)

# Ways the whole city is named; the canonical region for city totals is settings.CITY.
CITY_ALIASES = ("荆州市", "全市", "荆州")


def resolve(name: str) -> County | None:
    """The county that ``name`` (canonical or alias, surrounding spaces ignored) refers to, else None."""
    return _BY_NAME.get(name.strip())


def lookup_region(name: str) -> str | None:
    """Canonical region for ``name`` (the city for 全市/荆州, a county's canonical name), else None.

    >>> lookup_region("全市"), lookup_region("荆州经开区"), lookup_region("荆州新区")
    ('荆州市', '荆州开发区', None)
    """
    stripped = str(name).strip()
    if stripped in CITY_ALIASES:
        return CITY
    county = resolve(stripped)
    return county.name if county is not None else None


def canonical_region(name: str) -> str:
    """Canonical region for ``name``: the city, or a county's canonical name.

    Raises :class:`InputError` naming the region when it is neither, so a typo in ``--region`` or a
    plans file is one clear line rather than an empty table.
    """
    stripped = name.strip()
    if stripped in CITY_ALIASES:
        return CITY
    county = resolve(stripped)
    if county is None:
        allowed = "、".join((CITY, *COUNTY_NAMES))
        raise InputError(f"unknown region {stripped!r}: not in the county registry; allowed: {allowed} (or an alias)")
    return county.name


def is_county(region: str) -> bool:
    """True for a canonical county name (not the city)."""
    return region in COUNTY_NAMES
