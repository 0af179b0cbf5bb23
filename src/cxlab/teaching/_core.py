"""The answer checker and the exercise-set machinery behind :mod:`cxlab.teaching`."""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from cxlab.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.contract.bundle import Bundle

__all__ = [
    "EXERCISE_SETS",
    "CheckResult",
    "Exercise",
    "ExerciseSet",
    "Mistake",
    "Option",
    "Question",
    "Quiz",
    "Scope",
    "Scoped",
    "Unavailable",
    "Verdicts",
    "check",
    "customers_where",
    "demo_client",
    "exercise_set",
    "on_demo",
    "quarter_back",
    "register",
    "within",
]

Status = Literal["correct", "incorrect", "unanswered", "skipped"]

#: Relative slack allowed on every numeric comparison, so that floating-point noise from a
#: different but valid calculation (summing in another order, say) is not marked wrong.
FLOAT_SLACK = 1e-9

_MARK = {"correct": "✔", "incorrect": "✘", "unanswered": "…", "skipped": "–"}
_HEAD = {
    "correct": "Correct",
    "incorrect": "Not quite",
    "unanswered": "Not answered yet",
    "skipped": "Skipped",
}
_COLOUR = {"correct": "#009E73", "incorrect": "#D55E00", "unanswered": "#0072B2", "skipped": "#666"}


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer.

    Parameters
    ----------
    name : str
        What was checked, e.g. ``"Exercise 2 (peak month)"``.
    status : {"correct", "incorrect", "unanswered", "skipped"}
        The verdict. ``"skipped"`` means the bundle cannot support the exercise.
    reason : str
        For ``"incorrect"`` and ``"skipped"``: what is wrong or missing.
    why : str
        For ``"correct"``: the explanation that goes with the right answer.
    hint : str
        For ``"incorrect"``: how to get closer.
    mistake : str
        For ``"incorrect"``: the common mistake the answer matches, in a few words
        (e.g. ``"counted passives as detractors"``), or ``""`` when none is recognised.
    """

    name: str
    status: Status
    reason: str = ""
    why: str = ""
    hint: str = ""
    mistake: str = ""

    @property
    def ok(self) -> bool:
        """Whether the answer is right."""
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.ok

    @property
    def message(self) -> str:
        """The verdict as one line of plain text."""
        head = f"{_MARK[self.status]} {_HEAD[self.status]} — {self.name}"
        if self.status == "correct":
            tail = self.why
        elif self.status == "incorrect" and self.mistake:
            tail = f"this is the answer you get if you {_sentence(self.mistake)}" + (
                f" {_sentence(self.reason)}" if self.reason else ""
            )
        elif self.status == "incorrect":
            tail = _sentence(self.reason) + (f" Hint: {self.hint}" if self.hint else "")
        elif self.status == "unanswered":
            tail = (
                "write your answer in the cell above in place of None, "
                "run that cell, then run this check again."
            )
        else:
            tail = _sentence(self.reason)
        joiner = ". " if self.status == "correct" else ": "
        return f"{head}{joiner}{tail}".rstrip() if tail else f"{head}."

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        head = html.escape(f"{_MARK[self.status]} {_HEAD[self.status]}")
        body = html.escape(self.message.split(" — ", 1)[1])
        colour = _COLOUR[self.status]
        return (
            f'<div class="cxlab-check cxlab-check-{self.status}" '
            f'style="border-left:4px solid {colour};padding:0.2em 0.6em">'
            f'<strong style="color:{colour}">{head}</strong> — {body}</div>'
        )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def check(
    answer: Any,
    expected: Any,
    *,
    name: str,
    tolerance: float = 0.0,
    relative: bool = False,
    why: str = "",
    hint: str = "",
) -> CheckResult:
    """Compare an answer with the expected value and say whether, and why, it is right.

    Parameters
    ----------
    answer : object
        The learner's answer; ``None`` means "not answered yet".
    expected : object
        The right answer. Its type decides how the comparison is made:

        - numbers: equal within ``tolerance`` (plus :data:`FLOAT_SLACK`);
        - ``bool``: the answer must be ``True`` or ``False`` too;
        - text: equal after ignoring case and runs of spaces;
        - dates (``Timestamp``, ``datetime``, ``date``) and months (``Period``): the answer
          may be a date object or text such as ``"2024-11"``;
        - ``set``: the same items in any order (any list-like answer is accepted);
        - ``list`` / ``tuple``: the same items in the same order;
        - ``dict``: the same keys, each with a matching value;
        - ``Series`` / ``DataFrame``: :mod:`pandas.testing` equality, ignoring dtypes and
          index types, within ``tolerance``.
    name : str
        What is being checked; shown in the message.
    tolerance : float, default 0.0
        Allowed difference for numbers (absolute unless ``relative``).
    relative : bool, default False
        Read ``tolerance`` as a fraction of the expected value.
    why : str
        Explanation shown when the answer is right.
    hint : str
        Shown when the answer is wrong.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> check({"b", "a"}, {"a", "b"}, name="set").ok
    True
    >>> print(check("12", 12, name="count").message)
    ✘ Not quite — count: expected a number but got text ('12'); write the number without quotes.
    >>> check(0.513, 0.5, name="share", tolerance=0.05, relative=True).ok
    True
    """
    if answer is None:
        return CheckResult(name, "unanswered")
    reason = _compare(answer, expected, tolerance=tolerance, relative=relative)
    if reason is None:
        return CheckResult(name, "correct", why=why)
    return CheckResult(name, "incorrect", reason=reason, hint=hint)


# --------------------------------------------------------------------------------------------
# comparison


def _kind(value: Any) -> str:
    """Name the kind of a value in words a learner knows."""
    if value is None:
        return "nothing (None)"
    if value is pd.NA or value is pd.NaT:
        return "a missing value"
    if isinstance(value, bool | np.bool_):
        return "True/False"
    if _is_number(value):
        return "a number"
    if isinstance(value, str):
        return f"text ({_short(value)})"
    if isinstance(value, pd.DataFrame):
        return "a table (DataFrame)"
    if isinstance(value, pd.Series):
        return "a column (Series)"
    if isinstance(value, pd.Period):
        return "a month (Period)"
    if isinstance(value, dt.date | np.datetime64):
        return "a date"
    if isinstance(value, set | frozenset):
        return "a set"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, pd.Index | np.ndarray):
        return "an array"
    return f"a {type(value).__name__}"


def _short(text: str, limit: int = 30) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _norm_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_listlike(value: Any) -> bool:
    return isinstance(
        value, list | tuple | set | frozenset | pd.Index | pd.Series | np.ndarray
    ) or (isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping))


def _plain(value: Any) -> Any:
    """Numpy scalars to Python scalars, text normalised, for set membership."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return _norm_text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _compare(answer: Any, expected: Any, *, tolerance: float, relative: bool) -> str | None:
    """None when ``answer`` matches ``expected``, else the reason it does not."""
    if isinstance(expected, pd.DataFrame | pd.Series):
        return _compare_pandas(answer, expected, tolerance=tolerance, relative=relative)
    if isinstance(expected, bool | np.bool_):
        if isinstance(answer, bool | np.bool_):
            return None if bool(answer) == bool(expected) else "that is not the right True/False"
        extra = " without quotes" if isinstance(answer, str) else ""
        return f"expected True or False but got {_kind(answer)}; write True or False{extra}"
    if _is_number(expected):
        return _compare_number(answer, expected, tolerance=tolerance, relative=relative)
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return f"expected text but got {_kind(answer)}; put the answer in quotes"
        if _norm_text(answer) == _norm_text(expected):
            return None
        return f"{_short(answer)} is not the expected answer"
    if isinstance(expected, pd.Period):
        return _compare_period(answer, expected)
    if isinstance(expected, dt.date | np.datetime64):
        return _compare_date(answer, expected)
    if isinstance(expected, set | frozenset):
        return _compare_set(answer, expected)
    if isinstance(expected, Mapping):
        return _compare_mapping(answer, expected, tolerance=tolerance, relative=relative)
    if isinstance(expected, list | tuple):
        return _compare_sequence(answer, expected, tolerance=tolerance, relative=relative)
    try:
        same = bool(answer == expected)
    except (TypeError, ValueError):
        return f"cannot compare {_kind(answer)} with the expected {_kind(expected)}"
    return None if same else "that is not the expected answer"


