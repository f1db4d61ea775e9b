"""What the demo members' profiles are made of: builtin nomenclature codes per trade, French
presentation sentences, past work and prices per sector (plain data, no Django).

The codes are those of the builtin nomenclature (essaim/skills/data/nomenclature.jsonl); a test
checks that each one exists there.
"""

from __future__ import annotations

from dataclasses import dataclass

# Catalog trade (essaim.demo.catalog.TRADES label) → builtin trade codes, the main one first:
# a member's professional skills are these trades and the skills under them.
TRADE_NODES: dict[str, tuple[str, ...]] = {
    "Coiffure à domicile": ("coiffure.coiffeur-domicile", "coiffure.coiffeur"),
    "Coiffure en établissement pour personnes âgées": (
        "coiffure.coiffeur-ehpad",
        "coiffure.coiffeur",
    ),
    "Coloration végétale": ("coiffure.coloriste-vegetal", "coiffure.coiffeur"),
    "Esthétique à domicile": ("esthetique.estheticien", "esthetique.socio-estheticien"),
    "Massage bien-être": ("bien-etre.praticien-massage", "bien-etre.reflexologue"),
    "Sophrologie": ("bien-etre.sophrologue", "bien-etre.coach-vie"),
    "Professeur·e de yoga": ("bien-etre.professeur-yoga",),
    "Formation bureautique": ("formation.formateur-numerique", "formation.formateur"),
    "Français langue étrangère": ("formation.formateur-fle", "formation.formateur-langues"),
    "Soutien scolaire": ("formation.soutien-scolaire",),
    "Formation à la prise de parole": ("formation.formateur", "conseil.coach-pro"),
    "Graphisme": ("graphisme.graphiste", "graphisme.illustrateur"),
    "Community management": ("communication.community-manager", "communication.marketing-digital"),
    "Chargé·e de communication indépendant·e": (
        "communication.charge-communication",
        "communication.attache-presse",
        "communication.evenementiel",
    ),
    "Création de sites web": (
        "numerique.createur-sites",
        "numerique.developpeur-web",
        "numerique.referenceur",
    ),
    "Développement d'applications": (
        "numerique.developpeur-applications",
        "numerique.developpeur-web",
    ),
    "Dépannage informatique": ("numerique.technicien",),
    "Entretien de jardins": ("jardin.jardinier", "jardin.elagueur"),
    "Paysagiste": ("jardin.paysagiste", "jardin.permaculteur"),
    "Peinture et décoration": ("batiment.peintre", "architecture.decorateur"),
    "Plomberie": ("batiment.plombier", "batiment.chauffagiste"),
    "Rénovation écologique": (
        "batiment.plaquiste",
        "batiment.macon",
        "architecture.renovation-energetique",
    ),
    "Conseil en gestion": (
        "gestion.controle-gestion",
        "conseil.creation-entreprise",
        "gestion.comptable",
    ),
    "Conseil en ressources humaines": ("conseil.rh", "conseil.coach-pro"),
    "Conseil aux structures de l'ESS": ("conseil.ess", "conseil.management"),
    "Céramique": ("artisanat.ceramiste",),
    "Bijouterie": ("artisanat.bijoutier",),
    "Restauration de meubles": ("artisanat.ebeniste", "artisanat.tapissier"),
    "Traduction": ("redaction.traducteur", "redaction.interprete"),
    "Rédaction et correction": (
        "redaction.redacteur",
        "redaction.correcteur",
        "redaction.ecrivain-public",
    ),
    "Photographie": ("image.photographe",),
    "Vidéo": ("image.videaste", "image.monteur"),
    "Musicien·ne intervenant·e": ("spectacle.musicien", "formation.professeur-musique"),
    "Comédien·ne et formateur·rice en improvisation": ("spectacle.comedien", "spectacle.conteur"),
    "Accompagnement administratif": ("personne.assistance-administrative", "gestion.assistant"),
    "Rangement et organisation": ("personne.home-organiser", "personne.aide-menagere"),
    "Traiteur": ("alimentation.traiteur", "alimentation.cuisinier"),
    "Pâtisserie sur commande": ("alimentation.patissier",),
    "Vente de vêtements de seconde main": (
        "commerce.e-commercant",
        "commerce.brocanteur",
        "mode.retoucheur",
    ),
    "Conseil en rénovation énergétique": (
        "architecture.renovation-energetique",
        "environnement.energie",
    ),
    "Animation nature": ("environnement.animateur-nature", "loisirs.animateur"),
    "Diététique": ("sante.dieteticien",),
    "Accompagnement à la parentalité": ("sante.mediateur-familial", "personne.garde-enfants"),
    "Couture et retouches": ("mode.couturier", "mode.retoucheur"),
    "Stylisme": ("mode.styliste", "mode.couturier"),
}

