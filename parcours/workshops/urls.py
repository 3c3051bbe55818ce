from django.urls import path

from parcours.workshops.views import calendar, catalogue, sessions

app_name = "workshops"

urlpatterns = [
    path("", catalogue.workshop_list, name="workshop_list"),
    path("new/", catalogue.workshop_create, name="workshop_create"),
    path("<int:pk>/edit/", catalogue.workshop_update, name="workshop_update"),
    path("providers/", catalogue.provider_list, name="provider_list"),
    path("providers/new/", catalogue.provider_create, name="provider_create"),
    path("providers/<int:pk>/edit/", catalogue.provider_update, name="provider_update"),
    path("closing/", catalogue.closing_list, name="closing_list"),
    path("closing/new/", catalogue.closing_create, name="closing_create"),
    path("closing/<int:pk>/delete/", catalogue.closing_delete, name="closing_delete"),
    path("programme/", calendar.week, name="week"),
    path("programme/plan/", sessions.series_plan, name="series_plan"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/groups/", sessions.group_search, name="group_search"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/change/", sessions.session_change, name="session_change"),
    path("groups/<int:pk>/week/", calendar.group_week, name="group_week"),
    path("groups/<int:pk>/feed/renew/", calendar.group_feed_renew, name="group_feed_renew"),
    path("leaders/<int:pk>/week/", calendar.leader_week, name="leader_week"),
    path("leaders/<int:pk>/feed/renew/", calendar.leader_feed_renew, name="leader_feed_renew"),
    path("feed/<str:token>.ics", calendar.feed, name="feed"),
]
