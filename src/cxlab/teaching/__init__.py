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

Feedback that diagnoses: an exercise lists its common wrong answers as :class:`Mistake`
objects, each computed from the bundle the same way as the right answer ("counted passives as
detractors", "used the 1–5 satisfied threshold on a 1–10 scale"). A wrong answer that matches
one is told which mistake it is and why, instead of a bare "not quite".

A quiz per chapter: a :class:`Quiz` of multiple-choice :class:`Question` objects on the
chapter's key ideas, every :class:`Option` with the reason it is right or wrong, attached to the
chapter's set (``ExerciseSet(..., quiz=Quiz(...))``) and answered with ``quiz.ask(1, "b")``.

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
                       mistakes=(
                           Mistake(
                               "compared each stage with the first stage, not the one before",
                               solve=_biggest_drop_from_the_top,
                               why="A step's drop-off is relative to the stage before it.",
                           ),
                       ),
                   ),
               ),
               quiz=Quiz(
                   (
                       Question(
                           "What does a persona on a journey map stand for?",
                           (
                               Option("One real customer", "A persona is a composite, ..."),
                               Option("A group with shared needs", "Right: ..."),
                           ),
                           answer="b",
                       ),
                   )
               ),
           )
       )

   ``solve`` works on the bundle with plain pandas where it can, so a check does not simply
   repeat the function the learner is meant to call. Raise :class:`Unavailable` from it when
   the bundle cannot support the exercise (a column the client did not send, say). Each
   ``Mistake.solve`` makes one usual error on purpose (passives left out of n, gross instead
   of net spend) and is otherwise the same calculation.
2. Exercises that require work: ask about a period, segment or client the chapter does not
   print (the latest quarter, the second demo client), never about a number an output shows.
   An answer that is a label (a touchpoint, a stage, a category) is always asked that way,
   with ``within(scope, solve)``: ``quarter_back(2)``, ``customers_where("region", "Wales")``
   or ``on_demo("saas", solve)``; the label must differ from the one the chapter's own data
   give, so that neither reading the chapter nor guessing from it finds it.
   Add one or two judgement exercises (which touchpoint to fix given the intervals, a play for
   a segment) whose answer follows from a stated rule, with a model answer in the solutions.
3. In the chapter notebook, each exercise is a markdown cell with the task, then one code cell::

       answer = None  # your answer: ...
       ex.check(1, answer, bundle)

   where ``ex = cxlab.teaching.journey`` is bound once in the exercises' first cell. Run
   unanswered, the check prints "not answered yet", which is what nbval records. The quiz
   follows: one cell shows it (``ex.quiz``), one checks the choices::

       choices = {1: None, 2: None, 3: None}  # your letters, e.g. {1: "b", ...}
       ex.quiz.ask_all(choices)

4. In ``notebooks/solutions/NN_topic_solutions.ipynb`` the same cells compute ``answer`` and
   every check prints "correct"; the notebook tests assert both.
5. ``tests/test_teaching.py`` checks each registered set against the demo client: every
   exercise is solvable there and its solution passes its own check.
   ``tests/test_notebooks.py`` searches each chapter's stored outputs for its exercises'
   answers and fails if one is visible, checks that label answers are asked of data the
   chapter does not print, and that every mistake gives a different answer from the solution
   on the chapter's demo and is recognised by its name there.

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
>>> shares = Exercise(
...     1,
...     "share of refunds",
...     solve=lambda bundle: 12.5,
...     tolerance=0.05,
...     mistakes=(Mistake("gave a share (0–1) instead of a percentage", lambda b: 0.125),),
... )
>>> shares.check(0.125, bundle=None).mistake
'gave a share (0–1) instead of a percentage'
"""

from cxlab.teaching._actions import actions
from cxlab.teaching._churn import churn
from cxlab.teaching._clv import clv
from cxlab.teaching._core import (
    EXERCISE_SETS,
    CheckResult,
    Exercise,
    ExerciseSet,
    Mistake,
    Option,
    Question,
    Quiz,
    Scope,
    Scoped,
    Unavailable,
    Verdicts,
    check,
    customers_where,
    demo_client,
    exercise_set,
    on_demo,
    quarter_back,
    register,
    within,
)
from cxlab.teaching._drills import alert_drill, plant_drop
from cxlab.teaching._drivers import drivers
from cxlab.teaching._ethics import ethics
from cxlab.teaching._journey import journey
from cxlab.teaching._metrics import metrics
from cxlab.teaching._overview import welcome
from cxlab.teaching._segmentation import segmentation
from cxlab.teaching._text import text

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
    "actions",
    "alert_drill",
    "check",
    "churn",
    "clv",
    "customers_where",
    "demo_client",
    "drivers",
    "ethics",
    "exercise_set",
    "journey",
    "metrics",
    "on_demo",
    "plant_drop",
    "quarter_back",
    "register",
    "segmentation",
    "text",
    "welcome",
    "within",
]
