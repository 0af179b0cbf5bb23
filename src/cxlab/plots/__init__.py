"""Figures: one theme for the whole suite, and each chapter's plots.

Every figure in cxlab goes through :func:`use_theme`: seaborn's colour-blind-safe palette, a
modest size and resolution (committed notebooks stay light), readable fonts, and titles on the
left where a reader starts. Plot functions take the results of the analytics modules, never raw
client files, and come in two kinds (``_docs`` holds the convention and the docstring pieces
they share):

* **axes-level** functions draw one chart, take ``ax=`` (a new figure by default) and return
  that ``Axes``, so a chart can be one panel of a larger figure;
* **figure-level** functions lay out panels of their own, take no ``ax`` and return the new
  ``Figure`` — :func:`attribute_bars`, :func:`score_distributions`, :func:`score_categories`,
  :func:`margin_by_sample_size`, :func:`nps_group_chart`, :func:`driver_chart` and
  :func:`journey_heatmap`.

Titles state the finding. When ``title`` is not given, each function writes one from the data it
is handed ("Revenue peaks in December 2024 at 41,200 EUR") so the text cannot drift from the
figure; pass ``title=`` to say it differently.

Each chapter's figures live in a module of their own in this package, named like the chapter's
analytics module (``_overview`` for the welcome tour, ``_metrics``, ``_drivers``, ``_journey``,
``_segmentation``, ``_text``), built on the shared theme and helpers in ``_base``, and are
re-exported here so a notebook only needs ``from cxlab import plots``.

Examples
--------
>>> import pandas as pd
>>> from cxlab import overview, plots
>>> plots.use_theme()
>>> tx = pd.DataFrame(
...     {
...         "customer_id": ["a", "b", "a"],
...         "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-09"]),
...         "amount": [10.0, 25.0, 15.0],
...     }
... )
>>> ax = plots.monthly_revenue(overview.monthly_revenue(tx), currency="EUR")
>>> ax.get_title(loc="left")
'Revenue peaks in February 2024 at 25 EUR'
>>> plots.close(ax)
"""

import importlib
from typing import TYPE_CHECKING, Any

from cxlab.plots._base import PALETTE, THEME_RC, close, palette, use_theme

if TYPE_CHECKING:  # pragma: no cover
    from cxlab.plots._actions import demand_forecast
    from cxlab.plots._churn import (
        calibration_chart,
        churn_drivers_chart,
        gains_chart,
        survival_chart,
        targeting_chart,
    )
    from cxlab.plots._clv import (
        equity_chart,
        holdout_chart,
        p_alive_matrix,
        spend_chart,
        value_by_group,
    )
    from cxlab.plots._drivers import breakdown_chart, control_chart, driver_chart, nps_group_chart
    from cxlab.plots._ethics import selection_by_group
    from cxlab.plots._journey import (
        flow_diagram,
        funnel_chart,
        health_chart,
        journey_heatmap,
        stage_durations,
        variants_chart,
    )
    from cxlab.plots._metrics import margin_by_sample_size, score_categories, small_surveys
    from cxlab.plots._overview import (
        attribute_bars,
        journey_stages,
        monthly_revenue,
        responses_per_month,
        score_distributions,
        seasonal_index,
    )
    from cxlab.plots._segmentation import (
        k_choice,
        pareto_curve,
        profile_heatmap,
        rfm_grid,
        segment_satisfaction,
        segment_value,
    )
    from cxlab.plots._text import (
        negative_share_chart,
        review_comparison,
        theme_impact_chart,
        vader_vs_cx,
    )
    from cxlab.plots._theory import (
        interval_width_diagram,
        journey_layers_diagram,
        nps_buckets_diagram,
        rfm_diagram,
    )

#: Where each chapter's figures live. They are imported on first use, so a chapter pays only
#: for the figures (and the analytics behind them: scikit-learn, statsmodels) it draws.
_LAZY = {
    "attribute_bars": "_overview",
    "breakdown_chart": "_drivers",
    "calibration_chart": "_churn",
    "churn_drivers_chart": "_churn",
    "control_chart": "_drivers",
    "demand_forecast": "_actions",
    "driver_chart": "_drivers",
    "equity_chart": "_clv",
    "flow_diagram": "_journey",
    "funnel_chart": "_journey",
    "gains_chart": "_churn",
    "health_chart": "_journey",
    "holdout_chart": "_clv",
    "interval_width_diagram": "_theory",
    "journey_heatmap": "_journey",
    "journey_layers_diagram": "_theory",
    "journey_stages": "_overview",
    "k_choice": "_segmentation",
    "margin_by_sample_size": "_metrics",
    "monthly_revenue": "_overview",
    "negative_share_chart": "_text",
    "nps_buckets_diagram": "_theory",
    "nps_group_chart": "_drivers",
    "p_alive_matrix": "_clv",
    "pareto_curve": "_segmentation",
    "profile_heatmap": "_segmentation",
    "responses_per_month": "_overview",
    "review_comparison": "_text",
    "rfm_diagram": "_theory",
    "rfm_grid": "_segmentation",
    "score_categories": "_metrics",
    "score_distributions": "_overview",
    "seasonal_index": "_overview",
    "segment_satisfaction": "_segmentation",
    "segment_value": "_segmentation",
    "selection_by_group": "_ethics",
    "small_surveys": "_metrics",
    "spend_chart": "_clv",
    "stage_durations": "_journey",
    "survival_chart": "_churn",
    "targeting_chart": "_churn",
    "theme_impact_chart": "_text",
    "vader_vs_cx": "_text",
    "value_by_group": "_clv",
    "variants_chart": "_journey",
}

__all__ = [
    "PALETTE",
    "THEME_RC",
    "attribute_bars",
    "breakdown_chart",
    "calibration_chart",
    "churn_drivers_chart",
    "close",
    "control_chart",
    "demand_forecast",
    "driver_chart",
    "equity_chart",
    "flow_diagram",
    "funnel_chart",
    "gains_chart",
    "health_chart",
    "holdout_chart",
    "interval_width_diagram",
    "journey_heatmap",
    "journey_layers_diagram",
    "journey_stages",
    "k_choice",
    "margin_by_sample_size",
    "monthly_revenue",
    "negative_share_chart",
    "nps_buckets_diagram",
    "nps_group_chart",
    "p_alive_matrix",
    "palette",
    "pareto_curve",
    "profile_heatmap",
    "responses_per_month",
    "review_comparison",
    "rfm_diagram",
    "rfm_grid",
    "score_categories",
    "score_distributions",
    "seasonal_index",
    "segment_satisfaction",
    "segment_value",
    "selection_by_group",
    "small_surveys",
    "spend_chart",
    "stage_durations",
    "survival_chart",
    "targeting_chart",
    "theme_impact_chart",
    "use_theme",
    "vader_vs_cx",
    "value_by_group",
    "variants_chart",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlab.plots' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"cxlab.plots.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
