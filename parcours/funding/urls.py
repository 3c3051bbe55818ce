from django.urls import path

from parcours.funding import views

app_name = "funding"
urlpatterns = [
    path("funders/", views.funder_list, name="funder_list"),
    path("funders/new/", views.funder_create, name="funder_create"),
    path("funders/<int:pk>/edit/", views.funder_update, name="funder_update"),
    path("", views.grant_list, name="grant_list"),
    path("grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/edit/", views.grant_update, name="grant_update"),
    path("grants/<int:pk>/pack/", views.grant_pack_page, name="grant_pack"),
    path("sessions/search/", views.session_search, name="session_search"),
    path("grants/<int:pk>/groups/new/", views.group_charge_create, name="group_charge_create"),
    path(
        "grants/<int:pk>/sessions/new/", views.session_charge_create, name="session_charge_create"
    ),
    path("grants/<int:pk>/expenses/", views.expense_list, name="expense_list"),
    path("grants/<int:pk>/expenses/new/", views.expense_create, name="expense_create"),
    path("grants/<int:pk>/pas-budget/", views.pas_budget_update, name="pas_budget_update"),
    path(
        "grants/<int:pk>/pas-justification.<str:file_format>",
        views.pas_report_download,
        name="pas_report",
    ),
    path("expenses/<int:pk>/", views.expense_update, name="expense_update"),
    path("expenses/<int:pk>/remove/", views.expense_delete, name="expense_delete"),
    path("group-charges/<int:pk>/", views.group_charge_update, name="group_charge_update"),
    path("group-charges/<int:pk>/remove/", views.group_charge_delete, name="group_charge_delete"),
    path("session-charges/<int:pk>/", views.session_charge_update, name="session_charge_update"),
    path(
        "session-charges/<int:pk>/remove/",
        views.session_charge_delete,
        name="session_charge_delete",
    ),
]
