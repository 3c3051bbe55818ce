"""The yearly figures (docs/statistics.md): the contract shared by every report.

Everything is computed with database aggregates: no loop over participants or
enrolments, only small loops over the seven domains, the quarters and the years of the
evolution. The querysets and conditions that define each figure are public: the
drill-down to the people behind a count (``people.py``) uses the very same ones.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    Model,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractQuarter, ExtractYear
from django.db.models.lookups import GreaterThan

from parcours.assessments.enums import Moment
from parcours.assessments.models import Assessment, DomainRating, SelfRating
from parcours.attendance.hours import (
    as_hours,
    held_sessions,
    hours_by_domain,
    minutes_by_quarter,
)
from parcours.core.domains import Domain
from parcours.funding import summaries
from parcours.funding.scope import Scope
from parcours.participants.enums import (
    FrenchLevel,
    Gender,
    LanguageCourse,
    QualificationLevel,
    Recognition,
)
from parcours.participants.models import Intervention, LiteracyTest, Participant
from parcours.programme.enums import DropoutReason, ExitOutcome
from parcours.programme.models import Enrolment
from parcours.projects.counts import project_counts
from parcours.workshops.models import Session

# Bumped whenever a definition of docs/statistics.md changes: a closed year keeps the version
# its figures were computed with.
DEFINITIONS_VERSION = "2026.2"

# Member states of the European Union: ISO code -> (year of accession, last year as a
# member or None). The founding members are given from 1958 (EEC).
EU_MEMBERSHIP = {
    "BE": (1958, None),
    "DE": (1958, None),
    "FR": (1958, None),
    "IT": (1958, None),
    "LU": (1958, None),
    "NL": (1958, None),
    "DK": (1973, None),
    "IE": (1973, None),
    "GB": (1973, 2019),
    "GR": (1981, None),
    "ES": (1986, None),
    "PT": (1986, None),
    "AT": (1995, None),
    "FI": (1995, None),
    "SE": (1995, None),
    "CY": (2004, None),
    "CZ": (2004, None),
    "EE": (2004, None),
    "HU": (2004, None),
    "LT": (2004, None),
    "LV": (2004, None),
    "MT": (2004, None),
    "PL": (2004, None),
    "SI": (2004, None),
    "SK": (2004, None),
    "BG": (2007, None),
    "RO": (2007, None),
    "HR": (2013, None),
}

DOMAINS = [domain.value for domain in Domain]
HOURS_KEYS = ("total", "team", "subcontractor", "partner", "educational", "cultural")
WHOLE_PROGRAMME = Scope()


def eu_members(year: int) -> list[str]:
    """The ISO codes of the member states on 31 December of ``year``."""
    return sorted(
        code
        for code, (joined, left) in EU_MEMBERSHIP.items()
        if joined <= year and (left is None or year <= left)
    )


def pct(count, total):
    """Share in percent with one decimal (half up), ``None`` when ``total`` is 0."""
    if not total:
        return None
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


@dataclass(frozen=True)
class Period:
    """The period P of docs/statistics.md: ``first`` to ``last`` (``last`` <= ``as_of``)."""

    first: datetime.date
    last: datetime.date
    as_of: datetime.date

    @classmethod
    def of_year(cls, year: int, as_of: datetime.date) -> "Period":
        return cls(datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of), as_of)

    @property
    def is_empty(self) -> bool:
        return self.last < self.first

    @property
    def membership_year(self) -> int:
        """The year whose European Union counts: that of the end of the period."""
        return self.last.year if not self.is_empty else self.first.year


# -- Participants of the period and their characteristics --------------------------------


def active_condition(period: Period, scope: Scope = WHOLE_PROGRAMME, prefix="") -> Q:
    """The condition on an Enrolment (reached through ``prefix``) of being active in the
    (non-empty) period."""
    # An exit after as_of (hence after ``first``) has not happened yet: still active.
    return (
        Q(**{f"{prefix}start_date__lte": period.last})
        & (
            Q(**{f"{prefix}exit_date__isnull": True})
            | Q(**{f"{prefix}exit_date__gte": period.first})
        )
        & scope.enrolment_condition(first=period.first, last=period.last, prefix=prefix)
    )


def active_enrolments(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """Enrolments active in the period."""
    if period.is_empty:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(group__organisation=organisation).filter(
        active_condition(period, scope)
    )


def participants_of(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The distinct participants with an enrolment active in the period."""
    active = active_enrolments(organisation, period, scope).filter(participant=OuterRef("pk"))
    return Participant.objects.filter(organisation=organisation).filter(Exists(active))


