"""The yearly figures (docs/statistics.md): the contract shared by every report.

Everything is computed with database aggregates: no loop over participants or
enrolments, only small loops over the seven domains and over the years of the evolution.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from parcours.assessments.enums import Moment
from parcours.assessments.models import DomainRating
from parcours.attendance.hours import workshop_hours
from parcours.core.domains import Domain
from parcours.participants.enums import (
    FrenchLevel,
    Gender,
    LanguageCourse,
    QualificationLevel,
    Recognition,
)
from parcours.participants.models import Participant
from parcours.programme.enums import DropoutReason, ExitOutcome
from parcours.programme.models import Enrolment
from parcours.workshops.models import Session

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


def eu_members(year: int) -> list[str]:
    """The ISO codes of the member states on 31 December of ``year``."""
    return sorted(
        code
        for code, (joined, left) in EU_MEMBERSHIP.items()
        if joined <= year and (left is None or year <= left)
    )


def _pct(count, total):
    """Share in percent with one decimal (half up), ``None`` when ``total`` is 0."""
    if not total:
        return None
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def _period(year, as_of):
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)


def _active_enrolments(organisation, first, last):
    """Enrolments active in the period ``first``..``last`` (``last`` <= as_of)."""
    if last < first:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(group__organisation=organisation, start_date__lte=last).filter(
        # An exit after as_of (hence after ``first``) has not happened yet: still active.
        Q(exit_date__isnull=True) | Q(exit_date__gte=first)
    )


def _participants_of_the_year(organisation, first, last):
    active = _active_enrolments(organisation, first, last).filter(participant=OuterRef("pk"))
    return Participant.objects.filter(organisation=organisation).filter(Exists(active))


def _date_key(field):
    """YYYYMMDD as an integer, portable across SQLite and PostgreSQL."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def _characteristics(organisation, first, last, year):
    active = _active_enrolments(organisation, first, last).filter(participant=OuterRef("pk"))
    people = (
        _participants_of_the_year(organisation, first, last)
        .annotate(reference_date=Subquery(active.order_by("start_date").values("start_date")[:1]))
        .annotate(
            ref_key=_date_key("reference_date"),
            ref_md=ExtractMonth("reference_date") * 100 + ExtractDay("reference_date"),
            birth_md=ExtractMonth("birth_date") * 100 + ExtractDay("birth_date"),
        )
        .annotate(
            # Age in whole years on the reference date, in the database.
            age=ExtractYear("reference_date")
            - ExtractYear("birth_date")
            - Case(
                When(ref_md__lt=F("birth_md"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            inactive_key=_date_key("inactive_since"),
        )
    )
    no_qualification = Q(
        qualification_level__in=[
            QualificationLevel.NONE,
            QualificationLevel.PRIMARY,
            QualificationLevel.LOWER_SECONDARY,
        ]
    ) | Q(qualification_recognised__in=[Recognition.NO, Recognition.PENDING])
    # inactive_since at least 24 months (two years) before the reference date.
    inactive = Q(never_worked=True) | Q(
        inactive_since__isnull=False, inactive_key__lte=F("ref_key") - 20000
    )
    sums = people.aggregate(
        n=Count("pk"),
        men=Count("pk", filter=Q(gender=Gender.MALE)),
        women=Count("pk", filter=Q(gender=Gender.FEMALE)),
        x=Count("pk", filter=Q(gender=Gender.OTHER)),
        age_sum=Sum("age"),
        non_eu=Count("pk", filter=~Q(birth_country="") & ~Q(birth_country__in=eu_members(year))),
        no_qualification=Count("pk", filter=no_qualification),
        inactive=Count("pk", filter=inactive),
        french=Count(
            "pk",
            filter=Q(
                french_level__in=[FrenchLevel.VERY_WEAK, FrenchLevel.WEAK, FrenchLevel.MEDIUM]
            ),
        ),
        fle=Count("pk", filter=Q(language_course=LanguageCourse.FLE)),
        literacy=Count("pk", filter=Q(language_course=LanguageCourse.LITERACY)),
    )
    n = sums["n"]
    average_age = None
    if n:
        average_age = float((Decimal(sums["age_sum"]) / n).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return n, {
        "men_pct": _pct(sums["men"], n),
        "women_pct": _pct(sums["women"], n),
        "x_pct": _pct(sums["x"], n),
        "average_age": average_age,
        "non_eu_pct": _pct(sums["non_eu"], n),
        "no_qualification_pct": _pct(sums["no_qualification"], n),
        "inactive_24m_pct": _pct(sums["inactive"], n),
        "french_weak_to_medium_pct": _pct(sums["french"], n),
        "fle_pct": _pct(sums["fle"], n),
        "literacy_pct": _pct(sums["literacy"], n),
    }


def _exits(organisation, first, last):
    return Enrolment.objects.filter(
        group__organisation=organisation, exit_date__gte=first, exit_date__lte=last
    )


def _results(exits):
    sums = exits.aggregate(
        exits=Count("pk"),
        **{outcome.value: Count("pk", filter=Q(outcome=outcome)) for outcome in ExitOutcome},
    )
    n = sums["exits"]
    reasons = {reason.value: 0 for reason in DropoutReason}
    rows = (
        exits.filter(outcome=ExitOutcome.DROPOUT)
        .order_by()
        .values("outcome_detail")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = row["outcome_detail"] or DropoutReason.OTHER.value
        reasons[key] = reasons.get(key, 0) + row["n"]
    return {
        "exits": n,
        "dropout_pct": _pct(sums[ExitOutcome.DROPOUT.value], n),
        "extension_pct": _pct(sums[ExitOutcome.EXTENSION.value], n),
        "social_project_pct": _pct(sums[ExitOutcome.SOCIAL_PROJECT.value], n),
        "professional_project_pct": _pct(sums[ExitOutcome.PROFESSIONAL_PROJECT.value], n),
        "dropout_reasons": reasons,
    }


def _improvement(exits, as_of):
    completed = exits.exclude(outcome=ExitOutcome.DROPOUT)

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
    aggregates = {}
    for domain in DOMAINS:
        entry, end = f"entry_{domain}", f"end_{domain}"
        annotations[entry] = rating(Moment.ENTRY, domain)
        annotations[end] = rating(Moment.END, domain)
        both = Q(**{f"{entry}__isnull": False, f"{end}__isnull": False})
        aggregates[f"n_{domain}"] = Count("pk", filter=both)
        aggregates[f"up_{domain}"] = Count("pk", filter=both & Q(**{f"{end}__gt": F(entry)}))
        aggregates[f"down_{domain}"] = Count("pk", filter=both & Q(**{f"{end}__lt": F(entry)}))
    sums = completed.annotate(**annotations).aggregate(**aggregates)
    return (
        {d: _pct(sums[f"up_{d}"], sums[f"n_{d}"]) for d in DOMAINS},
        {d: sums[f"n_{d}"] for d in DOMAINS},
        {d: _pct(sums[f"down_{d}"], sums[f"n_{d}"]) for d in DOMAINS},
    )


def _first_year_with_data(organisation, as_of):
    first_enrolment = Enrolment.objects.filter(
        group__organisation=organisation, start_date__lte=as_of
    ).aggregate(first=Min("start_date"))["first"]
    first_session = (
        Session.objects.held()
        .filter(organisation=organisation, date__lte=as_of)
        .aggregate(first=Min("date"))["first"]
    )
    dates = [d for d in (first_enrolment, first_session) if d is not None]
    return min(dates).year if dates else None


def _evolution(organisation, year, as_of):
    first_year = _first_year_with_data(organisation, as_of)
    start = year if first_year is None else min(first_year, year)
    rows = []
    for each in range(start, year + 1):
        # Earlier years are complete; the row of the year itself uses the same as_of.
        first, last = _period(each, as_of if each == year else datetime.date(each, 12, 31))
        rows.append(
            {
                "year": each,
                "participants": _participants_of_the_year(organisation, first, last).count(),
                "hours": workshop_hours(organisation, first=first, last=last),
            }
        )
    return rows


def yearly_figures(organisation, *, year: int, as_of: datetime.date | None = None) -> dict:
    """The figures of ``year`` as of ``as_of`` (default today), in the JSON shape of
    docs/statistics.md."""
    if as_of is None:
        as_of = datetime.date.today()
    first, last = _period(year, as_of)
    participants, characteristics = _characteristics(organisation, first, last, year)
    exits = _exits(organisation, first, last)
    improvement_pct, improvement_n, deteriorated_pct = _improvement(exits, as_of)
    if last < first:
        hours = dict.fromkeys(HOURS_KEYS, 0.0)
    else:
        hours = workshop_hours(organisation, first=first, last=last)
    return {
        "organisation": organisation.slug,
        "year": year,
        "as_of": as_of.isoformat(),
        "participants": participants,
        "characteristics": characteristics,
        "results": _results(exits),
        "improvement_pct": improvement_pct,
        "improvement_n": improvement_n,
        "deteriorated_pct": deteriorated_pct,
        "hours": hours,
        "evolution": _evolution(organisation, year, as_of),
    }
