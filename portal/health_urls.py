from django.urls import path

from portal import health

urlpatterns = [path("", health.health, name="health")]
