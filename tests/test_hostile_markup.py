"""Hostile markup and code in bulletins and parameters, through the real pipeline (the CLI as a user runs it).

The security promises, checked on what a reader opens:

(a) markup injected into a bulletin never runs when the report HTML is opened in headless Chromium;
(b) nothing is fetched from bulletin content: not by WeasyPrint while it renders the PDF, not by Chromium;
(c) papermill parameters cannot be injected: code in a parameter value stays a string.

Two bulletins carry the attacks (``tests/fixtures/hostile_markup.txt`` and ``.html``, about 咸宁市 1-7月
2019: 174 projects, 536亿元): ``<script>``, ``<img onerror>``, ``<svg onload>``, ``javascript:`` links,
``<iframe>``, ``<object>``, ``<meta http-equiv=refresh>``, ``<style>`` and ``style=`` with ``url(…)``,
``<link rel=stylesheet>``, remote images, and markup inside the sentences the report quotes. Every URL
points at a recording HTTP server on 127.0.0.1 (``__PORT__`` in the fixtures is its port) that serves
nothing and notes every connection. The text bulletin's file name carries markup and Python code, and so
does the county plans file's name: file paths are the parameters that reach papermill unchecked.

Injected markup that got through would show in the DOM Chromium dumps: an element with id ``pwned`` (the
markup was parsed) or a page title that says pwned (a handler or script ran). Controls prove that the
harness would see a leak: the hostile page itself, opened in the same Chromium or rendered by WeasyPrint,
does set the marks and does hit a (second) recording server.
"""

from __future__ import annotations

import ast
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from jzanalysis import settings

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLI = Path(sys.executable).with_name("jzanalysis")

# The marks of markup that got through: an element with id "pwned" (the markup was parsed) and a page title
# that says pwned (a handler ran: ``<svg id=pwned onload=title=id>`` in a quote, scripts of the HTML page).
MARKER = "pwned"
QUOTES = (  # two sentences of both bulletins with markup inside, as a report must show them (escaped text)
    "全市新引进亿元以上项目174个&lt;img src=x onerror=alert(1)&gt;，完成全年计划的68.2%",
    "全市实际到位资金536亿元&lt;svg id=pwned onload=title=id&gt;，完成全年计划的63.5%，增长18.4%",
)

# Python that would run if a value broke out of papermill's string literal (``source = "…"``): it touches
# PWNED in the kernel's working directory and at $JZ_PWNED. The source file's name closes the literal with a
# quote (then the quote and bracket, then a new line); the plans file's name with a backslash before
# a quote (what escapes a translator that escapes quotes only). A break that does not run the code is a
# syntax error: the run fails and the parameters cell is no longer literal assignments; both are checked.
TOUCH = "import os; os.system('touch PWNED $JZ_PWNED')#"
SOURCE_NAME = f'咸宁<svg id=pwned onload=title=id>"; {TOUCH}"); import os; os.system("touch PWNED")#\n{TOUCH}.txt'
PLANS_NAME = f'plans\\"; {TOUCH}.csv'
REGION_PAYLOAD = '荆州市"); import os; os.system("touch PWNED $JZ_PWNED")#'

# Tags that fetch, run or navigate; none of them may come from a bulletin into a report.
ACTIVE_TAGS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "link",
    "base",
    "svg",
    "math",
    "form",
    "audio",
    "video",
    "source",
    "track",
    "portal",
    "noscript",
    "template",
}
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"}


# --- a server that serves nothing and notes everything ---------------------------------------------------


class RecordingServer:
    """An HTTP server on 127.0.0.1 (a free port) in a thread: every connection and request is noted, every
    answer is an empty 404."""

    def __init__(self) -> None:
        self.connections: list[tuple[str, int]] = []
        self.requests: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _note(self) -> None:
                server.requests.append(f"{self.command} {self.path} ({self.headers.get('User-Agent', '')[:60]})")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD = do_POST = do_PUT = do_OPTIONS = _note

            def log_message(self, *args) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address) -> bool:
                server.connections.append(client_address)
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="recording-server", daemon=True)
        self.thread.start()

    def seen(self) -> list[str]:
        """Requests, and connections that sent none (a preconnect), as lines."""
        return [*self.requests, *(f"connection from {a[0]}:{a[1]}" for a in self.connections[len(self.requests) :])]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def server():
    recording = RecordingServer()
    yield recording
    recording.close()


