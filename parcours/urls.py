from django.urls import include, path

urlpatterns = [
    path("", include("parcours.dashboard.urls")),
    path("", include("parcours.background.urls")),
    path("accounts/", include("parcours.accounts.urls")),
    path("audit/", include("parcours.audit.urls")),
    path("participants/", include("parcours.participants.urls")),
    path("programme/", include("parcours.programme.urls")),
    path("assessments/", include("parcours.assessments.urls")),
    path("projects/", include("parcours.projects.urls")),
    path("workshops/", include("parcours.workshops.urls")),
    path("attendance/", include("parcours.attendance.urls")),
    path("reports/", include("parcours.reporting.urls")),
    path("funding/", include("parcours.funding.urls")),
    path("workbook/", include("parcours.workbook.urls")),
    path("privacy/", include("parcours.privacy.urls")),
    path("reminders/", include("parcours.reminders.urls")),
    path("downloads/", include("parcours.downloads.urls")),
    path("api/", include("parcours.api.urls")),
]
