from django.urls import path, register_converter

from review.exhibition import views


class EntryCodeConverter:
    """An entry's neutral code, e.g. 2025-000123 (the share link of a published entry)."""

    regex = r"[0-9]{4}-[0-9]{6,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


# Prefixed: converter names are global to the project.
register_converter(EntryCodeConverter, "exhibition_code")

app_name = "exhibition"
urlpatterns = [
    path("", views.index, name="index"),
    path("manage/", views.manage, name="manage"),
    path("manage/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("<exhibition_code:code>/", views.detail, name="detail"),
]
