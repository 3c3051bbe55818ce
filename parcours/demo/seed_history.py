"""The rows behind the seed's 2016 slides: the programme's history from its opening in
September 2012 to 1 June 2017, taken over like an import.

Every figure of the slides "Caractéristiques majeures des participants en 2016",
"Evolution 2012-2017" and "Résultats chiffrés 2016" follows from the counts below
(docs/statistics.md gives the definitions). The history is fixed: no randomness, the
same rows on every run.

Who goes where is written as paths: a line gives how many people follow the same
stages, each stage one enrolment in a group with its outcome. An ``extension`` stage is
followed by the enrolment in the next group.
"""

from datetime import date, time, timedelta
from typing import NamedTuple

from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.assessments.enums import Moment
from parcours.assessments.models import Assessment, DomainRating
from parcours.core.domains import Domain
from parcours.demo.build import create_catalogue
from parcours.demo.catalogue import SEED_WORKSHOPS
from parcours.demo.people import DEMO_PEOPLE
from parcours.participants.enums import (
    FrenchLevel,
    LanguageCourse,
    QualificationLevel,
    Recognition,
    Referrer,
)
from parcours.participants.models import Participant
from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome, ProcessType
from parcours.programme.models import Enrolment, Group
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import Provider, Session, Workshop
from parcours.workshops.signals import announce_sessions_changed

D = date
HISTORY_END = D(2017, 6, 1)  # the seed's "au 1/6" column
REFERENCE_YEAR = 2016  # the year whose characteristics the profiles below give exactly
FIRST_PARTNERSHIP_YEAR = 2013  # "2013-2014: nouveaux partenariats et sous-traitance"

REMOBILISATION, IMMERSION = ProcessType.REMOBILISATION, ProcessType.IMMERSION

# key: (name, process, start, planned end)
GROUPS = {
    "R12": ("Remobilisation 2012", REMOBILISATION, D(2012, 9, 17), D(2013, 6, 28)),
    "R13A": ("Remobilisation 2013-A", REMOBILISATION, D(2013, 1, 14), D(2013, 10, 31)),
    "R13B": ("Remobilisation 2013-B", REMOBILISATION, D(2013, 9, 16), D(2014, 6, 27)),
    "I13": ("Immersion 2013", IMMERSION, D(2013, 9, 16), D(2014, 8, 29)),
    "R14A": ("Remobilisation 2014-A", REMOBILISATION, D(2014, 1, 13), D(2014, 10, 31)),
    "R14B": ("Remobilisation 2014-B", REMOBILISATION, D(2014, 9, 15), D(2015, 6, 26)),
    "I14": ("Immersion 2014", IMMERSION, D(2014, 9, 15), D(2015, 8, 28)),
    "R15A": ("Remobilisation 2015-A", REMOBILISATION, D(2015, 1, 12), D(2015, 10, 30)),
    "I15A": ("Immersion 2015-A", IMMERSION, D(2015, 1, 12), D(2015, 12, 18)),
    "R15B": ("Remobilisation 2015-B", REMOBILISATION, D(2015, 9, 14), D(2016, 6, 24)),
    "I15": ("Immersion 2015-B", IMMERSION, D(2015, 9, 14), D(2016, 8, 26)),
    "R16A": ("Remobilisation 2016-A", REMOBILISATION, D(2016, 1, 11), D(2016, 10, 28)),
    "I16A": ("Immersion 2016-A", IMMERSION, D(2016, 1, 11), D(2016, 12, 16)),
    "R16B": ("Remobilisation 2016-B", REMOBILISATION, D(2016, 9, 12), D(2017, 6, 23)),
    "R16C": ("Remobilisation 2016-C", REMOBILISATION, D(2016, 10, 3), D(2017, 7, 14)),
    "I16B": ("Immersion 2016-B", IMMERSION, D(2016, 9, 12), D(2017, 8, 25)),
    "R17A": ("Remobilisation 2017-A", REMOBILISATION, D(2017, 1, 9), D(2017, 10, 27)),
    "I17A": ("Immersion 2017-A", IMMERSION, D(2017, 1, 9), D(2017, 12, 15)),
}
CAPACITY = {REMOBILISATION: 15, IMMERSION: 16}


class Stage(NamedTuple):
    """One enrolment: the group, the outcome detail (a dropout reason, ``extension``, a
    kind of project, or None while still enrolled) and the date of a dropout; the other
    exits happen at the group's planned end."""

    group: str
    detail: str | None
    dropped_on: date | None = None


