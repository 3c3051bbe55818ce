from django.urls import path

from parcours.programme.views import enrolments, groups

app_name = "programme"

urlpatterns = [
    path("groups/", groups.group_list, name="group_list"),
    path("groups/search/", groups.group_search, name="group_search"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", groups.group_update, name="group_update"),
    path("groups/<int:pk>/enrol/", enrolments.enrolment_create, name="enrolment_create"),
    path("participants/<int:pk>/enrol/", enrolments.participant_enrol, name="participant_enrol"),
    path("enrolments/<int:pk>/exit/", enrolments.enrolment_exit, name="enrolment_exit"),
    path("enrolments/<int:pk>/extend/", enrolments.enrolment_extend, name="enrolment_extend"),
    path("follow-ups/<int:pk>/", enrolments.follow_up_record, name="follow_up_record"),
]
