"""The student's JupyterLab, driven in a real browser: every chapter runs and every widget responds.

JupyterLab is started on a free local port with a random token, serving a scratch copy of the
notebooks (Lab saves what it runs, and the committed notebooks must stay as they are). Playwright
drives Debian's Chromium (``/usr/bin/chromium``; no browser download). For every chapter the
test does what a student does: open it, "Run All Cells", wait for the kernel to go idle, and then,
for every widget, change each control and wait until the widget's output shows a new figure or
table. A screenshot of every widget is saved to ``CXLAB_ARTEFACTS`` (default
``reports/browser``) for a person to look at. Lab's kernels are forked from a kernel zygote
started by the test, as ``cxlab run`` forks its chapters' kernels (:mod:`cxlab.runner._zygote`).

The tests skip, saying why, where Chromium or Playwright is missing. Every wait has a generous
limit and waits for a state (kernel idle, output changed), never for a fixed time, so a busy
machine makes the tests slower, not red.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from cxlab.runner._zygote import kernel_zygote

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = os.environ.get("CXLAB_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("CXLAB_ARTEFACTS", ROOT / "reports" / "browser"))
#: Generous limits (milliseconds): a chapter's "Run All" takes seconds to a minute when idle.
RUN_ALL_LIMIT = 600_000
REDRAW_LIMIT = 120_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Lab's kernels are forked from a zygote, as a run's are: a chapter's kernel starts with its
#: libraries imported, not in the five seconds a new process takes to import them.
#: ``tests/test_runner_zygote.py`` shows that a forked kernel's state is a new kernel's, and
#: nbval runs every chapter in a new kernel.
FORKED_MANAGER = "cxlab.runner._zygote.ForkedServerKernelManager"

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (install Debian's chromium)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def zygote():
    """A kernel zygote, as ``cxlab run`` starts one; yields the server's extra env and it."""
    with kernel_zygote(dict(os.environ)) as env:
        assert env, "the kernel zygote did not start"
        found = [
            p
            for p in psutil.Process().children()
            if "cxlab.runner._zygote" in " ".join(p.cmdline())
        ]
        assert len(found) == 1, found
        yield env, found[0]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, zygote):
    """A JupyterLab server over a scratch copy of the notebooks; yields (base URL, token, root)."""
    root = tmp_path_factory.mktemp("lab")
    for nb in CHAPTERS:
        shutil.copy(nb, root / nb.name)
    # Lab's own prompt about fetching news would cover the widgets in the screenshots.
    notices = root / "settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = _free_port(), secrets.token_hex(16)
    log = (root / "lab.log").open("w")
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            # window.jupyterapp, so the test can wait for "Run All" to finish, not guess.
            "--LabApp.expose_app_in_browser=True",
            # Settings and workspaces of this server only: nothing from earlier sessions is
            # restored (no stray tabs or dialogs), and nothing is written to the home folder.
            f"--LabApp.user_settings_dir={root / 'settings'}",
            f"--LabApp.workspaces_dir={root / 'workspaces'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--AsyncMappingKernelManager.kernel_manager_class={FORKED_MANAGER}",
        ],
        env={**os.environ, **zygote[0]},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab did not start: {(root / 'lab.log').read_text()[-2000:]}"
                    )
                time.sleep(0.5)
        yield base, token, root
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, lab):
    """One JupyterLab page, loaded once, in which the chapters are opened one after another."""
    base, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab?token={token}&reset")  # a fresh workspace: no tabs restored
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=RUN_ALL_LIMIT)
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    yield page
    page.close()


#: Open a notebook as the file browser does, and wait until its kernel is ready.
OPEN = """async ([name, limit]) => {
  const app = window.jupyterapp;
  const open = (async () => {
    const panel = await app.commands.execute('docmanager:open', {path: name});
    await panel.context.ready;
    await panel.sessionContext.ready;
    app.shell.activateById(panel.id);
    return 'opened';
  })();
  const late = new Promise(done => setTimeout(() => done('timed out'), limit));
  return String(await Promise.race([open, late]));
}"""

#: "Run All Cells" as the Run menu does it, after clearing every output; the command's promise
#: resolves once every cell has run (false when a cell raised, which stops the run).
RUN_ALL = """async ([name, limit]) => {
  const app = window.jupyterapp;
  const run = (async () => {
    const panel = app.shell.currentWidget;
    if (!panel || !panel.context || !panel.context.path.endsWith(name)) {
      return 'the open tab is not ' + name;
    }
    await panel.sessionContext.ready;
    await app.commands.execute('notebook:clear-all-cell-outputs');
    return await app.commands.execute('notebook:run-all-cells');
  })();
  const late = new Promise(done => setTimeout(() => done('timed out'), limit));
  return String(await Promise.race([run, late]));
}"""

