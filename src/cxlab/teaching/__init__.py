"""Exercise self-checks: tell the learner whether an answer is right, and why.

Two levels
----------
:func:`check` compares one answer with one expected value and returns a :class:`CheckResult`
that displays as a single line (plain text for nbval and terminals, HTML in JupyterLab). It
understands numbers (with an absolute or relative tolerance), text (case and spacing ignored),
True/False, dates and months, sets, lists, mappings, and pandas Series and DataFrames. An answer
of ``None`` means "not answered yet"; an answer of the wrong kind gets a message that says which
kind was expected, without giving the answer away.

Chapter exercises go one step further: the expected answer is not written in the notebook at
all but computed from the learner's bundle inside the package, so the same exercise works on
the demo client and on a client's own export. An :class:`Exercise` holds a title, the tables
it needs, a ``solve(bundle)`` function and the explanation shown when the answer is right; an
:class:`ExerciseSet` groups a chapter's exercises and checks answers by number.

The pattern for every chapter
-----------------------------
1. In a module of its own in this package (``cxlab/teaching/_<module>.py``), define the
   chapter's set under the name of the chapter's analytics module, register it, and re-export
   it here; e.g. for chapter 03 (module ``cxlab.journey``)::

       journey = register(
           ExerciseSet(
               "03",
               (
                   Exercise(
                       1,
                       "The stage with the largest drop-off",
                       solve=_biggest_drop,  # (bundle) -> expected answer
                       requires=("events",),
                       why="Compare each stage's customers with the stage before it.",
                       hint="Use cxlab.journey... and look for the smallest step conversion.",
                   ),
               ),
           )
       )

   ``solve`` works on the bundle with plain pandas where it can, so a check does not simply
   repeat the function the learner is meant to call. Raise :class:`Unavailable` from it when
   the bundle cannot support the exercise (a column the client did not send, say).
2. In the chapter notebook, each exercise is a markdown cell with the task, then one code cell::

       answer = None  # your answer: ...
       ex.check(1, answer, bundle)

   where ``ex = cxlab.teaching.journey`` is bound once in the exercises' first cell. Run
   unanswered, the check prints "not answered yet", which is what nbval records.
3. In ``notebooks/solutions/NN_topic_solutions.ipynb`` the same cells compute ``answer`` and
   every check prints "correct"; the notebook tests assert both.
4. ``tests/test_teaching.py`` checks each registered set against the demo client: every
   exercise is solvable there, and its solution passes its own check.

Look a set up by chapter number with :func:`exercise_set` (``exercise_set("00") is welcome``).

Examples
--------
>>> check(42, 42, name="the answer")
✔ Correct — the answer.
>>> check(None, 42, name="the answer").status
'unanswered'
>>> check(" North  ", "north", name="region").ok
True
>>> check(3.14, 3.14159, name="pi", tolerance=0.01).ok
True
"""

from cxlab.teaching._clv import clv
from cxlab.teaching._core import (
    EXERCISE_SETS,
    CheckResult,
    Exercise,
    ExerciseSet,
    Unavailable,
    check,
    exercise_set,
    register,
)
from cxlab.teaching._drivers import drivers
from cxlab.teaching._journey import journey
from cxlab.teaching._metrics import metrics
from cxlab.teaching._overview import welcome
from cxlab.teaching._segmentation import segmentation

__all__ = [
    "EXERCISE_SETS",
    "CheckResult",
    "Exercise",
    "ExerciseSet",
    "Unavailable",
    "check",
    "clv",
    "drivers",
    "exercise_set",
    "journey",
    "metrics",
    "register",
    "segmentation",
    "welcome",
]
