from django.db import migrations

from essaim.members.sectors import DEFAULT_SECTORS


def add_sectors(apps, schema_editor):
    Sector = apps.get_model("members", "Sector")
    for code, label in DEFAULT_SECTORS:
        Sector.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]
