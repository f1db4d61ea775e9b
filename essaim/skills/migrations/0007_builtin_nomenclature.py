"""Load the project's own nomenclature of CAE trades (essaim/skills/data/nomenclature.jsonl),
so that every install — tests and `make demo` included — has it. Later edits of the file are
applied with `essaim nomenclature load-builtin` (idempotent, audited).

Written by hand: it runs the loader with the historical models, never the current ones. It
writes no audit entry: installing is nobody's action, and the journal starts empty.
"""

from django.db import migrations


def load(apps, schema_editor):
    from essaim.skills.nomenclature import sync_builtin

    sync_builtin(apps.get_model("skills", "Node"), apps.get_model("skills", "Alias"))


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0006_node_code_length"),
    ]

    # Going back leaves the nodes: members' skills may point to them.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
