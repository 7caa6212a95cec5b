from django.urls import path

from hazards import export_views, views

app_name = "hazards"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("escalations/", views.escalations, name="escalations"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]

# Outputs (hazards/export_views.py): the exports page, the 台账, the statistics tables, the one-hazard forms.
urlpatterns += [
    path("exports/", export_views.exports_page, name="exports"),
    path("exports/ledger/", export_views.export_ledger, name="export_ledger"),
    path("exports/statistics/<int:unit_id>/", export_views.export_statistics, name="export_statistics"),
    path("<int:pk>/export/notice/", export_views.export_notice, name="export_notice"),
    path("<int:pk>/export/major-report/", export_views.export_major_report, name="export_major_report"),
    path("<int:pk>/export/plan/", export_views.export_plan, name="export_plan"),
]
