"""The metric lexicon (``lexicon.toml``) as one declarative :class:`Rule` record per metric phrase.

:func:`read_phrase` turns a figure's phrase into :class:`Features` (scope, stage, size floor, object, amount
kind, restrictions, target/comparison marks); :func:`classify` gives the first rule the features meet.

>>> lexicon = load_lexicon()
>>> f = read_phrase("全市新引进亿元以上工业项目", lexicon)
>>> f.stage, f.floor, f.object, f.city_named
('introduce', 100000000.0, 'industrial', True)
>>> classify(f, "个", lexicon).metric
'industrial_projects_100m'
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from ...metrics import METRICS
from . import budget
from .numerals import CN_NUMERAL, number_value

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")


@dataclass(frozen=True)
class Rule:
    """One metric phrase: the conditions a figure's features must meet to be ``metric``."""

    id: str
    metric: str
    units: tuple[str, ...]
    scope: str = "general"
    stage: tuple[str, ...] | None = None  # None: any; "none": not stated
    floor: tuple[float, ...] | None = None  # 0: not stated
    object: tuple[str, ...] | None = None
    kind: tuple[str, ...] | None = None
    population_stage: tuple[str, ...] | None = None
    requires: tuple[str, ...] = ()
    restricted_ok: bool = False
    note: str | None = None
    note_other_year: str | None = None  # "{year}" is replaced by the figure's year


@dataclass(frozen=True)
class Lexicon:
    synonyms: dict[str, str]
    scopes: dict[str, tuple[str, ...]]
    self_references: dict[str, tuple[str, ...]]  # 全市/该县/我区 …: a bulletin's words for its own place
    stages: dict[str, tuple[str, ...]]
    objects: dict[str, tuple[str, ...]]
    kinds: dict[str, tuple[str, ...]]
    restrictions: tuple[str, ...]
    neutral: tuple[str, ...]
    floors: dict[str, float]
    targets: tuple[str, ...]
    comparisons: tuple[str, ...]
    continuations: tuple[str, ...]
    breakdowns: tuple[str, ...]
    rules: tuple[Rule, ...]
    matchers: dict[str, re.Pattern] = field(default_factory=dict, repr=False)
    # phrases repeat (every county of a list, every copy of a reposted text): each is read once
    phrase_cache: dict[str, Features] = field(default_factory=dict, repr=False)
    rule_cache: dict[tuple, Rule | None] = field(default_factory=dict, repr=False)


