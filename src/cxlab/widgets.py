"""Interactive explorers for the chapter notebooks: controls that redraw a figure or table.

Each explorer is an object that holds its own state — its controls, the output area it draws
into and the data it draws from — so nothing a later notebook cell assigns can break it, and it
draws its first view as soon as it is built, so a student sees a figure before touching
anything. A notebook cell builds one with a single call and shows it as the cell's value::

    widgets.breakdown_explorer(survey, min_n=min_n)

The explorer writes its views straight into the output widget's ``outputs`` as display data
(a PNG for a figure, HTML for a table, escaped Markdown for a finding) instead of capturing
``display`` calls, so it works the same in JupyterLab, in a test without a front end, and after
any number of redraws; figures are closed once drawn so none leaks into the cell's own output.

Explorers are presentation: they take analytics results (a bundle, a
:class:`cxlab.metrics.SurveyData`, a :class:`cxlab.journey.Personas`, a segment profile) and
call :mod:`cxlab.plots`; they compute nothing a chapter's findings rely on.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as ipw
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cxlab import metrics, overview, plots, present
from cxlab.findings import Finding, md

__all__ = [
    "Explorer",
    "breakdown_explorer",
    "clv_explorer",
    "fairness_explorer",
    "follow_up_explorer",
    "nps_interval_explorer",
    "persona_explorer",
    "segment_explorer",
    "sentence_explorer",
    "table_explorer",
    "targeting_explorer",
]

#: Resolution of the figures an explorer draws (modest, like the chapters' figures).
DPI = 90


def _display_data(item: Any) -> dict[str, Any]:
    """Turn one view (figure, axes, table, finding or text) into an nbformat display output."""
    if isinstance(item, Axes):
        item = item.figure
    if isinstance(item, Figure):
        buffer = io.BytesIO()
        item.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        plt.close(item)
        data = {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": f"<Figure: {item.axes[0].get_title() if item.axes else ''}>",
        }
    elif isinstance(item, pd.DataFrame | pd.Series):
        frame = item.to_frame() if isinstance(item, pd.Series) else item
        data = {"text/html": frame.to_html(escape=True), "text/plain": frame.to_string()}
    elif isinstance(item, Finding):
        data = {"text/markdown": item.to_markdown(), "text/plain": item.text}
    else:
        data = {"text/plain": str(item)}
    return {"output_type": "display_data", "data": data, "metadata": {}}


class Explorer:
    """Controls and an output area that redraws whenever a control changes.

    Parameters
    ----------
    controls : mapping of str to ipywidgets.ValueWidget
        The controls, by the keyword their value is passed to ``render`` under.
    render : callable
        Called with the controls' values as keywords; returns one view or a list of views
        (a matplotlib Figure or Axes, a DataFrame, a :class:`cxlab.findings.Finding`, or text).

    Attributes
    ----------
    output : ipywidgets.Output
        Where the views are shown.
    view : ipywidgets.VBox
        The controls above the output; what the notebook displays.
    draws : int
        How many times the explorer has drawn (1 after it is built); the output area carries
        it as the CSS class ``cxlab-draw-<draws>``, so a browser test can wait for a redraw.
    """

    def __init__(self, controls: Mapping[str, ipw.ValueWidget], render: Callable[..., Any]):
        self.controls = dict(controls)
        self.render = render
        self.output = ipw.Output()
        self.view = ipw.VBox([*self.controls.values(), self.output])
        self.draws = 0
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.redraw()

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by keyword."""
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, change: Any = None) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Draw the view for the controls' current values into the output area."""
        result = self.render(**self.values)
        items = result if isinstance(result, list | tuple) else [result]
        self.output.outputs = tuple(_display_data(item) for item in items if item is not None)
        self.draws += 1
        # Sent after the outputs, so a page that sees this class already has the new view.
        self.output._dom_classes = (f"cxlab-draw-{self.draws}",)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


def table_explorer(bundle: Any) -> Explorer:
    """Explore the profile of each table of a bundle (types, completeness, variety).

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's bundle.

    Returns
    -------
    Explorer
        A table chooser over :func:`cxlab.overview.table_profile` of the chosen table.

    Examples
    --------
    >>> from cxlab import datasets
    >>> ex = table_explorer(datasets.load_demo("clothing_retailer"))
    >>> ex.controls["table"].options[:2], ex.draws
    (('customers', 'transactions'), 1)
    """
    names = list(bundle.tables)
    choose = ipw.Dropdown(options=names, value=names[0] if names else None, description="Table")

    def render(table: str | None) -> Any:
        if table is None:
            return "The bundle has no tables."
        return overview.table_profile(bundle.tables[table])

    return Explorer({"table": choose}, render)


