"""Let PostgreSQL update the rows written on every check in place (issue 17).

An UPDATE that changes no indexed column and finds room on the row's page is
a heap-only tuple: no index entry is written and the old version is reclaimed
on that page as soon as it is read, without waiting for vacuum. The location
results lose their index on checked_at (which every check changes), and the
tables updated on every check keep a part of each page free for the new
versions (fillfactor: it applies to pages written from now on; VACUUM FULL
repacks a table that exists). SQLite has neither: nothing to do there.
"""

from django.db import migrations

FILLFACTOR = {
    "monitors_monitor": 70,
    "monitors_locationresult": 50,
    "monitors_hourlyrollup": 70,
    "monitors_dailyrollup": 80,
    "monitors_checktally": 50,
}


def set_fillfactor(apps, schema_editor, reset=False):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, percent in FILLFACTOR.items():
        option = "RESET (fillfactor)" if reset else f"SET (fillfactor = {percent})"
        schema_editor.execute(f"ALTER TABLE {table} {option}")


def reset_fillfactor(apps, schema_editor):
    set_fillfactor(apps, schema_editor, reset=True)


class Migration(migrations.Migration):
    dependencies = [
        ("monitors", "0007_failed_checks_only"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="locationresult", name="location_result_time_idx"),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
