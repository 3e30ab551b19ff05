"""Roster imports' audit entries become the registry's bulk registrations.

The entries were logged as "registry.bulk_register" by the rosters app; the registry's
bulk-registration service writes them now, under its own action name.
"""

from django.db import migrations

OLD, NEW = "rosters.import", "registry.bulk_register"


def rename(apps, old, new):
    apps.get_model("registry", "RegistryLogEntry").objects.filter(action=old).update(
        action=new
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_catalogue_unique_name_messages")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, OLD, NEW),
            lambda apps, schema_editor: rename(apps, NEW, OLD),
        )
    ]
