"""The activity sectors a new cooperative starts with (staff add more in the admin)."""

DEFAULT_SECTORS: list[tuple[str, str]] = [
    ("coiffure", "Coiffure et esthétique"),
    ("bien-etre", "Bien-être et soins du corps"),
    ("formation", "Formation et enseignement"),
    ("communication", "Communication et graphisme"),
    ("web", "Web, informatique et numérique"),
    ("jardinage", "Jardinage et paysage"),
    ("batiment", "Bâtiment et rénovation"),
    ("conseil", "Conseil aux entreprises"),
    ("artisanat", "Artisanat d'art"),
    ("traduction", "Traduction et rédaction"),
    ("photo-video", "Photographie et vidéo"),
    ("spectacle", "Spectacle vivant et culture"),
    ("services-personne", "Services à la personne"),
    ("alimentation", "Alimentation et restauration"),
    ("commerce", "Commerce et vente"),
    ("environnement", "Environnement et énergie"),
    ("sante", "Santé et accompagnement"),
    ("mode", "Mode et textile"),
]