def nps_interval_explorer(
    *, promoters: float = 0.4, detractors: float = 0.2, answers: int = 30, confidence: float = 0.95
) -> Explorer:
    """See how an NPS survey's interval narrows with more answers and widens with polarisation.

    Three sliders set the number of answers and the shares of promoters and detractors; the
    explorer scores such a survey with :func:`cxlab.metrics.nps_for_mix` and shows its
    interval as a table and a chart.

    Parameters
    ----------
    promoters, detractors : float
        Starting shares (0–1).
    answers : int, default 30
        Starting number of answers; one of the slider's stops.
    confidence : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    Explorer

    Examples
    --------
    >>> ex = nps_interval_explorer(promoters=0.5, detractors=0.1, answers=100)
    >>> ex.values["answers"], ex.draws
    (100, 1)
    """
    stops = [10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000]
    slider = {"min": 0.0, "max": 1.0, "step": 0.01, "readout_format": ".0%"}
    controls = {
        "answers": ipw.SelectionSlider(
            options=stops, value=min(stops, key=lambda s: abs(s - answers)), description="Answers"
        ),
        "promoters": ipw.FloatSlider(value=round(promoters, 2), description="Promoters", **slider),
        "detractors": ipw.FloatSlider(
            value=round(detractors, 2), description="Detractors", **slider
        ),
    }

    def render(answers: int, promoters: float, detractors: float) -> Any:
        if promoters + detractors > 1:
            return md("Promoters and detractors together cannot be more than 100%.")
        result = metrics.nps_for_mix(answers, promoters, detractors, confidence=confidence)
        table = pd.DataFrame(
            {
                "answers": [result.n],
                "NPS": [round(result.value, 1)],
                "low": [round(result.low, 1)],
                "high": [round(result.high, 1)],
                "margin": [round((result.high - result.low) / 2, 1)],
            }
        )
        fig, ax = plt.subplots(figsize=(6, 1.6))
        ax.errorbar(
            [result.value],
            [0],
            xerr=[[result.value - result.low], [result.high - result.value]],
            fmt="o",
            capsize=6,
        )
        ax.set(
            xlim=(-100, 100),
            yticks=[],
            xlabel="NPS (points)",
            title=f"NPS {result.value:.0f}, {confidence:.0%} interval {result.low:.0f} to "
            f"{result.high:.0f} from {result.n:,} answers",
        )
        note = md("Warning: {w}", w=result.warning) if result.warning else None
        return [table, fig, note]

    return Explorer(controls, render)


def breakdown_explorer(survey: Any, *, min_n: int = 30) -> Explorer:
    """Break a score down by a segment, for one year or all, with intervals and Holm's test.

    Parameters
    ----------
    survey : cxlab.metrics.SurveyData
        The survey, from :func:`cxlab.metrics.survey_data`.
    min_n : int, default 30
        Groups with fewer answers are masked, as in the chapter.

    Returns
    -------
    Explorer
        Segment, period and score choosers over :func:`cxlab.plots.breakdown_chart`.
    """
    segments, scores = survey.segments(), survey.scores()
    controls = {
        "segment": ipw.Dropdown(options=segments, description="Segment"),
        "period": ipw.Dropdown(options=["all", *survey.years()], description="Period"),
        "score": ipw.Dropdown(options=scores, description="Score"),
    }

    def render(segment: str | None, period: str, score: str | None) -> Any:
        if segment is None or score is None:
            return md("No scores with a segment to break them down by.")
        table = survey.breakdown(score, by=segment, year=period, min_n=min_n)
        if table is None:
            return md(
                "No {score} answers by {segment} in {period}.",
                score=score.upper(),
                segment=segment,
                period=period,
            )
        fig, ax = plt.subplots(figsize=(7, 3.5))
        plots.breakdown_chart(table, ax=ax, higher_is_better=survey.higher_is_better(score))
        return fig

    return Explorer(controls, render)


