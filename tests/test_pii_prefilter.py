"""The vectorised pre-test of the PII scan never skips a text that holds a detail."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cxlab import pii

# texts made of the characters the rules care about: digits, every separator and bracket a
# number may use, letters (IBAN starts, "at", "dot"), "@" and "+"
PIECES = st.sampled_from(
    [*"0123456789", " ", "-", ".", "/", "(", ")", "+", "@", "[", "]", "GB", "DE", "NO", "at",
     "dot", "x", "example", "com", "0 ", "07700", "+44", "4111"]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@given(TEXTS)
def test_a_text_with_a_detail_always_passes_the_pre_test(text):
    if pii.find_pii(text):
        assert pii._CANDIDATE_RE.search(text), text


@given(st.lists(TEXTS, max_size=5))
def test_scan_with_the_pre_test_equals_finding_in_every_text(texts):
    found = pii.pii_scan(pd.DataFrame({"comment": texts}))
    expected = [(i, m.kind, m.start) for i, t in enumerate(texts) for m in pii.find_pii(t)]
    assert list(zip(found["row"], found["kind"], found["start"], strict=True)) == expected


def test_the_published_shapes_pass_the_pre_test_and_short_numbers_do_not():
    for text in [
        "+33 (0)6 12 34 56 78",
        "(212) 555-0123",
        "0049 30 1234567",
        "3782 822463 10005",
        "NO93 8601 1117 947",
        "jo (at) example (dot) com",
        "+44 (0) 20-7946-0958",
    ]:
        assert pii.find_pii(text) and pii._CANDIDATE_RE.search(text), text
    for text in ["Order 123456 late", "Paid £129.99", "on 3/12/2025", "size 42"]:
        assert not pii._CANDIDATE_RE.search(text), text