def _compare_number(answer: Any, expected: Any, *, tolerance: float, relative: bool) -> str | None:
    if isinstance(answer, pd.Series | pd.Index | np.ndarray) and np.size(answer) == 1:
        return (
            f"expected a single number but got {_kind(answer)} holding one value; "
            "take the value out with .item()"
        )
    if isinstance(answer, str):
        try:
            float(answer.replace(",", ""))
        except ValueError:
            return f"expected a number but got {_kind(answer)}"
        return f"expected a number but got {_kind(answer)}; write the number without quotes"
    if not _is_number(answer):
        return f"expected a number but got {_kind(answer)}"
    a, e = float(answer), float(expected)
    if math.isnan(a):
        return "your answer is NaN (not a number); check for missing values in the calculation"
    allowed = tolerance * abs(e) if relative else tolerance
    allowed += FLOAT_SLACK * max(1.0, abs(e))
    if abs(a - e) <= allowed:
        return None
    direction = "too high" if a > e else "too low"
    if tolerance:
        within = f"{tolerance:.0%} of it" if relative else f"±{tolerance:g}"
        return f"{a:,.6g} is {direction} (an answer within {within} counts as right)"
    return f"{a:,.6g} is {direction}"


def _compare_period(answer: Any, expected: pd.Period) -> str | None:
    try:
        as_period = pd.Period(answer, freq=expected.freq)
    except (TypeError, ValueError):
        return (
            f"could not read {_kind(answer)} as a {expected.freqstr} period such as {'2024-05'!r}"
        )
    return None if as_period == expected else f"{as_period} is not the expected period"


