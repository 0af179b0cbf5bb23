"""Tests of cxlab.churn: labels, leak-free features, the model, evaluation, survival, targeting."""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
import pandas as pd
import pytest
from realshaped import customers_only
from sklearn.model_selection import cross_val_score

import cxlab
import cxlab.datasets
from cxlab import churn
from cxlab.errors import DataError

DEMOS = ("clothing_retailer", "saas", "restaurant", "consulting")


@pytest.fixture(scope="module")
def retailer():
    return cxlab.datasets.load_demo("clothing_retailer")


def _raw(n=200, seed=0):
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "pro", "team"], n)
    charges = rng.uniform(20, 100, n)
    churned = rng.random(n) < np.where(plan == "basic", 0.6, 0.15)
    return pd.DataFrame(
        {
            "plan": plan,
            "charges": [f"{v:,.2f}" if i % 9 else " " for i, v in enumerate(charges)],
            "paperless": rng.choice(["Yes", "No"], n),
            "seats": pd.array(rng.integers(1, 20, n), dtype="Int64"),
        }
    ), churned


# --- labels and windows -----------------------------------------------------------------------


def test_inactivity_labels_follow_the_rule_by_hand(retailer):
    y = churn.churn_labels(retailer)
    w = y.attrs["windows"]
    tx = retailer.transactions[retailer.transactions["amount"] > 0]
    day = tx["date"].dt.normalize()
    assert w.cutoff == day.max() - pd.Timedelta(days=180)
    before = set(tx.loc[day <= w.cutoff, "customer_id"])
    after = set(tx.loc[day > w.cutoff, "customer_id"])
    assert set(y.index) == before
    assert set(y[y].index) == before - after


def test_label_rule_uses_the_column(tmp_path):
    b = cxlab.load_bundle(customers_only(tmp_path))
    y = churn.churn_labels(b)
    raw = pd.read_csv(tmp_path / "customers_only" / "customers.csv")
    assert int(y.sum()) == int((raw["Churn"] == "Yes").sum())
    assert y.attrs["windows"].rule == "label"


def test_features_ignore_every_row_after_the_cutoff(retailer):
    y = churn.churn_labels(retailer)
    cut = y.attrs["windows"].cutoff
    honest = churn.churn_features(retailer, labels=y)
    tx, r, ev = (t.copy() for t in (retailer.transactions, retailer.responses, retailer.events))
    late = tx["date"].dt.normalize() > cut
    tx.loc[late, "amount"] = 9999.0
    tx.loc[late, "customer_id"] = tx["customer_id"].iloc[0]
    r.loc[r["date"].dt.normalize() > cut, ["csat", "ces", "nps"]] = 1
    ev.loc[ev["timestamp"].dt.normalize() > cut, "touchpoint"] = "support"
    assert late.any()
    changed = dataclasses.replace(retailer, transactions=tx, responses=r, events=ev)
    again = churn.churn_features(changed, cutoff=cut, labels=y)
    pd.testing.assert_frame_equal(honest, again)
    # ...while the leaky variant does see them
    leak = churn.leaky_features(changed, y)
    assert not leak["orders_to_end"].equals(churn.leaky_features(retailer, y)["orders_to_end"])


def test_features_leave_out_label_consent_and_sensitive_columns():
    b = cxlab.datasets.load_demo("saas")
    X = churn.churn_features(b)
    for col in ("churned", "marketing_consent", "owner_gender", "region", "customer_id"):
        assert col not in X
    # a label carries no date: no transaction counts, which would restate the cancellation
    assert "orders" not in X and "recency_days" not in X


