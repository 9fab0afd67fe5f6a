"""The published HTML in a real browser: Debian's headless Chromium, driven over the DevTools
protocol, opens the rendered file at 1280 × 800 and measures it. It fails on a page wider
than the window, on a character drawn as a missing-glyph box (tofu), on a code, number or
status word wrapped onto two lines, and on an attachment table that does not scroll inside
its box.

The protocol runs over a pipe (--remote-debugging-pipe: file descriptors 3 and 4), so no
port is opened and nothing beyond the standard library is needed; the page is measured
as published, unmodified (DevTools evaluation is not subject to the page's CSP, which
forbids scripts). `make browser` installs chromium (`make test` runs it first).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from minsheng import config
from minsheng.report.export.specimen import specimen
from minsheng.report.export.webpage import write_html

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-extensions", "--mute-audio", "--remote-debugging-pipe")
WIDTH, HEIGHT = 1280, 800
TIMEOUT_S = 60


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = ("chromium not installed: run `make browser` (as root: apt-get install "
                   "chromium)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


class Browser:
    """A headless Chromium spoken to over the DevTools pipe, one page at a time."""

    def __init__(self, profile: Path):
        import fcntl

        def high(fd: int) -> int:  # above 4, so that dup2 onto 3 and 4 below always copies
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return moved

        to_browser_r, self._to_browser = map(high, os.pipe())
        self._from_browser, from_browser_w = map(high, os.pipe())

        def fds():                # the child reads commands on fd 3 and answers on fd 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=False)   # fds 3, 4 are set by fds(); ours are not inheritable
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._id = 0
        self.session = None
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: bool = True) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + TIMEOUT_S
        for i, e in enumerate(self.events):
            if e.get("method") == event:
                return self.events.pop(i)
        while True:
            reply = self._read(deadline)
            if reply.get("method") == event:
                return reply
            self.events.append(reply)

    def _read(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str, width: int = WIDTH) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


# Measures the page: overflow, characters drawn as missing glyphs, wrapped short cells and
# codes.
MEASURE = r"""
(async () => {
  await document.fonts.ready;
  const out = {};
  const de = document.documentElement;
  out.scrollWidth = Math.max(de.scrollWidth, document.body.scrollWidth);
  out.innerWidth = window.innerWidth;
  out.sticking = [...document.body.querySelectorAll('*')]
    .filter(e => !e.closest('.table-box') && e.getBoundingClientRect().right > innerWidth + 0.5)
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 30));

  // A character is tofu when it draws exactly like a code point no font has.
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, 64, 64); ctx.font = font; ctx.textBaseline = 'top';
    ctx.fillText(ch, 4, 4);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(',');
  };
  const byFont = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    const font = `${cs.fontStyle} ${cs.fontWeight} 40px ${cs.fontFamily}`;
    if (!byFont.has(font)) byFont.set(font, new Set());
    for (const ch of n.data) if (ch.trim()) byFont.get(font).add(ch);
  }
  out.tofu = []; out.checked = 0;
  for (const [font, chars] of byFont) {
    const missing = draw(font, '\u{10FFFF}');
    for (const ch of chars) {
      out.checked++;
      if (draw(font, ch) === missing) out.tofu.push(ch + ' U+' + ch.codePointAt(0).toString(16) + ' in ' + font);
    }
  }

  // Short cells (codes, numbers, status words) hold one line.
  out.wrapped = [];
  for (const td of document.querySelectorAll('td.short, th.short, .nw')) {
    const rects = [];
    const texts = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let t = texts.nextNode(); t; t = texts.nextNode()) {
      const r = document.createRange(); r.selectNodeContents(t);
      rects.push(...[...r.getClientRects()].filter(x => x.width > 0));
    }
    const lineHeight = parseFloat(getComputedStyle(td).fontSize);
    const tops = rects.map(x => x.top).sort((a, b) => a - b);
    if (tops.length && tops[tops.length - 1] - tops[0] > lineHeight / 2) out.wrapped.push(td.textContent);
  }
  // Wide tables scroll inside their box, never past the page.
  out.boxes = [...document.querySelectorAll('.table-box')].map(b => ({
    scrolls: b.scrollWidth > b.clientWidth + 1, overflowX: getComputedStyle(b).overflowX,
    right: b.getBoundingClientRect().right}));
  out.title = document.title; out.lang = document.documentElement.lang;
  return out;
})()
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def measure(browser: Browser, path: Path, width: int = WIDTH) -> dict:
    browser.open(path.resolve().as_uri(), width)
    return browser.evaluate(MEASURE)


