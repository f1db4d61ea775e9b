"""The English translation: French by default, English on request, plurals, and the catalogs.

The catalogs live in `essaim/locale/<lang>/LC_MESSAGES/django.po`, compiled `.mo` files beside
them (kept in the repository: a bare machine may lack gettext).
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from essaim.core.models import AuditEntry
from essaim.members import selectors, services
from essaim.members.history import history_rows
from essaim.members.selectors import TimelineEvent
from tests.factories import UserFactory
from tests.members.pages import fast_passwords, make_member, plain, section  # noqa: F401

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGS = [code for code, _name in settings.LANGUAGES]
D = dt.date


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """A request in English leaves English active in this thread: back to the default."""
    yield
    translation.deactivate()


def heading(response: HttpResponse) -> str:
    return plain(section(response, "<h1", "</h1>"))


def filter_labels(response: HttpResponse) -> list[str]:
    form = section(response, '<form class="card filters"', "</form>")
    return [plain(m) for m in re.findall(r"<label[^>]*>(.*?)</label>", form, re.S)]


def options(response: HttpResponse, name: str) -> list[str]:
    select = section(response, f'<select name="{name}"', "</select>")
    return [plain(m) for m in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def count_line(response: HttpResponse) -> str:
    return plain(section(response, '<p class="muted">', "</p>"))


def column_headers(response: HttpResponse) -> list[str]:
    return [plain(m) for m in re.findall(r"<th[^>]*>(.*?)</th>", response.content.decode())]


# --- pages ---------------------------------------------------------------------------------------


def test_the_member_list_is_in_french_by_default(client, claire, alice, bob):
    client.force_login(claire)

    response = client.get(reverse("members:list"))

    assert '<html lang="fr">' in response.content.decode()
    assert heading(response) == "Membres"
    assert filter_labels(response) == [
        "Rechercher un nom",
        "Étape",
        "Chargé·e d'accompagnement",
        "Cohorte d'entrée",
        "Secteur",
    ]
    assert count_line(response) == "2 membres"


def test_accept_language_en_shows_the_member_list_in_english(client, claire, alice, bob):
    client.force_login(claire)

    response = client.get(reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="en">' in response.content.decode()
    assert heading(response) == "Members"
    assert filter_labels(response) == [
        "Search for a name",
        "Stage",
        "Advisor",
        "Entry cohort",
        "Sector",
    ]
    assert options(response, "stage") == [
        "All",
        "No stage",
        "Information meeting",
        "In CAPE",
        "In CESA",
        "Associate",
        "Left",
    ]
    assert column_headers(response) == ["Name", "Stage", "Activity", "Support", "Cohort", "City"]
    assert count_line(response) == "2 members"


def test_after_choosing_english_the_list_and_the_login_page_are_in_english(client, claire):
    client.force_login(claire)
    page = reverse("members:list")

    client.post(reverse("set_language"), {"language": "en", "next": page})
    listed = client.get(page)
    client.post(reverse("logout"))
    login = client.get(reverse("login"))

    assert (heading(listed), filter_labels(listed)[0]) == ("Members", "Search for a name")
    assert heading(login) == "Log in"
    assert re.findall(r'<label for="id_\w+">([^<]*)', login.content.decode()) == [
        "Email address ",
        "Password ",
    ]
    assert '<button type="submit" class="primary">Log in</button>' in login.content.decode()


def test_the_login_page_follows_accept_language(client, db):
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(reverse("login"))

    assert (heading(english), heading(french)) == ("Log in", "Connexion")


def test_a_wrong_password_is_explained_in_english(client, claire):
    response = client.post(
        reverse("login"),
        {"username": claire.email, "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    errors = section(response, '<div class="errors"', "</div>")
    assert plain(errors) == "Incorrect email address or password. Check both and try again."


def test_a_refusal_is_explained_in_english(client, db):
    client.force_login(UserFactory(email="eve@example.org"))  # an entrepreneur

    response = client.get(reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert plain(section(response, '<section class="card narrow">', "</section>")) == (
        "Access denied This page is not available with your role. Back to the home page"
    )


@pytest.mark.parametrize(
    ("matching", "french", "english"),
    [(0, "0 membre", "0 members"), (1, "1 membre", "1 member"), (2, "2 membres", "2 members")],
)
def test_the_member_count_follows_each_language_plural_rule(
    client, claire, matching, french, english
):
    for n in range(matching):
        make_member(first_name="Zoé", last_name=f"Pluriel{n}", email=f"zoe{n}@example.org")
    make_member(first_name="Yann", last_name="Autre", email="yann@example.org")
    client.force_login(claire)
    url = f"{reverse('members:list')}?q=pluriel"

    assert count_line(client.get(url)) == french
    assert count_line(client.get(url, HTTP_ACCEPT_LANGUAGE="en")) == english


def test_the_member_page_history_in_english(client, claire):
    member = make_member(first_name="Léa", last_name="Roux", email="lea@example.org")
    services.member_update(actor=claire, member=member, city="Bobigny")
    client.force_login(claire)

    response = client.get(reverse("members:detail", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="en")

    history = section(response, 'aria-labelledby="h-history"', "</section>")
    rows = [plain(m) for m in re.findall(r"<tr>(.*?)</tr>", history, re.S)]
    assert [row.split(" ", 2)[2] for row in rows[1:]] == [
        f"Claire Gestion Record updated Léa Roux city: {member.city and 'Montreuil'} → Bobigny",
    ]


# --- what the selectors and the history say, in the active language ------------------------------


def test_the_timeline_in_english(alice):
    services.stage_add(actor=None, member=alice, kind="associate", start=D(2026, 3, 1))
    services.member_exit(actor=None, member=alice, date=D(2026, 6, 30), reason="own_company")
    alice.refresh_from_db()

    with translation.override("en"):
        events = selectors.member_timeline(alice, today=D(2026, 7, 1))

    assert events == [
        TimelineEvent(D(2024, 1, 10), "information", "Information meeting"),
        TimelineEvent(D(2024, 2, 1), "cape", "Start of the CAPE", "until 31/01/2025"),
        TimelineEvent(D(2025, 2, 1), "cesa", "CESA signed", "until 30/06/2026"),
        TimelineEvent(D(2026, 3, 1), "associate", "Becomes an associate"),
        TimelineEvent(D(2026, 6, 30), "exit", "Exit", "started their own company"),
    ]


def test_cape_renewals_and_the_associate_deadline_in_english():
    member = make_member(
        first_name="Inès",
        last_name="Roy",
        email="ines@example.org",
        stages=[
            {"kind": "cape", "start": D(2024, 2, 1), "end": D(2024, 7, 31)},
            {"kind": "cape", "start": D(2024, 8, 1)},
        ],
    )

    with translation.override("en"):
        events = selectors.member_timeline(member, today=D(2024, 9, 1))

    assert events == [
        TimelineEvent(D(2024, 2, 1), "cape", "Start of the CAPE", "until 31/07/2024"),
        TimelineEvent(
            D(2024, 8, 1), "cape", "CAPE renewal no. 1", "until 31/07/2025 (planned end)"
        ),
    ]


def test_deadlines_in_english_and_french(claire, alice, bob):
    today = D(2026, 12, 1)

    with translation.override("en"):
        english = selectors.deadlines_for(user=claire, today=today)
    french = selectors.deadlines_for(user=claire, today=today)

    assert [(d.member.last_name, d.label, d.date) for d in english] == [
        ("Durand", "End of the CAPE (2 renewal(s) still possible)", D(2027, 1, 4)),
        ("Martin", "Deadline to become an associate", D(2027, 1, 31)),
    ]
    assert [d.label for d in french] == [
        "Fin du CAPE (2 renouvellement(s) possible(s))",
        "Échéance pour devenir associé·e",
    ]


def test_history_labels_in_english():
    entry = AuditEntry(
        action="member.imported",
        changes={"activity": [None, {"name": "Atelier Bois", "description": ""}], "city": "Paris"},
    )

    with translation.override("en"):
        (row,) = history_rows([entry])
        shown = (str(row.action), [(str(c.field), c.before, str(c.after)) for c in row.changes])

    assert shown == (
        "Record imported",
        [("activity (business name)", None, "business name: Atelier Bois"), ("city", None, "Paris")],
    )


# --- the catalogs --------------------------------------------------------------------------------


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def read_po(path: Path) -> list[dict[str, object]]:
    """A .po file's entries: msgid, msgid_plural, msgstr (a list: one per plural form), flags.

    By hand, with the standard library only (polib is not a dependency)."""
    entries: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        entry: dict[str, object] = {"flags": set(), "msgstr": {}}
        key: tuple[str, int] | str | None = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}  # type: ignore[operator]
            elif line.startswith("#"):
                continue
            elif m := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")$", line):
                key = ("msgstr", int(m[2] or 0)) if m[1] == "msgstr" else m[1]
                value = _unquote(m[3])
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] = value  # type: ignore[index]
                else:
                    entry[key] = value
            else:
                assert line.startswith('"'), f"{path}: unexpected line {line!r}"
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] += _unquote(line)  # type: ignore[index]
                else:
                    entry[key] += _unquote(line)  # type: ignore[index,operator]
        entries.append(entry)
    return entries


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def messages(path: Path) -> list[dict[str, object]]:
    return [e for e in read_po(path) if e.get("msgid")]


def header(path: Path) -> str:
    (entry,) = [e for e in read_po(path) if e.get("msgid") == "" and "msgctxt" not in e]
    return entry["msgstr"][0]  # type: ignore[index,return-value]


def test_there_is_a_catalog_per_language():
    assert [p.relative_to(LOCALE).as_posix() for p in po_files()] == [
        f"{lang}/LC_MESSAGES/django.po" for lang in sorted(LANGS)
    ]


def test_every_english_message_is_translated():
    path = LOCALE / "en" / "LC_MESSAGES" / "django.po"
    entries = messages(path)

    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]  # type: ignore[attr-defined]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]  # type: ignore[operator]
    plural_forms = [
        e["msgid"] for e in entries if "msgid_plural" in e and len(e["msgstr"]) != 2  # type: ignore[arg-type]
    ]

    assert len(entries) > 200  # the whole interface, not an empty catalog
    assert (untranslated, fuzzy, plural_forms) == ([], [], [])


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders(lang):
    def names(text: object) -> set[str]:
        return set(re.findall(r"%\((\w+)\)s", str(text)))

    wrong = [
        (e["msgid"], form)
        for e in messages(LOCALE / lang / "LC_MESSAGES" / "django.po")
        for form in e["msgstr"].values()  # type: ignore[attr-defined]
        if form and names(form) != names(e["msgid"]) | names(e.get("msgid_plural", ""))
    ]

    assert wrong == []


def test_french_plurals_are_filled_and_follow_french_rules():
    path = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
    plurals = [e for e in messages(path) if "msgid_plural" in e]

    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header(path)
    assert [e["msgid"] for e in plurals if "fuzzy" in e["flags"]] == []  # type: ignore[operator]
    assert [
        e["msgid"]
        for e in plurals
        if [e["msgstr"].get(0), e["msgstr"].get(1)] != [e["msgid"], e["msgid_plural"]]  # type: ignore[attr-defined]
    ] == []
    with translation.override("fr"):
        counts = [
            translation.ngettext("%(counter)s membre", "%(counter)s membres", n) % {"counter": n}
            for n in (0, 1, 2)
        ]
    assert counts == ["0 membre", "1 membre", "2 membres"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_says_what_the_po_says(lang):
    """The .mo must be recompiled after each edit of the .po (`essaim compilemessages`)."""
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    with (po.with_suffix(".mo")).open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = []
    for e in messages(po):
        msgid, forms = str(e["msgid"]), e["msgstr"]
        if "msgctxt" in e:
            continue  # none yet; pgettext would be needed to read them
        if "msgid_plural" in e:
            plural = str(e["msgid_plural"])
            expected = [forms[0] or msgid, forms[1] or plural]  # type: ignore[index]
            # n = 1 and n = 2 take the singular and plural forms in English and French alike.
            got = [compiled.ngettext(msgid, plural, 1), compiled.ngettext(msgid, plural, 2)]
        else:
            expected, got = [forms[0] or msgid], [compiled.gettext(msgid)]  # type: ignore[index]
        if got != expected:
            stale.append(msgid)

    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_is_what_msgfmt_makes_of_the_po(lang, tmp_path):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)

    def catalog(path: Path) -> dict[object, str]:
        with path.open("rb") as mo:
            # Compared as catalogs, not bytes: another gettext version may lay the file out
            # differently for the same messages.
            return dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]

    assert catalog(po.with_suffix(".mo")) == catalog(fresh)


def test_the_catalogs_are_shipped_with_the_package():
    pyproject = (Path(settings.BASE_DIR) / "pyproject.toml").read_text()

    assert '"locale/**/*"' in pyproject
