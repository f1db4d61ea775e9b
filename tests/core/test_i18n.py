"""The English translation: French by default, English on request, plurals, and the catalogs.

The catalogs live in `essaim/locale/<lang>/LC_MESSAGES/django.po`, compiled `.mo` files beside
them (kept in the repository: a bare machine may lack gettext).
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
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
# As the catalogs are made, from the essaim/ folder (see essaim/locale/README.md).
MAKEMESSAGES_OPTIONS = ["--add-location=file", "--ignore=migrations/*", "--ignore=static/*"]


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """A request in English leaves English active in this thread: back to the default."""
    yield
    translation.deactivate()


def in_english(method, *args, **kwargs):
    """One request made after choosing English with the language switch (its cookie)."""
    client = method.__self__
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        return method(*args, **kwargs)
    finally:
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]


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


def test_choosing_english_shows_the_member_list_in_english(client, claire, alice, bob):
    client.force_login(claire)

    response = in_english(client.get, reverse("members:list"))

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
        "Present (without leavers)",
        "Everyone, leavers included",
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


def test_the_login_page_follows_the_chosen_language(client, db):
    english = in_english(client.get, reverse("login"))
    french = client.get(reverse("login"))

    assert (heading(english), heading(french)) == ("Log in", "Connexion")


def test_french_first_whatever_the_browser_asks(client, db):
    """Accept-Language is not consulted: only the person's own choice switches language."""
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert heading(response) == "Connexion"


def test_a_wrong_password_is_explained_in_english(client, claire):
    response = in_english(
        client.post, reverse("login"), {"username": claire.email, "password": "wrong-password"}
    )

    errors = section(response, '<div class="errors"', "</div>")
    assert plain(errors) == "Incorrect email address or password. Check both and try again."


def test_a_refusal_is_explained_in_english(client, db):
    client.force_login(UserFactory(email="eve@example.org"))  # an entrepreneur

    response = in_english(client.get, reverse("members:list"))

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
    assert count_line(in_english(client.get, url)) == english


def test_the_member_page_history_in_english(client, claire):
    member = make_member(
        first_name="Léa", last_name="Roux", email="lea@example.org", city="Montreuil"
    )
    services.member_update(actor=claire, member=member, city="Bobigny")
    client.force_login(claire)

    response = in_english(client.get, reverse("members:detail", args=[member.pk]))

    history = section(response, 'aria-labelledby="h-history"', "</section>")
    cells = [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in history.split("<tr>")[1:]
    ]
    assert [cell[1:] for cell in cells] == [
        ["Who", "What", "Changes"],
        [
            "Claire Gestion",
            'Record updated <span class="muted">Léa Roux</span>',
            "<div><strong>city</strong>: Montreuil → Bobigny</div>",
        ],
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


def test_cape_renewals_in_english(db):
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
        [
            ("activity (business name)", None, "business name: Atelier Bois"),
            ("city", None, "Paris"),
        ],
    )