def one_of_words(words) -> str:
    """The words as one regular-expression alternation, longest first (全开发区 before 全区)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _alternation(words) -> re.Pattern:
    return re.compile(one_of_words(words))


@functools.cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read ``lexicon.toml`` (a one-line :class:`InputError` if it is malformed)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        lexicon = _lexicon_of(data, [_rule_of(raw, path) for raw in data["rule"]])
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path} is not a valid metric lexicon: {exc}") from None
    unknown = [r.metric for r in lexicon.rules if r.metric not in METRICS]
    if unknown:
        raise InputError(f"{path}: rule(s) name unknown metric id(s) {', '.join(unknown)}; add them to metrics.py")
    _build_matchers(lexicon)
    return lexicon


_RULE_KEYS = frozenset(
    {
        "id",
        "metric",
        "units",
        "scope",
        "stage",
        "floor",
        "object",
        "kind",
        "population_stage",
        "requires",
        "restricted_ok",
        "note",
        "note_other_year",
    }
)


def _rule_of(raw: dict, path) -> Rule:
    """One ``[[rule]]`` table as a :class:`Rule` (an InputError names an unknown key)."""
    if set(raw) - _RULE_KEYS:
        raise InputError(f"{path}: rule {raw.get('id')} has unknown key(s) {', '.join(sorted(set(raw) - _RULE_KEYS))}")
    return Rule(
        id=raw["id"],
        metric=raw["metric"],
        units=tuple(raw["units"]),
        scope=raw.get("scope", "general"),
        stage=tuple(raw["stage"]) if "stage" in raw else None,
        floor=tuple(float(x) for x in raw["floor"]) if "floor" in raw else None,
        object=tuple(raw["object"]) if "object" in raw else None,
        kind=tuple(raw["kind"]) if "kind" in raw else None,
        population_stage=tuple(raw["population_stage"]) if "population_stage" in raw else None,
        requires=tuple(raw.get("requires", ())),
        restricted_ok=bool(raw.get("restricted_ok", False)),
        note=raw.get("note"),
        note_other_year=raw.get("note_other_year"),
    )


def _lexicon_of(data: dict, rules: list[Rule]) -> Lexicon:
    """The word lists of ``lexicon.toml`` and its rules, without matchers yet."""
    return Lexicon(
        synonyms=dict(data["synonyms"]),
        scopes={k: tuple(v) for k, v in data["scopes"].items()},
        self_references={k: tuple(v) for k, v in data["self_references"].items()},
        stages={k: tuple(v) for k, v in data["stages"].items()},
        objects={k: tuple(v) for k, v in data["objects"].items()},
        kinds={k: tuple(v) for k, v in data["amount_kinds"].items()},
        restrictions=tuple(data["restrictions"]["words"]),
        neutral=tuple(data["neutral"]["words"]),
        floors={k: float(v) for k, v in data["floors"].items()},
        targets=tuple(data["targets"]["words"]),
        comparisons=tuple(data["comparisons"]["words"]),
        continuations=tuple(data["continuations"]["words"]),
        breakdowns=tuple(data["continuations"]["breakdowns"]),
        rules=tuple(rules),
    )


def _build_matchers(lexicon: Lexicon) -> None:
    """Fill ``lexicon.matchers``: one longest-first alternation per word group, and the target, continuation
    and breakdown patterns."""
    matchers = lexicon.matchers
    for name, groups in (
        ("scope", lexicon.scopes),
        ("stage", lexicon.stages),
        ("object", lexicon.objects),
        ("kind", lexicon.kinds),
    ):
        matchers[name] = _alternation(w for words in groups.values() for w in words)
    matchers["restriction"] = _alternation(lexicon.restrictions)
    matchers["neutral"] = _alternation(lexicon.neutral)
    matchers["floor_word"] = _alternation(lexicon.floors)
    matchers["synonym"] = _alternation(lexicon.synonyms)
    matchers["comparison"] = _alternation(lexicon.comparisons)
    # 计划/目标 followed by 的, a digit or % is progress ("完成全年计划的71.6%"), not a target
    # …and 计划总投资 is the planned investment of signed projects, an amount, not a target
    targets = [
        re.escape(w)
        + (r"(?!(?:任务|计划)?[的\d%]|总投资|投资)" if w in ("计划", "目标") else "")
        + (r"(?!引资)" if w == "拟" else "")  # 拟引资 of signed projects is an amount, not a plan
        for w in lexicon.targets
    ]
    matchers["target"] = re.compile("|".join(targets))
    matchers["continuation"] = re.compile(r"^[\s、,，:：]*(?:" + "|".join(map(re.escape, lexicon.continuations)) + ")")
    matchers["breakdown"] = re.compile("|".join(f"(?:{p})" for p in lexicon.breakdowns))


def group_of(word: str, groups: dict[str, tuple[str, ...]]) -> str:
    return next(name for name, words in groups.items() if word in words)


# "10亿元以上", "5000万元及以上", "1亿元以上", "十亿元以上"; a band "5-10亿元" is no floor.
# Linear: a run of digits, numerals or spaces is tried from its first character only ((?<!…) before it), not
# again from each character inside it (a phrase of 100,000 spaces once took a minute).
_FLOOR_RE = re.compile(
    rf"(?:(?<!\d)(?P<n>\d+(?:\.\d+)?)|(?<!{CN_NUMERAL[:-1]})(?P<cn>{CN_NUMERAL})|(?<!\s))"
    r"\s*(?P<u>亿|千万|万)元?(?:人民币)?(?:及其以上|及以上|以上|\+)"
)
_OVER_RE = re.compile(rf"(?:过|超过|超)(?P<n>\d+(?:\.\d+)?|{CN_NUMERAL})?\s*(?P<u>亿|千万|万)元?(?:级)?(?=[^元\d]|$)")
# …and a bare size class before its count ("50亿元1个": about 50亿元, neither a floor nor a band's bounds).
# Linear: a digit run is tried from its first digit only, and the spaces around a unit are one \s* each.
_BAND_RE = re.compile(
    r"(?<!\d)\d+(?:\.\d+)?\s*(?:(?:亿|万)元?\s*)?[-—–~至到]\s*\d+(?:\.\d+)?\s*(?:亿|万)元|不含\d"
    r"|(?<![\d.])\d+(?:\.\d+)?\s*(?:亿|万)元$"
)
_QUALIFIER_RE = re.compile(r"(?P<q>近|约|逾|愈|超过|超|达到|达)$")
_QUALIFIERS = {
    "近": "approx",
    "约": "approx",
    "逾": "more_than",
    "愈": "more_than",
    "超过": "more_than",
    "超": "more_than",
}
_UNIT_VALUE = {"亿": 1e8, "千万": 1e7, "万": 1e4}


@dataclass(frozen=True)
class Features:
    """What a figure's phrase says (None: the phrase does not say; filled from the figure it continues)."""

    text: str = ""
    scope: str | None = None  # general, resident, leader, city_own, grouping
    city_named: bool = False  # 全市/我市/the city's name
    unit_self: bool = False  # 全区/我县: a district or zone speaking of itself
    stage: str | None = None
    floor: float | None = None  # 元; None = not stated
    band: bool = False  # 5-10亿元: a band, not a floor
    object: str | None = None
    kind: str | None = None
    restrictions: tuple[str, ...] = ()
    target: str | None = None  # the target word
    comparison: bool = False
    subset: bool = False  # 其中 …
    qualifier: str | None = None


