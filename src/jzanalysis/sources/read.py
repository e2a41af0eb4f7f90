"""Reading a bulletin: bytes → text, with the encoding guess reported; HTML → its visible text.

Government pages are often GBK/GB18030 rather than UTF-8; a wrong guess is worse than a refusal, so
undecodable or binary input is an :class:`~jzanalysis.errors.InputError` naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

BULLETIN_SUFFIXES = (".txt", ".htm", ".html")
MAX_BYTES = 50 * 1024 * 1024  # a bulletin is a page of text; anything near this is not one


@dataclass(frozen=True)
class RawDocument:
    """A bulletin as read: decoded text (visible text for HTML), its encoding guess and the raw bytes' sha256."""

    path: Path
    text: str
    encoding: str
    encoding_confidence: float | None
    sha256: str
    is_html: bool
    meta_published: str | None = None  # an HTML page's <meta name="PubDate"> as written
    hidden: tuple[tuple[str, str, int], ...] = ()  # HTML parts not read: (kind, text, source line)

    @property
    def source(self) -> str:
        """The file name as it can be printed: bytes that are not UTF-8 as ``\\xff`` escapes."""
        return printable(self.path.name)


def printable(name: str) -> str:
    """A file name or path that can be written as UTF-8: a byte that is not UTF-8 (which Python keeps as a
    lone surrogate) becomes a ``\\xNN`` escape, so the name still says which file it was.

    >>> printable("b\\udcff.txt")
    'b\\\\xff.txt'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_ALLOWED = "allowed: text or HTML in UTF-8, GBK/GB18030 (or Big5)"
# Encodings a Chinese government page is served in; any other guess (cp1252, koi8 …) on such bytes is
# charset-normalizer fitting noise, and reading with it would produce text that is not the bulletin.
_CJK_FAMILIES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "big5": "big5",
    "big5hkscs": "big5hkscs",
    "cp950": "big5",
    "utf8": "utf-8",
    "ascii": "utf-8",
    "utf16": "utf-16",
    "utf32": "utf-32",
}


def _decode(data: bytes, name: str) -> tuple[str, str, float | None]:
    """(text, encoding, confidence): UTF-8 when the bytes are valid UTF-8, else charset-normalizer's guess
    among the encodings Chinese pages use, else GB18030 if it decodes strictly, else an InputError."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", 1.0
        except UnicodeDecodeError:
            raise InputError(f"{name} starts with a UTF-8 mark but is not valid UTF-8; {_ALLOWED}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", 1.0
        except UnicodeDecodeError:
            raise InputError(f"{name} starts with a UTF-16 mark but is not valid UTF-16; {_ALLOWED}") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} looks binary (NUL bytes), not a bulletin; {_ALLOWED}")
    try:
        return data.decode("utf-8"), "utf-8", 1.0
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    guess = best.encoding.lower().replace("-", "").replace("_", "") if best is not None else ""
    encoding = _CJK_FAMILIES.get(guess)
    confidence = round(1.0 - float(best.chaos), 3) if best is not None and encoding else None
    for candidate in ([encoding] if encoding else []) + ["gb18030"]:
        try:
            return data.decode(candidate), candidate, confidence if candidate == encoding else None
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(f"{name}: its bytes are not text in a known encoding (guess: {guess or 'none'}); {_ALLOWED}")


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bool(sample) and control / len(sample) > 0.02


#: Inline (phrasing) elements: their text runs on in the line around them. ``o:p`` is the empty paragraph
#: mark of pages pasted from Word. Any other element (p, div, td, li, h1, …) and ``<br>`` break the line.
INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "b",
        "bdi",
        "bdo",
        "big",
        "blink",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "nobr",
        "o:p",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    }
)


_HIDDEN_TAGS = {"script": "html_script", "style": "html_style", "noscript": "html_script", "template": "html_script"}
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_META_DATES = ("pubdate", "publishdate", "article:published_time", "publish_date", "firstpublishedtime")


