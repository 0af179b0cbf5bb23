"""Headline cards and the reader's pass over tables: hand-written inputs, hand-written text.

The card sentences come from the shape of the published headline numbers only (the runner
knows nothing about what they mean); the table pass changes text, never structure it cannot
read. No notebook is executed here.
"""

from __future__ import annotations

import nbformat

from cxlab.headlines import publish
from cxlab.runner._report import ChapterPart, card_lines, render_report
from cxlab.runner._tables import polish_tables


def test_a_score_object_reads_as_value_interval_and_n():
    lines = card_lines(
        {"nps": {"metric": "nps", "value": 27.12, "low": 22.28, "high": 31.79, "n": 907}}
    )
    assert lines == ["NPS: 27 (22 to 32), n = 907"]


def test_text_fields_of_a_score_name_what_it_is_about():
    lines = card_lines(
        {
            "worst_touchpoint": {"touchpoint": "checkout", "value": 23.5, "low": 18.9,
                                 "high": 28.9, "n": 272, "differs": True},
            "biggest_drop_off": {"from": "service", "to": "loyalty", "share": 0.4106,
                                 "low": 0.3863, "high": 0.4353, "n": 1549},
        }
    )  # fmt: skip
    assert lines == [
        "Worst touchpoint (checkout): 24 (19 to 29), n = 272",
        "Biggest drop-off (service to loyalty): 41% (39% to 44%), n = 1,549",
    ]


def test_a_difference_carries_its_sign_and_p_value():
    lines = card_lines(
        {"csat_change": {"periods": "Q4 vs Q3", "difference": 5.52, "low": -6.89,
                         "high": 17.76, "p_value": 0.3872}}
    )  # fmt: skip
    assert lines == ["CSAT change (Q4 vs Q3): +5.5 (−6.9 to 17.8), p = 0.39"]


def test_numbers_come_before_text_and_at_most_five_lines():
    numbers = {
        "client": "Ada & Co",
        "currency": "GBP",
        "first_date": "2024-01-01T00:00:00",
        "customers": 2000,
        "top20_revenue_share": 0.5206,
        "orders": 13934,
        "net_revenue": 939044.51,
        "responses": 2627,
        "events": 13120,
        "segments": {"a": {"customers": 3}},  # a nested table: metrics.json only
        "flags": [{"what": "x"}],  # a list of mappings: metrics.json only
    }
    assert card_lines(numbers, client="Ada & Co") == [
        "Customers: 2,000",
        "Revenue share of the top 20% of customers: 52%",
        "Orders: 13,934",
        "Net revenue: 939,045",
        "Responses: 2,627",
    ]
    assert card_lines(numbers, client="Ada & Co", limit=9)[-2:] == [
        "Currency: GBP",
        "First date: 1 Jan 2024",
    ]


def test_amounts_of_money_carry_the_clients_currency():
    numbers = {"currency": "GBP", "net_revenue": 939044.51, "orders": 13934}
    # 939,044.51 rounds to 939,045; the currency key is folded into the amount
    assert card_lines(numbers, currency="GBP") == ["Net revenue: 939,045 GBP", "Orders: 13,934"]
    assert card_lines(numbers) == ["Net revenue: 939,045", "Orders: 13,934", "Currency: GBP"]


def test_a_score_without_an_interval_says_so():
    lines = card_lines({"csat": {"value": 80.0, "low": None, "high": None, "n": 4,
                                 "warning": "only 4 responses"}})  # fmt: skip
    assert lines == ["CSAT: 80 (no interval), n = 4 — only 4 responses"]


