# ExpertAssignment now lives in submissions (its 0002 takes over the model and the content type); the
# table stays where it is, so this app only drops the model from its migration state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('experts', '0002_committee_lock_checklist'),
        ('submissions', '0002_move_expertassignment'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ExpertAssignment',
                ),
            ],
            database_operations=[],
        ),
    ]
