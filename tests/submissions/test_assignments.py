"""ExpertAssignment lives in submissions (issue 13.6) on the table it had in review.experts."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from submissions.models import ExpertAssignment


def test_expert_assignment_keeps_its_table_after_the_move(db):
    assert ExpertAssignment._meta.app_label == "submissions"
    assert ExpertAssignment._meta.db_table == "experts_expertassignment"
    assert "experts_expertassignment" in connection.introspection.table_names()


def test_expert_assignment_content_type_is_the_submissions_one(db):
    content_type = ContentType.objects.get_for_model(ExpertAssignment)
    assert (content_type.app_label, content_type.model) == ("submissions", "expertassignment")
    assert not ContentType.objects.filter(app_label="experts", model="expertassignment").exists()


def test_expert_assignment_admin_changelist_opens_for_a_superuser(admin_client):
    assert admin_client.get("/admin/submissions/expertassignment/", secure=True).status_code == 200
