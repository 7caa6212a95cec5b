from django.urls import path  # noqa: F401 - the pages are added below

app_name = "ankang"

urlpatterns: list = []
