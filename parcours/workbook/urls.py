from django.urls import path

from parcours.workbook import views

app_name = "workbook"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("template/", views.template, name="template"),
    path("imports/<int:pk>/", views.job_detail, name="job"),
    path("imports/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("imports/<int:pk>/retry/", views.job_retry, name="job_retry"),
]
