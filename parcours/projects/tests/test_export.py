"""The right of access (GDPR art. 15) gives the person their project, every version."""

import pytest

from parcours.privacy.right_of_access import participant_data
from parcours.projects.factories import EvaluationFactory, ProjectFactory, ProjectVersionFactory
from parcours.projects.tests.conftest import D

pytestmark = pytest.mark.django_db


def test_the_export_carries_every_version_and_evaluation(enrolment, social_worker):
    project = ProjectFactory(enrolment=enrolment, signed_on=D(2026, 1, 26))
    ProjectVersionFactory(project=project, number=2, objectives="Apprendre à lire.")
    EvaluationFactory(project=project, date=D(2026, 4, 27), author=social_worker)
    exported = participant_data(enrolment.participant)["enrolments"][0]["project"]
    assert [version["number"] for version in exported["versions"]] == [1, 2]
    assert exported["versions"][0]["signed_on"] == D(2026, 1, 26)
    assert exported["versions"][1]["objectives"] == "Apprendre à lire."
    assert exported["evaluations"][0]["outcome"]["code"] == "continue"


def test_an_enrolment_without_project_exports_none(enrolment):
    assert participant_data(enrolment.participant)["enrolments"][0]["project"] is None
