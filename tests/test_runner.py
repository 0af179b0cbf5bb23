"""cxlab run / cxlab batch: results folder, report, metrics.json, faults and isolation.

Most tests run small stand-in chapter notebooks written below (each one kernel start), so the
runner's behaviour is tested apart from the chapters' content; one test runs the real welcome
notebook end to end on a demo client.

No test depends on the machine's speed: runs get the default per-cell timeout (600 s) unless a
test is about the timeout, and then the cell that meets the limit sleeps for an hour, far past
it, while the notebook's other cells merely assign the parameters.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pandas as pd
import pytest
from conftest import CUSTOMERS, RESPONSES, TRANSACTIONS
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlab import datasets
from cxlab.cli import main
from cxlab.errors import RunError
from cxlab.headlines import MIMETYPE
from cxlab.runner import metrics_schema, read_batch, run_batch, run_client, slugify
from cxlab.runner._execute import auto_jobs

ROOT = Path(__file__).resolve().parents[1]

PARAMS = (
    'client_name: str = ""\ndata_dir: str = ""\ndemo: str = "clothing_retailer"\nseed: int = 42'
)
LOAD = "import cxlab\nfrom cxlab import headlines\nbundle = cxlab.load_bundle(data_dir)"


def _notebook(
    path: Path, cells: list[str], *, requires: tuple[str, ...] = (), load: bool = True
) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["cxlab"] = {"requires": list(requires)}
    title = path.stem.split("_", 1)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title[0]} · {title[1]}\nA stand-in."))
    nb.cells.append(nbformat.v4.new_markdown_cell("## Theory\nNot for the client report."))
    nb.cells.append(nbformat.v4.new_markdown_cell("## Practical"))
    params = nbformat.v4.new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells.append(params)
    if load:
        nb.cells.append(nbformat.v4.new_code_cell(LOAD))
    nb.cells.append(nbformat.v4.new_markdown_cell("### 1. The analysis"))
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.cells.append(nbformat.v4.new_markdown_cell("## Exercises\nNot for the client report."))
    nbformat.write(nb, path)
    return path


GOOD = [
    'print(f"{client_name} has {len(bundle.customers)} customers")',
    'headlines.publish({"customers": len(bundle.customers), "seed": seed})',
]


def _chapters(base: Path) -> Path:
    """Four stand-in chapters: ok, raises, kills its kernel, needs events."""
    folder = base / "chapters"
    folder.mkdir()
    _notebook(folder / "00_good.ipynb", GOOD, requires=("customers",))
    _notebook(folder / "01_raises.ipynb", ['raise ValueError("planted failure")'])
    _notebook(folder / "03_crash.ipynb", ["import os\nos._exit(1)"])
    _notebook(folder / "04_journey.ipynb", ["print('never runs')"], requires=("events",))
    return folder


@pytest.fixture
def chapters(tmp_path) -> Path:
    return _chapters(tmp_path)


@pytest.fixture
def good_only(tmp_path) -> Path:
    folder = tmp_path / "good_only"
    folder.mkdir()
    _notebook(folder / "00_good.ipynb", GOOD, requires=("customers",))
    return folder


@pytest.fixture
def client_data(make_bundle) -> Path:
    return make_bundle(
        {"customers.csv": CUSTOMERS, "transactions.csv": TRANSACTIONS, "responses.csv": RESPONSES},
        yml="client: Bakery Brand\n",
        name="bakery",
    )


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ------------------------------------------------------------------------------------------
# folder names


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("../../x", "x"),
        (".hidden", "hidden"),
        ('O\'Brien "Bikes"; rm -rf /', "o-brien-bikes-rm-rf"),
        ("Fennel & Flint", "fennel-flint"),
        ("  Café Zoë  ", "cafe-zoe"),
        ("$(reboot)", "reboot"),
    ],
)
def test_client_names_become_safe_folder_names(name, slug):
    assert slugify(name) == slug


def test_names_with_nothing_readable_stay_distinct():
    assert slugify("???") != slugify("!!!")
    assert re.fullmatch(r"client-[0-9a-f]{8}", slugify("???"))


@settings(deadline=None)  # a busy machine may take longer than hypothesis's default 200 ms
@given(st.text(max_size=200))
def test_any_name_gives_a_plain_folder_name(name):
    slug = slugify(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 69


# ------------------------------------------------------------------------------------------
# one client


def test_malformed_bundle_stops_before_running_and_writes_nothing(make_bundle, tmp_path, chapters):
    bad = make_bundle({"responses.csv": RESPONSES.replace(",9,5,6,", ",12,5,6,")})
    out = tmp_path / "out"
    result = run_client(bad, out=out, notebook_dir=chapters)
    assert result.status == "invalid"
    assert result.folder is None
    assert result.validation.errors[0].rule == "out_of_scale"
    assert not out.exists() or not any(out.iterdir())


def test_malformed_bundle_exits_one_with_the_validation_report(make_bundle, tmp_path, capsys):
    bad = make_bundle({"responses.csv": RESPONSES.replace(",9,5,6,", ",12,5,6,")})
    code = main(["run", "--data", str(bad), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    out = capsys.readouterr().out
    assert "ERROR [out_of_scale] responses.csv › column 'nps'" in out
    assert "row 2: '12'" in out


def test_a_notebook_outside_the_template_is_refused_before_anything_runs(
    tmp_path, client_data, capsys
):
    folder = tmp_path / "own"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 00 · Our own"),
        nbformat.v4.new_code_cell("print('no section above me')"),
    ]
    nbformat.write(nb, folder / "00_own.ipynb")
    argv = ["run", "--data", str(client_data), "--notebooks-dir", str(folder)]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "00_own.ipynb" in err and "cell 1: no '## ' section above it" in err
    assert "Practical" in err, "the message names the sections to use"
    assert not (tmp_path / "out").exists(), "a refused run writes nothing"


def test_missing_data_folder_or_unknown_notebook_is_a_usage_error(tmp_path, client_data, capsys):
    assert main(["run", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    code = main(["run", "--data", str(client_data), "--notebooks", "42", "--out", str(tmp_path)])
    assert code == 2
    assert "no chapter notebook '42'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["run", "--data", str(client_data), "--jobs", "two", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert "'two' is neither a whole number nor 'auto'" in capsys.readouterr().err
    for jobs in ("many", 0):
        with pytest.raises(RunError, match="jobs a whole number of at least 1 or 'auto'"):
            run_client(client_data, out=tmp_path / "refused", jobs=jobs)
    assert not (tmp_path / "refused").exists(), "a refused run writes nothing"


def _bakery(base: Path) -> Path:
    data = base / "bakery"
    data.mkdir()
    for name, text in (
        ("customers.csv", CUSTOMERS),
        ("transactions.csv", TRANSACTIONS),
        ("responses.csv", RESPONSES),
        ("cxlab.yml", "client: Bakery Brand\n"),
    ):
        (data / name).write_text(text, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory):
    """One run of the four stand-in chapters, shared by the tests that read its results."""
    base = tmp_path_factory.mktemp("faulty")
    data = _bakery(base)
    out = base / "out"
    result = run_client(data, out=out, notebook_dir=_chapters(base), jobs=2, seed=7)
    return result, out, data


#: Per-cell limit of the timeout test. The sleeping cell outlasts it by an hour; the other cells
#: only assign the parameters, which takes well under a second even on a loaded machine.
SHORT_LIMIT = 10


@pytest.fixture(scope="module")
def timeout_run(tmp_path_factory):
    """A chapter whose one real cell sleeps for an hour, run under a 10 s per-cell limit."""
    base = tmp_path_factory.mktemp("timeout")
    folder = base / "chapters"
    folder.mkdir()
    _notebook(folder / "02_slow.ipynb", ["import time\ntime.sleep(3600)"], load=False)
    out = base / "out"
    result = run_client(_bakery(base), out=out, notebook_dir=folder, timeout=SHORT_LIMIT)
    return result, out


@pytest.mark.slow  # executes notebooks
def test_each_fault_fails_only_its_own_notebook(faulty_run):
    result, _, _ = faulty_run
    status = {n.name: n.status for n in result.notebooks}
    assert status == {
        "00_good": "ok",
        "01_raises": "failed",
        "03_crash": "failed",
        "04_journey": "skipped",
    }
    reasons = {n.name: n.reason for n in result.notebooks}
    assert "ValueError: planted failure" in reasons["01_raises"]
    assert "kernel died" in reasons["03_crash"]
    assert "events" in reasons["04_journey"]
    assert result.status == "failed"


@pytest.mark.slow  # executes notebooks
def test_results_folder_holds_notebooks_report_metrics_and_log(faulty_run):
    result, out, _ = faulty_run
    assert result.folder == out / "bakery-brand"
    assert _entries(out) == {"bakery-brand"}, "no temporary folder is left behind"
    assert _entries(result.folder) == {
        "00_good.ipynb",
        "01_raises.ipynb",
        "03_crash.ipynb",
        "report.html",
        "metrics.json",
        "run.log",
    }


@pytest.mark.slow  # executes notebooks
def test_a_failed_notebook_keeps_its_executed_copy_with_the_error(faulty_run):
    result, _, _ = faulty_run
    nb = nbformat.read(result.folder / "01_raises.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"


@pytest.mark.slow  # executes notebooks
def test_a_cell_past_the_timeout_fails_its_notebook_with_a_note(timeout_run):
    result, out = timeout_run
    [slow] = result.notebooks
    assert slow.status == "failed"
    assert f"{SHORT_LIMIT} s per-cell timeout" in slow.reason
    assert slow.seconds < 3600, "the sleeping cell was cut off, not waited for"
    executed = nbformat.read(result.folder / "02_slow.ipynb", as_version=4)
    note = html.unescape(executed.cells[0].source)  # the reason is escaped like client text
    assert note == f"**cxlab run stopped this notebook:** {slow.reason}"
    assert _entries(out) == {"bakery-brand"}


@pytest.mark.slow  # executes notebooks
def test_parameters_reach_the_notebook(faulty_run):
    result, _, _ = faulty_run
    nb = nbformat.read(result.folder / "00_good.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Bakery Brand has 4 customers" in printed


@pytest.mark.slow  # executes notebooks
def test_metrics_json_follows_its_schema_and_carries_headlines(faulty_run):
    result, _, client_data = faulty_run
    metrics = json.loads((result.folder / "metrics.json").read_text(encoding="utf-8"))
    jsonschema.validate(metrics, metrics_schema())
    assert metrics["client"] == {"name": "Bakery Brand", "slug": "bakery-brand"}
    assert metrics["parameters"]["seed"] == 7
    assert metrics["notebooks"]["00_good"]["headlines"] == {"customers": 4, "seed": 7}
    assert metrics["notebooks"]["01_raises"]["status"] == "failed"
    assert metrics["summary"] == {**metrics["summary"], "ok": 1, "failed": 2, "skipped": 1}
    assert metrics["data"]["period"] == {"start": "2024-03-01", "end": "2024-03-12"}
    import hashlib

    files = {f["name"]: f["sha256"] for f in metrics["data"]["files"]}
    expected = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(client_data.iterdir())
    }
    assert files == expected


@pytest.mark.slow  # executes notebooks
def test_report_is_one_client_ready_page(faulty_run):
    result, _, _ = faulty_run
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "<h1>Bakery Brand</h1>" in page
    assert "1 Mar 2024 to 12 Mar 2024" in page  # dates as a reader writes them
    assert 'nav class="toc"' in page and 'href="#c00-1.-The-analysis"' in page
    assert "Bakery Brand has 4 customers" in page  # outputs are kept
    assert "headlines.publish" not in page and "import cxlab" not in page  # inputs are not
    assert "Not for the client report" not in page  # theory and exercises are left out
    assert "planted failure" in page and "could not be completed" in page
    assert "Not covered:" in page and "events" in page
    assert "http://" not in page and "https://" not in page  # opens offline, loads nothing


@pytest.mark.slow  # executes notebooks
def test_failed_run_exits_three_with_a_summary_table(tmp_path, client_data, chapters, capsys):
    code = main(
        [
            "run",
            "--data",
            str(client_data),
            "--out",
            str(tmp_path / "out"),
            "--notebooks",
            "0,1",
            "--notebooks-dir",
            str(chapters),
            "--quiet",
        ]
    )
    assert code == 3
    out = capsys.readouterr().out
    assert re.search(r"00_good\s+ok", out) and re.search(r"01_raises\s+failed", out)
    metrics = json.loads((tmp_path / "out" / "bakery-brand" / "metrics.json").read_text())
    assert metrics["parameters"]["jobs"] == auto_jobs(), "without --jobs, cxlab run picks its own"


@pytest.mark.slow  # executes notebooks
def test_rerun_replaces_the_previous_results_whole(tmp_path, client_data, chapters):
    out = tmp_path / "out"
    first = run_client(client_data, out=out, notebook_dir=chapters, notebooks="0,1")
    assert (first.folder / "01_raises.ipynb").exists()
    second = run_client(client_data, out=out, notebook_dir=chapters, notebooks="0")
    assert second.folder == first.folder
    assert not (second.folder / "01_raises.ipynb").exists()
    assert _entries(out) == {"bakery-brand"}


@pytest.mark.slow  # executes notebooks
def test_identical_inputs_give_identical_metrics_and_report_apart_from_timings(
    tmp_path, client_data, good_only
):
    # A heading in a student-only cell still heads the client's cells below it: the report
    # writes it as a cell of its own.
    path = good_only / "00_good.ipynb"
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.source.startswith("### ")).metadata["tags"] = ["student-only"]
    nbformat.write(nb, path)

    def results(out):
        result = run_client(client_data, out=tmp_path / out, notebook_dir=good_only)
        data = json.loads((result.folder / "metrics.json").read_text(encoding="utf-8"))
        data.pop("generated_at")
        data["summary"].pop("seconds")
        for nb in data["notebooks"].values():
            nb.pop("seconds")
        page = (result.folder / "report.html").read_text(encoding="utf-8")
        # when it was prepared: on the cover, in the footer, and in the appendix's own format
        when = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC|\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}"
        assert len(re.findall(when, page)) == 3, re.findall(when, page)
        return data, re.sub(when, "(time)", page)

    (metrics_a, page_a), (metrics_b, page_b) = results("a"), results("b")
    assert metrics_a == metrics_b
    assert page_a == page_b


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory):
    """Chapters 00 and 01 of a 400-customer demo client, run twice: as ``cxlab run`` runs them
    by default (the bundle's snapshot, kernels forked from a preloaded process), and with
    neither (every chapter validates the bundle itself in a new kernel). Returns the bundle
    folder and, per way, the results folder, the metrics without timings and every cell's
    outputs."""
    base = tmp_path_factory.mktemp("two-ways")
    source = datasets.write_demo("clothing_retailer", base / "data", n_customers=400)

    def results(out, **options):
        result = run_client(source, out=base / out, notebooks="00,01", **options)
        data = json.loads((result.folder / "metrics.json").read_text(encoding="utf-8"))
        data.pop("generated_at")
        data["summary"].pop("seconds")
        for nb in data["notebooks"].values():
            nb.pop("seconds")
        cells = {
            path.name: [c.get("outputs", []) for c in nbformat.read(path, as_version=4).cells]
            for path in sorted(result.folder.glob("*.ipynb"))
        }
        return result.folder, data, cells

    return source, results("shortcuts"), results("plain", snapshot=False, fork_kernels=False)


@pytest.mark.slow  # executes two chapters twice
def test_the_snapshot_and_forked_kernels_change_no_result(two_ways):
    # The welcome chapter shows a wide table, whose layout pandas decides by whether it was
    # imported in a kernel; every output is compared, figures included.
    _, (folder, *shortcuts), (_, *plain) = two_ways
    assert shortcuts == plain
    assert shortcuts[0]["summary"]["ok"] == 2, "the comparison ran both chapters"
    leftovers = [p.name for p in folder.rglob("*") if "snapshot" in p.name]
    assert leftovers == [], "the snapshot never reaches the results folder"


@pytest.mark.slow  # executes two chapters twice (shared with the test above)
def test_chapters_of_a_demo_client_run_end_to_end(two_ways):
    source, (folder, metrics, _), _ = two_ways
    customers = pd.read_csv(source / "customers.csv")
    assert metrics["notebooks"]["00_welcome"]["headlines"]["customers"] == len(customers)
    assert metrics["client"]["name"] == "Loomwell Apparel"
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.count("<img") >= 3, "figures are embedded in the report"
    assert "widget-view" not in page, "widget cells are dropped"


@pytest.mark.parametrize("name", ["../../x", 'O\'Brien "Bikes"; rm -rf ~'])
@pytest.mark.slow  # executes notebooks
def test_hostile_client_names_stay_inside_the_output_folder(tmp_path, client_data, good_only, name):
    out = tmp_path / "deep" / "out"
    result = run_client(client_data, client=name, out=out, notebook_dir=good_only)
    assert result.ok
    assert result.folder.parent == out
    assert _entries(tmp_path) == {"deep", "bakery", "good_only"}
    assert _entries(tmp_path / "deep") == {"out"}
    metrics = json.loads((result.folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["client"]["name"] == name


# ------------------------------------------------------------------------------------------
# many clients


def _batch_file(tmp_path: Path, clients: list[dict], **top) -> Path:
    import yaml

    path = tmp_path / "clients.yml"
    path.write_text(yaml.safe_dump({"out": "reports", **top, "clients": clients}), "utf-8")
    return path


@pytest.fixture
def five_clients(tmp_path, make_bundle) -> Path:
    good = [
        make_bundle({"customers.csv": CUSTOMERS}, name=f"client{i}", yml=f"client: Client {i}\n")
        for i in range(4)
    ]
    bad = make_bundle({"customers.csv": CUSTOMERS.replace("C2,", "C1,")}, name="broken")
    clients = [{"name": f"Client {i}", "data": p.name} for i, p in enumerate(good)]
    clients.insert(2, {"name": "Broken Ltd", "data": bad.name})
    return _batch_file(tmp_path, clients, jobs=3)


@pytest.mark.slow  # executes notebooks
def test_one_bad_client_in_five_leaves_four_good_reports(five_clients, good_only, capsys):
    argv = ["batch", str(five_clients), "--notebooks-dir", str(good_only), "--jobs", "auto"]
    code = main([*argv, "--quiet"])
    assert code == 3
    out_dir = five_clients.parent / "reports"
    assert _entries(out_dir) == {"index.html", *(f"client-{i}" for i in range(4))}
    for i in range(4):
        assert (out_dir / f"client-{i}" / "report.html").is_file()
    table = capsys.readouterr().out
    assert re.search(r"Broken Ltd\s+invalid.*\[duplicate_id\] customers.csv", table)
    assert len(re.findall(r"Client \d\s+ok", table)) == 4
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert index.count('/report.html">') == 4
    assert "Broken Ltd" in index and "duplicate_id" in index


@pytest.mark.slow  # executes notebooks
def test_batch_on_a_local_dask_cluster_gives_the_same_results(tmp_path, make_bundle, good_only):
    clients = [
        {"name": f"Dask {i}", "data": make_bundle({"customers.csv": CUSTOMERS}).name}
        for i in range(2)
    ]
    batch = read_batch(_batch_file(tmp_path, clients))
    results = run_batch(batch, engine="dask", jobs=2, notebook_dir=good_only, progress=False)
    assert [r.status for r in results] == ["ok", "ok"]
    assert [r.client for r in results] == ["Dask 0", "Dask 1"]
    for r in results:
        metrics = json.loads((r.folder / "metrics.json").read_text(encoding="utf-8"))
        assert metrics["notebooks"]["00_good"]["headlines"]["customers"] == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("clients: [\n", "not valid YAML at line"),
        ("clients: []\n", "non-empty 'clients:' list"),
        ("clients:\n  - name: A\n", "needs both name: and data:"),
        ("clients:\n  - {name: A, data: x, colour: red}\n", "client 1: unknown key(s) ['colour']"),
        ("output: r\nclients:\n  - {name: A, data: x}\n", "unknown key(s) ['output']"),
        (
            "clients:\n  - {name: A B, data: x}\n  - {name: a-b, data: y}\n",
            "would share the results folder 'a-b'",
        ),
        ("clients:\n  - {name: A, data: x, timeout: soon}\n", "wrong type"),
        ("jobs: many\nclients:\n  - {name: A, data: x}\n", "'jobs' must be a whole number or auto"),
    ],
)
def test_malformed_batch_files_are_refused_with_the_reason(tmp_path, text, message):
    path = tmp_path / "clients.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RunError) as info:
        read_batch(path)
    assert message in str(info.value)
    assert "clients.yml" in str(info.value)


def test_batch_paths_are_relative_to_the_batch_file(tmp_path):
    path = _batch_file(tmp_path, [{"name": "A", "data": "exports/a", "seed": 3}])
    batch = read_batch(path)
    assert batch.out == tmp_path / "reports"
    assert batch.clients[0].data == tmp_path / "exports" / "a"
    assert batch.clients[0].seed == 3


def test_a_batch_uses_the_cores_unless_its_file_says_otherwise(tmp_path):
    clients = [{"name": "A", "data": "a"}]
    assert read_batch(_batch_file(tmp_path, clients)).jobs == auto_jobs()
    assert read_batch(_batch_file(tmp_path, clients, jobs="auto")).jobs == auto_jobs()
    assert read_batch(_batch_file(tmp_path, clients, jobs=3)).jobs == 3
    assert read_batch(_batch_file(tmp_path, clients)).clients[0].jobs == 1, "one notebook each"


# ------------------------------------------------------------------------------------------
# notebooks declare what they need; papermill still works on its own


def test_chapter_notebooks_declare_the_tables_the_curriculum_lists():
    from cxlab import curriculum
    from cxlab.runner import discover

    for spec in discover(ROOT / "notebooks"):
        chapter = curriculum.chapter(spec.number)
        assert spec.requires == chapter.requires, spec.name


@pytest.mark.slow  # executes notebooks
def test_papermill_runs_a_chapter_directly_with_a_data_dir(tmp_path):
    data = datasets.demo_path("restaurant")
    out = tmp_path / "out.ipynb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "00_welcome.ipynb"),
            str(out),
            "-p",
            "data_dir",
            str(data),
            "--cwd",
            str(tmp_path),
            "--no-progress-bar",
        ],
        check=True,
        capture_output=True,
    )
    nb = nbformat.read(out, as_version=4)
    published = [
        json.loads(o["data"][MIMETYPE])
        for c in nb.cells
        for o in c.get("outputs", [])
        if MIMETYPE in o.get("data", {})
    ]
    assert published and published[0]["client"] == "Fennel & Flint"


def _schema_fields(schema: dict, prefix: str = "") -> list[str]:
    fields = []
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if "properties" in sub:
            fields += _schema_fields(sub, path + ".")
        else:
            fields.append(path)
    return fields


def test_every_metrics_field_is_documented():
    doc = (ROOT / "docs" / "metrics-json.md").read_text(encoding="utf-8")
    for field in _schema_fields(metrics_schema()):
        assert f"`{field}`" in doc or f"{field.rsplit('.', 1)[-1]}`" in doc, field


def test_the_welcome_headlines_are_documented():
    from cxlab import overview

    doc = (ROOT / "docs" / "metrics-json.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `00_welcome` |"))
    keys = set(overview.key_figures(datasets.load_demo("saas")).index)
    assert {k.strip("` ") for k in row.split("|")[2].split(",")} == keys


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path, client_data, good_only, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    argv = ["run", "--data", str(client_data), "--out", str(blocker / "out")]
    assert main([*argv, "--notebooks-dir", str(good_only), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "cannot write the results" in err and "Traceback" not in err


@pytest.mark.slow  # executes notebooks
def test_an_unexpected_fault_in_one_client_does_not_stop_the_batch(
    tmp_path, make_bundle, good_only, monkeypatch
):
    import cxlab.runner._batch as batch_module

    real = batch_module.run_client

    def flaky(data, **options):
        if options["client"] == "Faulty":
            raise OSError("disk full")
        return real(data, **options)

    monkeypatch.setattr(batch_module, "run_client", flaky)
    clients = [
        {"name": name, "data": make_bundle({"customers.csv": CUSTOMERS}).name}
        for name in ("Faulty", "Fine")
    ]
    results = run_batch(
        read_batch(_batch_file(tmp_path, clients)), notebook_dir=good_only, progress=False
    )
    assert [r.status for r in results] == ["failed", "ok"]
    assert "OSError: disk full" in results[0].validation.errors[0].message


@pytest.mark.slow  # executes notebooks
def test_widget_cells_are_not_run_headless(tmp_path, client_data):
    folder = tmp_path / "widgets"
    folder.mkdir()
    path = _notebook(folder / "00_widget.ipynb", GOOD)
    nb = nbformat.read(path, as_version=4)
    widget = nbformat.v4.new_code_cell('raise RuntimeError("a live control ran headless")')
    widget.metadata["tags"] = ["widget", "nbval-skip"]
    nb.cells.insert(-1, widget)
    nbformat.write(nb, path)
    result = run_client(client_data, out=tmp_path / "out", notebook_dir=folder)
    assert result.ok, result.summary()
    executed = nbformat.read(result.folder / "00_widget.ipynb", as_version=4)
    tagged = [c for c in executed.cells if "widget" in c.metadata.get("tags", [])]
    assert tagged[0].source.startswith("# Interactive cell: not run by cxlab run")


def test_a_chapter_needing_one_of_some_columns_is_skipped_when_none_has_answers(tmp_path):
    from pathlib import Path as _Path

    from cxlab.contract.bundle import Bundle
    from cxlab.contract.config import BundleConfig
    from cxlab.runner._notebooks import NotebookSpec
    from cxlab.runner._run import _skip_reason

    spec = NotebookSpec(
        _Path("01_x.ipynb"), "01", ("responses",), {"responses": ("nps", "csat", "ces")}
    )
    undated = pd.DataFrame({"satisfied": [True, False], "nps": [None, None]})
    scored = pd.DataFrame({"csat": [4, 5]})
    assert _skip_reason(spec, Bundle(_Path("x"), BundleConfig(), responses=undated)) == (
        "needs answers in nps, csat or ces in the responses table, which this data lacks"
    )
    assert _skip_reason(spec, Bundle(_Path("x"), BundleConfig(), responses=scored)) == ""


@pytest.mark.slow  # executes notebooks
def test_a_chapter_declaring_out_dir_writes_its_exports_into_the_results(tmp_path, client_data):
    folder = tmp_path / "exporting"
    folder.mkdir()
    export = (
        "from pathlib import Path\n"
        "Path(out_dir).mkdir(parents=True, exist_ok=True)\n"
        "(Path(out_dir) / 'list.csv').write_text('customer_id\\nC1\\n', encoding='utf-8')"
    )
    declares = _notebook(folder / "00_exports.ipynb", [export])
    nb = nbformat.read(declares, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source += '\nout_dir: str = ""  # folder for exported files; empty: none'
    nbformat.write(nb, declares)
    _notebook(folder / "01_plain.ipynb", ["print(sorted(k for k in dir() if k == 'out_dir'))"])
    result = run_client(client_data, out=tmp_path / "out", notebook_dir=folder)
    assert result.ok, result.summary()
    assert (result.folder / "exports" / "list.csv").read_text(
        encoding="utf-8"
    ) == "customer_id\nC1\n"
    plain = nbformat.read(result.folder / "01_plain.ipynb", as_version=4)
    assert "[]" in plain.cells[-2].outputs[0]["text"]  # not given to a chapter that does not ask
    assert "unknown parameter" not in (result.folder / "run.log").read_text(encoding="utf-8")


# --- one thread per numeric library in every kernel ---------------------------------------------


def test_every_kernel_gets_one_thread_unless_the_user_set_it(monkeypatch):
    from cxlab.runner import _execute

    for name in _execute.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert _execute.thread_limits() == {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert _execute.thread_limits() == {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@pytest.mark.slow  # executes notebooks
def test_kernels_run_one_thread_whatever_the_jobs(monkeypatch, tmp_path):
    from cxlab.runner import _execute

    for name in _execute.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "chapters"
    folder.mkdir()
    show = ["import os\nprint('threads', os.environ.get('OMP_NUM_THREADS', 'unset'))"]
    for stem in ("00_first", "01_second"):
        _notebook(folder / f"{stem}.ipynb", show, load=False)
    data, seen = _bakery(tmp_path), {}
    for jobs in (1, 2):
        result = run_client(data, out=tmp_path / f"out{jobs}", notebook_dir=folder, jobs=jobs)
        assert result.ok, result.summary()
        nb = nbformat.read(result.folder / "00_first.ipynb", as_version=4)
        [printed] = [o["text"] for c in nb.cells for o in c.get("outputs", []) if "text" in o]
        seen[jobs] = printed.split()[1]
    assert seen == {1: "1", 2: "1"}