class _PageReader:
    """A page read in one streaming pass (the standard library's HTMLParser: linear, no tree, no recursion),
    laid out in lines as a browser shows it: inline markup runs into the sentence around it; a block element
    or ``<br>`` starts a new line; a table's cells stay on their row's line, apart (`` | ``). An element not
    known to be inline is taken as a block: splitting a line can lose a figure, which the extractor then
    does not claim; joining two blocks could make a figure that is not there."""

    def __init__(self):
        from html.parser import HTMLParser

        reader = self

        class _Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                reader.start(tag, dict(attrs), self.getpos()[0])

            def handle_startendtag(self, tag, attrs):
                reader.start(tag, dict(attrs), self.getpos()[0])
                reader.end(tag)

            def handle_endtag(self, tag):
                reader.end(tag)

            def handle_data(self, data):
                reader.data(data)

            def handle_comment(self, data):
                content = " ".join(data.split())
                if content:
                    reader.comments.append(("html_comment", content[:80], 0))

        self.parser = _Parser(convert_charrefs=True)
        self.out: list[str] = []
        self.title: list[str] = []
        self.hidden: list[tuple[str, str, int]] = []
        self.comments: list[tuple[str, str, int]] = []  # reported after the scripts and styles
        self.meta_date: str | None = None
        self.skipping: str | None = None  # the hidden element being skipped (script, style, …)
        self.skip_text: list[str] = []
        self.skip_line = 0
        self.in_title = False
        self.in_head = False

    def start(self, tag: str, attrs: dict, line: int) -> None:
        tag = tag.lower()
        if self.skipping:
            return
        if tag in _HIDDEN_TAGS:
            self.skipping, self.skip_text, self.skip_line = tag, [], line
        elif tag == "title":
            self.in_title = True
        elif tag == "head":
            self.in_head = True
        elif tag == "meta":
            label = (attrs.get("name") or attrs.get("property") or "").lower()
            if label in _META_DATES and self.meta_date is None:  # not a 更新/修改 date
                self.meta_date = (attrs.get("content") or "").strip() or None
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" | ")
        elif tag not in INLINE_TAGS and not self.in_head:
            self.out.append("\n")

    def end(self, tag: str) -> None:
        tag = tag.lower()
        if self.skipping:
            if tag == self.skipping:
                content = " ".join("".join(self.skip_text).split())
                if content:
                    self.hidden.append((_HIDDEN_TAGS[tag], content[:80], self.skip_line))
                self.skipping = None
            return
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.in_head = False
        elif tag not in INLINE_TAGS and tag not in _VOID_TAGS and tag not in ("td", "th") and not self.in_head:
            self.out.append("\n")

    def data(self, text: str) -> None:
        if self.skipping:
            self.skip_text.append(text)
        elif self.in_title:
            self.title.append(text)
        elif not self.in_head:
            self.out.append(text)

    def read(self, html_text: str) -> tuple[str, list[tuple[str, str, int]], str | None]:
        self.parser.feed(html_text)
        self.parser.close()
        title = " ".join("".join(self.title).split())
        lines = (line.strip() for line in "".join(self.out).splitlines())
        text = "\n".join(line for line in lines if line)
        return ((title + "\n" + text) if title else text), self.hidden + self.comments, self.meta_date


def page_text(html_text: str) -> tuple[str, list[tuple[str, str, int]], str | None]:
    """An HTML page's visible text (its <title> first); what a reader does not see, as (kind, first 80
    characters, line in the HTML source) with kind html_script, html_style or html_comment; and the
    publication date the page's CMS wrote in ``<meta name="PubDate">`` (as written, or None).

    Inline markup (span, b, font, a, strong, em, i, u, sup, sub, …) does not split a line; blocks and
    ``<br>`` do:

    >>> page_text('<meta name="PubDate" content="2015-09-02 10:30"><title>T</title><script>var n = 999;</script><p>全市174个</p>')
    ('T\\n全市174个', [('html_script', 'var n = 999;', 1)], '2015-09-02 10:30')
    >>> page_text('<p>全市新引进亿元以上项目<span>174</span>个，完成全年计划的<b>71.6%</b>。</p><p>第二段<br>第三行</p>')[0]
    '全市新引进亿元以上项目174个，完成全年计划的71.6%。\\n第二段\\n第三行'

    A table's row is one line with its cells apart:

    >>> page_text('<table><tr><th>县区</th><th>项目（个）</th></tr><tr><td>渝水区</td><td>31</td></tr></table>')[0]
    '| 县区 | 项目（个）\\n| 渝水区 | 31'
    """
    return _PageReader().read(html_text)


def visible_text(html_text: str) -> str:
    """The text a reader sees on an HTML page: no scripts, styles or comments; the <title> kept first."""
    return page_text(html_text)[0]


def read_bulletin(path: Path | str) -> RawDocument:
    """Read one bulletin file (.txt or .html/.htm): decoded text (an HTML page's visible text), the encoding
    guess and the sha256 of the bytes. Line ends become ``\\n``.

    Raises :class:`InputError` (one line: what is wrong, what is allowed) for a missing, empty, binary or
    undecodable file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"no such file or folder: {path}; allowed: a bulletin file (.txt, .htm, .html) or a folder of them"
        )
    if path.is_dir():
        raise InputError(f"{path} is a folder; allowed here: one bulletin file (.txt, .htm, .html)")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name} is empty (0 bytes); {_ALLOWED}")
    if size > MAX_BYTES:
        raise InputError(
            f"{path.name} is {size / 1e6:.0f} MB; a bulletin is at most {MAX_BYTES // 1_000_000} MB of text"
        )
    data = path.read_bytes()
    text, encoding, confidence = _decode(data, path.name)
    if _looks_binary(text):
        raise InputError(f"{path.name} looks binary (control characters), not a bulletin; {_ALLOWED}")
    head = text[:2000].lstrip().lower()
    is_html = path.suffix.lower() in (".htm", ".html") or head.startswith(("<!doctype html", "<html"))
    hidden: list[tuple[str, str, int]] = []
    meta_published = None
    if is_html:
        text, hidden, meta_published = page_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path.name} has no visible text (only spaces, markup or scripts); {_ALLOWED}")
    return RawDocument(
        path=path,
        text=text,
        encoding=encoding,
        encoding_confidence=confidence,
        sha256=hashlib.sha256(data).hexdigest(),
        is_html=is_html,
        hidden=tuple(hidden),
        meta_published=meta_published,
    )
