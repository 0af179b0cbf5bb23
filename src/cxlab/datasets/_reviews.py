"""Public reviews of each demo client and two fictional competitors.

Reviews are drawn from their own seed stream (``numpy.random.default_rng`` seeded with the
demo's seed plus :data:`SEED_OFFSET`), so adding them shifts nothing in the other tables. Each
business has a planted mean star rating; a review's text is written by the comment grammar of
:mod:`cxlab.datasets._comments` at the strength its stars imply, about the business's aspects.
The client's planted weak spot is its pain-point touchpoint: a share of its reviews (and none
of the competitors' beyond the ordinary) are about it. The planted facts are returned with
the table (see ``ReviewsTruth`` in :mod:`cxlab.datasets._truth`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.datasets._comments import compose_comments

__all__ = ["COMPETITORS", "SEED_OFFSET", "make_reviews"]

#: Added to the demo's seed for the reviews' own generator.
SEED_OFFSET = 7_000_007

#: Two competitors per demo: (name, planted mean stars).
COMPETITORS: dict[str, tuple[tuple[str, float], ...]] = {
    "clothing_retailer": (("Threadnorth", 4.2), ("Bargain Rail", 3.3)),
    "saas": (("Plannery", 4.0), ("Ledgerline", 3.6)),
    "restaurant": (("The Copper Pot", 4.3), ("Quickbite Grill", 3.4)),
    "consulting": (("Harrow & Vale", 3.9), ("Brightpath Partners", 3.5)),
}
#: The client's own planted mean stars.
CLIENT_STARS = 3.8
_SOURCES = ("Google", "Trustpilot", "Facebook", "Yelp")
_LEVEL = {1: -3, 2: -2, 3: 0, 4: 2, 5: 3}


def _stars(mean: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Stars 1–5 around a mean (rounded clipped normal, sd 1.1)."""
    return np.clip(np.round(rng.normal(mean, 1.1, n)), 1, 5).astype(int)


def make_reviews(arch, pain_aspect: str, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Generate the reviews table of one demo.

    Parameters
    ----------
    arch : Archetype
        The demo business (its vocabulary and name).
    pain_aspect : str
        Vocabulary key of the client's pain point.
    rng : numpy.random.Generator
        The reviews' own generator.

    Returns
    -------
    pandas.DataFrame, dict
        The table (date, business, rating, text, source), sorted by date; and the planted
        facts: mean stars per business and the share of the client's reviews about its pain
        point.
    """
    businesses = ((arch.business, CLIENT_STARS), *COMPETITORS[arch.name])
    aspects = sorted(arch.vocabulary)
    frames = []
    for k, (name, mean) in enumerate(businesses):
        n = int(rng.integers(260, 340))
        stars = _stars(mean, n, rng)
        main = np.asarray(aspects, dtype=object)[rng.integers(0, len(aspects), n)]
        if k == 0:  # the client's reviews often complain about its pain point
            about_pain = (rng.random(n) < 0.35) & (stars <= 3)
            main[about_pain] = pain_aspect
        second = np.asarray(aspects, dtype=object)[rng.integers(0, len(aspects), n)]
        levels = np.array([_LEVEL[s] for s in stars])
        texts = compose_comments(levels, list(main), list(second), arch.vocabulary, rng)
        days = rng.integers(0, 731, n)
        frames.append(
            pd.DataFrame(
                {
                    "date": np.datetime64("2024-01-01") + days.astype("timedelta64[D]"),
                    "business": name,
                    "rating": stars,
                    "text": texts,
                    "source": np.asarray(_SOURCES, dtype=object)[rng.integers(0, 4, n)],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table = table.sort_values(["date", "business"], kind="stable", ignore_index=True)
    table["date"] = table["date"].astype("datetime64[s]")
    table["business"] = table["business"].astype("str")
    table["text"] = table["text"].astype("str")
    table["source"] = table["source"].astype("str")
    truth = {
        "businesses": {name: mean for name, mean in businesses},
        "client": arch.business,
        "pain_aspect": pain_aspect,
    }
    return table, truth
