from django.urls import path

from submissions import tus_views, views

app_name = "submissions"
urlpatterns = [
    path("", views.my_entries, name="my_entries"),
    path("new/", views.entry_create, name="entry_create"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
    path("<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("photos/<int:photo_pk>/move/", views.photo_move, name="photo_move"),
]

# Resumable uploads (tus 1.0), see submissions.tus_views.
urlpatterns += [
    path("<int:pk>/tus/", tus_views.upload_create, name="tus_create"),
    path("tus/<uuid:upload_id>/", tus_views.upload_detail, name="tus_upload"),
]