# Sector (essaim.members.sectors) → builtin domains: the fallback of a trade not listed above.
SECTOR_DOMAINS: dict[str, tuple[str, ...]] = {
    "coiffure": ("coiffure", "esthetique"),
    "bien-etre": ("bien-etre",),
    "formation": ("formation",),
    "communication": ("communication", "graphisme"),
    "web": ("numerique",),
    "jardinage": ("jardin",),
    "batiment": ("batiment",),
    "conseil": ("conseil", "gestion"),
    "artisanat": ("artisanat",),
    "traduction": ("redaction",),
    "photo-video": ("image",),
    "spectacle": ("spectacle",),
    "services-personne": ("personne",),
    "alimentation": ("alimentation",),
    "commerce": ("commerce",),
    "environnement": ("environnement",),
    "sante": ("sante",),
    "mode": ("mode",),
}

# Départements of Île-de-France and their neighbours: a member works in theirs and some around.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "75": ("92", "93", "94"),
    "92": ("75", "78", "95", "91", "93", "94"),
    "93": ("75", "94", "95", "77", "92"),
    "94": ("75", "93", "91", "77", "92"),
    "77": ("93", "94", "91", "95"),
    "78": ("92", "95", "91"),
    "91": ("94", "92", "78", "77"),
    "95": ("93", "92", "78", "77"),
}

# Share of members of a sector who also work at a distance.
REMOTE_SHARE: dict[str, float] = {
    "web": 0.8,
    "traduction": 0.85,
    "communication": 0.6,
    "conseil": 0.5,
    "formation": 0.4,
    "photo-video": 0.15,
}
REMOTE_DEFAULT = 0.03

# Languages besides French, with the share of members who work in them.
LANGUAGES: tuple[tuple[str, float], ...] = (
    ("en", 0.35),
    ("es", 0.12),
    ("ar", 0.08),
    ("pt", 0.05),
    ("de", 0.05),
    ("it", 0.04),
    ("wo", 0.02),
    ("zh", 0.02),
)
TRANSLATOR_LANGUAGES: tuple[tuple[str, float], ...] = (("en", 0.95), ("es", 0.5), ("de", 0.3))

# -- presentation: one sentence of each list, the trade's description in the middle ----------