def test_inactivity_rule_without_transactions_says_what_to_add(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    pd.DataFrame({"customer_id": ["a", "b"], "plan": ["x", "y"]}).to_csv(
        folder / "customers.csv", index=False
    )
    b = cxlab.load_bundle(folder)
    with pytest.raises(DataError, match="transactions") as err:
        churn.churn_labels(b)
    assert "label" in err.value.problem.hint


# --- the model ------------------------------------------------------------------------------


def test_coerce_column_reads_text_numbers_blanks_and_yes_no():
    assert churn.coerce_column(pd.Series(["1,234.5", "", " 7 "])).tolist()[::2] == [1234.5, 7.0]
    assert np.isnan(churn.coerce_column(pd.Series(["1,234.5", "", " 7 "]))[1])
    assert churn.coerce_column(pd.Series(["Yes", "No", "yes"])).tolist() == [1.0, 0.0, 1.0]
    out = churn.coerce_column(pd.Series(["<img src=x onerror=alert(1)>", "pro"]))
    assert not pd.api.types.is_numeric_dtype(out.dtype)
    assert out.tolist() == ["<img src=x onerror=alert(1)>", "pro"]


def test_model_fits_a_raw_frame_and_learns_the_planted_plan():
    X, y = _raw(400)
    m = churn.ChurnModel(random_state=0).fit(X, y)
    p = m.predict_proba(X)[:, 1]
    basic = (X["plan"] == "basic").to_numpy()
    # planted: 60 % churn on basic, 15 % otherwise
    assert 0.45 < p[basic].mean() < 0.75 and 0.05 < p[~basic].mean() < 0.3
    coef = m.coefficients()
    assert coef.loc[coef["feature"].str.contains("plan_basic"), "coefficient"].iloc[0] > 0


def test_model_works_in_cross_val_score():
    X, y = _raw(300)
    for kind in churn.KINDS:
        s = cross_val_score(churn.ChurnModel(kind, random_state=0), X, y, cv=3, scoring="roc_auc")
        assert s.mean() > 0.6


def test_model_is_deterministic_for_a_random_state():
    X, y = _raw(200)
    a = churn.ChurnModel("boosting", random_state=3).fit(X, y).predict_proba(X)
    b = churn.ChurnModel("boosting", random_state=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_one_class_gives_a_clear_error():
    X, _ = _raw(50)
    with pytest.raises(DataError, match="one class only") as err:
        churn.ChurnModel().fit(X, np.zeros(50, dtype=bool))
    assert err.value.problem.column == "churned" and err.value.problem.hint


def test_too_few_churners_gives_a_clear_error():
    X, _ = _raw(60)
    y = np.zeros(60, dtype=bool)
    y[:4] = True
    with pytest.raises(DataError, match="Only 4 customers") as err:
        churn.ChurnModel().fit(X, y)
    assert "at least 10" in str(err.value)


def test_unknown_categories_and_blanks_at_predict_time_are_handled():
    X, y = _raw(200)
    m = churn.ChurnModel().fit(X, y)
    new = X.head(3).assign(plan=["enterprise", None, "basic"], charges=["", "n/a", "30"])
    assert m.predict_proba(new).shape == (3, 2)


# --- evaluation -------------------------------------------------------------------------------


def test_auc_known_answer_by_hand():
    # positives 0.35, 0.8 against negatives 0.1, 0.4: pairs won 1 + 0 + 1 + 1 = 3 of 4
    assert churn.auc_interval([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], n_boot=0)["value"] == 0.75
    # a tie counts one half
    assert churn.auc_interval([0, 1], [0.5, 0.5], n_boot=0)["value"] == 0.5


def test_auc_interval_contains_the_estimate():
    rng = np.random.default_rng(1)
    y = rng.random(300) < 0.3
    s = y + rng.normal(0, 1, 300)
    r = churn.auc_interval(y, s, n_boot=300)
    assert r["low"] < r["value"] < r["high"] and r["n"] == 300


def test_gains_table_by_hand():
    t = churn.gains_table([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], bins=2)
    # top half holds one of two churners: rate 0.5, lift 1, gain 0.5
    assert t["churn_rate"].tolist() == [0.5, 0.5]
    assert t["gain"].tolist() == [0.5, 1.0]


def test_evaluate_reports_baselines_and_time_split():
    X, y = _raw(300)
    time = pd.Series(pd.date_range("2024-01-01", periods=300, freq="D"))
    ev = churn.evaluate(churn.ChurnModel(), X, pd.Series(y), time=time, n_boot=100)
    m = ev.metrics.set_index("metric")
    rate = ev.labels.mean()
    assert ev.split == "time" and len(ev.scores) == 250  # the first block is never tested
    assert m.loc["PR-AUC", "baseline"] == pytest.approx(rate)
    assert m.loc["Brier score", "baseline"] == pytest.approx(rate * (1 - rate))
    assert m.loc["ROC-AUC", "model"] > 0.6


# --- survival -------------------------------------------------------------------------------


def test_kaplan_meier_by_hand():
    d = pd.DataFrame({"duration": [1, 2, 3, 4], "churned": [True, False, True, False]})
    km = churn.kaplan_meier(d, min_n=1)
    # S(1) = 3/4; S(3) = 3/4 × (1 - 1/2) = 3/8
    assert km["survival"].tolist() == [0.75, 0.375]
    assert (km["low"] <= km["survival"]).all() and (km["survival"] <= km["high"]).all()


def test_logrank_finds_the_planted_contract_difference(tmp_path):
    b = cxlab.load_bundle(customers_only(tmp_path))
    y = churn.churn_labels(b)
    data = churn.survival_data(b, y)
    plan = b.customers.set_index("customer_id")["plan"]
    test = churn.logrank(data, plan)
    assert test["groups"] == 3 and test["p_value"] < 0.001


# --- targeting ------------------------------------------------------------------------------


def test_targeting_by_hand():
    risk = pd.Series([0.8, 0.1, 0.5, 0.05], index=["a", "b", "c", "d"])
    value = pd.Series([100.0, 1000.0, 20.0, 10.0], index=list("abcd"))
    t = churn.targeting(risk, value, save_rate=0.5, contact_cost=4)
    # b: 0.1·1000·0.5−4 = 46; a: 0.8·100·0.5−4 = 36; c: 0.5·20·0.5−4 = 1; d: −3.75 left out
    assert t["customer_id"].tolist() == ["b", "a", "c"]
    assert t["expected_saved"].tolist() == [46.0, 36.0, 1.0]
    assert churn.targeting(risk, value, save_rate=0.5, contact_cost=4, budget=8)["rank"].max() == 2


def test_contact_list_is_safe_in_spreadsheets_and_holds_no_text():
    ids = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tX", "\rY", "C7"]
    risk = pd.Series(0.9, index=ids)
    t = churn.targeting(risk, pd.Series(1000.0, index=ids), save_rate=0.5, contact_cost=1)
    text = churn.contact_list_csv(t, currency="EUR")
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell.startswith(churn.FORMULA_START), cell
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert header == [
        "customer_id",
        "rank",
        "churn_risk_percent",
        "value (EUR)",
        "expected_saved (EUR)",
    ]


def test_contact_list_from_a_demo_has_no_comment_or_contact_details(tmp_path):
    b = cxlab.datasets.load_demo("saas")
    risk = churn.scores(b)
    t = churn.targeting(risk, churn.customer_value(b), save_rate=0.3, contact_cost=5)
    path = tmp_path / "list.csv"
    text = churn.contact_list_csv(t, path)
    assert path.read_text(encoding="utf-8") == text
    assert "@" not in text and "comment" not in text
    for pii in cxlab.datasets.planted_truth("saas").pii:
        assert pii.text not in text


# --- scores() ---------------------------------------------------------------------------------


def test_scores_signature_and_population_for_a_label():
    b = cxlab.datasets.load_demo("saas")
    risk = churn.scores(b, random_state=0)
    assert risk.name == "churn_risk" and risk.index.name == "customer_id"
    churned = b.customers.set_index("customer_id")["churned"].astype(bool)
    assert set(risk.index) == set(churned[~churned].index)
    assert risk.between(0, 1).all()


def test_scores_for_inactivity_cover_the_customers_still_active(retailer):
    risk = churn.scores(retailer)
    tx = retailer.transactions[retailer.transactions["amount"] > 0]
    active = tx.loc[
        tx["date"].dt.normalize() > tx["date"].max().normalize() - pd.Timedelta(days=180),
        "customer_id",
    ]
    assert set(risk.index) == set(active)


def test_scores_on_a_bundle_that_cannot_support_a_model(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(30)],
            "plan": ["x", "y"] * 15,
            "left": ["no"] * 27 + ["yes"] * 3,
        }
    ).to_csv(folder / "customers.csv", index=False)
    (folder / "cxlab.yml").write_text("churn: {label: left}\n", encoding="utf-8")
    with pytest.raises(DataError, match="Only 3 customers"):
        churn.scores(cxlab.load_bundle(folder))


