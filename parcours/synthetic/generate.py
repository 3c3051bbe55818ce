"""A synthetic programme at any scale, in the proportions of the seed presentation.

``generate_programme`` writes, for one organisation: users (a coordinator, a viewer,
social workers and workshop leaders), the seed's workshop catalogue for
each site, providers and summer closings, the participants with their profile, groups
of about twelve (remobilisation: 10 months, 4-5 afternoons a week; immersion: 12
months, 8-9 workshops a week), enrolments with their exits and outcomes, extensions
into a later group, the entry, middle and end assessments over the seven domains
(trending up), action plans, follow-ups after exit, consents, interventions, literacy
tests, every weekly session (one a week shared by the two groups of a pair) and the
attendance of every session held up to two days before ``until``.

It is fast because it skips the service functions and the audit trail (right for
generated data, never for recorded data): rows are written by ``RowWriter`` (COPY on
PostgreSQL) and attendance by one ``INSERT … SELECT`` in the database. The same seed
gives the same programme.

A *site* is one place with its own rooms and copy of the catalogue: a
federation of CPAS has many; a single CPAS (about a hundred people a year) has one.
"""

import contextlib
import datetime
import heapq
import math
import random
import time
from dataclasses import dataclass, field

import holidays
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.assessments.enums import ActionStatus, Moment
from parcours.assessments.models import Action, Assessment, DomainRating
from parcours.attendance.marks import refresh_marked
from parcours.attendance.models import AbsenceRun, Attendance
from parcours.core.dates import add_months
from parcours.core.domains import Domain
from parcours.demo.catalogue import SEED_WORKSHOPS
from parcours.demo.durations import ASSESSMENT_MINUTES, LITERACY_TEST_MINUTES
from parcours.demo.people import DEMO_PEOPLE
from parcours.funding.models import HoursSummary
from parcours.participants.enums import (
    ConsentPurpose,
    CpasProofKind,
    FrenchLevel,
    InterventionKind,
    LanguageCourse,
    LiteracyLevel,
    Orientation,
    QualificationLevel,
    Recognition,
    Referrer,
)
from parcours.participants.models import (
    Consent,
    Intervention,
    InterventionDomain,
    LiteracyTest,
    Participant,
)
from parcours.participants.search import normalise
from parcours.programme.enums import (
    DropoutReason,
    ExitOutcome,
    FollowUpSituation,
    ProcessType,
    ProfessionalProject,
    SocialProject,
)
from parcours.programme.models import Enrolment, ExitFollowUp, Group
from parcours.synthetic.writer import RowWriter
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import (
    ClosingPeriod,
    FeedToken,
    Provider,
    Session,
    SessionSeries,
    Workshop,
    WorkshopDomain,
    minutes_between,
)
from parcours.workshops.signals import announce_sessions_changed

UTC = datetime.UTC
GROUP_SIZE = 12
# New participants a site takes in a year (the seed: 51 to 90 a year for one CPAS).
PARTICIPANTS_PER_SITE_YEAR = 100
# One social worker follows about sixty people a year.
PARTICIPANTS_PER_WORKER_YEAR = 60
# Registers of the last days are not taken yet (they show on the dashboard).
REGISTER_DELAY_DAYS = 2

# The seed's "Caractéristiques majeures" (2016) and "Résultats chiffrés".
OUTCOMES = [
    (ExitOutcome.DROPOUT, 17),
    (ExitOutcome.EXTENSION, 22),
    (ExitOutcome.SOCIAL_PROJECT, 25),
    (ExitOutcome.PROFESSIONAL_PROJECT, 36),
]
OUTCOME_DETAILS = {
    ExitOutcome.DROPOUT: [r.value for r in DropoutReason],
    ExitOutcome.EXTENSION: [""],
    ExitOutcome.SOCIAL_PROJECT: [p.value for p in SocialProject],
    ExitOutcome.PROFESSIONAL_PROJECT: [p.value for p in ProfessionalProject],
}
IMPROVEMENT_SHARE = {
    Domain.ADMINISTRATIVE: 0.29,
    Domain.FAMILY: 0.34,
    Domain.SOCIAL_CULTURAL: 0.80,
    Domain.HOUSING: 0.44,
    Domain.FINANCIAL: 0.34,
    Domain.HEALTH: 0.46,
    Domain.EMPLOYMENT_TRAINING: 0.42,
}
DOMAINS = [d.value for d in Domain]
EU_BIRTH = [("BE", 80), ("FR", 4), ("IT", 4), ("RO", 4), ("PL", 3), ("ES", 2), ("PT", 2), ("NL", 1)]
NON_EU_BIRTH = [
    ("MA", 22),
    ("CD", 12),
    ("TR", 10),
    ("DZ", 8),
    ("GN", 7),
    ("SY", 7),
    ("AF", 6),
    ("CM", 6),
    ("RU", 4),
    ("SN", 4),
    ("TN", 4),
    ("IQ", 3),
    ("ER", 3),
    ("AL", 2),
    ("BR", 2),
]
REFERRERS = [(Referrer.SOCIAL_SERVICE, 6), (Referrer.PARTNER, 2), (Referrer.SELF, 1)]
PROCESS_MONTHS = {ProcessType.REMOBILISATION: 10, ProcessType.IMMERSION: 12}

