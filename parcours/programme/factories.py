import datetime

import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.programme.enums import FollowUpSituation, ProcessType
from parcours.programme.models import Enrolment, ExitFollowUp, Group


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Groupe {n}")
    process_type = ProcessType.REMOBILISATION
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 10, 30)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    group = factory.SubFactory(GroupFactory)
    participant = factory.SubFactory(
        "parcours.participants.factories.ParticipantFactory",
        organisation=factory.SelfAttribute("..group.organisation"),
    )
    start_date = factory.SelfAttribute("group.start_date")


class ExitFollowUpFactory(factory.django.DjangoModelFactory):
    """A follow-up six months after an exit, recorded (``situation`` and ``recorded_on``)."""

    class Meta:
        model = ExitFollowUp

    enrolment = factory.SubFactory(
        EnrolmentFactory,
        exit_date=datetime.date(2026, 1, 30),
        outcome="professional_project",
        outcome_detail="job_search",
    )
    due_on = factory.LazyAttribute(lambda f: f.enrolment.exit_date + datetime.timedelta(days=182))
    situation = FollowUpSituation.EMPLOYMENT
    recorded_on = factory.SelfAttribute("due_on")