S = Stage
EXT = "extension"

# (how many people, their stages). Participants per year: 2012: 9, 2013: 51, 2014: 53,
# 2015: 76, 2016: 90, 2017 (to 1 June): 63. Exits of 2016: 64 = 11 dropouts (7 health,
# 4 moving), 14 extensions, 16 social and 23 professional projects.
PATHS = [
    # 2012: the first group, on the CPAS's own funds.
    (1, [S("R12", "health", D(2013, 3, 15))]),
    (1, [S("R12", EXT), S("R13B", "volunteering")]),
    (1, [S("R12", EXT), S("R13B", "job_search")]),
    (3, [S("R12", "personal_project")]),
    (3, [S("R12", "pre_training")]),
    # 2013: 42 new people.
    (2, [S("R13A", "health", D(2013, 5, 17))]),
    (1, [S("R13A", EXT), S("R14A", "arts_culture")]),
    (1, [S("R13A", EXT), S("R14A", "qualifying_training")]),
    (4, [S("R13A", "volunteering")]),
    (6, [S("R13A", "pre_training")]),
    (2, [S("R13B", "moving", D(2014, 2, 14))]),
    (1, [S("R13B", EXT), S("R14B", EXT), S("R15B", "volunteering")]),
    (1, [S("R13B", EXT), S("R14B", "employment")]),
    (3, [S("R13B", "digital_training")]),
    (5, [S("R13B", "job_search")]),
    (2, [S("I13", "moving", D(2013, 11, 22))]),
    (1, [S("I13", "health", D(2014, 3, 7))]),
    (1, [S("I13", EXT), S("I14", "language_training")]),
    (2, [S("I13", EXT), S("I14", "pre_training")]),
    (5, [S("I13", "language_training")]),
    (5, [S("I13", "pre_training")]),
    # 2014: 23 new people.
    (2, [S("R14A", "health", D(2014, 4, 11))]),
    (1, [S("R14A", EXT), S("R15A", "volunteering")]),
    (1, [S("R14A", EXT), S("R15A", "job_search")]),
    (2, [S("R14A", "personal_project")]),
    (4, [S("R14A", "job_search")]),
    (1, [S("R14B", "other", D(2015, 1, 30))]),
    (1, [S("R14B", EXT), S("R15B", "employment")]),
    (1, [S("R14B", "volunteering")]),
    (3, [S("R14B", "pre_training")]),
    (2, [S("I14", "moving", D(2015, 2, 20))]),
    (1, [S("I14", EXT), S("I15", "language_training")]),
    (1, [S("I14", EXT), S("I15", "qualifying_training")]),
    (2, [S("I14", "language_training")]),
    (1, [S("I14", "employment")]),
    # 2015: 56 new people, two more groups (the deployment of the project).
    (2, [S("R15A", "health", D(2015, 3, 20))]),
    (1, [S("R15A", EXT), S("R16A", "arts_culture")]),
    (2, [S("R15A", EXT), S("R16A", "qualifying_training")]),
    (3, [S("R15A", "arts_culture")]),
    (5, [S("R15A", "qualifying_training")]),
    (2, [S("I15A", "moving", D(2015, 5, 8))]),
    (1, [S("I15A", EXT), S("I16A", "language_training")]),
    (2, [S("I15A", EXT), S("I16A", "pre_training")]),
    (5, [S("I15A", "language_training")]),
    (6, [S("I15A", "pre_training")]),
    (1, [S("R15B", "other", D(2015, 11, 20))]),
    (1, [S("R15B", "health", D(2016, 2, 19))]),
    (1, [S("R15B", "moving", D(2016, 3, 18))]),
    (3, [S("R15B", EXT), S("R16B", None)]),
    (2, [S("R15B", "volunteering")]),
    (1, [S("R15B", "personal_project")]),
    (2, [S("R15B", "job_search")]),
    (2, [S("R15B", "pre_training")]),
    (1, [S("I15", "health", D(2015, 12, 4))]),
    (1, [S("I15", "health", D(2016, 1, 29))]),
    (3, [S("I15", EXT), S("I16B", None)]),
    (2, [S("I15", "language_training")]),
    (1, [S("I15", "digital_training")]),
    (3, [S("I15", "pre_training")]),
    (2, [S("I15", "job_search")]),
    (1, [S("I15", "employment")]),
    # 2016: 55 new people.
    (1, [S("R16A", "health", D(2016, 3, 11))]),
    (1, [S("R16A", "moving", D(2016, 5, 13))]),
    (4, [S("R16A", EXT), S("R17A", None)]),
    (2, [S("R16A", "volunteering")]),
    (1, [S("R16A", "arts_culture")]),
    (2, [S("R16A", "job_search")]),
    (1, [S("R16A", "employment")]),
    (2, [S("I16A", "health", D(2016, 4, 15))]),
    (4, [S("I16A", EXT), S("I17A", None)]),
    (2, [S("I16A", "language_training")]),
    (1, [S("I16A", "personal_project")]),
    (2, [S("I16A", "pre_training")]),
    (1, [S("I16A", "qualifying_training")]),
    (1, [S("I16A", "job_search")]),
    (1, [S("R16B", "moving", D(2016, 11, 18))]),
    (9, [S("R16B", None)]),
    (1, [S("R16C", "health", D(2016, 11, 25))]),
    (1, [S("R16C", "moving", D(2016, 12, 9))]),
    (1, [S("R16C", "health", D(2017, 3, 10))]),
    (7, [S("R16C", None)]),
    (1, [S("I16B", "health", D(2016, 10, 21))]),
    (1, [S("I16B", "moving", D(2017, 2, 17))]),
    (8, [S("I16B", None)]),
    # 2017 up to 1 June: 23 new people.
    (1, [S("R17A", "other", D(2017, 4, 21))]),
    (10, [S("R17A", None)]),
    (12, [S("I17A", None)]),
]


