from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/<int:period_pk>/<int:filer_pk>/", views.start, name="start"),
    path("periods/<int:period_pk>/missing/", views.missing, name="missing"),
    path("ranking/<int:year>/", views.ranking, name="ranking"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/save/", views.save, name="save"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/review/<slug:step>/", views.review, name="review"),
    path("<int:pk>/cells/<slug:code>/", views.cell, name="cell"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/checklist/score/", views.score, name="score"),
    path("<int:pk>/checklist/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/fujian1.xlsx", views.export_stat, name="export_stat"),
    path("<int:pk>/fujian2.xlsx", views.export_checklist, name="export_checklist"),
]
