"""cxlab.ethics: privacy, consent, minimisation, response styles and the audit record."""

import math
import pathlib

import numpy as np
import pandas as pd
import pytest

from cxlab import datasets, ethics
from cxlab.contract import Bundle, BundleConfig
from cxlab.errors import DataError
from cxlab.findings import md

# -- PII scan ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", datasets.DEMOS)
def test_scan_finds_every_planted_detail_and_nothing_else(name):
    bundle = datasets.load_demo(name)
    truth = datasets.planted_truth(name).pii
    found = ethics.pii_scan(bundle.responses)
    rows = bundle.responses.loc[found["row"], "response_id"]
    assert sorted(rows) == sorted(p.response_id for p in truth)
    assert sorted(found["kind"]) == sorted(p.kind for p in truth)
    for table, df in bundle.tables.items():
        if table != "responses":
            assert ethics.pii_scan(df).empty, table


def test_scan_never_returns_the_detail_itself():
    t = pd.DataFrame({"note": ["mail jo.bloggs@example.com", "ring 07700 900123"]})
    found = ethics.pii_scan(t)
    assert found["masked"].tolist() == ["j***@***.com", "0**** ****23"]
    assert not any("bloggs" in m or "900123" in m for m in found["masked"])


def test_scan_on_clean_text_finds_nothing():
    clean = pd.Series(
        [
            "Delivered on 03.02.2024, order no. 00123456789, paid £45.99",
            "Called support at 10:30, waited 15 minutes",
            "Lovely staff, 5 stars, table for 4 at 7pm",
            "Invoice: 0123-4567-89 was wrong",
        ]
    )
    assert ethics.pii_scan(clean.to_frame("comment")).empty


def test_scan_names_a_missing_column():
    with pytest.raises(KeyError, match="no column 'coment'"):
        ethics.pii_scan(pd.DataFrame({"comment": ["x"]}), columns=["coment"])


def test_redaction_leaves_nothing_the_scan_can_find():
    bundle = datasets.load_demo("restaurant")
    cleaned = bundle.responses.assign(comment=ethics.redact(bundle.responses["comment"]))
    assert ethics.pii_scan(cleaned).empty
    for p in datasets.planted_truth("restaurant").pii:
        assert not cleaned["comment"].str.contains(p.text, regex=False).any()


# -- identifiers and k-anonymity --------------------------------------------------------------


def test_identifier_roles_by_name_and_content():
    t = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "contact": ["a@example.org", "b@example.org", "c@example.org"],
            "postcode": ["AB1", "AB2", "AB1"],
            "notes": ["fine", "call 07700 900123", "ok"],
            "spend": [1.0, 2.0, 3.0],
        }
    )
    roles = ethics.identifier_roles(t).set_index("column")["role"]
    assert roles.to_dict() == {
        "customer_id": "direct identifier",
        "contact": "direct identifier",  # every cell holds an address
        "postcode": "quasi-identifier",
        "notes": "free text with personal data",
        "spend": "other",
    }


def test_k_anonymity_known_answer():
    # groups over (age, region): (30s, N) x3, (40s, S) x2, (50s, N) x1
    t = pd.DataFrame(
        {
            "age": ["30s", "30s", "30s", "40s", "40s", "50s"],
            "region": ["N", "N", "N", "S", "S", "N"],
            "plan": ["a", "a", "b", "c", "c", "a"],
        }
    )
    r = ethics.k_anonymity(t, quasi_identifiers=["age", "region"], sensitive="plan")
    assert r.k == 1
    assert r.l == 1
    assert r.groups["n"].tolist() == [1, 2, 3]
    assert r.smallest(1)[["age", "region"]].values.tolist() == [["50s", "N"]]
    assert r.groups.set_index("age")["distinct"].to_dict() == {"50s": 1, "40s": 1, "30s": 2}
    assert r.at_risk(5) == 6
    assert r.at_risk(3) == 3


def test_k_anonymity_treats_blanks_as_a_value():
    t = pd.DataFrame({"age": ["30s", None, None, "30s"]})
    assert ethics.k_anonymity(t, quasi_identifiers=["age"]).k == 2


