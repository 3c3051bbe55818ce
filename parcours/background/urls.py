from django.urls import path

from parcours.background import views

app_name = "background"
urlpatterns = [
    path("health/", views.health, name="health"),
]
