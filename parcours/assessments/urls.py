from django.urls import path

from parcours.assessments.views import actions, assessments

app_name = "assessments"

urlpatterns = [
    path(
        "enrolments/<int:enrolment_pk>/<str:moment>/",
        assessments.assessment_edit,
        name="assessment_edit",
    ),
    path("enrolments/<int:enrolment_pk>/actions/new/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/", actions.action_update, name="action_update"),
]