def normalise(text: str, lexicon: Lexicon) -> str:
    """``text`` with content-farm synonyms replaced (出资 → 投资, 完结 → 完成); same length when synonyms are."""
    return lexicon.matchers["synonym"].sub(lambda m: lexicon.synonyms[m.group(0)], text)


def read_phrase(text: str, lexicon: Lexicon) -> Features:
    """The features a figure's phrase states (see :class:`Features`)."""
    budget.check()  # read once per figure: the budget holds inside a sentence of many figures
    cached = lexicon.phrase_cache.get(text)
    if cached is None:
        if len(lexicon.phrase_cache) > 50_000:
            lexicon.phrase_cache.clear()
        cached = lexicon.phrase_cache[text] = _read_phrase(text, lexicon)
    return cached


def _read_phrase(text: str, lexicon: Lexicon) -> Features:
    text = normalise(text, lexicon)
    m = lexicon.matchers
    scope = None
    city_named = unit_self = False
    for match in m["scope"].finditer(text):
        group = group_of(match.group(0), lexicon.scopes)
        if group == "city":
            city_named, scope = True, scope or "general"
        elif group == "unit":
            unit_self, scope = True, scope or "general"
        else:
            scope = group
    stages = {group_of(x.group(0), lexicon.stages) for x in m["stage"].finditer(text)}
    stage = next((s for s in lexicon.stages if s in stages), None)
    floor = None
    band = bool(_BAND_RE.search(text))
    if not band:
        for match in _FLOOR_RE.finditer(text):
            number = match.group("n") or match.group("cn")
            floor = (number_value(number) if number else 1.0) * _UNIT_VALUE[match.group("u")]
        if floor is None:
            for match in _OVER_RE.finditer(text):  # 过亿元, 过10亿元, 过百亿元
                number = match.group("n")
                floor = (number_value(number) if number else 1.0) * _UNIT_VALUE[match.group("u")]
        if floor is None:
            words = [lexicon.floors[x.group(0)] for x in m["floor_word"].finditer(text)]
            floor = max(words) if words else None
    objects = {group_of(x.group(0), lexicon.objects) for x in m["object"].finditer(text)}
    obj = next((o for o in ("all", "industrial", "firm", "project") if o in objects), None)
    kinds = [x.group(0) for x in m["kind"].finditer(text)]
    kind = group_of(kinds[-1], lexicon.kinds) if kinds else None
    # objects ("工业项目和生产性服务业项目") and neutral compounds ("省外资金") restrict nothing
    masked = m["neutral"].sub(lambda x: "□" * len(x.group(0)), m["object"].sub(lambda x: "□" * len(x.group(0)), text))
    restrictions = tuple(dict.fromkeys(x.group(0) for x in m["restriction"].finditer(masked)))
    # …but a restriction that names its object ("市重大项目": a list by designation) is read unmasked
    unmasked = m["neutral"].sub(lambda x: "□" * len(x.group(0)), text)
    named = [x.group(0) for x in m["restriction"].finditer(unmasked) if m["object"].search(x.group(0))]
    restrictions = tuple(dict.fromkeys((*restrictions, *named)))
    target = m["target"].search(text)
    qualifier = _QUALIFIER_RE.search(text)
    return Features(
        text=text,
        scope=scope,
        city_named=city_named,
        unit_self=unit_self,
        stage=stage,
        floor=floor,
        band=band,
        object=obj,
        kind=kind,
        restrictions=restrictions,
        target=target.group(0) if target else None,
        comparison=bool(m["comparison"].search(text)),
        subset=text.lstrip(" ,，、(（").startswith("其中"),
        qualifier=_QUALIFIERS.get(qualifier.group("q")) if qualifier else None,
    )