def _compare_date(answer: Any, expected: Any) -> str | None:
    if _is_number(answer) or isinstance(answer, bool | np.bool_):
        return f"expected a date but got {_kind(answer)}; write it as text like '2024-05-31'"
    try:
        a, e = pd.Timestamp(answer), pd.Timestamp(expected)
    except (TypeError, ValueError):
        return f"could not read {_kind(answer)} as a date; write it like '2024-05-31'"
    if a.tzinfo is not None and e.tzinfo is None:
        a = a.tz_localize(None)
    return None if a == e else f"{a.date() if a == a.normalize() else a} is not the expected date"


def _compare_set(answer: Any, expected: set | frozenset) -> str | None:
    if isinstance(answer, Mapping) or not _is_listlike(answer):
        return f"expected a collection of items (a set or list) but got {_kind(answer)}"
    given = {_plain(v) for v in answer}
    wanted = {_plain(v) for v in expected}
    if given == wanted:
        return None
    missing = wanted - given
    extra = sorted(given - wanted, key=str)
    parts = []
    if missing:
        parts.append(f"{len(missing)} expected item(s) are missing")
    if extra:
        shown = ", ".join(repr(x) for x in extra[:3]) + (", ..." if len(extra) > 3 else "")
        parts.append(f"{len(extra)} item(s) should not be there ({shown})")
    return "; ".join(parts)


def _compare_sequence(
    answer: Any, expected: Sequence, *, tolerance: float, relative: bool
) -> str | None:
    if isinstance(answer, set | frozenset | Mapping) or not _is_listlike(answer):
        return f"expected an ordered list but got {_kind(answer)}"
    given = list(answer)
    if len(given) != len(expected):
        return f"your list has {len(given)} item(s); the expected one has {len(expected)}"
    for i, (a, e) in enumerate(zip(given, expected, strict=True), start=1):
        reason = _compare(a, e, tolerance=tolerance, relative=relative)
        if reason is not None:
            try:
                same_items = sorted(map(_plain, given), key=repr) == sorted(
                    map(_plain, expected), key=repr
                )
            except TypeError:
                same_items = False
            if same_items:
                return "the items are right but their order is not"
            return f"item {i}: {reason}"
    return None


def _compare_mapping(
    answer: Any, expected: Mapping, *, tolerance: float, relative: bool
) -> str | None:
    if not isinstance(answer, Mapping):
        return f"expected a dict but got {_kind(answer)}"
    missing = [k for k in expected if k not in answer]
    extra = sorted((k for k in answer if k not in expected), key=str)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} expected key(s) are missing")
        if extra:
            parts.append(f"unexpected key(s) {', '.join(repr(k) for k in extra[:3])}")
        return "; ".join(parts)
    for key, e in expected.items():
        reason = _compare(answer[key], e, tolerance=tolerance, relative=relative)
        if reason is not None:
            return f"under {key!r}: {reason}"
    return None


def _compare_pandas(
    answer: Any, expected: pd.DataFrame | pd.Series, *, tolerance: float, relative: bool
) -> str | None:
    is_frame = isinstance(expected, pd.DataFrame)
    if is_frame and isinstance(answer, pd.Series):
        return "expected a table (DataFrame) but got a column (Series); try .to_frame()"
    if not isinstance(answer, type(expected)):
        return f"expected {_kind(expected)} but got {_kind(answer)}"
    options: dict[str, Any] = {
        "check_dtype": False,
        "check_index_type": False,
        "check_exact": False,
        "rtol": (tolerance if relative else 0.0) + FLOAT_SLACK,
        "atol": 0.0 if relative else tolerance,
    }
    try:
        if is_frame:
            pd.testing.assert_frame_equal(answer, expected, check_column_type=False, **options)
        else:
            pd.testing.assert_series_equal(answer, expected, check_names=False, **options)
    except AssertionError as err:
        return _pandas_reason(str(err))
    return None


