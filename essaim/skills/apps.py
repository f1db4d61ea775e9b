from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "essaim.skills"
    label = "skills"
    verbose_name = _("Compétences et annuaire")

    def ready(self) -> None:
        from essaim.skills import signals  # noqa: F401  (keeps the search index current)
        from essaim.skills.semantic import connect as connect_semantic

        connect_semantic()  # profile vectors follow profile changes, when the extra is there

        from essaim.members import import_extensions
        from essaim.skills.import_keys import EXTENSION

        import_extensions.register(EXTENSION)  # skills, profile and prices in the member file

        from essaim.members.history import register_labels

        register_labels(actions=HISTORY_ACTIONS, fields=HISTORY_FIELDS)


HISTORY_ACTIONS = {
    "skill.added": _("Compétence ajoutée"),
    "skill.updated": _("Compétence modifiée"),
    "skill.removed": _("Compétence retirée"),
    "profile.updated": _("Profil modifié"),
    "price.added": _("Tarif ajouté"),
    "price.updated": _("Tarif modifié"),
    "price.deleted": _("Tarif supprimé"),
    "portfolio.added": _("Réalisation ajoutée"),
    "portfolio.updated": _("Réalisation modifiée"),
    "portfolio.deleted": _("Réalisation supprimée"),
    "portfolio.image_added": _("Image ajoutée"),
    "portfolio.image_deleted": _("Image supprimée"),
    "introduction.recorded": _("Mise en relation"),
}
HISTORY_FIELDS = {
    "node": _("compétence"),
    "level": _("niveau"),
    "years": _("années de pratique"),
    "presentation": _("présentation"),
    "zones": _("zones d'intervention"),
    "remote": _("à distance"),
    "languages": _("langues"),
    "days_per_week": _("jours par semaine"),
    "available_from": _("disponible à partir du"),
    "available_until": _("disponible jusqu'au"),
    "availability": _("disponibilité"),
    "skills": _("compétences"),
    "prices": _("tarifs"),
    "amount": _("montant"),
    "unit": _("unité"),
    "visibility": _("visible par"),
    "label": _("libellé"),
}