def persona_explorer(
    people: Any, *, higher_is_better: bool = True, persona_by: str = "persona"
) -> Explorer:
    """Show the measured journey map of one persona at a time.

    Parameters
    ----------
    people : cxlab.journey.Personas
        The personas and their journey map, from :func:`cxlab.journey.personas`.
    higher_is_better : bool, default True
        Whether a higher score is a better experience (False for effort on a harder-is-higher
        scale).
    persona_by : str, default "persona"
        The customers column the personas come from, for the figure's title.

    Returns
    -------
    Explorer
        A persona chooser over :func:`cxlab.plots.journey_heatmap`.
    """
    names = list(people.names) if people.available else []
    choose = ipw.Dropdown(options=names, value=names[0] if names else None, description="Persona")

    def render(persona: Any) -> Any:
        if persona is None:
            return md("No personas to choose from.")
        return plots.journey_heatmap(
            people.map,
            metric=people.metric,
            segment=persona,
            higher_is_better=higher_is_better,
            title=f"The journey of the {persona} persona ({persona_by})",
        )

    return Explorer({"persona": choose}, render)


def segment_explorer(profile: pd.DataFrame, *, plays: pd.DataFrame | None = None) -> Explorer:
    """Compare one micro-segment with all customers, and show its matched play.

    Parameters
    ----------
    profile : pandas.DataFrame
        Segment profile with one row per segment and a row ``"all"``, from
        :func:`cxlab.segmentation.profile` (index: segment names).
    plays : pandas.DataFrame, optional
        The playbook match per segment (columns ``label`` and ``plays``), from
        :func:`cxlab.segmentation.match_plays`.

    Returns
    -------
    Explorer
        A segment chooser over the segment's column of the profile.
    """
    names = [s for s in profile.index if s != "all"]
    choose = ipw.Dropdown(options=names, value=names[0] if names else None, description="Segment")

    def render(segment: Any) -> Any:
        if segment is None:
            return md("No segments to choose from.")
        views: list[Any] = [profile.loc[[segment, "all"]].T.round(2)]
        if plays is not None and segment in plays.index:
            views.append(
                md(
                    "Playbook match: **{label}** — {plays}",
                    label=plays.loc[segment, "label"],
                    plays=plays.loc[segment, "plays"],
                )
            )
        return views

    return Explorer({"segment": choose}, render)


def fairness_explorer(bundle: Any, *, column: str, attributes: list[str]) -> Explorer:
    """Choose a sensitive attribute and a minimum group size; see the benefit's rates by group.

    Parameters
    ----------
    bundle : cxlab.Bundle
        The client's bundle.
    column : str
        The yes/no customers column recording who received a benefit.
    attributes : list of str
        The sensitive attributes to choose from.

    Returns
    -------
    Explorer
        An attribute chooser and a minimum-size slider over
        :func:`cxlab.ethics.offer_fairness` (table and finding).

    Examples
    --------
    >>> from cxlab import datasets
    >>> ex = fairness_explorer(
    ...     datasets.load_demo("saas"),
    ...     column="priority_support",
    ...     attributes=["owner_gender", "region"],
    ... )
    >>> ex.controls["attribute"].options, ex.draws
    (('owner_gender', 'region'), 1)
    """
    from cxlab import ethics

    choose = ipw.Dropdown(
        options=attributes, value=attributes[0] if attributes else None, description="Attribute"
    )
    size = ipw.IntSlider(value=5, min=1, max=50, description="Min. group")

    def render(attribute: str | None, min_n: int) -> Any:
        if attribute is None:
            return md("No sensitive attribute to choose from.")
        report = ethics.offer_fairness(
            bundle, column=column, attribute=attribute, n_boot=300, min_n=min_n
        )
        shown = ["n", "selected", "selection_rate", "selection_low", "selection_high"]
        return [report.table()[shown].round(3), ethics.fairness_finding(report, what=column)]

    return Explorer({"attribute": choose, "min_n": size}, render)