INTROS: tuple[str, ...] = (
    "Je m'appelle {first} et je porte l'activité « {enseigne} » à {city}.",
    "« {enseigne} », c'est mon activité depuis {year}, au sein de la coopérative.",
    "Entrepreneur·e de la coopérative depuis {year}, je travaille à {city} et alentour.",
    "Installé·e à {city}, je développe « {enseigne} » depuis {year}.",
    "Bonjour ! Je suis {first}, et « {enseigne} » est née en {year}.",
)
INTROS_WITH_PAST: tuple[str, ...] = (
    "Après {prior} ans de salariat dans le métier, j'ai lancé « {enseigne} » en {year}.",
    "{prior} ans d'expérience avant la coopérative, puis « {enseigne} » depuis {year}.",
)
APPROACHES: tuple[str, ...] = (
    "Je travaille volontiers en binôme avec d'autres membres de la coopérative.",
    "Je réponds aux appels d'offres en groupement avec d'autres entrepreneur·es.",
    "Devis gratuit sous 48 heures, sur simple message.",
    "J'accorde une grande place à l'écoute et au conseil avant toute intervention.",
    "Je privilégie les matériaux durables et les fournisseurs locaux.",
    "J'interviens aussi bien pour des particuliers que pour des associations et des collectivités.",
    "Ponctualité, soin du détail et tarifs transparents : c'est ma façon de travailler.",
    "Je forme aussi : ateliers collectifs et accompagnement individuel.",
)
CLOSINGS: tuple[str, ...] = (
    "Au plaisir d'échanger avec vous !",
    "N'hésitez pas à me contacter pour en parler.",
    "Ouvert·e aux coopérations avec les membres d'autres métiers.",
    "",
)


@dataclass(frozen=True)
class Work:
    """A piece of past work; {city} is the member's commune."""

    title: str
    description: str
    client_kind: str  # essaim.skills.models.ClientKind


@dataclass(frozen=True)
class PriceLine:
    """A price drawn between `low` and `high` by `step`, all divided by `per` (cents: 100)."""

    label: str
    unit: str  # essaim.skills.models.PriceUnit
    low: int
    high: int
    step: int = 5
    per: int = 1


