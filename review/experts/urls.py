from django.urls import path

from review.experts import views

app_name = "experts"
urlpatterns = [
    # The expert's own pages.
    path("", views.my_assignments, name="my_assignments"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    # The committee's pages.
    path("panel/", views.panel, name="panel"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/auto/", views.auto_assign, name="auto_assign"),
    path("assignments/entries/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/remove/", views.remove_assignment, name="remove_assignment"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("awards/propose/", views.propose_awards, name="propose_awards"),
    path("awards/confirm/", views.confirm_results, name="confirm_results"),
    path("awards/ties/", views.resolve_tie, name="resolve_tie"),
    path("awards/entries/<int:pk>/", views.award_edit, name="award_edit"),
    path("organisation/", views.organisation_awards, name="organisation_awards"),
    path("organisation/propose/", views.propose_organisation_awards, name="propose_organisation_awards"),
    path("organisation/confirm-all/", views.confirm_all_organisation_awards, name="confirm_all_organisation_awards"),
    path("organisation/<int:pk>/", views.organisation_award_edit, name="organisation_award_edit"),
]