T = datetime.time
# The weekly programme of a group: (weekday, start, end, workshop). The line marked
# "shared" is one session for both groups of a pair; the last line is the optional
# 5th (remobilisation) or 9th (immersion) workshop of the week.
WEEKLY = {
    ProcessType.REMOBILISATION: [
        (0, T(13, 30), T(16, 30), "Atelier prélude et convivialité"),
        (1, T(13, 30), T(16, 0), "Atelier citoyen"),
        (2, T(13, 30), T(16, 30), "Activités culturelles"),  # shared
        (3, T(13, 30), T(16, 30), "Ateliers créatifs et artistiques"),
        (4, T(13, 30), T(15, 30), "Atelier santé"),
    ],
    ProcessType.IMMERSION: [
        (0, T(9, 30), T(12, 0), "Ateliers conversation, pourparlers et mots croisés"),
        (0, T(13, 0), T(15, 30), "Atelier prélude et convivialité"),
        (1, T(9, 30), T(12, 0), "Ateliers conte, impro et jeux de société"),
        (1, T(13, 0), T(16, 0), "Activités culturelles"),  # shared
        (2, T(9, 30), T(12, 0), "Atelier d'initiation à l'informatique"),
        (3, T(9, 30), T(12, 0), "Atelier consom'action"),
        (3, T(13, 0), T(15, 30), "Ateliers photo et vidéo"),
        (4, T(9, 30), T(12, 0), "Ateliers projet et orientation"),
        (4, T(13, 0), T(15, 30), "Atelier couture"),
    ],
}
SHARED_WORKSHOP = "Activités culturelles"
LED_BY = {
    "Ateliers créatifs et artistiques": ProviderKind.SUBCONTRACTOR,
    "Atelier couture": ProviderKind.SUBCONTRACTOR,
    "Ateliers photo et vidéo": ProviderKind.SUBCONTRACTOR,
    "Atelier santé": ProviderKind.PARTNER,
    "Activités culturelles": ProviderKind.PARTNER,
    "Atelier vélo": ProviderKind.PARTNER,
}
ACTION_TEXTS = {
    Domain.ADMINISTRATIVE: "Trier les courriers et répondre à la mutuelle.",
    Domain.FAMILY: "Prendre contact avec le centre de planning familial.",
    Domain.SOCIAL_CULTURAL: "Participer à une sortie culturelle avec le groupe.",
    Domain.HOUSING: "Constituer le dossier pour l'agence immobilière sociale.",
    Domain.FINANCIAL: "Rendez-vous au service de médiation de dettes.",
    Domain.HEALTH: "Reprendre rendez-vous chez le médecin traitant.",
    Domain.EMPLOYMENT_TRAINING: "Visiter un centre de formation avec l'animateur.",
}


class SyntheticError(Exception):
    """The generation was refused (for example: the organisation already has people)."""


@dataclass
class Summary:
    organisation: Organisation
    rows: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


@dataclass
class _Group:
    id: int
    process: str
    start: datetime.date
    end: datetime.date
    site: int
    pair: int
    leader: int = 0  # index of the team leader, who follows one group at a time
    members: list = field(default_factory=list)  # enrolment ids

    @property
    def mid(self) -> datetime.date:
        return self.start + (self.end - self.start) / 2