WORKS: dict[str, tuple[Work, ...]] = {
    "coiffure": (
        Work("Coiffures d'un mariage à {city}", "Essai, coiffure de la mariée et de quatre "
             "invitées le jour J.", "individual"),
        Work("Journée beauté dans un centre social", "Coupes offertes et conseils pendant la "
             "fête de quartier.", "association"),
        Work("Séance photo de mode", "Coiffures et retouches pour un shooting de créatrice.",
             "company"),
    ),
    "bien-etre": (
        Work("Semaine bien-être en entreprise", "Massages assis et ateliers de respiration "
             "pour quarante salarié·es.", "company"),
        Work("Cycle de séances pour des aidant·es", "Huit séances collectives avec une "
             "association d'aidant·es familiaux.", "association"),
        Work("Stage d'un week-end", "Deux jours de pratique et de relaxation en groupe.",
             "individual"),
    ),
    "formation": (
        Work("Parcours de formation pour une mairie", "Douze sessions pour les agents de "
             "{city}.", "public"),
        Work("Ateliers pour une association d'insertion", "Un cycle de trois mois, en petits "
             "groupes.", "association"),
        Work("Préparation d'examen", "Accompagnement individuel de six personnes, toutes "
             "reçues.", "individual"),
    ),
    "communication": (
        Work("Identité visuelle d'une épicerie coopérative", "Logo, enseigne, sacs et "
             "réseaux sociaux.", "company"),
        Work("Campagne pour un festival de quartier", "Affiches, programme et publications "
             "sur trois semaines.", "association"),
        Work("Rapport annuel d'une collectivité", "Mise en page de 48 pages et "
             "infographies.", "public"),
    ),
    "web": (
        Work("Boutique en ligne d'une céramiste", "Site WordPress et WooCommerce, formation "
             "de la cliente.", "member"),
        Work("Site d'une association sportive", "Inscriptions en ligne et calendrier des "
             "matchs.", "association"),
        Work("Application de réservation", "Application web sur mesure pour une salle de "
             "répétition.", "company"),
    ),
    "jardinage": (
        Work("Jardin partagé au pied d'un immeuble", "Conception et plantations avec les "
             "habitant·es.", "association"),
        Work("Entretien annuel d'une copropriété", "Tonte, tailles et désherbage sans "
             "pesticides.", "company"),
        Work("Potager en permaculture", "Création d'un potager familial à {city}.",
             "individual"),
    ),
    "batiment": (
        Work("Rénovation d'un appartement à {city}", "Trois pièces refaites en six semaines.",
             "individual"),
        Work("Local associatif remis en état", "Peinture, sols et petites réparations.",
             "association"),
        Work("Chantier en groupement", "Lot peinture d'une crèche, avec deux autres membres.",
             "public"),
    ),
    "conseil": (
        Work("Diagnostic d'une SCOP de douze salarié·es", "Organisation, tableaux de bord et "
             "plan d'action.", "company"),
        Work("Accompagnement d'une association employeuse", "Six mois sur la stratégie et le "
             "modèle économique.", "association"),
        Work("Formation des élu·es d'une collectivité", "Deux journées sur la commande "
             "publique responsable.", "public"),
    ),
    "artisanat": (
        Work("Exposition-vente à {city}", "Trente pièces présentées dans une galerie "
             "partagée.", "company"),
        Work("Commande d'un restaurant", "Vaisselle et objets sur mesure pour une salle de "
             "quarante couverts.", "company"),
        Work("Atelier d'initiation", "Cycle d'initiation pour des adultes débutant·es.",
             "individual"),
    ),
    "traduction": (
        Work("Traduction d'un rapport d'ONG", "Quatre-vingts pages, de l'anglais vers le "
             "français.", "association"),
        Work("Site d'un éditeur de logiciels", "Localisation de l'interface et de l'aide en "
             "ligne.", "company"),
        Work("Biographie familiale", "Recueil de souvenirs et mise en récit, 120 pages.",
             "individual"),
    ),
    "photo-video": (
        Work("Reportage d'un congrès", "Deux jours de photos et une vidéo de synthèse.",
             "association"),
        Work("Portraits de l'équipe d'une PME", "Portraits professionnels et photos des "
             "locaux.", "company"),
        Work("Film pour une collectivité", "Film de trois minutes sur un chantier "
             "participatif.", "public"),
    ),
    "spectacle": (
        Work("Résidence dans une école de {city}", "Dix séances avec deux classes et un "
             "spectacle final.", "public"),
        Work("Spectacle jeune public en tournée", "Vingt dates en médiathèques et centres "
             "sociaux.", "association"),
        Work("Animation d'un séminaire", "Improvisation théâtrale pour une équipe de "
             "soixante personnes.", "company"),
    ),
    "services-personne": (
        Work("Accompagnement d'une famille", "Tri des papiers et mise en place d'un "
             "classement simple.", "individual"),
        Work("Permanence dans un centre social", "Aide aux démarches en ligne deux fois par "
             "mois.", "association"),
        Work("Déménagement d'une personne âgée", "Tri, cartons et installation dans le "
             "nouveau logement.", "individual"),
    ),
    "alimentation": (
        Work("Buffet d'une assemblée générale", "Buffet végétarien pour cent vingt "
             "personnes.", "association"),
        Work("Gâteaux d'un mariage", "Pièce montée et desserts pour soixante invité·es.",
             "individual"),
        Work("Ateliers cuisine en entreprise", "Quatre ateliers de cuisine de saison.",
             "company"),
    ),
    "commerce": (
        Work("Boutique éphémère à {city}", "Un mois de vente partagée avec trois créatrices.",
             "member"),
        Work("Stand sur un marché de créateurs", "Présence chaque mois sur le marché "
             "local.", "individual"),
        Work("Collection pour une ressourcerie", "Sélection et retouche de cent pièces.",
             "association"),
    ),
    "environnement": (
        Work("Animations dans les écoles de {city}", "Cycle de sensibilisation pour huit "
             "classes.", "public"),
        Work("Diagnostic énergétique d'un local", "Bilan et préconisations pour une "
             "association.", "association"),
        Work("Sortie nature pour un comité d'entreprise", "Balade commentée et atelier "
             "nichoirs.", "company"),
    ),
    "sante": (
        Work("Ateliers en centre social", "Six ateliers collectifs avec des familles.",
             "association"),
        Work("Consultations en entreprise", "Une permanence mensuelle pour les salarié·es.",
             "company"),
        Work("Intervention en crèche municipale", "Réunions avec les parents et l'équipe.",
             "public"),
    ),
    "mode": (
        Work("Collection capsule en tissus recyclés", "Douze modèles en petite série.",
             "company"),
        Work("Costumes d'une compagnie de théâtre", "Création et retouches de vingt "
             "costumes.", "association"),
        Work("Robe de mariée sur mesure", "Trois essayages et finitions à la main.",
             "individual"),
    ),
}  # fmt: skip

