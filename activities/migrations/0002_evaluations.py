from django.db import migrations

LEVELS = ["优秀", "良好", "合格", "不合格"]


def seed(apps, schema_editor):
    Evaluation = apps.get_model("activities", "Evaluation")
    for order, name in enumerate(LEVELS):
        Evaluation.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
