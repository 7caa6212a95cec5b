from django.urls import path

from portal.files import views

app_name = "files"
urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.download, name="download"),
    path("<slug:kind>/<int:pk>/<slug:variant>/", views.download, name="download_variant"),
]
