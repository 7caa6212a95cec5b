from django.urls import path

from portal.directory import views

app_name = "directory"
urlpatterns = [path("units/", views.unit_search, name="unit_search")]
