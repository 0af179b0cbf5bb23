"""The demo clients: reproducible files, canonical tables, and every planted truth detectable.

Expectations come from the documented planted truth (``cxlab.datasets.planted_truth``) and are
checked with plain pandas / numpy / scipy computations written here, independent of any cxlab
analytics.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cxlab import datasets
from cxlab.datasets import DEMOS, demo_path, generate, planted_truth, regenerate, write_demo
from cxlab.datasets._comments import NEGATION_PHRASES

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "datasets"
STAGES = ("awareness", "consideration", "purchase", "service", "loyalty")
PERIOD = (pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31 23:59:59"))
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\(?\+?\d[\d ()-]{6,}\d")

#: One observable attribute per demo that the true segment should shape.
SEGMENT_PROXY = {
    "clothing_retailer": "age_band",
    "saas": "plan",
    "restaurant": "dietary_preference",
    "consulting": "company_size",
}


@pytest.fixture(scope="module", params=DEMOS)
def demo(request):
    return generate(request.param)


@pytest.fixture(scope="module")
def vader():
    return SentimentIntensityAnalyzer()


def _buyers_spend(demo) -> pd.DataFrame:
    """Customers joined with their net spend and number of orders, and their hidden labels."""
    tx = demo.tables["transactions"]
    sales = tx[tx["amount"] > 0]
    per = pd.DataFrame(
        {
            "spend": tx.groupby("customer_id")["amount"].sum(),
            "orders": sales.groupby("customer_id")["order_id"].nunique(),
        }
    )
    cust = (
        demo.tables["customers"].set_index("customer_id").drop(columns="churned", errors="ignore")
    )
    return cust.join(demo.truth.customers).join(per)


def _score_scale(demo) -> tuple[int, int, int]:
    c = demo.config["scales"]["csat"]
    return c["min"], c["max"], c["satisfied"]


# ------------------------------------------------------------------------------------------
# API
# ------------------------------------------------------------------------------------------


def test_demos_lists_the_four_archetypes_with_the_retailer_first():
    assert DEMOS == ("clothing_retailer", "saas", "restaurant", "consulting")


@pytest.mark.parametrize("name", DEMOS)
def test_describe_is_one_line_naming_the_business(name):
    text = datasets.describe(name)
    assert "\n" not in text
    assert text.startswith(planted_truth(name).business + ": ")


def test_unknown_demo_raises_value_error_listing_the_demos():
    with pytest.raises(ValueError, match="clothing_retailer, saas, restaurant, consulting"):
        generate("bakery")
    with pytest.raises(ValueError, match="unknown demo"):
        demo_path("bakery")


def test_too_few_customers_is_refused():
    with pytest.raises(ValueError, match="at least 100"):
        generate("saas", n_customers=20)


def test_planted_truth_is_the_truth_of_the_default_generation():
    a = planted_truth("restaurant")
    b = generate("restaurant").truth
    pd.testing.assert_frame_equal(a.customers, b.customers)
    assert a.pii == b.pii


def test_requested_size_is_respected():
    assert len(generate("consulting", n_customers=250).tables["customers"]) == 250


# ------------------------------------------------------------------------------------------
# Determinism and files
# ------------------------------------------------------------------------------------------


def test_same_seed_and_size_give_identical_tables():
    a = generate("clothing_retailer", seed=7, n_customers=300)
    b = generate("clothing_retailer", seed=7, n_customers=300)
    for table in a.tables:
        pd.testing.assert_frame_equal(a.tables[table], b.tables[table])


def test_different_seed_gives_different_tables():
    a = generate("clothing_retailer", seed=7, n_customers=300)
    b = generate("clothing_retailer", seed=8, n_customers=300)
    assert not a.tables["transactions"].equals(b.tables["transactions"])
    assert not a.tables["customers"].equals(b.tables["customers"])


def test_regenerate_reproduces_the_committed_files_byte_for_byte(tmp_path):
    written = regenerate(tmp_path)
    assert len(written) == 7 * len(DEMOS)  # six tables (reviews and costs included) and cxlab.yml
    for path in written:
        committed = COMMITTED / path.relative_to(tmp_path)
        assert committed.is_file(), f"{committed} is not committed; run 'cxlab demo regenerate'"
        assert path.read_bytes() == committed.read_bytes(), f"{committed} differs from generator"


def test_write_demo_writes_utf8_lf_iso_dates_and_two_decimal_amounts(tmp_path):
    folder = write_demo("saas", tmp_path / "small", n_customers=200)
    for path in folder.iterdir():
        data = path.read_bytes()
        data.decode("utf-8")
        assert b"\r" not in data
    tx = (folder / "transactions.csv").read_text(encoding="utf-8").splitlines()
    header = tx[0].split(",")
    amount, date = header.index("amount"), header.index("date")
    for line in tx[1:50]:
        cells = line.split(",")
        assert re.fullmatch(r"-?\d+\.\d\d", cells[amount])
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[date])
    ev = pd.read_csv(folder / "events.csv", dtype=str)
    assert ev["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").all()
    cust = pd.read_csv(folder / "customers.csv", dtype=str)
    assert set(cust["marketing_consent"]) <= {"true", "false"}
    assert set(cust["churned"]) <= {"true", "false"}


@pytest.mark.parametrize("name", DEMOS)
def test_cxlab_yml_declares_scales_drivers_sensitive_consent_and_churn(name):
    config = yaml.safe_load((COMMITTED / name / "cxlab.yml").read_text(encoding="utf-8"))
    truth = planted_truth(name)
    assert config["client"] == truth.business
    assert config["scales"]["ces"] == {"min": 1, "max": 7, "direction": "higher_is_easier"}
    assert config["scales"]["items"] == {"min": 1, "max": 5}
    assert config["drivers"] == list(truth.drivers.weights)
    assert truth.unfair.attribute in config["sensitive"]
    assert truth.unfair.control in config["sensitive"]
    assert config["consent"] == "marketing_consent"
    if truth.churn.rule == "label":
        assert config["churn"] == {"label": "churned"}
    else:
        assert config["churn"] == {"inactive_days": truth.churn.inactive_days}


def test_restaurant_declares_its_ten_point_csat_scale():
    config = yaml.safe_load((COMMITTED / "restaurant" / "cxlab.yml").read_text(encoding="utf-8"))
    assert config["scales"]["csat"] == {"min": 1, "max": 10, "satisfied": 8}
    csat = generate("restaurant").tables["responses"]["csat"].dropna()
    assert csat.max() == 10 and csat.min() >= 1


def test_datasets_folder_is_under_ten_megabytes():
    size = sum(p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file())
    assert size < 10 * 2**20


# ------------------------------------------------------------------------------------------
# Contract shape
# ------------------------------------------------------------------------------------------


def test_tables_have_contract_columns_and_dtypes(demo):
    t = demo.tables
    assert t["customers"]["customer_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(t["customers"]["signup_date"])
    for table, col in (("transactions", "date"), ("responses", "date"), ("events", "timestamp")):
        assert pd.api.types.is_datetime64_any_dtype(t[table][col])
    assert t["transactions"]["amount"].dtype == np.float64
    for col in ("nps", "csat", "ces", *demo.truth.drivers.weights):
        assert t["responses"][col].dtype == "Int64"
    assert t["transactions"]["quantity"].dtype == "Int64"
    assert t["customers"]["marketing_consent"].dtype == bool
    assert t["customers"][demo.truth.unfair.column].dtype == bool


def test_all_dates_fall_in_the_two_year_period(demo):
    t = demo.tables
    for table, col in (("transactions", "date"), ("responses", "date"), ("events", "timestamp")):
        assert t[table][col].min() >= PERIOD[0]
        assert t[table][col].max() <= PERIOD[1]


def test_every_customer_reference_is_a_known_customer(demo):
    known = set(demo.tables["customers"]["customer_id"])
    for table in ("transactions", "responses", "events"):
        ids = demo.tables[table]["customer_id"].dropna()
        assert set(ids) <= known


def test_every_response_has_a_score_within_its_scale(demo):
    r = demo.tables["responses"]
    lo, hi, _ = _score_scale(demo)
    assert r[["nps", "csat", "ces"]].notna().any(axis=1).all()
    assert r["nps"].dropna().between(0, 10).all()
    assert r["csat"].dropna().between(lo, hi).all()
    assert r["ces"].dropna().between(1, 7).all()
    for item in demo.truth.drivers.weights:
        assert r[item].dropna().between(1, 5).all()
    assert r["response_id"].is_unique


def test_some_responses_are_anonymous_and_some_questions_are_skipped(demo):
    r = demo.tables["responses"]
    assert 0.03 < r["customer_id"].isna().mean() < 0.2
    relationship = r["nps"].notna() & r["touchpoint"].isna()  # the surveys that ask the items
    items = r.loc[relationship, list(demo.truth.drivers.weights)]
    assert 0.02 < items.isna().to_numpy().mean() < 0.2


def test_sizes_are_natural_for_the_demo(demo):
    n = len(demo.tables["customers"])
    assert 1_400 <= n <= 3_000
    assert 2_000 <= len(demo.tables["responses"]) <= 5_000
    assert 10_000 <= len(demo.tables["events"]) <= 40_000


def test_restaurant_has_many_small_visits_and_consulting_few_large_invoices():
    rest = generate("restaurant").tables["transactions"]
    cons = generate("consulting").tables["transactions"]
    assert len(rest) > 2 * len(cons)
    assert cons["amount"].median() > 20 * rest["amount"].median()


# ------------------------------------------------------------------------------------------
# 1. Segments
# ------------------------------------------------------------------------------------------


def test_true_segments_differ_in_spend_frequency_and_satisfaction(demo):
    df = _buyers_spend(demo).dropna(subset=["spend"])
    groups = [g for _, g in df.groupby("segment")]
    assert len(groups) == 3
    assert stats.kruskal(*[g["spend"] for g in groups]).pvalue < 1e-6
    assert stats.kruskal(*[g["orders"] for g in groups]).pvalue < 1e-3
    r = demo.tables["responses"].dropna(subset=["customer_id", "csat"])
    seg = demo.truth.customers["segment"]
    csat = r.assign(segment=r["customer_id"].map(seg)).groupby("segment")["csat"]
    assert stats.kruskal(*[g.astype(float) for _, g in csat]).pvalue < 1e-3


def test_true_segments_have_their_own_category_mix(demo):
    tx = demo.tables["transactions"]
    seg = tx["customer_id"].map(demo.truth.customers["segment"])
    table = pd.crosstab(seg, tx["category"])
    assert stats.chi2_contingency(table).pvalue < 1e-6


def test_observable_attribute_correlates_with_the_hidden_segment(demo):
    cust = demo.tables["customers"].set_index("customer_id")
    table = pd.crosstab(demo.truth.customers["segment"], cust[SEGMENT_PROXY[demo.name]])
    chi2 = stats.chi2_contingency(table).statistic
    cramers_v = np.sqrt(chi2 / (table.to_numpy().sum() * (min(table.shape) - 1)))
    assert cramers_v > 0.3


def test_true_segment_is_not_a_column_of_any_table(demo):
    for df in demo.tables.values():
        assert "segment" not in df.columns


# ------------------------------------------------------------------------------------------
# 2. Churn
# ------------------------------------------------------------------------------------------


def test_churned_customers_buy_nothing_after_their_churn_date(demo):
    tx = demo.tables["transactions"]
    churn_date = tx["customer_id"].map(demo.truth.customers["churn_date"])
    assert not (tx["date"] > churn_date).any()
    truth = demo.truth.customers
    assert truth.loc[truth["churned"], "churn_date"].notna().all()
    assert truth.loc[~truth["churned"], "churn_date"].isna().all()


def test_churn_rule_of_the_bundle_sees_every_planted_churner(demo):
    truth = demo.truth.customers
    churned = truth.index[truth["churned"]]
    assert 0.15 < truth.loc[truth["converted"], "churned"].mean() < 0.45
    if demo.truth.churn.rule == "label":
        label = demo.tables["customers"].set_index("customer_id")["churned"]
        assert label.equals(truth["churned"].rename("churned"))
        return
    last = demo.tables["transactions"].groupby("customer_id")["date"].max()
    idle = (PERIOD[1].normalize() - last.loc[churned]).dt.days
    assert (idle > demo.truth.churn.inactive_days).all()
    buyers = truth.index[truth["converted"] & ~truth["churned"]]
    false_alarms = (PERIOD[1].normalize() - last.loc[buyers]).dt.days > (
        demo.truth.churn.inactive_days
    )
    assert false_alarms.mean() < 0.1


def _churn_factors(demo) -> pd.DataFrame:
    truth = demo.truth.customers
    r = demo.tables["responses"].dropna(subset=["customer_id"])
    ev = demo.tables["events"]
    per = pd.DataFrame(
        {
            "csat": r.groupby("customer_id")["csat"].mean(),
            "ces": r.groupby("customer_id")["ces"].mean(),
            "support": ev[ev["touchpoint"] == "support"].groupby("customer_id").size(),
        }
    )
    df = truth.loc[truth["converted"], ["churned"]].join(per)
    df["support"] = df["support"].fillna(0)
    return df


def _rate_gap(flag: pd.Series, churned: pd.Series) -> tuple[float, float]:
    table = pd.crosstab(flag, churned)
    rate = table[True] / table.sum(axis=1)
    return float(rate[True] - rate[False]), float(stats.chi2_contingency(table).pvalue)


def test_churn_is_higher_after_low_csat(demo):
    df = _churn_factors(demo).dropna(subset=["csat"])
    gap, p = _rate_gap(df["csat"] < _score_scale(demo)[2], df["churned"])
    assert gap > 0.08 and p < 0.001


def test_churn_is_higher_after_high_effort(demo):
    df = _churn_factors(demo).dropna(subset=["ces"])
    gap, p = _rate_gap(df["ces"] < 4, df["churned"])
    assert gap > 0.05 and p < 0.01


def test_churn_is_higher_with_more_support_contacts(demo):
    df = _churn_factors(demo)
    gap, p = _rate_gap(df["support"] >= 2, df["churned"])
    assert gap > 0.1 and p < 0.001
    assert demo.truth.churn.coefficients["support"] > 0


def test_support_contacts_in_events_match_the_planted_counts(demo):
    ev = demo.tables["events"]
    counts = ev[ev["touchpoint"] == "support"].groupby("customer_id").size()
    planted = demo.truth.customers["support_contacts"]
    assert counts.reindex(planted.index, fill_value=0).equals(planted)


def test_saas_basic_plan_churns_more_than_enterprise():
    demo = generate("saas")
    cust = demo.tables["customers"]
    paying = cust[cust["plan"] != "trial"]
    rate = paying.groupby("plan")["churned"].mean()
    assert rate["basic"] > rate["pro"] > rate["enterprise"]
    assert not cust.loc[cust["plan"] == "trial", "churned"].any()


# ------------------------------------------------------------------------------------------
# 3. Pain point
# ------------------------------------------------------------------------------------------


def test_pain_point_has_the_lowest_csat_and_worst_ces_with_separated_intervals(demo):
    r = demo.tables["responses"].dropna(subset=["touchpoint"])
    pain = demo.truth.pain_point
    for score in ("csat", "ces"):
        g = r.dropna(subset=[score]).groupby("touchpoint")[score]
        mean = g.mean()
        half = 1.96 * g.std() / np.sqrt(g.count())
        assert mean.idxmin() == pain
        others = mean.drop(pain)
        assert (mean[pain] + half[pain] < others - half.drop(pain)).all(), score
        assert g.count()[pain] >= 100


def test_pain_point_has_the_lowest_touchpoint_nps(demo):
    r = demo.tables["responses"].dropna(subset=["touchpoint", "nps"])
    pain = demo.truth.pain_point
    counts = r.groupby("touchpoint")["nps"].count()
    assert set(counts.index) == set(demo.truth.touchpoints.index)
    assert (counts >= 30).all()
    score = r.groupby("touchpoint")["nps"].agg(lambda x: 100 * ((x >= 9).mean() - (x <= 6).mean()))
    assert score.idxmin() == pain
    assert score[pain] < score.drop(pain).min() - 20
    assert demo.truth.touchpoints["nps_shift"].idxmin() == pain


# ------------------------------------------------------------------------------------------
# 4. Comments
# ------------------------------------------------------------------------------------------


def test_comment_sentiment_rises_with_csat_and_nps(demo, vader):
    r = demo.tables["responses"].dropna(subset=["comment"])
    compound = r["comment"].map(lambda text: vader.polarity_scores(text)["compound"])
    for score in ("csat", "nps"):
        has = r[score].notna()
        rho = stats.spearmanr(compound[has], r.loc[has, score].astype(float)).statistic
        assert rho > 0.5, (score, rho)


def test_comments_are_varied_and_on_a_share_of_responses(demo):
    comments = demo.tables["responses"]["comment"]
    assert 0.3 < comments.notna().mean() < 0.5
    text = comments.dropna()
    assert text.nunique() / len(text) > 0.8
    assert (text.str.lower() == text).mean() > 0.05  # some typed all in lower case


@pytest.mark.parametrize("phrase", sorted(NEGATION_PHRASES))
def test_negation_phrases_are_read_with_their_intended_polarity(phrase, vader):
    compound = vader.polarity_scores(phrase)["compound"]
    assert np.sign(compound) == NEGATION_PHRASES[phrase] and abs(compound) >= 0.05


def test_negations_occur_in_the_comments():
    text = " ".join(generate("clothing_retailer").tables["responses"]["comment"].dropna()).lower()
    for phrase in ("no problems at all", "not happy with", "wasn't hard", "never again"):
        assert phrase in text


# ------------------------------------------------------------------------------------------
# 5. Seasonality
# ------------------------------------------------------------------------------------------


def _monthly(demo) -> pd.DataFrame:
    if demo.truth.seasonality.measure == "signups":
        dates = demo.tables["customers"]["signup_date"]
        dates = dates[dates >= PERIOD[0]]
    else:
        dates = demo.tables["transactions"]["date"]
    return dates.groupby([dates.dt.year, dates.dt.month]).size().unstack(fill_value=0)


def test_planted_peak_months_are_the_busiest_each_year(demo):
    monthly = _monthly(demo)
    peaks = list(demo.truth.seasonality.peak_months)
    for _, row in monthly.iterrows():
        top = row.sort_values(ascending=False).index[: len(peaks)]
        assert sorted(top) == sorted(peaks), row.to_dict()


def test_retailer_has_a_july_summer_sale():
    monthly = _monthly(generate("clothing_retailer"))
    assert (monthly[7] > monthly[6] * 1.2).all() and (monthly[7] > monthly[8] * 1.2).all()


def test_restaurant_is_busier_in_summer_than_in_spring_or_autumn():
    monthly = _monthly(generate("restaurant"))
    summer = monthly[[6, 7, 8]].mean(axis=1)
    assert (summer > monthly[[3, 4, 5]].mean(axis=1)).all()
    assert (summer > monthly[[9, 10, 11]].mean(axis=1)).all()


def test_saas_first_invoices_peak_in_january():
    tx = generate("saas").tables["transactions"]
    cust = generate("saas").tables["customers"].set_index("customer_id")
    new = cust.index[cust["signup_date"] >= PERIOD[0]]
    first = tx[tx["customer_id"].isin(new)].groupby("customer_id")["date"].min()
    per_month = first.groupby([first.dt.year, first.dt.month]).size().unstack(fill_value=0)
    assert (per_month.idxmax(axis=1) == 1).all()


# ------------------------------------------------------------------------------------------
# 6. Unfair outcome
# ------------------------------------------------------------------------------------------


def _stratified_gap(df: pd.DataFrame, outcome: str, attribute: str, group: str) -> float:
    """Difference in outcome rate, group minus others, averaged over spend deciles."""
    diffs, weights = [], []
    for _, part in df.groupby("decile"):
        inside = part.loc[part[attribute] == group, outcome]
        outside = part.loc[part[attribute] != group, outcome]
        if len(inside) and len(outside):
            diffs.append(inside.mean() - outside.mean())
            weights.append(len(part))
    return float(np.average(diffs, weights=weights))


def _offer_frame(demo) -> pd.DataFrame:
    df = _buyers_spend(demo)
    df = df[df["converted"] & (df["spend"] > 0)].copy()
    df["decile"] = pd.qcut(df["spend"].rank(method="first"), 10, labels=False)
    return df


def test_unfair_offer_is_given_less_to_the_planted_group_at_equal_spend(demo):
    u = demo.truth.unfair
    df = _offer_frame(demo)
    assert _stratified_gap(df, u.column, u.attribute, u.group) < -0.12
    assert u.odds_ratio < 0.5
    assert u.rate_group < u.rate_others


def test_no_offer_gap_for_the_control_attribute(demo):
    u = demo.truth.unfair
    df = _offer_frame(demo)
    counts = df[u.control].value_counts()
    for value in counts.index[counts >= 150]:
        assert abs(_stratified_gap(df, u.column, u.control, value)) < 0.08, value


# ------------------------------------------------------------------------------------------
# 7. PII
# ------------------------------------------------------------------------------------------


def test_pii_in_comments_is_exactly_the_listed_strings(demo):
    r = demo.tables["responses"].dropna(subset=["comment"]).set_index("response_id")["comment"]
    listed = {(p.response_id, p.text) for p in demo.truth.pii}
    assert 4 <= len(listed) <= 8
    for response_id, text in listed:
        assert text in r[response_id]
    found = set()
    for response_id, comment in r.items():
        found |= {(response_id, m.group(0)) for m in EMAIL.finditer(comment)}
        found |= {(response_id, m.group(0).strip()) for m in PHONE.finditer(comment)}
    assert found == listed


def test_pii_uses_reserved_example_domains_and_fictional_numbers(demo):
    for p in demo.truth.pii:
        if p.kind == "email":
            assert re.search(r"@example\.(com|org|net)$", p.text)
        else:
            assert re.fullmatch(r"07700 900\d{3}|01632 960\d{3}|\(\d{3}\) 555-01\d\d", p.text)


# ------------------------------------------------------------------------------------------
# 8. Journey
# ------------------------------------------------------------------------------------------


def test_events_are_clean_and_ordered_within_each_customer(demo):
    ev = demo.tables["events"]
    assert not ev.duplicated().any()
    assert set(ev["stage"]) == set(STAGES)
    same = ev["customer_id"].eq(ev["customer_id"].shift())
    assert (ev["timestamp"].diff()[same] > pd.Timedelta(0)).all()


def test_first_event_of_each_stage_follows_the_stage_order(demo):
    ev = demo.tables["events"]
    first = ev.groupby(["customer_id", "stage"])["timestamp"].min().unstack()[list(STAGES)]
    for earlier, later in itertools.pairwise(STAGES):
        both = first[[earlier, later]].dropna()
        assert (both[earlier] < both[later]).all(), (earlier, later)


def test_funnel_drops_from_stage_to_stage(demo):
    cust = demo.tables["customers"]
    new = set(cust.loc[cust["signup_date"] >= PERIOD[0], "customer_id"])
    ev = demo.tables["events"]
    reach = ev[ev["customer_id"].isin(new)].groupby("stage")["customer_id"].nunique()
    share = (reach / len(new))[list(STAGES)]
    assert share["awareness"] == 1.0
    assert (share.diff().dropna() <= 0).all()
    assert share["loyalty"] < 0.6 * share["purchase"]


def test_every_stage_has_events_in_every_month_including_the_last(demo):
    ev = demo.tables["events"]
    months = ev["timestamp"].dt.to_period("M")
    table = pd.crosstab(months, ev["stage"])
    assert len(table) == 24
    last = table.iloc[-1]
    assert (last > 0).all(), last
    # The last month holds at least a third of the stage's typical month, not a cut-off.
    assert (last >= table.iloc[:-1].median() / 3).all(), last / table.iloc[:-1].median()


def test_loyalty_moments_are_not_crowded_into_the_last_months(demo):
    ev = demo.tables["events"]
    loyalty = ev[ev["stage"] == "loyalty"]
    per_month = loyalty.groupby(loyalty["timestamp"].dt.to_period("M")).size()
    assert per_month.iloc[-1] < 1.5 * per_month.iloc[-4:-1].mean()


# ------------------------------------------------------------------------------------------
# 9. Drivers
# ------------------------------------------------------------------------------------------


def test_ols_of_nps_on_the_items_recovers_the_planted_ranking(demo):
    items = list(demo.truth.drivers.weights)
    df = demo.tables["responses"].dropna(subset=["nps", *items]).astype({"nps": float})
    x = np.column_stack([np.ones(len(df)), df[items].to_numpy(dtype=float)])
    beta = np.linalg.lstsq(x, df["nps"].to_numpy(), rcond=None)[0][1:]
    recovered = tuple(np.asarray(items)[np.argsort(-beta)])
    assert recovered == demo.truth.drivers.ranking


# ------------------------------------------------------------------------------------------
# NPS samples and co-purchases
# ------------------------------------------------------------------------------------------


def test_every_quarter_has_at_least_30_nps_answers(demo):
    r = demo.tables["responses"].dropna(subset=["nps"])
    per_quarter = r.groupby(r["date"].dt.to_period("Q")).size()
    assert len(per_quarter) == 8
    assert (per_quarter >= 30).all(), per_quarter


def test_relationship_answers_fall_in_the_quarter_of_their_wave(demo):
    r = demo.tables["responses"]
    rel = r[r["nps"].notna() & r["touchpoint"].isna()]
    waves = pd.Series(demo.truth.nps_waves)
    assert len(waves) == 8
    assert (waves.dt.to_period("Q").value_counts() == 1).all()
    wave_of = waves.searchsorted(rel["date"], side="right") - 1
    assert (wave_of >= 0).all()
    lag = rel["date"].to_numpy() - waves.to_numpy()[wave_of]
    assert (lag <= np.timedelta64(30, "D")).all()
    quarter_of_wave = waves.dt.to_period("Q").to_numpy()[wave_of]
    assert (rel["date"].dt.to_period("Q").to_numpy() == quarter_of_wave).all()


def _order_lift(tx: pd.DataFrame, a: str, b: str) -> float:
    """Lift of ``a`` and ``b`` in one order: P(both) / (P(a)·P(b)) over orders with a sale."""
    sales = tx[tx["amount"] > 0]
    baskets = sales.groupby("order_id")["category"].agg(set)
    has_a = baskets.map(lambda s: a in s)
    has_b = baskets.map(lambda s: b in s)
    return (has_a & has_b).mean() / (has_a.mean() * has_b.mean())


def test_planted_affinity_is_the_strongest_pair_bought_together():
    demo = generate("clothing_retailer")
    (pair,) = demo.truth.affinities
    tx = demo.tables["transactions"]
    planted = _order_lift(tx, pair.antecedent, pair.consequent)
    assert planted > 1.5
    categories = sorted(set(tx["category"]))
    others = [
        _order_lift(tx, a, b)
        for a, b in itertools.combinations(categories, 2)
        if {a, b} != {pair.antecedent, pair.consequent}
    ]
    assert planted > max(others) + 0.5


# ------------------------------------------------------------------------------------------
# Invariants at other seeds and sizes
# ------------------------------------------------------------------------------------------


@settings(
    max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    name=st.sampled_from(DEMOS),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(100, 400),
)
def test_invariants_hold_for_any_seed_and_size(name, seed, n):
    demo = generate(name, seed=seed, n_customers=n)
    t, truth = demo.tables, demo.truth.customers
    assert len(t["customers"]) == n == len(truth)
    assert t["customers"]["customer_id"].is_unique
    churn_date = t["transactions"]["customer_id"].map(truth["churn_date"])
    assert not (t["transactions"]["date"] > churn_date).any()
    assert t["transactions"]["date"].between(*PERIOD).all()
    assert t["responses"][["nps", "csat", "ces"]].notna().any(axis=1).all()
    never = truth.index[~truth["converted"]]
    assert not t["transactions"]["customer_id"].isin(never).any()


# ------------------------------------------------------------------------------------------
# Where the demos live
# ------------------------------------------------------------------------------------------


def test_demo_path_is_the_committed_folder_in_a_source_tree(monkeypatch):
    monkeypatch.delenv("CXLAB_DATASETS", raising=False)
    assert demo_path("saas") == COMMITTED / "saas"


def test_demo_path_follows_the_environment_variable(monkeypatch, tmp_path):
    write_demo("consulting", tmp_path / "consulting", n_customers=150)
    monkeypatch.setenv("CXLAB_DATASETS", str(tmp_path))
    assert demo_path("consulting") == tmp_path / "consulting"
    with pytest.raises(FileNotFoundError, match="CXLAB_DATASETS"):
        demo_path("saas")


def test_demo_path_falls_back_to_a_cache_with_the_same_bytes(monkeypatch, tmp_path):
    monkeypatch.delenv("CXLAB_DATASETS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(datasets, "repository_datasets", lambda: None)
    folder = demo_path("consulting")
    assert folder.is_relative_to(tmp_path)
    for path in folder.iterdir():
        assert path.read_bytes() == (COMMITTED / "consulting" / path.name).read_bytes()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert demo_path("consulting") == folder  # second call reuses the cache


@pytest.mark.parametrize("name", DEMOS)
def test_load_demo_passes_the_contract_with_no_errors(name):
    bundle = datasets.load_demo(name)
    assert bundle.report is None or bundle.report.ok, bundle.report
    assert set(bundle.tables) == {
        "customers",
        "transactions",
        "responses",
        "events",
        "reviews",
        "costs",
    }
    assert len(bundle.customers) == len(generate(name).tables["customers"])
