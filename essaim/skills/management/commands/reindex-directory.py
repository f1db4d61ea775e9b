"""`essaim reindex-directory`: rebuild the directory's search index from the database.

Needed after writes that send no signal (bulk imports, SQL by hand, a restored backup); the
index otherwise follows every change by itself. Hyphenated file name, hence the command name.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from essaim.skills.search_index import reindex_all


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche de l'annuaire (un document par membre présent)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        bars: list[tqdm] = []

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(tqdm(total=total, unit=" membres", disable=options["verbosity"] < 1))
            bars[0].update(done - bars[0].n)

        count = reindex_all(progress=progress)
        for bar in bars:
            bar.close()
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        self.stdout.write(f"{count} membre(s) indexé(s) en {seconds} s")
