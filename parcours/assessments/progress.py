"""Distance travelled: how the ratings moved between the assessments.

For one enrolment, the ratings of each domain at entry, middle and end and the change
from entry to the latest rated moment; for a group, per domain, how many members
improved, stayed stable or got worse, counted in the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery

from parcours.assessments.enums import Moment
from parcours.assessments.models import DomainRating
from parcours.core.domains import Domain
from parcours.programme.models import Enrolment, Group

MOMENTS = [Moment.ENTRY, Moment.MIDDLE, Moment.END]


@dataclass(frozen=True)
class DomainJourney:
    domain: str
    label: str
    ratings: dict[str, int | None]  # moment → rating or None
    change: int | None  # latest rated moment minus entry; None without both


def enrolment_journey(enrolment: Enrolment) -> list[DomainJourney]:
    """The seven domains of one enrolment, in one query."""
    return journey_and_durations(enrolment)[0]


def journey_and_durations(
    enrolment: Enrolment,
) -> tuple[list[DomainJourney], dict[str, int | None]]:
    """The seven domains of one enrolment, and the duration of each assessment done
    (moment → minutes, None when not recorded), in one query."""
    ratings: dict[tuple[str, str], int | None] = {}
    durations: dict[str, int | None] = {}
    for row in DomainRating.objects.filter(assessment__enrolment=enrolment).values(
        "assessment__moment", "assessment__duration_minutes", "domain", "rating"
    ):
        ratings[(row["assessment__moment"], row["domain"])] = row["rating"]
        durations[row["assessment__moment"]] = row["assessment__duration_minutes"]
    journeys: list[DomainJourney] = []
    for domain, label in Domain.choices:
        by_moment: dict[str, int | None] = {
            moment: ratings.get((moment, domain)) for moment in MOMENTS
        }
        entry = by_moment[Moment.ENTRY]
        latest = by_moment[Moment.END] or by_moment[Moment.MIDDLE]
        change = latest - entry if entry is not None and latest is not None else None
        journeys.append(DomainJourney(domain, str(label), by_moment, change))
    return journeys, durations


@dataclass(frozen=True)
class DomainChange:
    domain: str
    label: str
    improved: int
    stable: int
    worse: int

    @property
    def rated(self) -> int:
        return self.improved + self.stable + self.worse


def _rating_at(moment: str) -> Subquery:
    return Subquery(
        DomainRating.objects.filter(
            assessment__enrolment=OuterRef("assessment__enrolment"),
            assessment__moment=moment,
            domain=OuterRef("domain"),
        ).values("rating")[:1],
        output_field=IntegerField(),
    )


def group_domain_change(group: Group) -> list[DomainChange]:
    """Per domain, the members whose end rating is above, equal to or below their entry
    rating (members not rated at both moments are left out), in one query."""
    rows = (
        DomainRating.objects.filter(
            assessment__enrolment__group=group,
            assessment__moment=Moment.ENTRY,
            rating__isnull=False,
        )
        .annotate(end_rating=_rating_at(Moment.END))
        .filter(end_rating__isnull=False)
        .values("domain")
        .annotate(
            improved=Count("id", filter=Q(end_rating__gt=F("rating"))),
            stable=Count("id", filter=Q(end_rating=F("rating"))),
            worse=Count("id", filter=Q(end_rating__lt=F("rating"))),
        )
    )
    counts: dict[str, Mapping[str, Any]] = {row["domain"]: row for row in rows}
    return [
        DomainChange(
            domain,
            str(label),
            counts.get(domain, {}).get("improved", 0),
            counts.get(domain, {}).get("stable", 0),
            counts.get(domain, {}).get("worse", 0),
        )
        for domain, label in Domain.choices
    ]
