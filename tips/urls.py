from django.urls import path

from tips import views

app_name = "tips"
urlpatterns = [
    path("cases/", views.cases, name="cases"),
]
