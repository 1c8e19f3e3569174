"""Rendered reports opened in headless Chromium (Debian's ``/usr/bin/chromium`` via playwright).

Checks what a reader's browser does with the pages: every image decodes, no output shows an
error or traceback, every contents link resolves to a page that loads, nothing is requested
from the network, and hostile corpus text (script tags, ``onerror`` images, entities) stays
inert text. Playwright's own browser download is never used. Without Chromium the tests
skip, except under CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from analysis.report.render import render_report

pytestmark = [pytest.mark.browser]

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
LOCAL_SCHEMES = {"file", "data", "about", "blob"}
PAYLOADS = {
    "script": "<script>window.__xss = 1</script>",
    "img": '<img src=x onerror="window.__xss = 2">',
    "entity": "Tom &amp; Jerry &lt;b&gt;",
}


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser test (.ci/run installs chromium)")
    pytest.skip(f"{reason} (install Debian's chromium package to run the browser test)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is pinned in requirements.txt
        _unavailable("playwright is not installed")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} not found")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One browser context that records every request and every script error."""

    def __init__(self, browser):
        self.context = browser.new_context()
        self.requests: list[str] = []
        self.external: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.page.on("dialog", self._dialog)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if urlparse(url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.wait_for_function(
            "Array.from(document.images).every(img => img.complete)", timeout=30_000
        )
        return self.page

    def close(self):
        self.context.close()


FACTS_JS = """() => ({
  images: Array.from(document.images).map(img => [img.naturalWidth, img.src.slice(0, 40)]),
  errorOutputs: document.querySelectorAll('.report-error-output').length,
  text: document.body.innerText,
  scripts: document.scripts.length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap(el =>
      Array.from(el.attributes).filter(a => a.name.toLowerCase().startsWith('on'))
          .map(a => el.tagName + '[' + a.name + ']')),
  xss: typeof window.__xss,
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
})"""


def check_report(browser, out: Path) -> dict[str, dict]:
    """Open the index and every page it links to; assert the reader-facing promises."""
    visit = Visit(browser)
    seen: dict[str, dict] = {}
    try:
        index = visit.open(out / "index.html")
        facts = index.evaluate(FACTS_JS)
        seen["index.html"] = facts
        pages = [href for href in facts["links"] if not href.startswith("#")]
        assert pages, "the index links to no page"
        for href in pages:
            target = out / href
            assert target.is_file(), f"index link {href!r} points to a missing file"
            page = visit.open(target)
            assert page.url == target.resolve().as_uri()
            facts = page.evaluate(FACTS_JS)
            seen[href] = facts
            assert page.query_selector("main") is not None, f"{href} did not load"
            bad = [src for width, src in facts["images"] if width == 0]
            assert not bad, f"{href}: images that did not decode: {bad}"
            assert facts["errorOutputs"] == 0, f"{href} shows an error output"
            assert "Traceback" not in facts["text"], f"{href} shows a traceback"
            assert "index.html" in facts["links"], f"{href} has no link back to the contents"
        for name, facts in seen.items():
            assert facts["scripts"] == 0, f"{name} carries a script element"
            assert facts["handlers"] == [], f"{name}: event handlers {facts['handlers']}"
            assert facts["xss"] == "undefined", f"{name}: a payload ran"
        assert visit.external == [], f"requests left the machine: {visit.external}"
        assert visit.page_errors == [] and visit.dialogs == []
        assert all(urlparse(url).scheme in LOCAL_SCHEMES for url in visit.requests)
    finally:
        visit.close()
    return seen


def test_missing_browser_skips_locally_but_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        _unavailable("/usr/bin/chromium not found")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser test"):
        _unavailable("/usr/bin/chromium not found")


# --------------------------------------------------------------------------- tiny reports


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory, write_notebook):
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus.csv"
    pd.DataFrame(
        {
            "doc_id": ["a1", "a2", "b1", "b2"],
            "outlet": ["Alpha", "Alpha", "Beta", "Beta"],
            "text": [
                f"{PAYLOADS['script']} Leaders met in Moscow.",
                f"{PAYLOADS['entity']} {PAYLOADS['img']} The talks went on.",
                "Both sides signed a statement.",
                "Officials praised the visit.",
            ],
        }
    ).to_csv(corpus, index=False)
    nbs = root / "notebooks"
    nbs.mkdir()
    write_notebook(
        nbs / "00_table.ipynb",
        "# The corpus as a table\n\nEvery document, as pandas shows it.",
        "import pandas as pd\nframe = pd.read_csv(source)\nframe",
        "print(frame['text'].iloc[0])",
    )
    write_notebook(
        nbs / "01_careless.ipynb",
        "# A careless notebook\n\nCorpus text pasted into Markdown and HTML without escaping.",
        "import pandas as pd\nfrom IPython.display import HTML, Markdown, display\n"
        "frame = pd.read_csv(source)\n"
        "display(Markdown('First: ' + frame['text'].iloc[0]))\n"
        "display(HTML('<p>' + frame['text'].iloc[1] + '</p>'))",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\n"
        "_ = ax.bar([0, 1], frame[group].value_counts().sort_index().to_numpy())",
    )
    return render_report(
        source=corpus, group="outlet", out=root / "reports", figures_dir=root / "figures",
        notebooks_dir=nbs, progress=None,
    )