def _spread(counts):
    """``[(value, n), ...]`` as one list where each value comes back at even intervals."""
    slots = sorted(
        ((i + 0.5) / n, order, value) for order, (value, n) in enumerate(counts) for i in range(n)
    )
    return [value for _position, _order, value in slots]


class Origin(NamedTuple):
    country: str
    french: str
    course: str
    level: str
    recognised: str


# The 90 participants of 2016, by origin and language (count, then values used in turn):
# non-EU 23 + 30 + 1 + 5 = 59; French very weak to medium 23 + 30 + 3 + 1 = 57, of whom
# 33 in FLE and 23 in literacy classes; without a valued qualification
# 23 + 30 + 3 + 1 + 11 + 1 = 69. One country of birth is unknown.
F, L = FrenchLevel, QualificationLevel
ORIGIN_BLOCKS = [
    (
        23,
        ["MA", "GN", "ML", "SN", "AF", "SO", "ER", "DZ"],
        [F.VERY_WEAK, F.WEAK],
        LanguageCourse.LITERACY,
        [L.NONE, L.PRIMARY],
        [""],
    ),
    (
        30,
        ["SY", "TR", "AF", "IQ", "IR", "UA", "GE", "AM", "AL", "ET", "MA", "TN"],
        [F.WEAK, F.MEDIUM, F.VERY_WEAK],
        LanguageCourse.FLE,
        [L.LOWER_SECONDARY, L.UPPER_SECONDARY, L.HIGHER],
        [Recognition.NO, Recognition.PENDING],
    ),
    (
        3,
        ["RO", "PL", "BG"],
        [F.WEAK, F.MEDIUM],
        LanguageCourse.FLE,
        [L.UPPER_SECONDARY],
        [Recognition.PENDING],
    ),
    (1, ["CD"], [F.MEDIUM], LanguageCourse.NONE, [L.PRIMARY], [""]),
    (
        5,
        ["CD", "MA", "TN", "DZ", "LB"],
        [F.GOOD, F.VERY_GOOD],
        LanguageCourse.NONE,
        [L.UPPER_SECONDARY, L.HIGHER],
        [Recognition.YES],
    ),
    (
        12,
        ["BE"],
        [F.NATIVE],
        LanguageCourse.NONE,
        [L.UPPER_SECONDARY, L.HIGHER],
        [Recognition.YES],
    ),
    (11, ["BE"], [F.NATIVE], LanguageCourse.NONE, [L.NONE, L.PRIMARY, L.LOWER_SECONDARY], [""]),
    (
        4,
        ["FR", "IT", "ES", "PT"],
        [F.NATIVE, F.VERY_GOOD, F.GOOD, F.GOOD],
        LanguageCourse.NONE,
        [L.UPPER_SECONDARY],
        [Recognition.YES],
    ),
    (1, [""], [F.GOOD], LanguageCourse.NONE, [L.PRIMARY], [""]),
]
GENDERS = [("F", 57), ("M", 32), ("X", 1)]
# Ages on the reference date: 3753 years in all, 41.7 on average.
AGES = [(23, 2), (26, 4), (29, 6), (32, 8), (35, 9), (38, 9), (41, 10)]
AGES += [(44, 10), (47, 9), (50, 8), (53, 6), (56, 4), (59, 3), (62, 2)]
# Inactive for more than 24 months: 30 never worked + 57 stopped years ago = 87.
NEVER_WORKED, LONG_INACTIVE, RECENTLY_INACTIVE = "never", "long", "recent"
WORK = [(NEVER_WORKED, 30), (LONG_INACTIVE, 57), (RECENTLY_INACTIVE, 3)]


