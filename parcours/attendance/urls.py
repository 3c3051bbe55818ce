from django.urls import path

from parcours.attendance.views import grid, hours, register, sheets

app_name = "attendance"

urlpatterns = [
    path("registers/", register.register_list, name="register_list"),
    path("registers/workshops/search/", register.workshop_search, name="workshop_search"),
    path("hours/", hours.hours, name="hours"),
    path("sessions/<int:pk>/register/", register.register, name="register"),
    path("sessions/<int:pk>/mark/<int:participant_pk>/", register.mark, name="mark"),
    path("sessions/<int:pk>/validate/", register.validate, name="validate"),
    path("sessions/<int:pk>/correct/<int:participant_pk>/", register.correct, name="correct"),
    path("sessions/<int:pk>/sheet.pdf", sheets.session_sheet, name="session_sheet"),
    path("groups/<int:pk>/month/", grid.group_month, name="group_month"),
    path("groups/<int:pk>/month/sheet.pdf", sheets.group_month_sheet, name="group_month_sheet"),
]
