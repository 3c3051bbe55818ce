from django.urls import path

from parcours.assessments.views import actions, assessments, kiosk

app_name = "assessments"

urlpatterns = [
    path(
        "enrolments/<int:enrolment_pk>/<str:moment>/",
        assessments.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "enrolments/<int:enrolment_pk>/<str:moment>/kiosk/",
        kiosk.kiosk_start,
        name="kiosk_start",
    ),
    path("enrolments/<int:enrolment_pk>/actions/new/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/", actions.action_update, name="action_update"),
    path("kiosk/", kiosk.kiosk_welcome, name="kiosk_welcome"),
    path("kiosk/language/", kiosk.kiosk_language, name="kiosk_language"),
    path("kiosk/done/", kiosk.kiosk_done, name="kiosk_done"),
    path("kiosk/unlock/", kiosk.kiosk_unlock, name="kiosk_unlock"),
    path("kiosk/<str:domain>/", kiosk.kiosk_question, name="kiosk_question"),
]