# --- survey meets behaviour ------------------------------------------------------------------


def test_survey_effect_says_plainly_when_a_score_does_not_predict():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"csat_mean": rng.integers(1, 6, 400).astype(float)})
    y = pd.Series(rng.random(400) < 0.3)
    effect = churn.survey_effect(X, y, score="csat_mean", n_boot=200)
    assert effect["predicts"] is False
    f = churn.survey_finding(effect, label="CSAT")
    assert "does not predict churn" in f.text and not f.supported


def test_findings_escape_client_text():
    y = pd.Series([True, False] * 20, index=[f"c{i}" for i in range(40)])
    y.attrs["windows"] = churn.Windows(
        "label", None, None, None, None, "<img src=x onerror=alert(1)>"
    )
    md = churn.labels_finding(y).to_markdown()
    assert "<img" not in md and "&#60;img" in md


def test_skipped_finding_states_the_reason():
    f = churn.skipped_finding("survival", "no tenure column.")
    assert not f.supported and f.text == "Survival curves are skipped: no tenure column"


@pytest.mark.parametrize("kind", ["logistic", "boosting"])
def test_drivers_importance_is_sklearns_permutation_importance_on_the_raw_table(kind):
    # drivers cleans the table once and shuffles the clean columns; shuffling the raw ones, as
    # scikit-learn does with the model itself, must give the same numbers
    from sklearn.inspection import permutation_importance

    X, y = _raw(300, seed=3)
    X["signup"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(300) % 97, unit="D")
    model = churn.ChurnModel(kind, random_state=1).fit(X, y)
    table = churn.drivers(model, X, y, n_repeats=4, random_state=5)
    raw = permutation_importance(
        model, X, y.astype(int), scoring="roc_auc", n_repeats=4, random_state=5
    )
    expected = pd.Series(raw.importances_mean, index=list(X.columns))
    got = table["importance"].reindex(expected.index)
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    spread = table["importance_sd"].reindex(expected.index).to_numpy()
    np.testing.assert_array_equal(spread, raw.importances_std)
    assert expected.abs().max() > 0  # the planted plan effect is seen, so the check means something


def test_boosting_keeps_no_coefficient_pipeline_and_says_it_has_no_coefficients():
    X, y = _raw()
    model = churn.ChurnModel("boosting").fit(X, y)
    assert model.pipeline_ is None
    with pytest.raises(ValueError, match="Only the logistic model has coefficients"):
        model.coefficients()
