from django.urls import path

from parcours.participants.views import directory, export, file, followup, intake, photo, sheet

app_name = "participants"

urlpatterns = [
    path("", directory.participant_list, name="participant_list"),
    path("search/", directory.participant_search, name="participant_search"),
    path("new/", intake.participant_create, name="participant_create"),
    path("<int:pk>/", file.participant_detail, name="participant_detail"),
    path("<int:pk>/edit/", intake.participant_update, name="participant_update"),
    path("<int:pk>/consents/new/", intake.consent_create, name="consent_create"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        intake.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/photo.jpg", photo.photo, name="photo"),
    path("<int:pk>/photo/", photo.photo_update, name="photo_update"),
    path("<int:pk>/photo/delete/", photo.photo_delete, name="photo_delete"),
    path("<int:pk>/interventions/new/", followup.intervention_create, name="intervention_create"),
    path(
        "<int:pk>/interventions/<int:intervention_pk>/edit/",
        followup.intervention_update,
        name="intervention_update",
    ),
    path(
        "<int:pk>/literacy-tests/new/", followup.literacy_test_create, name="literacy_test_create"
    ),
    path("<int:pk>/export.json", export.export_json, name="export_json"),
    path("<int:pk>/export.pdf", export.export_pdf, name="export_pdf"),
    path("<int:pk>/sheet/", sheet.sheet_page, name="sheet"),
    path("<int:pk>/sheet.pdf", sheet.sheet_pdf, name="sheet_pdf"),
]
