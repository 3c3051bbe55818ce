"""What the file page shows, read in a fixed number of queries whatever the history."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Sum

from parcours.assessments.models import Action
from parcours.participants.enums import LITERACY_LEVEL_RANK
from parcours.participants.models import Intervention, InterventionDomain, LiteracyTest

RECENT_INTERVENTIONS = 10


@dataclass
class SkillProgress:
    skill: str
    label: str
    level: str
    previous: str | None
    change: int  # +1 better, 0 same, -1 worse than the previous test


@dataclass
class ParticipantStory:
    enrolments: list
    consents: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    intervention_count: int = 0
    intervention_minutes: int = 0
    literacy_tests: list = field(default_factory=list)
    open_actions: list = field(default_factory=list)
    literacy_progress: list = field(default_factory=list)


def participant_story(participant, *, with_social_data: bool) -> ParticipantStory:
    enrolments = list(participant.enrolments.select_related("group").order_by("-start_date"))
    story = ParticipantStory(enrolments=enrolments)
    if not with_social_data:
        return story
    story.consents = list(participant.consents.select_related("collected_by"))
    totals = participant.interventions.aggregate(count=Count("id"), minutes=Sum("duration_minutes"))
    story.intervention_count = totals["count"]
    story.intervention_minutes = totals["minutes"] or 0
    story.interventions = list(
        Intervention.objects.filter(participant=participant)
        .select_related("author")
        .prefetch_related(
            Prefetch("domains", queryset=InterventionDomain.objects.order_by("domain"))
        )
        .order_by("-date", "-id")[:RECENT_INTERVENTIONS]
    )
    story.literacy_tests = list(
        LiteracyTest.objects.filter(participant=participant).select_related("examiner")
    )
    story.literacy_progress = literacy_progress(story.literacy_tests)
    story.open_actions = list(
        Action.objects.filter(enrolment__participant=participant).open().order_by("due_date")
    )
    return story


def literacy_progress(tests) -> list[SkillProgress]:
    """Each skill of the latest test against the test before it (tests newest first)."""
    if not tests:
        return []
    latest = tests[0]
    previous = tests[1] if len(tests) > 1 else None
    progress = []
    for skill in LiteracyTest.SKILLS:
        level = getattr(latest, skill)
        before = getattr(previous, skill) if previous else None
        change = 0
        if before is not None:
            delta = LITERACY_LEVEL_RANK[level] - LITERACY_LEVEL_RANK[before]
            change = (delta > 0) - (delta < 0)
        progress.append(
            SkillProgress(
                skill=skill,
                label=str(LiteracyTest._meta.get_field(skill).verbose_name),
                level=getattr(latest, f"get_{skill}_display")(),
                previous=(dict(LiteracyTest._meta.get_field(skill).choices).get(before)),
                change=change,
            )
        )
    return progress
