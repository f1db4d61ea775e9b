"""Fixtures of the skills tests: the ROME release next to the checkout, the builtin nomenclature."""

from __future__ import annotations

from pathlib import Path

import pytest

from essaim.skills.nomenclature import load_builtin

# ../shared/data/rome-v460 beside the repository: the official ROME 4.0 files.
ROME_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rome-v460"


@pytest.fixture
def rome_dir() -> Path:
    if not (ROME_DIR / "unix_referentiel_code_rome_v460_utf8.csv").is_file():
        pytest.skip(
            "fichiers ROME 4.0 absents : placez la publication de France Travail dans "
            "../shared/data/rome-v460/ à côté du dépôt pour lancer ce test"
        )
    return ROME_DIR


@pytest.fixture
def builtin_nomenclature(db) -> None:
    """The builtin nomenclature, whatever ran before.

    The data migration loads it into the test database, but a test on a live server flushes
    the tables afterwards: loading again is idempotent, and cheap when nothing changed.
    """
    load_builtin()
