from django.urls import path

from parcours.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("retention/", views.retention_settings, name="retention"),
    path("files/<int:pk>/erase/", views.erase, name="erase"),
    path("anonymisations/<int:pk>/retry/", views.anonymisation_job_retry, name="job_retry"),
]
