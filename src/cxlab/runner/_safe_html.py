"""What a code cell's output may put into the client report: no script, no live client markup.

The chapters show client text (names, touchpoints, comments) through :mod:`cxlab.findings`,
which escapes every value. This module is the second line, applied by the report builder to
every output it keeps, so that one unescaped value in a chapter still cannot script or link
the report a consultant e-mails to a client:

- **Markdown outputs** (``text/markdown``, what ``IPython.display.Markdown`` and findings show)
  are rendered here with raw HTML *escaped*: a ``<script>`` or ``<img onerror=...>`` inside
  them shows as the literal text it is. Links to ``javascript:``, ``vbscript:``, ``file:`` and
  non-image ``data:`` addresses are refused. The rendering is nbconvert's own (mistune with
  the same plugins and math handling), so the text looks as it did; only raw HTML changes.
  The chapters' own Markdown *cells* are ours and keep rendering as written.
- **HTML outputs** (``text/html``: tables from pandas, notices) go through an allowlist
  sanitiser: only text, table and formatting elements survive, with a few presentational
  attributes; ``<script>``, ``<style>``, ``<svg>``, ``<iframe>`` and forms go with their
  content, every ``on*`` event attribute is dropped, links keep only ``http``, ``https``,
  ``mailto`` and in-page addresses, images only embedded ``data:image/...`` sources, and
  inline styles only harmless properties (no positioning that could cover the page).
  Stripping keeps what a table legitimately shows, where refusing the whole output would lose
  a chapter's result because of one bad cell value.
- **Script and widget outputs** (``application/javascript``, widget views) are dropped: a
  static report cannot run them.

Why a library for the HTML and not our own code: a sanitiser must parse HTML the way a
browser does, which is where home-made filters fail. ``nh3`` binds ammonia, a maintained
allowlist sanitiser built on the html5ever parser that browsers' standards describe; bleach,
which nbconvert uses, is in maintenance mode.

The report's Content-Security-Policy (:data:`CONTENT_SECURITY_POLICY`) is the last line: even
markup that got through could not run a script or load anything from the network.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

import nh3

__all__ = ["CONTENT_SECURITY_POLICY", "clean_html", "markdown_to_html", "safe_outputs"]

#: The report's Content-Security-Policy: no script at all, nothing from the network; inline
#: styles (the report's own and tables') and embedded ``data:`` images are allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; base-uri 'none'; form-action 'none'"
)

#: Output types that only a live front end can show; the report drops them.
SCRIPT_MIMETYPES = frozenset(
    {
        "application/javascript",
        "text/javascript",
        "application/x-javascript",
        "application/vnd.jupyter.widget-view+json",
        "application/vnd.jupyter.widget-state+json",
    }
)

_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"area", "map"}
_GENERIC = {"class", "id", "title", "lang", "dir", "align", "valign", "style"}
_ATTRIBUTES = {
    "*": _GENERIC,
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border", "summary"},
    "th": {"rowspan", "colspan", "scope", "headers"},
    "td": {"rowspan", "colspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
}
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "svg", "math", "iframe", "object", "embed", "template", "noscript"}
    | {"form", "textarea", "select", "button", "title"}
)
_STYLE_PROPERTIES = frozenset(
    {
        "text-align",
        "vertical-align",
        "white-space",
        "color",
        "background-color",
        "font-weight",
        "font-style",
        "font-size",
        "font-family",
        "text-decoration",
        "border",
        "border-top",
        "border-bottom",
        "border-left",
        "border-right",
        "border-color",
        "border-width",
        "border-style",
        "border-collapse",
        "padding",
        "padding-top",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "margin",
        "margin-top",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "width",
        "min-width",
        "max-width",
        "height",
    }
)
_IMAGE_SOURCE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$")
_LINK = re.compile(r"^(#|https?:|mailto:)", re.IGNORECASE)


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if _IMAGE_SOURCE.match(value) else None
    if tag == "a" and name == "href":
        return value if _LINK.match(value.strip()) else None
    return value


def clean_html(text: str) -> str:
    """Return ``text`` with every element and attribute outside the allowlist removed.

    Parameters
    ----------
    text : str
        An HTML fragment (a cell's ``text/html`` output).

    Returns
    -------
    str
        The fragment with no script, event handler, frame, form, style sheet or off-page
        resource left.

    Examples
    --------
    >>> clean_html('<p onclick="steal()">Till <script>alert(1)</script></p>')
    '<p>Till </p>'
    >>> clean_html('<table><tr><td style="color: red; position: fixed">a</td></tr></table>')
    '<table><tbody><tr><td style="color:red">a</td></tr></tbody></table>'
    >>> clean_html('<a href="javascript:alert(1)">x</a><img src="https://t.example/p.gif">')
    '<a rel="noopener noreferrer">x</a><img>'
    """
    return nh3.clean(
        text,
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        filter_style_properties=set(_STYLE_PROPERTIES),
        strip_comments=True,
    )


def _renderer():
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class EscapingRenderer(IPythonRenderer):
        """nbconvert's Markdown renderer, with raw HTML shown as text instead of markup."""

        def block_html(self, html_text: str) -> str:
            return f"<p>{html.escape(html_text.strip(), quote=False)}</p>\n"

        def inline_html(self, html_text: str) -> str:
            return html.escape(html_text, quote=False)

    return MarkdownWithMath(renderer=EscapingRenderer(escape=False, allow_harmful_protocols=False))


def markdown_to_html(text: str) -> str:
    r"""Render a Markdown output as HTML with raw HTML escaped and unsafe links refused.

    Character references (``&#60;``, as :mod:`cxlab.findings` writes them) keep their meaning;
    a tag written into the Markdown shows as text.

    Parameters
    ----------
    text : str
        The Markdown.

    Returns
    -------
    str
        The HTML, passed through :func:`clean_html` as well.

    Examples
    --------
    >>> markdown_to_html("**Till** <img src=x onerror=alert(1)>")
    '<p><strong>Till</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n'
    >>> markdown_to_html("[x](javascript:alert(1)) and &#60;b&#62;")
    '<p><a href="#harmful-link" rel="noopener noreferrer">x</a> and &lt;b&gt;</p>\n'
    """
    return clean_html(_renderer().render(text))


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def safe_outputs(outputs: list) -> list:
    """Return a code cell's outputs made safe for the report (see the module docstring).

    Parameters
    ----------
    outputs : list of nbformat.NotebookNode
        The cell's outputs; they are not changed.

    Returns
    -------
    list of nbformat.NotebookNode
        Copies: Markdown rendered with raw HTML escaped (as ``text/html``), HTML sanitised,
        script and widget outputs left out.
    """
    kept = []
    for output in outputs:
        if output.get("output_type") not in ("display_data", "execute_result"):
            kept.append(output)  # streams and errors: nbconvert escapes them as text
            continue
        output = copy.deepcopy(output)
        data = output.get("data", {})
        if SCRIPT_MIMETYPES & set(data):
            continue
        if "text/markdown" in data:
            markdown = _text(data.pop("text/markdown"))
            if "text/html" not in data:  # nbconvert would have shown the HTML anyway
                data["text/html"] = markdown_to_html(markdown)
        if "text/html" in data:
            data["text/html"] = clean_html(_text(data["text/html"]))
            # An "isolated" HTML output becomes a frame, which the report's policy forbids.
            output.get("metadata", {}).pop("text/html", None)
        kept.append(output)
    return kept