class Profile(NamedTuple):
    gender: str
    age: int
    origin: Origin
    work: str


def _origins():
    """The 90 origins of ORIGIN_BLOCKS, the blocks interleaved."""
    blocks = [
        [
            Origin(
                countries[k % len(countries)],
                frenches[k % len(frenches)],
                course,
                levels[k % len(levels)],
                recognitions[k % len(recognitions)],
            )
            for k in range(count)
        ]
        for count, countries, frenches, course, levels, recognitions in ORIGIN_BLOCKS
    ]
    order = _spread([(index, len(block)) for index, block in enumerate(blocks)])
    taken = [0] * len(blocks)
    origins = []
    for index in order:
        origins.append(blocks[index][taken[index]])
        taken[index] += 1
    return origins


def _profiles():
    """The 90 profiles of 2016; each column is shuffled by its own stride (coprime with
    90) so that genders, ages, origins and work histories mix."""
    columns = [_spread(GENDERS), _spread(AGES), _origins(), _spread(WORK)]
    size = len(columns[0])
    strides = [1, 7, 11, 13]
    return [
        Profile(
            *(column[k * stride % size] for column, stride in zip(columns, strides, strict=True))
        )
        for k in range(size)
    ]


PROFILES = _profiles()

# Completed exits of 2016 (the non-dropouts): 53. For each domain, how many were rated at
# entry and end, and how many of those improved; the others stayed stable (the slide:
# all "ont stabilisé ou amélioré leur situation"). Unrated domains are "not concerned".
COMPLETED_2016 = 53
IMPROVEMENT_2016 = {
    Domain.SOCIAL_CULTURAL: (50, 40),
    Domain.HEALTH: (48, 22),
    Domain.HOUSING: (41, 18),
    Domain.EMPLOYMENT_TRAINING: (53, 22),
    Domain.FINANCIAL: (44, 15),
    Domain.FAMILY: (35, 12),
    Domain.ADMINISTRATIVE: (52, 15),
}

# The subcontractors and partners (fictitious).
COLOURS, BIKES = "Atelier des Couleurs", "Roue Libre"
HEALTH_CENTRE, CULTURE = "Maison médicale du Quartier", "Centre culturel du Quartier"
PROVIDERS = {
    COLOURS: ProviderKind.SUBCONTRACTOR,
    BIKES: ProviderKind.SUBCONTRACTOR,
    HEALTH_CENTRE: ProviderKind.PARTNER,
    CULTURE: ProviderKind.PARTNER,
}

