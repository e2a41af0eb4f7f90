"""Cleaning a bulletin's text, every step reported.

Mirrors inject gambling/porn titles and stuffing, leave JavaScript tails (``"));``) and site chrome,
re-encode pages as traditional characters with pinyin after each converted character (``經(jīng)濟``),
double punctuation and use full-width digits. Each of these is removed or normalised here and recorded
as a :class:`CleaningStep`, so the report can say what was removed; nothing is dropped silently.

The cleaned text keeps a map back to the raw text (``origin[i]`` = raw offset of cleaned character i).
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import opencc

from ..errors import InputError


@dataclass(frozen=True)
class CleaningStep:
    """One removal or change, for the report's source section.

    - ``kind``: spam_title, spam (stuffing inside a line), js_tail, script (a script block pasted into
      text), site_chrome, broken_markup, pinyin_gloss, t2s, fullwidth_digits, doubled_punct, spacing,
      line_wrap (a line break of text hard-wrapped at a fixed width, as a PDF's text is, joined),
      spun_synonym (a content farm's synonym swap undone, ``spinning.toml``);
      html_script, html_style, html_comment for what an HTML page hides (not read).
    - ``text``: what was removed, or ``old→new`` for a change (e.g. ``經→经``, ``１７４→174``).
    - ``line``: 1-based line in the text as read (for HTML: its visible text; for html_* kinds: the line in
      the HTML source, 0 when unknown).
    - ``description``: one Chinese sentence saying what it was.
    """

    kind: str
    text: str
    line: int
    description: str


@dataclass
class CleanedText:
    text: str
    origin: list[int]  # raw offset of each cleaned character
    steps: list[CleaningStep] = field(default_factory=list)

    def raw_offset(self, i: int) -> int:
        """Offset in the raw text of cleaned character ``i`` (the end maps past the last character)."""
        if i >= len(self.origin):
            return (self.origin[-1] + 1) if self.origin else 0
        return self.origin[i]


# Keywords of injected gambling/porn content seen on mirrors of government pages. Only unambiguous ones:
# 澳门, 外围, 开云 or 太阳城 also occur in real bulletins (赴港澳招商, 园区外围, 开云集团), so they are not here.
SPAM_KEYWORDS = (
    "买球",
    "博彩",
    "赌场",
    "赌博",
    "娱乐城",
    "百家乐",
    "彩票网",
    "时时彩",
    "六合彩",
    "老虎机",
    "真人视讯",
    "体育投注",
    "网上投注",
    "bet365",
    "威尼斯人",
    "葡京",
    "色情",
    "成人视频",
    "av在线",
    "黄色网站",
    "约炮",
    "援交",
    "偷拍",
    "无码",
    "欧洲杯外围",
    "世界杯外围",
    "外围买球",
    "足球投注",
    "棋牌游戏",
    "现金网",
)
_SPAM_RE = re.compile("|".join(re.escape(k) for k in sorted(SPAM_KEYWORDS, key=len, reverse=True)), re.IGNORECASE)
# What stuffing glues to a keyword ("…买球网官方入口"): removed with it, but never ordinary words, so a
# keyword stuffed straight before the bulletin's text does not take the text with it.
_SPAM_TAIL = r"(?:网站|网址|网|官方|官网|平台|入口|注册|开户|下载|app|APP|首页|推荐|在线|大全|排行|[-_|—·\s])*"
_INLINE_SPAM_RE = re.compile(
    r"(?:" + _SPAM_RE.pattern + r")" + _SPAM_TAIL + r"(?:(?:" + _SPAM_RE.pattern + r")" + _SPAM_TAIL + r")*",
    re.IGNORECASE,
)

_CHROME_RE = re.compile(
    r"^\s*(今天是|当前位置|您现在的位置|首页\s*[>＞]|主办[:：]|承办[:：]|协办[:：]|电话[:：]|传真[:：]|电子邮箱|邮箱[:：]|"
    r"地址[:：]|邮编[:：]|网站标识码|网站地图|版权所有|copyright|.*icp备|.*ICP备|技术支持[:：]|联系我们|设为首页|加入收藏|"
    r"打印本页|关闭窗口|【字体|字号[:：]|浏览次数|点击数|分享到|上一篇|下一篇|相关链接|扫一扫)",
    re.IGNORECASE,
)
_SOURCE_LINE_RE = re.compile(
    r"^\s*(文章来源|来源|信息来源|发布时间|发布日期|作者|转载|转发|责任编辑|编辑|更新时间|采集时间)[^\n]{0,6}[:：]"
)
_JS_TAIL_RE = re.compile(
    r"""^[\s"'()\];{}]*["')\]][\s"'()\];{}]*;[\s"'()\];{}]*$|^\s*(document\.write|window\.|var\s|function\s*\()"""
)
_SCRIPT_BLOCK_RE = re.compile(r"<(script|style)\b[^>\n]{0,200}>.{0,5000}?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BROKEN_MARKUP_RE = re.compile(r"\?/?[a-zA-Z]{1,6}>|</?[a-zA-Z]{1,6}\s*/?>|&nbsp;?|&[lg]t;")
_TONELESS_PINYIN_RE = re.compile(
    r"(?<=[\u4e00-\u9fff])\((?:[bpmfdtnlgkhjqxrzcsyw]|[zcs]h)?(?:[iuüv]?(?:ang|eng|ing|ong|an|en|in|un|ai|ei|ao|ou|ia|ie|iu|ua|uo|ui|er|a|o|e|i|u|ü|v))(?:ng|n)?\)"
)
_PINYIN_RE = re.compile(r"(?<=[\u4e00-\u9fff])\(([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")
# "项目 174 个", "71.6 %": spaces a page put around a number inside Chinese text (not around line starts).
_NUMBER_SPACING_RE = re.compile(
    r"(?<=[\u4e00-\u9fff])[ \u3000\xa0]{1,3}(?=\d)|(?<=\d)[ \u3000\xa0]{1,3}(?=[\u4e00-\u9fff%])"
)
# three or more lines in a row, each of three or more cells parted by runs of two or more spaces
_SPACED_ROW = r"[ \u3000]*[^\s|｜]+(?:[ \u3000]{2,}[^\s|｜]+){2,}[ \u3000]*"
_SPACED_TABLE_RE = re.compile(rf"^{_SPACED_ROW}(?:\n{_SPACED_ROW}){{2,}}$", re.MULTILINE)
_SPACED_GAP_RE = re.compile(r"(?<=\S)[ \u3000]{2,}(?=\S)")


def _SPACED_CELLS(match: re.Match) -> str:
    return "\n".join(_SPACED_GAP_RE.sub(" | ", line.strip(" \u3000")) for line in match.group(0).split("\n"))


_DOUBLED_PUNCT_RE = re.compile(r"([,，。;；、:：!！?？])\1+")
_FULLWIDTH = {chr(0xFF10 + d): str(d) for d in range(10)} | {"．": ".", "％": "%"}
# A full-width number (１７４, ７１．６％) or a full-width ％ after a number; a lone ． is punctuation, kept.
_FULLWIDTH_RE = re.compile(r"[０-９]+(?:[．.][０-９]+)?％?|(?<=[0-9０-９])％")

# UTF-8 bytes read as GBK give runs of rare characters such as these (锟斤拷 is the classic one).
_MOJIBAKE_MARKERS = "锟斤拷鍏鐨鏄绗缁鎴浠闂娆銆鈥鍙锛璇涓閮榛鍚缂"


_HAN_RE = re.compile("[\u4e00-\u9fff]")
_LATIN1_RE = re.compile("[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u201e\u2020-\u2026\u2030]")
_MARKER_RE = re.compile(f"[{_MOJIBAKE_MARKERS}]")


def _check_mojibake(text: str, name: str) -> None:
    sample = text[:300_000]  # a mis-decoded page is mis-decoded throughout: a sample decides, in linear time
    han = len(_HAN_RE.findall(sample))
    latin = len(_LATIN1_RE.findall(sample))
    if han < 20 and latin >= 20:
        # "å…¨å¸‚æ–°": UTF-8 bytes read as Latin-1/cp1252 and saved again
        raise InputError(
            f"{name} looks like mojibake (UTF-8 read as Latin-1?): {latin} accented Latin letters and {han} Chinese "
            "characters; re-save the page as UTF-8 or GB18030"
        )
    if han < 20:
        return
    replaced = sample.count("\ufffd")
    if replaced >= 5 and replaced / len(sample) > 0.01:
        raise InputError(
            f"{name} has {replaced} replacement characters (�): it was decoded with the wrong encoding before it "
            "was saved, and the lost characters cannot be recovered; fetch the page again and save it as UTF-8 or GB18030"
        )
    marked = len(_MARKER_RE.findall(sample))
    if "锟斤拷" in sample or marked / han > 0.08:
        raise InputError(
            f"{name} looks like mojibake (UTF-8 read as GBK?): {marked} of {han} Chinese characters are typical "
            "mis-decoding artefacts; re-save the page as UTF-8 or GB18030"
        )


class _Editor:
    """Text plus origin map; substitutions keep the map right."""

    def __init__(self, text: str):
        self.text = text
        self.origin = list(range(len(text)))
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def raw_at(self, i: int) -> int:
        """Raw offset of current-text position ``i`` (the end maps past the last character)."""
        if i < len(self.origin):
            return self.origin[i]
        return (self.origin[-1] + 1) if self.origin else 0

    def line_at(self, raw_offset: int) -> int:
        """1-based raw line of a raw offset (bisect: many changes in a 10 MB file stay fast)."""
        return bisect.bisect_left(self._newlines, raw_offset) + 1

    def line_of(self, i: int) -> int:
        return self.line_at(self.raw_at(i))

    def sub(self, pattern: re.Pattern, replace) -> list[tuple[int, str, str]]:
        """Apply ``replace(match) -> str`` to every match; returns (raw offset, old, new) of each change."""
        pieces, origins, changes, last = [], [], [], 0
        for match in pattern.finditer(self.text):
            new = replace(match)
            if new == match.group(0):
                continue
            pieces.append(self.text[last : match.start()])
            origins.extend(self.origin[last : match.start()])
            pieces.append(new)
            anchor = self.raw_at(match.start())
            if len(new) == match.end() - match.start():
                origins.extend(self.origin[match.start() : match.end()])  # １７４→174: each digit keeps its place
            else:
                origins.extend([anchor] * len(new))
            changes.append((anchor, match.group(0), new))
            last = match.end()
        if changes:
            pieces.append(self.text[last:])
            origins.extend(self.origin[last:])
            self.text, self.origin = "".join(pieces), origins
        return changes


def clean_text(raw: str, name: str = "bulletin") -> CleanedText:
    """Clean a bulletin's raw text: the cleaned text, its map back to ``raw`` and every step taken.

    Raises :class:`InputError` when the text looks like mojibake (it cannot be cleaned, only re-fetched).

    >>> cleaned = clean_text("欧洲杯外围买球网\\n全市新引進(jìn)項(xiàng)目１７４個(gè),,")
    >>> cleaned.text
    '全市新引进项目174个,'
    >>> [(s.kind, s.line) for s in cleaned.steps][:3]
    [('spam_title', 1), ('pinyin_gloss', 2), ('pinyin_gloss', 2)]
    """
    _check_mojibake(raw, name)
    editor = _Editor(raw)
    steps: list[CleaningStep] = []
    _drop_script_blocks(editor, steps)
    _drop_lines(editor, steps)
    _drop_inline_spam(editor, steps)
    note_change = _change_recorder(editor, steps)
    _normalise(editor, steps, note_change)
    _traditional_to_simplified(editor, steps, raw)
    _unspin(editor, note_change)
    return CleanedText(text=editor.text, origin=editor.origin, steps=steps)


_LINE_RE = re.compile(r"[^\n]*\n?")


def _line_kind(line: str) -> tuple[str, str] | None:
    """(step kind, description) of a line that goes whole: a script, an injected title, site chrome; else None."""
    stripped = line.strip()
    if not stripped:
        return None
    lowered = stripped[:7].lower() == "<script" and stripped.lower()
    # A .txt copy of a page keeps its <script> lines, whose strings ("1-7月实际到位资金999亿元") would read as
    # figures; the line goes whole unless bulletin text follows its </script>.
    if lowered and (lowered.endswith("</script>") or "</script>" not in lowered):
        return "js_tail", "脚本（不是通报内容）"
    if len(stripped) <= 200 and _JS_TAIL_RE.search(stripped):  # bounded: the pattern is not linear
        return "js_tail", "脚本残留（不是通报内容）"
    spam = _SPAM_RE.search(stripped)
    # A short line with a keyword is an injected title, unless a figure survives the keyword's removal
    # (stuffing glued before the text): then only the stuffing goes, below.
    if spam and len(stripped) < 60 and not re.search(r"\d", _INLINE_SPAM_RE.sub("", stripped)):
        return "spam_title", f"注入的垃圾标题或关键词（含“{spam.group(0)}”）"
    if _CHROME_RE.search(stripped):
        return "site_chrome", "网站页面元素（不是通报内容）"
    if _SOURCE_LINE_RE.search(stripped):
        return "site_chrome", "来源/发布时间行（元数据，发布日期另行读取）"
    return None


def _drop_script_blocks(editor: _Editor, steps: list[CleaningStep]) -> None:
    """Script and style blocks pasted into a text file ("<script>document.write('…999亿元')</script>"): their
    text is code, not the bulletin, even when it reads like a figure."""

    def drop_block(match: re.Match) -> str:
        steps.append(
            CleaningStep(
                "script",
                match.group(0)[:200],
                editor.line_of(match.start()),
                "粘贴进正文的网页脚本或样式（不是通报内容）",
            )
        )
        return ""

    editor.sub(_SCRIPT_BLOCK_RE, drop_block)


def _drop_lines(editor: _Editor, steps: list[CleaningStep]) -> None:
    """Whole lines: spam titles, script tails and site chrome (see :func:`_line_kind`)."""

    def drop_line(match: re.Match) -> str:
        line = match.group(0)
        verdict = _line_kind(line)
        if verdict is None:
            return line
        kind, description = verdict
        steps.append(CleaningStep(kind, line.strip(), editor.line_of(match.start()), description))
        return ""

    editor.sub(_LINE_RE, drop_line)


def _drop_inline_spam(editor: _Editor, steps: list[CleaningStep]) -> None:
    """Spam stuffed inside a longer line: remove the keyword run, keep the line."""

    def drop(match: re.Match) -> str:
        steps.append(CleaningStep("spam", match.group(0), editor.line_of(match.start()), "行内注入的垃圾关键词"))
        return ""

    editor.sub(_INLINE_SPAM_RE, drop)


def _change_recorder(editor: _Editor, steps: list[CleaningStep]):
    """``note_change(kind, description, pattern, replace)``: substitute ``pattern`` and record each change."""

    def note_change(kind: str, description: str, pattern: re.Pattern, replace) -> None:
        for position, old, new in editor.sub(pattern, replace):
            steps.append(CleaningStep(kind, f"{old}→{new}" if new else old, editor.line_at(position), description))

    return note_change


def _normalise(editor: _Editor, steps: list[CleaningStep], note_change) -> None:
    """Broken markup, hard wraps, pinyin glosses, full-width digits, doubled punctuation, spaces by numbers."""
    note_change("broken_markup", "残缺的网页标记", _BROKEN_MARKUP_RE, lambda m: "")
    _unwrap(editor, steps)
    before = len(steps)
    note_change("pinyin_gloss", "繁体转码留下的拼音注音", _PINYIN_RE, lambda m: "")
    if len(steps) > before:
        # A page glossed with tone marks also drops them sometimes ("項(xiang)目"); only there is a
        # toneless "(xiang)" after a character a gloss and not an ordinary bracket.
        note_change("pinyin_gloss", "繁体转码留下的拼音注音（无声调）", _TONELESS_PINYIN_RE, lambda m: "")
    note_change(
        "fullwidth_digits",
        "全角数字改为半角",
        _FULLWIDTH_RE,
        lambda m: "".join(_FULLWIDTH.get(c, c) for c in m.group(0)),
    )
    note_change("doubled_punct", "重复标点", _DOUBLED_PUNCT_RE, lambda m: m.group(1))
    # a table laid out with runs of spaces (a copy of a document): its columns are kept apart by "|"
    note_change("spacing", "以空格对齐的表格列改为竖线分隔", _SPACED_TABLE_RE, _SPACED_CELLS)
    note_change("spacing", "数字两侧多余的空格", _NUMBER_SPACING_RE, lambda m: "")


_WRAP_MIN_LINES = 5  # lines of about one width a text needs to be taken as hard-wrapped
_WRAP_MIN_WIDTH = 18  # characters: a page's width; shorter lines of one length are a list
_TERMINAL_END = tuple("。！？!?；;：:")
_TABLE_ROW = re.compile(r"[|｜\t]|\S(?: {2,}|\u3000{2,})\S")  # a table's row: its cells are never one sentence


def _wrap_width(text: str) -> int | None:
    """The width a text is hard-wrapped at (a PDF's text: "新签约亿元以上项目\n122 个、总投资…"), or None.

    Wrapped when at least :data:`_WRAP_MIN_LINES` lines of 12 characters or more, and 60% of them, are within
    75%–130% of their median length (spaces around numbers widen a line)."""
    lengths = sorted(
        len(line.strip()) for line in text.split("\n") if len(line.strip()) >= 12 and not _TABLE_ROW.search(line)
    )
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    median = lengths[len(lengths) // 2]
    if median < _WRAP_MIN_WIDTH:
        return None  # a list of short lines, a figure to a line: its breaks separate items (clauses.sentences)
    near = sum(1 for n in lengths if 0.75 * median <= n <= 1.3 * median)
    return median if near >= max(_WRAP_MIN_LINES, 0.6 * len(lengths)) else None


def _unwrap(editor: _Editor, steps: list) -> None:
    """Join the lines of a hard-wrapped text: a break after a line of about the wrap width that ends without a
    sentence's punctuation is inside a sentence (often inside a word or a number's phrase)."""
    width = _wrap_width(editor.text)
    if width is None:
        return
    lower = 0.75 * width

    def join(match: re.Match) -> str:
        line = match.group(1).strip()
        following = match.group(2)
        if (
            len(line) >= lower
            and not line.endswith(_TERMINAL_END)
            and following.strip()
            and not _TABLE_ROW.search(match.group(1))
            and not _TABLE_ROW.search(following)
        ):
            return match.group(1)
        return match.group(0)

    joined = editor.sub(re.compile(r"([^\n]*)\n(?=([^\n]*))"), join)
    if joined:
        line = editor.line_at(joined[0][0])
        steps.append(
            CleaningStep(
                "line_wrap", f"{len(joined)} line breaks", line, "按固定宽度折行的文本（如PDF），行内换行已合并"
            )
        )
        # the same extraction spaces out words ("分 别 增 长"): a single space between two characters goes
        spaced = editor.sub(re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])"), lambda m: "")
        if spaced:
            where = editor.line_at(spaced[0][0])
            steps.append(CleaningStep("line_wrap", f"{len(spaced)} spaces", where, "PDF文本字间多余的空格"))


SPINNING_PATH = Path(__file__).with_name("spinning.toml")


@functools.cache
def _spinning(path: Path = SPINNING_PATH) -> tuple[int, re.Pattern, re.Pattern, dict[str, str]]:
    """``spinning.toml``: (markers needed, marker pattern, substitution pattern, spun → original)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        minimum = int(data["min_markers"])
        markers = [str(w) for w in data["markers"]["words"]]
        table = {str(k): str(v) for k, v in data["substitutions"].items()}
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"{path} is not a valid spinning table (min_markers, [markers] words, [substitutions]): {exc}"
        ) from None

    def alternation(words) -> re.Pattern:
        return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))

    return minimum, alternation(markers), alternation(table), table


def spun(text: str) -> bool:
    """True when ``text`` carries enough distinct markers of synonym spinning (``spinning.toml``).

    >>> spun("协议出资额229.66亿元,完结年度使命的143.5%"), spun("企业出资额3亿元")
    (True, False)
    """
    minimum, markers, _, _ = _spinning()
    return len({m.group(0) for m in markers.finditer(text)}) >= minimum


def _unspin(editor: _Editor, note_change) -> None:
    """Undo a content farm's synonym swaps (完结年度使命 → 完成年度任务) in a text found to be spun."""
    if not spun(editor.text):
        return
    _, _, pattern, table = _spinning()
    note_change("spun_synonym", "洗稿软件替换的同义词，已还原", pattern, lambda m: table[m.group(0)])


@functools.cache
def _t2s() -> opencc.OpenCC:
    """OpenCC's traditional → simplified converter, built once (its dictionaries load on first use)."""
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC t2s), unreported; e.g. for reading 發布時間 as 发布时间."""
    return _t2s().convert(text)


def _traditional_to_simplified(editor: _Editor, steps: list[CleaningStep], raw: str) -> None:
    """Convert traditional characters to simplified (OpenCC t2s), one step per changed line."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in editor.text[:100_000]):
        return
    converted = _t2s().convert(editor.text)
    if converted == editor.text:
        return
    if len(converted) == len(editor.text):
        changed = sum(1 for a, b in zip(editor.text, converted) if a != b)
        han = sum(1 for ch in editor.text if "\u4e00" <= ch <= "\u9fff")
        if changed < 5 and changed < 0.01 * han:
            # a simplified text with a character or two that t2s would change (乾县 → 干县 is a place name,
            # not a traditional spelling): left as written
            return
    if len(converted) != len(editor.text):
        # Phrase-level conversions can change length: convert line by line so the map stays per line.
        def per_line(match: re.Match) -> str:
            return _t2s().convert(match.group(0))

        changes = editor.sub(re.compile(r"[^\n]+"), per_line)
    else:
        changes = [(editor.origin[i], a, b) for i, (a, b) in enumerate(zip(editor.text, converted)) if a != b]
        editor.text = converted
    by_line: dict[int, list[str]] = {}
    for position, old, new in changes:
        by_line.setdefault(editor.line_at(position), []).append(f"{old}→{new}")
    for line, pairs in by_line.items():
        shown = "、".join(pairs[:30]) + (f"…（共{len(pairs)}处）" if len(pairs) > 30 else "")
        steps.append(CleaningStep("t2s", shown, line, "繁体字转为简体（OpenCC t2s）"))