def test_k_anonymity_names_the_missing_column():
    with pytest.raises(DataError, match="no column 'regoin'"):
        ethics.k_anonymity(pd.DataFrame({"region": ["N"]}), quasi_identifiers=["regoin"])


def test_small_cells_are_suppressed():
    t = pd.DataFrame({"n": [4, 5, 0], "rate": [0.5, 0.2, np.nan]})
    out = ethics.suppress_small_cells(t)
    assert math.isnan(out.loc[0, "rate"])
    assert out.loc[1, "rate"] == 0.2
    assert out["suppressed"].tolist() == [True, False, True]
    counts = ethics.suppress_small_cells(pd.DataFrame({"a": [0, 1, 4, 5]}), count=None)
    assert counts["a"].tolist()[0] == 0 and counts["a"].tolist()[3] == 5
    assert counts["a"].isna().tolist() == [False, True, True, False]


def test_pseudonyms_are_keyed_hmac_sha256():
    import hashlib
    import hmac

    key = "k" * 32
    expected = hmac.new(key.encode(), b"C00001", hashlib.sha256).hexdigest()[:16]
    assert ethics.pseudonymise("C00001", key=key) == expected
    other = ethics.pseudonymise("C00001", key="z" * 32)
    assert other != expected
    s = ethics.pseudonymise(pd.Series(["C1", None, "C1"]), key=key)
    assert s[0] == s[2] and pd.isna(s[1])


@pytest.mark.parametrize("key", [None, "", "short"])
def test_pseudonymise_refuses_a_missing_or_weak_key(key):
    with pytest.raises((TypeError, ValueError), match="key"):
        ethics.pseudonymise("C1", key=key)


# -- consent ----------------------------------------------------------------------------------


def _bundle(customers, **config):
    return Bundle(pathlib.Path("test"), BundleConfig(**config), customers=customers)


def test_consent_needs_an_explicit_yes():
    c = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "ok": ["yes", "no", None, "maybe"]})
    ok = ethics.consenting(_bundle(c, consent="ok"))
    assert ok.to_dict() == {"a": True, "b": False, "c": False, "d": False}
    assert ok.index.name == "customer_id"


def test_consent_without_a_declared_column_is_reported():
    c = pd.DataFrame({"customer_id": ["a", "b"]})
    ok = ethics.consenting(_bundle(c))
    assert ok.all() and ok.attrs["declared"] is False
    e = ethics.consent_effect(_bundle(c))
    record = ethics.audit_record(consent=(e, False, None))
    assert record.counts() == {"high": 1, "medium": 0, "low": 0}


def test_consent_column_that_is_not_there_is_named():
    c = pd.DataFrame({"customer_id": ["a"]})
    with pytest.raises(DataError, match="'agreed'"):
        ethics.consenting(_bundle(c, consent="agreed"))


def test_consent_effect_counts_rows_of_refusers():
    c = pd.DataFrame({"customer_id": ["a", "b"], "ok": [True, False]})
    tx = pd.DataFrame({"customer_id": ["a", "b", "b", None], "amount": [1.0, 2.0, 3.0, 4.0]})
    b = Bundle(pathlib.Path("t"), BundleConfig(consent="ok"), customers=c, transactions=tx)
    e = ethics.consent_effect(b)
    assert e.loc["customers"].tolist() == [2, 1, 1, 0.5]
    assert e.loc["transactions", "rows_left_out"] == 2


@pytest.mark.parametrize("name", datasets.DEMOS)
def test_consent_matches_the_demo_column(name):
    bundle = datasets.load_demo(name)
    ok = ethics.consenting(bundle)
    raw = bundle.customers.set_index("customer_id")["marketing_consent"]
    assert int(ok.sum()) == int((raw == True).sum())  # noqa: E712


# -- minimisation -----------------------------------------------------------------------------


