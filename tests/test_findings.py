import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlab.findings import Finding, escape_markdown, join, md

PAYLOADS = [
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://example.invalid/x.png)",
    "`code` **bold** _em_ # heading",
    "a | b | c",
    "$x^2$",
]


def render(markdown: str) -> str:
    """Render Markdown to HTML the way the report does (nbconvert's renderer, raw HTML allowed)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_client_text_renders_as_literal_text(payload):
    html_out = render(md("Touchpoint **{tp}** is worst.", tp=payload).to_markdown())
    assert "<script" not in html_out
    assert "<svg" not in html_out
    assert "<img" not in html_out
    assert "<a " not in html_out
    assert "<code>" not in html_out
    assert "<em>" not in html_out
    # the bold from our own template survives; the value inside it shows literally
    assert html_out.count("<strong>") == 1


@given(st.text(max_size=60))
def test_escaped_value_has_no_markup_characters(value):
    out = escape_markdown(value)
    assert not re.search(r"[<>`*_\[\]()|~$:/@\n\r]", out)
    assert "&" not in re.sub(r"&#\d+;", "", out)


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=40))
def test_escaped_value_renders_back_to_the_same_text(value):
    html_out = render(escape_markdown("x" + value + "x"))
    text = re.sub(r"</?p>\n?", "", html_out)
    assert html.unescape(text) == " ".join(("x" + value + "x").splitlines())


def test_format_specs_apply_before_escaping():
    f = md("NPS {nps:+.0f} from {n:,} answers", nps=27.12, n=1234)
    assert f.text == "NPS +27 from 1,234 answers"
    assert f.to_markdown() == "NPS +27 from 1,234 answers"  # signs before digits stay plain


def test_plain_text_drops_bold_markers_only():
    assert md("**{a}** and __b__", a="x*y").text == "x*y and b"


def test_unsupported_finding_says_so():
    f = Finding.unsupported("No NPS answers, so no NPS trend ({n} answers).", n=0)
    assert not f.supported
    assert f.text == "No NPS answers, so no NPS trend (0 answers)."


def test_join_keeps_each_parts_values_apart():
    a = md("{x} rose", x="NPS")
    b = md("{x} fell", x="<CSAT>")
    both = join([a, "while", b])
    assert both.text == "NPS rose while <CSAT> fell"
    assert "&#60;CSAT&#62;" in both.to_markdown()
    assert both.facts == {"x": "<CSAT>"}  # facts merge by name; the later part wins


def test_join_is_unsupported_when_a_part_is():
    both = join([md("a"), Finding.unsupported("no data")])
    assert not both.supported


def test_literal_braces_in_joined_strings_survive():
    assert join(["{not a field}", md("{v}", v=1)]).text == "{not a field} 1"


def test_repr_markdown_is_the_escaped_form():
    f = md("{v}", v="<b>")
    assert f._repr_markdown_() == "&#60;b&#62;"
    assert str(f) == "<b>"


def test_numbers_stay_readable_in_the_markdown_source():
    assert escape_markdown("27.1% at 10:30, -3 and +4") == "27.1% at 10:30, -3 and +4"


@pytest.mark.parametrize("value", ["1. item", "- item", "+ item", "www.example.com", "a.b"])
def test_points_and_signs_outside_numbers_are_still_escaped(value):
    assert not re.search(r"[.+\-]", escape_markdown(value).replace("&#", ""))


def test_repr_is_the_plain_sentence():
    assert repr(md("**{v}** rose", v="<NPS>")) == "<NPS> rose"
