from django.urls import path

from review import duplicates, views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/recommend/", views.recommend, name="recommend"),
    path("entries/<int:pk>/forward/", views.forward, name="forward"),
    path("entries/<int:pk>/recommend-province/", views.recommend_province, name="recommend_province"),
    path("entries/<int:pk>/return/", views.return_, name="return"),
    path("entries/<int:pk>/reject/", views.reject, name="reject"),
    path("entries/<int:pk>/undo/", views.undo, name="undo"),
    path("entries/<int:pk>/grade/", views.grade, name="grade"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]

# 疑似重复 (review.duplicates)
urlpatterns += [
    path("entries/<int:pk>/duplicates/", duplicates.entry_duplicates, name="duplicates"),
    path("duplicates/<int:photo_pk>/dismiss/", duplicates.dismiss, name="duplicate_dismiss"),
]
