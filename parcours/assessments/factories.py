import datetime

import factory

from parcours.assessments.enums import ActionStatus, Moment
from parcours.assessments.models import Action, Assessment, DomainRating
from parcours.core.domains import Domain
from parcours.programme.factories import EnrolmentFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    enrolment = factory.SubFactory(EnrolmentFactory)
    moment = Moment.ENTRY
    date = factory.SelfAttribute("enrolment.start_date")
    author = factory.SubFactory(
        "parcours.accounts.factories.UserFactory",
        organisation=factory.SelfAttribute("..enrolment.group.organisation"),
    )


class DomainRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomainRating

    assessment = factory.SubFactory(AssessmentFactory)
    domain = Domain.SOCIAL_CULTURAL
    rating = 3


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    enrolment = factory.SubFactory(EnrolmentFactory)
    domain = Domain.HOUSING
    description = "Prendre rendez-vous avec l'agence immobilière sociale."
    responsible = "Participant"
    due_date = datetime.date(2026, 3, 31)
    status = ActionStatus.PLANNED