def test_column_usage_flags_columns_no_chapter_reads():
    b = datasets.load_demo("clothing_retailer")
    extra = b.customers.assign(favourite_colour="blue")
    b = Bundle(b.path, b.config, customers=extra, transactions=b.transactions)
    u = ethics.column_usage(b).set_index(["table", "column"])
    assert bool(u.loc[("customers", "favourite_colour"), "unused"])
    assert u.loc[("customers", "age_band"), "used_by"] == "08"  # sensitive: audited only
    assert u.loc[("transactions", "amount"), "used_by"] == "04, 08"


def test_a_later_chapter_declares_its_columns():
    b = datasets.load_demo("saas")
    before = ethics.column_usage(b).set_index(["table", "column"])
    assert before.loc[("customers", "seats"), "used_by"] == "03, 04"
    ethics.declare_columns("77", {"customers": ["seats"]})
    try:
        after = ethics.column_usage(b).set_index(["table", "column"])
        assert after.loc[("customers", "seats"), "used_by"] == "03, 04, 77"
    finally:
        ethics.CHAPTER_COLUMNS.pop("77")


# -- response styles --------------------------------------------------------------------------


def test_response_style_indices_by_hand():
    # group x answers 1,5,5,5 on 1-5: ends 4/4, above 3: 3/4, at 3: 0
    # group y answers 3,3,2,4: ends 0, above 3: 1/4, at 3: 2/4
    t = pd.DataFrame({"g": ["x", "x", "y", "y"], "a": [1, 5, 3, 2], "b": [5, 5, 3, 4]})
    s = ethics.response_styles(t, by="g", items=["a", "b"], min_n=1)
    assert s.loc["x", ["ers", "ars", "mrs"]].tolist() == [1.0, 0.75, 0.0]
    assert s.loc["y", ["ers", "ars", "mrs"]].tolist() == [0.0, 0.25, 0.5]
    assert s.loc["x", "mean"] == 4.0 and s.loc["y", "n"] == 2


def test_response_styles_blank_small_groups_and_ignore_out_of_scale():
    t = pd.DataFrame({"g": ["x"] * 5 + ["y"], "a": [1, 2, 3, 4, 99, 5]})
    s = ethics.response_styles(t, by="g", items=["a"], min_n=5)
    assert s.loc["x", "answers"] == 4  # 99 is off the scale
    assert bool(s.loc["y", "small"]) and math.isnan(s.loc["y", "ers"])


def test_within_person_standardisation():
    t = pd.DataFrame({"a": [2, 5], "b": [4, 5]})
    z = ethics.standardise_within(t, items=["a", "b"])
    assert z.loc[0].round(4).tolist() == [-0.7071, 0.7071]
    assert z.loc[1].isna().all()


# -- the audit record -------------------------------------------------------------------------


def test_audit_record_orders_and_counts_by_severity():
    items = (
        ethics.AuditItem("a", "low", md("x"), "do"),
        ethics.AuditItem("b", "high", md("y"), "do"),
    )
    record = ethics.AuditRecord(ethics._audit._order(list(items)))
    assert [i.severity for i in record.items] == ["high", "low"]
    assert record.counts() == {"high": 1, "medium": 0, "low": 1}
    with pytest.raises(ValueError, match="severity"):
        ethics.AuditItem("a", "urgent", md("x"), "do")


def test_audit_record_escapes_client_text():
    hostile = "<img src=x onerror=alert(1)>"
    usage = pd.DataFrame(
        {"table": ["customers"], "column": [hostile], "used_by": [""], "unused": [True]}
    )
    text = ethics.audit_record(usage=usage).finding().to_markdown()
    assert "<img" not in text
    assert "&#60;img" in text


def test_k_anonymity_severity_rules():
    t = pd.DataFrame({"a": ["x"] * 10 + ["y"]})
    one = ethics.k_anonymity(t, quasi_identifiers=["a"])
    assert ethics.audit_record(k_anon=one).counts()["high"] == 1
    five = ethics.k_anonymity(pd.DataFrame({"a": ["x"] * 5 + ["y"] * 6}), quasi_identifiers=["a"])
    assert ethics.audit_record(k_anon=five).counts()["low"] == 1


def test_oversight_checklist_covers_human_review():
    steps = ethics.oversight_checklist()["step"].tolist()
    assert {"human review", "consent", "fairness", "rights"} <= set(steps)
