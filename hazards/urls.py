from django.urls import path

from hazards import export_views, inspection_views, oversight_views, views

app_name = "hazards"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("escalations/", views.escalations, name="escalations"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]

# 逐级报告, dashboards, the 职代会 summary and the ledger's bulk reminder (hazards/oversight_views.py).
urlpatterns += [
    path("reported/", oversight_views.reported, name="reported"),
    path("dashboard/", oversight_views.dashboard, name="dashboard"),
    path("dashboard/<int:node>/", oversight_views.dashboard, name="dashboard_node"),
    path("congress/", oversight_views.congress_index, name="congress_index"),
    path("congress/<int:unit>/", oversight_views.congress, name="congress"),
    path("remind/", oversight_views.remind, name="remind"),
]

# Inspection rounds (issue 15 item 5).
urlpatterns += [
    path("inspections/", inspection_views.plans, name="inspection_plans"),
    path("inspections/setup/", inspection_views.setup_plans, name="inspection_setup"),
    path("inspections/compliance/", inspection_views.compliance, name="inspection_compliance"),
    path("inspections/plans/<int:pk>/record/", inspection_views.record, name="inspection_record"),
    path("inspections/rounds/<int:pk>/", inspection_views.round_detail, name="inspection_round"),
    path("inspections/rounds/<int:pk>/finding/", inspection_views.add_finding, name="inspection_add_finding"),
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
