"""The French words of the demo marketplace: requests, answers, feedback, conversations,
advisors' introductions and business-watch opportunities.

Patterns may use {need} (what is asked, in lower case: « création d'un logo »), {city}, {client},
{first} (the first name of the person spoken to) and {enseigne}.
"""

from __future__ import annotations

from essaim.demo.identity import french

REQUEST_TITLES: dict[str, tuple[str, ...]] = {
    "purchase": (
        "Besoin : {need}",
        "Je cherche un·e membre pour : {need}",
        "{Need} pour mon activité",
    ),
    "subcontracting": (
        "Sous-traitance : {need} pour un client",
        "Client en attente : {need}",
        "Mission en sous-traitance : {need}",
    ),
    "cocontracting": (
        "Cotraitance : {need} avec d'autres membres",
        "Répondre à plusieurs à {client} : {need}",
    ),
    "tender": (
        "Appel d'offres — {client} : {need}",
        "Réponse commune à un marché : {need}",
    ),
    "partnership": (
        "Partenaire sur la durée : {need}",
        "Je cherche un·e partenaire régulier·e : {need}",
    ),
}

REQUEST_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "purchase": (
        "Pour {enseigne}, j'ai besoin d'une prestation « {need} ». Je préfère faire travailler "
        "quelqu'un de la coopérative : dites-moi vos disponibilités et votre tarif.",
        "Je lance une nouvelle offre et il me faut une prestation « {need} ». Travail simple, "
        "délais souples.",
    ),
    "subcontracting": (
        "Un client de {city} m'a confié une mission ; je cherche un·e membre pour la partie "
        "« {need} ». Je reste responsable devant le client et je regarderai vos réalisations "
        "avant de choisir.",
        "J'ai signé avec {client} et une partie du travail sort de mon métier : « {need} ». "
        "Mission ponctuelle, facturation interne entre nos deux activités.",
    ),
    "cocontracting": (
        "{Client} veut un seul interlocuteur pour un projet qui demande plusieurs métiers. Je "
        "cherche des membres pour la partie « {need} » et monter une proposition commune.",
        "Projet à plusieurs : chacun facture sa part, je coordonne. Il manque quelqu'un pour la "
        "partie « {need} ».",
    ),
    "tender": (
        "Appel d'offres — {client} : nous avons trois semaines pour répondre ensemble. Il nous "
        "faut quelqu'un pour la partie « {need} » ; la coopérative nous aide pour le juridique.",
        "Marché public en lots : je réponds sur mon lot et cherche des membres pour le lot "
        "« {need} ».",
    ),
    "partnership": (
        "Je cherche un·e partenaire régulier·e pour « {need} », quelques jours par mois toute "
        "l'année, avec qui construire une offre commune.",
    ),
}

CLIENTS: tuple[str, ...] = (
    "la mairie de {city}",
    "un bailleur social",
    "une association de quartier",
    "une PME de {city}",
    "un lycée professionnel",
    "une communauté d'agglomération",
    "une maison de retraite",
    "un centre social",
)

RESPONSE_MESSAGES: tuple[str, ...] = (
    "Bonjour {first}, votre demande correspond exactement à ce que je fais. Je peux vous "
    "montrer des réalisations proches et en parler de vive voix.",
    "Bonjour {first}, je suis intéressé·e. J'ai déjà fait ce type de mission pour une "
    "association l'an dernier ; mon tarif est indiqué ci-dessous.",
    "Bonjour, je peux m'en charger. Voulez-vous que l'on se voie à la coopérative pour en parler ?",
    "Bonjour {first}, je réponds volontiers : c'est mon cœur de métier. Je vous envoie un "
    "devis détaillé si le principe vous convient.",
    "Bonjour, je suis disponible et je travaille déjà avec d'autres membres de la "
    "coopérative ; je peux vous mettre en contact avec eux pour avoir leur avis.",
)

