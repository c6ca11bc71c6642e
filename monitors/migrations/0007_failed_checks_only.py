"""Keep failed checks only, in runs, and count throughput per minute
(issue 17): a row per successful check was most of what the database wrote
and kept, and nothing read those rows one by one (the rollups count them)."""

from django.db import migrations, models


LOCATIONS = [
    ("USE", "US East"), ("USW", "US West"), ("USC", "US Central"), ("UK", "United Kingdom"),
    ("AU", "Australia"), ("CH", "China"), ("BR", "Brazil"), ("IT", "Italy"), ("IA", "India"),
]  # fmt: skip


def drop_successes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitors_checkresult WHERE ok")


class Migration(migrations.Migration):
    dependencies = [
        ("monitors", "0006_no_redundant_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_successes, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="checkresult", name="result_time_idx"),
        migrations.RenameModel(old_name="CheckResult", new_name="FailedCheck"),
        migrations.RemoveField(model_name="failedcheck", name="ok"),
        migrations.AddField(
            model_name="failedcheck",
            name="last_checked_at",
            field=models.DateTimeField(null=True, help_text="When its latest check started."),
        ),
        migrations.RunSQL(
            "UPDATE monitors_failedcheck SET last_checked_at = checked_at", migrations.RunSQL.noop
        ),
        migrations.AlterField(
            model_name="failedcheck",
            name="last_checked_at",
            field=models.DateTimeField(help_text="When its latest check started."),
        ),
        migrations.AddField(
            model_name="failedcheck",
            name="checks",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="failedcheck",
            name="checked_at",
            field=models.DateTimeField(help_text="When the first check of the run started."),
        ),
        migrations.AlterField(
            model_name="failedcheck",
            name="monitor",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="failures",
                to="monitors.monitor",
            ),
        ),
        migrations.AlterModelOptions(
            name="failedcheck", options={"verbose_name": "failed check"}
        ),
        migrations.CreateModel(
            name="CheckTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("minute", models.DateTimeField()),
                ("location", models.CharField(choices=LOCATIONS, max_length=8)),
                ("checks", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "checks per minute"},
        ),
        migrations.AddConstraint(
            model_name="checktally",
            constraint=models.UniqueConstraint(fields=("minute", "location"), name="check_tally_unique"),
        ),
    ]
