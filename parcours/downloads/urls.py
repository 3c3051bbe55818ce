from django.urls import path

from parcours.downloads import views

app_name = "downloads"
urlpatterns = [
    path("", views.download_list, name="list"),
    path("prepare/<slug:kind>/", views.prepare, name="prepare"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
