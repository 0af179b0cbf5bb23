"""Findings: the sentences a chapter states, with the numbers they rest on, safe to show.

Every analysis that a chapter narrates has a findings function next to it (in its own module:
``cxlab.metrics``, ``cxlab.journey``, ...) that returns a :class:`Finding`. A finding is a
sentence *template* written by us, the *values* it is filled with (numbers and client text such
as a touchpoint or a comment), and whether the data support it at all. Notebooks show the
finding as their cell's output and the report prints the same text, so the sentence is true for
whichever client is loaded, and it is tested like any other function.

This module is also the one place where client text becomes Markdown. The template is ours
and may use Markdown (``**bold**``); every value is formatted, then escaped so that it shows
as the literal text it is: HTML special characters become entities, and Markdown markup
characters become numeric character references, which no Markdown renderer (JupyterLab's or
nbconvert's) treats as markup. A customer comment ``<img src=x onerror=alert(1)>`` or a
touchpoint named ``[click](javascript:...)`` is therefore printed, never run or linked.

The escaping is written here rather than taken from a Markdown library because neither
JupyterLab's renderer nor nbconvert's offers an "escape this text" function; the rule it
implements (HTML escaping plus neutralised Markdown punctuation) is the CommonMark notion of
a literal character, see https://spec.commonmark.org/0.31.2/#entity-and-numeric-character-references.

Examples
--------
>>> f = Finding(
...     "**{where}** has the lowest CSAT ({csat:.0f}).", {"where": "<b>Till</b>", "csat": 41.6}
... )
>>> f.text
'<b>Till</b> has the lowest CSAT (42).'
>>> f.to_markdown()
'**&#60;b&#62;Till&#60;&#47;b&#62;** has the lowest CSAT (42).'
>>> Finding.unsupported("No NPS answers, so there is no NPS trend.").supported
False
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Finding", "escape_markdown", "join", "md", "noun", "series"]

# ASCII characters kept as they are: letters, digits, space and punctuation that neither CommonMark
# nor GitHub-flavoured Markdown, nor its autolink extensions, give a meaning. Every other ASCII
# punctuation character (markup, HTML, entities, link and e-mail autolink triggers) becomes a
# numeric character reference. Non-ASCII characters are never markup and pass through.
_SAFE_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,;?%'\"=")


# Inside numbers, a point, a sign or a colon cannot start markup (a list marker needs a space
# after it, an autolink needs letters), so "27.1", "-3", "+4" and "10:30" stay readable.
_NUMERIC_PUNCTUATION = re.compile(r"(?<=\d)[.:](?=\d)|[-+](?=\d)")


def escape_markdown(value: Any) -> str:
    """Return ``str(value)`` made safe to place inside Markdown that will be rendered as HTML.

    Every ASCII punctuation character that HTML or Markdown could read as markup becomes a
    numeric character reference (``<`` → ``&#60;``, ``*`` → ``&#42;``, ``:`` → ``&#58;``, so no
    tag, emphasis, link or autolinked address can form), control characters and line breaks
    become spaces, so the value shows as the literal text it is and can neither start markup nor
    end the sentence's paragraph.

    Parameters
    ----------
    value : object
        Anything; it is turned into text with ``str``.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> escape_markdown("<script>alert(1)</script>")
    '&#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;'
    >>> escape_markdown("5 * 3 = 15")
    '5 &#42; 3 = 15'
    """
    text = " ".join(str(value).splitlines())
    keep = {m.start() for m in _NUMERIC_PUNCTUATION.finditer(text)}
    return "".join(
        c
        if c in _SAFE_ASCII or i in keep or (ord(c) > 127 and (c.isprintable() or c.isspace()))
        else _reference(c)
        for i, c in enumerate(text)
    )


def _reference(char: str) -> str:
    """Return a numeric character reference, or a space for a control character."""
    return f"&#{ord(char)};" if char.isprintable() else " "


class _Formatter(string.Formatter):
    """``str.format`` that can escape each formatted value (after its format spec applies)."""

    def __init__(self, escape: bool):
        super().__init__()
        self.escape = escape

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        return escape_markdown(text) if self.escape else text


_PLAIN = _Formatter(escape=False)
_ESCAPED = _Formatter(escape=True)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


@dataclass(frozen=True)
class Finding:
    """A sentence a chapter states, the numbers behind it, and whether the data support it.

    Parameters
    ----------
    template : str
        The sentence, in Markdown, with ``str.format`` fields (``"{nps:.0f}"``) for the values.
        Written by us: it is trusted and never contains client text itself.
    values : mapping of str to object, optional
        What fills the template: numbers, labels and any client text. Escaped when rendered.
    supported : bool, default True
        False when the data do not support the finding; the template then says why.
    numbers : mapping of str to object, optional
        The numbers the sentence rests on, for tests and machine-readable output; defaults to
        ``values``.

    Attributes
    ----------
    text : str
        The sentence as plain text (values unescaped, Markdown emphasis removed).
    """

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)
    supported: bool = True
    numbers: Mapping[str, Any] | None = None

    @classmethod
    def unsupported(cls, reason: str, **values: Any) -> Finding:
        """Build a finding that says plainly why the data do not support a statement.

        Parameters
        ----------
        reason : str
            The sentence that explains it (a template, like ``template``).
        **values
            Values for the template's fields.

        Returns
        -------
        Finding
        """
        return cls(reason, values, supported=False)

    @property
    def text(self) -> str:
        """The sentence as plain text."""
        filled = _PLAIN.vformat(self.template, (), dict(self.values))
        return _BOLD.sub(lambda m: m.group(1) or m.group(2), filled)

    @property
    def facts(self) -> dict[str, Any]:
        """The numbers the sentence rests on (``numbers`` if given, else ``values``)."""
        return dict(self.values if self.numbers is None else self.numbers)

    def to_markdown(self) -> str:
        """Return the sentence as Markdown, every value escaped (see :func:`escape_markdown`)."""
        return _ESCAPED.vformat(self.template, (), dict(self.values))

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        # The plain-text form a notebook stores beside the Markdown: the sentence itself.
        return self.text


def md(template: str, /, **values: Any) -> Finding:
    """Build a :class:`Finding` from a Markdown template and keyword values, in a notebook.

    The short way for a notebook to state a sentence that mixes our words with client data:
    ``md("**{client}** has {n:,} customers.", client=name, n=1200)`` shows the client name
    escaped, whatever it contains.

    Parameters
    ----------
    template : str
        Markdown with ``str.format`` fields.
    **values
        The values; each is escaped when rendered.

    Returns
    -------
    Finding

    Examples
    --------
    >>> md("{n:,} answers from **{who}**", n=1234, who="A*B").to_markdown()
    '1,234 answers from **A&#42;B**'
    """
    return Finding(template, values)


def join(findings: Iterable[Finding | str], sep: str = " ") -> Finding:
    r"""Join findings (and trusted literal Markdown strings) into one finding.

    Each part keeps its own escaping; the result is supported when every finding is.

    Parameters
    ----------
    findings : iterable of Finding or str
        The parts, in order. A ``str`` is our own text and is not escaped; braces in it are
        kept literally.
    sep : str, default " "
        What to put between the parts (``"\n\n"`` for paragraphs, ``"\n"`` for list lines).

    Returns
    -------
    Finding

    Examples
    --------
    >>> both = join([md("**{a}** rose.", a="NPS"), md("{b} fell.", b="CSAT")])
    >>> both.text
    'NPS rose. CSAT fell.'
    """
    templates: list[str] = []
    values: dict[str, Any] = {}
    numbers: dict[str, Any] = {}
    supported = True
    for i, part in enumerate(findings):
        if isinstance(part, str):
            templates.append(part.replace("{", "{{").replace("}", "}}"))
            continue
        renamed = {name: f"p{i}_{name}" for name in part.values}
        templates.append(_rename_fields(part.template, renamed))
        values.update({renamed[k]: v for k, v in part.values.items()})
        numbers.update(part.facts)
        supported = supported and part.supported
    return Finding(sep.join(templates), values, supported=supported, numbers=numbers)


def _rename_fields(template: str, renamed: Mapping[str, str]) -> str:
    """Rewrite the field names of a format template (``{x:.1f}`` → ``{p0_x:.1f}``)."""
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        head, rest = re.match(r"([^.\[]*)(.*)", name).groups()
        new = renamed.get(head, head) + rest
        conv = f"!{conversion}" if conversion else ""
        out.append("{" + new + conv + (f":{spec}" if spec else "") + "}")
    return "".join(out)


def noun(n: object, singular: str) -> str:
    """Return a regular noun in the singular for exactly one, else in the plural.

    Examples
    --------
    >>> noun(1, "answer"), noun(3, "answer"), noun(0, "answer")
    ('answer', 'answers', 'answers')
    """
    return singular if n == 1 else singular + "s"


def series(items: Sequence[Finding | str], *, sep: str = ", ", last: str = " and ") -> list:
    """Interleave parts with separators, the last pair joined by ``last`` ("a, b and c").

    The result is a list for :func:`join` (with ``sep=""``).

    Examples
    --------
    >>> join(series([md("{a}", a="NPS"), md("{b}", b="CSAT"), "CES"]), sep="").text
    'NPS, CSAT and CES'
    """
    out: list[Finding | str] = []
    for i, item in enumerate(items):
        if i:
            out.append(last if i == len(items) - 1 else sep)
        out.append(item)
    return out
