from django.urls import path

from hazards import views

app_name = "hazards"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("escalations/", views.escalations, name="escalations"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