def test_chapter_card_and_summary_show_the_published_numbers(tmp_path):
    shown = publish({"customers": 1200, "nps": {"value": -12.4, "low": -20.1, "high": -4.9,
                                                "n": 310}}, display=False)  # fmt: skip
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("headlines.publish(...)")
    code.outputs = [nbformat.v4.new_output("display_data", data=shown._repr_mimebundle_())]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 07 · Loyalty"),
        nbformat.v4.new_markdown_cell("## Practical"),
        nbformat.v4.new_markdown_cell("### 1. Scores"),
        code,
    ]
    path = tmp_path / "07_loyalty.ipynb"
    nbformat.write(nb, path)
    page = render_report(
        [ChapterPart("07", "07_loyalty", "ok", "", path)],
        client="Ada",
        period=("2024-01-01", "2024-06-30"),
        generated="2024-07-01 09:00 UTC",
        version="9.9",
        data_label="ada",
    )
    assert page.count("NPS: −12 (−20 to −5), n = 310") == 2  # summary and chapter card
    assert "Customers: 1,200" in page
    assert "Headline numbers" not in page, "the raw table of published numbers is left out"
    assert "1 Jan 2024 to 30 Jun 2024" in page
    assert page.index('id="summary"') < page.index('id="c07"') < page.index('id="appendix"')
    assert '<h2 class="chapter">Loyalty</h2>' in page, "the title without its number"


def test_numbers_published_in_student_only_cells_stay_off_the_card(tmp_path):
    def cell(numbers, *tags):
        shown = publish(numbers, display=False)
        code = nbformat.v4.new_code_cell("headlines.publish(...)")
        code.metadata["tags"] = list(tags)
        code.outputs = [nbformat.v4.new_output("display_data", data=shown._repr_mimebundle_())]
        return code

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 07 · Loyalty"),
        nbformat.v4.new_markdown_cell("## Practical"),
        cell({"planted_check": 0.593}, "student-only"),
        cell({"customers": 1200}),
    ]
    path = tmp_path / "07_loyalty.ipynb"
    nbformat.write(nb, path)
    page = render_report(
        [ChapterPart("07", "07_loyalty", "ok", "", path)],
        client="Ada",
        period=None,
        generated="2024-07-01 09:00 UTC",
        version="9.9",
        data_label="ada",
    )
    assert "Customers: 1,200" in page
    assert "Planted check" not in page and "0.59" not in page


TABLE = (
    '<table border="1" class="dataframe"><thead>'
    "<tr><th></th><th>n</th><th>share_of_revenue</th><th>p_adjusted</th><th>masked</th>"
    "<th>since</th></tr>"
    "<tr><th>touchpoint</th><th></th><th></th><th></th><th></th><th></th></tr></thead>"
    "<tbody><tr><th>check_out</th><td>12760</td><td>0.191</td><td>0.000</td><td>False</td>"
    "<td>NaT</td></tr></tbody></table>"
)


def test_table_pass_relabels_reformats_and_lifts_the_index_name():
    assert polish_tables(TABLE) == (
        '<table class="dataframe"><thead><tr><th>Touchpoint</th><th>n</th>'
        "<th>Share of revenue</th><th>p (Holm-adjusted)</th><th>Masked</th><th>Since</th>"
        "</tr></thead><tbody><tr><th>check_out</th>"  # a row label is data: left as it is
        '<td class="num">12,760</td><td class="num">19%</td><td class="num">&lt; 0.001</td>'
        "<td>no</td><td>–</td></tr></tbody></table>"
    )


def test_table_pass_drops_row_numbers_only():
    numbered = (
        '<table class="dataframe"><thead><tr><th></th><th>what</th></tr></thead><tbody>'
        "<tr><th>0</th><td>a</td></tr><tr><th>1</th><td>b</td></tr></tbody></table>"
    )
    assert polish_tables(numbered) == (
        '<table class="dataframe"><thead><tr><th>What</th></tr></thead><tbody>'
        "<tr><td>a</td></tr><tr><td>b</td></tr></tbody></table>"
    )
    labelled = numbered.replace("<th>1</th>", "<th>7</th>")
    assert "<th>7</th>" in polish_tables(labelled)


def test_table_pass_leaves_other_tables_alone():
    ours = "<table class='cxlab-table'><tr><td>True</td></tr></table>"
    assert polish_tables(ours) == ours
