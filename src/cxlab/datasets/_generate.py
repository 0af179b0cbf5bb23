"""Turn an :class:`~cxlab.datasets._archetypes.Archetype` into the four contract tables.

The generator works on whole arrays: customers are drawn at once, their orders are expanded with
``numpy.repeat`` and dated by inverse-CDF sampling on a calendar of daily weights (month ×
weekday), events and responses are drawn per stage and touchpoint. Only the comment grammar walks
row by row, over the few responses that carry a comment. One ``numpy.random.Generator`` is passed
through every step in a fixed order, so a seed fixes every byte of the output.

Order of the steps (each later one may read the earlier ones, never the reverse):

1. customers: sign-up day, true segment, observable attributes, latent satisfaction and ease;
2. conversion, support contacts, churn (logistic in expected CSAT, expected CES, support
   contacts and segment/plan) and churn date;
3. transactions inside each customer's active window (churned customers stop at their churn date),
   with the planted co-purchase pairs added to orders;
4. journey events, stage by stage, with first events of each stage in stage order, running to the
   last day of the period (sign-ups and loyalty moments spread over each customer's window);
5. responses: post-interaction surveys sampled from surveyed events (some asking NPS about the
   touchpoint), relationship surveys in one wave a quarter with driver items and NPS built from
   them;
6. comments from the grammar in :mod:`cxlab.datasets._comments`, a handful carrying PII;
7. the unfair offer, from each customer's net spend and the planted group gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxlab.datasets._archetypes import Archetype, Touchpoint
from cxlab.datasets._comments import compose_comments, level_from_score
from cxlab.datasets._truth import (
    ChurnTruth,
    DemoData,
    DriverTruth,
    PiiString,
    PlantedTruth,
    SeasonalityTruth,
    UnfairTruth,
)

__all__ = ["END_DAY", "EPOCH", "build"]

#: Day 0 of the period; days are counted from here.
EPOCH = np.datetime64("2024-01-01", "D")
#: Last day of the period (2025-12-31) as a day number.
END_DAY = 730
#: Earliest sign-up of customers who joined before the period (2022-01-01).
FIRST_DAY = -730
_DAY = 86_400
#: Relationship (NPS) survey waves, one a quarter, as day numbers: the first Monday of the second
#: month of each quarter (2024-02-05 … 2025-11-03). Answers come within 30 days, so each wave's
#: answers stay in its quarter.
_WAVES = (35, 126, 217, 308, 399, 490, 581, 672)
#: Share of customers invited to a wave who answer it.
_WAVE_RESPONSE = 0.15
#: Share of post-interaction surveys that also ask the NPS question about the touchpoint.
_TOUCHPOINT_NPS = 0.3
#: Change of a touchpoint NPS answer per standard deviation of latent satisfaction (0–10 points).
_TOUCHPOINT_NPS_SLOPE = 1.3
#: Noise of a touchpoint NPS answer before rounding (0–10 points).
_TOUCHPOINT_NPS_NOISE = 1.3
#: How many of a customer's first orders leave a purchase-stage event.
_PURCHASE_EVENTS = 2


class _Calendar:
    """Daily weights over 2022-01-01 … 2025-12-31, sampled by inverse CDF."""

    def __init__(self, month_weights: tuple[float, ...], weekday_weights: tuple[float, ...]):
        days = np.arange(FIRST_DAY, END_DAY + 1)
        dates = EPOCH + days
        month = dates.astype("datetime64[M]").astype(np.int64) % 12
        weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        w = np.asarray(month_weights)[month] * np.asarray(weekday_weights)[weekday]
        self.cum = np.concatenate([[0.0], np.cumsum(w)])

    def draw(self, lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Days in ``[lo, hi]`` (inclusive) with probability proportional to the weights."""
        a = self.cum[lo - FIRST_DAY]
        b = self.cum[hi - FIRST_DAY + 1]
        idx = np.searchsorted(self.cum, a + u * (b - a), side="right") - 1
        return np.clip(idx + FIRST_DAY, lo, hi)


