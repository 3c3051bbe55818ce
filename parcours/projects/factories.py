import datetime

import factory

from parcours.programme.factories import EnrolmentFactory
from parcours.projects.enums import EvaluationOutcome
from parcours.projects.models import Evaluation, Project, ProjectVersion


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project with its first version, a draft (``signed_on`` to sign it)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    enrolment = factory.SubFactory(EnrolmentFactory)
    participant = factory.SelfAttribute("enrolment.participant")
    organisation = factory.SelfAttribute("enrolment.group.organisation")

    @factory.post_generation
    def signed_on(project, create, signed_on, **kwargs):
        if create:
            ProjectVersionFactory(project=project, number=1, signed_on=signed_on, **kwargs)


class ProjectVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectVersion

    project = factory.SubFactory(ProjectFactory)
    number = 1
    objectives = "Logement : trouver un logement salubre.\n- Inscription à l'AIS."
    participant_commitments = "Participer aux ateliers du groupe."
    cpas_commitments = "Accompagner les démarches."
    social_worker = factory.SubFactory(
        "parcours.accounts.factories.UserFactory",
        organisation=factory.SelfAttribute("..project.organisation"),
    )
    created_by = factory.SelfAttribute("social_worker")
    signed_on = None
    signed_at_place = factory.LazyAttribute(lambda version: "Namur" if version.signed_on else "")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    project = factory.SubFactory(ProjectFactory, signed_on=datetime.date(2026, 2, 2))
    date = datetime.date(2026, 5, 4)
    outcome = EvaluationOutcome.CONTINUE
    notes = "Les démarches avancent."
    author = factory.SubFactory(
        "parcours.accounts.factories.UserFactory",
        organisation=factory.SelfAttribute("..project.organisation"),
    )
