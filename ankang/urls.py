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