# Published bulletins written by export.webpage (reports/<quarter>/bulletin.html) are checked too.
PUBLISHED = sorted(p for p in config.REPORTS.glob("*/bulletin.html")
                   if 'class="ms-doc' in p.read_text(encoding="utf-8", errors="replace"))


@pytest.fixture(scope="module", params=["final", "draft", *PUBLISHED],
                ids=lambda p: p if isinstance(p, str) else p.parent.name)
def html_file(request, tmp_path_factory) -> Path:
    if isinstance(request.param, Path):
        return request.param
    path = tmp_path_factory.mktemp("html") / "bulletin.html"
    return write_html(specimen(draft=request.param == "draft"), path)


@pytest.fixture(scope="module")
def page(browser, html_file):
    return measure(browser, html_file)


def test_the_page_fits_the_window(page):
    assert page["scrollWidth"] <= page["innerWidth"], page["sticking"]
    assert not page["sticking"]


def test_no_character_is_drawn_as_a_missing_glyph(page):
    assert page["checked"] > 300
    assert not page["tofu"], page["tofu"][:10]


def test_codes_numbers_and_statuses_stay_on_one_line(page):
    assert not page["wrapped"], page["wrapped"][:10]


def test_attachments_are_whole_at_1280_and_scroll_in_their_box_when_narrower(page, browser,
                                                                            html_file):
    """At 1280 px no table needs scrolling; at 760 px the wide ones scroll in their boxes."""
    assert page["boxes"] and all(b["overflowX"] == "auto" and b["right"] <= WIDTH
                                 and not b["scrolls"] for b in page["boxes"])
    narrow = measure(browser, html_file, 760)
    assert narrow["scrollWidth"] <= 760, narrow["sticking"]
    assert any(b["scrolls"] for b in narrow["boxes"]) and all(b["right"] <= 760
                                                             for b in narrow["boxes"])
    assert not narrow["wrapped"], narrow["wrapped"][:10]


def test_title_and_language(page):
    assert re.fullmatch(r"重庆市\d{4}年重点民生实事第.季度推进情况通报(（征求意见稿）)?", page["title"])
    assert page["lang"] == "zh-CN"


def test_the_tofu_check_is_not_vacuous(browser, tmp_path):
    path = tmp_path / "tofu.html"
    path.write_text('<!DOCTYPE html><html lang="zh-CN"><body><p>重庆\U0010fffd市</p></body></html>',
                    encoding="utf-8")
    found = measure(browser, path)["tofu"]
    assert [t.split()[1] for t in found] == ["U+10fffd"]


@pytest.fixture(scope="module")
def index_page(browser, tmp_path_factory):
    """reports/index.html over a quarter with two districts and two months (test_index's set)."""
    from minsheng.run.index import write_index
    from test_index import _publish

    reports = config.ROOT / "build" / "test-browser-index" / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    common = {"issued_on": "2026-10-15", "draft": False, "fingerprint": "f", "code_version": "v",
              "inputs": {f"{i}.xlsx": "1" * 64 for i in range(170)}}
    files = ("bulletin.html", "bulletin.pdf", "bulletin.docx", "tables.xlsx", "checklist.xlsx",
             "data/ledger.parquet", "executed/03_quarterly_bulletin.ipynb")
    _publish(reports / "2026Q3", {**common, "kind": "quarterly_bulletin", "period": "2026Q3",
                                  "month": 9, "status_counts": {"completed": 6, "lagging": 19}},
             files=files)
    for d in ("万州区", "秀山土家族苗族自治县"):
        _publish(reports / "2026Q3" / "districts" / d, {**common, "kind": "district_bulletin",
                                                        "period": "2026Q3", "month": 9, "district": d},
                 files=files[:4])
    _publish(reports / "2026-10", {**common, "kind": "monthly_dispatch", "period": "2026-10",
                                   "month": 10, "draft": True}, files=("dispatch.pdf", "dispatch.xlsx"))
    write_index(reports)
    yield measure(browser, reports / "index.html")
    shutil.rmtree(reports.parent, ignore_errors=True)


def test_the_index_of_publications_reads_in_the_browser(index_page):
    assert index_page["scrollWidth"] <= index_page["innerWidth"], index_page["sticking"]
    assert not index_page["tofu"], index_page["tofu"][:10]
    assert index_page["checked"] > 50
    assert index_page["title"] == "重点民生实事发布目录" and index_page["lang"] == "zh-CN"