def is_breakdown(sentence: str, lexicon: Lexicon) -> bool:
    """True when ``sentence`` opens by breaking a figure down by county ("分县市区看，…", "从各地情况看，…")."""
    return bool(lexicon.matchers["breakdown"].search(sentence.lstrip(" \t\u3000（(一二三四五六七八九十、)）.")))


def is_continuation(sentence: str, lexicon: Lexicon) -> bool:
    """True when ``sentence`` opens with a word that continues the sentence before it (其中, 分别为, 从各县市区…)."""
    return bool(lexicon.matchers["continuation"].match(sentence))


def classify(features: Features, unit: str, lexicon: Lexicon, population_stage: str | None = None) -> Rule | None:
    """The first rule whose conditions ``features`` meet for a figure in ``unit``, else None."""
    key = (features, unit, population_stage)
    if key not in lexicon.rule_cache:
        if len(lexicon.rule_cache) > 50_000:
            lexicon.rule_cache.clear()
        lexicon.rule_cache[key] = _classify(features, unit, lexicon, population_stage)
    return lexicon.rule_cache[key]


def _classify(features: Features, unit: str, lexicon: Lexicon, population_stage: str | None) -> Rule | None:
    for rule in lexicon.rules:
        if unit not in rule.units:
            continue
        if (features.scope if features.scope in ("resident", "leader") else "general") != rule.scope:
            continue
        if features.restrictions and not rule.restricted_ok:
            continue
        if rule.stage is not None and (features.stage or "none") not in rule.stage:
            continue
        if rule.floor is not None and (features.band or (features.floor or 0.0) not in rule.floor):
            continue
        if rule.object is not None and features.object not in rule.object:
            continue
        if rule.kind is not None and features.kind not in rule.kind:
            continue
        if rule.population_stage is not None and population_stage not in rule.population_stage:
            continue
        if any(word not in features.text for word in rule.requires):
            continue
        return rule
    return None
