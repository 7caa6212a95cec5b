from django.urls import path

from ankang import views

app_name = "ankang"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.competition, name="competition"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/enrolments/", views.enrolments, name="enrolments"),
    path("<int:pk>/records/", views.records, name="records"),
    path("<int:pk>/records/new/", views.new_record, name="new_record"),
    path("<int:pk>/coverage/", views.coverage, name="coverage"),
    path("<int:pk>/calendar/", views.calendar, name="calendar"),
    path("<int:pk>/sheets/", views.sheets, name="sheets"),
    path("<int:pk>/sheets/start/", views.start_sheet, name="start_sheet"),
    path("enrolments/<int:pk>/decide/", views.decide, name="decide"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("records/<int:pk>/delete/", views.delete_record, name="delete_record"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/score/", views.score, name="score"),
    path("sheets/<int:pk>/review/", views.review, name="review"),
    path("sheets/<int:pk>/return/", views.return_sheet, name="return_sheet"),
    path("sheets/<int:pk>/sheet.xlsx", views.export_sheet, name="export_sheet"),
]

# Nominations and the year's report (ankang/nomination_views.py, ankang/report_views.py).
from ankang import nomination_views, report_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/nominations/", nomination_views.nomination_list, name="nominations"),
    path("<int:pk>/nominations/propose/", nomination_views.propose, name="propose"),
    path("<int:pk>/nominations.xlsx", nomination_views.export_nominations, name="export_nominations"),
    path("<int:pk>/commendation/", nomination_views.commend, name="commend"),
    path("<int:pk>/commendation/public/", nomination_views.public_commendation, name="public_commendation"),
    path("nominations/<int:pk>/", nomination_views.nomination, name="nomination"),
    path("nominations/<int:pk>/act/", nomination_views.act, name="act"),
    path("<int:pk>/reports/", report_views.report_list, name="reports"),
    path("<int:pk>/reports/draft/", report_views.draft, name="draft_report"),
    path("reports/<int:pk>/", report_views.report, name="report"),
    path("reports/<int:pk>/report.docx", report_views.report_docx, name="report_docx"),
]

# The province opens and configures competitions (ankang/setup_views.py).
from ankang import setup_views  # noqa: E402

urlpatterns += [
    path("new/", setup_views.new_competition, name="new_competition"),
    path("<int:pk>/settings/", setup_views.competition_settings, name="competition_settings"),
]
