"""Numbers as bulletins write them, and the quantities (number + unit) a sentence states.

Every pattern here starts a match only where a number starts (a look-behind rejects positions inside a
digit run), so scanning is linear in the text even for a megabyte of digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import budget

NUM = r"\d+(?:\.\d+)?"
CN_NUMERAL = r"[零〇一二两三四五六七八九十百千万]+"
CN_DECIMAL = rf"{CN_NUMERAL}(?:点[零〇一二三四五六七八九]+)?"
# 71.6%, 百分之七十一点六, or tenths: 七成 = 70%, 七成五 = 75%
PCT = rf"(?:{NUM}%|百分之(?:{NUM}|{CN_DECIMAL})|[一二三四五六七八九]成[一二三四五六七八九]?)"
MAX_DIGITS = 15  # a longer digit run is not a figure of a bulletin (and would lose precision as a float)

_CN_DIGIT_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def number_value(token: str) -> float:
    """The value of a number as written: "174", "71.6", "一百七十四", "十二", "一七四" (digit by digit).

    >>> [number_value(t) for t in ("174", "71.6", "一百七十四", "十二", "两千零五", "一七四", "三万二千")]
    [174.0, 71.6, 174.0, 12.0, 2005.0, 174.0, 32000.0]
    >>> [number_value(t) for t in ("七百九十八", "六十一点四", "百分之六十一点四", "71.6%", "1,680", "七成", "七成五")]
    [798.0, 61.4, 61.4, 71.6, 1680.0, 70.0, 75.0]
    >>> number_value("-3.4")  # a table's growth column
    -3.4
    """
    token = token.removeprefix("百分之").removesuffix("%")
    if token[:1] == "-" and token[1:2].isdigit():
        return -number_value(token[1:])
    if "成" in token:  # 七成五: tenths and hundredths, as a percentage
        tenths, _, hundredths = token.partition("成")
        return float(_CN_DIGIT_VALUES[tenths] * 10 + (_CN_DIGIT_VALUES[hundredths] if hundredths else 0))
    if token[0].isdigit():
        return float(token.replace(",", ""))  # 1,680 → 1680
    if "点" in token:  # 六十一点四: the integer part, then the decimals digit by digit
        whole, decimals = token.split("点", 1)
        return number_value(whole) + float("0." + "".join(str(_CN_DIGIT_VALUES[ch]) for ch in decimals))
    if not any(ch in _CN_UNITS or ch == "万" for ch in token):
        return float("".join(str(_CN_DIGIT_VALUES[ch]) for ch in token))
    total = section = digit = 0
    for ch in token:
        if ch in _CN_DIGIT_VALUES:
            digit = _CN_DIGIT_VALUES[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:  # 万
            total += (section + digit) * 10_000
            section = digit = 0
    return float(total + section + digit)


# Units a figure of interest carries. 个百分点 (percentage points) and 亿美元 are read so that they are
# not mistaken for 个 or 亿元; they map to no metric.
# 项 and 宗 after a number ("签约项目62项", "项目56宗") count as 个 does; a bare 亿 ("总投资512.3亿") is 亿元.
UNITS = (
    "个百分点",
    "亿美元",
    "万美元",
    "亿元",
    "万元",
    "批次",
    "人次",
    "个",
    "项",
    "宗",
    "条",
    "次",
    "人",
    "天",
    "家",
    "%",
)
UNITS += ("亿", "倍")  # a bare 亿 after the longer 亿元/亿美元; 倍 of a growth (增长1.2倍 = +120%)
_GROWTH_TIMES_RE = re.compile(r"(?:增长|增加|提高|上升)了?$")
_SAME_UNIT = {"项": "个", "宗": "个", "亿": "亿元"}
_DIGITS = r"(?<![\d.])(?<!\d,)(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?=\s*(?:亿|万))|\d+(?:\.\d+)?)"
_CHINESE = rf"(?<![零〇一二两三四五六七八九十百千万第几])(?:{CN_DECIMAL})"
_QUANTITY_RE = re.compile(
    rf"(?P<num>百分之(?:{NUM}|{CN_DECIMAL})|(?<![零〇一二两三四五六七八九十百千万])[一二三四五六七八九]成[一二三四五六七八九]?(?![本员功立为果绩效])"
    rf"|{_DIGITS}|{_CHINESE})"
    rf"(?P<unit>{'|'.join(UNITS)})?"
)
# A number that is a size floor, a range or an exclusion ("10亿元以上", "5-10亿元", "不含10亿元") is part of
# a phrase, not a figure.
# "前4个月", "21个市（州）": a span of time, or a count of something other than projects
_NOT_COUNTED = re.compile(
    r"月|季度|工作日|小时|星期|年头|百分点|(?:市|县|区|省|州|部门|单位|城市|地区|国家|行业|领域|方面|地方|乡镇|"
    r"街道|专班|小组|团组|批次|场次)(?![\u4e00-\u9fff]{0,6}项目)"
)
# …or a size class that a count follows at once ("其中50亿元1个、10亿元3个": projects of about that size)
# one \s* before the alternatives, none at the start of one: two would share a run of spaces (quadratic)
_FLOOR_AFTER_RE = re.compile(
    r"\s*(?:以上|及以上|及其以上|以下|级|档|规模以上|\+|左右的项目|的?(?:[\u4e00-\u9fff]{0,2})项目|\d+(?:\.\d+)?\s*个(?!百分点)|[-—–~至到]\s*\d)"
)
_RANGE_BEFORE_RE = re.compile(r"(?:\d\s*(?:亿元|万元|亿|万)?\s*[-—–~至到]|不含|含|低于|小于|大于|过)\s*$")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit at ``start``..``end`` of a sentence (offsets in the sentence)."""

    value: float
    unit: str
    start: int
    end: int
    number: str  # as written
    weak: bool = False  # a single Chinese numeral (十个): a figure only in a county list


