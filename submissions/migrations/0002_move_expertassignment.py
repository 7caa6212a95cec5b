# ExpertAssignment moves from review.experts (app label "experts") to submissions, so that the apps below
# review.experts can import it. State only: the model keeps its table (experts_expertassignment), no row
# moves. review.experts' 0003 drops the model from its own state after this one.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODEL = "expertassignment"


def _relabel_content_type(apps, schema_editor, old, new):
    # The content type (and the permissions and admin log entries that point to it) follows the model,
    # unless migrate already made one for the new label; a fresh database has neither yet.
    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(schema_editor.connection.alias)
    if not content_types.filter(app_label=new, model=MODEL).exists():
        content_types.filter(app_label=old, model=MODEL).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel_content_type(apps, schema_editor, "experts", "submissions")


def backwards(apps, schema_editor):
    _relabel_content_type(apps, schema_editor, "submissions", "experts")


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0001_initial'),
        # The table exists from here on (made by experts 0001), for anything later that alters it.
        ('experts', '0002_committee_lock_checklist'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExpertAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('origin', models.CharField(choices=[('auto', '自动分配'), ('manual', '手工指定'), ('replacement', '回避后补派')], default='auto', max_length=16, verbose_name='分配方式')),
                        ('assigned_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='分配时间')),
                        ('reason', models.TextField(blank=True, verbose_name='分配原因')),
                        ('conflict_declared_at', models.DateTimeField(blank=True, null=True, verbose_name='申请回避时间')),
                        ('conflict_reason', models.TextField(blank=True, verbose_name='回避原因')),
                        ('removed_at', models.DateTimeField(blank=True, null=True, verbose_name='撤销时间')),
                        ('removal_reason', models.TextField(blank=True, verbose_name='撤销原因')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='评分提交时间')),
                        ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='分配人')),
                        ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='expert_assignments', to='submissions.entry', verbose_name='作品')),
                        ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='expert_assignments', to=settings.AUTH_USER_MODEL, verbose_name='评审专家')),
                        ('removed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='撤销人')),
                    ],
                    options={
                        'verbose_name': '专家分配',
                        'verbose_name_plural': '专家分配',
                        'db_table': 'experts_expertassignment',
                        'ordering': ['entry', 'assigned_at', 'id'],
                        'indexes': [models.Index(fields=['expert', 'conflict_declared_at', 'removed_at'], name='experts_exp_expert__5b4215_idx'), models.Index(fields=['entry', 'conflict_declared_at', 'removed_at'], name='experts_exp_entry_i_d57e5c_idx')],
                        'constraints': [models.UniqueConstraint(fields=('entry', 'expert'), name='one_assignment_per_expert_entry')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