def _pandas_reason(text: str) -> str:
    """Keep the description of a pandas.testing failure, drop the values it quotes."""
    lines = []
    for line in (ln.strip() for ln in text.splitlines()):
        if not line or line.startswith("["):
            continue
        line = re.sub(
            r"^At positional index (\d+), first diff:.*$", r"first difference at row \1", line
        )
        line = re.sub(
            r'(DataFrame|Series)\.iloc\[:, \d+\] \(column name="([^"]*)"\)', r'column "\2"', line
        )
        line = line.replace("DataFrame.columns", "the column names")
        line = re.sub(r"(DataFrame|Series)\.index", "the index", line)
        line = line.replace("DataFrame are different", "the tables differ")
        line = line.replace("Series are different", "the columns differ")
        lines.append(line)
    detailed = [ln for ln in lines if not ln.endswith(" are different")] or lines
    return "; ".join(dict.fromkeys(detailed)) or "the values differ"


# --------------------------------------------------------------------------------------------
# chapter exercises


class Unavailable(Exception):
    """Raised by an exercise's ``solve`` when the bundle cannot support the exercise."""


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer to an exercise, computed from the bundle like the right one.

    When a learner's answer is wrong, :meth:`Exercise.check` works out each listed mistake on
    the learner's bundle and, if the answer matches one (within the exercise's tolerance),
    names it instead of giving a bare "not quite".

    Parameters
    ----------
    name : str
        What the learner did, in words that follow "this is the answer you get if you ...",
        e.g. ``"counted passives as detractors"``.
    solve : callable
        ``solve(bundle) -> the answer this mistake produces``. It may raise
        :class:`Unavailable` when the mistake cannot be made on this bundle.
    why : str
        Why it is a mistake and what to do instead; shown with the name.

    Examples
    --------
    >>> Mistake("gave a share (0–1) instead of a percentage", solve=lambda b: 0.25).name
    'gave a share (0–1) instead of a percentage'
    """

    name: str
    solve: Callable[[Bundle], Any]
    why: str = ""


@dataclass(frozen=True)
class Exercise:
    """One exercise whose expected answer is computed from the learner's bundle.

    Parameters
    ----------
    number : int
        Position in the chapter, from 1.
    title : str
        A few words naming the task; shown in every verdict.
    solve : callable
        ``solve(bundle) -> expected answer``. Raise :class:`Unavailable` when the bundle
        cannot support the exercise.
    requires : tuple of str
        Contract tables the exercise needs; without them it is skipped.
    tolerance, relative
        As in :func:`check`.
    why : str
        Shown when the answer is right: what the answer means, or the idea behind it.
    hint : str
        Shown when the answer is wrong and matches none of the ``mistakes``.
    mistakes : tuple of Mistake
        Common wrong answers; a wrong answer that matches one is told which mistake it is.
    """

    number: int
    title: str
    solve: Callable[[Bundle], Any]
    requires: tuple[str, ...] = ()
    tolerance: float = 0.0
    relative: bool = False
    why: str = ""
    hint: str = ""
    mistakes: tuple[Mistake, ...] = ()

    @property
    def name(self) -> str:
        """How verdicts name the exercise."""
        return f"Exercise {self.number} ({self.title})"

    def check(self, answer: Any, bundle: Bundle) -> CheckResult:
        """Check an answer against the solution computed from ``bundle``.

        Parameters
        ----------
        answer : object
            The learner's answer (``None``: not answered yet).
        bundle : Bundle
            The bundle the learner is working with.

        Returns
        -------
        CheckResult
        """
        missing = [t for t in self.requires if not bundle.has(t)]
        if missing:
            tables = " and ".join(repr(t) for t in missing)
            return CheckResult(
                self.name, "skipped", reason=f"it needs the {tables} table, which this bundle lacks"
            )
        if answer is None:
            return CheckResult(self.name, "unanswered")
        try:
            expected = self.solve(bundle)
        except (Unavailable, DataError) as err:
            return CheckResult(self.name, "skipped", reason=str(err))
        result = check(
            answer,
            expected,
            name=self.name,
            tolerance=self.tolerance,
            relative=self.relative,
            why=self.why,
            hint=self.hint,
        )
        if result.status != "incorrect":
            return result
        mistake = self.diagnose(answer, bundle)
        if mistake is None:
            return result
        return CheckResult(self.name, "incorrect", reason=mistake.why, mistake=mistake.name)

    def diagnose(self, answer: Any, bundle: Bundle) -> Mistake | None:
        """Return the first of :attr:`mistakes` whose answer on ``bundle`` matches ``answer``.

        A mistake that cannot be made on this bundle (its ``solve`` raises
        :class:`Unavailable`) is passed over.

        Parameters
        ----------
        answer : object
            A wrong answer.
        bundle : Bundle
            The bundle the learner is working with.

        Returns
        -------
        Mistake or None
        """
        for mistake in self.mistakes:
            try:
                wrong = mistake.solve(bundle)
            except (Unavailable, DataError):
                continue
            if _compare(answer, wrong, tolerance=self.tolerance, relative=self.relative) is None:
                return mistake
        return None


# --------------------------------------------------------------------------------------------
# quizzes

_LETTERS = "abcdefgh"


class Verdicts(tuple):
    """Several :class:`CheckResult` shown one per line (what :meth:`Quiz.ask_all` returns)."""

    @property
    def score(self) -> int:
        """How many of the verdicts are correct."""
        return sum(result.ok for result in self)

    def _lines(self) -> list[CheckResult]:
        """Return the verdicts with every unanswered one folded into one line at the end."""
        answered = [result for result in self if result.status != "unanswered"]
        waiting = [result.name for result in self if result.status == "unanswered"]
        if len(waiting) > 1:
            names = ", ".join(name.rsplit(" ", 1)[-1] for name in waiting)
            prefix = waiting[0].rsplit(" ", 1)[0]
            waiting_line = CheckResult(f"{prefix}s {names}", "unanswered")
            return [*answered, waiting_line]
        return list(self)

    def __repr__(self) -> str:
        return "\n".join(result.message for result in self._lines())

    def _repr_html_(self) -> str:
        return "".join(result._repr_html_() for result in self._lines())


@dataclass(frozen=True)
class Option:
    """One choice of a quiz question, with the reason it is right or wrong.

    Parameters
    ----------
    text : str
        The choice as the learner reads it.
    why : str
        Why this choice is right, or why it is wrong; shown when it is chosen.
    """

    text: str
    why: str


@dataclass(frozen=True)
class Question:
    """A multiple-choice question on one of a chapter's key ideas.

    Parameters
    ----------
    text : str
        The question.
    options : tuple of Option
        Two to eight choices, lettered a, b, c, ... in order.
    answer : str
        The letter of the right choice.
    """

    text: str
    options: tuple[Option, ...]
    answer: str

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= len(_LETTERS):
            raise ValueError(f"a question needs 2 to {len(_LETTERS)} options: {self.text!r}")
        if self.answer not in self.letters:
            raise ValueError(f"answer {self.answer!r} is not one of {self.letters}: {self.text!r}")
        if not all(option.why.strip() for option in self.options):
            raise ValueError(f"every option needs the reason it is right or wrong: {self.text!r}")

    @property
    def letters(self) -> str:
        """The letters of the options, ``"abcd"`` for four."""
        return _LETTERS[: len(self.options)]


@dataclass(frozen=True)
class Quiz:
    """A chapter's short multiple-choice quiz; every option carries its reason.

    Parameters
    ----------
    questions : tuple of Question
        Numbered 1, 2, 3, ... in order.

    Examples
    --------
    >>> quiz = Quiz(
    ...     (
    ...         Question(
    ...             "Who counts in the n of an NPS?",
    ...             (
    ...                 Option("Promoters and detractors", "Passives answered too."),
    ...                 Option("Everyone who answered", "Passives sit in n, in neither group."),
    ...             ),
    ...             answer="b",
    ...         ),
    ...     )
    ... )
    >>> quiz.ask(1, "B")
    ✔ Correct — Quiz question 1. (b) Passives sit in n, in neither group.
    >>> quiz.ask(1, "a").message
    '✘ Not quite — Quiz question 1: (a) Passives answered too.'
    """

    questions: tuple[Question, ...]

    def __len__(self) -> int:
        return len(self.questions)

    def __getitem__(self, number: int) -> Question:
        if not isinstance(number, int) or not 1 <= number <= len(self.questions):
            raise KeyError(f"the quiz has questions 1 to {len(self.questions)}, not {number!r}")
        return self.questions[number - 1]

    def ask(self, number: int, choice: str | None) -> CheckResult:
        """Check the choice made for question ``number`` and give the reason for it.

        Parameters
        ----------
        number : int
            Which question, from 1.
        choice : str or None
            The letter chosen (``"b"``, ``"B"`` or ``"(b)"``); ``None``: not answered yet.

        Returns
        -------
        CheckResult
        """
        question = self[number]
        name = f"Quiz question {number}"
        if choice is None:
            return CheckResult(name, "unanswered")
        letters = ", ".join(question.letters)
        if not isinstance(choice, str):
            return CheckResult(
                name, "incorrect", reason=f"answer with a letter in quotes, one of {letters}"
            )
        letter = choice.strip().strip("()").strip().casefold()
        if len(letter) != 1 or letter not in question.letters:
            return CheckResult(
                name, "incorrect", reason=f"{_short(choice)} is not one of the options {letters}"
            )
        why = f"({letter}) {question.options[question.letters.index(letter)].why}"
        if letter == question.answer:
            return CheckResult(name, "correct", why=_sentence(why))
        return CheckResult(name, "incorrect", reason=why)

    def ask_all(self, choices: Mapping[int, str | None]) -> Verdicts:
        """Check every question; ``choices`` maps question number to letter (or ``None``).

        Raises
        ------
        KeyError
            If a key is not a question number.
        """
        unknown = [k for k in choices if not isinstance(k, int) or not 1 <= k <= len(self)]
        if unknown:
            raise KeyError(f"the quiz has questions 1 to {len(self)}, not {unknown}")
        return Verdicts(self.ask(n, choices.get(n)) for n in range(1, len(self) + 1))

    def __repr__(self) -> str:
        lines = [f'Quiz: {len(self)} questions. Check a choice with .ask(number, "letter").']
        for number, question in enumerate(self.questions, start=1):
            lines.append(f"{number}. {question.text}")
            lines.extend(
                f"   ({letter}) {option.text}"
                for letter, option in zip(question.letters, question.options, strict=True)
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = []
        for question in self.questions:
            options = "".join(
                f"<li>({letter}) {html.escape(option.text)}</li>"
                for letter, option in zip(question.letters, question.options, strict=True)
            )
            items.append(
                f'<li>{html.escape(question.text)}<ul style="list-style:none">{options}</ul></li>'
            )
        return (
            '<div class="cxlab-quiz"><strong>Quiz</strong> — check a choice with '
            f'<code>.ask(number, "letter")</code><ol>{"".join(items)}</ol></div>'
        )


@dataclass(frozen=True)
class ExerciseSet:
    """A chapter's exercises.

    Parameters
    ----------
    chapter : str
        Two-digit chapter number.
    exercises : tuple of Exercise
        Numbered 1, 2, 3, ... in order.
    quiz : Quiz or None
        The chapter's multiple-choice questions on its key ideas.
    """

    chapter: str
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)
    quiz: Quiz | None = None

    def __post_init__(self) -> None:
        numbers_ = [e.number for e in self.exercises]
        if numbers_ != list(range(1, len(numbers_) + 1)):
            raise ValueError(f"chapter {self.chapter}: exercises must be numbered 1..n in order")

    def __getitem__(self, number: int) -> Exercise:
        for e in self.exercises:
            if e.number == number:
                return e
        raise KeyError(f"chapter {self.chapter} has no exercise {number!r}")

    def __len__(self) -> int:
        return len(self.exercises)

    def __iter__(self):
        return iter(self.exercises)

    def check(self, number: int, answer: Any, bundle: Bundle) -> CheckResult:
        """Check the answer to exercise ``number`` against ``bundle``.

        Parameters
        ----------
        number : int
            Which exercise.
        answer : object
            The learner's answer (``None``: not answered yet).
        bundle : Bundle
            The bundle the learner is working with.

        Returns
        -------
        CheckResult
        """
        return self[number].check(answer, bundle)

    def solution(self, number: int, bundle: Bundle) -> Any:
        """Return the expected answer to exercise ``number`` for ``bundle`` (tests, tutors).

        Raises
        ------
        Unavailable
            When the bundle cannot support the exercise.
        """
        exercise = self[number]
        missing = [t for t in exercise.requires if not bundle.has(t)]
        if missing:
            raise Unavailable(f"exercise {number} needs the tables {missing}")
        return exercise.solve(bundle)

    def to_frame(self) -> pd.DataFrame:
        """One row per exercise: title and required tables."""
        return pd.DataFrame(
            {
                "title": [e.title for e in self.exercises],
                "requires": [", ".join(e.requires) for e in self.exercises],
            },
            index=pd.Index([e.number for e in self.exercises], name="exercise"),
        )


@functools.cache
def _demo(name: str) -> Bundle:
    from cxlab.datasets import load_demo

    return load_demo(name)


#: The dating column of each dated table (customers are dated by sign-up, which a period of
#: activity does not narrow).
_DATED = {"transactions": "date", "responses": "date", "events": "timestamp", "reviews": "date"}


@dataclass(frozen=True)
class Scope:
    """The part of a client's data, or the other client, that an exercise asks about.

    An exercise whose answer is a label (a touchpoint, a stage, a pair of categories) cannot
    be hidden by leaving a number out of the chapter: the label appears in every table of its
    column, and the chapter's own breakdown names the winner. Asked about a quarter, a segment
    or a client the chapter does not print, the answer has to be worked out.

    Build one with :func:`quarter_back`, :func:`customers_where` or :func:`demo_client`, and
    give it to :func:`within`.

    Parameters
    ----------
    narrow : callable
        ``narrow(bundle) -> Bundle``: the data the exercise is asked about. Raises
        :class:`Unavailable` when the bundle has no such part.
    names : callable
        ``names(bundle) -> tuple of str``: how a chapter's output would name this part of the
        data ("2025Q2", "Q2 2025", "Wales"); empty for another client, whose outputs a chapter
        does not hold.
    """

    narrow: Callable[[Bundle], Bundle]
    names: Callable[[Bundle], tuple[str, ...]]


def _narrowed(bundle: Bundle, **tables: pd.DataFrame) -> Bundle:
    import dataclasses

    return dataclasses.replace(bundle, **tables)


def quarter_back(back: int) -> Scope:
    """Return the scope of the quarter ``back`` quarters before the latest in the bundle.

    Every dated table (transactions, responses, events, reviews) keeps its rows of that
    quarter; customers are kept whole.

    Examples
    --------
    >>> import pathlib
    >>> from cxlab.contract.bundle import Bundle, BundleConfig
    >>> dates = pd.to_datetime(["2025-02-01", "2025-05-02", "2025-11-30"])
    >>> answers = pd.DataFrame({"date": dates})
    >>> bundle = Bundle(pathlib.Path("x"), BundleConfig(), responses=answers)
    >>> scope = quarter_back(2)
    >>> scope.names(bundle)
    ('2025Q2', 'Q2 2025', '2025-Q2')
    >>> scope.narrow(bundle).responses["date"].dt.month.tolist()
    [5]
    """

    def which(bundle: Bundle) -> pd.Period:
        period = bundle.period
        if period is None:
            raise Unavailable("the bundle has no dates, so it has no quarters")
        return pd.Period(period[1], freq="Q") - back

    def narrow(bundle: Bundle) -> Bundle:
        q = which(bundle)
        kept = {}
        for table, column in _DATED.items():
            frame = getattr(bundle, table)
            if frame is not None and column in frame:
                dates = pd.to_datetime(frame[column])
                kept[table] = frame[(dates >= q.start_time) & (dates <= q.end_time)]
        return _narrowed(bundle, **kept)

    def names(bundle: Bundle) -> tuple[str, ...]:
        q = which(bundle)
        return (f"{q.year}Q{q.quarter}", f"Q{q.quarter} {q.year}", f"{q.year}-Q{q.quarter}")

    return Scope(narrow, names)


def customers_where(column: str, value: str) -> Scope:
    """Return the scope of the customers whose ``column`` is ``value``, with their rows.

    Every table with a ``customer_id`` keeps the rows of those customers.

    Examples
    --------
    >>> import pathlib
    >>> from cxlab.contract.bundle import Bundle, BundleConfig
    >>> people = pd.DataFrame({"customer_id": ["a", "b"], "region": ["Wales", "London"]})
    >>> sales = pd.DataFrame({"customer_id": ["a", "b", "b"], "amount": [1.0, 2.0, 3.0]})
    >>> bundle = Bundle(pathlib.Path("x"), BundleConfig(), customers=people, transactions=sales)
    >>> customers_where("region", "Wales").narrow(bundle).transactions["amount"].tolist()
    [1.0]
    """

    def narrow(bundle: Bundle) -> Bundle:
        people = bundle.customers
        if people is None or column not in people:
            raise Unavailable(f"the customers table has no {column!r} column")
        chosen = people.loc[people[column].astype("string") == value, "customer_id"]
        if chosen.empty:
            raise Unavailable(f"no customer has {value!r} as their {column}")
        kept = {}
        for table, frame in bundle.tables.items():
            if "customer_id" in frame:
                kept[table] = frame[frame["customer_id"].isin(chosen)]
        return _narrowed(bundle, **kept)

    return Scope(narrow, lambda _bundle: (value,))


def demo_client(name: str) -> Scope:
    """Return the scope of the demo client ``name``, whatever bundle the chapter loaded."""
    return Scope(lambda _bundle: _demo(name), lambda _bundle: ())


@dataclass(frozen=True)
class Scoped:
    """An exercise's question asked of a :class:`Scope` (what :func:`within` returns).

    Parameters
    ----------
    question : callable
        ``question(bundle) -> answer``, the question on whatever data it is given.
    scope : Scope
        The data it is asked about.
    """

    question: Callable[[Bundle], Any]
    scope: Scope

    def __call__(self, bundle: Bundle) -> Any:
        return self.question(self.scope.narrow(bundle))


def within(scope: Scope, solve: Callable[[Bundle], Any]) -> Scoped:
    """Ask ``solve(bundle)`` of ``scope``: a quarter, a segment or another client.

    The exercise's mistakes are wrapped the same way, so they are made on the same data.

    Examples
    --------
    >>> import pathlib
    >>> from cxlab.contract.bundle import Bundle, BundleConfig
    >>> people = pd.DataFrame({"customer_id": ["a", "b"], "region": ["Wales", "London"]})
    >>> bundle = Bundle(pathlib.Path("x"), BundleConfig(), customers=people)
    >>> count = within(customers_where("region", "Wales"), lambda b: len(b.customers))
    >>> count(bundle), count.question(bundle)
    (1, 2)
    """
    return Scoped(solve, scope)


def on_demo(name: str, solve: Callable[[Bundle], Any]) -> Scoped:
    """Turn a ``solve(bundle)`` into one that always works on the demo client ``name``.

    An exercise that asks the learner to run a chapter's method on a second demo client
    (``cxlab.datasets.load_demo("saas")``) checks against that client whatever bundle the
    chapter has loaded; its mistakes are wrapped the same way. The demo is loaded once.

    Parameters
    ----------
    name : str
        One of :data:`cxlab.datasets.DEMOS`.
    solve : callable
        ``solve(bundle) -> answer``.

    Returns
    -------
    Scoped
        ``solve`` applied to the demo, ignoring the bundle it is given.

    Examples
    --------
    >>> count = on_demo("saas", lambda bundle: bundle.customers["customer_id"].nunique())
    >>> count(None) == _demo("saas").customers["customer_id"].nunique()
    True
    """
    return within(demo_client(name), solve)


#: Registered exercise sets by chapter number.
EXERCISE_SETS: dict[str, ExerciseSet] = {}


def register(exercises: ExerciseSet) -> ExerciseSet:
    """Add a chapter's exercise set to :data:`EXERCISE_SETS` and return it.

    Raises
    ------
    ValueError
        If the chapter already has a set.
    """
    if exercises.chapter in EXERCISE_SETS:
        raise ValueError(f"chapter {exercises.chapter} already has an exercise set")
    EXERCISE_SETS[exercises.chapter] = exercises
    return exercises


def exercise_set(chapter: str | int) -> ExerciseSet:
    """Return the exercise set of a chapter, by number (``"00"``, ``"3"`` or ``3``).

    Raises
    ------
    KeyError
        If the chapter has no registered exercises.

    Examples
    --------
    >>> exercise_set(0).chapter
    '00'
    """
    key = f"{int(chapter):02d}"
    if key not in EXERCISE_SETS:
        raise KeyError(f"chapter {key} has no exercises yet; registered: {sorted(EXERCISE_SETS)}")
    return EXERCISE_SETS[key]


def share_for_percent(solve: Callable[[Any], Any]) -> Mistake:
    """Return the usual mistake of an exercise asking for a percentage: the share (0–1) given.

    ``solve`` computes the right percentage; the mistaken answer is it divided by 100.

    Examples
    --------
    >>> share_for_percent(lambda b: 12.5).solve(None)
    0.125
    """
    return Mistake(
        "gave a share (0–1) instead of a percentage",
        solve=lambda bundle: solve(bundle) / 100,
        why="Multiply the share by 100.",
    )
