"""cxlab.journey with survey answers: the journey map (pain points, delights, segments,
sentiment) and journey health over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from cxlab import datasets, journey, metrics
from cxlab.contract.config import Scale
from cxlab.errors import DataError
from cxlab.stats import holm


def _events() -> pd.DataFrame:
    """Six customers, each: ad (awareness) -> checkout (purchase) -> delivery (service)."""
    rows = []
    for i in range(6):
        for day, (stage, tp) in enumerate(
            [("awareness", "ad"), ("purchase", "checkout"), ("service", "delivery")]
        ):
            rows.append(
                (f"c{i}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=day + i), stage, tp)
            )
    rows.append(("c0", pd.Timestamp("2024-01-20"), "service", "support"))
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage", "touchpoint"])


def _responses(checkout=(2, 3, 2, 4), delivery=(5, 4, 5, 5), support=(4, 5, 3, 4), k=10):
    """CSAT 1–5 answers per touchpoint, each pattern repeated ``k`` times."""
    tps = ["checkout"] * 4 * k + ["delivery"] * 4 * k + ["support"] * 4 * k
    csat = list(checkout) * k + list(delivery) * k + list(support) * k
    return pd.DataFrame(
        {
            "customer_id": [f"c{i % 6}" for i in range(len(tps))],
            "date": pd.Timestamp("2024-01-15"),
            "touchpoint": tps,
            "csat": csat,
        }
    )


# --------------------------------------------------------------------------------------------
# the map


def test_map_places_touchpoints_in_their_stages_with_volume():
    m = journey.journey_map(_events(), _responses(), metrics=["csat"])
    assert m.table.index.tolist() == [
        ("awareness", "ad"),
        ("purchase", "checkout"),
        ("service", "delivery"),
        ("service", "support"),
    ]
    assert m.table["events"].tolist() == [6, 6, 6, 1]
    assert m.table["customers"].tolist() == [6, 6, 6, 1]


def test_map_scores_touchpoints_through_metrics_breakdown():
    r = _responses()
    m = journey.journey_map(_events(), r, metrics=["csat"])
    b = metrics.breakdown(r, by="touchpoint", metric="csat")
    row = m.table.xs("checkout", level="touchpoint").iloc[0]
    assert row["csat"] == b.loc["checkout", "value"] == 25.0
    assert row["csat_low"] == b.loc["checkout", "low"]
    assert row["csat_p_adjusted"] == b.loc["checkout", "p_adjusted"]
    assert m.table.loc[("awareness", "ad"), "csat_n"] == 0  # no answers: no score
    assert np.isnan(m.table.loc[("awareness", "ad"), "csat"])


def test_pain_points_and_delights_follow_the_adjusted_tests():
    m = journey.journey_map(_events(), _responses(), metrics=["csat"])
    assert m.table["csat_signal"].tolist() == ["", "worse", "better", ""]
    assert m.pain_points.index.get_level_values("touchpoint").tolist() == ["checkout"]
    assert m.delights.index.get_level_values("touchpoint").tolist() == ["delivery"]
    assert m.table.loc[("purchase", "checkout"), "impact"] < 0
    assert np.isnan(m.table.loc[("awareness", "ad"), "impact"])  # nothing tested


def test_no_pain_point_when_no_touchpoint_differs():
    same = (4, 5, 3, 4)
    m = journey.journey_map(_events(), _responses(same, same, same), metrics=["csat"])
    assert m.pain_points.empty and m.delights.empty
    assert (m.table["csat_signal"] == "").all()


def test_small_touchpoints_are_listed_without_scores():
    m = journey.journey_map(_events(), _responses(k=1), metrics=["csat"], min_n=5)
    assert (m.table["csat_n"].tolist()) == [0, 4, 4, 4]
    assert m.table["csat"].isna().all()
    assert not m.table["pain_point"].any()


def test_ces_direction_decides_which_way_is_worse():
    r = _responses()
    r["ces"] = r["csat"]  # checkout gets the low numbers
    easier = journey.journey_map(_events(), r, metrics=["ces"], ces_scale=Scale(1, 5))
    harder = journey.journey_map(
        _events(), r, metrics=["ces"], ces_scale=Scale(1, 5, direction="higher_is_harder")
    )
    assert easier.table.loc[("purchase", "checkout"), "ces_signal"] == "worse"
    assert harder.table.loc[("purchase", "checkout"), "ces_signal"] == "better"
    assert harder.pain_points.index.get_level_values("touchpoint").tolist() == ["delivery"]


def test_a_touchpoint_worse_on_one_metric_and_better_on_another_is_a_pain_point():
    r = _responses()
    r["ces"] = np.where(r["touchpoint"] == "checkout", 7, 2)  # checkout: easy
    m = journey.journey_map(_events(), r, metrics=["csat", "ces"])
    row = m.table.loc[("purchase", "checkout")]
    assert (row["csat_signal"], row["ces_signal"]) == ("worse", "better")
    assert row["pain_point"] and not row["delight"]


def test_metrics_without_touchpoint_answers_are_left_out_with_a_note():
    r = _responses().assign(nps=np.nan)
    m = journey.journey_map(_events(), r)
    assert m.metrics == ("csat",)
    assert any("nps" in note for note in m.notes)
    assert "nps" not in m.table.columns


def test_map_without_responses_has_volume_only():
    m = journey.journey_map(_events())
    assert m.metrics == ()
    assert m.table["events"].sum() == len(_events())
    assert not m.table["pain_point"].any()
    assert m.funnel["customers"].iloc[0] == 6


def test_touchpoints_with_answers_but_no_events_are_kept():
    r = _responses()
    r.loc[r.index[:10], "touchpoint"] = "phone"
    m = journey.journey_map(_events(), r, metrics=["csat"])
    assert ("(no events)", "phone") in m.table.index
    assert m.table.loc[("(no events)", "phone"), "events"] == 0


def test_overall_scores_the_journey_as_a_whole():
    r = _responses()
    m = journey.journey_map(_events(), r, metrics=["csat"])
    assert m.overall.loc["csat", "value"] == pytest.approx(metrics.csat(r["csat"]).value)
    assert m.overall.loc["csat", "n"] == len(r)


def test_map_needs_a_touchpoint_column():
    with pytest.raises(DataError) as e:
        journey.journey_map(_events().drop(columns="touchpoint"), _responses())
    assert (e.value.problem.rule, e.value.problem.column) == ("missing_column", "touchpoint")
    with pytest.raises(DataError) as e:
        journey.journey_map(_events(), _responses().drop(columns="touchpoint"))
    assert e.value.problem.table == "responses"


def test_map_reports_bad_scores_through_metrics():
    r = _responses()
    r.loc[3, "csat"] = 9
    with pytest.raises(DataError) as e:
        journey.journey_map(_events(), r, metrics=["csat"])
    assert e.value.problem.column == "csat"


# --------------------------------------------------------------------------------------------
# segments


def _segmented():
    """Checkout is bad in the north only; the segment comes from the customers table."""
    ev = _events()
    north = _responses()
    south = _responses(checkout=(4, 5, 3, 4))
    north["customer_id"] = "c0"
    south["customer_id"] = "c1"
    customers = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(6)], "region": ["north", "south"] * 3}
    )
    return ev, pd.concat([north, south], ignore_index=True), customers


def test_by_maps_each_segment_against_its_own_journey():
    ev, r, customers = _segmented()
    m = journey.journey_map(ev, r, customers=customers, by="region", metrics=["csat"])
    assert m.table.index.names == ["region", "stage", "touchpoint"]
    pains = m.pain_points.index.droplevel("stage").tolist()
    assert pains == [("north", "checkout")]
    # events are split too: c0, c2, c4 are north
    assert m.table.loc[("north", "awareness", "ad"), "customers"] == 3
    assert m.funnel.loc[("north", "awareness"), "customers"] == 3
    assert set(m.overall.index.get_level_values("region")) == {"north", "south"}


def test_by_uses_a_column_the_tables_already_hold():
    ev, r, customers = _segmented()
    lookup = customers.set_index("customer_id")["region"]
    ev["region"] = ev["customer_id"].map(lookup)
    r["region"] = r["customer_id"].map(lookup)
    m = journey.journey_map(ev, r, by="region", metrics=["csat"])
    assert m.pain_points.index.droplevel("stage").tolist() == [("north", "checkout")]


def test_by_without_a_source_for_the_column_is_an_error():
    ev, r, customers = _segmented()
    with pytest.raises(DataError) as e:
        journey.journey_map(ev, r, by="region")
    assert (e.value.problem.rule, e.value.problem.column) == ("missing_column", "region")
    with pytest.raises(DataError) as e:
        journey.journey_map(ev, r, customers=customers, by="plan")
    assert (e.value.problem.table, e.value.problem.column) == ("customers", "plan")


def test_by_with_no_segment_for_anyone_is_an_error():
    ev, r, customers = _segmented()
    customers["customer_id"] = customers["customer_id"] + "-old"
    with pytest.raises(DataError) as e:
        journey.journey_map(ev, r, customers=customers, by="region")
    assert (e.value.problem.rule, e.value.problem.column) == ("all_missing", "region")


def test_demo_map_per_region_splits_the_events():
    bundle = datasets.load_demo("clothing_retailer")
    m = journey.journey_map(bundle, by="region")
    region = bundle.events["customer_id"].map(
        bundle.customers.drop_duplicates("customer_id").set_index("customer_id")["region"]
    )
    per_region = m.table.groupby(level="region")["events"].sum()
    expected = region.value_counts()
    assert per_region.sort_index().to_dict() == expected.sort_index().to_dict()
    assert not m.pain_points.empty


# --------------------------------------------------------------------------------------------
# sentiment hook


def test_sentiment_from_a_column_is_summarised_per_touchpoint():
    r = _responses()
    r["tone"] = np.where(r["touchpoint"] == "checkout", -0.5, 0.5)
    m = journey.journey_map(_events(), r, metrics=["csat"], sentiment="tone")
    assert m.table.loc[("purchase", "checkout"), "sentiment"] == pytest.approx(-0.5)
    assert m.table.loc[("service", "delivery"), "sentiment_n"] == 40
    assert m.table.loc[("awareness", "ad"), "sentiment_n"] == 0


def test_sentiment_from_a_function_of_the_comments():
    r = _responses()
    r["comment"] = np.where(r["touchpoint"] == "support", "great help", None)

    def score(comments: pd.Series) -> np.ndarray:
        return np.where(comments.str.contains("great", na=False), 1.0, np.nan)

    m = journey.journey_map(_events(), r, metrics=["csat"], sentiment=score)
    support = m.table.loc[("service", "support")]
    assert (support["sentiment_n"], support["sentiment"]) == (40, 1.0)
    assert m.table.loc[("service", "delivery"), "sentiment_n"] == 0
    # sentiment is shown, not tested: the flags are those of the map without it
    plain = journey.journey_map(_events(), r, metrics=["csat"])
    assert m.table["pain_point"].tolist() == plain.table["pain_point"].tolist()


def test_a_sentiment_function_must_return_one_score_per_answer():
    with pytest.raises(ValueError, match="one score per answer"):
        journey.journey_map(_events(), _responses().assign(comment="x"), sentiment=lambda c: [0.0])


# --------------------------------------------------------------------------------------------
# planted truth


@pytest.mark.parametrize("name", datasets.DEMOS)
def test_planted_pain_point_is_recovered_as_the_worst_pain_point(name):
    bundle = datasets.load_demo(name)
    truth = datasets.planted_truth(name)
    m = journey.journey_map(bundle)
    pains = m.pain_points.index.get_level_values("touchpoint").tolist()
    assert truth.pain_point in pains
    assert pains[0] == truth.pain_point
    row = m.pain_points.iloc[0]
    assert row["csat_signal"] == "worse" and row["ces_signal"] == "worse"
    assert m.pain_points.index[0][0] == truth.touchpoints.loc[truth.pain_point, "stage"]


def test_bundle_and_explicit_tables_give_the_same_map():
    bundle = datasets.load_demo("restaurant")  # CSAT on 1–10: the bundle's scale must be used
    from_bundle = journey.journey_map(bundle).table
    explicit = journey.journey_map(
        bundle.events,
        bundle.responses,
        csat_scale=bundle.config.csat_scale,
        ces_scale=bundle.config.ces_scale,
    ).table
    pd.testing.assert_frame_equal(from_bundle, explicit)


# --------------------------------------------------------------------------------------------
# health


def _monthly_log():
    """Two months; 100 customers a month visit, 50 then 90 of them buy."""
    rows = []
    for month, buyers in ((1, 50), (2, 90)):
        for i in range(100):
            ts = pd.Timestamp(2024, month, 5)
            rows.append((f"m{month}c{i}", ts, "awareness"))
            if i < buyers:
                rows.append((f"m{month}c{i}", ts + pd.Timedelta(days=1), "purchase"))
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "stage"])


def test_health_tracks_conversion_per_period_and_flags_a_change():
    h = journey.health(_monthly_log(), stages=["awareness", "purchase"])
    assert h.columns.tolist() == list(journey.HEALTH_COLUMNS)
    assert h["period"].astype(str).tolist() == ["2024-01", "2024-02"]
    assert h["n"].tolist() == [100, 100]
    assert h["value"].tolist() == pytest.approx([0.5, 0.9])
    assert h["change"].iloc[1] == pytest.approx(0.4)
    assert h["changed"].tolist() == [False, True]
    # the pooled p chart: centre 0.7 with 3-sigma limits 0.7 ± 3 sqrt(0.21 / 100)
    assert h["centre"].iloc[0] == pytest.approx(0.7)
    assert h["lcl"].iloc[0] == pytest.approx(0.7 - 3 * np.sqrt(0.21 / 100))
    assert h["outside"].tolist() == [True, True]


def test_health_counts_conversion_within_each_period():
    ev = _monthly_log()
    # the January visitors who buy only in February count as not converted in January
    late = ev["customer_id"].str.startswith("m1") & (ev["stage"] == "purchase")
    ev.loc[late, "timestamp"] = pd.Timestamp("2024-02-10")
    h = journey.health(ev, stages=["awareness", "purchase"])
    # February: 100 new visitors (90 buy) and the 50 late buyers, who reached purchase and so
    # count at awareness too (the funnel's "this stage or a later one")
    assert h["n"].tolist() == [100, 100 + 50]
    assert h["value"].tolist() == pytest.approx([0.0, (90 + 50) / 150])


def _score_responses():
    """CSAT 1–5 per month at checkout: 80 % satisfied in Jan and Feb, 30 % in March."""
    rows = []
    for month, good in ((1, 40), (2, 40), (3, 15)):
        for i in range(50):
            rows.append((pd.Timestamp(2024, month, 10), "checkout", 5 if i < good else 2))
    return pd.DataFrame(rows, columns=["date", "touchpoint", "csat"])


def test_health_scores_match_metrics_trend_and_flag_the_drop():
    ev = _events()
    r = _score_responses()
    h = journey.health(ev, r, metrics=["csat"])
    rows = h[(h["measure"] == "csat") & (h["touchpoint"] == "checkout")]
    t = metrics.trend(r, metric="csat")
    assert rows["period"].tolist() == t.index.tolist()
    assert rows["value"].tolist() == t["value"].tolist()
    assert rows["ucl"].tolist() == pytest.approx(t["ucl"].tolist())
    assert rows["stage"].iloc[0] == "purchase"
    assert rows["changed"].tolist() == [False, False, True]
    assert rows["change"].iloc[2] == pytest.approx(-50.0)


def test_health_has_a_row_for_all_answers_of_a_period():
    r = _score_responses()
    r.loc[r.index[:10], "touchpoint"] = None  # relationship answers count in "(all)" only
    h = journey.health(_events(), r, metrics=["csat"])
    everything = h[h["touchpoint"] == journey.ALL_TOUCHPOINTS]
    assert everything["n"].tolist() == [50, 50, 50]
    assert everything["stage"].isna().all()
    checkout = h[h["touchpoint"] == "checkout"]
    assert checkout["n"].tolist() == [40, 50, 50]


def test_health_adjusts_the_change_tests_within_each_period():
    h = journey.health(_events(), _score_responses(), metrics=["csat"])
    march = h[(h["period"].astype(str) == "2024-03") & h["p_value"].notna()]
    assert len(march) == 2  # checkout and (all)
    assert march["p_adjusted"].to_numpy() == pytest.approx(holm(march["p_value"].to_numpy()))


def test_holm_matches_statsmodels():
    rng = np.random.default_rng(3)
    for size in (1, 2, 7, 30):
        p = rng.uniform(0, 0.2, size)
        assert holm(p) == pytest.approx(multipletests(p, method="holm")[1])


def test_health_of_a_demo_client_is_well_formed():
    bundle = datasets.load_demo("saas")
    h = journey.health(bundle, freq="Q")
    assert h.columns.tolist() == list(journey.HEALTH_COLUMNS)
    assert set(h["measure"]) == {"conversion", "csat", "ces", "nps"}
    assert h["period"].nunique() == 8
    tested = h["p_value"].notna()
    assert (h.loc[tested, "p_adjusted"] >= h.loc[tested, "p_value"]).all()
    assert not h.loc[~tested, "changed"].any()
    assert "onboarding" in set(h["touchpoint"].dropna())


def test_health_rejects_bad_dates_in_the_responses():
    r = _score_responses().astype({"date": object})
    r.loc[4, "date"] = "soon"
    with pytest.raises(DataError) as e:
        journey.health(_events(), r)
    assert (e.value.problem.table, e.value.problem.column) == ("responses", "date")


def test_segments_with_missing_values_in_a_nullable_column_are_left_out():
    import cxlab.datasets
    from cxlab.journey import journey_map

    bundle = cxlab.datasets.load_demo("saas")
    customers = bundle.customers.copy()
    customers["region"] = customers["region"].astype("string")
    customers.loc[customers.index[:50], "region"] = pd.NA
    result = journey_map(
        bundle.events, bundle.responses, customers=customers, by="region", stages=None
    )
    levels = set(result.table.index.get_level_values(0)) if result.by else set()
    assert levels and not any(pd.isna(v) for v in levels)
    assert levels <= set(customers["region"].dropna())


def test_impact_is_the_worst_single_gap_not_the_sum_of_gaps():
    # Checkout: CSAT 25 % satisfied against 100 % elsewhere -> a gap of -75 points = -0.75 of
    # the 0–100 CSAT range; CES 1 against 5 elsewhere on a 1–5 scale (higher is easier) ->
    # -4 / 4 = -1.0 of its range. Impact is the worse of the two, -1.0, not their sum -1.75.
    r = _responses(checkout=(2, 3, 2, 4), delivery=(5, 4, 5, 5), support=(4, 5, 4, 4))
    r["ces"] = np.where(r["touchpoint"] == "checkout", 1, 5)
    ces = Scale(1, 5, direction="higher_is_easier")
    m = journey.journey_map(_events(), r, metrics=["csat", "ces"], ces_scale=ces)
    row = m.table.loc[("purchase", "checkout")]
    assert row["csat_signal"] == "worse" and row["ces_signal"] == "worse"
    csat_gap = row["csat_difference"] / 100
    ces_gap = row["ces_difference"] / 4
    assert row["impact"] == pytest.approx(min(csat_gap, ces_gap))
    assert row["impact"] == pytest.approx(-1.0)
