"""The directory's search index (see essaim/skills/search_index.py), written by hand: it is no
model. SQLite: a table of stems and the FTS5 index over it. PostgreSQL: a table with a
tsvector under a GIN index, and the text search configuration `essaim_fr` (French Snowball
stemming after `unaccent`).

The documents are filled after `migrate` by the post_migrate check of essaim.skills.signals.
"""

from django.db import migrations

FIELDS = ("skills", "activity", "portfolio", "presentation", "zones")


def create_postgres(schema_editor):
    with_unaccent = True
    with schema_editor.connection.cursor() as cursor:
        # Without the extension (not installed, or no right to create it) the configuration is
        # built without it, and the index is fed words already folded instead.
        cursor.execute("SAVEPOINT essaim_unaccent")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("RELEASE SAVEPOINT essaim_unaccent")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT essaim_unaccent")
            with_unaccent = False
    words = "unaccent, french_stem" if with_unaccent else "french_stem"
    numbers = "unaccent, simple" if with_unaccent else "simple"
    columns = ", ".join(f"{name} text NOT NULL DEFAULT ''" for name in FIELDS)
    for sql in [
        """DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'essaim_fr') THEN
                CREATE TEXT SEARCH CONFIGURATION essaim_fr (COPY = french);
            END IF;
        END $$""",
        f"ALTER TEXT SEARCH CONFIGURATION essaim_fr "
        f"ALTER MAPPING FOR hword, hword_part, word WITH {words}",
        f"ALTER TEXT SEARCH CONFIGURATION essaim_fr "
        f"ALTER MAPPING FOR numword, numhword, hword_numpart WITH {numbers}",
        # No foreign key to members_member: Django's flush truncates it without CASCADE.
        f"CREATE TABLE skills_searchdoc (member_id bigint PRIMARY KEY, {columns}, "
        "document tsvector NOT NULL)",
        "CREATE INDEX skills_searchdoc_document ON skills_searchdoc USING gin (document)",
    ]:
        schema_editor.execute(sql)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"la recherche de l'annuaire ne connaît pas la base « {vendor} »")
    # How many documents the index holds: the collection size of the ranking's idf.
    schema_editor.execute(
        "CREATE TABLE skills_searchstat (id integer PRIMARY KEY, documents integer NOT NULL)"
    )
    schema_editor.execute("INSERT INTO skills_searchstat (id, documents) VALUES (1, 0)")
    # "Available now" is asked of every profile: a narrow index spares reading the
    # presentations (100,000 profiles: 10 ms instead of 60 on SQLite).
    schema_editor.execute(
        "CREATE INDEX skills_profile_available ON skills_profile "
        "(days_per_week, available_from, available_until, member_id)"
    )
    if vendor == "postgresql":
        create_postgres(schema_editor)
    else:
        # The stems in a plain table (fast to read back for the ranking), indexed by an FTS5
        # table that takes it as its external content.
        columns = ", ".join(f"{name} text NOT NULL DEFAULT ''" for name in FIELDS)
        schema_editor.execute(
            f"CREATE TABLE skills_searchtext (member_id integer PRIMARY KEY, {columns})"
        )
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE skills_searchdoc USING fts5({', '.join(FIELDS)}, "
            "content = 'skills_searchtext', content_rowid = 'member_id', "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS skills_profile_available")
    schema_editor.execute("DROP TABLE IF EXISTS skills_searchstat")
    schema_editor.execute("DROP TABLE IF EXISTS skills_searchdoc")
    schema_editor.execute("DROP TABLE IF EXISTS skills_searchtext")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS essaim_fr")


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0004_member_embedding"),
    ]

    operations = [migrations.RunPython(create, drop)]
