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

    @property
    def source(self) -> str:
        return self.path.name


def _decode(data: bytes, name: str) -> tuple[str, str, float | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", 1.0
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} looks binary (NUL bytes), not a bulletin; allowed: text or HTML in UTF-8/GBK/GB18030")
    try:
        return data.decode("utf-8"), "utf-8", 1.0
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise InputError(f"{name}: cannot tell its text encoding; allowed: UTF-8, GBK or GB18030 text or HTML")
    encoding = best.encoding
    # GB2312 and GBK are subsets of GB18030: decoding with the superset loses nothing and refuses less.
    if encoding.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "gb18030", "hz", "cp936"):
        encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"{name}: bytes are not valid {encoding}; allowed: UTF-8, GBK or GB18030") from None
    confidence = round(1.0 - float(best.chaos), 3)
    return text, encoding, confidence


def visible_text(html_text: str) -> str:
    """The text a reader sees on an HTML page: no scripts, styles or comments; the <title> kept first."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html_text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    body = soup.get_text("\n")
    lines = [line.strip() for line in body.splitlines()]
    text = "\n".join(line for line in lines if line)
    return (title + "\n" + text) if title else text


def read_bulletin(path: Path | str) -> RawDocument:
    """Read one bulletin file (.txt or .html/.htm)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass a bulletin file (.txt, .html)")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name} is empty; a bulletin needs text")
    if size > MAX_BYTES:
        raise InputError(f"{path.name} is {size / 1e6:.0f} MB; a bulletin is at most {MAX_BYTES // 1_000_000} MB of text")
    data = path.read_bytes()
    text, encoding, confidence = _decode(data, path.name)
    head = text[:2000].lstrip().lower()
    is_html = path.suffix.lower() in (".htm", ".html") or head.startswith(("<!doctype html", "<html"))
    if is_html:
        text = visible_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path.name} has no visible text")
    return RawDocument(
        path=path, text=text, encoding=encoding, encoding_confidence=confidence,
        sha256=hashlib.sha256(data).hexdigest(), is_html=is_html,
    )