def hostile_copy(fixture: str, port: int, path: Path) -> Path:
    """A fixture with ``__PORT__`` replaced by the recording server's port."""
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert "__PORT__" in text
    path.write_text(text.replace("__PORT__", str(port)), encoding="utf-8")
    return path


# --- the runs ------------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    out: Path
    returncode: int = -1
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0

    def one(self, pattern: str) -> Path:
        found = [p for p in self.out.rglob(pattern) if p.name != "index.html" and ".partial-" not in str(p)]
        assert len(found) == 1, f"{self.name}: expected one {pattern} in {self.out}, found {found}\n{self.stderr}"
        return found[0]

    @property
    def html(self) -> Path:
        return self.one("*.html")

    @property
    def pdf(self) -> Path:
        return self.one("*.pdf")

    @property
    def notebook(self) -> Path:
        return self.one("*.ipynb")

    def pages(self) -> list[Path]:
        """The HTML a reader opens: the report and the folder's index."""
        return [self.html, *([self.out / "index.html"] if (self.out / "index.html").is_file() else [])]


@dataclass
class Runs:
    root: Path
    cwd: Path
    marker: Path
    source: Path
    plans: Path
    txt: Run
    html: Run
    seen_during_pipeline: list[str] = field(default_factory=list)


def direct_env() -> dict[str, str]:
    """The environment without proxies, so that a request for 127.0.0.1 reaches the recording server."""
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env.pop(name, None)
    return env


