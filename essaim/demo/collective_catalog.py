"""The words of the demo's collective life: group names and charters, event titles, meeting
notes, tutoring situations. Plain data, drawn by `essaim.demo.collective`.

Every address and link is fictional (example.org / example.net); nothing here names a real
person.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

HOME = "Locaux de la coopérative, 12 rue de la Ruche, 93100 Montreuil"
PLACES = (
    HOME,
    "Maison des associations, 8 rue du Général-Blaise, 75011 Paris",
    "Salle polyvalente, 3 place de la Coopération, 93200 Saint-Denis",
)
BIG_PLACES = (
    "Centre de séminaires La Clairière, 93160 Noisy-le-Grand",
    "Halle de la Coopération, 93100 Montreuil",
)
ONLINE = "https://visio.example.org/essaim-{slug}"

MONTHLY_DESCRIPTION = (
    "Le rendez-vous mensuel de la coopérative : les nouvelles de la CAE, l'accueil des "
    "nouvelles et nouveaux entrepreneurs, un tour de table et un temps d'échange entre membres."
)
AUTUMN_THEMES = (
    "Coopérer pour durer",
    "Nos métiers demain",
    "Vendre sans se renier",
    "Entreprendre à plusieurs",
    "Le temps, notre première ressource",
    "Territoires et coopérations",
    "Prendre soin de son activité",
)
AUTUMN_DESCRIPTION = (
    "Deux jours pour prendre du recul ensemble : conférences, ateliers entre pairs, "
    "présentation des groupes métier et soirée conviviale. Thème de l'année : « {theme} »."
)
ASSEMBLY_DESCRIPTION = (
    "L'assemblée générale annuelle : rapport d'activité, comptes de l'exercice, vote des "
    "résolutions et élection du conseil. Les associé·es votent ; tous les membres sont invités."
)
WORKSHOPS = (
    (
        "Construire son prévisionnel",
        "Chiffre d'affaires, charges, salaire : le tableau de l'année.",
    ),
    ("Fixer ses prix", "Du coût de revient au prix de vente, sans se brader."),
    ("Prospecter par téléphone", "Préparer son argumentaire et décrocher un rendez-vous."),
    ("Les réseaux sociaux pour son activité", "Choisir un réseau et tenir un rythme réaliste."),
    ("Devis et factures sans erreur", "Les mentions obligatoires, les acomptes, les relances."),
    ("Préparer son passage en CESA", "Ce qui change avec le contrat d'entrepreneur salarié."),
    ("Devenir associé·e", "Parts sociales, vote, engagements : ce que le sociétariat change."),
    ("Gérer son temps d'entrepreneur", "Production, vente, gestion : équilibrer sa semaine."),
    ("Répondre à un marché public", "Lire un règlement de consultation et monter le dossier."),
    (
        "Assurances et responsabilité",
        "Ce que couvre le contrat de la coopérative, et ce qu'il ne couvre pas.",
    ),
)
SALES_PRACTICES = (
    "le pitch en deux minutes",
    "l'entretien de découverte",
    "répondre aux objections",
    "relancer un devis",
    "négocier sans brader",
    "présenter son offre sur un salon",
)
SALES_DESCRIPTION = (
    "Mise en situation commerciale en petit groupe, filmée si vous le souhaitez, avec les "
    "retours bienveillants des autres participant·es."
)
FORUMS = (
    ("Entreprendre dans les métiers du soin", "Cadre réglementaire, assurances, clientèle."),
    ("Le numérique responsable", "Sobriété, accessibilité, hébergement : nos pratiques."),
    ("Vendre aux collectivités", "Marchés publics, groupements, délais de paiement."),
    ("L'alimentation durable", "Circuits courts, normes d'hygiène, événements zéro déchet."),
    ("Entreprendre à plusieurs", "Co-traitance, sous-traitance, marques collectives."),
    ("Les métiers d'art aujourd'hui", "Vendre en ligne, en boutique, en salon."),
)
FORUM_DESCRIPTION = "Forum thématique ouvert à tous les membres. {detail}"
PEER_TITLES = (
    "{label} : les bases en deux heures",
    "{label} : atelier pratique entre pairs",
    "Partage d'expérience : {label}",
)
PEER_DESCRIPTION = (
    "Je propose de partager ce que j'ai appris sur le terrain : une séance courte, concrète, "
    "avec des exemples de mon activité et du temps pour vos questions."
)
FEEDBACK_COMMENTS = (
    "Très concret, je repars avec des idées applicables dès demain.",
    "Bons échanges, un peu court.",
    "Merci pour l'accueil, j'ai rencontré des membres de mon métier.",
    "Utile, mais la salle était trop petite.",
    "Les exemples des autres membres m'ont beaucoup aidée.",
    "J'aurais aimé plus de temps pour les questions.",
    "",
    "",
)

# ---------------------------------------------------------------- groups

TRADE_GROUP_DESCRIPTION = (
    "Le groupe métier « {label} » : se connaître, échanger ses pratiques et ses tarifs, se "
    "former entre pairs et se passer des affaires. Ouvert à tous les membres du métier."
)
CYCLES = {
    "acquaintance": (
        "Tour de table : qui fait quoi ?",
        "Petit-déjeuner de rentrée",
        "Présentation croisée des activités",
    ),
    "training": (
        "Fixer ses prix sans se brader",
        "Les obligations d'assurance du métier",
        "Réseaux sociaux : ce qui marche pour nos métiers",
        "Les nouvelles normes du métier",
    ),
    "case_study": (
        "Étude de cas : un devis refusé",
        "Étude de cas : un client qui ne paie pas",
        "Étude de cas : répondre à plusieurs à un appel d'offres",
    ),
    "business": (
        "Coopération commerciale : les affaires à partager",
        "Salon professionnel : qui y va, avec quelle offre ?",
        "Une offre commune pour les entreprises du territoire",
    ),
}
TRADE_NOTES = (
    "Tour de table des carnets de commandes ; deux membres cherchent un sous-traitant.",
    "Échange sur les tarifs pratiqués ; une grille indicative circulera.",
    "Présentation d'un nouveau membre ; partage d'un fournisseur fiable.",
    "Retour sur le salon ; préparation du prochain cycle du plan annuel.",
)
THREADS = (
    (
        "Qui connaît un bon imprimeur ?",
        (
            "Je cherche un imprimeur pour des cartes de visite.",
            "L'imprimerie coopérative de Bagnolet, très bien.",
            "Merci, je les appelle !",
        ),
    ),
    (
        "Tarifs de l'an prochain : on en parle ?",
        ("Vous augmentez vos prix en janvier ?", "Oui, de 3 % environ, annoncé en novembre."),
    ),
    (
        "Modèle de devis à partager",
        (
            "Voici mon modèle de devis, à adapter.",
            "Super, merci, je reprends la partie sur l'acompte.",
        ),
    ),
    (
        "Retour sur le salon",
        (
            "Beaucoup de contacts, peu de ventes sur place.",
            "Pareil : les devis arrivent la semaine suivante.",
            "On y retourne ensemble l'an prochain ?",
        ),
    ),
)


@dataclass(frozen=True)
class Project:
    name: str
    objective: str
    target_clients: str
    offer: str
    decisions: tuple[str, ...]


PROJECTS = (
    Project(
        "Bien-être au travail",
        "Vendre aux entreprises de l'Est parisien un programme trimestriel de bien-être au "
        "travail porté par plusieurs praticien·nes de la coopérative.",
        "PME et associations de 20 à 200 salarié·es, comités sociaux et économiques.",
        "Massages assis, sophrologie et ateliers de gestion du stress, un jour par mois.",
        (
            "Le tarif de la journée est fixé à 450 € HT, quel que soit le métier.",
            "Chacune facture sa part ; la porteuse coordonne les plannings.",
            "On vise trois entreprises pilotes avant l'été.",
        ),
    ),
    Project(
        "Marché de la métropole",
        "Répondre en groupement au marché d'ateliers numériques de la métropole.",
        "Collectivités et centres sociaux.",
        "Ateliers d'initiation au numérique clés en main, animés dans les quartiers.",
        (
            "Le mandataire du groupement est le porteur du projet.",
            "On répond aux lots 1 et 3, pas au lot 2 (trop loin de nos métiers).",
        ),
    ),
    Project(
        "Boutique éphémère de Noël",
        "Ouvrir une boutique éphémère de créateurs pendant les trois semaines avant Noël.",
        "Habitant·es et comités d'entreprise du quartier.",
        "Objets d'artisanat d'art, cosmétiques naturels et ateliers pour enfants.",
        (
            "Chaque exposant·e tient la boutique deux demi-journées par semaine.",
            "Commission de 10 % sur les ventes pour payer le loyer.",
        ),
    ),
    Project(
        "Formations numériques pour les associations",
        "Construire un catalogue commun de formations numériques pour les petites associations.",
        "Associations employeuses, fédérations et têtes de réseau.",
        "Six modules d'une journée : outils collaboratifs, site, réseaux sociaux, RGPD.",
        (
            "Le catalogue sort en septembre.",
            "Chaque module est relu par une autre formatrice du groupe.",
        ),
    ),
    Project(
        "Rénovation écologique clés en main",
        "Proposer aux particuliers une rénovation énergétique coordonnée entre nos artisan·es.",
        "Propriétaires de maisons individuelles de Seine-Saint-Denis.",
        "Diagnostic, isolation, menuiseries et finitions, un seul interlocuteur.",
        (
            "Le diagnostic est offert si les travaux sont signés.",
            "Une réunion de chantier commune par semaine.",
        ),
    ),
    Project(
        "Agence de communication pour l'ESS",
        "Regrouper graphistes, rédactrices et développeurs pour répondre aux besoins de "
        "communication des structures de l'économie sociale et solidaire.",
        "Coopératives, associations, mutuelles.",
        "Identité visuelle, site web et rapport d'activité, en forfaits.",
        (
            "Un devis commun, signé par la coopérative.",
            "La relectrice extérieure valide le positionnement avant le lancement.",
        ),
    ),
    Project(
        "Mariage tout compris",
        "Offrir aux futurs mariés un forfait réunissant coiffure, maquillage, fleurs et photo.",
        "Couples qui se marient en Île-de-France.",
        "Trois formules, de l'essentiel au tout compris.",
        ("Un seul acompte, réparti ensuite entre nous.", "Salon du mariage en janvier."),
    ),
    Project(
        "Jardins en pied d'immeuble",
        "Animer des jardins partagés avec les bailleurs sociaux.",
        "Bailleurs sociaux et amicales de locataires.",
        "Création du jardin, animation mensuelle, formation des habitant·es.",
        ("On commence par un jardin pilote à Bobigny.", "Les outils sont achetés en commun."),
    ),
)
PHASES = (
    ("Étude et préparation", ("Charte validée", "Offre chiffrée")),
    ("Lancement commercial", ("Premiers rendez-vous clients", "Premier contrat signé")),
    ("Réalisation", ("Première prestation livrée", "Bilan avec les clients")),
)
TASKS = (
    "Rédiger la plaquette commerciale",
    "Chiffrer l'offre de base",
    "Lister trente prospects",
    "Prendre rendez-vous avec trois clients pilotes",
    "Préparer le dossier de candidature",
    "Créer la page de présentation",
    "Faire relire la charte par la relectrice",
    "Définir les tarifs communs",
    "Relancer les devis envoyés",
    "Réserver la salle de la réunion de lancement",
    "Préparer le bilan de la première prestation",
    "Mettre à jour le planning partagé",
)
PROJECT_NOTES = (
    "Point sur les tâches de la quinzaine ; répartition des rendez-vous clients.",
    "Relecture de l'offre ; discussion sur les tarifs.",
    "Préparation du prochain jalon ; tour des disponibilités.",
    "Retour des premiers clients ; ajustement du planning.",
)
PROGRESS = (
    "Offre chiffrée et validée par le groupe.",
    "Deux rendez-vous clients obtenus.",
    "Plaquette terminée et imprimée.",
    "Premier devis signé.",
    "Dossier de candidature déposé.",
    "",
)
EXPERTS = (
    ("Hélène Marchal", "helene.marchal@example.net"),
    ("Karim Belkacem", "karim.belkacem@example.net"),
    ("Sylvie Ornano", "sylvie.ornano@example.net"),
)


@dataclass(frozen=True)
class Brand:
    name: str
    sector: str
    description: str
    rule: str  # equal, hours, fixed


BRANDS = (
    Brand(
        "Les Mains Vertes",
        "jardinage",
        "Jardinier·es-paysagistes sous une même marque : un site, un numéro, des chantiers "
        "partagés selon les heures de chacun.",
        "hours",
    ),
    Brand(
        "Coiffure & Cie",
        "coiffure",
        "Coiffeuses à domicile réunies sous une marque commune pour les EHPAD et les "
        "entreprises ; le chiffre d'affaires de la marque est partagé à parts égales.",
        "equal",
    ),
    Brand(
        "L'Atelier des Créateurs",
        "artisanat",
        "Artisan·es d'art qui vendent sous une même marque en ligne et en boutique ; la part "
        "de chacun est fixée chaque année.",
        "fixed",
    ),
)

# ---------------------------------------------------------------- collective tutoring


@dataclass(frozen=True)
class Situation:
    title: str
    situation: str
    diagnosis: str
    actions: tuple[str, ...]
    skills: tuple[str, ...]  # builtin node codes (transversal skills many members hold)


SITUATIONS = (
    Situation(
        "Des clients qui paient en retard",
        "Trois clients sur dix paient à plus de 60 jours ; la trésorerie ne permet plus de se "
        "verser le salaire prévu.",
        "Pas d'acompte, des relances orales seulement, des conditions de paiement absentes des "
        "devis.",
        (
            "Ajouter les conditions de paiement et un acompte de 30 % aux devis",
            "Relancer par écrit à J+7 puis J+15",
            "Revoir la trésorerie avec le ou la chargé·e d'accompagnement",
        ),
        ("transversal.relation-client", "transversal.negocier"),
    ),
    Situation(
        "Trouver ses premiers clients",
        "Six mois après le début du CAPE, deux clients seulement, tous deux de l'entourage.",
        "Une offre trop large, pas de cible claire, aucune démarche de prospection régulière.",
        (
            "Choisir une cible et réécrire l'offre en une phrase",
            "Appeler dix prospects par semaine pendant un mois",
            "Présenter son offre à la prochaine mensuelle",
        ),
        ("transversal.vendre", "transversal.reseau"),
    ),
    Situation(
        "Un prix trop bas pour vivre de son activité",
        "L'agenda est plein mais le chiffre d'affaires ne couvre pas le salaire visé.",
        "Des tarifs fixés au départ pour « se faire connaître », jamais revus ; des "
        "déplacements non facturés.",
        (
            "Calculer son coût de revient horaire",
            "Annoncer une nouvelle grille aux clients réguliers",
            "Facturer les déplacements au-delà de 10 km",
        ),
        ("transversal.negocier", "transversal.entreprendre"),
    ),
    Situation(
        "Trop de projets à la fois",
        "Quatre projets menés de front, des délais qui glissent, de la fatigue.",
        "Aucun projet n'est priorisé ; la gestion prend les soirées.",
        (
            "Classer les projets par rentabilité et en suspendre un",
            "Bloquer une demi-journée de gestion par semaine",
        ),
        ("transversal.organiser", "transversal.conduire-projet"),
    ),
    Situation(
        "Répondre à un premier appel d'offres",
        "Un marché public correspond exactement à l'activité, mais le dossier semble hors de "
        "portée.",
        "Le dossier est faisable à plusieurs ; il manque des références et une attestation.",
        (
            "Demander les attestations à la coopérative",
            "Rédiger deux références clients",
            "Chercher un·e co-traitant·e dans un groupe métier",
        ),
        ("transversal.appel-offres", "transversal.ecrits-pro"),
    ),
    Situation(
        "Un partenaire de projet qui ne tient pas ses engagements",
        "Dans un projet à deux, l'associé ne livre pas sa part et ne répond plus.",
        "Rien n'a été écrit sur la répartition du travail ni sur la sortie du projet.",
        (
            "Proposer une rencontre avec une personne médiatrice",
            "Écrire la répartition des tâches et des revenus",
        ),
        ("transversal.mediation", "transversal.communication-bienveillante"),
    ),
    Situation(
        "Rebondir après la perte d'un gros client",
        "Le principal client (60 % du chiffre d'affaires) arrête sa collaboration.",
        "Une dépendance forte à un seul client ; un réseau peu entretenu.",
        (
            "Recontacter les anciens clients",
            "Rejoindre le groupe métier et sa séance de coopération commerciale",
            "Construire une deuxième offre",
        ),
        ("transversal.reseau", "transversal.entreprendre"),
    ),
    Situation(
        "Financer un investissement",
        "Un équipement à 8 000 € est indispensable pour développer l'activité.",
        "Des aides existent mais le dossier n'a pas été monté ; le prévisionnel manque.",
        (
            "Monter le dossier de subvention régionale",
            "Faire le prévisionnel sur deux ans",
        ),
        ("transversal.subventions", "transversal.entreprendre"),
    ),
)
FOLLOW_UPS = (
    ("Les actions sont engagées ; premiers effets sur la trésorerie.", "Point dans deux mois."),
    ("Deux actions faites sur trois ; la troisième est reportée.", "Revoir le planning."),
    ("La situation s'est nettement améliorée.", "Clore le cas au prochain point."),
)
