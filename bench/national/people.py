"""Prisoners, visitors, approved visitor lists and non-associations, made from one seed."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from core.models import CONVICTED, REMAND

from .estate import rng_for
from .scale import TODAY, Scale

FIRST_NAMES = ("Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Morgan", "Rhys", "Sian", "Aled",
               "Priya", "Tariq", "Maria", "John", "Olu", "Mei", "Dafydd", "Grace")
LAST_NAMES = ("Smith", "Jones", "Williams", "Taylor", "Davies", "Evans", "Brown", "Khan",
              "Patel", "Wilson", "Roberts", "Hughes", "Okafor", "Nowak")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FOREVER = date(9999, 12, 31)

PRISONER_COLUMNS = ("id", "number", "first_name", "last_name", "date_of_birth", "prison_id",
                    "location", "legal_status", "incentive_level", "vo_balance", "vo_allowance",
                    "vo_renewal_date", "closed_visits_only")
VISITOR_COLUMNS = ("id", "external_ref", "first_name", "last_name", "date_of_birth", "phone",
                   "pin_hash", "id_status", "professional_role", "banned_until", "ban_reason",
                   "public_protection_flag", "restriction_under_review", "closed_visits_only",
                   "support_needs", "language", "phone_locked_until", "created_at",
                   "anonymised_at")
APPROVED_COLUMNS = ("id", "prisoner_id", "visitor_id", "relationship_to_prisoner", "approved")
NON_ASSOCIATION_COLUMNS = ("id", "prisoner_id", "other_prisoner_id", "reason")


def born(rng, youngest: int, oldest: int) -> date:
    return TODAY - timedelta(days=rng.randint(youngest * 366, oldest * 365))


class People:
    """Who is where. `bookable[prison]` lists prisoners there who may have open visits;
    `approved[prisoner]` their approved visitors, an adult lead first."""

    def __init__(self, scale: Scale):
        self.scale = scale
        self.prison_of: dict[int, int | None] = {}
        self.remand: set[int] = set()
        self.bookable: dict[int, list[int]] = {}
        self.adults: list[int] = []
        self.children: list[int] = []
        self.professionals: list[int] = []
        self.approved: dict[int, list[tuple[int, str]]] = {}

    def prisoner_rows(self):
        rng = rng_for(self.scale, "prisoner")
        per_prison = self.scale.prisoners // self.scale.prisons
        for pid in range(1, self.scale.prisoners + 1):
            prison = min((pid - 1) // per_prison + 1, self.scale.prisons)
            released = rng.random() < 0.01
            closed_only = rng.random() < 0.02
            remand = rng.random() < 0.15
            n = pid - 1
            number = (f"{LETTERS[n // 10_000 % 26]}{n % 10_000:04d}"
                      f"{LETTERS[n // 260_000 % 26]}{LETTERS[rng.randrange(26)]}")
            self.prison_of[pid] = None if released else prison
            if remand:
                self.remand.add(pid)
            if not released and not closed_only:
                self.bookable.setdefault(prison, []).append(pid)
            vo_balance = 0 if remand else rng.choices((0, 1, 2, 3), (5, 35, 45, 15))[0]
            yield (pid, number, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                   born(rng, 18, 70), self.prison_of[pid],
                   f"{rng.choice('ABCDEF')}-{rng.randint(1, 4)}-{rng.randint(1, 40):03d}",
                   REMAND if remand else CONVICTED, rng.choice(("basic", "standard", "enhanced")),
                   vo_balance, rng.randint(2, 4), TODAY + timedelta(days=rng.randint(1, 28)),
                   closed_only)

    def visitor_rows(self):
        rng = rng_for(self.scale, "visitor")
        created = datetime(2024, 1, 1)
        for vid in range(1, self.scale.visitors + 1):
            roll = rng.random()
            role = rng.choice(("solicitor", "probation", "other")) if roll < 0.03 else None
            child = role is None and roll > 0.82
            (self.professionals if role else self.children if child else self.adults).append(vid)
            banned = None
            flag = rng.random()
            if not child and flag < 0.003:
                banned = TODAY + timedelta(days=rng.randint(5, 20))
            elif not child and flag < 0.004:
                banned = FOREVER
            yield (vid, None, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                   born(rng, 0, 17) if child else born(rng, 19, 85),
                   None if child else f"+4477{vid:08d}", None,
                   "checked" if rng.random() < 0.7 else "unchecked", role, banned,
                   "" if banned is None else "conduct at a visit", 0.004 <= flag < 0.007,
                   0.007 <= flag < 0.009, 0.009 <= flag < 0.012, "", "cy" if flag > 0.97 else "en",
                   None, created + timedelta(minutes=vid), None)

    def approved_rows(self):
        """About three approved visitors a prisoner; the first an adult who can lead."""
        rng = rng_for(self.scale, "approved_visitor")
        adults, children = self.adults[:], self.children[:]
        rng.shuffle(adults)
        rng.shuffle(children)
        next_adult, next_child, link = 0, 0, 0
        for prisoner in range(1, self.scale.prisoners + 1):
            party = [(adults[next_adult % len(adults)],
                      rng.choice(("partner", "mother", "father", "sister", "brother", "friend")),
                      True)]
            next_adult += 1
            for _ in range(rng.choice((1, 2, 2, 2, 3))):
                if rng.random() < 0.6:
                    visitor, next_adult = adults[next_adult % len(adults)], next_adult + 1
                    relation = rng.choice(("sister", "brother", "cousin", "friend", "aunt"))
                else:
                    visitor, next_child = children[next_child % len(children)], next_child + 1
                    relation = rng.choice(("son", "daughter", "niece", "nephew"))
                if all(visitor != v for v, _, _ in party):
                    party.append((visitor, relation, rng.random() > 0.02))
            self.approved[prisoner] = [(v, r) for v, r, ok in party if ok]
            for visitor, relation, ok in party:
                link += 1
                yield (link, prisoner, visitor, relation, ok)

    def non_association_rows(self):
        rng = rng_for(self.scale, "non_association")
        pairs = set()
        prisons = sorted(self.bookable)
        while len(pairs) < self.scale.non_associations:
            a, b = rng.sample(self.bookable[rng.choice(prisons)], 2)
            pairs.add((min(a, b), max(a, b)))
        for n, (a, b) in enumerate(sorted(pairs), start=1):
            yield (n, a, b, "gang affiliation")
