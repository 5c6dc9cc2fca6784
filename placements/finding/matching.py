"""The matching search: which in-house households and external settings could take a child now, why each
is in or out, and a transparent score to rank those in. Pure Python (no Django, no database): the
selector builds `Candidate`s and a `RequestSpec`, this module decides.

**Inclusion** (every check gives a plain-English reason; one failure excludes the candidate):

1. *Registered*: the setting's Ofsted registration is active; a household is approved and available.
2. *Kind of placement*: the candidate's planning category is a kind (fostering, residential, supported
   accommodation) the request marks preferred or suitable, not unsuitable.
3. *Age*: the child's age is within the vacancy's (or household's) age range. Unknown age: a warning.
4. *Vacancy*: an open vacancy is recorded and fresh (confirmed within VACANCY_STALE_DAYS). No vacancy
   or a stale one excludes the candidate, so finders confirm vacancies before relying on them.
5. *Needs*: when the candidate's needs met are known, every need of the request must be among them;
   when they are not recorded, a warning to check with the provider.
6. *Location*: the distance from the child's home sector is within the request's maximum, and the
   candidate is not in a postcode district to avoid. Unknown distance: a warning.
7. *Quality*: the latest Ofsted judgement is at least the minimum (Good by default, settings.
   MATCHING_MIN_JUDGEMENT, changeable per search). Supported accommodation's three outcomes are read as
   Ofsted reads them: outcome 1 (consistently strong) counts as Good or better, outcome 2 as Requires
   improvement, outcome 3 as Inadequate. The earlier framework's Adequate sits with Requires
   improvement and standards not met with Inadequate. Not yet inspected, inspected within the
   authority's ILACS inspection and standards met are not grades: they fail any minimum but "any".
   The authority's own fostering households are approved by its fostering service, not judged one by
   one: they pass.
8. *Siblings*: for a sibling group, whether the candidate's places (of its vacancy) take the whole group
   together. Fewer places is a warning, not an exclusion: such a candidate is offered apart, as a way to
   place part of the group (see `sibling_options`), never mixed with those that take the group.

**Score** (0 to 100, included candidates only; each component shown on the page):

- distance, up to 40: 40 x (1 - miles / reference), reference = the request's maximum distance or
  `DEFAULT_REFERENCE_MILES`; unknown distance scores half;
- judgement, up to 25: Outstanding 25, Good (or SA outcome 1) 18, Requires improvement (or SA outcome
  2, or Adequate) 8, else 0; the authority's own households 18;
- route, up to 20: in-house 20, block contract 18 (already paid for), framework 12, spot 0;
- cost, up to 15: 15 for the cheapest weekly cost among the included candidates, 0 for the dearest,
  linear between; unknown cost scores half.

In-house and external options are scored on the same scale (a level playing field). Ties are broken by
"preferred" kind first, then by name.

**Sibling groups** (`sibling_options`): the included candidates are split into those that can take the
whole group together (places at least the group's size), those whose places are not recorded (to check),
and those that can take only part of it. When none can take the group together the search says so, and
offers the part-group candidates (most places first) and the best pairs of them that could take the whole
group between them, nearest first (siblings placed close together can still see each other).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..categories import COARSE_GROUPS

PASS, WARN, FAIL = "pass", "warn", "fail"

DEFAULT_REFERENCE_MILES = 50.0
WEIGHTS = {"distance": 40.0, "judgement": 25.0, "route": 20.0, "cost": 15.0}
ROUTE_POINTS = {"in_house": 20.0, "block": 18.0, "framework": 12.0, "spot": 0.0}
JUDGEMENT_POINTS = {
    "outstanding": 25.0,
    "good": 18.0,
    "sa_strong": 18.0,
    "requires_improvement": 8.0,
    "sa_inconsistent": 8.0,
    "adequate": 8.0,
}
#: Judgements on one ladder: SA outcomes sit beside the four-point grades they correspond to.
JUDGEMENT_RANK = {
    "outstanding": 4,
    "good": 3,
    "sa_strong": 3,
    "requires_improvement": 2,
    "sa_inconsistent": 2,
    "inadequate": 1,
    "sa_serious": 1,
    "adequate": 2,
    "not_met": 1,
    "not_yet_inspected": 0,
    "ilacs": 0,
    "met": 0,
}
MIN_JUDGEMENT_CHOICES = {
    "outstanding": "Outstanding",
    "good": "Good or better (SA outcome 1)",
    "requires_improvement": "Requires improvement or better (SA outcome 2)",
    "any": "Any, including not yet inspected",
}
JUDGEMENT_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "not_yet_inspected": "Not yet inspected",
    "sa_strong": "SA outcome 1 (consistently strong)",
    "sa_inconsistent": "SA outcome 2 (inconsistent)",
    "sa_serious": "SA outcome 3 (serious weaknesses)",
    "ilacs": "Inspected within the local authority's ILACS inspection",
    "adequate": "Adequate (earlier framework)",
    "met": "Standards met",
    "not_met": "Standards not met",
}
#: The kind of placement (as a request's suitability fields name them) of each planning category.
KIND_OF_CATEGORY: dict[str, str] = {
    **dict.fromkeys(COARSE_GROUPS["FOSTERING"], "fostering"),
    **dict.fromkeys(COARSE_GROUPS["RESIDENTIAL"], "residential"),
    **dict.fromkeys(COARSE_GROUPS["SUPPORTED"], "supported"),
}
KIND_LABELS = {
    "fostering": "fostering",
    "residential": "residential care",
    "supported": "supported accommodation",
}
SUITABILITY_WORDS = {
    "preferred": "preferred",
    "suitable": "suitable but not preferred",
    "unsuitable": "unsuitable",
}

#: An Ofsted provision type's planning category when the authority does not run it (own: see below).
PROVISION_CATEGORY = {
    "childrens_home": "residential_external",
    "secure_childrens_home": "residential_secure",
    "residential_special_school": "residential_school",
    "independent_fostering_agency": "fostering_external",
    "local_authority_fostering": "fostering_external",
    "supported_accommodation": "supported",
    "residential_family_centre": "other",
    "other": "other",
}


def setting_category(provision_type: str, *, own: bool) -> str:
    """The planning category of a placement at a setting: a children's home the authority runs itself is
    in-house residential; otherwise by Ofsted provision type."""
    if own and provision_type == "childrens_home":
        return "residential_inhouse"
    return PROVISION_CATEGORY.get(provision_type, "other")


def household_category(route: str) -> str:
    """The authority's own carers are in-house fostering; an agency's carers external fostering."""
    return "fostering_inhouse" if route == "in_house" else "fostering_external"


def candidate_type(c: Candidate) -> str:
    """The candidate in the words placement finders use: in-house or agency carers, an independent
    fostering agency, a children's home (the authority's own or external), supported accommodation."""
    if c.kind == "household":
        return "In-house foster carers" if c.own_household else "Agency foster carers"
    if c.category == "fostering_external":
        return "Independent fostering agency"
    if c.category == "residential_inhouse":
        return "Children's home (the authority's own)"
    if c.category == "supported":
        return "Supported accommodation"
    if c.category == "residential_secure":
        return "Secure children's home"
    if c.category == "residential_school":
        return "Residential special school"
    if c.category == "residential_external":
        return "Children's home"
    return "Other provision"


def household_route(route: str, *, agency_framework: bool) -> str:
    """Route to market of a household: in-house, or an agency bought through a framework or spot."""
    if route == "in_house":
        return "in_house"
    return "framework" if agency_framework else "spot"


@dataclass(frozen=True)
class RequestSpec:
    """What the search must satisfy, taken from a placement request and the search's own options."""

    suitability: dict[str, str]  # kind -> preferred | suitable | unsuitable
    age: int | None = None
    needs: frozenset[str] = frozenset()
    max_distance_miles: float | None = None
    avoid_districts: frozenset[str] = frozenset()
    siblings: int = 0
    min_judgement: str = "good"