@dataclass
class _Enrolment:
    id: int
    person: int  # index in the participant list
    group: _Group
    start: datetime.date
    exit: datetime.date | None = None
    outcome: str = ""
    detail: str = ""


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, the 28th at most (the same day in every month)."""
    return add_months(day.replace(day=min(day.day, 28)), months)


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


NOON = T(12, 0)


def _aware(day: datetime.date, at: datetime.time = NOON) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=UTC)


def clear_organisation(organisation) -> None:
    """Delete every programme record of ``organisation`` (not its users nor its audit
    trail), in the order the foreign keys allow, without loading the rows."""
    org = organisation.pk
    sessions = Session.objects.filter(organisation_id=org)
    enrolments = Enrolment.objects.filter(group__organisation_id=org)
    participants = Participant.objects.filter(organisation_id=org)
    steps = [
        HoursSummary.objects.filter(organisation_id=org),
        Attendance.objects.filter(session__organisation_id=org),
        Attendance.objects.filter(participant__organisation_id=org),
        AbsenceRun.objects.filter(organisation_id=org),
        Session.groups.through.objects.filter(session__organisation_id=org),
        sessions,
        SessionSeries.objects.filter(organisation_id=org),
        Action.objects.filter(enrolment__group__organisation_id=org),
        DomainRating.objects.filter(assessment__enrolment__group__organisation_id=org),
        Assessment.objects.filter(enrolment__group__organisation_id=org),
        ExitFollowUp.objects.filter(enrolment__group__organisation_id=org),
        enrolments,
        Group.staff.through.objects.filter(group__organisation_id=org),
        Group.objects.filter(organisation_id=org),
        InterventionDomain.objects.filter(intervention__participant__organisation_id=org),
        Intervention.objects.filter(participant__organisation_id=org),
        Consent.objects.filter(participant__organisation_id=org),
        LiteracyTest.objects.filter(participant__organisation_id=org),
        participants,
        WorkshopDomain.objects.filter(workshop__organisation_id=org),
        Workshop.objects.filter(organisation_id=org),
        Provider.objects.filter(organisation_id=org),
        ClosingPeriod.objects.filter(organisation_id=org),
        FeedToken.objects.filter(organisation_id=org),
    ]
    for queryset in steps:
        # A plain DELETE … WHERE: no rows loaded, no signal (nothing listens to these).
        queryset._raw_delete(queryset.db)


class _Generator:
    def __init__(self, *, organisation, participants, years, seed, until, password, log):
        self.organisation = organisation
        self.n = participants
        self.years = years
        self.until = until
        self.seed = seed
        self.rng = random.Random(seed)
        # Durations have their own generator: adding them left the rest of each seed's
        # programme as it was.
        self.minutes_rng = random.Random(f"{seed}:minutes")
        self.password = password
        self.log = log
        self.writer = RowWriter()
        self.window_start = datetime.date(until.year - years, until.month, 1)
        self.sites = max(1, math.ceil(participants / years / PARTICIPANTS_PER_SITE_YEAR))
        self.summary = Summary(organisation=organisation)
        self._clock = time.perf_counter()

    def _step(self, name):
        now = time.perf_counter()
        self.summary.seconds[name] = round(now - self._clock, 2)
        self.log(f"  {name}: {now - self._clock:.1f} s")
        self._clock = now

    # Users, catalogue, providers, closings -------------------------------------------
    def users(self):
        slug = self.organisation.slug
        hashed = make_password(self.password) if self.password else make_password(None)
        workers = max(2, math.ceil(self.n / self.years / PARTICIPANTS_PER_WORKER_YEAR))
        wanted = [(f"{slug}-coordinator", Role.COORDINATOR), (f"{slug}-viewer", Role.VIEWER)]
        wanted += [(f"{slug}-sw{i:04d}", Role.SOCIAL_WORKER) for i in range(1, workers + 1)]
        wanted += [
            (f"{slug}-leader{i:04d}", Role.WORKSHOP_LEADER) for i in range(1, self.leader_count + 1)
        ]
        existing = {u.username: u for u in User.objects.filter(username__in=[w for w, _ in wanted])}
        rng = random.Random(self.seed + 1)
        new = []
        for username, role in wanted:
            if username in existing:
                continue
            first, last, _gender, _country = rng.choice(DEMO_PEOPLE)
            new.append(
                User(
                    username=username,
                    organisation=self.organisation,
                    role=role,
                    password=hashed,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@synthetic.parcours.invalid",
                )
            )
        User.objects.bulk_create(new, batch_size=2000)
        by_name = {
            u.username: u.pk for u in User.objects.filter(username__in=[w for w, _ in wanted])
        }
        self.coordinator = by_name[f"{slug}-coordinator"]
        self.workers = [by_name[w] for w, role in wanted if role == Role.SOCIAL_WORKER]
        self.leaders = [by_name[w] for w, role in wanted if role == Role.WORKSHOP_LEADER]
        self._step("users")

    def catalogue(self):
        org = self.organisation.pk
        names = [w[0] for w in SEED_WORKSHOPS]
        ids = iter(self.writer.next_ids(Workshop, len(names) * self.sites))
        self.workshops = {}  # (site, name) -> (id, axis)
        rows, domains = [], []
        for site in range(self.sites):
            for name, axis, objectives, served in SEED_WORKSHOPS:
                pk = next(ids)
                label = name if site == 0 else f"{name} · site {site + 1}"
                self.workshops[site, name] = pk
                rows.append((pk, org, label, axis.value, objectives))
                domains.extend((pk, d.value) for d in served)
        self.writer.write(Workshop, ["id", "organisation", "name", "axis", "objectives"], rows)
        self.writer.write(WorkshopDomain, ["workshop", "domain"], domains)
        provider_ids = iter(self.writer.next_ids(Provider, 2 * self.sites))
        self.providers = {}
        rows = []
        for site in range(self.sites):
            suffix = "" if site == 0 else f" {site + 1}"
            for kind, name in (
                (ProviderKind.SUBCONTRACTOR, f"Atelier des Couleurs ASBL{suffix}"),
                (ProviderKind.PARTNER, f"Maison médicale du Quartier{suffix}"),
            ):
                pk = next(provider_ids)
                self.providers[site, kind] = pk
                rows.append((pk, org, name, kind.value, "", "", ""))
        self.writer.write(
            Provider, ["id", "organisation", "name", "kind", "contact_name", "phone", "email"], rows
        )
        self.closed = set()
        rows = []
        for year in range(self.window_start.year, self.until.year + 2):
            first, last = datetime.date(year, 7, 20), datetime.date(year, 8, 14)
            rows.append((org, f"Fermeture d'été {year}", first, last))
            self.closed.update(
                first + datetime.timedelta(days=d) for d in range((last - first).days + 1)
            )
        self.writer.write(ClosingPeriod, ["organisation", "label", "start_date", "end_date"], rows)
        years = range(self.window_start.year, self.until.year + 3)
        self.closed.update(holidays.country_holidays("BE", years=years).keys())
        self._step("catalogue")

    # People ---------------------------------------------------------------------------
    def profiles(self):
        """Who the people are, before knowing when they come: the profile decides the
        process (immersion for those learning French)."""
        rng = self.rng
        self.people = []
        for _ in range(self.n):
            outside_eu = rng.random() < 0.66
            country = _weighted(rng, NON_EU_BIRTH if outside_eu else EU_BIRTH)
            born_abroad = country != "BE"
            if born_abroad:
                french = _weighted(
                    rng,
                    [
                        (FrenchLevel.VERY_WEAK, 25),
                        (FrenchLevel.WEAK, 30),
                        (FrenchLevel.MEDIUM, 32),
                        (FrenchLevel.GOOD, 13),
                    ],
                )
            else:
                french = FrenchLevel.NATIVE
            if french in (FrenchLevel.VERY_WEAK, FrenchLevel.WEAK, FrenchLevel.MEDIUM):
                course = _weighted(
                    rng,
                    [
                        (LanguageCourse.FLE, 55),
                        (LanguageCourse.LITERACY, 40),
                        (LanguageCourse.NONE, 5),
                    ],
                )
            else:
                course = LanguageCourse.NONE
            learning = course != LanguageCourse.NONE
            process = (
                ProcessType.IMMERSION
                if (learning and rng.random() < 0.85) or (not learning and rng.random() < 0.1)
                else ProcessType.REMOBILISATION
            )
            self.people.append(
                {"country": country, "french": french, "course": course, "process": process}
            )

    # Groups and enrolments ------------------------------------------------------------
    def programme(self):
        self.groups: list[_Group] = []
        self.enrolments: list[_Enrolment] = []
        for process in (ProcessType.REMOBILISATION, ProcessType.IMMERSION):
            members = [i for i, p in enumerate(self.people) if p["process"] == process]
            if members:
                self._plan(process, members)
        # A team leader follows one group at a time: the next group that starts after
        # their current one ends, or a new leader (no leader leads two sessions at once).
        free = []  # (free from, leader index)
        self.leader_count = 0
        for group in sorted(self.groups, key=lambda g: (g.start, g.id)):
            if free and free[0][0] < group.start:
                _free_from, group.leader = heapq.heappop(free)
            else:
                group.leader = self.leader_count
                self.leader_count += 1
            heapq.heappush(free, (group.end, group.leader))
        self.leader_count = max(1, self.leader_count)
        self._step("plan")

    def _plan(self, process, members):
        """Groups in pairs starting together, evenly spread over the years; filled in
        order of start with the extensions waiting, then with new people. Planned again
        with more groups until everybody has a place."""
        months = PROCESS_MONTHS[process]
        pairs = max(1, math.ceil(len(members) / GROUP_SIZE / 2))
        span = max(1, (self.until - self.window_start).days - 30)
        for _attempt in range(20):
            rng = random.Random(f"{self.seed}-{process}-{pairs}")
            groups, enrolments = [], []
            waiting = []  # (free from, person) after an extension
            queue = iter(members)
            left = len(members)
            for pair in range(pairs):
                start = _monday(
                    self.window_start
                    + datetime.timedelta(days=(2 * pair + 1) * span // (2 * pairs))
                )
                start += (
                    datetime.timedelta(days=7)
                    if start < self.window_start
                    else datetime.timedelta()
                )
                end = _add_months(start, months) - datetime.timedelta(days=1)
                site = (len(self.groups) // 2 + pair) % self.sites
                for _side in range(2):
                    group = _Group(0, process, start, end, site, pair)
                    ready = [w for w in waiting if w[0] < start][:GROUP_SIZE]
                    for w in ready:
                        waiting.remove(w)
                    people = [person for _free, person in ready]
                    while len(people) < GROUP_SIZE and left:
                        people.append(next(queue))
                        left -= 1
                    if not people:
                        continue
                    groups.append(group)
                    for person in people:
                        enrolment = self._outcome(rng, group, person)
                        enrolments.append(enrolment)
                        if enrolment.outcome == ExitOutcome.EXTENSION:
                            waiting.append((enrolment.exit, person))
            if not left:
                break
            pairs += math.ceil(left / GROUP_SIZE / 2) + 1
        else:  # pragma: no cover - the loop above always converges
            raise SyntheticError("Could not place every participant in a group.")
        group_ids = iter(self.writer.next_ids(Group, len(groups)))
        for group in groups:
            group.id = next(group_ids)
        enrolment_ids = iter(self.writer.next_ids(Enrolment, len(enrolments)))
        for enrolment in enrolments:
            enrolment.id = next(enrolment_ids)
            enrolment.group.members.append(enrolment)
        self.groups.extend(groups)
        self.enrolments.extend(enrolments)

    def _outcome(self, rng, group, person) -> _Enrolment:
        enrolment = _Enrolment(0, person, group, group.start)
        outcome = _weighted(rng, OUTCOMES)
        if outcome == ExitOutcome.DROPOUT:
            days = (group.end - group.start).days
            exit_date = group.start + datetime.timedelta(days=rng.randint(20, max(21, days - 30)))
        else:
            exit_date = group.end
        if exit_date <= self.until:
            enrolment.exit = exit_date
            enrolment.outcome = outcome.value
            enrolment.detail = rng.choice(OUTCOME_DETAILS[outcome])
        return enrolment

    def write_people(self):
        rng = self.rng
        org = self.organisation.pk
        first_start = {}
        for enrolment in self.enrolments:
            if (
                enrolment.person not in first_start
                or enrolment.start < first_start[enrolment.person]
            ):
                first_start[enrolment.person] = enrolment.start
        ids = self.writer.next_ids(Participant, self.n)
        self.person_ids = list(ids)
        self.person_worker = []
        fields = [
            "id", "organisation", "reference", "last_name", "first_name", "gender",
            "birth_date", "birth_country", "nationality", "niss", "phone", "email",
            "address", "postal_code", "city", "qualification_level",
            "qualification_recognised", "never_worked", "inactive_since",
            "inactive_since_month_only", "french_level", "language_course", "referred_by",
            "referral_detail", "social_worker", "cpas_proof_kind", "cpas_proof_date",
            "search_text", "created_at",
        ]  # fmt: skip
        women = [p for p in DEMO_PEOPLE if p[2] == "F"]
        men = [p for p in DEMO_PEOPLE if p[2] == "M"]
        surnames = [p[1] for p in DEMO_PEOPLE]
        workers = self.workers
        org_slug = self.organisation.slug.upper()[:6]

        def rows():
            for index, person in enumerate(self.people):
                pk = self.person_ids[index]
                start = first_start.get(index, self.until)
                gender = _weighted(rng, [("F", 63), ("M", 36), ("X", 1)])
                first = rng.choice(
                    women if gender == "F" else men if gender == "M" else DEMO_PEOPLE
                )[0]
                last = rng.choice(surnames)
                age = min(64, max(19, round(rng.gauss(42, 10))))
                birth = datetime.date(start.year - age, rng.randint(1, 12), rng.randint(1, 28))
                if birth > start - datetime.timedelta(days=365 * age):
                    birth = birth.replace(year=birth.year - 1)
                never_worked = rng.random() < 0.35
                inactive_since = None
                if not never_worked:
                    months_before = (
                        rng.randint(3, 22) if rng.random() < 0.045 else rng.randint(25, 180)
                    )
                    inactive_since = _add_months(start, -months_before).replace(day=1)
                born_abroad = person["country"] != "BE"
                level = _weighted(
                    rng,
                    [
                        (QualificationLevel.NONE, 22),
                        (QualificationLevel.PRIMARY, 20),
                        (QualificationLevel.LOWER_SECONDARY, 20),
                        (QualificationLevel.UPPER_SECONDARY, 28),
                        (QualificationLevel.HIGHER, 14),
                    ],
                )
                recognised = (
                    _weighted(
                        rng,
                        [(Recognition.NO, 45), (Recognition.PENDING, 15), (Recognition.YES, 40)],
                    )
                    if born_abroad
                    else Recognition.YES
                )
                worker = workers[index % len(workers)]
                self.person_worker.append(worker)
                reference = f"{org_slug}-{index + 1:06d}"
                nationality = person["country"] if rng.random() < 0.7 else "BE"
                yield (
                    pk, org, reference, last, first, gender, birth, person["country"],
                    nationality, "", f"04{rng.randint(70, 99)} {rng.randint(100000, 999999)}",
                    "", "", "5000", "Synthétique-sur-Meuse", level.value, recognised.value,
                    never_worked, inactive_since, inactive_since is not None,
                    person["french"].value, person["course"].value,
                    _weighted(rng, REFERRERS).value,
                    "", worker, CpasProofKind.INTEGRATION_INCOME.value,
                    start - datetime.timedelta(days=rng.randint(10, 300)),
                    normalise(f"{last} {first} {reference}"),
                    _aware(start - datetime.timedelta(days=14)),
                )  # fmt: skip

        self.writer.write(Participant, fields, rows())
        self._step("participants")

    def write_programme(self):
        rng = self.rng
        org = self.organisation.pk
        until = self.until
        process_label = {
            ProcessType.REMOBILISATION: "Remobilisation",
            ProcessType.IMMERSION: "Immersion",
        }
        rows, staff = [], []
        for number, group in enumerate(self.groups, start=1):
            name = f"{process_label[group.process]} {group.start:%Y-%m} n°{number}"
            capacity = max(GROUP_SIZE, len(group.members))
            rows.append((group.id, org, name, group.process, group.start, group.end, capacity))
            worker = self.workers[number % len(self.workers)]
            staff.append((group.id, worker))
            staff.append((group.id, self.leaders[group.leader]))
        self.writer.write(
            Group,
            ["id", "organisation", "name", "process_type", "start_date", "end_date", "capacity"],
            rows,
        )
        self.writer.write(Group.staff.through, ["group", "user"], staff)
        self.writer.write(
            Enrolment,
            ["id", "participant", "group", "start_date", "exit_date", "outcome", "outcome_detail"],
            (
                (e.id, self.person_ids[e.person], e.group.id, e.start, e.exit, e.outcome, e.detail)
                for e in self.enrolments
            ),
        )
        follow_ups = []
        for e in self.enrolments:
            if e.exit is None:
                continue
            due = e.exit + datetime.timedelta(days=182)
            if due < until - datetime.timedelta(days=30) and rng.random() < 0.8:
                recorded = due + datetime.timedelta(days=rng.randint(0, 20))
                situation = rng.choice(list(FollowUpSituation)).value
                by = self.person_worker[e.person]
            else:
                recorded, situation, by = None, "", None
            follow_ups.append((e.id, due, situation, recorded, by, ""))
        self.writer.write(
            ExitFollowUp,
            ["enrolment", "due_on", "situation", "recorded_on", "recorded_by", "note"],
            follow_ups,
        )
        self._step("groups and enrolments")
        self._assessments()
        self._step("assessments and actions")
        self._individual()
        self._step("consents, interventions, literacy tests")

    def _assessments(self):
        rng = self.rng
        until = self.until
        assessments, ratings, actions = [], [], []
        plan = []
        for e in self.enrolments:
            if e.start > until:
                continue
            group = e.group
            moments = [(Moment.ENTRY, e.start, 0.0)]
            mid = group.mid
            if mid <= until and (e.exit is None or e.exit >= mid):
                moments.append((Moment.MIDDLE, mid, 0.5))
            if e.exit is not None and e.outcome != ExitOutcome.DROPOUT:
                moments.append((Moment.END, e.exit, 1.0))
            plan.append((e, moments))
        ids = iter(self.writer.next_ids(Assessment, sum(len(m) for _e, m in plan)))
        action_count = 0
        for e, moments in plan:
            author = self.person_worker[e.person]
            entry = {
                d: (None if rng.random() < 0.08 else rng.choice((1, 2, 2, 3, 3, 3, 4)))
                for d in DOMAINS
            }
            entry_id = None
            for moment, day, share in moments:
                pk = next(ids)
                entry_id = entry_id or pk
                minutes = self.minutes_rng.choice(ASSESSMENT_MINUTES[moment])
                assessments.append(
                    (pk, e.id, moment.value, day, minutes, "", author, 1, _aware(day))
                )
                for domain in DOMAINS:
                    rating = entry[domain]
                    if rating is not None and share:
                        draw = rng.random()
                        if draw < IMPROVEMENT_SHARE[domain] * share:
                            rating = min(5, rating + (1 if rng.random() < 0.7 else 2))
                        elif draw > 0.96:
                            rating = max(1, rating - 1)
                    ratings.append((pk, domain, rating, ""))
            rated = sorted((r, d) for d, r in entry.items() if r is not None)[:2]
            for _rating, domain in rated:
                due = e.start + datetime.timedelta(days=rng.randint(45, 150))
                if due < until:
                    status = _weighted(
                        rng,
                        [
                            (ActionStatus.DONE, 6),
                            (ActionStatus.UNDER_WAY, 3),
                            (ActionStatus.GIVEN_UP, 1),
                        ],
                    )
                else:
                    status = ActionStatus.PLANNED
                actions.append(
                    (
                        e.id,
                        domain,
                        ACTION_TEXTS[domain],
                        "Participant",
                        due,
                        status.value,
                        entry_id,
                        None,
                    )
                )
                action_count += 1
        self.writer.write(
            Assessment,
            ["id", "enrolment", "moment", "date", "duration_minutes", "overall_note", "author",
             "version", "updated_at"],
            assessments,
        )  # fmt: skip
        self.writer.write(DomainRating, ["assessment", "domain", "rating", "comment"], ratings)
        self.writer.write(
            Action,
            [
                "enrolment",
                "domain",
                "description",
                "responsible",
                "due_date",
                "status",
                "agreed_at",
                "reviewed_at",
            ],
            actions,
        )

    def _individual(self):
        rng = self.rng
        until = self.until
        spans = {}
        for e in self.enrolments:
            first, last = spans.get(e.person, (e.start, e.exit or until))
            spans[e.person] = (min(first, e.start), max(last, e.exit or until))
        consents, interventions, domains, tests = [], [], [], []
        count = 0
        plans = []
        for index in range(self.n):
            first, last = spans.get(index, (until, until))
            last = min(last, until)
            plans.append((index, first, last, rng.randint(0, 5) if first <= until else 0))
            count += plans[-1][3]
        ids = iter(self.writer.next_ids(Intervention, count))
        levels = list(LiteracyLevel)
        kinds = list(InterventionKind)
        for index, first, last, how_many in plans:
            pk = self.person_ids[index]
            worker = self.person_worker[index]
            given = first - datetime.timedelta(days=rng.randint(0, 14))
            consents.append((pk, ConsentPurpose.FOLLOW_UP.value, given, worker, None))
            consents.append((pk, ConsentPurpose.REPORTING.value, given, worker, None))
            span = max(0, (last - first).days)
            for _ in range(how_many):
                day = first + datetime.timedelta(days=rng.randint(0, span))
                intervention = next(ids)
                kind = rng.choice(kinds).value
                interventions.append(
                    (intervention, pk, day, rng.choice((15, 30, 45, 60, 90, 120)), kind,
                     "Entretien de suivi : point sur les démarches en cours.", worker, _aware(day))
                )  # fmt: skip
                for domain in sorted(set(rng.sample(DOMAINS, rng.randint(1, 2)))):
                    domains.append((intervention, domain))
            if self.people[index]["course"] == LanguageCourse.LITERACY and first <= until:
                start = rng.randint(0, 3)
                tests.append(
                    (pk, first, self.minutes_rng.choice(LITERACY_TEST_MINUTES), worker,
                     levels[start + 2].value, levels[start + 1].value, levels[start].value,
                     levels[start].value, Orientation.LITERACY.value, "")
                )  # fmt: skip
        self.writer.write(
            Consent,
            ["participant", "purpose", "given_on", "collected_by", "withdrawn_on"],
            consents,
        )
        self.writer.write(
            Intervention,
            [
                "id",
                "participant",
                "date",
                "duration_minutes",
                "kind",
                "notes",
                "author",
                "created_at",
            ],
            interventions,
        )
        self.writer.write(InterventionDomain, ["intervention", "domain"], domains)
        self.writer.write(
            LiteracyTest,
            ["participant", "date", "duration_minutes", "examiner", "oral_comprehension",
             "oral_expression", "reading", "writing", "orientation", "comment"],
            tests,
        )  # fmt: skip

    # Sessions and attendance ------------------------------------------------------------
    def sessions(self):
        rng = self.rng
        org = self.organisation.pk
        taken_until = self.until - datetime.timedelta(days=REGISTER_DELAY_DAYS)
        used = set()
        sessions, links = [], []
        by_pair = {}
        for group in self.groups:
            by_pair.setdefault((group.process, group.pair), []).append(group)
        one_day = datetime.timedelta(days=1)
        first_id = next_id = self.writer.next_ids(Session, 0).start
        for (process, _pair), pair_groups in by_pair.items():
            first = pair_groups[0]
            site = first.site
            lines = WEEKLY[process]
            for group_index, group in enumerate(pair_groups):
                leader = self.leaders[group.leader]
                # 4 or 5 afternoons, 8 or 9 workshops: the last line is optional.
                weekly = lines if rng.random() < 0.5 else lines[:-1]
                for weekday, start, end, name in weekly:
                    shared = name == SHARED_WORKSHOP
                    if shared and group_index > 0:
                        continue  # the first group's session serves both
                    workshop = self.workshops[site, name]
                    kind = LED_BY.get(name, ProviderKind.TEAM)
                    provider = None if kind == ProviderKind.TEAM else self.providers[site, kind]
                    day = first.start + datetime.timedelta(
                        days=(weekday - first.start.weekday()) % 7
                    )
                    room = "" if kind != ProviderKind.TEAM else f"Local {group.leader + 1}"
                    while day <= group.end:
                        if day not in self.closed:
                            begin, finish = start, end
                            while (workshop, day, begin) in used:
                                # Another group of the site has this workshop then: later.
                                shifted = datetime.datetime.combine(
                                    day, begin
                                ) + datetime.timedelta(minutes=5)
                                begin = shifted.time()
                                finish = (
                                    datetime.datetime.combine(day, finish)
                                    + datetime.timedelta(minutes=5)
                                ).time()
                            used.add((workshop, day, begin))
                            cancelled = rng.random() < 0.02
                            validated = datetime.datetime.combine(day, finish, tzinfo=UTC)
                            held = day <= taken_until and not cancelled
                            pk = next_id
                            next_id += 1
                            sessions.append(
                                (pk, org, workshop, None, day, begin, finish,
                                 minutes_between(begin, finish), room, kind.value,
                                 provider,
                                 leader if kind == ProviderKind.TEAM else None, cancelled,
                                 "Animateur malade" if cancelled else "",
                                 validated if held else None,
                                 (leader if held else None))
                            )  # fmt: skip
                            links.append((pk, group.id))
                            if shared:
                                links.extend((pk, other.id) for other in pair_groups[1:])
                        day += 7 * one_day
        self.writer.next_ids(Session, next_id - first_id)  # keep the ids handed out
        self.writer.write(
            Session,
            ["id", "organisation", "workshop", "series", "date", "start_time", "end_time",
             "duration_minutes", "room",
             "provider_kind", "provider", "leader", "cancelled", "cancel_reason",
             "register_validated_at", "register_validated_by"],
            sessions,
        )  # fmt: skip
        self.writer.write(Session.groups.through, ["session", "group"], links)
        self._step("sessions")

    def attendance(self):
        """Every enrolled person at every session held while enrolled, in one statement:
        80% present, 5% late, 7% excused, 8% absent, from a hash of the ids and the seed."""
        taken_until = self.until - datetime.timedelta(days=REGISTER_DELAY_DAYS)
        if connection.vendor == "postgresql":
            marked_at = "(s.date + s.end_time)::timestamp AT TIME ZONE 'UTC'"
        else:
            marked_at = "s.date || ' ' || s.end_time"
        sql = f"""
            INSERT INTO attendance_attendance
                (session_id, participant_id, status, marked_by_id, marked_at)
            SELECT session_id, participant_id,
                   CASE WHEN draw < 80 THEN 'present' WHEN draw < 85 THEN 'late'
                        WHEN draw < 92 THEN 'excused' ELSE 'absent' END,
                   marked_by_id, marked_at
            FROM (
                SELECT s.id AS session_id, e.participant_id AS participant_id,
                       s.register_validated_by_id AS marked_by_id, {marked_at} AS marked_at,
                       (s.id * 761 + e.participant_id * 2137 + %s) %% 100 AS draw
                FROM workshops_session s
                JOIN workshops_session_groups sg ON sg.session_id = s.id
                JOIN programme_enrolment e ON e.group_id = sg.group_id
                WHERE s.organisation_id = %s AND s.cancelled = %s AND s.date <= %s
                  AND s.date >= e.start_date AND (e.exit_date IS NULL OR s.date <= e.exit_date)
            ) AS marks
        """
        params = [self.seed * 7919, self.organisation.pk, False, taken_until]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            self.writer.counts["attendance_attendance"] = cursor.rowcount
        refresh_marked(Session.objects.filter(organisation=self.organisation))
        self._step("attendance")

    def finish(self):
        self.writer.reset_sequences(
            [
                Workshop, WorkshopDomain, Provider, ClosingPeriod, Participant, Group,
                Group.staff.through, Enrolment, ExitFollowUp, Assessment, DomainRating, Action,
                Consent, Intervention, InterventionDomain, LiteracyTest, Session,
                Session.groups.through, Attendance,
            ]
        )  # fmt: skip
        self.summary.rows = dict(self.writer.counts)


# From this many participants, the attendance is loaded the way PostgreSQL's manual
# advises for a bulk load ("Populating a Database"): secondary indexes dropped and built
# again afterwards, foreign keys not checked row by row.
BULK_LOAD_FROM = 5_000


# The largest tables: their secondary indexes are built once at the end of a bulk load.
BULK_TABLES = [Session, Session.groups.through, DomainRating, Attendance]


@contextlib.contextmanager
def _bulk_load(tables):
    """On PostgreSQL, for a large programme, load the way its manual advises
    ("Populating a Database"), within the transaction: no foreign-key trigger per row
    (superuser only; otherwise the checks are at least made at once rather than queued
    until the commit), and the secondary indexes and unique constraints of ``tables``
    dropped, then built again at the end (which checks the unique constraints). The rows
    are consistent by construction: the tests check them with every trigger on."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        rebuild = []
        for model in tables:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(definition)
    yield
    with connection.cursor() as cursor:
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


