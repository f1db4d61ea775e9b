"""What the demo cooperative is made of: places, trades, meeting subjects (plain French data).

Places are real postal codes and communes of Paris and the inner and outer suburbs; trades are
mapped onto the sector codes of `essaim.members.sectors`. Weights say how common each is.
"""

from __future__ import annotations

from dataclasses import dataclass

# (postal code, commune), by département, with the share of members living there.
PLACES: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {
    "75": (
        30,
        tuple((f"750{n:02d}", "Paris") for n in range(1, 21)),
    ),
    "93": (
        24,
        (
            ("93100", "Montreuil"),
            ("93200", "Saint-Denis"),
            ("93300", "Aubervilliers"),
            ("93500", "Pantin"),
            ("93170", "Bagnolet"),
            ("93260", "Les Lilas"),
            ("93310", "Le Pré-Saint-Gervais"),
            ("93400", "Saint-Ouen-sur-Seine"),
            ("93000", "Bobigny"),
            ("93230", "Romainville"),
            ("93130", "Noisy-le-Sec"),
            ("93160", "Noisy-le-Grand"),
            ("93110", "Rosny-sous-Bois"),
            ("93140", "Bondy"),
            ("93600", "Aulnay-sous-Bois"),
            ("93700", "Drancy"),
            ("93800", "Épinay-sur-Seine"),
            ("93220", "Gagny"),
            ("93250", "Villemomble"),
            ("93120", "La Courneuve"),
        ),
    ),
    "94": (
        14,
        (
            ("94300", "Vincennes"),
            ("94200", "Ivry-sur-Seine"),
            ("94800", "Villejuif"),
            ("94000", "Créteil"),
            ("94100", "Saint-Maur-des-Fossés"),
            ("94120", "Fontenay-sous-Bois"),
            ("94130", "Nogent-sur-Marne"),
            ("94220", "Charenton-le-Pont"),
            ("94270", "Le Kremlin-Bicêtre"),
            ("94250", "Gentilly"),
            ("94400", "Vitry-sur-Seine"),
            ("94500", "Champigny-sur-Marne"),
            ("94700", "Maisons-Alfort"),
            ("94160", "Saint-Mandé"),
            ("94230", "Cachan"),
            ("94110", "Arcueil"),
            ("94140", "Alfortville"),
        ),
    ),
    "92": (
        12,
        (
            ("92100", "Boulogne-Billancourt"),
            ("92130", "Issy-les-Moulineaux"),
            ("92240", "Malakoff"),
            ("92120", "Montrouge"),
            ("92000", "Nanterre"),
            ("92300", "Levallois-Perret"),
            ("92110", "Clichy"),
            ("92600", "Asnières-sur-Seine"),
            ("92700", "Colombes"),
            ("92400", "Courbevoie"),
            ("92500", "Rueil-Malmaison"),
            ("92220", "Bagneux"),
            ("92320", "Châtillon"),
            ("92140", "Clamart"),
            ("92170", "Vanves"),
            ("92190", "Meudon"),
            ("92150", "Suresnes"),
            ("92230", "Gennevilliers"),
            ("92160", "Antony"),
        ),
    ),
    "77": (
        5,
        (
            ("77000", "Melun"),
            ("77100", "Meaux"),
            ("77200", "Torcy"),
            ("77300", "Fontainebleau"),
            ("77400", "Lagny-sur-Marne"),
            ("77500", "Chelles"),
            ("77420", "Champs-sur-Marne"),
            ("77186", "Noisiel"),
            ("77340", "Pontault-Combault"),
            ("77600", "Bussy-Saint-Georges"),
        ),
    ),
    "78": (
        5,
        (
            ("78000", "Versailles"),
            ("78100", "Saint-Germain-en-Laye"),
            ("78200", "Mantes-la-Jolie"),
            ("78300", "Poissy"),
            ("78400", "Chatou"),
            ("78500", "Sartrouville"),
            ("78180", "Montigny-le-Bretonneux"),
            ("78280", "Guyancourt"),
            ("78800", "Houilles"),
            ("78700", "Conflans-Sainte-Honorine"),
        ),
    ),
    "91": (
        5,
        (
            ("91300", "Massy"),
            ("91120", "Palaiseau"),
            ("91400", "Orsay"),
            ("91100", "Corbeil-Essonnes"),
            ("91200", "Athis-Mons"),
            ("91190", "Gif-sur-Yvette"),
            ("91260", "Juvisy-sur-Orge"),
            ("91600", "Savigny-sur-Orge"),
            ("91220", "Brétigny-sur-Orge"),
            ("91150", "Étampes"),
        ),
    ),
    "95": (
        5,
        (
            ("95100", "Argenteuil"),
            ("95200", "Sarcelles"),
            ("95300", "Pontoise"),
            ("95400", "Villiers-le-Bel"),
            ("95500", "Gonesse"),
            ("95120", "Ermont"),
            ("95130", "Franconville"),
            ("95150", "Taverny"),
            ("95880", "Enghien-les-Bains"),
            ("95160", "Montmorency"),
        ),
    ),
}