PRICES: dict[str, tuple[PriceLine, ...]] = {
    "coiffure": (
        PriceLine("Coupe à domicile", "prestation", 25, 45),
        PriceLine("Coloration", "prestation", 45, 90),
        PriceLine("Coiffure de mariée avec essai", "forfait", 120, 250, 10),
    ),
    "bien-etre": (
        PriceLine("Séance individuelle", "prestation", 45, 80),
        PriceLine("Atelier collectif en entreprise", "demi-journee", 250, 500, 10),
        PriceLine("Carte de cinq séances", "forfait", 200, 350, 10),
    ),
    "formation": (
        PriceLine("Journée de formation", "jour", 450, 1100, 50),
        PriceLine("Cours particulier", "heure", 25, 55),
        PriceLine("Atelier collectif", "demi-journee", 250, 600, 10),
    ),
    "communication": (
        PriceLine("Création d'un logo", "forfait", 400, 1500, 50),
        PriceLine("Journée de conseil", "jour", 350, 650, 10),
        PriceLine("Animation des réseaux sociaux", "mois", 300, 900, 50),
    ),
    "web": (
        PriceLine("Site vitrine", "forfait", 900, 3500, 100),
        PriceLine("Journée de développement", "jour", 300, 550, 10),
        PriceLine("Maintenance", "mois", 30, 120),
    ),
    "jardinage": (
        PriceLine("Entretien de jardin", "heure", 28, 45),
        PriceLine("Taille de haies", "prestation", 80, 300, 10),
        PriceLine("Conception d'un jardin", "forfait", 500, 2500, 100),
    ),
    "batiment": (
        PriceLine("Journée de chantier", "jour", 220, 400, 10),
        PriceLine("Déplacement et diagnostic", "prestation", 40, 90),
        PriceLine("Peinture d'une pièce", "forfait", 350, 900, 50),
    ),
    "conseil": (
        PriceLine("Journée de conseil", "jour", 500, 1100, 50),
        PriceLine("Diagnostic", "forfait", 900, 3000, 100),
        PriceLine("Accompagnement individuel", "heure", 60, 120),
    ),
    "artisanat": (
        PriceLine("Pièce sur commande", "unite", 40, 400, 10),
        PriceLine("Cours d'initiation", "prestation", 35, 70),
        PriceLine("Restauration", "forfait", 150, 900, 50),
    ),
    "traduction": (
        PriceLine("Traduction", "mot", 8, 15, 1, per=100),  # a few cents a word
        PriceLine("Relecture", "page", 8, 20, 1),
        PriceLine("Interprétariat", "demi-journee", 250, 500, 10),
    ),
    "photo-video": (
        PriceLine("Reportage", "demi-journee", 300, 700, 10),
        PriceLine("Portrait professionnel", "prestation", 80, 200, 10),
        PriceLine("Film de trois minutes", "forfait", 1200, 3500, 100),
    ),
    "spectacle": (
        PriceLine("Représentation", "prestation", 600, 1800, 50),
        PriceLine("Atelier", "heure", 50, 90),
        PriceLine("Résidence", "forfait", 1500, 5000, 100),
    ),
    "services-personne": (
        PriceLine("Intervention à domicile", "heure", 25, 40),
        PriceLine("Forfait déménagement", "forfait", 200, 600, 10),
        PriceLine("Permanence", "demi-journee", 90, 180, 10),
    ),
    "alimentation": (
        PriceLine("Buffet", "unite", 15, 35),
        PriceLine("Gâteau de fête", "unite", 35, 120),
        PriceLine("Atelier cuisine", "prestation", 250, 600, 10),
    ),
    "commerce": (
        PriceLine("Sélection sur mesure", "prestation", 40, 120),
        PriceLine("Retouche", "unite", 10, 35),
        PriceLine("Stand sur un événement", "jour", 80, 200, 10),
    ),
    "environnement": (
        PriceLine("Animation scolaire", "demi-journee", 180, 350, 10),
        PriceLine("Diagnostic", "forfait", 300, 900, 50),
        PriceLine("Journée d'intervention", "jour", 350, 650, 10),
    ),
    "sante": (
        PriceLine("Consultation", "prestation", 45, 80),
        PriceLine("Atelier collectif", "demi-journee", 200, 450, 10),
        PriceLine("Suivi de trois mois", "forfait", 180, 400, 10),
    ),
    "mode": (
        PriceLine("Retouche simple", "unite", 10, 30),
        PriceLine("Vêtement sur mesure", "unite", 150, 600, 10),
        PriceLine("Journée de création", "jour", 250, 450, 10),
    ),
}
# Who sees a price: the members choose (weights of me, advisor, members).
VISIBILITY_WEIGHTS: tuple[tuple[str, int], ...] = (("me", 35), ("advisor", 25), ("members", 40))


