from django.urls import path

from review.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("entries/", views.entry_list, name="entries"),
    path("statistics/", views.statistics_index, name="statistics"),
    path("statistics/<int:union_id>/", views.statistics_report, name="statistics_report"),
]