# Mobile numbers of the block ARCEP keeps for fiction (06 39 98 xx xx): they reach no one.
PHONE_PREFIX = "+33 6 39 98"

# Reserved documentation domains (RFC 2606): the demo never e-mails a real person.
EMAIL_DOMAINS = ("example.org", "example.com", "example.net")


@dataclass(frozen=True)
class Trade:
    """A trade as members practise it: its sector, enseigne name patterns and descriptions.

    Patterns may use {first}, {last} and {city}.
    """

    sector: str
    label: str
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    weight: int = 1


TRADES: tuple[Trade, ...] = (
    Trade(
        "coiffure",
        "Coiffure à domicile",
        ("{first} Coiffure", "Les Ciseaux de {first}", "Coiffure {first} à domicile"),
        (
            "Coupes, brushings et couleurs à domicile pour toute la famille, à {city} et dans "
            "les communes voisines.",
            "Coiffure à domicile et coiffures de mariée ; bijoux de cheveux faits main.",
        ),
        3,
    ),
    Trade(
        "coiffure",
        "Coiffure en établissement pour personnes âgées",
        ("{first} Coiffure Seniors", "Coiffure itinérante {last}"),
        (
            "Coiffure en EHPAD et en résidences seniors : coupes, mises en plis et soins, sur "
            "des tournées régulières convenues avec les établissements.",
        ),
    ),
    Trade(
        "coiffure",
        "Coloration végétale",
        ("Couleurs de plantes", "L'Atelier végétal de {first}"),
        (
            "Colorations 100 % végétales (henné, indigo, plantes ayurvédiques) et conseil en "
            "soin du cheveu, dans un salon partagé de {city}.",
        ),
    ),
    Trade(
        "coiffure",
        "Esthétique à domicile",
        ("{first} Esthétique", "Beauté nomade {first}"),
        (
            "Soins du visage, épilations, beauté des mains et des pieds, à domicile et en "
            "entreprise.",
        ),
        2,
    ),
    Trade(
        "bien-etre",
        "Massage bien-être",
        ("{first} Massages", "Mains d'or {city}", "L'Instant détente"),
        (
            "Massages bien-être (californien, shiatsu assis) à domicile et en entreprise ; "
            "ateliers de gestion du stress.",
        ),
        2,
    ),
    Trade(
        "bien-etre",
        "Sophrologie",
        ("{first} {last} Sophrologue", "Souffle et présence"),
        (
            "Séances individuelles et collectives de sophrologie : sommeil, préparation aux "
            "examens, prise de parole en public.",
        ),
        2,
    ),
    Trade(
        "bien-etre",
        "Professeur·e de yoga",
        ("Yoga {city}", "Le Tapis de {first}"),
        ("Cours de yoga en petits groupes et en entreprise, stages le week-end.",),
        2,
    ),
    Trade(
        "formation",
        "Formation bureautique",
        ("{first} {last} Formation", "Clic & Compétences"),
        (
            "Formations Excel, Word et outils collaboratifs pour les TPE et les associations, "
            "dans leurs locaux ou à distance.",
        ),
        3,
    ),
    Trade(
        "formation",
        "Français langue étrangère",
        ("Français pour tous {city}", "{first} FLE"),
        (
            "Cours de français langue étrangère pour adultes, préparation au DELF et au TCF, "
            "ateliers sociolinguistiques pour les associations.",
        ),
        3,
    ),
    Trade(
        "formation",
        "Soutien scolaire",
        ("{first} Cours particuliers", "Réussite {city}"),
        ("Cours particuliers de mathématiques et de physique-chimie, du collège au lycée.",),
        2,
    ),
    Trade(
        "formation",
        "Formation à la prise de parole",
        ("Voix et parole", "{first} {last} Formation"),
        (
            "Formations à la prise de parole en public et à l'animation de réunions pour les "
            "salariés et les élus associatifs.",
        ),
        2,
    ),
    Trade(
        "communication",
        "Graphisme",
        ("Studio {last}", "{first} {last} Graphiste", "Atelier Encre et Papier"),
        (
            "Identités visuelles, logos, plaquettes et affiches pour les commerces, les "
            "associations et les collectivités.",
            "Graphisme et mise en page d'éditions : rapports annuels, catalogues, livres.",
        ),
        4,
    ),
    Trade(
        "communication",
        "Community management",
        ("{first} Réseaux", "Fil d'actu"),
        (
            "Animation des réseaux sociaux, calendrier éditorial et rédaction de publications "
            "pour les petites entreprises de {city} et d'ailleurs.",
        ),
        2,
    ),
    Trade(
        "communication",
        "Chargé·e de communication indépendant·e",
        ("{first} {last} Communication", "Com' en commun"),
        (
            "Plans de communication, relations presse et organisation d'événements pour les "
            "structures de l'économie sociale et solidaire.",
        ),
        2,
    ),
    Trade(
        "web",
        "Création de sites web",
        ("{first} Web", "La Toile de {first}", "{last} Création Web"),
        (
            "Sites vitrines et boutiques en ligne sous WordPress, hébergement et maintenance, "
            "formation des clients à la mise à jour.",
        ),
        4,
    ),
    Trade(
        "web",
        "Développement d'applications",
        ("{last} Développement", "Code libre {city}"),
        (
            "Développement d'applications web sur mesure (Python, Django) et accompagnement "
            "technique des associations.",
        ),
        2,
    ),
    Trade(
        "web",
        "Dépannage informatique",
        ("Info Dépannage {city}", "{first} Informatique"),
        (
            "Installation, dépannage et formation informatique à domicile pour les "
            "particuliers et les TPE.",
        ),
        2,
    ),
    Trade(
        "jardinage",
        "Entretien de jardins",
        ("Les Jardins de {first}", "{last} Espaces verts"),
        (
            "Tonte, taille de haies, désherbage et entretien de jardins pour les particuliers "
            "et les copropriétés.",
        ),
        2,
    ),
    Trade(
        "jardinage",
        "Paysagiste",
        ("L'Herbe folle", "{first} {last} Paysage"),
        ("Conception et création de jardins, terrasses végétalisées et potagers en permaculture.",),
        2,
    ),
    Trade(
        "batiment",
        "Peinture et décoration",
        ("{last} Peinture", "Couleurs et Murs"),
        (
            "Travaux de peinture intérieure, pose de papier peint et de revêtements de sol, "
            "à {city} et en Île-de-France.",
        ),
        3,
    ),
    Trade(
        "batiment",
        "Plomberie",
        ("{last} Plomberie", "{first} Dépannage sanitaire"),
        (
            "Dépannage et installation sanitaire, remplacement de chauffe-eau, petits travaux "
            "de plomberie.",
        ),
        2,
    ),
    Trade(
        "batiment",
        "Rénovation écologique",
        ("Terre et Chaux", "{last} Rénovation"),
        (
            "Rénovation intérieure avec des matériaux biosourcés : isolation, enduits à la "
            "chaux et à la terre.",
        ),
        2,
    ),
    Trade(
        "conseil",
        "Conseil en gestion",
        ("{first} {last} Conseil", "Cap Gestion"),
        (
            "Accompagnement des TPE en gestion : tableaux de bord, prévisionnels et recherche "
            "de financements.",
        ),
        4,
    ),
    Trade(
        "conseil",
        "Conseil en ressources humaines",
        ("{last} RH", "Ressources & Talents"),
        (
            "Conseil en ressources humaines pour les petites structures : recrutement, "
            "entretiens professionnels, organisation du travail.",
        ),
        3,
    ),
    Trade(
        "conseil",
        "Conseil aux structures de l'ESS",
        ("Tiers Chemin", "{first} {last} Accompagnement"),
        (
            "Accompagnement des associations et des coopératives : stratégie, gouvernance, "
            "montage de projets.",
        ),
        3,
    ),
    Trade(
        "artisanat",
        "Céramique",
        ("Atelier Terre de {first}", "{last} Céramiques"),
        ("Céramiques utilitaires et décoratives, cours de tournage en atelier.",),
        2,
    ),
    Trade(
        "artisanat",
        "Bijouterie",
        ("Les Bijoux de {first}", "Fil d'argent"),
        (
            "Bijoux en argent et en laiton façonnés à la main, vendus sur les marchés de "
            "créateurs et en ligne.",
        ),
        2,
    ),
    Trade(
        "artisanat",
        "Restauration de meubles",
        ("{last} Ébénisterie", "Le Meuble retrouvé"),
        ("Restauration de meubles anciens, relooking et petites créations en bois massif.",),
        2,
    ),
    Trade(
        "traduction",
        "Traduction",
        ("{first} {last} Traductions", "Passerelle Langues"),
        (
            "Traductions techniques et commerciales de l'anglais et de l'espagnol vers le "
            "français ; relecture et adaptation.",
        ),
        3,
    ),
    Trade(
        "traduction",
        "Rédaction et correction",
        ("La Plume de {first}", "{last} Rédaction"),
        ("Rédaction web et éditoriale, biographies familiales, correction de manuscrits.",),
        2,
    ),
    Trade(
        "photo-video",
        "Photographie",
        ("{first} {last} Photographie", "Studio Lumière {city}"),
        ("Reportages photo d'entreprise et d'événements, portraits professionnels, mariages.",),
        3,
    ),
    Trade(
        "photo-video",
        "Vidéo",
        ("{last} Films", "Plan Séquence"),
        ("Films institutionnels, vidéos pour les réseaux sociaux, captations de spectacles.",),
        2,
    ),
    Trade(
        "spectacle",
        "Musicien·ne intervenant·e",
        ("{first} en musique", "Les Petites Notes"),
        ("Ateliers d'éveil musical en crèche et à l'école, concerts jeune public.",),
        2,
    ),
    Trade(
        "spectacle",
        "Comédien·ne et formateur·rice en improvisation",
        ("Compagnie {last}", "Impro & Co"),
        (
            "Théâtre d'improvisation en entreprise, ateliers de prise de parole, spectacles "
            "jeune public.",
        ),
        2,
    ),
    Trade(
        "services-personne",
        "Accompagnement administratif",
        ("{first} Assistance", "Paperasse & Sérénité"),
        (
            "Aide aux démarches administratives et au classement des papiers pour les "
            "particuliers et les personnes âgées.",
        ),
        2,
    ),
    Trade(
        "services-personne",
        "Rangement et organisation",
        ("Ordre et Maison", "{first} Home Organisation"),
        ("Rangement et organisation de la maison, aide aux déménagements.",),
        1,
    ),
    Trade(
        "alimentation",
        "Traiteur",
        ("Les Saveurs de {first}", "{last} Traiteur"),
        (
            "Traiteur végétarien pour les événements d'entreprise et les fêtes de famille, "
            "produits de saison.",
        ),
        2,
    ),
    Trade(
        "alimentation",
        "Pâtisserie sur commande",
        ("Les Douceurs de {first}", "Pâtisserie {last}"),
        ("Gâteaux de fête et pâtisseries sur commande, ateliers pâtisserie pour enfants.",),
        2,
    ),
    Trade(
        "commerce",
        "Vente de vêtements de seconde main",
        ("Fripes de {first}", "Seconde Étoffe"),
        (
            "Friperie en ligne et sur les marchés : vêtements de seconde main sélectionnés et "
            "retouchés.",
        ),
        2,
    ),
    Trade(
        "environnement",
        "Conseil en rénovation énergétique",
        ("{last} Énergie", "Maison sobre"),
        (
            "Diagnostics thermiques, conseil en rénovation énergétique et accompagnement vers "
            "les aides publiques.",
        ),
        1,
    ),
    Trade(
        "environnement",
        "Animation nature",
        ("Graines de curieux", "{first} Nature"),
        (
            "Animations nature et ateliers de sensibilisation à l'environnement pour les "
            "écoles et les collectivités.",
        ),
        2,
    ),
    Trade(
        "sante",
        "Diététique",
        ("{first} {last} Diététique", "Bien manger {city}"),
        ("Consultations de diététique, ateliers cuisine et santé en entreprise.",),
        2,
    ),
    Trade(
        "sante",
        "Accompagnement à la parentalité",
        ("Cocon {city}", "{first} Parentalité"),
        ("Ateliers et consultations pour les jeunes parents : sommeil, portage, allaitement.",),
        1,
    ),
    Trade(
        "mode",
        "Couture et retouches",
        ("L'Aiguille de {first}", "{last} Couture"),
        ("Retouches, couture sur mesure et créations en tissus recyclés.",),
        2,
    ),
    Trade(
        "mode",
        "Stylisme",
        ("Maison {last}", "Fin de Rouleau"),
        ("Vêtements en petites séries à partir de tissus de fin de rouleau.",),
        1,
    ),
)

