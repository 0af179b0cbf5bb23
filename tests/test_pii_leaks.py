"""No report or export shows personal details: planted PII, every chapter, every output file.

A demo bundle gets extra personal details planted where real clients have them — in survey
comments and in a free-text notes column of the customers table — in every shape the scanner
knows: e-mail addresses, phone numbers in national and international form, card numbers that
pass the Luhn check, IBANs (with and without spaces). Then ``cxlab run`` runs every available
chapter on it, and every file the run writes (report, metrics, executed notebooks, exports,
log) is searched for each planted string, and for its digits alone, so a reformatted copy
counts as a leak too.

That run is the hostile client's (:mod:`test_hostile_report`): :func:`plant` puts the details
into a bundle whose text also carries script, and one run of every chapter answers both
checks. This module holds the plants, the search, and the smaller checks.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from cxlab import pii

#: The planted details, each with the kind the scanner must give it. None of them is real:
#: the phone numbers come from ranges reserved for drama, the cards and IBANs are the published
#: test numbers, the domains are reserved for examples.
PLANTED = {
    "mara.quillfeather@example.org": "email",
    "t.okonkwo+orders@example.net": "email",
    "020 7946 0958": "phone",
    "07700 900461": "phone",
    "+44 20 7946 0321": "phone",
    "+1 202 555 0174": "phone",
    "4111 1111 1111 1111": "card",
    "5500-0000-0000-0004": "card",
    "GB82 WEST 1234 5698 7654 32": "iban",
    "DE89370400440532013000": "iban",
}

COMMENTS = (
    "Please call me on {phone} about the refund, or write to {email}.",
    "Charged twice on card {card}! Refund to {iban} please.",
    "Delivery never came. Reach me at {email} / {phone}.",
)
NOTES = (
    "Prefers e-mail: {email}",
    "Mobile {phone}; paid by {card}",
    "Pays by transfer from {iban}",
)


def _kinds(kind: str) -> list[str]:
    return [s for s, k in PLANTED.items() if k == kind]


def _fill(template: str, i: int) -> str:
    pick = {k: _kinds(k)[i % len(_kinds(k))] for k in ("email", "phone", "card", "iban")}
    return template.format(**pick)


def plant(folder: Path) -> Path:
    """Write the planted details into ``folder``'s comments and a customers notes column."""
    path = folder / "responses.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    # every 7th answer of a detractor-like score gets a comment with details, so the follow-up
    # queue (which shows comments) certainly holds some
    for i, row in enumerate(rows[::7]):
        row["comment"] = _fill(COMMENTS[i % len(COMMENTS)], i)
        if row.get("nps"):
            row["nps"] = "2"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    path = folder / "customers.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        customers = list(csv.DictReader(fh))
    for i, row in enumerate(customers):
        row["notes"] = _fill(NOTES[i % len(NOTES)], i) if i % 3 == 0 else ""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*customers[0]], lineterminator="\n")
        writer.writeheader()
        writer.writerows(customers)
    return folder


def forms(planted: str) -> set[str]:
    """The planted string and, for numbers, its digits alone (a reformatted copy is a leak)."""
    found = {planted}
    compact = re.sub(r"[\s-]", "", planted)
    if len(re.sub(r"\D", "", compact)) >= 8:
        found.add(compact)
    return found


def leaks(folder: Path) -> list[str]:
    """Every planted string found in any file under ``folder``, with the file it is in."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        digits = re.sub(r"[\s\-]", "", text)
        for planted in PLANTED:
            for form in sorted(forms(planted), key=lambda f: f != planted):
                hay = digits if form != planted else text
                if form.lower() in hay.lower():
                    found.append(f"{path.relative_to(folder)}: {form}")
                    break
    return found


def test_the_planted_strings_are_what_the_scanner_finds():
    # the test is only as good as its plants: each must be found, as its kind, in its context
    for i in range(3):
        for template in (*COMMENTS, *NOTES):
            text = _fill(template, i)
            got = {text[m.start : m.end]: m.kind for m in pii.find_pii(text)}
            for planted, kind in PLANTED.items():
                if planted in text:
                    assert got.get(planted) == kind, (text, got)


def test_leaks_finds_a_planted_string_and_its_compact_form(tmp_path):
    (tmp_path / "a.html").write_text("<td>call 020 7946 0958</td>", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"x": "4111111111111111"}', encoding="utf-8")
    (tmp_path / "c.csv").write_text("masked: [phone], ****1111", encoding="utf-8")
    assert leaks(tmp_path) == ["a.html: 020 7946 0958", "b.json: 4111111111111111"]


def test_attribute_levels_are_shown_with_personal_details_masked():
    from cxlab import overview

    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "notes": ["Mail mara.quillfeather@example.org", "Mail t.okonkwo+orders@example.net",
                      None, "Call 020 7946 0958"],
        }
    )  # fmt: skip
    counts = overview.attribute_counts(customers)
    assert counts["level"].tolist() == [
        "Mail [e-mail removed]",
        "Call [phone number removed]",
        "(missing)",
    ]
    assert counts["n"].tolist() == [2, 1, 1]
    text = overview.largest_groups_finding(counts).text
    assert "Mail [e-mail removed] (50%)" in text
    assert not leaks_in(text)


def leaks_in(text: str) -> list[str]:
    """The planted strings (or their compact forms) that occur in ``text``."""
    squeezed = re.sub(r"[\s\-]", "", text).lower()
    return [p for p in PLANTED if any(f.lower() in (text.lower() if f == p else squeezed)
                                      for f in forms(p))]  # fmt: skip
