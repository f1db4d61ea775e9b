# Dotted builtin codes ("coiffure.coloriste-vegetal.coloration-vegetale") exceed 40 characters.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('skills', '0005_search_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='node',
            name='code',
            field=models.CharField(max_length=100, unique=True, verbose_name='code'),
        ),
    ]