def follow_up_explorer(queue: pd.DataFrame) -> Explorer:
    """Filter the follow-up queue by touchpoint and reason, most urgent first.

    Parameters
    ----------
    queue : pandas.DataFrame
        From :func:`cxlab.actions.follow_up_queue` (comments already redacted).

    Returns
    -------
    Explorer
        A touchpoint chooser and a reason chooser over the queue's first 15 matching rows.

    Examples
    --------
    >>> q = pd.DataFrame(
    ...     {
    ...         "rank": [1, 2],
    ...         "customer_id": ["C1", "C2"],
    ...         "touchpoint": ["support", None],
    ...         "reasons": ["detractor (NPS 2)", "low CSAT (1)"],
    ...         "comment": ["<b>x</b>", None],
    ...         "due": pd.NaT,
    ...     }
    ... )
    >>> ex = follow_up_explorer(q)
    >>> ex.controls["touchpoint"].options, ex.draws
    (('all', 'support', '(no touchpoint)'), 1)
    """
    touch = queue["touchpoint"].astype("string").fillna("(no touchpoint)")
    touch = touch.where(touch.str.strip() != "", "(no touchpoint)")
    options = ["all", *sorted(set(touch) - {"(no touchpoint)"})]
    if (touch == "(no touchpoint)").any():
        options.append("(no touchpoint)")
    where = ipw.Dropdown(options=options, value="all", description="Touchpoint")
    why = ipw.Dropdown(
        options=["any", "detractor", "low CSAT", "high effort"], value="any", description="Reason"
    )
    shown = ["rank", "customer_id", "touchpoint", "reasons", "comment", "due"]

    def render(touchpoint: str, reason: str) -> Any:
        keep = pd.Series(True, index=queue.index)
        if touchpoint != "all":
            keep &= touch == touchpoint
        if reason != "any":
            keep &= queue["reasons"].astype(str).str.contains(reason, regex=False)
        rows = queue[keep]
        if rows.empty:
            return md("No follow-up matches this filter.")
        return [
            md("{n:,} follow-up(s) match; the first 15 are shown.", n=len(rows)),
            rows[[c for c in shown if c in rows]].head(15).set_index("rank"),
        ]

    return Explorer({"touchpoint": where, "reason": why}, render)


def sentence_explorer(examples: list[str]) -> Explorer:
    """Score a sentence both ways — plain VADER and with the CX layer — and show which rules fired.

    Parameters
    ----------
    examples : list of str
        Sentences offered in a dropdown; a text box below takes the learner's own sentence.

    Returns
    -------
    Explorer
        A sentence chooser and a text box; whichever changed last is scored.
    """
    from cxlab import text as cx_text  # the text module loads VADER's lexicon: only when used

    choose = ipw.Dropdown(
        options=list(examples), value=examples[0] if examples else None, description="Example"
    )
    own = ipw.Text(
        value="",
        placeholder="type a sentence and press Enter",
        description="Your own",
        continuous_update=False,
        layout=ipw.Layout(width="95%"),
    )
    last = {"example": choose.value, "own": "", "shown": choose.value}

    def render(example: str | None, own: str) -> Any:
        if own != last["own"] and own.strip():
            last["shown"] = own
        elif example != last["example"]:
            last["shown"] = example
        last["example"], last["own"] = example, own
        sentence = last["shown"]
        if not sentence:
            return md("Choose an example or type a sentence.")
        e = cx_text.explain(sentence)
        if e["compound"] is None:
            return md("This text is not scored (status: {status}).", status=e["status"])
        scores = pd.DataFrame(
            {
                "compound": [e["vader"], e["compound"]],
                "label": [cx_text.label_of(e["vader"]), e["label"]],
            },
            index=pd.Index(["plain VADER", "with the CX layer"], name="scorer"),
        )
        rules = "; ".join(f"{r['rule']} (“{r['matched']}”)" for r in e["rules"]) or "none"
        words = ", ".join(e["words"]) or "none"
        return [
            md("“{sentence}”", sentence=sentence),
            scores.round(3),
            md(
                "Phrase rules that fired: {rules}. CX lexicon words: {words}.",
                rules=rules,
                words=words,
            ),
        ]

    return Explorer({"example": choose, "own": own}, render)


