from django.urls import path

from parcours.reporting import federation_views, search_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report, name="report"),
    path("rapport.csv", views.report_csv_view, name="report_csv"),
    path("rapport.xlsx", views.report_xlsx_view, name="report_xlsx"),
    path("rapport.pdf", views.report_pdf_view, name="report_pdf"),
    path("rapport.json", views.report_json_view, name="report_json"),
    path("fse.xlsx", views.esf_xlsx_view, name="esf_xlsx"),
    path("fse.pdf", views.esf_pdf_view, name="esf_pdf"),
    path("fse-participants.xlsx", views.esf_participants_xlsx_view, name="esf_participants_xlsx"),
    path("fse-participants.csv", views.esf_participants_csv_view, name="esf_participants_csv"),
    path("groups/search/", search_views.group_search, name="group_search"),
    path("people/", views.people, name="people"),
    path("close/", views.close_year, name="close_year"),
    path("<int:year>/reopen/", views.reopen_year, name="reopen_year"),
    path("federation/", federation_views.federation, name="federation"),
    path("federation.csv", federation_views.federation_csv, name="federation_csv"),
    path("federation.xlsx", federation_views.federation_xlsx_view, name="federation_xlsx"),
]