def cli_env(marker: Path) -> dict[str, str]:
    """For a CLI run: $JZ_PWNED names the file the injected code would touch."""
    return {**direct_env(), "JZ_PWNED": str(marker)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, server) -> Runs:
    """``jzanalysis report`` on both hostile bulletins, the two runs side by side (each its own kernel)."""
    root = tmp_path_factory.mktemp("hostile")
    cwd = root / "cwd"
    cwd.mkdir()
    inputs = root / "in"
    inputs.mkdir()
    source = hostile_copy("hostile_markup.txt", server.port, inputs / SOURCE_NAME)
    page = hostile_copy("hostile_markup.html", server.port, inputs / "hostile_markup.html")
    plans = inputs / PLANS_NAME
    plans.write_text("year,region,metric,plan\n2019,咸安区,projects_100m,50\n2019,赤壁市,projects_100m,45\n")
    marker = root / "PWNED-marker"
    all_runs = Runs(
        root=root,
        cwd=cwd,
        marker=marker,
        source=source,
        plans=plans,
        txt=Run("txt", root / "out-txt"),
        html=Run("html", root / "out-html"),
    )
    commands = {
        "txt": ["--source", str(source), "--plans", str(plans), "--out", str(all_runs.txt.out)],
        "html": ["--source", str(page), "--out", str(all_runs.html.out)],
    }
    started = {}
    for name, arguments in commands.items():
        started[name] = (
            time.monotonic(),
            subprocess.Popen(
                [str(CLI), "report", *arguments],
                cwd=cwd,
                env=cli_env(marker),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    for name, (t0, process) in started.items():
        run = getattr(all_runs, name)
        try:
            run.stdout, run.stderr = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            run.stdout, run.stderr = process.communicate()
        run.returncode, run.seconds = process.returncode, time.monotonic() - t0
    all_runs.seen_during_pipeline = server.seen()
    return all_runs


def pdf_text(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is not installed (make test installs poppler-utils)")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# --- what the pipeline made ------------------------------------------------------------------------------


def test_both_hostile_bulletins_give_a_report_with_their_figures(runs):
    for run in (runs.txt, runs.html):
        assert run.returncode == 0, f"{run.name}: exit {run.returncode}\n{run.stdout}\n{run.stderr}"
        assert "Traceback" not in run.stderr, run.stderr
        assert run.pdf.stat().st_size > 10_000
        text = re.sub(r"\s+", "", pdf_text(run.pdf))
        assert "咸宁市2019年1-7月招商引资进度与全年预测" in text, run.name
        assert "174个" in text and "536亿元" in text, run.name


def test_weasyprint_and_the_pipeline_fetched_nothing(runs):
    # both PDFs were rendered while the recording server listened on the port every URL names
    assert runs.seen_during_pipeline == []


def test_markup_quoted_from_a_bulletin_is_escaped_text(runs):
    for run in (runs.txt, runs.html):
        html = run.html.read_text(encoding="utf-8")
        for quoted in QUOTES:
            assert quoted in html, f"{run.name}: {quoted}"  # in the quotes table, as text
        assert "&amp;lt;" not in html and "&amp;gt;" not in html, f"{run.name}: escaped twice"
        assert "<img src=x" not in html and "<svg" not in html and "<script" not in html, run.name
        # the PDF shows the quote as a reader sees it, markup and all
        assert "174个<imgsrc=xonerror=alert(1)>" in re.sub(r"\s+", "", pdf_text(run.pdf)), run.name
    # the text bulletin's file name (markup and code) is named as text
    txt = runs.txt.html.read_text(encoding="utf-8")
    assert "咸宁&lt;svg id=pwned onload=title=id&gt;" in txt


class _Scan(HTMLParser):
    """Every tag, attribute and stylesheet of a page, for the allowlist."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.css: list[str] = []
        self.title = ""
        self.ids: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.ids += [v or "" for k, v in attrs if k == "id"]
        self.css += [v or "" for k, v in attrs if k == "style"]
        self._in = tag if tag in ("style", "title") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.css.append(data)
        elif self._in == "title":
            self.title += data


def scan(html: str) -> _Scan:
    parser = _Scan()
    parser.feed(html)
    parser.close()
    return parser


def active_content(html: str) -> list[str]:
    """What in a page could run or fetch: active tags, event handlers, URLs that are not data: images or
    links within the report's folder, CSS url() other than the report's own font and data: URIs."""
    page = scan(html)
    font = settings.cjk_font_path().as_uri()
    found = []
    for tag, attrs in page.tags:
        if tag in ACTIVE_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and any(k not in ("charset", "name", "content") for k, _ in attrs):
            found.append(f"<meta {attrs}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            elif name in URL_ATTRIBUTES:
                scheme = urlsplit(value).scheme.lower()
                if tag == "img" and name == "src" and value.startswith("data:image/"):
                    continue
                if tag == "a" and name == "href" and scheme == "" and not value.startswith("//"):
                    continue  # #anchor, or a file beside the report (the index's links)
                found.append(f"<{tag} {name}={value[:60]}>")
    for css in page.css:
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css, flags=re.IGNORECASE):
            if url != font and not url.startswith("data:"):
                found.append(f"url({url[:60]})")
        if re.search(r"@import|expression\(|javascript:", css, flags=re.IGNORECASE):
            found.append(f"css: {css[:60]}")
    return found


def test_report_html_has_no_active_content_and_no_outside_url(runs):
    # what WeasyPrint renders and what a browser opens: nothing to run, nothing to fetch but the report's font
    for run in (runs.txt, runs.html):
        for page in run.pages():
            assert active_content(page.read_text(encoding="utf-8")) == [], f"{run.name}: {page.name}"


def test_code_in_file_names_reaches_the_notebook_as_a_string(runs):
    # the kernel ran with both file names as parameters; no piece of code in them ran
    assert runs.txt.returncode == 0, runs.txt.stderr
    for where in (runs.marker, runs.cwd / "PWNED", settings.NOTEBOOKS_DIR / "PWNED", settings.REPO_ROOT / "PWNED"):
        assert not where.exists(), where
    assert list(runs.root.rglob("PWNED")) == []
    nb = nbformat.read(runs.txt.notebook, as_version=4)
    cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    values = {}
    for statement in ast.parse(cell.source).body:
        assert isinstance(statement, ast.Assign), ast.unparse(statement)  # assignments of literals, nothing else
        values[statement.targets[0].id] = ast.literal_eval(statement.value)
    assert values["source"] == str(runs.source.resolve())
    assert values["county_plans"] == str(runs.plans.resolve())


def test_code_in_the_region_is_one_error_line(tmp_path, runs):
    marker = tmp_path / "PWNED-marker"
    done = subprocess.run(
        [str(CLI), "report", "--source", str(runs.source), "--region", REGION_PAYLOAD, "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        env=cli_env(marker),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown region" in lines[0] and "Traceback" not in done.stderr, done.stderr
    assert not marker.exists() and not (tmp_path / "PWNED").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


# --- in a browser ----------------------------------------------------------------------------------------


def chromium_or_skip() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (make test installs it)")
        pytest.skip("chromium is not installed here; make test installs it (Debian package chromium)")
    return chromium


def dump_dom(chromium: str, page: Path, profile: Path, timeout: float = 90) -> str:
    """The page's DOM after Chromium loaded it and ran what it would run (5 s of virtual time).

    Chromium runs in a process group of its own, ended as a whole if it does not finish: an injected
    ``alert()`` that runs blocks headless Chromium, so a hang is itself a sign that markup ran."""
    process = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-proxy-server",
            f"--user-data-dir={profile}",
            "--window-size=1000,2400",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=direct_env(),
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        stdout = None
    if stdout is None:
        pytest.fail(
            f"Chromium did not finish {page.name} in {timeout:.0f} s: a dialog (alert) or script of the page ran?"
        )
    assert process.returncode == 0 and "<html" in stdout, stderr[-2000:]
    return stdout


def test_injected_markup_never_runs_in_headless_chromium_and_fetches_nothing(runs, server, tmp_path):
    chromium = chromium_or_skip()
    before = len(server.seen())
    for run in (runs.txt, runs.html):
        for n, page in enumerate(run.pages()):
            dumped = dump_dom(chromium, page, tmp_path / f"{run.name}-{n}")
            dom = scan(dumped)
            assert MARKER not in dom.title.lower(), f"{run.name}: {page.name}: title {dom.title!r}"
            assert MARKER not in dom.ids, f"{run.name}: {page.name}: an element with id {MARKER}"
            assert "招商引资" in dom.title or page.name == "index.html", dom.title
            if page != run.html:
                continue
            for quoted in QUOTES:  # text nodes of the DOM Chromium built
                assert quoted in dumped, f"{run.name}: {quoted}"
    assert server.seen()[before:] == []


def test_the_checks_would_see_a_leak(tmp_path):
    """The hostile page itself, outside the pipeline: Chromium runs its scripts and fetches its URLs, and
    WeasyPrint fetches its stylesheets and images, all on a server of their own."""
    from weasyprint import HTML

    control = RecordingServer()
    try:
        page = hostile_copy("hostile_markup.html", control.port, tmp_path / "page.html")
        HTML(string=page.read_text(encoding="utf-8"), base_url=str(tmp_path)).write_pdf()
        fetched_by_weasyprint = [r.split()[1] for r in control.requests]
        assert {"/x.png", "/link.css", "/style-bg.png"} <= set(fetched_by_weasyprint), control.requests

        chromium = chromium_or_skip()
        before = len(control.requests)
        dom = scan(dump_dom(chromium, page, tmp_path / "profile"))
        assert dom.title == "PWNED" and MARKER in dom.ids
        fetched_by_chromium = [r.split()[1] for r in control.requests[before:]]
        assert {"/x.png", "/onerror.gif", "/head-script.gif", "/iframe.html"} <= set(fetched_by_chromium)
        assert active_content(page.read_text(encoding="utf-8")) != []
    finally:
        control.close()