@dataclass(frozen=True)
class Candidate:
    """A household or setting that might take the child, with everything the checks read."""

    key: str  # "setting:<id>" or "household:<id>"
    kind: str  # "setting" | "household"
    object_id: int
    name: str
    category: str
    route: str
    registered: bool
    registration_text: str = ""
    own_household: bool = False
    age_min: int | None = None
    age_max: int | None = None
    places: int | None = None
    has_vacancy: bool = False
    vacancy_fresh: bool = False
    vacancy_age_days: int | None = None
    judgement: str = "not_yet_inspected"
    distance_miles: float | None = None
    distance_approximate: bool = False
    district: str = ""
    framework: str = ""  # the framework the searching authority buys it through (its own record)
    framework_tier: int | None = None  # the tier the authority gave it on that framework
    weekly_cost: float | None = None
    needs_met: frozenset[str] | None = None
    agency: str = ""  # the agency of an agency household (its name or URN)


@dataclass(frozen=True)
class Reason:
    status: str  # pass | warn | fail
    text: str


@dataclass
class Match:
    """One candidate's verdict: included or not, every reason, and (if included) its score."""

    candidate: Candidate
    reasons: list[Reason] = field(default_factory=list)
    score: float | None = None
    components: dict[str, float] = field(default_factory=dict)
    preferred: bool = False
    #: For a sibling group: True when its places take the whole group, False when fewer, None when its
    #: places are not recorded. True when the child has no siblings to place with.
    takes_group: bool | None = True

    @property
    def included(self) -> bool:
        return not any(r.status == FAIL for r in self.reasons)

    @property
    def failures(self) -> list[Reason]:
        return [r for r in self.reasons if r.status == FAIL]