AVAILABILITIES: tuple[str, ...] = (
    "Dès la semaine prochaine",
    "Deux jours par semaine",
    "À partir du mois prochain",
    "Les lundis et mardis",
    "Tout de suite",
    "Le week-end aussi",
)

INTRODUCTION_REASONS: tuple[str, ...] = (
    "Je l'accompagne aussi : son travail est soigné et {first} cherche justement des missions "
    "de ce type.",
    "{First} a animé l'atelier de communication du mois dernier, ses réalisations "
    "correspondent à votre besoin.",
    "{First} travaille dans votre département et vient de terminer une mission proche.",
    "Une autre membre a été très contente de son travail sur un projet semblable.",
)

FEEDBACK_GOOD: tuple[str, ...] = (
    "Travail soigné, rendu à temps. Je referai appel à cette personne.",
    "Très bonne communication tout au long de la mission.",
    "Le client final était ravi ; nous avons déjà un autre projet ensemble.",
    "Réactif·ve et de bon conseil.",
    "",
    "",
)

FEEDBACK_BAD: tuple[str, ...] = (
    "Délais non tenus, il a fallu relancer plusieurs fois.",
    "Le résultat ne correspondait pas à ce qui était convenu.",
    "Peu de nouvelles pendant la mission ; je ne renouvellerai pas.",
)

# A conversation before working together: (who speaks: 0 the one who writes first, 1 the
# other), what they say.
CONVERSATIONS: tuple[tuple[tuple[int, str], ...], ...] = (
    (
        (0, "Bonjour {first}, j'ai vu votre profil dans l'annuaire : pourriez-vous m'aider ?"),
        (1, "Bonjour ! Avec plaisir, de quoi s'agit-il exactement ?"),
        (0, "Je vous envoie les détails par écrit ; on peut s'appeler jeudi ?"),
        (1, "Jeudi 10 h, c'est parfait pour moi."),
    ),
    (
        (0, "Bonjour {first}, merci pour votre réponse à ma demande. Êtes-vous libre le mois "
            "prochain ?"),
        (1, "Oui, j'ai de la place à partir du 10. Je vous prépare un devis."),
        (0, "Super, je regarde ça dès réception."),
    ),
    (
        (0, "Bonjour, une collègue de la coopérative m'a parlé de vous."),
        (1, "Bonjour {first}, bien sûr, dites-m'en plus."),
        (0, "C'est pour un client commun : je vous propose d'en parler au prochain déjeuner "
            "des entrepreneurs."),
        (1, "Entendu, à mercredi !"),
        (0, "À mercredi."),
    ),
)  # fmt: skip

OPPORTUNITIES: tuple[tuple[str, str, str], ...] = (
    # kind, title, description
    ("tender", "Marché « {need} » — {client}",
     "Marché à procédure adaptée en deux lots ; réponse groupée possible."),
    ("tender", "Accord-cadre : {need}",
     "Accord-cadre de deux ans, bons de commande ; références demandées."),
    ("lead", "Piste client à {city} : {need}",
     "Une structure cherche un prestataire ; contact transmis par une membre."),
    ("lead", "{Client} cherche un·e prestataire : {need}",
     "Demande reçue à l'accueil de la coopérative ; à prendre rapidement."),
)  # fmt: skip


def fill(pattern: str, **values: str) -> str:
    """Put the values in, each also capitalised ({Need}, {Client}, {First}), with French
    elisions (« de Aubervilliers » → « d'Aubervilliers »)."""
    capitalised = {k[:1].upper() + k[1:]: v[:1].upper() + v[1:] for k, v in values.items()}
    return french(pattern.format(**values, **capitalised))


OFFER_CLOSINGS: tuple[str, ...] = (
    "Tarif préférentiel pour les membres de la coopérative.",
    "Devis gratuit sur simple message.",
    "Je travaille volontiers avec d'autres membres sur des projets communs.",
    "Premier rendez-vous offert pour en parler.",
    "",
)
