"""Roster imports' and exports' audit entries become the registry's own actions.

They were logged as rosters' actions by the rosters app; the registry's
bulk-registration and bulk-export services write them now, under their own
action names.
"""

from django.db import migrations

RENAMED = {
    "rosters.import": "registry.bulk_register",
    "rosters.export": "registry.bulk_export",
}


def rename(apps, renamed):
    entries = apps.get_model("registry", "RegistryLogEntry").objects
    for old, new in renamed.items():
        entries.filter(action=old).update(action=new)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_catalogue_unique_name_messages")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, RENAMED),
            lambda apps, schema_editor: rename(
                apps, {new: old for old, new in RENAMED.items()}
            ),
        )
    ]
