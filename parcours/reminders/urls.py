from django.urls import path

from parcours.reminders import views

app_name = "reminders"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("log/", views.log, name="log"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("stop/<str:token>/", views.opt_out, name="opt_out"),
]
