from django.urls import path

from review.reports import union_report_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("entries/", views.entry_list, name="entries"),
    path("statistics/", views.statistics_index, name="statistics"),
    path("statistics/<int:union_id>/", views.statistics_report, name="statistics_report"),
    path("union-reports/", union_report_views.union_report_index, name="union_reports"),
    path("statistics/<int:union_id>/report/", union_report_views.union_report, name="union_report"),
    path("statistics/<int:union_id>/report/word/", union_report_views.union_report_word, name="union_report_word"),
]