def _date_key(field_name):
    """YYYYMMDD as an integer, portable across SQLite and PostgreSQL."""
    return ExtractYear(field_name) * 10000 + ExtractMonth(field_name) * 100 + ExtractDay(field_name)


def _age_on(reference):
    """Age in whole years on the date ``reference``, in the database."""
    return (
        ExtractYear(reference)
        - ExtractYear("birth_date")
        - Case(
            When(
                GreaterThan(
                    ExtractMonth("birth_date") * 100 + ExtractDay("birth_date"),
                    ExtractMonth(reference) * 100 + ExtractDay(reference),
                ),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def characterised_participants(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The participants of the period with their reference date (``ref_key``: YYYYMMDD)
    and age: what the conditions of ``characteristic_conditions`` read, for the lists of
    people behind a count (``_characteristics`` counts them in its own pass).

    The reference date is a grouped MIN over the active enrolments (one pass), not a
    subquery per person: each expression built on a subquery would repeat it."""
    # One filter() on the joined enrolments, not ``enrolments__in`` a queryset, which
    # would join the enrolments to themselves.
    active = Q(enrolments__group__organisation=organisation) & active_condition(
        period, scope, prefix="enrolments__"
    )
    people = (
        Participant.objects.filter(Q(organisation=organisation) & active)
        .annotate(reference_date=Min("enrolments__start_date"))
        .annotate(ref_key=_date_key("reference_date"), age=_age_on("reference_date"))
    )
    return people.none() if period.is_empty else people


def characteristic_conditions(period: Period) -> dict:
    """Each characteristic's condition on ``characterised_participants``."""
    return {
        "men": Q(gender=Gender.MALE),
        "women": Q(gender=Gender.FEMALE),
        "x": Q(gender=Gender.OTHER),
        # Unknown country of birth: in the denominator, not counted as non-EU.
        "non_eu": ~Q(birth_country="") & ~Q(birth_country__in=eu_members(period.membership_year)),
        "no_qualification": Q(
            qualification_level__in=[
                QualificationLevel.NONE,
                QualificationLevel.PRIMARY,
                QualificationLevel.LOWER_SECONDARY,
            ]
        )
        | Q(qualification_recognised__in=[Recognition.NO, Recognition.PENDING]),
        # Never worked, or inactive_since at least 24 months (two years) before the
        # reference date; a month-only date is stored as the first day of its month.
        "inactive_24m": Q(never_worked=True)
        | Q(inactive_since__isnull=False, ref_key__gte=_date_key("inactive_since") + 20000),
        "french_weak_to_medium": Q(
            french_level__in=[FrenchLevel.VERY_WEAK, FrenchLevel.WEAK, FrenchLevel.MEDIUM]
        ),
        "fle": Q(language_course=LanguageCourse.FLE),
        "literacy": Q(language_course=LanguageCourse.LITERACY),
    }


# The cases a characteristic cannot see: counted in its denominator, never as a "yes".
UNKNOWN_CONDITIONS = {
    "non_eu": Q(birth_country=""),
    "no_qualification": Q(qualification_level="") & Q(qualification_recognised=""),
    "inactive_24m": Q(never_worked=False, inactive_since__isnull=True),
    "french_weak_to_medium": Q(french_level=""),
}


def _characteristics(organisation, period, scope, years):
    """The characteristics of the period's participants and the participants of each of
    ``years`` (the evolution), in one grouped pass over the organisation's people and
    their enrolments: per person, whether one of their enrolments is active in each year
    and their reference date in the period; then the counts over those rows."""
    prefix = "enrolments__"
    flags = {
        f"in_{each}": _active_flag(each_period, scope, prefix)
        for each, each_period in years.items()
        if not each_period.is_empty
    }
    people = Participant.objects.filter(
        organisation=organisation,
        enrolments__group__organisation=organisation,
        enrolments__start_date__lte=period.as_of,
    ).annotate(**flags)
    # An empty period (as_of before it) has nobody in it.
    in_period = Value(0) if period.is_empty else _active_flag(period, scope, prefix)
    people = people.annotate(
        in_period=in_period,
        reference_date=Min(
            Case(When(active_condition(period, scope, prefix), then=F(f"{prefix}start_date")))
        ),
    ).annotate(ref_key=_date_key("reference_date"))
    conditions = characteristic_conditions(period)
    of_period = Q(in_period=1)
    aggregates = {
        "n": Count("pk", filter=of_period),
        **{key: Count("pk", filter=of_period & condition) for key, condition in conditions.items()},
        **{
            f"unknown_{key}": Count("pk", filter=of_period & condition)
            for key, condition in UNKNOWN_CONDITIONS.items()
        },
        **{f"participants_{key}": Sum(key) for key in flags},
        "age_sum": Sum(_age_on("reference_date"), filter=of_period),
    }
    sums = people.aggregate(**aggregates)
    evolution = {each: sums.get(f"participants_in_{each}") or 0 for each in years}
    n = sums["n"]
    average_age = None
    if n:
        average_age = float((Decimal(sums["age_sum"]) / n).quantize(Decimal("0.1"), ROUND_HALF_UP))
    figures = {f"{key}_pct": pct(sums[key], n) for key in conditions}
    figures["average_age"] = average_age
    counts = {key: sums[key] for key in conditions}
    unknown = {key: sums[f"unknown_{key}"] for key in UNKNOWN_CONDITIONS}
    order = [
        "men_pct",
        "women_pct",
        "x_pct",
        "average_age",
        "non_eu_pct",
        "no_qualification_pct",
        "inactive_24m_pct",
        "french_weak_to_medium_pct",
        "fle_pct",
        "literacy_pct",
    ]
    return n, {key: figures[key] for key in order}, counts, unknown, evolution


def _active_flag(period, scope, prefix):
    """1 for a person with an enrolment (reached through ``prefix``) active in the
    period, else 0: a MAX over their enrolments."""
    return Max(Case(When(active_condition(period, scope, prefix), then=Value(1)), default=Value(0)))


# -- Results and improvement ---------------------------------------------------------------


def exits_of(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The enrolments whose exit date lies in the period."""
    if period.is_empty:
        return Enrolment.objects.none()
    exits = Enrolment.objects.filter(
        group__organisation=organisation,
        exit_date__gte=period.first,
        exit_date__lte=period.last,
    )
    return scope.keep_enrolments(exits, first=period.first, last=period.last)


def dropout_reason_condition(reason: str) -> Q:
    """Dropouts for ``reason``; a dropout recorded without a reason counts as ``other``."""
    condition = Q(outcome=ExitOutcome.DROPOUT, outcome_detail=reason)
    if reason == DropoutReason.OTHER:
        condition |= Q(outcome=ExitOutcome.DROPOUT, outcome_detail="")
    return condition


def _results(exits):
    sums = exits.aggregate(
        exits=Count("pk"),
        **{outcome.value: Count("pk", filter=Q(outcome=outcome)) for outcome in ExitOutcome},
        **{
            f"reason_{reason.value}": Count("pk", filter=dropout_reason_condition(reason))
            for reason in DropoutReason
        },
    )
    n = sums["exits"]
    figures = {
        "exits": n,
        "dropout_pct": pct(sums[ExitOutcome.DROPOUT.value], n),
        "extension_pct": pct(sums[ExitOutcome.EXTENSION.value], n),
        "social_project_pct": pct(sums[ExitOutcome.SOCIAL_PROJECT.value], n),
        "professional_project_pct": pct(sums[ExitOutcome.PROFESSIONAL_PROJECT.value], n),
        "dropout_reasons": {r.value: sums[f"reason_{r.value}"] for r in DropoutReason},
    }
    return figures, {outcome.value: sums[outcome.value] for outcome in ExitOutcome}


def rated_completed_exits(exits, as_of):
    """The completed exits (not dropouts) with, for each domain, their ``entry_<domain>``
    and ``end_<domain>`` ratings (null when not rated at that moment by ``as_of``)."""

    def rating(moment, domain):
        return Subquery(
            DomainRating.objects.filter(
                assessment__enrolment=OuterRef("pk"),
                assessment__moment=moment,
                assessment__date__lte=as_of,
                domain=domain,
                rating__isnull=False,
            ).values("rating")[:1],
            output_field=IntegerField(),
        )

    annotations = {}
    for domain in DOMAINS:
        annotations[f"entry_{domain}"] = rating(Moment.ENTRY, domain)
        annotations[f"end_{domain}"] = rating(Moment.END, domain)
    return exits.exclude(outcome=ExitOutcome.DROPOUT).annotate(**annotations)


def change_conditions(domain: str) -> dict:
    """Conditions on ``rated_completed_exits`` for one domain."""
    entry, end = f"entry_{domain}", f"end_{domain}"
    rated = Q(**{f"{entry}__isnull": False, f"{end}__isnull": False})
    return {
        "rated": rated,
        "improved": rated & Q(**{f"{end}__gt": F(entry)}),
        "deteriorated": rated & Q(**{f"{end}__lt": F(entry)}),
        "not_rated": ~rated,
    }


def _ratings_by_exit(exits, as_of):
    """One row per completed exit rated at entry or end: its ``entry_<domain>`` and
    ``end_<domain>`` ratings as ``rated_completed_exits`` gives them (null when not rated
    at that moment by ``as_of``), in one grouped pass over the ratings. A row per exit,
    not per exit and domain: a seventh of the rows to count, which PostgreSQL then does
    without handing a row per pair between its parallel workers."""
    completed = exits.exclude(outcome=ExitOutcome.DROPOUT)
    ratings = {
        f"{moment}_{domain}": Max("rating", filter=Q(assessment__moment=moment, domain=domain))
        for domain in DOMAINS
        for moment in (Moment.ENTRY, Moment.END)
    }
    return (
        DomainRating.objects.filter(
            assessment__enrolment__in=completed,
            assessment__moment__in=[Moment.ENTRY, Moment.END],
            assessment__date__lte=as_of,
            rating__isnull=False,
        )
        .values("assessment__enrolment")
        .annotate(**ratings)
    )


def _improvement(exits, as_of, completed_exits):
    figures, counts = _changes_by_domain(
        _ratings_by_exit(exits, as_of), "assessment__enrolment", completed_exits
    )
    return figures, {"completed_exits": completed_exits, **counts}


def _changes_by_domain(rows, enrolment: str, completed_exits: int):
    """The improvement rule (docs/statistics.md §7) summed over ``rows``, one per
    completed exit (``enrolment`` names it) with its ``entry_<domain>`` and
    ``end_<domain>`` ratings: per domain, the exits rated at both, improved and
    deteriorated, as percentages and counts."""
    aggregates = {}
    for domain in DOMAINS:
        conditions = change_conditions(domain)
        for change in ("rated", "improved", "deteriorated"):
            aggregates[f"{change}_{domain}"] = Count(enrolment, filter=conditions[change])
    sums = rows.aggregate(**aggregates)
    improved = {d: sums[f"improved_{d}"] for d in DOMAINS}
    deteriorated = {d: sums[f"deteriorated_{d}"] for d in DOMAINS}
    rated = {d: sums[f"rated_{d}"] for d in DOMAINS}
    figures = {
        "improvement_pct": {d: pct(improved[d], rated[d]) for d in DOMAINS},
        "improvement_n": rated,
        "deteriorated_pct": {d: pct(deteriorated[d], rated[d]) for d in DOMAINS},
    }
    counts = {
        "improved": improved,
        "deteriorated": deteriorated,
        "not_rated": {d: completed_exits - rated[d] for d in DOMAINS},
    }
    return figures, counts


def _self_ratings_by_exit(exits, as_of):
    """One row per completed exit with a self-assessment: its ``entry_<domain>`` answer
    and, as ``end_<domain>``, the answer of its latest later self-assessment (the end one,
    else the middle one), null when skipped or not given by ``as_of``. Grouped like
    ``_ratings_by_exit``, so ``change_conditions`` applies to these rows as they are."""
    completed = exits.exclude(outcome=ExitOutcome.DROPOUT)
    answers = {
        f"{moment}_answer_{domain}": Max(
            "rating", filter=Q(self_assessment__moment=moment, domain=domain)
        )
        for domain in DOMAINS
        for moment in (Moment.ENTRY, Moment.MIDDLE, Moment.END)
    }
    # The skipped domains' empty rows are kept: they tell that the end self-assessment
    # was given, which then stands for the later moment even where a domain was skipped.
    later = {
        f"end_{domain}": Case(
            When(GreaterThan(F("end_given"), 0), then=F(f"{Moment.END}_answer_{domain}")),
            default=F(f"{Moment.MIDDLE}_answer_{domain}"),
        )
        for domain in DOMAINS
    }
    return (
        SelfRating.objects.filter(
            self_assessment__enrolment__in=completed, self_assessment__date__lte=as_of
        )
        .values("self_assessment__enrolment")
        .annotate(end_given=Count("pk", filter=Q(self_assessment__moment=Moment.END)), **answers)
        .annotate(
            **{f"entry_{d}": F(f"{Moment.ENTRY}_answer_{d}") for d in DOMAINS},
            **later,
        )
    )


def _self_assessed_progression(exits, as_of, completed_exits):
    """The improvement by domain (``_improvement``) read from the participants' own
    answers instead of the social workers' ratings (docs/statistics.md §7)."""
    return _changes_by_domain(
        _self_ratings_by_exit(exits, as_of), "self_assessment__enrolment", completed_exits
    )


# -- Hours -----------------------------------------------------------------------------------


def sessions_of(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The sessions held in the period, narrowed by the scope, with their ``minutes``."""
    if period.is_empty:
        return Session.objects.none()
    return scope.keep_sessions(held_sessions(organisation, first=period.first, last=period.last))


def _quarter_minutes(organisation, span: Period, scope) -> dict:
    """The sessions' minutes per quarter over ``span``, in one query: the period's hours,
    its quarters and the years of the evolution are all summed from it. From the hours
    summary where it serves the scope."""
    if span.is_empty:
        return {}
    if scope.summarised:
        return summaries.quarter_minutes(
            organisation, first=span.first, last=span.last, grants=scope.grants()
        )
    sessions = sessions_of(organisation, span, scope)
    return minutes_by_quarter(sessions, weight=scope.session_weight())


def _hours_within(quarter_minutes: dict, period: Period) -> dict:
    """The hours of the period's quarters (``quarter_minutes`` starts at its first day)."""
    quarters = quarters_of(period)
    return {
        key: as_hours(sum(quarter_minutes.get(q, {}).get(key, 0) for q in quarters))
        for key in HOURS_KEYS
    }


def _domain_hours(organisation, period, scope):
    if period.is_empty:
        return dict.fromkeys(DOMAINS, 0.0)
    if scope.summarised:
        minutes = summaries.domain_minutes(
            organisation, first=period.first, last=period.last, grants=scope.grants()
        )
        hours = {domain: as_hours(value) for domain, value in minutes.items()}
    else:
        sessions = sessions_of(organisation, period, scope)
        hours = hours_by_domain(sessions, weight=scope.session_weight())
    return {domain: hours.get(domain, 0.0) for domain in DOMAINS}


def quarters_of(period: Period) -> list[datetime.date]:
    """The first day of each quarter the period touches."""
    if period.is_empty:
        return []
    day = datetime.date(period.first.year, 3 * ((period.first.month - 1) // 3) + 1, 1)
    quarters = []
    while day <= period.last:
        quarters.append(day)
        month = day.month + 3
        day = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    return quarters


def individual_work_by_quarter(organisation, period: Period, scope: Scope = WHOLE_PROGRAMME):
    """The individual work with the participants of the period, per quarter (keyed by its
    first day): ``{"minutes", "items", "no_duration"}``, summing the interventions, the
    assessments and the literacy tests dated in the period. A record kept without its
    duration counts in ``items`` and ``no_duration``, never in ``minutes``.

    One pass: the three kinds of record joined by a UNION ALL, then kept for the
    participants of the period and grouped by quarter. The participants are worked out
    once for the three kinds, not once per kind (a hash of some 65,000 people at 100,000,
    built three times). The ORM cannot filter or group a UNION, so the outer query is
    written here around the SQL the ORM compiles for its parts."""
    if period.is_empty:
        return {}
    dated = {"date__gte": period.first, "date__lte": period.last}
    # Each kind kept to the organisation's people first: in a federation one member's
    # records are a small part of the tables, found from its people by index.
    kinds = [
        _dated_records(
            Intervention.objects.filter(participant__organisation=organisation, **dated),
            "participant_id",
        ),
        _dated_records(
            Assessment.objects.filter(enrolment__participant__organisation=organisation, **dated),
            "enrolment__participant_id",
        ),
        _dated_records(
            LiteracyTest.objects.filter(participant__organisation=organisation, **dated),
            "participant_id",
        ),
    ]
    records = kinds[0].union(*kinds[1:], all=True).order_by()
    records_sql, records_params = records.query.sql_with_params()
    # Without the people's default ordering: PostgreSQL would sort them inside the IN.
    people = participants_of(organisation, period, scope).order_by().values("pk")
    people_sql, people_params = people.query.sql_with_params()
    sql = (
        "SELECT record.quarter, SUM(record.minutes), COUNT(*),"
        " COUNT(*) - COUNT(record.minutes)"
        f" FROM ({records_sql}) record"
        f" WHERE record.person IN ({people_sql})"
        " GROUP BY record.quarter"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*records_params, *people_params))
        rows = cursor.fetchall()
    return {
        _quarter_start(int(key)): {
            "minutes": minutes or 0,
            "items": items,
            "no_duration": no_duration,
        }
        for key, minutes, items, no_duration in rows
    }


def _dated_records(records, person):
    """Each record's person, quarter (year * 10 + quarter) and duration in minutes."""
    return records.order_by().values(
        person=F(person),
        quarter=ExtractYear("date") * 10 + ExtractQuarter("date"),
        minutes=F("duration_minutes"),
    )


def _quarter_start(key: int) -> datetime.date:
    """The first day of the quarter ``year * 10 + quarter``."""
    return datetime.date(key // 10, 3 * (key % 10) - 2, 1)


def _work_share(organisation, period, scope, quarter_minutes):
    """Hours of individual work (interventions, assessments, literacy tests) against hours
    of workshops, per quarter and for the period (the seed's "un quart / trois quarts"),
    with how many individual records have no duration recorded."""
    quarters = quarters_of(period)
    individual = individual_work_by_quarter(organisation, period, scope)
    nothing = {"minutes": 0, "items": 0, "no_duration": 0}
    rows = [
        _share_row(
            quarter,
            individual.get(quarter, nothing),
            as_hours(quarter_minutes.get(quarter, {}).get("total")),
        )
        for quarter in quarters
    ]
    whole = {
        key: sum(individual.get(quarter, nothing)[key] for quarter in quarters) for key in nothing
    }
    total = _share_row(None, whole, _hours_within(quarter_minutes, period)["total"])
    return {"quarters": rows, "total": total}


def _share_row(quarter, work, collective):
    # Shares on exact hundredths of hours, so the two add up to 100 (up to rounding).
    individual = as_hours(work["minutes"])
    whole = Decimal(str(individual)) + Decimal(str(collective))
    label = f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}" if quarter else None
    return {
        "quarter": label,
        "individual_hours": individual,
        "collective_hours": collective,
        "individual_pct": pct(Decimal(str(individual)), whole),
        "collective_pct": pct(Decimal(str(collective)), whole),
        # Since 2026.2: a year closed before has rows without these two keys.
        "individual_items": work["items"],
        "individual_no_duration": work["no_duration"],
    }


# -- Evolution ---------------------------------------------------------------------------------


def _first_year_with_data(organisation, as_of, scope):
    enrolments = scope.keep_enrolments(
        Enrolment.objects.filter(group__organisation=organisation, start_date__lte=as_of),
        first=datetime.date.min,
        last=as_of,
    )
    first_enrolment = enrolments.aggregate(first=Min("start_date"))["first"]
    sessions = scope.keep_sessions(
        Session.objects.held().filter(organisation=organisation, date__lte=as_of)
    )
    first_session = sessions.aggregate(first=Min("date"))["first"]
    dates = [d for d in (first_enrolment, first_session) if d is not None]
    return min(dates).year if dates else None


def _evolution_years(organisation, year, as_of, scope) -> dict:
    """The period of each year of the evolution, from the first year with data to
    ``year``: earlier years are complete (nothing after as_of ever counts), the row of the
    year itself stops at as_of."""
    first_year = _first_year_with_data(organisation, as_of, scope)
    start = year if first_year is None else min(first_year, year)
    return {each: Period.of_year(each, as_of) for each in range(start, year + 1)}


def _evolution(years: dict, participants: dict, quarter_minutes):
    return [
        {
            "year": each,
            "participants": participants[each],
            "hours": _hours_within(quarter_minutes, period),
        }
        for each, period in years.items()
    ]


# -- Individual projects -------------------------------------------------------------------------


def _projects(organisation, period, scope):
    """Projects signed and evaluations held in the period (``projects.counts``)."""
    if period.is_empty:
        return {"signed": 0, "evaluations_held": 0}
    enrolments = scope.keep_enrolments(
        Enrolment.objects.filter(group__organisation=organisation),
        first=period.first,
        last=period.last,
    )
    return project_counts(enrolments, first=period.first, last=period.last)


# -- The report ---------------------------------------------------------------------------------


@dataclass
class Report:
    """The figures of docs/statistics.md (``figures``, the JSON shape) with what the screens
    and files show around them: the counts behind each percentage and the cases left
    out (``counts``), the workshop hours per domain and the share of individual and
    collective work. Everything is plain JSON, so a closed year stores it as it is."""

    figures: dict
    counts: dict
    domain_hours: dict
    work_share: dict
    scope_label: str = ""
    # The year's closing record when the figures are its frozen ones.
    closing: Model | None = field(default=None, compare=False)

    def as_json(self) -> dict:
        return {
            "figures": self.figures,
            "counts": self.counts,
            "domain_hours": self.domain_hours,
            "work_share": self.work_share,
            "scope_label": self.scope_label,
        }

    @classmethod
    def from_json(cls, data, *, closing=None) -> "Report":
        return cls(**data, closing=closing)


def _period_parts(organisation, period, scope, quarter_minutes, years):
    """The figures of the period, and the participants of each of ``years``."""
    participants, characteristics, characteristic_counts, unknown, evolution = _characteristics(
        organisation, period, scope, years
    )
    exits = exits_of(organisation, period, scope)
    results, outcome_counts = _results(exits)
    completed_exits = results["exits"] - outcome_counts[ExitOutcome.DROPOUT.value]
    improvement, improvement_counts = _improvement(exits, period.as_of, completed_exits)
    figures = {
        "participants": participants,
        "characteristics": characteristics,
        "results": results,
        **improvement,
        "hours": _hours_within(quarter_minutes, period),
        "projects": _projects(organisation, period, scope),
    }
    counts = {
        "characteristics": characteristic_counts,
        "unknown": unknown,
        "outcomes": outcome_counts,
        **improvement_counts,
    }
    # Only at the organisation's choice, and beside the other figures, never in them: off,
    # the figures are exactly those of an organisation that never heard of the tablet.
    if organisation.self_assessment_in_report:
        figures["self_assessed"], counts["self_assessed"] = _self_assessed_progression(
            exits, period.as_of, completed_exits
        )
    return figures, counts, evolution


def period_report(organisation, *, first, last, as_of=None, scope: Scope = WHOLE_PROGRAMME):
    """The figures for any period (a grant's), without the evolution across years."""
    as_of = as_of or datetime.date.today()
    period = Period(first, min(last, as_of), as_of)
    quarter_minutes = _quarter_minutes(organisation, period, scope)
    figures, counts, _evolution = _period_parts(organisation, period, scope, quarter_minutes, {})
    return Report(
        figures={
            "organisation": organisation.slug,
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
            "as_of": as_of.isoformat(),
            **figures,
        },
        counts=counts,
        domain_hours=_domain_hours(organisation, period, scope),
        work_share=_work_share(organisation, period, scope, quarter_minutes),
        scope_label=str(scope),
    )


def yearly_report(
    organisation, *, year: int, as_of: datetime.date | None = None, scope: Scope = WHOLE_PROGRAMME
) -> Report:
    """The report of ``year`` as of ``as_of`` (default today), computed from the records."""
    as_of = as_of or datetime.date.today()
    period = Period.of_year(year, as_of)
    years = _evolution_years(organisation, year, as_of, scope)
    span = Period(years[min(years)].first, period.last, as_of)
    quarter_minutes = _quarter_minutes(organisation, span, scope)
    figures, counts, participants = _period_parts(
        organisation, period, scope, quarter_minutes, years
    )
    return Report(
        figures={
            "organisation": organisation.slug,
            "year": year,
            "as_of": as_of.isoformat(),
            **figures,
            "evolution": _evolution(years, participants, quarter_minutes),
        },
        counts=counts,
        domain_hours=_domain_hours(organisation, period, scope),
        work_share=_work_share(organisation, period, scope, quarter_minutes),
        scope_label=str(scope),
    )


def yearly_figures(
    organisation, *, year: int, as_of: datetime.date | None = None, scope: Scope = WHOLE_PROGRAMME
) -> dict:
    """The figures of ``year`` as of ``as_of`` (default today), in the JSON shape of
    docs/statistics.md."""
    return yearly_report(organisation, year=year, as_of=as_of, scope=scope).figures