INDIVIDUAL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "cape": (
        "Point d'étape du CAPE",
        "Construire sa grille tarifaire",
        "Premiers devis et premières factures",
        "Plan de prospection",
        "Préparer la fin du CAPE",
    ),
    "cesa": (
        "Bilan de la période d'essai",
        "Suivi du chiffre d'affaires",
        "Lecture du compte d'activité",
        "Prévisionnel de l'année",
        "Préparer l'entrée au sociétariat",
    ),
    "associate": (
        "Suivi du chiffre d'affaires",
        "Projet de développement de l'activité",
        "Point annuel d'accompagnement",
        "Recherche de partenaires dans la coopérative",
    ),
}

COLLECTIVE_SUBJECTS: tuple[str, ...] = (
    "Atelier collectif : fixer ses prix",
    "Atelier collectif : prospecter ses premiers clients",
    "Accueil des nouveaux entrepreneurs",
    "Atelier collectif : devis et facturation",
    "Atelier collectif : se faire connaître sur les réseaux sociaux",
    "Atelier collectif : devenir associé·e",
)

MEETING_NOTES: tuple[str, ...] = (
    "",
    "Activité en progression ; à revoir dans trois mois.",
    "Chiffre d'affaires encore irrégulier : travailler la prospection.",
    "Tarifs à réévaluer, prochain point après l'envoi des devis.",
    "Souhaite rencontrer d'autres entrepreneurs du même secteur.",
    "Bonne dynamique, premiers clients récurrents.",
)
