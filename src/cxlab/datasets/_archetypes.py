"""The four demo businesses: who their customers are and what is planted in their data.

Each :class:`Archetype` is a complete description of one fictional small business: its customer
segments (after the four-industry segmentation table of the curriculum), how each segment buys and
how satisfied it is, the touchpoints of its journey with their satisfaction and effort, the churn
model, the seasonal pattern, the driver weights, the one unfair offer, and the words its customers
use in comments. :mod:`cxlab.datasets._generate` turns an archetype into tables; nothing in this
module draws random numbers.

Units. Satisfaction and ease are latent, standard-normal traits of each customer; a segment's
``satisfaction`` and ``ease`` shift them (in standard deviations). Touchpoint effects are in
points of the demo's CSAT and CES scales. Churn coefficients act on the log-odds of churning
during the two-year period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxlab.datasets._comments import Aspect
from cxlab.datasets._truth import Affinity

__all__ = ["ARCHETYPES", "Archetype", "ChurnModel", "Segment", "Touchpoint", "UnfairOffer"]

STAGES: tuple[str, ...] = ("awareness", "consideration", "purchase", "service", "loyalty")

_UK_REGIONS = {
    "London": 0.2,
    "South East": 0.14,
    "North West": 0.12,
    "Midlands": 0.14,
    "Yorkshire": 0.09,
    "Scotland": 0.09,
    "Wales": 0.06,
    "South West": 0.09,
    "North East": 0.07,
}
_GENDER = {"female": 0.57, "male": 0.4, "non-binary": 0.03}


@dataclass(frozen=True)
class Segment:
    """One true customer segment and how it behaves.

    Parameters
    ----------
    key, label : str
        Identifier (stored in the planted truth) and display name.
    share : float
        Share of customers.
    description : str
        One line on who they are.
    attributes : dict
        Observable customer attributes: column → {value: probability}.
    numbers : dict
        Observable whole-number attributes: column → (median, log-sd, minimum) of a rounded
        log-normal draw.
    convert : float
        Probability that a new sign-up ever buys.
    rate : float
        Orders (visits, invoices, add-on purchases) per active year.
    lines : float
        Mean number of extra lines per order (an order has ``1 + Poisson(lines)`` lines).
    price : float
        Median amount of one line before quantity (SaaS: price per seat is set by the plan).
    price_sigma : float
        Log-sd of the line amount.
    quantity : float
        Mean extra units per line (``1 + Poisson(quantity)``).
    categories, channels : dict
        Category and sales-channel mix of the segment's transactions.
    satisfaction, ease : float
        Shift of the latent satisfaction and ease traits (standard deviations).
    support : float
        Mean number of support contacts over a customer's life (before the satisfaction effect).
    churn : float
        Shift of the churn log-odds.
    refund : float
        Share of lines refunded.
    service : float
        Mean non-support service events per active year.
    loyalty : float
        Mean loyalty-stage events of a customer who stays.
    """

    key: str
    label: str
    share: float
    description: str
    attributes: dict[str, dict[str, float]]
    numbers: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    convert: float = 0.8
    rate: float = 4.0
    lines: float = 0.0
    price: float = 20.0
    price_sigma: float = 0.4
    quantity: float = 0.0
    categories: dict[str, float] = field(default_factory=dict)
    channels: dict[str, float] = field(default_factory=dict)
    satisfaction: float = 0.0
    ease: float = 0.0
    support: float = 1.0
    churn: float = 0.0
    refund: float = 0.02
    service: float = 1.5
    loyalty: float = 1.0


@dataclass(frozen=True)
class Touchpoint:
    """A point of contact in the journey.

    Parameters
    ----------
    name, stage : str
        Touchpoint and journey stage.
    event : str
        What the customer did there (the ``event`` column).
    channels : dict
        Channel mix of events at this touchpoint.
    weight : float
        Relative frequency within its stage.
    surveyed : bool
        Whether a post-interaction survey (CSAT/CES) follows it.
    csat, ces : float
        Planted shift of CSAT and CES at this touchpoint, in scale points (negative CES = harder).
    aspect : str
        Key of the comment vocabulary for this touchpoint.
    """

    name: str
    stage: str
    event: str
    channels: dict[str, float]
    weight: float = 1.0
    surveyed: bool = False
    csat: float = 0.0
    ces: float = 0.0
    aspect: str = "general"


@dataclass(frozen=True)
class ChurnModel:
    """The planted churn model: logistic in observable factors.

    ``logit P(churn during the period) = intercept + csat·(expected CSAT − csat_ref)
    + ces·(expected CES − ces_ref) + support·(support contacts) + segment shift
    + attribute shifts``.

    Parameters
    ----------
    rule : {"inactive_days", "label"}
        How the bundle declares churn.
    inactive_days : int
        Days without a transaction that count as churn (``rule == "inactive_days"``).
    intercept, csat, ces, support : float
        Coefficients (per CSAT point, per CES point, per support contact).
    csat_ref, ces_ref : float
        Reference levels of expected CSAT and CES.
    attribute_shifts : dict
        Extra log-odds by an observable customer attribute: column → {value: shift}.
    """

    rule: str
    inactive_days: int
    intercept: float
    csat: float
    ces: float
    support: float
    csat_ref: float
    ces_ref: float
    attribute_shifts: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class UnfairOffer:
    """The one planted unfair outcome.

    ``logit P(column) = intercept + value·z(log spend) + gap·[attribute == group]``: at equal spend
    the group's odds are multiplied by ``exp(gap)``.

    Parameters
    ----------
    column : str
        Boolean customers column holding the outcome.
    attribute, group : str
        The sensitive attribute and the disadvantaged group.
    control : str
        Another sensitive attribute with no planted gap.
    intercept, value, gap : float
        Coefficients of the offer model.
    description : str
        What the outcome is.
    """

    column: str
    attribute: str
    group: str
    control: str
    intercept: float
    value: float
    gap: float
    description: str


@dataclass(frozen=True)
class Archetype:
    """A complete description of one demo business (see the module docstring)."""

    name: str
    business: str
    summary: str
    currency: str
    industry: str
    default_size: int
    default_seed: int
    segments: tuple[Segment, ...]
    columns: tuple[str, ...]
    existing_share: float
    billing: str
    order_prefix: str
    month_weights: tuple[float, ...]
    weekday_weights: tuple[float, ...]
    signup_month_weights: tuple[float, ...]
    seasonality: str
    peak_months: tuple[int, ...]
    seasonality_note: str
    touchpoints: tuple[Touchpoint, ...]
    purchase_touchpoints: dict[str, dict[str, float]]
    onboarding: str | None
    csat_scale: tuple[int, int, int]
    csat_center: float
    csat_spread: float
    csat_noise: float
    ces_center: float
    ces_spread: float
    ces_noise: float
    drivers: dict[str, tuple[float, float]]
    nps_intercept: float
    nps_noise: float
    churn: ChurnModel
    unfair: UnfairOffer
    sensitive: tuple[str, ...]
    consent_rate: float
    vocabulary: dict[str, Aspect]
    response_channels: dict[str, float]
    phone_style: str
    plan_prices: dict[str, float] = field(default_factory=dict)
    category_price: dict[str, float] = field(default_factory=dict)
    affinities: tuple[Affinity, ...] = ()


# --------------------------------------------------------------------------------------------
# Shared vocabulary
# --------------------------------------------------------------------------------------------

_GENERAL = Aspect(
    nouns=("the whole experience", "everything", "the service overall", "the experience"),
    good=(
        "went smoothly from start to finish",
        "was handled with care",
        "left me feeling looked after",
        "met every expectation",
    ),
    bad=(
        "fell apart halfway through",
        "left me frustrated",
        "was a letdown from start to finish",
        "went wrong more than once",
    ),
)

_SUPPORT = Aspect(
    nouns=(
        "customer support",
        "the support team",
        "the help desk",
        "the live chat",
        "the support line",
    ),
    good=(
        "sorted my problem straight away",
        "answered within minutes",
        "was friendly and knew what to do",
        "followed up without me chasing",
        "solved it on the first call",
    ),
    bad=(
        "kept me waiting for days",
        "passed me from person to person",
        "never answered my emails",
        "closed my ticket without fixing anything",
        "gave me three different answers",
    ),
)

_VALUE = Aspect(
    nouns=("value for money", "the price", "what I paid", "the pricing"),
    good=(
        "is fair for what you get",
        "felt like a bargain",
        "was worth every penny",
        "was clear with no surprises",
    ),
    bad=(
        "felt steep for what you get",
        "crept up with hidden extras",
        "is hard to justify",
        "went up without warning",
    ),
)


# --------------------------------------------------------------------------------------------
# Loomwell Apparel: online clothing retailer
# --------------------------------------------------------------------------------------------

_RETAIL_VOCAB = {
    "general": _GENERAL,
    "support": _SUPPORT,
    "value_for_money": _VALUE,
    "product_page": Aspect(
        nouns=(
            "the product page",
            "the size guide",
            "the photo gallery",
            "the product description",
            "browsing the site",
        ),
        good=(
            "showed exactly what I'd get",
            "made choosing a size easy",
            "had all the details I needed",
            "helped me pick the right fit",
        ),
        bad=(
            "left out the measurements",
            "showed colours that look nothing like the real thing",
            "was missing basic fabric details",
            "kept loading slowly",
        ),
    ),
    "checkout": Aspect(
        nouns=(
            "the checkout",
            "paying online",
            "the payment page",
            "checking out",
            "the basket and checkout",
        ),
        good=(
            "took less than a minute",
            "went through first time",
            "remembered my details",
            "was quick and secure",
        ),
        bad=(
            "kept timing out",
            "added delivery fees at the last step",
            "rejected my card twice",
            "made me re-enter my address three times",
            "crashed just as I paid",
            "forced me to create an account",
        ),
    ),
    "delivery": Aspect(
        nouns=("the delivery", "shipping", "the parcel", "the courier", "delivery tracking"),
        good=(
            "arrived a day early",
            "came well packed",
            "turned up exactly when promised",
            "was tracked every step of the way",
        ),
        bad=(
            "arrived a week late",
            "turned up damaged",
            "went to the wrong address",
            "sat in a depot for days",
        ),
    ),
    "returns": Aspect(
        nouns=("the returns process", "sending items back", "getting my refund", "the exchange"),
        good=(
            "was painless",
            "was sorted within days",
            "was free and simple",
            "came with a prepaid label",
        ),
        bad=(
            "took weeks to refund",
            "needed a form nobody could find",
            "cost me postage I shouldn't have paid",
            "got lost in the system",
        ),
    ),
    "product_quality": Aspect(
        nouns=(
            "the quality of the clothes",
            "the fabric",
            "the fit",
            "the stitching",
            "the material",
        ),
        good=(
            "held up after months of wear",
            "looked even better than the photos",
            "beat the high-street brands",
            "felt like it would last for years",
        ),
        bad=(
            "fell apart after two washes",
            "shrank the first time I washed it",
            "felt thin and cheap",
            "came with loose threads everywhere",
        ),
    ),
    "delivery_speed": Aspect(
        nouns=(
            "shipping speed",
            "the delivery time",
            "the speed of delivery",
            "how fast my order arrived",
        ),
        good=(
            "beat every other shop I use",
            "never let me down",
            "meant I could order on Monday and wear it on Wednesday",
        ),
        bad=("was far too long", "kept slipping", "ruined a birthday present"),
    ),
    "website_ease": Aspect(
        nouns=("the website", "the app", "finding things on the site", "the search on the site"),
        good=("is easy to find my way around", "works well on my phone", "remembers what I like"),
        bad=("is a maze", "keeps logging me out", "shows things that are out of stock"),
    ),
}

_RETAILER = Archetype(
    name="clothing_retailer",
    business="Loomwell Apparel",
    summary="an online clothing shop selling its own label through a website and an app",
    currency="GBP",
    industry="ecommerce",
    default_size=2000,
    default_seed=20240101,
    segments=(
        Segment(
            key="trendy_young_adults",
            label="Trendy young adults",
            share=0.34,
            description="fashion-forward, active on social media, order often and return a lot",
            attributes={
                "age_band": {
                    "18-24": 0.5,
                    "25-34": 0.37,
                    "35-44": 0.09,
                    "45-54": 0.03,
                    "55+": 0.01,
                },
                "gender": _GENDER,
                "region": {**_UK_REGIONS, "London": 0.3},
                "channel": {
                    "social": 0.55,
                    "search": 0.15,
                    "referral": 0.15,
                    "marketplace": 0.1,
                    "email": 0.05,
                },
            },
            convert=0.82,
            rate=8.0,
            lines=0.9,
            price=24.0,
            price_sigma=0.45,
            quantity=0.15,
            categories={
                "tops": 0.3,
                "dresses": 0.22,
                "accessories": 0.18,
                "footwear": 0.12,
                "trousers": 0.1,
                "knitwear": 0.05,
                "outerwear": 0.03,
            },
            channels={"app": 0.6, "web": 0.4},
            satisfaction=0.1,
            ease=0.25,
            support=0.9,
            churn=0.0,
            refund=0.14,
            service=1.2,
            loyalty=1.0,
        ),
        Segment(
            key="classic_professionals",
            label="Classic professionals",
            share=0.3,
            description="timeless styles, quality first, fewer but larger orders",
            attributes={
                "age_band": {
                    "18-24": 0.02,
                    "25-34": 0.18,
                    "35-44": 0.34,
                    "45-54": 0.26,
                    "55+": 0.2,
                },
                "gender": _GENDER,
                "region": _UK_REGIONS,
                "channel": {
                    "search": 0.4,
                    "email": 0.25,
                    "referral": 0.2,
                    "social": 0.1,
                    "marketplace": 0.05,
                },
            },
            convert=0.85,
            rate=5.0,
            lines=0.5,
            price=58.0,
            price_sigma=0.4,
            quantity=0.05,
            categories={
                "outerwear": 0.2,
                "knitwear": 0.22,
                "trousers": 0.22,
                "tops": 0.14,
                "dresses": 0.1,
                "footwear": 0.08,
                "accessories": 0.04,
            },
            channels={"web": 0.7, "app": 0.3},
            satisfaction=0.5,
            ease=0.0,
            support=0.6,
            churn=-0.4,
            refund=0.06,
            service=1.0,
            loyalty=1.3,
        ),
        Segment(
            key="budget_shoppers",
            label="Budget shoppers",
            share=0.36,
            description="price-sensitive deal seekers who fill baskets with cheap items in sales",
            attributes={
                "age_band": {
                    "18-24": 0.18,
                    "25-34": 0.25,
                    "35-44": 0.2,
                    "45-54": 0.15,
                    "55+": 0.22,
                },
                "gender": _GENDER,
                "region": {**_UK_REGIONS, "London": 0.12, "North East": 0.1},
                "channel": {
                    "marketplace": 0.35,
                    "email": 0.3,
                    "social": 0.2,
                    "search": 0.1,
                    "referral": 0.05,
                },
            },
            convert=0.78,
            rate=6.0,
            lines=1.2,
            price=13.0,
            price_sigma=0.45,
            quantity=0.35,
            categories={
                "tops": 0.3,
                "accessories": 0.22,
                "trousers": 0.15,
                "footwear": 0.1,
                "knitwear": 0.1,
                "dresses": 0.1,
                "outerwear": 0.03,
            },
            channels={"web": 0.55, "app": 0.45},
            satisfaction=-0.5,
            ease=-0.1,
            support=1.3,
            churn=0.5,
            refund=0.08,
            service=1.1,
            loyalty=0.6,
        ),
    ),
    columns=("region", "channel", "age_band", "gender", "marketing_consent", "offer_received"),
    existing_share=0.4,
    billing="orders",
    order_prefix="LW",
    month_weights=(0.9, 0.8, 0.9, 0.95, 1.0, 1.0, 1.45, 0.95, 0.95, 1.0, 1.7, 2.0),
    weekday_weights=(1.05, 0.95, 0.95, 0.95, 1.0, 0.95, 1.15),
    signup_month_weights=(1.0, 0.9, 0.95, 1.0, 1.0, 1.0, 1.3, 1.0, 1.0, 1.0, 1.5, 1.6),
    seasonality="transactions",
    peak_months=(11, 12),
    seasonality_note=(
        "order lines follow monthly weights: November 1.7 and December 2.0 times an ordinary "
        "month (1.0), a July summer sale at 1.45, a quiet February at 0.8"
    ),
    touchpoints=(
        Touchpoint("social_ad", "awareness", "ad_click", {"social": 1.0}, 3.0),
        Touchpoint("search", "awareness", "search_click", {"web": 1.0}, 2.0),
        Touchpoint("newsletter", "awareness", "email_click", {"email": 1.0}, 1.0),
        Touchpoint("friend_referral", "awareness", "referral_link", {"social": 0.5, "email": 0.5}),
        Touchpoint("marketplace_listing", "awareness", "listing_view", {"marketplace": 1.0}),
        Touchpoint(
            "product_page",
            "consideration",
            "page_view",
            {"web": 0.55, "app": 0.45},
            3.0,
            surveyed=True,
            csat=0.15,
            ces=0.25,
            aspect="product_page",
        ),
        Touchpoint("size_guide", "consideration", "guide_view", {"web": 0.6, "app": 0.4}),
        Touchpoint("reviews", "consideration", "reviews_read", {"web": 0.6, "app": 0.4}),
        Touchpoint(
            "checkout",
            "purchase",
            "order_placed",
            {"web": 0.55, "app": 0.45},
            surveyed=True,
            csat=-1.3,
            ces=-1.8,
            aspect="checkout",
        ),
        Touchpoint("order_confirmation", "service", "email_opened", {"email": 1.0}, 1.5),
        Touchpoint(
            "delivery",
            "service",
            "parcel_delivered",
            {"courier": 1.0},
            3.0,
            surveyed=True,
            csat=0.1,
            ces=0.3,
            aspect="delivery",
        ),
        Touchpoint(
            "returns",
            "service",
            "return_requested",
            {"web": 0.7, "app": 0.3},
            1.2,
            surveyed=True,
            csat=-0.3,
            ces=-0.45,
            aspect="returns",
        ),
        Touchpoint(
            "support",
            "service",
            "contact",
            {"chat": 0.45, "email": 0.35, "phone": 0.2},
            surveyed=True,
            csat=0.0,
            ces=-0.2,
            aspect="support",
        ),
        Touchpoint("review", "loyalty", "review_posted", {"web": 0.6, "app": 0.4}, 1.5),
        Touchpoint("loyalty_programme", "loyalty", "joined_loyalty", {"app": 1.0}),
        Touchpoint("referral", "loyalty", "friend_referred", {"social": 0.6, "email": 0.4}),
    ),
    purchase_touchpoints={"*": {"checkout": 1.0}},
    onboarding=None,
    csat_scale=(1, 5, 4),
    csat_center=4.0,
    csat_spread=0.7,
    csat_noise=0.75,
    ces_center=5.3,
    ces_spread=0.85,
    ces_noise=0.9,
    drivers={
        "product_quality": (0.95, 0.6),
        "value_for_money": (0.65, 0.5),
        "delivery_speed": (0.4, 0.4),
        "website_ease": (0.15, 0.4),
    },
    nps_intercept=8.0,
    nps_noise=1.0,
    churn=ChurnModel(
        rule="inactive_days",
        inactive_days=180,
        intercept=-1.5,
        csat=-1.0,
        ces=-0.45,
        support=0.4,
        csat_ref=4.0,
        ces_ref=5.3,
    ),
    unfair=UnfairOffer(
        column="offer_received",
        attribute="age_band",
        group="55+",
        control="gender",
        intercept=-0.5,
        value=0.9,
        gap=-1.2,
        description="a 20% voucher for the next order, sent after the customer's purchases",
    ),
    sensitive=("gender", "age_band"),
    consent_rate=0.64,
    vocabulary=_RETAIL_VOCAB,
    response_channels={"email": 0.55, "app": 0.3, "sms": 0.15},
    phone_style="uk_mobile",
    category_price={
        "outerwear": 2.0,
        "footwear": 1.5,
        "dresses": 1.3,
        "knitwear": 1.2,
        "trousers": 1.1,
        "tops": 0.8,
        "accessories": 0.6,
    },
    affinities=(
        Affinity(
            "dresses",
            "footwear",
            0.45,
            "shoes to go with the dress: an order with a dress often gains a pair of shoes",
        ),
    ),
)


# --------------------------------------------------------------------------------------------
# Tallyfold: SaaS
# --------------------------------------------------------------------------------------------

_US_REGIONS = {"Northeast": 0.22, "Midwest": 0.22, "South": 0.34, "West": 0.22}
_OWNER = {"female": 0.42, "male": 0.55, "undisclosed": 0.03}

_SAAS_VOCAB = {
    "general": _GENERAL,
    "support": _SUPPORT,
    "value_for_money": _VALUE,
    "demo_call": Aspect(
        nouns=("the demo call", "the product demo", "the sales call"),
        good=("answered every question we had", "showed exactly our use case", "was to the point"),
        bad=("was a generic slideshow", "ran over by half an hour", "dodged our questions"),
    ),
    "subscription": Aspect(
        nouns=("signing up", "choosing a plan", "the upgrade from the trial", "the plan page"),
        good=(
            "took a couple of clicks",
            "was clear about what each plan includes",
            "kept all our trial data",
        ),
        bad=(
            "hid the prices behind a sales call",
            "charged us twice",
            "lost the settings from our trial",
        ),
    ),
    "onboarding": Aspect(
        nouns=(
            "onboarding",
            "the setup",
            "getting started",
            "the data import",
            "the onboarding session",
            "setting up our team",
        ),
        good=(
            "had us running in a day",
            "came with a checklist that actually helped",
            "imported our old data without a hitch",
            "was guided by someone who knew our trade",
        ),
        bad=(
            "took three weeks instead of three days",
            "lost half of our imported clients",
            "left us with a pile of videos and no help",
            "needed a developer we don't have",
            "kept failing on the calendar sync",
            "was a maze of settings",
        ),
    ),
    "billing": Aspect(
        nouns=("billing", "the monthly invoice", "our account page", "the billing portal"),
        good=("is clear and predictable", "matches what we agreed", "is easy to download"),
        bad=("charged for seats we removed", "is impossible to read", "changed without notice"),
    ),
    "training": Aspect(
        nouns=("the training session", "the webinar training", "the academy course"),
        good=("taught my team the shortcuts", "was worth the hour", "was well paced"),
        bad=("was far too basic", "skipped the features we use", "kept buffering"),
    ),
    "reliability": Aspect(
        nouns=("reliability", "the platform", "the app's stability", "the system"),
        good=("has been rock solid", "never lets us down on a busy day", "is spot on"),
        bad=(
            "goes down on Monday mornings",
            "drops bookings now and then",
            "crashed twice this month",
        ),
    ),
    "ease_of_use": Aspect(
        nouns=("the interface", "day-to-day use", "the calendar screen", "the mobile app"),
        good=("is intuitive for the whole team", "saves us hours a week", "just makes sense"),
        bad=("needs too many clicks", "confuses my staff", "is clunky on a phone"),
    ),
    "support_quality": Aspect(
        nouns=("the support team", "support", "the help centre"),
        good=("replies within the hour", "fixes things properly", "really knows the product"),
        bad=("takes days to reply", "sends canned answers", "never escalates anything"),
    ),
    "integrations": Aspect(
        nouns=("the integrations", "the sync features", "the connections to our other tools"),
        good=("work out of the box", "save us double entry", "cover everything we use"),
        bad=("break after every update", "miss the tools we rely on", "duplicate our records"),
        plural=True,
    ),
}

_SAAS = Archetype(
    name="saas",
    business="Tallyfold",
    summary="online scheduling and invoicing software for service businesses, sold per seat",
    currency="USD",
    industry="saas",
    default_size=1500,
    default_seed=20240216,
    segments=(
        Segment(
            key="small_businesses",
            label="Small businesses (basic needs)",
            share=0.55,
            description="cost-conscious owners who need the essential features",
            attributes={
                "region": _US_REGIONS,
                "channel": {
                    "search": 0.45,
                    "social": 0.15,
                    "referral": 0.2,
                    "partner": 0.1,
                    "webinar": 0.1,
                },
                "industry": {
                    "beauty": 0.25,
                    "trades": 0.25,
                    "fitness": 0.2,
                    "health": 0.15,
                    "professional_services": 0.15,
                },
                "company_size": {"1-9": 0.7, "10-49": 0.28, "50-249": 0.02},
                "plan": {"basic": 0.75, "pro": 0.22, "enterprise": 0.03},
                "owner_gender": _OWNER,
            },
            numbers={"seats": (3.0, 0.5, 1)},
            convert=0.72,
            rate=0.6,
            price=40.0,
            price_sigma=0.3,
            categories={"add_on": 1.0},
            channels={"card": 0.9, "bank_transfer": 0.1},
            satisfaction=-0.1,
            ease=-0.1,
            support=1.2,
            churn=0.2,
            refund=0.015,
            service=1.6,
            loyalty=0.6,
        ),
        Segment(
            key="medium_enterprises",
            label="Medium enterprises (advanced features)",
            share=0.33,
            description="growing firms that need scale and integrations",
            attributes={
                "region": _US_REGIONS,
                "channel": {
                    "search": 0.3,
                    "webinar": 0.25,
                    "partner": 0.2,
                    "referral": 0.15,
                    "social": 0.1,
                },
                "industry": {
                    "health": 0.25,
                    "professional_services": 0.3,
                    "trades": 0.15,
                    "fitness": 0.15,
                    "education": 0.15,
                },
                "company_size": {"10-49": 0.55, "50-249": 0.43, "250+": 0.02},
                "plan": {"basic": 0.15, "pro": 0.75, "enterprise": 0.1},
                "owner_gender": _OWNER,
            },
            numbers={"seats": (18.0, 0.5, 5)},
            convert=0.78,
            rate=1.0,
            price=120.0,
            price_sigma=0.3,
            categories={"add_on": 1.0},
            channels={"card": 0.55, "bank_transfer": 0.45},
            satisfaction=0.2,
            ease=0.1,
            support=1.6,
            churn=0.0,
            refund=0.01,
            service=2.0,
            loyalty=1.0,
        ),
        Segment(
            key="enterprise_clients",
            label="Enterprise clients (custom solutions)",
            share=0.12,
            description="large accounts with tailored set-ups and a dedicated contact",
            attributes={
                "region": _US_REGIONS,
                "channel": {"outbound": 0.4, "partner": 0.3, "webinar": 0.2, "referral": 0.1},
                "industry": {
                    "health": 0.35,
                    "education": 0.25,
                    "professional_services": 0.25,
                    "fitness": 0.15,
                },
                "company_size": {"50-249": 0.35, "250+": 0.65},
                "plan": {"pro": 0.15, "enterprise": 0.85},
                "owner_gender": _OWNER,
            },
            numbers={"seats": (90.0, 0.6, 25)},
            convert=0.85,
            rate=1.5,
            price=450.0,
            price_sigma=0.3,
            categories={"add_on": 1.0},
            channels={"bank_transfer": 0.85, "card": 0.15},
            satisfaction=0.35,
            ease=0.2,
            support=2.2,
            churn=-0.5,
            refund=0.01,
            service=2.5,
            loyalty=1.4,
        ),
    ),
    columns=(
        "region",
        "channel",
        "industry",
        "company_size",
        "plan",
        "seats",
        "owner_gender",
        "marketing_consent",
        "priority_support",
        "churned",
    ),
    existing_share=0.35,
    billing="subscription",
    order_prefix="INV",
    month_weights=(1.0,) * 12,
    weekday_weights=(1.2, 1.2, 1.2, 1.2, 1.1, 0.3, 0.3),
    signup_month_weights=(3.0, 1.4, 1.1, 1.0, 0.9, 0.85, 0.8, 0.75, 1.0, 1.0, 0.9, 0.6),
    seasonality="signups",
    peak_months=(1,),
    seasonality_note=(
        "new accounts (signup_date, and so the first invoices a week later) follow monthly "
        "weights: January 3.0 times an ordinary month (1.0), February 1.4, December 0.6"
    ),
    touchpoints=(
        Touchpoint("search_ad", "awareness", "ad_click", {"web": 1.0}, 2.0),
        Touchpoint("webinar", "awareness", "webinar_attended", {"video": 1.0}),
        Touchpoint("partner_referral", "awareness", "referral", {"partner": 1.0}),
        Touchpoint("review_site", "awareness", "listing_view", {"web": 1.0}),
        Touchpoint("social_post", "awareness", "post_click", {"social": 1.0}),
        Touchpoint("pricing_page", "consideration", "page_view", {"web": 1.0}, 2.0),
        Touchpoint("free_trial", "consideration", "trial_activity", {"app": 1.0}, 3.0),
        Touchpoint(
            "demo_call",
            "consideration",
            "demo_held",
            {"video": 1.0},
            1.0,
            surveyed=True,
            csat=0.3,
            ces=0.3,
            aspect="demo_call",
        ),
        Touchpoint(
            "subscription",
            "purchase",
            "plan_purchased",
            {"web": 0.7, "sales": 0.3},
            surveyed=True,
            csat=0.15,
            ces=0.2,
            aspect="subscription",
        ),
        Touchpoint(
            "onboarding",
            "service",
            "onboarding_session",
            {"video": 0.6, "app": 0.4},
            0.0,
            surveyed=True,
            csat=-1.3,
            ces=-1.8,
            aspect="onboarding",
        ),
        Touchpoint(
            "support",
            "service",
            "ticket",
            {"chat": 0.5, "email": 0.35, "phone": 0.15},
            surveyed=True,
            csat=-0.15,
            ces=-0.25,
            aspect="support",
        ),
        Touchpoint(
            "billing",
            "service",
            "invoice_query",
            {"email": 0.7, "app": 0.3},
            1.0,
            surveyed=True,
            csat=-0.2,
            ces=-0.3,
            aspect="billing",
        ),
        Touchpoint(
            "training",
            "service",
            "training_session",
            {"video": 1.0},
            1.5,
            surveyed=True,
            csat=0.25,
            ces=0.25,
            aspect="training",
        ),
        Touchpoint(
            "product_update", "service", "release_notes_read", {"email": 0.5, "app": 0.5}, 1.5
        ),
        Touchpoint("upgrade", "loyalty", "plan_upgraded", {"app": 1.0}),
        Touchpoint("referral", "loyalty", "partner_referred", {"web": 1.0}),
        Touchpoint("community", "loyalty", "forum_post", {"web": 1.0}, 1.5),
        Touchpoint("case_study", "loyalty", "case_study_published", {"email": 1.0}, 0.5),
    ),
    purchase_touchpoints={"*": {"subscription": 1.0}},
    onboarding="onboarding",
    csat_scale=(1, 5, 4),
    csat_center=4.05,
    csat_spread=0.7,
    csat_noise=0.7,
    ces_center=5.2,
    ces_spread=0.85,
    ces_noise=0.9,
    drivers={
        "reliability": (1.0, 0.5),
        "ease_of_use": (0.7, 0.55),
        "support_quality": (0.45, 0.45),
        "value_for_money": (0.25, 0.4),
        "integrations": (0.05, 0.4),
    },
    nps_intercept=7.9,
    nps_noise=1.0,
    churn=ChurnModel(
        rule="label",
        inactive_days=0,
        intercept=-1.6,
        csat=-0.9,
        ces=-0.5,
        support=0.3,
        csat_ref=4.05,
        ces_ref=5.2,
        attribute_shifts={"plan": {"basic": 0.6, "pro": 0.0, "enterprise": -0.6}},
    ),
    unfair=UnfairOffer(
        column="priority_support",
        attribute="owner_gender",
        group="female",
        control="region",
        intercept=-0.6,
        value=1.1,
        gap=-1.1,
        description="a priority support line offered by the account team",
    ),
    sensitive=("owner_gender", "region"),
    consent_rate=0.7,
    vocabulary=_SAAS_VOCAB,
    response_channels={"in_app": 0.5, "email": 0.5},
    phone_style="us",
    plan_prices={"basic": 15.0, "pro": 29.0, "enterprise": 49.0},
)


# --------------------------------------------------------------------------------------------
# Fennel & Flint: neighbourhood restaurant
# --------------------------------------------------------------------------------------------

_AREAS = {
    "Old Town": 0.24,
    "Riverside": 0.2,
    "Northfield": 0.18,
    "Harbourside": 0.16,
    "Greenway": 0.12,
    "Out of town": 0.1,
}
_AGE6 = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
_DINER_GENDER = {"female": 0.52, "male": 0.46, "non-binary": 0.02}

_RESTAURANT_VOCAB = {
    "general": _GENERAL,
    "support": Aspect(
        nouns=("the reply to my complaint", "the manager", "how my complaint was handled"),
        good=(
            "made it right straight away",
            "called me back the same day",
            "offered a kind gesture",
        ),
        bad=("never got back to me", "blamed the kitchen and left it there", "brushed it off"),
    ),
    "value_for_money": _VALUE,
    "table_booking": Aspect(
        nouns=(
            "booking a table",
            "the booking system",
            "the online booking",
            "getting a reservation",
            "the booking line",
            "changing my booking",
        ),
        good=("took seconds", "confirmed straight away", "had a slot exactly when we wanted"),
        bad=(
            "lost our reservation",
            "never confirmed anything",
            "double-booked our table",
            "rang out for twenty minutes",
            "only offered slots at ten at night",
            "charged a deposit nobody mentioned",
        ),
    ),
    "online_order": Aspect(
        nouns=("ordering online", "the takeaway app", "the online menu"),
        good=("was quick to use", "remembered my usual order", "showed allergens clearly"),
        bad=("dropped items from my order", "kept freezing", "showed dishes that were sold out"),
    ),
    "dining": Aspect(
        nouns=("the meal", "dinner", "lunch", "the food", "the evening", "brunch"),
        good=(
            "was cooked beautifully",
            "came out hot and on time",
            "had the kids grinning",
            "was full of flavour",
        ),
        bad=(
            "came out cold",
            "took an hour to arrive",
            "was bland and overpriced",
            "was nothing like the menu photo",
        ),
    ),
    "delivery": Aspect(
        nouns=("the delivery", "the driver", "our takeaway delivery"),
        good=("arrived piping hot", "came earlier than promised", "was packed with care"),
        bad=("arrived cold", "turned up forty minutes late", "had leaked everywhere"),
    ),
    "payment": Aspect(
        nouns=("paying the bill", "splitting the bill", "paying at the table"),
        good=("took a second with the app", "was simple", "included the loyalty points"),
        bad=("took forever", "had a service charge we didn't expect", "double-charged my card"),
    ),
    "food_quality": Aspect(
        nouns=("the food", "the cooking", "the seasonal menu", "each dish"),
        good=("is consistently delicious", "tastes homemade", "has real flavour"),
        bad=("has slipped lately", "is hit and miss", "tastes reheated"),
    ),
    "staff_friendliness": Aspect(
        nouns=("the staff", "the waiting staff", "the servers", "the people on the floor"),
        good=("remember our names", "are warm and welcoming", "go out of their way for us"),
        bad=("seem rushed off their feet", "ignored us for ages", "were rude to my kids"),
        plural=True,
    ),
    "ambience": Aspect(
        nouns=("the atmosphere", "the dining room", "the feel of the place"),
        good=("is cosy and relaxed", "makes it feel special", "is just right"),
        bad=("is far too loud", "feels cramped", "is cold in winter"),
    ),
    "speed_of_service": Aspect(
        nouns=("the speed of service", "the wait for food", "how long the food takes"),
        good=("is just right", "keeps things moving", "suits a lunch break"),
        bad=("drags on", "is painfully slow on weekends", "means we miss the film"),
    ),
}

_RESTAURANT = Archetype(
    name="restaurant",
    business="Fennel & Flint",
    summary="a neighbourhood bistro with a loyalty app, serving dine-in, takeaway and delivery",
    currency="GBP",
    industry="restaurant",
    default_size=1600,
    default_seed=20240304,
    segments=(
        Segment(
            key="regulars",
            label="Regulars",
            share=0.3,
            description="frequent diners with high loyalty, often alone or in pairs",
            attributes={
                "region": {**_AREAS, "Old Town": 0.34, "Out of town": 0.04},
                "channel": {"in_person": 0.6, "app": 0.3, "website": 0.1},
                "age_band": dict(zip(_AGE6, (0.08, 0.22, 0.22, 0.2, 0.16, 0.12), strict=True)),
                "gender": _DINER_GENDER,
                "dietary_preference": {
                    "none": 0.7,
                    "vegetarian": 0.12,
                    "vegan": 0.04,
                    "gluten_free": 0.06,
                    "pescatarian": 0.08,
                },
            },
            numbers={"household_size": (1.7, 0.35, 1)},
            convert=0.95,
            rate=20.0,
            price=19.0,
            price_sigma=0.3,
            quantity=0.5,
            categories={"dinner": 0.45, "lunch": 0.4, "brunch": 0.15},
            channels={"dine_in": 0.75, "takeaway": 0.2, "delivery": 0.05},
            satisfaction=0.45,
            ease=0.2,
            support=0.4,
            churn=-0.6,
            refund=0.004,
            service=1.5,
            loyalty=2.0,
        ),
        Segment(
            key="families",
            label="Families",
            share=0.38,
            description="weekend dinners for the household, drawn by kid-friendly options",
            attributes={
                "region": {**_AREAS, "Northfield": 0.26, "Greenway": 0.18},
                "channel": {"app": 0.45, "website": 0.35, "in_person": 0.2},
                "age_band": dict(zip(_AGE6, (0.01, 0.18, 0.45, 0.29, 0.05, 0.02), strict=True)),
                "gender": _DINER_GENDER,
                "dietary_preference": {
                    "none": 0.8,
                    "vegetarian": 0.1,
                    "vegan": 0.02,
                    "gluten_free": 0.05,
                    "pescatarian": 0.03,
                },
            },
            numbers={"household_size": (4.0, 0.18, 3)},
            convert=0.86,
            rate=10.0,
            price=14.0,
            price_sigma=0.25,
            quantity=1.8,
            categories={"dinner": 0.5, "lunch": 0.3, "brunch": 0.2},
            channels={"dine_in": 0.6, "takeaway": 0.25, "delivery": 0.15},
            satisfaction=0.0,
            ease=-0.1,
            support=0.8,
            churn=0.2,
            refund=0.006,
            service=1.0,
            loyalty=0.8,
        ),
        Segment(
            key="health_conscious",
            label="Health-conscious",
            share=0.32,
            description="vegetarian and vegan diners after lighter, healthier dishes",
            attributes={
                "region": {**_AREAS, "Riverside": 0.3, "Harbourside": 0.2},
                "channel": {"app": 0.6, "website": 0.3, "in_person": 0.1},
                "age_band": dict(zip(_AGE6, (0.15, 0.35, 0.25, 0.15, 0.07, 0.03), strict=True)),
                "gender": _DINER_GENDER,
                "dietary_preference": {
                    "vegetarian": 0.35,
                    "vegan": 0.3,
                    "pescatarian": 0.15,
                    "gluten_free": 0.1,
                    "none": 0.1,
                },
            },
            numbers={"household_size": (1.8, 0.3, 1)},
            convert=0.86,
            rate=11.0,
            price=16.0,
            price_sigma=0.3,
            quantity=0.4,
            categories={"lunch": 0.5, "brunch": 0.3, "dinner": 0.2},
            channels={"dine_in": 0.45, "takeaway": 0.35, "delivery": 0.2},
            satisfaction=-0.2,
            ease=0.0,
            support=0.6,
            churn=0.3,
            refund=0.006,
            service=1.0,
            loyalty=1.0,
        ),
    ),
    columns=(
        "region",
        "channel",
        "age_band",
        "gender",
        "household_size",
        "dietary_preference",
        "marketing_consent",
        "loyalty_reward",
    ),
    existing_share=0.4,
    billing="orders",
    order_prefix="FF",
    month_weights=(0.8, 0.85, 0.9, 0.95, 1.0, 1.2, 1.3, 1.3, 1.0, 0.95, 1.0, 1.55),
    weekday_weights=(0.6, 0.7, 0.8, 0.95, 1.45, 1.6, 1.2),
    signup_month_weights=(0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 1.2, 1.2, 1.0, 0.9, 0.9, 1.1),
    seasonality="transactions",
    peak_months=(12,),
    seasonality_note=(
        "visits follow monthly weights: December 1.55 times an ordinary month (1.0), summer "
        "June–August 1.2–1.3, January 0.8; and weekday weights from Monday 0.6 to Saturday 1.6"
    ),
    touchpoints=(
        Touchpoint("local_search", "awareness", "search_click", {"web": 1.0}, 2.0),
        Touchpoint("social_media", "awareness", "post_view", {"social": 1.0}, 1.5),
        Touchpoint("walk_past", "awareness", "menu_board_read", {"street": 1.0}),
        Touchpoint("word_of_mouth", "awareness", "recommendation", {"in_person": 1.0}, 1.5),
        Touchpoint("delivery_app_listing", "awareness", "listing_view", {"delivery_app": 1.0}),
        Touchpoint("menu_page", "consideration", "menu_viewed", {"web": 0.6, "app": 0.4}, 2.0),
        Touchpoint("review_site", "consideration", "reviews_read", {"web": 1.0}),
        Touchpoint(
            "table_booking",
            "purchase",
            "booking_made",
            {"phone": 0.4, "web": 0.35, "app": 0.25},
            surveyed=True,
            csat=-2.3,
            ces=-1.8,
            aspect="table_booking",
        ),
        Touchpoint(
            "online_order",
            "purchase",
            "order_placed",
            {"app": 0.7, "web": 0.3},
            surveyed=True,
            csat=0.2,
            ces=0.2,
            aspect="online_order",
        ),
        Touchpoint(
            "dining",
            "service",
            "meal_served",
            {"in_person": 1.0},
            3.0,
            surveyed=True,
            csat=0.5,
            ces=0.4,
            aspect="dining",
        ),
        Touchpoint(
            "delivery",
            "service",
            "order_delivered",
            {"courier": 1.0},
            1.0,
            surveyed=True,
            csat=-0.3,
            ces=-0.2,
            aspect="delivery",
        ),
        Touchpoint(
            "payment",
            "service",
            "bill_paid",
            {"in_person": 0.6, "app": 0.4},
            1.5,
            surveyed=True,
            csat=0.2,
            ces=0.3,
            aspect="payment",
        ),
        Touchpoint(
            "support",
            "service",
            "complaint",
            {"phone": 0.4, "email": 0.4, "social": 0.2},
            surveyed=True,
            csat=-0.3,
            ces=-0.3,
            aspect="support",
        ),
        Touchpoint("loyalty_app", "loyalty", "points_redeemed", {"app": 1.0}, 2.0),
        Touchpoint("review", "loyalty", "review_posted", {"web": 1.0}),
        Touchpoint("referral", "loyalty", "friend_invited", {"app": 1.0}),
        Touchpoint("private_event", "loyalty", "event_booked", {"phone": 0.5, "email": 0.5}, 0.3),
    ),
    purchase_touchpoints={
        "dine_in": {"table_booking": 1.0},
        "takeaway": {"online_order": 1.0},
        "delivery": {"online_order": 1.0},
    },
    onboarding=None,
    csat_scale=(1, 10, 8),
    csat_center=7.9,
    csat_spread=1.3,
    csat_noise=1.3,
    ces_center=5.3,
    ces_spread=0.85,
    ces_noise=0.9,
    drivers={
        "food_quality": (1.0, 0.55),
        "staff_friendliness": (0.7, 0.5),
        "value_for_money": (0.45, 0.45),
        "ambience": (0.25, 0.4),
        "speed_of_service": (0.05, 0.4),
    },
    nps_intercept=7.9,
    nps_noise=1.0,
    churn=ChurnModel(
        rule="inactive_days",
        inactive_days=120,
        intercept=-1.6,
        csat=-0.5,
        ces=-0.45,
        support=0.45,
        csat_ref=7.9,
        ces_ref=5.3,
    ),
    unfair=UnfairOffer(
        column="loyalty_reward",
        attribute="gender",
        group="female",
        control="age_band",
        intercept=-0.4,
        value=1.0,
        gap=-1.0,
        description="a free dessert-and-drinks reward chosen by the floor manager",
    ),
    sensitive=("gender", "age_band"),
    consent_rate=0.6,
    vocabulary=_RESTAURANT_VOCAB,
    response_channels={"app": 0.5, "qr_code": 0.3, "email": 0.2},
    phone_style="uk_landline",
    category_price={"dinner": 1.3, "lunch": 0.85, "brunch": 0.9},
)


# --------------------------------------------------------------------------------------------
# Quillmark Advisory: consulting
# --------------------------------------------------------------------------------------------

_CONSULT_REGIONS = {
    "London": 0.28,
    "South East": 0.15,
    "Midlands": 0.14,
    "North": 0.18,
    "Scotland": 0.1,
    "Wales": 0.06,
    "South West": 0.09,
}

_CONSULT_VOCAB = {
    "general": _GENERAL,
    "support": Aspect(
        nouns=("the account manager", "the partner in charge", "the project lead"),
        good=("answered the same day", "always picked up", "knew our file inside out"),
        bad=(
            "left our emails unanswered for a week",
            "kept handing us to someone else",
            "bounced our queries between inboxes",
        ),
        person=True,
    ),
    "value_for_money": _VALUE,
    "discovery_call": Aspect(
        nouns=("the first call", "the discovery call", "the initial meeting"),
        good=(
            "got to the heart of our problem",
            "was sharp and well prepared",
            "listened more than it pitched",
        ),
        bad=("was a sales pitch", "missed what we actually needed", "started twenty minutes late"),
    ),
    "proposal": Aspect(
        nouns=("the proposal", "the statement of work", "the quote"),
        good=(
            "was clear about scope and cost",
            "arrived within two days",
            "matched our budget cycle",
        ),
        bad=("was vague about deliverables", "took a month to arrive", "padded the day count"),
    ),
    "workshop": Aspect(
        nouns=("the workshop", "the strategy day", "the board session", "the team workshop"),
        good=("gave us a plan we actually use", "got everyone talking", "was well facilitated"),
        bad=("went round in circles", "repeated what we already knew", "ran out of time"),
    ),
    "report": Aspect(
        nouns=("the recommendations", "the deliverables", "the final slides"),
        good=("were practical and costed", "landed well with the board", "were spot on"),
        bad=("were generic", "arrived late", "missed the brief"),
        plural=True,
    ),
    "invoicing": Aspect(
        nouns=(
            "invoicing",
            "the invoicing",
            "billing",
            "each invoice",
            "the invoice process",
            "getting a correct invoice",
        ),
        good=(
            "matched the agreed fees exactly",
            "were clear line by line",
            "came with our PO number on",
        ),
        bad=(
            "billed days that never happened",
            "took three rounds to correct",
            "arrived months late in one lump",
            "ignored our purchase order process",
            "added expenses nobody approved",
            "went to the wrong department",
        ),
    ),
    "expertise": Aspect(
        nouns=("the consultants' expertise", "their industry knowledge", "the advice"),
        good=(
            "is first class",
            "showed real depth in our sector",
            "challenged us in the right way",
        ),
        bad=("felt textbook", "was thin on our sector", "seemed junior for the fee"),
    ),
    "communication": Aspect(
        nouns=("communication", "the weekly update", "the project reporting"),
        good=("is clear and regular", "kept everyone aligned", "never left us guessing"),
        bad=("went quiet for weeks", "was full of jargon", "came too late to act on"),
    ),
    "responsiveness": Aspect(
        nouns=("responsiveness", "turnaround on questions", "the reply time"),
        good=("is quick", "beats anyone we've used", "is same-day"),
        bad=("is slow", "depends on who you ask", "slips at month end"),
    ),
}

_CONSULTING = Archetype(
    name="consulting",
    business="Quillmark Advisory",
    summary="a management consultancy for growing companies, billed by the day",
    currency="GBP",
    industry="consulting",
    default_size=1500,
    default_seed=20240404,
    segments=(
        Segment(
            key="startups",
            label="Startups (growth strategy)",
            share=0.45,
            description="early-stage firms wanting guidance on growth and funding",
            attributes={
                "region": {**_CONSULT_REGIONS, "London": 0.36},
                "channel": {"referral": 0.35, "linkedin": 0.3, "event": 0.2, "website": 0.15},
                "industry": {
                    "technology": 0.4,
                    "consumer": 0.2,
                    "health": 0.15,
                    "fintech": 0.15,
                    "manufacturing": 0.1,
                },
                "company_size": {"1-9": 0.65, "10-49": 0.35},
                "owner_gender": _OWNER,
            },
            convert=0.62,
            rate=4.5,
            price=850.0,
            price_sigma=0.12,
            quantity=2.0,
            categories={"growth_strategy": 0.5, "funding_support": 0.35, "market_research": 0.15},
            channels={"bank_transfer": 0.8, "card": 0.2},
            satisfaction=0.0,
            ease=0.0,
            support=0.8,
            churn=0.5,
            refund=0.01,
            service=1.5,
            loyalty=0.8,
        ),
        Segment(
            key="established_businesses",
            label="Established businesses (operational efficiency)",
            share=0.38,
            description="mature firms after process improvement and lower costs",
            attributes={
                "region": _CONSULT_REGIONS,
                "channel": {"referral": 0.4, "event": 0.25, "website": 0.2, "linkedin": 0.15},
                "industry": {
                    "manufacturing": 0.3,
                    "retail": 0.2,
                    "logistics": 0.2,
                    "hospitality": 0.15,
                    "health": 0.15,
                },
                "company_size": {"10-49": 0.35, "50-249": 0.6, "250+": 0.05},
                "owner_gender": _OWNER,
            },
            convert=0.7,
            rate=6.0,
            price=950.0,
            price_sigma=0.12,
            quantity=5.0,
            categories={"process_improvement": 0.5, "cost_review": 0.3, "training": 0.2},
            channels={"bank_transfer": 1.0},
            satisfaction=0.45,
            ease=0.1,
            support=1.0,
            churn=0.0,
            refund=0.01,
            service=2.0,
            loyalty=1.1,
        ),
        Segment(
            key="large_corporations",
            label="Large corporations (strategic transformation)",
            share=0.17,
            description="complex, multi-month transformation programmes",
            attributes={
                "region": {**_CONSULT_REGIONS, "London": 0.45, "North": 0.12},
                "channel": {"tender": 0.45, "referral": 0.3, "event": 0.25},
                "industry": {
                    "finance": 0.3,
                    "energy": 0.2,
                    "public_sector": 0.2,
                    "retail": 0.15,
                    "manufacturing": 0.15,
                },
                "company_size": {"250+": 0.75, "50-249": 0.25},
                "owner_gender": _OWNER,
            },
            convert=0.55,
            rate=10.0,
            price=1150.0,
            price_sigma=0.12,
            quantity=9.0,
            categories={"transformation": 0.55, "programme_management": 0.3, "due_diligence": 0.15},
            channels={"bank_transfer": 1.0},
            satisfaction=-0.35,
            ease=-0.15,
            support=1.6,
            churn=-0.5,
            refund=0.015,
            service=2.8,
            loyalty=1.3,
        ),
    ),
    columns=(
        "region",
        "channel",
        "industry",
        "company_size",
        "owner_gender",
        "marketing_consent",
        "fee_discount",
    ),
    existing_share=0.4,
    billing="orders",
    order_prefix="QA",
    month_weights=(1.6, 1.7, 1.6, 1.0, 0.95, 0.9, 0.85, 0.7, 1.0, 1.0, 0.95, 0.6),
    weekday_weights=(1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0),
    signup_month_weights=(1.5, 1.5, 1.3, 1.0, 1.0, 0.9, 0.8, 0.7, 1.1, 1.0, 1.0, 0.6),
    seasonality="transactions",
    peak_months=(1, 2, 3),
    seasonality_note=(
        "invoices follow monthly weights: the budget season January–March at 1.6–1.7 times an "
        "ordinary month (1.0), August 0.7 and December 0.6; no invoices at weekends"
    ),
    touchpoints=(
        Touchpoint("referral", "awareness", "introduction", {"email": 0.6, "in_person": 0.4}, 2.0),
        Touchpoint("linkedin_post", "awareness", "post_view", {"social": 1.0}, 1.5),
        Touchpoint("industry_event", "awareness", "talk_attended", {"in_person": 1.0}),
        Touchpoint("website", "awareness", "page_view", {"web": 1.0}),
        Touchpoint(
            "discovery_call",
            "consideration",
            "call_held",
            {"video": 0.7, "phone": 0.3},
            2.0,
            surveyed=True,
            csat=0.3,
            ces=0.3,
            aspect="discovery_call",
        ),
        Touchpoint(
            "proposal",
            "consideration",
            "proposal_sent",
            {"email": 1.0},
            1.5,
            surveyed=True,
            csat=0.0,
            ces=0.0,
            aspect="proposal",
        ),
        Touchpoint("case_study", "consideration", "case_study_read", {"web": 1.0}),
        Touchpoint("engagement_letter", "purchase", "engagement_signed", {"email": 1.0}),
        Touchpoint(
            "workshop",
            "service",
            "workshop_held",
            {"in_person": 0.7, "video": 0.3},
            2.0,
            surveyed=True,
            csat=0.4,
            ces=0.35,
            aspect="workshop",
        ),
        Touchpoint(
            "report",
            "service",
            "report_delivered",
            {"email": 1.0},
            1.5,
            surveyed=True,
            csat=0.15,
            ces=0.1,
            aspect="report",
        ),
        Touchpoint(
            "invoicing",
            "service",
            "invoice_sent",
            {"email": 1.0},
            2.5,
            surveyed=True,
            csat=-1.4,
            ces=-1.8,
            aspect="invoicing",
        ),
        Touchpoint(
            "support",
            "service",
            "query",
            {"email": 0.6, "phone": 0.4},
            surveyed=True,
            csat=0.1,
            ces=-0.2,
            aspect="support",
        ),
        Touchpoint("follow_on_project", "loyalty", "extension_signed", {"email": 1.0}, 1.5),
        Touchpoint("testimonial", "loyalty", "testimonial_given", {"web": 1.0}),
        Touchpoint("client_referral", "loyalty", "client_referred", {"email": 1.0}),
    ),
    purchase_touchpoints={"*": {"engagement_letter": 1.0}},
    onboarding=None,
    csat_scale=(1, 5, 4),
    csat_center=4.1,
    csat_spread=0.85,
    csat_noise=0.6,
    ces_center=5.3,
    ces_spread=1.0,
    ces_noise=0.8,
    drivers={
        "expertise": (0.95, 0.55),
        "communication": (0.65, 0.5),
        "value_for_money": (0.4, 0.45),
        "responsiveness": (0.15, 0.4),
    },
    nps_intercept=7.9,
    nps_noise=1.0,
    churn=ChurnModel(
        rule="inactive_days",
        inactive_days=270,
        intercept=-1.5,
        csat=-1.2,
        ces=-0.75,
        support=0.4,
        csat_ref=4.1,
        ces_ref=5.3,
    ),
    unfair=UnfairOffer(
        column="fee_discount",
        attribute="region",
        group="North",
        control="owner_gender",
        intercept=-0.5,
        value=1.0,
        gap=-1.1,
        description="a 10% fee discount granted by the partners on renewal",
    ),
    sensitive=("owner_gender", "region"),
    consent_rate=0.72,
    vocabulary=_CONSULT_VOCAB,
    response_channels={"email": 0.8, "phone": 0.2},
    phone_style="uk_mixed",
)

#: Every demo archetype by name, in the order of :data:`cxlab.datasets.DEMOS`.
ARCHETYPES: dict[str, Archetype] = {a.name: a for a in (_RETAILER, _SAAS, _RESTAURANT, _CONSULTING)}