#: Save and close every open notebook and shut its kernel down, so the next chapter's page holds
#: only its own outputs.
CLOSE = """async () => {
  const app = window.jupyterapp;
  for (const widget of Array.from(app.shell.widgets('main'))) {
    if (widget.context && widget.sessionContext) {
      await widget.context.save();
      await widget.sessionContext.shutdown();
    }
    widget.dispose();
  }
}"""


def _run_all(page, name: str) -> bool:
    """Open a notebook, clear its outputs, run all cells; True when every cell ran."""
    opened = page.evaluate(OPEN, [name, RUN_ALL_LIMIT])
    assert opened == "opened", f"{name}: the notebook did not open: {opened}"
    page.wait_for_selector(".jp-NotebookPanel", timeout=RUN_ALL_LIMIT)
    page.wait_for_selector(
        ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=RUN_ALL_LIMIT
    )
    ran = page.evaluate(RUN_ALL, [name, RUN_ALL_LIMIT])
    assert ran in {"true", "false"}, f"{name}: Run All did not finish: {ran}"
    return ran == "true"


def _errors(page) -> list[str]:
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()


def _widget_boxes(page):
    """Top-level widget views in the notebook's outputs (each holds controls and an output)."""
    return page.locator(".jp-OutputArea-output > .widget-vbox")


def _content(box) -> str:
    out = box.locator(".widget-output")
    return out.first.inner_html() if out.count() else ""


def _has_view(html: str) -> bool:
    return "<img" in html or "<table" in html or "<svg" in html


def _draws(box) -> int:
    """How often the explorer has drawn: its output area carries the class cxlab-draw-N."""
    classes = box.locator(".widget-output").first.get_attribute("class") or ""
    found = [
        int(c.removeprefix("cxlab-draw-")) for c in classes.split() if c.startswith("cxlab-draw-")
    ]
    return max(found, default=0)


def _change(control) -> str:
    """Change one control as a student would; return a description of the change."""
    select = control.locator("select")
    if select.count():
        options = select.first.locator("option").all()
        values = [o.get_attribute("value") for o in options]
        current = select.first.input_value()
        target = next((v for v in values if v != current), None)
        if target is None:
            return ""
        select.first.select_option(target)
        return f"select {target!r}"
    handle = control.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        handle.first.press("ArrowRight")
        return "slider right"
    return ""


def _widget_cells(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        1
        for c in nb["cells"]
        if c["cell_type"] == "code" and "widget" in c.get("metadata", {}).get("tags", [])
    )


class _OneChapterInTheBrowser:
    """Run All on one chapter in JupyterLab, then move every control of every widget.

    One class per chapter (made below), so that ``pytest -n 2 --dist loadscope`` (``make test``)
    spreads the chapters over the workers; each worker starts its own JupyterLab and browser.
    """

    path: Path

    def test_chapter_runs_and_its_widgets_respond(self, page, zygote):
        path = self.path
        try:
            ran = _run_all(page, path.name)
            assert zygote[1].children(), f"{path.name}: Lab's kernel was not forked"
            assert ran and not _errors(page), (
                f"{path.name}: errors after Run All: {_errors(page)[:3]}"
            )
            expected = _widget_cells(path)
            if expected:
                page.wait_for_selector(".jp-OutputArea-output > .widget-vbox", timeout=REDRAW_LIMIT)
            boxes = _widget_boxes(page)
            assert boxes.count() == expected, (
                f"{path.name}: {boxes.count()} widgets shown, {expected} cells"
            )
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            for i in range(boxes.count()):
                box = boxes.nth(i)
                box.scroll_into_view_if_needed()
                assert _draws(box) >= 1 and _has_view(_content(box)), (
                    f"{path.name} widget {i} shows nothing before any change"
                )
                controls = box.locator(".widget-dropdown, .widget-slider, .widget-hslider")
                changed = 0
                for j in range(controls.count()):
                    drawn = _draws(box)
                    what = _change(controls.nth(j))
                    if not what:
                        continue
                    box.locator(f".widget-output.cxlab-draw-{drawn + 1}").wait_for(
                        timeout=REDRAW_LIMIT
                    )
                    assert _has_view(_content(box)), f"{path.name} widget {i}: {what} drew no view"
                    box.screenshot(path=str(ARTEFACTS / f"{path.stem}-widget{i}-control{j}.png"))
                    changed += 1
                assert changed == controls.count(), (
                    f"{path.name} widget {i}: {changed} of {controls.count()} controls changed"
                )
        finally:
            page.evaluate(CLOSE)


for _path in CHAPTERS:
    _name = "TestIn_" + _path.stem
    globals()[_name] = type(_name, (_OneChapterInTheBrowser,), {"path": _path})
