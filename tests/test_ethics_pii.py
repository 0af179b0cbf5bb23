import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlab import datasets
from cxlab.ethics import KINDS, PLACEHOLDERS, PiiMatch, find_pii, redact
from cxlab.findings import md

EMAIL, PHONE = PLACEHOLDERS["email"], PLACEHOLDERS["phone"]
CARD, IBAN = PLACEHOLDERS["card"], PLACEHOLDERS["iban"]


# -- what is masked ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "jo.bloggs@example.com",
        "first.last+news@shop.example.co.uk",
        "o'neil@example.ie",
        "zoë@exämple.de",
        "jo (at) example (dot) com",
        "jo[at]example.org",
    ],
)
def test_email_addresses_are_masked(text):
    assert redact(f"write to {text}, thanks") == f"write to {EMAIL}, thanks"


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",  # UK mobile, drama range
        "07700900123",
        "01632 960123",  # UK landline, drama range
        "030/1234567",  # German, slash after the area code
        "06 12 34 56 78",  # French national, pairs
        "06.12.34.56.78",
        "+44 (0)20 7946 0958",  # international with the trunk prefix in brackets
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "+33 6 12 34 56 78",
        "+1 212-555-0123",
        "(212) 555-0123",  # North American
        "(212)555-0123",
        "212.555.0123",
        "1-800-555-0199",
    ],
)
def test_phone_numbers_are_masked(text):
    assert redact(f"call {text} please") == f"call {PHONE} please"


def test_phone_number_at_the_end_of_a_sentence_keeps_the_full_stop():
    assert redact("Ring 0161 496 0000.") == f"Ring {PHONE}."


def test_phone_number_glued_to_an_abbreviation_is_masked():
    assert redact("Tel.07700 900123") == f"Tel.{PHONE}"


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",  # Visa's published test number
        "4111-1111-1111-1111",
        "4111111111111111",
        "5555 5555 5555 4444",  # Mastercard test number
        "3782 822463 10005",  # American Express test number, grouped 4-6-5
        "4000 0000 0000 0002",  # by hand: 2 + 2*4 = 10, a multiple of 10
    ],
)
def test_card_numbers_with_a_correct_luhn_digit_are_masked(text):
    assert redact(f"my card {text} was charged twice") == f"my card {CARD} was charged twice"


@pytest.mark.parametrize(
    "text",
    [
        "GB82 WEST 1234 5698 7654 32",  # the registry's example, paper format
        "GB82WEST12345698765432",  # electronic format
        "de89 3704 0044 0532 0130 00",  # lower case
        "FR76 3000 6000 0112 3456 7890 189",
    ],
)
def test_ibans_are_masked(text):
    assert redact(f"refund to {text}.") == f"refund to {IBAN}."


def test_iban_in_paper_format_with_a_mistyped_check_digit_is_still_masked():
    assert redact("DE89 3704 0044 0532 0130 01") == IBAN


def test_several_details_in_one_comment_are_each_masked():
    text = "Email jo@example.com or call 07700 900123; refund card 4111 1111 1111 1111."
    assert redact(text) == f"Email {EMAIL} or call {PHONE}; refund card {CARD}."


# -- what is left alone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Order #100234 arrived late",
        "order no. 00123456789 never came",
        "Order 2024-000123 was wrong",
        "INV-2024-000123 is unpaid",
        "invoice: 0123-4567-89",
        "tracking 0123 456 7890 shows nothing",
        "ref 00123456789",
        "delivered 15.03.2024",
        "on 03/15/2024 0930",
        "2024-03-15 10:30",
        "booked 01.02.2024-15.02.2024",
        "between 2019-2024",
        "the 2024 2025 2026 2027 seasons",
        "0.123456789 of a second",
        "£1,299.99 for a coat",
        "1 234 567 890 visitors",
        "v2.0.1 of the app",
        "server 192.168.0.1",
        "scored 9/10 twice",
        "4111 1111 1111 1112",  # Luhn digit wrong
        "1234 5678 9012 3456",  # 1 is not a card issuer's industry
        "DE8937040044053201300",  # compact IBAN with a wrong check digit
        "XX12 3456 7890 1234 5678 90",  # no such IBAN country
        "@loomwell was quick to reply",
        "price@5 each",
        "meet at example.com",
        "Overall, 9 out of 10; 555 stars",
    ],
)
def test_look_alikes_are_left_alone(text):
    assert redact(text) == text