def targeting_explorer(
    risk: pd.Series,
    value: pd.Series,
    *,
    currency: str = "",
    contact_cost: float = 5.0,
    save_rate: float = 0.25,
) -> Explorer:
    """What-if for retention calls: move the budget and the save rate, see whom to call.

    Parameters
    ----------
    risk : pandas.Series
        Calibrated P(churn) per customer, from :func:`cxlab.churn.scores`.
    value : pandas.Series
        Value per customer, from :func:`cxlab.churn.customer_value`.
    currency : str
    contact_cost : float
        Cost of one contact.
    save_rate : float
        The save rate the slider starts at.

    Returns
    -------
    Explorer
        A budget slider and a save-rate slider over the targeting curve and its finding.
    """
    from cxlab import churn

    top = max(contact_cost * len(risk), contact_cost)
    budget = ipw.FloatSlider(
        value=min(top, 50 * contact_cost), min=0.0, max=float(top), step=float(contact_cost),
        description="Budget", readout_format=",.0f",
    )  # fmt: skip
    rate = ipw.FloatSlider(
        value=save_rate, min=0.05, max=0.8, step=0.05, description="Save rate",
        readout_format=".0%",
    )  # fmt: skip

    def render(budget: float, save_rate: float) -> Any:
        full = churn.targeting(risk, value, save_rate=save_rate, contact_cost=contact_cost)
        chosen = full[full["cumulative_cost"] <= budget + 1e-9]
        ax = plots.targeting_chart(full, currency=currency, budget=budget)
        found = churn.targeting_finding(
            chosen, save_rate=save_rate, contact_cost=contact_cost, currency=currency,
            basis=value.attrs.get("basis", "the value given"),
        )  # fmt: skip
        return [ax, found]

    return Explorer({"budget": budget, "save_rate": rate}, render)


def clv_explorer(
    summary: pd.DataFrame,
    bgf: Any,
    ggf: Any,
    *,
    currency: str = "",
    horizon_months: int = 12,
    discount_rate: float = 0.10,
) -> Explorer:
    """See how customer equity and its spread change with the discount rate and the horizon.

    Two sliders set the annual discount rate and the horizon in months; the explorer values
    every customer with :func:`cxlab.clv.clv` and shows customer equity, the mean value and the
    top decile's share as a table, and the value tiers as a chart.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`cxlab.clv.rfm_summary`.
    bgf, ggf : cxlab.clv.BetaGeo, cxlab.clv.GammaGamma
        Fitted models.
    currency : str
        For labels.
    horizon_months, discount_rate : int, float
        Starting values.

    Returns
    -------
    Explorer

    Examples
    --------
    >>> from cxlab import clv
    >>> bg = clv.BetaGeo()
    >>> bg.params_ = pd.Series({"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.43})
    >>> gg = clv.GammaGamma()
    >>> gg.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    >>> s = pd.DataFrame(
    ...     {
    ...         "frequency": [0, 2, 5],
    ...         "recency": [0.0, 20.0, 30.0],
    ...         "T": [30.0, 35.0, 38.0],
    ...         "monetary": [0.0, 20.0, 40.0],
    ...     }
    ... )
    >>> ex = clv_explorer(s, bg, gg, horizon_months=24)
    >>> ex.values["horizon_months"], ex.draws
    (24, 1)
    """
    from cxlab import clv

    stops = [3, 6, 12, 24, 36, 60]
    controls = {
        "discount_rate": ipw.FloatSlider(
            value=round(discount_rate, 2), min=0.0, max=0.30, step=0.01,
            description="Discount", readout_format=".0%",
        ),
        "horizon_months": ipw.SelectionSlider(
            options=stops, value=min(stops, key=lambda s: abs(s - horizon_months)),
            description="Months",
        ),
    }  # fmt: skip

    def render(discount_rate: float, horizon_months: int) -> Any:
        values = clv.clv(
            summary, bgf, ggf, horizon_months=horizon_months, discount_rate=discount_rate
        )
        tiers = clv.value_tiers(values, top=0.1, bottom=0.5)
        table = pd.DataFrame(
            {
                "customer equity": [present.money(float(values.sum()), currency)],
                "mean value": [present.money(float(values.mean()), currency, digits=2)],
                "top 10% share": [present.percent(float(tiers.loc["top", "share_of_value"]), 1)],
                "customers": [present.number(len(values))],
            }
        )
        fig, ax = plt.subplots(figsize=(6, 2.6))
        ax.bar(tiers.index.astype(str), tiers["total_value"], color=plots.palette(3))
        ax.set(
            ylabel=f"value{' (' + currency + ')' if currency else ''}",
            title=f"Equity {currency} {values.sum():,.0f} over {horizon_months} months at "
            f"{discount_rate:.0%} a year",
        )
        return [table, fig]

    return Explorer(controls, render)