@dataclass(frozen=True)
class StudyHairdresser:
    """One of the three hairdressers of the source study, whom the directory tells apart."""

    key: str
    trade: str  # the catalog trade whose members are chosen first
    enseigne: str
    description: str
    skills: tuple[tuple[str, int], ...]  # (builtin code, level): professional then social
    presentation: str
    works: tuple[Work, ...]
    prices: tuple[tuple[str, str, str, str], ...]  # label, amount, unit, visibility


STUDY_HAIRDRESSERS: tuple[StudyHairdresser, ...] = (
    StudyHairdresser(
        key="ehpad",
        trade="Coiffure en établissement pour personnes âgées",
        enseigne="Les Ciseaux d'argent",
        description=(
            "Coiffure en EHPAD et en résidences seniors : tournées hebdomadaires, coiffure "
            "des personnes alitées, ateliers « prendre soin de soi »."
        ),
        skills=(
            ("coiffure.coiffeur-ehpad", 3),
            ("coiffure.coiffeur-ehpad.coiffure-seniors", 3),
            ("coiffure.coiffeur-ehpad.coiffure-alite", 3),
            ("coiffure.coiffeur-ehpad.socio-coiffure", 2),
            ("coiffure.coiffeur.coupe-femme", 3),
            ("transversal.ecoute", 3),
            ("transversal.accompagner", 2),
        ),
        presentation=(
            "Coiffeuse depuis vingt ans, je travaille uniquement en établissement : EHPAD, "
            "résidences autonomie et services de soins de suite. Je coiffe au fauteuil comme "
            "au lit, en lien avec les équipes soignantes, et j'anime des ateliers d'estime "
            "de soi pour les résident·es. Tournées régulières en Seine-Saint-Denis et dans "
            "le Val-de-Marne."
        ),
        works=(
            Work(
                "Tournée hebdomadaire dans trois EHPAD",
                "Coupes, mises en plis et soins "
                "pour quatre-vingts résident·es, en lien avec les équipes.",
                "public",
            ),
            Work(
                "Ateliers « prendre soin de soi »",
                "Un cycle de six ateliers en résidence "
                "autonomie, avec une socio-esthéticienne de la coopérative.",
                "association",
            ),
        ),
        prices=(
            ("Coupe et mise en plis en établissement", "28.00", "prestation", "members"),
            ("Forfait tournée mensuelle", "650.00", "forfait", "advisor"),
        ),
    ),
    StudyHairdresser(
        key="domicile-bijoux",
        trade="Coiffure à domicile",
        enseigne="Peignes et Perles",
        description=(
            "Coiffure à domicile pour toute la famille, coiffures de mariée, et bijoux de "
            "cheveux faits main : peignes, barrettes et couronnes."
        ),
        skills=(
            ("coiffure.coiffeur-domicile", 3),
            ("coiffure.coiffeur-domicile.coupe-domicile", 3),
            ("coiffure.coiffeur-domicile.coiffure-mariee", 3),
            ("coiffure.bijoux-cheveux.creation-bijoux-cheveux", 3),
            ("coiffure.bijoux-cheveux.accessoires-mariee", 2),
            ("transversal.creativite", 3),
            ("transversal.vendre", 2),
        ),
        presentation=(
            "Je coiffe à domicile, des enfants aux grands-parents, et je crée des bijoux de "
            "cheveux à la main : peignes en laiton, barrettes perlées, couronnes de fleurs "
            "séchées. Pour les mariages, je propose l'essai, la coiffure du jour J et le "
            "bijou assorti. Vente aussi sur les marchés de créateurs."
        ),
        works=(
            Work(
                "Mariage champêtre : coiffures et bijoux",
                "Coiffure de la mariée et de cinq témoins, peignes assortis créés pour l'occasion.",
                "individual",
            ),
            Work(
                "Collection de peignes en laiton",
                "Vingt pièces uniques vendues sur un marché de créatrices.",
                "individual",
            ),
            Work(
                "Coiffures pour un défilé",
                "Coiffures et bijoux de cheveux d'un défilé de créatrice membre de la coopérative.",
                "member",
            ),
        ),
        prices=(
            ("Coupe à domicile", "35.00", "prestation", "members"),
            ("Coiffure de mariée avec essai", "180.00", "forfait", "me"),
            ("Peigne de mariée sur mesure", "65.00", "unite", "members"),
        ),
    ),
    StudyHairdresser(
        key="vegetal-antiquaire",
        trade="Coloration végétale",
        enseigne="Henné chez l'antiquaire",
        description=(
            "Colorations 100 % végétales (henné, indigo, plantes ayurvédiques) dans un coin "
            "salon aménagé au fond de la boutique d'un antiquaire."
        ),
        skills=(
            ("coiffure.coloriste-vegetal", 3),
            ("coiffure.coloriste-vegetal.coloration-vegetale", 3),
            ("coiffure.coloriste-vegetal.henne", 3),
            ("coiffure.coloriste-vegetal.diagnostic-capillaire", 2),
            ("coiffure.coloriste-vegetal.soins-naturels", 2),
            ("transversal.animer-atelier", 2),
            ("transversal.sensibiliser", 2),
        ),
        presentation=(
            "Coloriste végétale, je reçois sur rendez-vous dans un petit salon installé au "
            "fond de la boutique d'un antiquaire, entre les commodes et les miroirs anciens. "
            "Henné, indigo, cassia : des couleurs sans chimie, après un diagnostic du cheveu. "
            "J'anime aussi des ateliers pour apprendre à préparer ses couleurs de plantes."
        ),
        works=(
            Work(
                "Un salon chez un antiquaire",
                "Aménagement d'un coin coloration dans une "
                "boutique d'antiquités, avec l'antiquaire.",
                "company",
            ),
            Work(
                "Atelier « couleurs de plantes »",
                "Atelier de préparation du henné et de l'indigo pour douze participantes.",
                "individual",
            ),
        ),
        prices=(
            ("Coloration végétale", "70.00", "prestation", "members"),
            ("Diagnostic capillaire", "25.00", "prestation", "advisor"),
            ("Atelier couleurs de plantes", "45.00", "prestation", "members"),
        ),
    ),
)