def _check(spec: RequestSpec, c: Candidate) -> Match:
    match = Match(candidate=c)
    add = match.reasons.append
    # 1. Registered / approved
    if c.registered:
        add(Reason(PASS, "Approved and available" if c.kind == "household" else "Registered with Ofsted"))
    else:
        add(Reason(FAIL, c.registration_text or "Not registered or not available"))
    # 2. Kind of placement
    kind = KIND_OF_CATEGORY.get(c.category)
    suitability = spec.suitability.get(kind or "", "unsuitable")
    match.preferred = suitability == "preferred"
    label = KIND_LABELS.get(kind or "", "this kind of placement")
    if kind is None or suitability == "unsuitable":
        add(Reason(FAIL, f"{label.capitalize()} is unsuitable for this child"))
    else:
        add(Reason(PASS, f"{label.capitalize()} is {SUITABILITY_WORDS[suitability]}"))
    # 3. Age
    if spec.age is None or c.age_min is None or c.age_max is None:
        add(Reason(WARN, "Age range not checked (age or range unknown)"))
    elif c.age_min <= spec.age <= c.age_max:
        add(Reason(PASS, f"Takes ages {c.age_min} to {c.age_max}"))
    else:
        add(Reason(FAIL, f"Takes ages {c.age_min} to {c.age_max}; the child is {spec.age}"))
    # 4. Vacancy
    if not c.has_vacancy:
        add(Reason(FAIL, "No vacancy recorded"))
    elif not c.vacancy_fresh:
        add(
            Reason(FAIL, f"Vacancy is stale (last confirmed {c.vacancy_age_days} days ago): confirm it first")
        )
    else:
        add(Reason(PASS, f"Vacancy confirmed {_days_ago(c.vacancy_age_days)}"))
    # 5. Needs
    if spec.needs:
        if c.needs_met is None:
            add(Reason(WARN, "Which needs it meets is not recorded: check with the provider"))
        elif spec.needs <= c.needs_met:
            add(Reason(PASS, "Meets the child's recorded needs"))
        else:
            missing = ", ".join(sorted(n.replace("_", " ") for n in spec.needs - c.needs_met))
            add(Reason(FAIL, f"Does not meet: {missing}"))
    # 6. Location
    if c.district and c.district in spec.avoid_districts:
        add(Reason(FAIL, f"In {c.district}, an area to avoid"))
    if c.distance_miles is None:
        add(Reason(WARN, "Distance from home unknown"))
    else:
        about = "about " if c.distance_approximate else ""
        if spec.max_distance_miles is not None and c.distance_miles > spec.max_distance_miles:
            add(
                Reason(
                    FAIL,
                    f"{about}{c.distance_miles:g} miles from home, over the {spec.max_distance_miles:g} mile limit",
                )
            )
        else:
            add(Reason(PASS, f"{about}{c.distance_miles:g} miles from home"))
    # 7. Quality
    if c.own_household:
        add(Reason(PASS, "The authority's own approved carers"))
    else:
        judgement = JUDGEMENT_LABELS.get(c.judgement, c.judgement)
        needed = JUDGEMENT_RANK.get(spec.min_judgement, 0) if spec.min_judgement != "any" else -1
        if JUDGEMENT_RANK.get(c.judgement, 0) >= needed:
            add(Reason(PASS, f"Ofsted: {judgement}"))
        else:
            add(
                Reason(
                    FAIL,
                    f"Ofsted: {judgement}, below the minimum ({MIN_JUDGEMENT_CHOICES.get(spec.min_judgement, spec.min_judgement)})",
                )
            )
    # 8. Siblings
    if spec.siblings:
        group = spec.siblings + 1
        if c.places is None:
            match.takes_group = None
            add(Reason(WARN, f"Places not recorded: check it can take all {group} siblings together"))
        elif c.places >= group:
            add(Reason(PASS, f"{_places(c.places)}: can take all {group} siblings together"))
        else:
            match.takes_group = False
            add(
                Reason(
                    WARN,
                    f"{_places(c.places)}: cannot take the {group} siblings together "
                    f"(could take {c.places} of the {group})",
                )
            )
    if c.agency:
        add(Reason(PASS, f"Carers of {c.agency}, an independent fostering agency"))
    if c.framework:
        tier = f", tier {c.framework_tier}" if c.framework_tier else ""
        add(Reason(PASS, f"On your framework: {c.framework}{tier}"))
    return match