def quantities(sentence: str) -> list[Quantity]:
    """Numbers with a unit (counts 个, amounts 亿元, percentages, …) in ``sentence``; floors and ranges excluded.

    >>> [(q.value, q.unit) for q in quantities("全市新引进亿元以上项目174个,其中10亿元以上项目21个,完成全年计划的71.6%")]
    [(174.0, '个'), (21.0, '个'), (71.6, '%')]
    >>> [(q.value, q.unit) for q in quantities("超时序进度18.7、8.6个百分点,一百七十四个,七成")]
    [(8.6, '个百分点'), (174.0, '个'), (70.0, '%')]
    """
    found = []
    for match in _QUANTITY_RE.finditer(sentence):
        if len(found) % 512 == 511:
            budget.check()
        number, unit = match.group("num"), match.group("unit")
        if number.startswith("百分之") or "成" in number or number.endswith("%"):
            unit = "%"
        if not unit or (unit == "项" and sentence.startswith("目", match.end())):
            continue  # no unit, or "62项目": not a count of 项
        if unit == "亿" and (
            not number[0].isdigit() or re.match(r"[\u4e00-\u9fff]", sentence[match.end() : match.end() + 1] or "元")
        ):
            continue  # "10亿以上", "超千亿": a bare 亿 is an amount only after digits, before punctuation or the end
        unit = _SAME_UNIT.get(unit, unit)
        if unit == "个" and _NOT_COUNTED.match(sentence, match.end()):
            continue  # 前4个月, 3个季度: a span of time, not a count
        digits = re.sub(r"\D", "", number)
        if len(digits) > MAX_DIGITS:
            continue
        if unit in ("亿元", "万元") and (
            _FLOOR_AFTER_RE.match(sentence, match.end())
            or _RANGE_BEFORE_RE.search(sentence, max(0, match.start() - 4), match.start())
        ):
            continue
        weak = False
        if not number[0].isdigit() and not number.startswith("百分之") and "成" not in number:
            # 一个, 两个 in prose are not figures; a single numeral (十, 九) is one only where a list gives it to a
            # county ("驻马店经开区十个", "分别为十二个、十个"): the extractor decides, with ``weak``
            if number == "几":
                continue
            weak = len(number) < 2 and number not in ("百", "千")
        try:
            value = number_value(number)
        except (KeyError, ValueError):
            continue
        if unit == "倍":  # "同比增长1.2倍" = +120%; "是去年同期的1.5倍" and other ratios are no figure
            if not _GROWTH_TIMES_RE.search(sentence, max(0, match.start() - 3), match.start()):
                continue
            value, unit = round(value * 100, 6), "%"
        found.append(Quantity(value, unit, match.start(), match.end(), number, weak))
    return found
