from django.urls import path

from tips import public, views

app_name = "tips"
urlpatterns = [
    path("", public.report, name="report"),
    path("lookup/", public.lookup, name="lookup"),
    path("case/", public.case, name="case"),
    path("cases/", views.cases, name="cases"),
    path("statistics/", views.statistics, name="statistics"),
    path("openings/", views.openings, name="openings"),
    path("cases/<int:pk>/", views.detail, name="detail"),
    path("cases/<int:pk>/vault/", views.vault, name="vault"),
    path("cases/<int:pk>/<slug:action>/", views.act, name="act"),
]