# Filled by the services after the rows are written (``announce_sessions_changed``), so
# never among the writer's tables; unanalysed, the report's hours queries at 100,000 people
# were planned for an empty summary (nested loops, 0.2 s instead of 0.06 s).
SUMMARY_TABLES = (HoursSummary._meta.db_table, AbsenceRun._meta.db_table)


def analyse_tables(tables):
    """Fresh planner statistics: the benchmark measures the plans a real database has.
    The summaries computed from the rows are analysed with them."""
    tables = sorted({*tables, *SUMMARY_TABLES})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(f'"{t}"' for t in tables))
        else:
            cursor.execute("ANALYZE")


def generate_programme(
    *,
    slug: str,
    participants: int,
    years: int = 3,
    seed: int = 1,
    until: datetime.date | None = None,
    replace: bool = False,
    password: str | None = None,
    log=lambda message: None,
    analyse: bool = True,
    check_rows: bool = True,
) -> Summary:
    """Write a synthetic programme of ``participants`` people over the ``years`` before
    ``until`` (default today) for the organisation ``slug`` (created when missing).

    Refused when the organisation already has participants, unless ``replace``, which
    first deletes its programme records (users and audit trail are kept).
    ``password`` is given to every synthetic user (none: they cannot sign in).
    ``analyse=False`` leaves the planner statistics to the caller (a federation
    analyses once after its last member rather than the whole tables after each);
    ``check_rows=False`` skips the foreign-key checks of a small programme too (on
    PostgreSQL, ``_bulk_load``): a federation's members would each spend seconds in them
    at the commit.
    """
    if participants < 1 or years < 1:
        raise SyntheticError("Give at least one participant and one year.")
    until = until or datetime.date.today()
    started = time.perf_counter()
    with transaction.atomic():
        organisation, _created = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": f"CPAS synthétique ({slug})"}
        )
        if Participant.objects.filter(organisation=organisation).exists():
            if not replace:
                raise SyntheticError(
                    f"The organisation “{slug}” already has participants: "
                    "use --replace to delete its programme first."
                )
            clear_organisation(organisation)
        generator = _Generator(
            organisation=organisation,
            participants=participants,
            years=years,
            seed=seed,
            until=until,
            password=password,
            log=log,
        )
        if replace:
            generator._step("clear")
        large = participants >= BULK_LOAD_FROM
        if large:
            loading = _bulk_load(BULK_TABLES)
        elif not check_rows:
            # The shared tables' indexes stay (building them again after each member
            # would cost more than the member); only the row-by-row checks go.
            loading = _bulk_load([])
        else:
            loading = contextlib.nullcontext()
        with loading:
            generator.profiles()
            generator.programme()
            generator.users()
            generator.catalogue()
            generator.write_people()
            generator.write_programme()
            generator.sessions()
            generator.attendance()
        if large:
            generator._step("indexes")
            # Statistics before the summaries' queries: without them the planner treats
            # millions of fresh marks as an empty table (hours at 100,000 people).
            analyse_tables(sorted(generator.writer.counts))
            generator._step("statistics")
        # The hours summary of every month, and every run of absences (the marks were
        # inserted in SQL): ``attendance.runs`` computes them for the organisation.
        announce_sessions_changed(organisation.pk)
        generator._step("hours summary")
        generator.finish()
    if analyse:
        analyse_tables(sorted(generator.summary.rows))
        generator._step("analyse")
    summary = generator.summary
    summary.seconds["total"] = round(time.perf_counter() - started, 2)
    return summary