# --- the catalogs --------------------------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # one per plural form
    flags: set[str] = field(default_factory=set)

    @property
    def forms(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$')


def read_po(path: Path) -> list[PoEntry]:
    """A .po file's entries, header first, read with the standard library only (polib is not a
    dependency). Obsolete entries (`#~`) are left out."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        entry, key, index = PoEntry(), "", 0
        for line in lines:
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif m := KEYWORD.match(line):
                key, index = m[1], int(m[2] or 0)
                if key == "msgstr":
                    entry.msgstr[index] = _unquote(m[3])
                else:
                    setattr(entry, key, _unquote(m[3]))
            else:
                assert line.startswith('"'), f"{path}: unexpected line {line!r}"
                if key == "msgstr":
                    entry.msgstr[index] += _unquote(line)
                else:
                    setattr(entry, key, getattr(entry, key) + _unquote(line))
        entries.append(entry)
    return entries


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"django{suffix}"


def messages(lang: str) -> list[PoEntry]:
    return [e for e in read_po(catalog_path(lang)) if e.msgid]


def header(lang: str) -> str:
    (entry,) = [e for e in read_po(catalog_path(lang)) if not e.msgid and e.msgctxt is None]
    return entry.msgstr[0]


def test_there_is_a_catalog_per_language():
    found = sorted(p.relative_to(LOCALE).as_posix() for p in LOCALE.glob("*/LC_MESSAGES/*.po"))

    assert found == [f"{lang}/LC_MESSAGES/django.po" for lang in sorted(LANGS)]


def test_every_english_message_is_translated():
    entries = messages("en")

    untranslated = [e.msgid for e in entries if not all(e.forms)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    plural_forms = [e.msgid for e in entries if e.msgid_plural and len(e.forms) != 2]

    assert len(entries) > 200  # the whole interface, not an empty catalog
    assert (untranslated, fuzzy, plural_forms) == ([], [], [])
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header("en")


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders(lang):
    def names(text: str | None) -> set[str]:
        return set(re.findall(r"%\((\w+)\)s", text or ""))

    wrong = [
        (e.msgid, form)
        for e in messages(lang)
        for form in e.forms
        if form and names(form) != names(e.msgid) | names(e.msgid_plural)
    ]

    assert wrong == []


def test_french_plurals_are_filled_and_follow_french_rules():
    plurals = [e for e in messages("fr") if e.msgid_plural]

    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header("fr")
    assert len(plurals) >= 5
    assert [e.msgid for e in plurals if "fuzzy" in e.flags] == []
    assert [e.msgid for e in plurals if e.forms != [e.msgid, e.msgid_plural]] == []
    with translation.override("fr"):
        counts = [
            translation.ngettext("%(counter)s membre", "%(counter)s membres", n) % {"counter": n}
            for n in (0, 1, 2)
        ]
    assert counts == ["0 membre", "1 membre", "2 membres"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_says_what_the_po_says(lang):
    """The .mo must be recompiled after each edit of the .po (`essaim compilemessages`)."""
    with catalog_path(lang, ".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = []
    for e in messages(lang):
        if e.msgctxt is not None:
            continue  # none yet: they would be read with pgettext
        if e.msgid_plural:
            # n = 1 and n = 2 take the singular and the plural form in English and French alike.
            expected = [e.forms[0] or e.msgid, e.forms[1] or e.msgid_plural]
            got = [compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
        else:
            expected, got = [e.forms[0] or e.msgid], [compiled.gettext(e.msgid)]
        if got != expected:
            stale.append(e.msgid)

    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_is_what_msgfmt_makes_of_the_po(lang, tmp_path):
    fresh = tmp_path / "django.mo"
    compiled = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(catalog_path(lang))],
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr

    def catalog(path: Path) -> dict[object, str]:
        # Compared as catalogs rather than bytes: another gettext version may lay the same
        # messages out differently in the file.
        with path.open("rb") as mo:
            return dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]

    assert catalog(catalog_path(lang, ".mo")) == catalog(fresh)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (GNU gettext) is absent")
def test_the_catalogs_hold_every_marked_message_and_no_other(tmp_path):
    """A new `_("…")` or `{% translate %}` needs `makemessages`, then its English, then
    `compilemessages` (see essaim/locale/README.md). Extracted here from a copy of the code so
    that the real catalogs are left alone."""
    copy = tmp_path / "essaim"
    shutil.copytree(
        Path(settings.BASE_DIR) / "essaim",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "locale"),
    )
    (copy / "locale").mkdir()
    # Without settings, makemessages writes into ./locale: the copy's, not the checkout's.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    extracted = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", *MAKEMESSAGES_OPTIONS],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert extracted.returncode == 0, extracted.stderr

    def keys(entries: list[PoEntry]) -> set[tuple[str | None, str, str | None]]:
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries if e.msgid}

    in_code = keys(read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    in_catalog = keys(messages("en"))
    missing = sorted(in_code - in_catalog, key=str)
    obsolete = sorted(in_catalog - in_code, key=str)
    assert (missing, obsolete) == ([], [])


def test_the_catalogs_are_shipped_with_the_package():
    pyproject = (Path(settings.BASE_DIR) / "pyproject.toml").read_text()

    assert '"locale/**/*"' in pyproject