def _choice(rng: np.random.Generator, dist: dict[str, float], size: int) -> np.ndarray:
    keys = list(dist)
    p = np.asarray([dist[k] for k in keys], dtype=float)
    return np.asarray(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _choice_by(
    rng: np.random.Generator, group: np.ndarray, dists: list[dict[str, float]]
) -> np.ndarray:
    """Draw one value per row from the distribution of the row's group."""
    out = np.empty(len(group), dtype=object)
    for g, dist in enumerate(dists):
        mask = group == g
        if mask.any():
            out[mask] = _choice(rng, dist, int(mask.sum()))
    return out


def _uniform_between(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Integer seconds uniformly in ``[lo, hi]`` (``hi`` raised to ``lo`` where smaller)."""
    hi = np.maximum(hi, lo)
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)


def _codes(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Build identifiers such as ``C00042``: a prefix and a zero-padded number."""
    digits = np.char.zfill(np.asarray(numbers, dtype=np.int64).astype(str), width)
    return np.char.add(prefix, digits).astype(object)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _group_starts(counts: np.ndarray) -> np.ndarray:
    """Mask of the first element of each group after ``numpy.repeat(..., counts)``."""
    first = np.zeros(int(counts.sum()), dtype=bool)
    starts = np.cumsum(counts) - counts
    first[starts[counts > 0]] = True
    return first


# ------------------------------------------------------------------------------------------
# 1–2. customers, churn
# ------------------------------------------------------------------------------------------


def _customers(arch: Archetype, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    shares = np.asarray([s.share for s in arch.segments])
    seg = rng.choice(len(shares), size=n, p=shares / shares.sum())
    existing = rng.random(n) < arch.existing_share
    signup_cal = _Calendar(arch.signup_month_weights, (1.0,) * 7)
    lo = np.where(existing, FIRST_DAY, 0)
    # Sign-ups run to the last day, so the final month has new prospects like any other.
    hi = np.where(existing, -1, END_DAY)
    signup = signup_cal.draw(lo, hi, rng.random(n))
    # Customer ids follow sign-up order, as a CRM assigns them.
    order = np.argsort(signup, kind="stable")
    seg, existing, signup = seg[order], existing[order], signup[order]

    c: dict[str, np.ndarray] = {"seg": seg, "existing": existing, "signup": signup}
    for col in arch.columns:
        if col in arch.segments[0].attributes:
            c[col] = _choice_by(rng, seg, [s.attributes[col] for s in arch.segments])
        elif col in arch.segments[0].numbers:
            params = np.asarray([s.numbers[col] for s in arch.segments])
            med, sd, low = params[seg, 0], params[seg, 1], params[seg, 2]
            c[col] = np.maximum(low, np.round(med * np.exp(sd * rng.standard_normal(n))))
    c["consent"] = rng.random(n) < arch.consent_rate

    sat_shift = np.asarray([s.satisfaction for s in arch.segments])[seg]
    ease_shift = np.asarray([s.ease for s in arch.segments])[seg]
    z_ind = rng.standard_normal(n)
    e_ind = 0.5 * z_ind + np.sqrt(0.75) * rng.standard_normal(n)
    c["z_ind"], c["e_ind"] = z_ind, e_ind
    c["z"] = sat_shift + z_ind
    c["expected_csat"] = arch.csat_center + arch.csat_spread * c["z"]
    c["expected_ces"] = arch.ces_center + arch.ces_spread * (ease_shift + e_ind)

    convert = np.asarray([s.convert for s in arch.segments])[seg]
    converted = existing | (rng.random(n) < convert)
    lag = rng.geometric(0.3, n) - 1
    start = np.where(existing, 0, signup + lag)
    if arch.billing == "subscription":
        start = np.where(existing, 0, signup + 7)  # a seven-day free trial
    converted &= start <= END_DAY - 7
    c["converted"], c["start"] = converted, start

    support = np.asarray([s.support for s in arch.segments])[seg]
    lam = support * np.exp(-0.4 * z_ind - 0.3 * e_ind)
    c["support"] = np.where(converted, rng.poisson(lam), 0)

    m = arch.churn
    logit = (
        m.intercept
        + m.csat * (c["expected_csat"] - m.csat_ref)
        + m.ces * (c["expected_ces"] - m.ces_ref)
        + m.support * c["support"]
        + np.asarray([s.churn for s in arch.segments])[seg]
    )
    for col, shifts in m.attribute_shifts.items():
        logit = logit + np.asarray([shifts.get(v, 0.0) for v in c[col]])
    p = _sigmoid(logit)
    draw = rng.random(n) < p
    latest = END_DAY - (m.inactive_days if m.rule == "inactive_days" else 1)
    earliest = start + 21
    churned = converted & draw & (earliest <= latest)
    churn_day = earliest + np.floor(rng.random(n) * np.maximum(latest - earliest + 1, 1))
    c["churn_probability"] = np.where(converted, p, np.nan)
    c["churned"] = churned
    c["churn_day"] = np.where(churned, churn_day, -1).astype(np.int64)
    c["stop"] = np.where(churned, c["churn_day"], END_DAY)
    return c


# ------------------------------------------------------------------------------------------
# 3. transactions
# ------------------------------------------------------------------------------------------


def _orders(
    arch: Archetype, c: dict[str, np.ndarray], rng: np.random.Generator, *, forced_first: bool
) -> dict[str, np.ndarray]:
    """Order (visit, invoice, add-on) days per customer inside the active window."""
    seg, start, stop = c["seg"], c["start"], c["stop"]
    n = len(seg)
    rate = np.asarray([s.rate for s in arch.segments])[seg]
    years = np.maximum(stop - start + 1 - 14, 0) / 365.25
    frailty = rng.gamma(6.0, 1 / 6.0, n)
    extra = rng.poisson(rate * frailty * years)
    if forced_first:
        new = ~c["existing"]
        count = np.where(new, 1 + extra, np.maximum(extra, 1))
    else:
        new = np.zeros(n, dtype=bool)
        count = extra
    count = np.where(c["converted"], count, 0)
    cust = np.repeat(np.arange(n), count)
    first = _group_starts(count) & new[cust]
    lo = start[cust]
    hi = np.where(first, np.minimum(start[cust] + 13, stop[cust]), stop[cust])
    cal = _Calendar(arch.month_weights, arch.weekday_weights)
    day = cal.draw(lo, hi, rng.random(len(cust)))
    return {"cust": cust, "day": day}


def _order_lines(
    arch: Archetype, c: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    seg_all = c["seg"]
    o = _orders(arch, c, rng, forced_first=True)
    cust_o, day_o = o["cust"], o["day"]
    seg_o = seg_all[cust_o]
    chan_o = _choice_by(rng, seg_o, [s.channels for s in arch.segments])
    lines = np.asarray([s.lines for s in arch.segments])[seg_o]
    n_lines = 1 + rng.poisson(lines)
    order_of_line = np.repeat(np.arange(len(cust_o)), n_lines)
    seg_l = seg_o[order_of_line]
    category = _choice_by(rng, seg_l, [s.categories for s in arch.segments])
    order_of_line, category = _add_affinities(arch, order_of_line, category, len(cust_o), rng)
    seg_l = seg_o[order_of_line]
    qty_mean = np.asarray([s.quantity for s in arch.segments])[seg_l]
    quantity = 1 + rng.poisson(qty_mean)
    price = np.asarray([s.price for s in arch.segments])[seg_l]
    sigma = np.asarray([s.price_sigma for s in arch.segments])[seg_l]
    factor = pd.Series(category).map(arch.category_price).fillna(1.0).to_numpy(dtype=float)
    unit = price * factor * np.exp(sigma * rng.standard_normal(len(seg_l)))
    amount = np.round(unit * quantity, 2)

    refund_rate = np.asarray([s.refund for s in arch.segments])[seg_l]
    refunded = rng.random(len(seg_l)) < refund_rate
    r_lag = 3 + rng.geometric(0.12, len(seg_l))
    r_day = day_o[order_of_line] + r_lag
    refunded &= r_day <= c["stop"][cust_o[order_of_line]]

    sale = pd.DataFrame(
        {
            "_order": order_of_line,
            "customer": cust_o[order_of_line],
            "day": day_o[order_of_line],
            "amount": amount,
            "quantity": quantity,
            "category": category,
            "channel": chan_o[order_of_line],
            "_refund": False,
        }
    )
    ref = sale.loc[refunded].copy()
    ref["day"] = r_day[refunded]
    ref["amount"] = -ref["amount"]
    ref["quantity"] = -1
    ref["_refund"] = True
    tx = pd.concat([sale, ref], ignore_index=True)
    return tx, {"cust": cust_o, "day": day_o, "channel": chan_o}


def _add_affinities(
    arch: Archetype,
    order_of_line: np.ndarray,
    category: np.ndarray,
    n_orders: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Give orders holding a planted antecedent, and not its consequent, an extra line.

    Lines stay grouped by order (a stable sort), so later steps see them as before.
    """
    for pair in arch.affinities:
        has_a = np.zeros(n_orders, dtype=bool)
        has_a[order_of_line[category == pair.antecedent]] = True
        has_b = np.zeros(n_orders, dtype=bool)
        has_b[order_of_line[category == pair.consequent]] = True
        add = np.flatnonzero(has_a & ~has_b & (rng.random(n_orders) < pair.probability))
        order_of_line = np.concatenate([order_of_line, add])
        category = np.concatenate([category, np.full(len(add), pair.consequent, dtype=object)])
        keep = np.argsort(order_of_line, kind="stable")
        order_of_line, category = order_of_line[keep], category[keep]
    return order_of_line, category


def _subscriptions(
    arch: Archetype, c: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    seg, start, stop = c["seg"], c["start"], c["stop"]
    n = len(seg)
    paying = c["converted"]
    first_date = EPOCH + start
    days_in = (first_date - first_date.astype("datetime64[M]")).astype(np.int64)
    dom = np.minimum(days_in, 27)  # day of month, 0-based, at most the 28th
    m0 = (first_date.astype("datetime64[M]") - EPOCH.astype("datetime64[M]")).astype(np.int64)
    months = np.arange(0, 26)
    month_start = (EPOCH.astype("datetime64[M]") + months).astype("datetime64[D]") - EPOCH
    month_start = month_start.astype(np.int64)
    stop_month = ((EPOCH + stop).astype("datetime64[M]") - EPOCH.astype("datetime64[M]")).astype(
        np.int64
    )
    count = stop_month - m0 + 1 - (month_start[stop_month] + dom > stop)
    count = np.where(paying, np.maximum(count, 0), 0)
    cust = np.repeat(np.arange(n), count)
    k = np.arange(len(cust)) - np.repeat(np.cumsum(count) - count, count)
    day = month_start[m0[cust] + k] + dom[cust]
    plan = c["plan"][cust]
    price = pd.Series(plan).map(arch.plan_prices).to_numpy(dtype=float)
    price = np.where(day >= 366, price * 1.05, price)  # list prices rose 5% on 2025-01-01
    seats = c["seats"][cust].astype(np.int64)
    chan_c = _choice_by(rng, seg, [s.channels for s in arch.segments])
    subs = pd.DataFrame(
        {
            "customer": cust,
            "day": day,
            "amount": np.round(seats * price, 2),
            "quantity": seats,
            "category": "subscription",
            "channel": chan_c[cust],
            "_refund": False,
        }
    )
    # Add-ons (extra SMS credits, templates, integrations) bought now and then.
    o = _orders(arch, c, rng, forced_first=False)
    seg_o = seg[o["cust"]]
    price_o = np.asarray([s.price for s in arch.segments])[seg_o]
    sigma_o = np.asarray([s.price_sigma for s in arch.segments])[seg_o]
    addons = pd.DataFrame(
        {
            "customer": o["cust"],
            "day": o["day"],
            "amount": np.round(price_o * np.exp(sigma_o * rng.standard_normal(len(seg_o))), 2),
            "quantity": 1,
            "category": "add_on",
            "channel": chan_c[o["cust"]],
            "_refund": False,
        }
    )
    tx = pd.concat([subs, addons], ignore_index=True)
    # Credit notes: part of an invoice given back after a complaint.
    rate = np.asarray([s.refund for s in arch.segments])[seg[tx["customer"].to_numpy()]]
    credit = rng.random(len(tx)) < rate
    c_day = tx["day"].to_numpy() + 5 + rng.geometric(0.2, len(tx))
    credit &= c_day <= stop[tx["customer"].to_numpy()]
    ref = tx.loc[credit].copy()
    ref["day"] = c_day[credit]
    ref["amount"] = -np.round(ref["amount"].to_numpy() * 0.5, 2)
    ref["quantity"] = -1
    ref["_refund"] = True
    tx["_order"] = np.arange(len(tx))
    ref["_order"] = tx["_order"].to_numpy()[credit]
    tx = pd.concat([tx, ref], ignore_index=True)
    purchases = {"cust": cust[k == 0], "day": day[k == 0], "channel": chan_c[cust[k == 0]]}
    # Accounts that joined before the period made their first purchase before it, too.
    keep = ~c["existing"][purchases["cust"]]
    return tx, {key: v[keep] for key, v in purchases.items()}


def _finish_transactions(arch: Archetype, tx: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """Sort, number the orders in date order and put columns in contract form."""
    first_day = tx.loc[~tx["_refund"]].groupby("_order")["day"].min()
    rank = first_day.rank(method="first").astype(np.int64)
    tx = tx.assign(_rank=tx["_order"].map(rank).to_numpy())
    tx = tx.sort_values(["day", "_refund", "_rank"], kind="stable", ignore_index=True)
    width = max(6, len(str(int(tx["_rank"].max()))))
    order_id = pd.Series(_codes(arch.order_prefix, tx["_rank"].to_numpy(), width))
    quantity = pd.array(tx["quantity"].to_numpy(), dtype="Int64")
    quantity[tx["_refund"].to_numpy()] = pd.NA
    cols = {
        "order_id": order_id.astype("str"),
        "customer_id": pd.Series(ids[tx["customer"].to_numpy()], dtype="str"),
        "date": pd.Series((EPOCH + tx["day"].to_numpy()).astype("datetime64[s]")),
        "amount": tx["amount"].to_numpy(dtype="float64"),
        "quantity": quantity,
        "category": pd.Series(tx["category"].to_numpy(), dtype="str"),
        "channel": pd.Series(tx["channel"].to_numpy(), dtype="str"),
    }
    return pd.DataFrame(cols)


# ------------------------------------------------------------------------------------------
# 4. events
# ------------------------------------------------------------------------------------------


def _stage_tps(arch: Archetype, stage: str, *, exclude: tuple[str, ...] = ()) -> list[Touchpoint]:
    return [
        t for t in arch.touchpoints if t.stage == stage and t.name not in exclude and t.weight > 0
    ]


def _tp_choice(rng: np.random.Generator, tps: list[Touchpoint], size: int) -> np.ndarray:
    w = np.asarray([t.weight for t in tps])
    return rng.choice(len(tps), size=size, p=w / w.sum())


def _events(
    arch: Archetype,
    c: dict[str, np.ndarray],
    purchases: dict[str, np.ndarray],
    rng: np.random.Generator,
    intensity: float = 1.0,
) -> pd.DataFrame:
    """Draw the journey events; ``intensity`` multiplies the rates of the repeatable moments.

    The repeatable moments are the extra consideration visits, the service moments other than
    support contacts and onboarding, and the loyalty moments. Purchases, awareness, onboarding
    and the planted support contacts do not change with it, so the planted churn drivers and
    the pain point stay what they are. ``intensity=1.0`` gives the committed demos.
    """
    n = len(c["seg"])
    seg, converted, existing = c["seg"], c["converted"], c["existing"]
    stop_end = c["stop"] * _DAY + _DAY - 120
    tp_index = {t.name: i for i, t in enumerate(arch.touchpoints)}
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (customer, seconds, tp)

    # Purchase: a customer's first orders, each with the touchpoint its sales channel implies.
    pc, pday, pchan = purchases["cust"], purchases["day"], purchases["channel"]
    order = np.lexsort((pday, pc))
    pc, pday, pchan = pc[order], pday[order], pchan[order]
    rank = np.arange(len(pc)) - np.searchsorted(pc, pc, side="left")
    keep = rank < _PURCHASE_EVENTS
    pc, pday, pchan = pc[keep], pday[keep], pchan[keep]
    p_tp = np.empty(len(pc), dtype=np.int64)
    for chan in np.unique(pchan) if len(pchan) else []:
        mapping = arch.purchase_touchpoints.get(chan, arch.purchase_touchpoints.get("*"))
        mask = pchan == chan
        names = list(mapping)
        pick = rng.choice(len(names), size=int(mask.sum()), p=np.asarray(list(mapping.values())))
        p_tp[mask] = np.asarray([tp_index[k] for k in names])[pick]
    p_sec = pday * _DAY + rng.integers(8 * 3600, 21 * 3600, len(pc))
    parts.append((pc, p_sec, p_tp))
    first_purchase = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_purchase, pc, p_sec)
    has_purchase = first_purchase < np.iinfo(np.int64).max

    # Awareness and consideration: customers who joined during the period. A log knows a
    # customer from the sign-up on, so awareness is what the sign-up session recorded (the ad
    # click or listing that brought them), within two days before it: a longer lead would leave
    # the last weeks without the awareness of customers who sign up after the period.
    new = ~existing
    lo = np.maximum(0, c["signup"] - 2) * _DAY
    signup_sec = c["signup"] * _DAY + 12 * 3600
    hi_buyer = np.where(has_purchase, first_purchase - 600, signup_sec)
    prospect_hi = np.minimum(c["signup"] + 20, END_DAY) * _DAY
    aw_hi = np.where(converted, lo + 0.4 * (hi_buyer - lo), signup_sec).astype(np.int64)
    n_aw = np.where(new, 1 + (rng.random(n) < 0.25), 0)
    cust = np.repeat(np.arange(n), n_aw)
    tps = _stage_tps(arch, "awareness")
    tp = np.asarray([tp_index[t.name] for t in tps])[_tp_choice(rng, tps, len(cust))]
    parts.append((cust, _uniform_between(rng, lo[cust], aw_hi[cust]), tp))

    considers = np.where(converted, True, rng.random(n) < 0.55) & new
    mean_c = np.where(converted, 0.8, 0.4) * intensity
    n_co = np.where(considers, 1 + rng.poisson(mean_c), 0)
    co_lo = aw_hi + 1
    co_hi = np.where(converted, hi_buyer, prospect_hi)
    cust = np.repeat(np.arange(n), n_co)
    tps = _stage_tps(arch, "consideration")
    tp = np.asarray([tp_index[t.name] for t in tps])[_tp_choice(rng, tps, len(cust))]
    parts.append((cust, _uniform_between(rng, co_lo[cust], co_hi[cust]), tp))

    # Service: onboarding once, support contacts (the planted count), other service moments.
    base = np.where(has_purchase, first_purchase, c["start"] * _DAY) + 3600
    years = np.maximum(c["stop"] - c["start"] + 1, 0) / 365.25
    service_rate = np.asarray([s.service for s in arch.segments])[seg] * intensity
    n_sv = np.where(converted, rng.poisson(service_rate * np.maximum(years, 0.1)), 0)
    exclude = ("support",) + ((arch.onboarding,) if arch.onboarding else ())
    tps = _stage_tps(arch, "service", exclude=exclude)
    cust = np.repeat(np.arange(n), n_sv)
    tp = np.asarray([tp_index[t.name] for t in tps])[_tp_choice(rng, tps, len(cust))]
    sv_parts = [(cust, _uniform_between(rng, base[cust], stop_end[cust]), tp)]
    cust = np.repeat(np.arange(n), c["support"])
    sv_parts.append(
        (
            cust,
            _uniform_between(rng, base[cust], stop_end[cust]),
            np.full(len(cust), tp_index["support"]),
        )
    )
    if arch.onboarding:
        cust = np.flatnonzero(converted & new & has_purchase)
        when = base[cust] + rng.integers(0, 10 * _DAY, len(cust))
        sv_parts.append(
            (cust, np.minimum(when, stop_end[cust]), np.full(len(cust), tp_index[arch.onboarding]))
        )
    first_service = np.full(n, np.iinfo(np.int64).max)
    for cu, sec, _ in sv_parts:
        np.minimum.at(first_service, cu, sec)
    parts.extend(sv_parts)

    # Loyalty: after the first service moment, more often for customers who stay.
    loyal = np.asarray([s.loyalty for s in arch.segments])[seg]
    loyal = loyal * np.where(c["churned"], 0.3, 1.5) * np.exp(0.35 * c["z_ind"]) * intensity
    # A rate per year of the window after the first service moment, so a customer who joins
    # late has fewer loyalty moments rather than the same number crowded into the last weeks.
    served = first_service < np.iinfo(np.int64).max
    window = np.where(served, (stop_end - np.where(served, first_service, 0)) / (_DAY * 365.25), 0)
    n_lo = np.where(converted & served, rng.poisson(loyal * np.clip(window, 0, None)), 0)
    cust = np.repeat(np.arange(n), n_lo)
    tps = _stage_tps(arch, "loyalty")
    tp = np.asarray([tp_index[t.name] for t in tps])[_tp_choice(rng, tps, len(cust))]
    lo_lo = first_service[cust] + 600
    sec = _uniform_between(rng, lo_lo, stop_end[cust])
    ok = lo_lo < stop_end[cust]
    parts.append((cust[ok], sec[ok], tp[ok]))

    cust = np.concatenate([p[0] for p in parts])
    sec = np.concatenate([p[1] for p in parts]).astype(np.int64)
    tp = np.concatenate([p[2] for p in parts])
    order = np.lexsort((tp, sec, cust))
    cust, sec, tp = cust[order], sec[order], tp[order]
    # Break exact ties so every customer's timestamps are strictly increasing.
    within = np.arange(len(cust)) - np.searchsorted(cust, cust, side="left")
    sec = sec + within
    chan = np.empty(len(tp), dtype=object)
    for i, t in enumerate(arch.touchpoints):
        mask = tp == i
        if mask.any():
            chan[mask] = _choice(rng, t.channels, int(mask.sum()))
    names = np.asarray([t.name for t in arch.touchpoints], dtype=object)
    stages = np.asarray([t.stage for t in arch.touchpoints], dtype=object)
    events = np.asarray([t.event for t in arch.touchpoints], dtype=object)
    return pd.DataFrame(
        {
            "customer": cust,
            "seconds": sec,
            "stage": stages[tp],
            "touchpoint": names[tp],
            "channel": chan,
            "event": events[tp],
        }
    )


# ------------------------------------------------------------------------------------------
# 5–6. responses and comments
# ------------------------------------------------------------------------------------------


def _responses(
    arch: Archetype,
    c: dict[str, np.ndarray],
    ev: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    n = len(c["seg"])
    lo, hi, _ = arch.csat_scale
    tp_by_name = {t.name: t for t in arch.touchpoints}
    surveyed = [t.name for t in arch.touchpoints if t.surveyed]
    target = 0.17 * n

    # Post-interaction surveys after surveyed events.
    ev_tp = ev["touchpoint"].to_numpy()
    take = np.zeros(len(ev), dtype=bool)
    u = rng.random(len(ev))
    for name in surveyed:
        mask = ev_tp == name
        if mask.any():
            take |= mask & (u < min(0.7, target / mask.sum()))
    t_cust = ev["customer"].to_numpy()[take]
    t_tp = ev_tp[take]
    t_day = ev["seconds"].to_numpy()[take] // _DAY + rng.geometric(0.5, int(take.sum())) - 1
    t_day = np.minimum(t_day, END_DAY)
    m = len(t_cust)
    variant = rng.random(m)
    ask_csat = variant < 0.75
    ask_ces = variant >= 0.4
    ask_nps = rng.random(m) < _TOUCHPOINT_NPS
    csat_shift = np.asarray([tp_by_name[t].csat for t in t_tp])
    ces_shift = np.asarray([tp_by_name[t].ces for t in t_tp])
    csat = np.clip(
        np.round(
            c["expected_csat"][t_cust] + csat_shift + arch.csat_noise * rng.standard_normal(m)
        ),
        lo,
        hi,
    )
    ces = np.clip(
        np.round(c["expected_ces"][t_cust] + ces_shift + arch.ces_noise * rng.standard_normal(m)),
        1,
        7,
    )
    # NPS asked about the touchpoint: the customer's latent satisfaction, moved by the
    # touchpoint's planted NPS shift.
    nps_shift = np.asarray([_nps_shift(arch, tp_by_name[t]) for t in t_tp])
    t_nps = np.clip(
        np.round(
            arch.nps_intercept
            + _TOUCHPOINT_NPS_SLOPE * c["z"][t_cust]
            + nps_shift
            + _TOUCHPOINT_NPS_NOISE * rng.standard_normal(m)
        ),
        0,
        10,
    )
    trans = pd.DataFrame(
        {
            "customer": t_cust,
            "day": t_day,
            "touchpoint": t_tp,
            "nps": np.where(ask_nps, t_nps, np.nan),
            "csat": np.where(ask_csat, csat, np.nan),
            "ces": np.where(ask_ces, ces, np.nan),
            "_kind": 0,
        }
    )

    # Relationship surveys: NPS with driver items, in one wave a quarter.
    drivers = list(arch.drivers)
    rel_cust, rel_day = [], []
    for wave in _WAVES:
        invited = c["converted"] & (c["start"] <= wave - 30) & (c["stop"] >= wave)
        answers = invited & (rng.random(n) < _WAVE_RESPONSE)
        who = np.flatnonzero(answers)
        rel_cust.append(who)
        rel_day.append(np.minimum(wave + rng.geometric(0.15, len(who)) - 1, wave + 30))
    r_cust = np.concatenate(rel_cust)
    r_day = np.concatenate(rel_day)
    k = len(r_cust)
    items = {}
    nps_latent = np.full(k, arch.nps_intercept)
    for name in drivers:
        weight, loading = arch.drivers[name]
        raw = 3.5 + loading * c["z"][r_cust] + 0.85 * rng.standard_normal(k)
        items[name] = np.clip(np.round(raw), 1, 5)
        nps_latent += weight * (items[name] - 3.5)
    nps = np.clip(np.round(nps_latent + arch.nps_noise * rng.standard_normal(k)), 0, 10)
    rel = pd.DataFrame(
        {
            "customer": r_cust,
            "day": r_day,
            "touchpoint": None,
            "nps": nps,
            "csat": np.nan,
            "ces": np.nan,
            "_kind": 1,
        }
    )
    for name in drivers:
        asked = rng.random(k) >= 0.08  # not every survey version asks every item
        rel[name] = np.where(asked, items[name], np.nan)
        trans[name] = np.nan
    resp = pd.concat([trans, rel], ignore_index=True)
    resp["_anonymous"] = (resp["_kind"].to_numpy() == 0) & (rng.random(len(resp)) < 0.12)
    resp["channel"] = _choice(rng, arch.response_channels, len(resp))
    resp = resp.sort_values(["day", "_kind", "customer"], kind="stable", ignore_index=True)
    return resp, {"items": np.asarray(drivers, dtype=object)}


def _nps_shift(arch: Archetype, tp: Touchpoint) -> float:
    """Planted NPS shift of a touchpoint: its CSAT shift carried onto the 0–10 NPS scale."""
    lo, hi, _ = arch.csat_scale
    return round(0.75 * tp.csat * 10 / (hi - lo), 2)


def _add_comments(
    arch: Archetype, resp: pd.DataFrame, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return comments (object array, None where absent) and the level of each."""
    lo, hi, _ = arch.csat_scale
    kind = resp["_kind"].to_numpy()
    has = rng.random(len(resp)) < np.where(kind == 1, 0.45, 0.36)
    csat = resp["csat"].to_numpy(dtype=float)
    ces = resp["ces"].to_numpy(dtype=float)
    nps = resp["nps"].to_numpy(dtype=float)
    level = np.where(
        ~np.isnan(csat),
        level_from_score(csat, lo, hi),
        np.where(
            ~np.isnan(ces), level_from_score(ces, 1, 7), level_from_score(nps, 0, 10, nps=True)
        ),
    )
    jitter = rng.random(len(resp))
    level = np.clip(level + (jitter < 0.06) - (jitter > 0.94), -3, 3)

    drivers = list(arch.drivers)
    item_values = resp[drivers].to_numpy(dtype=float)
    filled = np.where(np.isnan(item_values), 3.0, item_values)
    most = np.asarray(drivers, dtype=object)[np.argmax(filled, axis=1)]
    least = np.asarray(drivers, dtype=object)[np.argmin(filled, axis=1)]
    spare = np.asarray([*drivers, "general"], dtype=object)
    other = spare[rng.integers(0, len(spare), len(resp))]
    tp_aspect = {t.name: t.aspect for t in arch.touchpoints}
    tp_col = resp["touchpoint"].to_numpy(dtype=object)
    main = np.where(
        kind == 1,
        np.where(level > 0, most, np.where(level < 0, least, other)),
        np.asarray([tp_aspect.get(t, "general") for t in tp_col], dtype=object),
    )
    second = spare[rng.integers(0, len(spare), len(resp))]
    idx = np.flatnonzero(has)
    texts = compose_comments(level[idx], list(main[idx]), list(second[idx]), arch.vocabulary, rng)
    comments = np.full(len(resp), None, dtype=object)
    comments[idx] = texts
    return comments, level


def _phone(rng: np.random.Generator, style: str) -> str:
    k = int(rng.integers(0, 1000))
    if style == "uk_mobile" or (style == "uk_mixed" and rng.random() < 0.5):
        return f"07700 900{k:03d}"
    if style in ("uk_landline", "uk_mixed"):
        return f"01632 960{k:03d}"
    area = ("212", "312", "415", "617", "713")[int(rng.integers(0, 5))]
    return f"({area}) 555-01{k % 100:02d}"


_PII_LOCAL = (
    "orders",
    "shopper",
    "accounts",
    "bookings",
    "hello",
    "admin",
    "office",
    "billing",
    "frontdesk",
    "team",
    "enquiries",
    "studio",
)
_PII_EMAIL = (
    " You can email me at {x} if you need details.",
    " Please reply to {x}.",
    " my email is {x}",
    " Contact me on {x} to sort this out.",
)
_PII_PHONE = (
    " Call me back on {x} please.",
    " My number is {x}.",
    " Please ring {x} about this.",
    " reach me on {x} any time",
)


def _plant_pii(
    arch: Archetype,
    comments: np.ndarray,
    level: np.ndarray,
    response_ids: np.ndarray,
    rng: np.random.Generator,
) -> tuple[PiiString, ...]:
    with_text = np.flatnonzero(pd.notna(comments))
    if len(with_text) == 0:
        return ()
    negative = with_text[level[with_text] <= 0]
    pool = negative if len(negative) >= 6 else with_text
    count = min(6, len(pool))
    chosen = np.sort(rng.choice(pool, size=count, replace=False))
    found = []
    for j, i in enumerate(chosen):
        if j % 2 == 0:
            local = _PII_LOCAL[int(rng.integers(0, len(_PII_LOCAL)))]
            tld = ("com", "org", "net")[int(rng.integers(0, 3))]
            text = f"{local}.{int(rng.integers(10, 1000))}@example.{tld}"
            kind, template = "email", _PII_EMAIL[int(rng.integers(0, len(_PII_EMAIL)))]
        else:
            text = _phone(rng, arch.phone_style)
            kind, template = "phone", _PII_PHONE[int(rng.integers(0, len(_PII_PHONE)))]
        comments[i] = comments[i] + template.format(x=text)
        found.append(PiiString(str(response_ids[i]), kind, text))
    return tuple(found)


# ------------------------------------------------------------------------------------------
# 7. assembly
# ------------------------------------------------------------------------------------------


def _config(arch: Archetype) -> dict:
    lo, hi, sat = arch.csat_scale
    churn = (
        {"label": "churned"}
        if arch.churn.rule == "label"
        else {"inactive_days": arch.churn.inactive_days}
    )
    return {
        "client": arch.business,
        "currency": arch.currency,
        "industry": arch.industry,
        "scales": {
            "csat": {"min": lo, "max": hi, "satisfied": sat},
            "ces": {"min": 1, "max": 7, "direction": "higher_is_easier"},
            "items": {"min": 1, "max": 5},
        },
        "drivers": list(arch.drivers),
        "sensitive": list(arch.sensitive),
        "consent": "marketing_consent",
        "churn": churn,
    }


def build(
    arch: Archetype, n_customers: int, rng: np.random.Generator, *, event_intensity: float = 1.0
) -> DemoData:
    """Generate one demo client.

    Parameters
    ----------
    arch : Archetype
        The business to simulate.
    n_customers : int
        Number of customers (including registered prospects who never buy).
    rng : numpy.random.Generator
        The only source of randomness.
    event_intensity : float
        Multiplier of the rates of the repeatable journey moments (see ``_events``); 1.0 gives
        the committed demos.

    Returns
    -------
    DemoData
        Tables, configuration and planted truth.
    """
    n = int(n_customers)
    c = _customers(arch, n, rng)
    width = max(5, len(str(n)))
    ids = _codes("C", np.arange(1, n + 1), width)
    if arch.billing == "subscription":
        c["plan"] = np.where(c["converted"], c["plan"], "trial")
        raw_tx, purchases = _subscriptions(arch, c, rng)
    else:
        raw_tx, purchases = _order_lines(arch, c, rng)
    transactions = _finish_transactions(arch, raw_tx, ids)

    ev = _events(arch, c, purchases, rng, event_intensity)
    events = pd.DataFrame(
        {
            "customer_id": pd.Series(ids[ev["customer"].to_numpy()], dtype="str"),
            "timestamp": pd.Series(EPOCH.astype("datetime64[s]") + ev["seconds"].to_numpy()),
            "stage": pd.Series(ev["stage"].to_numpy(), dtype="str"),
            "touchpoint": pd.Series(ev["touchpoint"].to_numpy(), dtype="str"),
            "channel": pd.Series(ev["channel"].to_numpy(), dtype="str"),
            "event": pd.Series(ev["event"].to_numpy(), dtype="str"),
        }
    )

    resp, _ = _responses(arch, c, ev, rng)
    width_r = max(5, len(str(len(resp))))
    response_ids = _codes("R", np.arange(1, len(resp) + 1), width_r)
    comments, level = _add_comments(arch, resp, rng)
    pii = _plant_pii(arch, comments, level, response_ids, rng)
    customer_col = np.where(resp["_anonymous"].to_numpy(), None, ids[resp["customer"].to_numpy()])
    responses = pd.DataFrame(
        {
            "response_id": pd.Series(response_ids, dtype="str"),
            "customer_id": pd.Series(customer_col, dtype="str"),
            "date": pd.Series((EPOCH + resp["day"].to_numpy()).astype("datetime64[s]")),
            "touchpoint": pd.Series(resp["touchpoint"].to_numpy(dtype=object), dtype="str"),
            "channel": pd.Series(resp["channel"].to_numpy(), dtype="str"),
            "nps": pd.array(resp["nps"].to_numpy(), dtype="Int64"),
            "csat": pd.array(resp["csat"].to_numpy(), dtype="Int64"),
            "ces": pd.array(resp["ces"].to_numpy(), dtype="Int64"),
        }
    )
    for name in arch.drivers:
        responses[name] = pd.array(resp[name].to_numpy(), dtype="Int64")
    responses["comment"] = pd.Series(comments, dtype="str")

    # The unfair offer: given by spend, less often to the planted group.
    u = arch.unfair
    spend = np.bincount(
        raw_tx["customer"].to_numpy(), weights=raw_tx["amount"].to_numpy(), minlength=n
    )
    value = np.log1p(np.maximum(spend, 0))
    buyers = c["converted"] & (spend > 0)
    zv = (value - value[buyers].mean()) / value[buyers].std()
    in_group = c[u.attribute] == u.group
    p_offer = _sigmoid(u.intercept + u.value * zv + u.gap * in_group)
    offer = rng.random(n) < p_offer

    customers = pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="str"),
            "signup_date": pd.Series((EPOCH + c["signup"]).astype("datetime64[s]")),
        }
    )
    for col in arch.columns:
        if col == "marketing_consent":
            customers[col] = c["consent"]
        elif col == u.column:
            customers[col] = offer
        elif col == "churned":
            customers[col] = c["churned"]
        elif col in arch.segments[0].numbers:
            customers[col] = pd.array(c[col].astype(np.int64), dtype="Int64")
        else:
            customers[col] = pd.Series(c[col], dtype="str")

    keys = np.asarray([s.key for s in arch.segments], dtype=object)
    churn_date = np.where(
        c["churned"], EPOCH + np.maximum(c["churn_day"], 0), np.datetime64("NaT")
    ).astype("datetime64[s]")
    truth_customers = pd.DataFrame(
        {
            "segment": pd.array(keys[c["seg"]], dtype="str"),
            "converted": c["converted"],
            "existing": c["existing"],
            "churned": c["churned"],
            "churn_date": churn_date,
            "churn_probability": c["churn_probability"],
            "expected_csat": c["expected_csat"],
            "expected_ces": c["expected_ces"],
            "support_contacts": c["support"].astype(np.int64),
            "offer_probability": p_offer,
        },
        index=pd.Index(ids, dtype="str", name="customer_id"),
    )
    truth = PlantedTruth(
        name=arch.name,
        business=arch.business,
        customers=truth_customers,
        segments=_segment_table(arch),
        churn=_churn_truth(arch),
        pain_point=min((t for t in arch.touchpoints if t.surveyed), key=lambda t: t.csat).name,
        touchpoints=pd.DataFrame(
            [
                {
                    "touchpoint": t.name,
                    "stage": t.stage,
                    "csat_shift": t.csat,
                    "ces_shift": t.ces,
                    "nps_shift": _nps_shift(arch, t),
                }
                for t in arch.touchpoints
                if t.surveyed
            ]
        ).set_index("touchpoint"),
        seasonality=SeasonalityTruth(
            measure=arch.seasonality,
            month_weights=tuple(arch.month_weights)
            if arch.seasonality == "transactions"
            else tuple(arch.signup_month_weights),
            peak_months=arch.peak_months,
            description=arch.seasonality_note,
        ),
        unfair=UnfairTruth(
            column=u.column,
            attribute=u.attribute,
            group=u.group,
            control=u.control,
            odds_ratio=float(np.exp(u.gap)),
            coefficients={"intercept": u.intercept, "value": u.value, "gap": u.gap},
            rate_group=float(offer[buyers & in_group].mean()),
            rate_others=float(offer[buyers & ~in_group].mean()),
            description=u.description,
        ),
        drivers=DriverTruth(
            outcome="nps", weights={k: float(w) for k, (w, _) in arch.drivers.items()}
        ),
        pii=pii,
        period=(pd.Timestamp(EPOCH), pd.Timestamp(EPOCH + END_DAY)),
        affinities=tuple(arch.affinities),
        nps_waves=tuple(pd.Timestamp(EPOCH + day) for day in _WAVES),
    )
    tables = {
        "customers": customers,
        "transactions": transactions,
        "responses": responses,
        "events": events,
    }
    return DemoData(name=arch.name, tables=tables, config=_config(arch), truth=truth)


def _segment_table(arch: Archetype) -> pd.DataFrame:
    rows = []
    for s in arch.segments:
        rows.append(
            {
                "segment": s.key,
                "label": s.label,
                "share": s.share,
                "description": s.description,
                "purchases_per_year": s.rate,
                "median_amount": s.price,
                "expected_csat": arch.csat_center + arch.csat_spread * s.satisfaction,
                "churn_shift": s.churn,
                "top_category": max(s.categories, key=s.categories.get),
                "top_channel": max(s.channels, key=s.channels.get),
            }
        )
    return pd.DataFrame(rows).set_index("segment")


def _churn_truth(arch: Archetype) -> ChurnTruth:
    m = arch.churn
    coef = {"intercept": m.intercept, "csat": m.csat, "ces": m.ces, "support": m.support}
    for s in arch.segments:
        if s.churn:
            coef[f"segment:{s.key}"] = s.churn
    for col, shifts in m.attribute_shifts.items():
        for value, shift in shifts.items():
            if shift:
                coef[f"{col}:{value}"] = shift
    rule = (
        "the 'churned' column (an account that cancelled its paid plan)"
        if m.rule == "label"
        else f"no transaction in the last {m.inactive_days} days"
    )
    text = (
        f"logit P(churn in the period) = {m.intercept:+.2f} {m.csat:+.2f}·(expected CSAT − "
        f"{m.csat_ref:g}) {m.ces:+.2f}·(expected CES − {m.ces_ref:g}) {m.support:+.2f}·(support "
        f"contacts) + group shifts; churn is declared by {rule}; churn dates are uniform between "
        "three weeks after the first purchase and the last date the rule can still see"
    )
    return ChurnTruth(
        rule=m.rule,
        inactive_days=m.inactive_days if m.rule == "inactive_days" else None,
        coefficients=coef,
        csat_ref=m.csat_ref,
        ces_ref=m.ces_ref,
        description=text,
    )