def _places(places: int) -> str:
    return f"{places} place{'s' if places != 1 else ''}"


def _days_ago(days: int | None) -> str:
    if days is None:
        return "recently"
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def _score(spec: RequestSpec, matches: list[Match]) -> None:
    included = [m for m in matches if m.included]
    costs = [m.candidate.weekly_cost for m in included if m.candidate.weekly_cost is not None]
    low, high = (min(costs), max(costs)) if costs else (0.0, 0.0)
    reference = spec.max_distance_miles or DEFAULT_REFERENCE_MILES
    for m in included:
        c = m.candidate
        distance = (
            WEIGHTS["distance"] / 2
            if c.distance_miles is None
            else WEIGHTS["distance"] * max(0.0, 1 - c.distance_miles / reference)
        )
        judgement = JUDGEMENT_POINTS["good"] if c.own_household else JUDGEMENT_POINTS.get(c.judgement, 0.0)
        route = ROUTE_POINTS.get(c.route, 0.0)
        if c.weekly_cost is None:
            cost = WEIGHTS["cost"] / 2
        elif high == low:
            cost = WEIGHTS["cost"]
        else:
            cost = WEIGHTS["cost"] * (1 - (c.weekly_cost - low) / (high - low))
        m.components = {
            "distance": round(distance, 1),
            "judgement": round(judgement, 1),
            "route": round(route, 1),
            "cost": round(cost, 1),
        }
        m.score = round(sum(m.components.values()), 1)


def match_candidates(spec: RequestSpec, candidates: Iterable[Candidate]) -> list[Match]:
    """Check every candidate, score those included, and return included (best first) then excluded."""
    matches = [_check(spec, c) for c in candidates]
    _score(spec, matches)
    included = sorted(
        (m for m in matches if m.included),
        key=lambda m: (-(m.score or 0), not m.preferred, m.candidate.name),
    )
    excluded = sorted(
        (m for m in matches if not m.included), key=lambda m: (len(m.failures), m.candidate.name)
    )
    return included + excluded


#: How many of the part-group candidates (best score first) are paired up, and how many pairs are offered.
PAIR_POOL = 30
PAIRS_OFFERED = 3


@dataclass
class SiblingOptions:
    """What the search can offer a sibling group: who takes it together, who might (places not recorded),
    who takes only part of it, and pairs of part-group candidates that take the whole group between them."""

    group_size: int
    together: list[Match]
    unknown: list[Match]
    split: list[Match]
    pairs: list[tuple[Match, Match]]

    @property
    def none_together(self) -> bool:
        """No candidate is known to take the whole group together."""
        return not self.together


def _pair_key(pair: tuple[Match, Match]) -> tuple[float, float, str]:
    a, b = pair
    miles = [m.candidate.distance_miles for m in pair]
    farthest = max(x if x is not None else float("inf") for x in miles)
    return farthest, -((a.score or 0) + (b.score or 0)), a.candidate.name + b.candidate.name


def sibling_options(spec: RequestSpec, matches: list[Match]) -> SiblingOptions | None:
    """For a request to place a child with siblings, the included candidates split by whether they take
    the whole group (see the module docstring); None when the child has no siblings to place with."""
    if not spec.siblings:
        return None
    group = spec.siblings + 1
    included = [m for m in matches if m.included]
    split = sorted(
        (m for m in included if m.takes_group is False),
        key=lambda m: (-(m.candidate.places or 0), -(m.score or 0), m.candidate.name),
    )
    pool = sorted(split, key=lambda m: (-(m.score or 0), m.candidate.name))[:PAIR_POOL]
    pairs = [
        (a, b)
        for i, a in enumerate(pool)
        for b in pool[i + 1 :]
        if (a.candidate.places or 0) + (b.candidate.places or 0) >= group
    ]
    pairs.sort(key=_pair_key)
    return SiblingOptions(
        group_size=group,
        together=[m for m in included if m.takes_group is True],
        unknown=[m for m in included if m.takes_group is None],
        split=split,
        pairs=pairs[:PAIRS_OFFERED],
    )