def test_a_trailing_lone_digit_is_not_part_of_the_number():
    assert redact("07700 900123 2 times") == f"{PHONE} 2 times"


def test_a_date_before_a_phone_number_stays():
    assert redact("2024-03-15 0161 496 0000") == f"2024-03-15 {PHONE}"


def test_markup_is_not_escaped_by_redact_but_by_the_findings():
    text = "<svg onload=alert(1)> write to x@example.com"
    masked = redact(text)
    assert masked == f"<svg onload=alert(1)> write to {EMAIL}"
    shown = md("“{c}”", c=masked).to_markdown()
    assert "<svg" not in shown and "&#60;svg onload=alert&#40;1&#41;&#62;" in shown


# -- the planted truth of the demo clients ----------------------------------------------------


@pytest.mark.parametrize("name", datasets.DEMOS)
def test_every_planted_detail_is_masked_and_no_other_comment_changes(name):
    comments = datasets.load_demo(name).responses.set_index("response_id")["comment"].dropna()
    planted = datasets.planted_truth(name).pii
    masked = redact(comments)
    changed = set(comments.index[comments != masked])
    assert changed == {p.response_id for p in planted}
    for p in planted:
        assert p.text not in masked[p.response_id]
        assert (EMAIL if p.kind == "email" else PHONE) in masked[p.response_id]


# -- the interface ----------------------------------------------------------------------------


def test_find_pii_gives_kind_and_position():
    text = "jo@example.com / 07700 900123"
    assert find_pii(text) == [PiiMatch("email", 0, 14), PiiMatch("phone", 17, 29)]


def test_kinds_limit_what_is_masked():
    text = "jo@example.com / 07700 900123"
    assert redact(text, kinds=["phone"]) == f"jo@example.com / {PHONE}"
    assert redact(text, kinds="email") == f"{EMAIL} / 07700 900123"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match=r"unknown kind.*'postcode'"):
        redact("x", kinds=["postcode"])


def test_a_series_keeps_its_index_and_missing_values():
    s = pd.Series(["call 07700 900123", None, "fine"], index=["r7", "r8", "r9"])
    out = redact(s)
    assert out.index.tolist() == ["r7", "r8", "r9"]
    assert out["r7"] == f"call {PHONE}"
    assert pd.isna(out["r8"])
    assert out["r9"] == "fine"


def test_a_list_keeps_missing_values_and_numbers():
    out = redact(["jo@example.com", float("nan"), 7700900123, None])
    assert out[0] == EMAIL
    assert math.isnan(out[1])
    assert out[2] == 7700900123
    assert out[3] is None


def test_a_number_on_its_own_is_refused():
    with pytest.raises(TypeError, match="got int"):
        redact(7700900123)


def test_find_pii_needs_text():
    with pytest.raises(TypeError, match="got NoneType"):
        find_pii(None)


def test_placeholders_name_every_kind():
    assert set(PLACEHOLDERS) == set(KINDS)


@given(
    st.text(
        alphabet=st.characters(exclude_categories=("Nd",), exclude_characters="@[("), max_size=80
    )
)
def test_text_without_digits_or_addresses_is_unchanged(text):
    assert redact(text) == text


@given(st.text(alphabet="0123456789 +-./()@abcxyz", max_size=60))
def test_redacting_twice_changes_nothing_more(text):
    once = redact(text)
    assert redact(once) == once