def test_tiny_report_passes_the_browser_checks(browser, hostile_report):
    seen = check_report(browser, hostile_report)
    assert set(seen) == {"index.html", "00_table.html", "01_careless.html"}
    widths = [w for w, src in seen["01_careless.html"]["images"] if src.startswith("data:image/png")]
    assert len(widths) == 1 and widths[0] > 100  # the inline figure decoded


def test_hostile_corpus_text_is_inert_and_visible(browser, hostile_report):
    seen = check_report(browser, hostile_report)
    table = seen["00_table.html"]["text"]
    careless = seen["01_careless.html"]["text"]
    assert PAYLOADS["script"] in table  # the pandas table and the printed line
    assert table.count(PAYLOADS["script"]) >= 2
    assert PAYLOADS["entity"] in table  # entities shown literally, not decoded into markup
    assert PAYLOADS["script"] in careless  # escaped by the sanitiser, shown as text
    for facts in seen.values():
        assert facts["xss"] == "undefined"
        assert facts["scripts"] == 0
        assert facts["handlers"] == []


def test_a_network_request_would_be_caught(browser, tmp_path):
    """The recorder itself works: a page that asks for a remote image is flagged."""
    page_path = tmp_path / "remote.html"
    page_path.write_text('<html><body><main><img src="https://example.invalid/x.png"></main></body></html>')
    visit = Visit(browser)
    try:
        visit.page.goto(page_path.as_uri(), wait_until="load")
        assert visit.external == ["https://example.invalid/x.png"]
    finally:
        visit.close()


def test_a_broken_report_fails_the_checks(browser, hostile_report, tmp_path):
    """The checks can fail: a missing link target and an undecodable image are both caught."""
    broken = tmp_path / "broken"
    shutil.copytree(hostile_report, broken)
    (broken / "01_careless.html").unlink()
    with pytest.raises(AssertionError, match="missing file"):
        check_report(browser, broken)
    shutil.copy(hostile_report / "01_careless.html", broken / "01_careless.html")
    page = (broken / "00_table.html").read_text()
    (broken / "00_table.html").write_text(
        page.replace("<main>", '<main><img src="data:image/png;base64,AAAA">', 1)
    )
    with pytest.raises(AssertionError, match="did not decode"):
        check_report(browser, broken)


# --------------------------------------------------------------------------- the real suite


@pytest.mark.slow
def test_seed_report_passes_the_browser_checks(browser, seed_report):
    seen = check_report(browser, seed_report["out"])
    notebooks = sorted(p.stem + ".html" for p in seed_report["notebooks"])
    assert sorted(set(seen) - {"index.html"}) == notebooks
    for name in notebooks:
        decoded = [w for w, src in seen[name]["images"] if src.startswith("data:image/")]
        assert all(w > 0 for w in decoded)


@pytest.mark.slow
def test_second_corpus_report_passes_the_browser_checks(browser, outlet_report):
    """The second corpus carries <script> and onerror payloads (conftest.OUTLET_DOCS):
    check_report asserts they stayed inert on every page."""
    seen = check_report(browser, outlet_report["out"])
    assert len(seen) == len(outlet_report["notebooks"]) + 1
    for name in outlet_report["groups"]:
        assert name in seen["index.html"]["text"]
