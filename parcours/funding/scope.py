"""What a report is narrowed to: the whole programme, a process type, a group, a funder
or one grant. Each narrowing says which enrolments and sessions it keeps, and which part
of each session's hours it counts (a funder only gets the part charged to it)."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from parcours.funding.allocation import charged_to, session_share
from parcours.funding.models import Funder, Grant, GrantQuerySet, GroupCharge
from parcours.programme.enums import ProcessType
from parcours.programme.models import Enrolment, Group
from parcours.workshops.models import Session

SessionGroup = Session.groups.through


@dataclass(frozen=True)
class Scope:
    process_type: str = ""
    group: Group | None = None
    funder: Funder | None = None
    grant: Grant | None = None

    @property
    def is_whole_programme(self) -> bool:
        return not (self.process_type or self.group or self.funder or self.grant)

    @property
    def summarised(self) -> bool:
        """Whether the hours summary holds this scope's hours (``funding.summaries``): it
        is kept whole and per grant, not per group nor process type."""
        return not (self.process_type or self.group)

    @property
    def for_funder(self) -> bool:
        """Narrowed to a funder or a grant: its files are for the funder, so they hide
        small counts (``disclosure``)."""
        return bool(self.funder or self.grant)

    def __str__(self) -> str:
        parts: list[str | Promise] = []
        if self.process_type:
            parts.append(ProcessType(self.process_type).label)
        if self.group:
            parts.append(_("group %(name)s") % {"name": self.group.name})
        if self.grant:
            parts.append(_("grant %(name)s") % {"name": self.grant})
        elif self.funder:
            parts.append(_("funder %(name)s") % {"name": self.funder.name})
        return ", ".join(str(part) for part in parts) or _("whole programme")

    def as_params(self) -> dict[str, str | int]:
        """The query-string parameters that rebuild this scope (``scope_from_params``)."""
        params: dict[str, str | int] = {}
        if self.process_type:
            params["process_type"] = self.process_type
        if self.group:
            params["group"] = self.group.pk
        if self.funder:
            params["funder"] = self.funder.pk
        if self.grant:
            params["grant"] = self.grant.pk
        return params

    def grants(self) -> GrantQuerySet | None:
        """The grants a funder's narrowing counts, or None when not narrowed to funding."""
        if self.grant:
            return Grant.objects.filter(pk=self.grant.pk)
        if self.funder:
            return Grant.objects.filter(funder=self.funder)
        return None

    def enrolment_condition(
        self, *, first: datetime.date, last: datetime.date, prefix: str = ""
    ) -> Q:
        """The condition on an Enrolment (reached through ``prefix``, such as
        ``"enrolments__"``) that this narrowing keeps over ``first`` to ``last``: a
        grant's period counts."""
        condition = Q()
        if self.process_type:
            condition &= Q(**{f"{prefix}group__process_type": self.process_type})
        if self.group:
            condition &= Q(**{f"{prefix}group": self.group})
        grants = self.grants()
        if grants is not None:
            charged = GroupCharge.objects.filter(
                group=OuterRef(f"{prefix}group"), grant__in=grants.overlapping(first, last)
            )
            condition &= Q(Exists(charged))
        return condition

    def keep_enrolments(
        self, enrolments: QuerySet[Enrolment], *, first: datetime.date, last: datetime.date
    ) -> QuerySet[Enrolment]:
        """Narrow an Enrolment queryset."""
        return enrolments.filter(self.enrolment_condition(first=first, last=last))

    def keep_sessions(self, sessions: QuerySet[Session]) -> QuerySet[Session]:
        """Narrow a Session queryset (without joining the groups: no session twice)."""
        if self.process_type:
            sessions = sessions.filter(
                Exists(
                    SessionGroup.objects.filter(
                        session=OuterRef("pk"), group__process_type=self.process_type
                    )
                )
            )
        if self.group:
            sessions = sessions.filter(
                Exists(SessionGroup.objects.filter(session=OuterRef("pk"), group=self.group))
            )
        grants = self.grants()
        if grants is not None:
            sessions = charged_to(sessions, grants)
        return sessions

    def session_weight(self) -> Case | None:
        """The fraction of each session's hours to count, or None to count them whole."""
        grants = self.grants()
        return None if grants is None else session_share(grants)