# The workshops of the seed each group rotates through, one session a fortnight:
# (workshop, day after the group's weekday of start, start, end, provider or None).
ROTATIONS = {
    REMOBILISATION: [
        ("Atelier prélude et convivialité", 0, time(13, 30), time(16, 0), None),
        ("Atelier citoyen", 1, time(13, 30), time(16, 30), None),
        ("Ateliers créatifs et artistiques", 3, time(13, 30), time(16, 30), COLOURS),
        ("Atelier santé", 2, time(13, 30), time(15, 30), HEALTH_CENTRE),
        ("Ateliers projet et orientation", 0, time(13, 30), time(16, 30), None),
        ("Atelier vélo", 4, time(13, 30), time(16, 0), BIKES),
    ],
    IMMERSION: [
        ("Ateliers conversation, pourparlers et mots croisés", 0, time(9, 30), time(12, 0), None),
        ("Activités culturelles", 1, time(13, 30), time(16, 30), CULTURE),
        ("Ateliers conte, impro et jeux de société", 2, time(9, 30), time(12, 0), None),
        ("Atelier d'initiation à l'informatique", 3, time(9, 30), time(12, 0), None),
        ("Atelier couture", 4, time(9, 30), time(12, 0), COLOURS),
        ("Atelier consom'action", 1, time(9, 30), time(12, 0), HEALTH_CENTRE),
    ],
}
# Outings shared by the groups of the moment, and a cancelled session each year:
# (date, workshop, start, end, provider, groups, reason of the cancellation).
OUTING, BIKE, PHOTO = "Activités culturelles", "Atelier vélo", "Ateliers photo et vidéo"
RAIN, ILL, STRIKE = "Pluie : sortie reportée", "Animateur malade", "Grève des transports"
OCCASIONAL_SESSIONS = [
    (D(2012, 12, 14), OUTING, time(10), time(15), None, ["R12"], ""),
    (D(2013, 4, 23), BIKE, time(10), time(12), BIKES, ["R13A"], RAIN),
    (D(2013, 12, 10), OUTING, time(10), time(16), CULTURE, ["R13B", "I13"], ""),
    (D(2014, 5, 20), PHOTO, time(10), time(12, 30), None, ["R14A"], ILL),
    (D(2014, 12, 9), OUTING, time(10), time(16), CULTURE, ["R14B", "I14"], ""),
    (D(2015, 6, 9), PHOTO, time(10), time(12, 30), None, ["R15A", "I15A"], ""),
    (D(2015, 10, 6), BIKE, time(10), time(12), BIKES, ["R15B"], RAIN),
    (D(2015, 12, 8), OUTING, time(10), time(16), CULTURE, ["R15B", "I15"], ""),
    (D(2016, 3, 15), BIKE, time(10), time(12), BIKES, ["R16A"], RAIN),
    (D(2016, 5, 24), PHOTO, time(10), time(12, 30), None, ["R16A", "I16A"], ""),
    (D(2016, 12, 6), OUTING, time(10), time(16), CULTURE, ["R16B", "R16C", "I16B"], ""),
    (D(2017, 3, 21), "Atelier couture", time(10), time(12), COLOURS, ["I17A"], STRIKE),
    (D(2017, 5, 16), OUTING, time(10), time(16), CULTURE, ["R17A", "I17A"], ""),
]
SUMMER_CLOSING = ((7, 20), (8, 14))


class SeedHistoryError(Exception):
    """The organisation cannot take the history (a workshop of the seed is missing)."""


def build_seed_history(organisation) -> dict[str, int]:
    """Create the history in ``organisation``; return how many rows of each kind."""
    worker, leader = _staff(organisation)
    workshops = _workshops(organisation)
    providers = _providers(organisation)
    groups = _groups(organisation, [worker, leader])
    people = _people(organisation, worker)
    enrolments = _enrolments(people, groups)
    assessments, ratings = _assessments(enrolments, worker)
    sessions = _sessions(organisation, groups, workshops, providers, leader)
    return {
        "groups": len(groups),
        "participants": len(people),
        "enrolments": len(enrolments),
        "assessments": assessments,
        "domain ratings": ratings,
        "sessions": sessions,
    }


