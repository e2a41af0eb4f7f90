"""What a region profile may hold, checked when it is loaded and by ``jzanalysis regions check``.

A profile's names are matched in bulletins, shown in reports (HTML, a PDF page header in CSS) and put in
file names: each is a place name of 2–40 characters (Chinese characters, Latin letters, a space, ·, ', -,
brackets), never empty, never a word every bulletin uses for the city or a group of counties (全市, 各县市区:
the lexicon's scope words), never the city's own name for a unit. Years are whole numbers 1949–2100. A
mistake is one line naming the file, the field and what is allowed (:func:`validate`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from .national import divisions

LEXICON_PATH = Path(__file__).resolve().parents[1] / "sources" / "extract" / "lexicon.toml"

UnitKindName = Literal["县", "市", "区", "开发区", "高新区", "新区", "管理区", "园区"]
FIRST_YEAR, LAST_YEAR = 1949, 2100

_NAME_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z·'’ ()（）\-]{2,40}")
_HAS_LETTER_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z]")
_EN_RE = re.compile(r"[A-Za-z][A-Za-z'’ .()\-–]{0,79}")
_CODE_RE = re.compile(r"\d{6}(?:\d{6})?")
NAME_RULE = (
    "a place name of 2–40 characters: Chinese characters or Latin letters, with at most a space, ·, ', - or "
    "brackets (no digits, no markup, no line breaks)"
)
EN_RULE = "an English name of 1–80 characters: Latin letters, spaces and ' . - ( ) (starting with a letter)"
NOTE_RULE = "one line of text of at most 200 characters"


@functools.cache
def generic_words() -> frozenset[str]:
    """Words every bulletin uses for the city, a unit speaking of itself or a group of counties (the
    lexicon's scopes city, unit, city_own and grouping), unless a county-level unit of China has that name
    (新城区 is a group of districts and a district of 西安市): never a unit's or a city's name."""
    try:
        scopes = tomllib.loads(LEXICON_PATH.read_text(encoding="utf-8"))["scopes"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):  # the lexicon's own check reports a broken lexicon
        return frozenset()
    words = {w for key in ("city", "unit", "city_own", "grouping") for w in scopes.get(key, ())}
    units = {unit[0] for entry in divisions().values() for unit in entry["units"]}
    return frozenset(words - units)


def _name(value: str) -> str:
    if value != value.strip():
        raise ValueError(f"{NAME_RULE}; got {value!r}, with spaces around it")
    if not _NAME_RE.fullmatch(value) or not _HAS_LETTER_RE.search(value):
        raise ValueError(f"{NAME_RULE}; got {value!r}")
    if value in generic_words():
        raise ValueError(f"{value!r} is a word every bulletin uses (for the city or a group of counties), not a name")
    return value


def _optional_name(value: str) -> str:
    return _name(value) if value != "" else value


def _short(value: str) -> str:
    """A short form is matched only as a whole list item: it may be a word (全州 of 全州县) or the city's."""
    if value and (value != value.strip() or not _NAME_RE.fullmatch(value) or not _HAS_LETTER_RE.search(value)):
        raise ValueError(f"{NAME_RULE} (or empty); got {value!r}")
    return value


def _en(value: str) -> str:
    if value and not _EN_RE.fullmatch(value):
        raise ValueError(f"{EN_RULE}; got {value!r}")
    return value


def _note(value: str) -> str:
    if len(value) > 200 or any(not ch.isprintable() for ch in value):
        raise ValueError(f"{NOTE_RULE}; got {value[:40]!r}")
    return value


def _code(value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return value  # the str type check below reports it
    text = str(value)
    if text and not _CODE_RE.fullmatch(text):
        raise ValueError(f"a division code of 6 or 12 digits; got {value!r}")
    return text


Name = Annotated[str, Field(strict=True), AfterValidator(_name)]
OptionalName = Annotated[str, Field(strict=True), AfterValidator(_optional_name)]
Names = Annotated[list[Name], Field(strict=True)]
Short = Annotated[str, Field(strict=True), AfterValidator(_short)]
English = Annotated[str, Field(strict=True), AfterValidator(_en)]
Note = Annotated[str, Field(strict=True), AfterValidator(_note)]
Code = Annotated[str, BeforeValidator(_code), Field(strict=True)]
Year = Annotated[int, Field(strict=True, ge=FIRST_YEAR, le=LAST_YEAR)]


class EraModel(BaseModel):
    """A name a unit had in some years (``since``/``until`` inclusive)."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    since: Year | None = None
    until: Year | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"since ({self.since}) must not be after until ({self.until})")
        return self


class UnitModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    kind: UnitKindName | None = None
    en: English = ""
    aliases: Names = []
    short: Short = ""
    eras: Annotated[list[EraModel], Field(strict=True)] = []
    note: Note = ""
    code: Code = ""


class ProfileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    province: OptionalName = ""
    code: Code = ""
    en: English = ""
    aliases: Names = []
    media: Names = []
    units: Annotated[list[UnitModel], Field(strict=True)] = []

    @model_validator(mode="after")
    def _units_are_not_the_city(self):
        city = {self.name, *self.aliases}
        for i, unit in enumerate(self.units, 1):
            for name in (unit.name, *unit.aliases, *(e.name for e in unit.eras)):
                if name in city:
                    raise ValueError(f"unit {i} ({unit.name}) has the city's own name {name!r}; a unit's names differ")
        return self


def validate(data: dict, where: str) -> ProfileModel:
    """``data`` (a profile file's TOML) checked, or a one-line :class:`InputError`: "``where``: FIELD: what is
    allowed, got what"."""
    try:
        return ProfileModel.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{where}: {_one_line(exc.errors()[0], data)}") from None


_FIELD_RULES = {
    "name": NAME_RULE,
    "short": NAME_RULE + " (or empty)",
    "province": NAME_RULE + " (or empty)",
    "aliases": 'a list of names, e.g. aliases = ["荆州", "Jingzhou"]',
    "media": 'a list of names, e.g. media = ["荆州日报"]',
    "units": "a list of [[units]] tables",
    "eras": 'a list of eras, e.g. eras = [{ name = "监利市", since = 2020 }]',
    "en": EN_RULE,
    "note": NOTE_RULE,
    "code": "a division code of 6 or 12 digits",
    "since": f"a year, a whole number {FIRST_YEAR}–{LAST_YEAR}",
    "until": f"a year, a whole number {FIRST_YEAR}–{LAST_YEAR}",
    "kind": "one of 县, 市, 区, 开发区, 高新区, 新区, 管理区, 园区",
}
_ALLOWED_KEYS = {
    (): "name, province, code, en, aliases, media, units",
    ("units",): "name, kind, en, aliases, short, eras, note, code",
    ("units", "eras"): "name, since, until",
}


def _field_path(loc: tuple, data) -> str:
    """``units[3] (公安县).aliases[1]``: 1-based, as a person counts the [[units]] tables of the file."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            named = node[part].get("name") if isinstance(node, list) and isinstance(node[part], dict) else None
            shown = f" ({named})" if isinstance(named, str) and named.isprintable() and 0 < len(named) <= 40 else ""
            parts[-1] = f"{parts[-1]}[{part + 1}]{shown}" if parts else f"[{part + 1}]"
        else:
            parts.append(str(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def _one_line(error: dict, data: dict) -> str:
    loc = tuple(p for p in error["loc"] if p not in ("function-after[_name()]",))
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        parent = tuple(p for p in loc[:-1] if isinstance(p, str))
        allowed = _ALLOWED_KEYS.get(parent, "")
        return f"{_field_path(loc[:-1], data) or 'the profile'}: unknown key {loc[-1]!r}; allowed: {allowed}"
    if kind == "missing":
        return f"{_field_path(loc, data)}: missing; a profile and each unit and era need a name"
    field = next((p for p in reversed(loc) if isinstance(p, str) and p in _FIELD_RULES), None)
    where = _field_path(loc, data) or "the profile"
    shown = _shown(value)
    if kind == "value_error" or kind == "assertion_error":
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    if field in ("aliases", "media", "units", "eras") and isinstance(value, str):
        return f"{where}: {_FIELD_RULES[field]}; got the text {shown}, not a list"
    rule = _FIELD_RULES.get(field or "", error["msg"])
    return f"{where}: {rule}; got {shown}"


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
