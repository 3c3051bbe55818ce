from django.urls import path

from parcours.projects import views

app_name = "projects"

urlpatterns = [
    path("enrolments/<int:enrolment_pk>/", views.project_detail, name="project_detail"),
    path("enrolments/<int:enrolment_pk>/new/", views.project_create, name="project_create"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("<int:pk>/versions/<int:number>/sign/", views.version_sign, name="version_sign"),
    path("<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("settings/", views.interval_edit, name="interval_edit"),
]