def _staff(organisation):
    """The social worker and the team's leader of the history, who cannot sign in."""
    staff = []
    for suffix, role, first_name, last_name in [
        ("history-worker", Role.SOCIAL_WORKER, "Anne", "Marchal"),
        ("history-leader", Role.WORKSHOP_LEADER, "Didier", "Lambotte"),
    ]:
        user, created = User.objects.get_or_create(
            username=f"{organisation.slug}-{suffix}",
            defaults={
                "organisation": organisation,
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        staff.append(user)
    return staff


def _workshops(organisation) -> dict[str, Workshop]:
    if not Workshop.objects.filter(organisation=organisation).exists():
        create_catalogue(organisation)
    workshops = {w.name: w for w in Workshop.objects.filter(organisation=organisation)}
    missing = sorted({name for name, *_rest in SEED_WORKSHOPS} - set(workshops))
    if missing:
        raise SeedHistoryError(f"Workshops of the seed missing: {', '.join(missing)}.")
    return workshops


def _providers(organisation) -> dict[str, Provider]:
    return {
        name: Provider.objects.get_or_create(
            organisation=organisation, name=name, defaults={"kind": kind}
        )[0]
        for name, kind in PROVIDERS.items()
    }


def _groups(organisation, staff) -> dict[str, Group]:
    groups = {
        key: Group(
            organisation=organisation,
            name=name,
            process_type=process,
            start_date=start,
            end_date=end,
            capacity=CAPACITY[process],
        )
        for key, (name, process, start, end) in GROUPS.items()
    }
    Group.objects.bulk_create(groups.values())
    Group.staff.through.objects.bulk_create(
        Group.staff.through(group_id=group.pk, user_id=user.pk)
        for group in groups.values()
        for user in staff
    )
    return groups


def _exit_date(stage: Stage):
    if stage.detail is None:
        return None
    return stage.dropped_on or GROUPS[stage.group][3]


def _active_in(stage: Stage, year: int) -> bool:
    exit_date = _exit_date(stage)
    start = GROUPS[stage.group][2]
    return start.year <= year and (exit_date is None or exit_date.year >= year)


def _reference_date(stages) -> date:
    """The start of the earliest enrolment active in 2016, else of the first one."""
    active = [GROUPS[s.group][2] for s in stages if _active_in(s, REFERENCE_YEAR)]
    return min(active or [GROUPS[stages[0].group][2]])


def _people(organisation, worker) -> list[tuple[Participant, list[Stage]]]:
    """One participant per person of the paths: the 2016 ones take the 90 profiles in
    turn, the others reuse them."""
    people = []
    taken = {True: 0, False: 0}
    for count, stages in PATHS:
        for _ in range(count):
            in_2016 = any(_active_in(stage, REFERENCE_YEAR) for stage in stages)
            profile = PROFILES[taken[in_2016] % len(PROFILES)]
            taken[in_2016] += 1
            number = len(people) + 1
            reference_date = _reference_date(stages)
            people.append(
                (_participant(organisation, worker, number, profile, reference_date), stages)
            )
    Participant.objects.bulk_create(person for person, _stages in people)
    return people


def _names(number, gender, country):
    """A first name of the gender and a last name of the country when the demo's people
    have one, else any."""
    same_gender = [p for p in DEMO_PEOPLE if gender in ("X", p[2])]
    firsts = [p[0] for p in same_gender if p[3] == country] or [p[0] for p in same_gender]
    lasts = [p[1] for p in DEMO_PEOPLE if p[3] == country] or [p[1] for p in DEMO_PEOPLE]
    return firsts[(number * 7) % len(firsts)], lasts[number % len(lasts)]


def _birth_date(number, age, reference_date) -> date:
    """A birth date giving ``age`` whole years on ``reference_date``."""
    month, day = 1 + number % 12, 1 + (number * 5) % 28
    year = reference_date.year - age - ((month, day) > (reference_date.month, reference_date.day))
    return D(year, month, day)


def _inactive_since(number, work, reference_date):
    if work == NEVER_WORKED:
        return None
    if work == RECENTLY_INACTIVE:
        return D(reference_date.year - 1, reference_date.month, 1)
    return D(reference_date.year - 3 - number % 9, 1 + number % 12, 1)


REFERRERS = [Referrer.SOCIAL_SERVICE] * 3 + [Referrer.PARTNER, Referrer.SELF]


def _participant(organisation, worker, number, profile: Profile, reference_date) -> Participant:
    origin = profile.origin
    first_name, last_name = _names(number, profile.gender, origin.country)
    participant = Participant(
        organisation=organisation,
        reference=f"HIS-{number:04d}",
        first_name=first_name,
        last_name=last_name,
        gender=profile.gender,
        birth_date=_birth_date(number, profile.age, reference_date),
        birth_country=origin.country,
        nationality=origin.country,
        qualification_level=origin.level,
        qualification_recognised=origin.recognised,
        never_worked=profile.work == NEVER_WORKED,
        inactive_since=_inactive_since(number, profile.work, reference_date),
        inactive_since_month_only=profile.work != NEVER_WORKED,
        french_level=origin.french,
        language_course=origin.course,
        referred_by=REFERRERS[number % len(REFERRERS)],
        social_worker=worker,
    )
    participant.refresh_search_text()
    return participant


def _outcome(detail: str) -> tuple[str, str]:
    """(outcome, outcome detail) of a stage's detail."""
    if detail == EXT:
        return ExitOutcome.EXTENSION, ""
    for outcome, details in OUTCOME_DETAILS.items():
        if details is not None and detail in details.values:
            return outcome, detail
    raise ValueError(f"Unknown outcome detail: {detail}")


def _enrolment(participant, group, stage: Stage) -> Enrolment:
    outcome, detail = _outcome(stage.detail) if stage.detail else ("", "")
    return Enrolment(
        participant=participant,
        group=group,
        start_date=group.start_date,
        exit_date=_exit_date(stage),
        outcome=outcome,
        outcome_detail=detail,
    )


def _enrolments(people, groups) -> list[Enrolment]:
    enrolments = [
        _enrolment(participant, groups[stage.group], stage)
        for participant, stages in people
        for stage in stages
    ]
    return Enrolment.objects.bulk_create(enrolments)


def _ratings(position: int) -> dict[str, tuple[int | None, int | None]]:
    """(entry, end) rating of each domain for the ``position``-th completed exit of a
    year: over positions 0 to 52 the counts of IMPROVEMENT_2016 come out exactly."""
    ratings = {}
    for index, (domain, (rated, improved)) in enumerate(IMPROVEMENT_2016.items()):
        turn = (position + 7 * index) % COMPLETED_2016
        entry = 1 + turn % 3
        if turn >= rated:
            ratings[domain] = (None, None)
        else:
            ratings[domain] = (entry, entry + 1 if turn < improved else entry)
    return ratings


def _assessments(enrolments, author) -> tuple[int, int]:
    """An entry assessment for every enrolment, an end one for every completed exit."""
    assessments, values = [], []
    positions = {}
    for enrolment in enrolments:
        completed = bool(enrolment.exit_date) and enrolment.outcome != ExitOutcome.DROPOUT
        position = 0
        if completed:
            position = positions.get(enrolment.exit_date.year, 0)
            positions[enrolment.exit_date.year] = position + 1
        ratings = _ratings(position)
        moments = [(Moment.ENTRY, enrolment.start_date, 0)]
        if completed:
            moments.append((Moment.END, enrolment.exit_date, 1))
        for moment, day, which in moments:
            assessments.append(
                Assessment(enrolment=enrolment, moment=moment, date=day, author=author)
            )
            values.append({domain: pair[which] for domain, pair in ratings.items()})
    Assessment.objects.bulk_create(assessments)
    rows = DomainRating.objects.bulk_create(
        DomainRating(assessment=assessment, domain=domain, rating=rating)
        for assessment, by_domain in zip(assessments, values, strict=True)
        for domain, rating in by_domain.items()
    )
    return len(assessments), len(rows)


def _closed(day: date) -> bool:
    (first_month, first_day), (last_month, last_day) = SUMMER_CLOSING
    return D(day.year, first_month, first_day) <= day <= D(day.year, last_month, last_day)


def _fortnightly(group: Group):
    """(date, rotation entry) of a group's sessions: one a fortnight up to its end or
    the end of the history, none in the summer closing."""
    rotation = ROTATIONS[group.process_type]
    last = min(group.end_date, HISTORY_END)
    for k in range((last - group.start_date).days // 14 + 1):
        entry = rotation[k % len(rotation)]
        day = group.start_date + timedelta(days=14 * k + entry[1])
        if day <= last and not _closed(day):
            yield day, entry


def _session(organisation, workshop, day, start, end, provider, leader, reason="") -> Session:
    if day.year < FIRST_PARTNERSHIP_YEAR:
        provider = None
    return Session(
        organisation=organisation,
        workshop=workshop,
        date=day,
        start_time=start,
        end_time=end,
        provider_kind=provider.kind if provider else ProviderKind.TEAM,
        provider=provider,
        leader=None if provider else leader,
        cancelled=bool(reason),
        cancel_reason=reason,
    )


def _sessions(organisation, groups, workshops, providers, leader) -> int:
    planned = []  # (session, its groups)
    for group in groups.values():
        for day, (name, _offset, start, end, provider) in _fortnightly(group):
            session = _session(
                organisation, workshops[name], day, start, end, providers.get(provider), leader
            )
            planned.append((session, [group]))
    for day, name, start, end, provider, keys, reason in OCCASIONAL_SESSIONS:
        session = _session(
            organisation, workshops[name], day, start, end, providers.get(provider), leader, reason
        )
        planned.append((session, [groups[key] for key in keys]))
    Session.objects.bulk_create(session for session, _groups in planned)
    Session.groups.through.objects.bulk_create(
        Session.groups.through(session_id=session.pk, group_id=group.pk)
        for session, served in planned
        for group in served
    )
    announce_sessions_changed(organisation.pk)
    return len(planned)
