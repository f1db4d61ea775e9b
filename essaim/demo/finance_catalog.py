"""What the demo cooperative's members sell and buy, by sector (plain French data).

Each sector: the services or goods its members invoice (label, UN/ECE unit, unit price range
excluding VAT, VAT rate), the share of its customers who are individuals, the share of its
turnover spent on resold goods or sub-contracting (which the gross margin takes off), and the
level of monthly turnover of an established member (euros excluding VAT).
"""

from __future__ import annotations

from dataclasses import dataclass

# The exemption a training organisation writes on its invoices (0 % lines).
TRAINING_EXEMPTION = "Exonération de TVA, article 261-4-4° a du CGI (formation professionnelle)"
# Some personal services are at the intermediate rate; others at the normal rate.


@dataclass(frozen=True)
class Sale:
    label: str
    unit: str  # DAY, HUR, C62, XPK, MON, KMT
    low: int  # unit price excluding VAT, euros
    high: int
    vat: str = "20.0"
    exemption: str = ""


@dataclass(frozen=True)
class SectorTrade:
    sales: tuple[Sale, ...]
    individuals: float  # share of customers who are individuals
    purchases: float  # share of turnover spent on resold goods or sub-contracting
    purchase_category: str  # resold_goods or subcontracting
    level: int  # monthly turnover of an established member (euros excluding VAT)


SECTORS: dict[str, SectorTrade] = {
    "coiffure": SectorTrade(
        (
            Sale("Coupe et brushing à domicile", "C62", 35, 60),
            Sale("Couleur végétale", "C62", 55, 90),
            Sale("Forfait coiffure de mariée", "XPK", 180, 350),
            Sale("Tournée en résidence seniors", "DAY", 220, 380),
        ),
        0.8,
        0.12,
        "resold_goods",
        1700,
    ),
    "bien-etre": SectorTrade(
        (
            Sale("Massage bien-être (1 h)", "HUR", 55, 80),
            Sale("Atelier de relaxation en entreprise", "HUR", 90, 150),
            Sale("Séance de yoga collective", "C62", 120, 200),
        ),
        0.65,
        0.05,
        "resold_goods",
        1600,
    ),
    "formation": SectorTrade(
        (
            Sale("Journée de formation", "DAY", 650, 1100, "0.0", TRAINING_EXEMPTION),
            Sale("Module de formation à distance", "HUR", 70, 120, "0.0", TRAINING_EXEMPTION),
            Sale("Ingénierie pédagogique", "DAY", 500, 800),
            Sale("Cours particulier", "HUR", 30, 50, "0.0", TRAINING_EXEMPTION),
        ),
        0.15,
        0.05,
        "subcontracting",
        2800,
    ),
    "communication": SectorTrade(
        (
            Sale("Création de logo", "XPK", 600, 1500),
            Sale("Mise en page de brochure", "C62", 400, 1200),
            Sale("Journée de graphisme", "DAY", 350, 550),
            Sale("Gestion des réseaux sociaux (mois)", "MON", 300, 900),
        ),
        0.1,
        0.1,
        "subcontracting",
        2600,
    ),
    "web": SectorTrade(
        (
            Sale("Journée de développement", "DAY", 400, 650),
            Sale("Site vitrine", "XPK", 1500, 4500),
            Sale("Maintenance de site (mois)", "MON", 60, 180),
            Sale("Hébergement annuel", "C62", 90, 240),
        ),
        0.05,
        0.12,
        "subcontracting",
        3600,
    ),
    "jardinage": SectorTrade(
        (
            Sale("Entretien de jardin", "HUR", 30, 45, "10.0"),
            Sale("Taille de haies", "XPK", 150, 450, "10.0"),
            Sale("Création de massif", "XPK", 400, 1500, "10.0"),
        ),
        0.7,
        0.2,
        "resold_goods",
        2200,
    ),
    "batiment": SectorTrade(
        (
            Sale("Journée de travaux de rénovation", "DAY", 280, 420, "10.0"),
            Sale("Pose de parquet (m²)", "C62", 25, 45, "10.0"),
            Sale("Peinture d'une pièce", "XPK", 450, 1200, "10.0"),
            Sale("Fournitures posées", "C62", 100, 900, "10.0"),
        ),
        0.6,
        0.3,
        "resold_goods",
        3800,
    ),
    "conseil": SectorTrade(
        (
            Sale("Journée de conseil", "DAY", 600, 1000),
            Sale("Diagnostic d'organisation", "XPK", 1500, 4000),
            Sale("Accompagnement (heure)", "HUR", 80, 140),
        ),
        0.03,
        0.08,
        "subcontracting",
        4000,
    ),
    "artisanat": SectorTrade(
        (
            Sale("Pièce de céramique", "C62", 25, 180),
            Sale("Restauration de meuble", "XPK", 250, 900),
            Sale("Stage d'initiation", "C62", 60, 120),
        ),
        0.75,
        0.25,
        "resold_goods",
        1500,
    ),
    "traduction": SectorTrade(
        (
            Sale("Traduction (page)", "C62", 25, 45),
            Sale("Relecture et correction (heure)", "HUR", 35, 60),
            Sale("Rédaction d'article", "C62", 150, 400),
        ),
        0.1,
        0.05,
        "subcontracting",
        2300,
    ),
    "photo-video": SectorTrade(
        (
            Sale("Reportage photo (demi-journée)", "XPK", 300, 600),
            Sale("Montage vidéo (jour)", "DAY", 350, 550),
            Sale("Séance portrait", "C62", 120, 250),
        ),
        0.35,
        0.1,
        "subcontracting",
        2400,
    ),
    "spectacle": SectorTrade(
        (
            Sale("Représentation", "C62", 600, 1800, "5.5"),
            Sale("Atelier artistique", "HUR", 50, 90),
            Sale("Médiation culturelle (jour)", "DAY", 300, 500),
        ),
        0.05,
        0.1,
        "subcontracting",
        2000,
    ),
    "services-personne": SectorTrade(
        (
            Sale("Aide aux devoirs (heure)", "HUR", 22, 32, "10.0"),
            Sale("Accompagnement administratif (heure)", "HUR", 28, 40, "20.0"),
            Sale("Garde d'enfants (heure)", "HUR", 14, 20, "10.0"),
        ),
        0.9,
        0.0,
        "resold_goods",
        1400,
    ),
    "alimentation": SectorTrade(
        (
            Sale("Buffet traiteur (par personne)", "C62", 18, 35, "10.0"),
            Sale("Atelier cuisine", "C62", 45, 80, "10.0"),
            Sale("Panier de conserves artisanales", "C62", 20, 45, "5.5"),
        ),
        0.55,
        0.35,
        "resold_goods",
        2500,
    ),
    "commerce": SectorTrade(
        (
            Sale("Vente de marchandises", "C62", 30, 400),
            Sale("Frais de port", "C62", 8, 20),
        ),
        0.7,
        0.45,
        "resold_goods",
        3000,
    ),
    "environnement": SectorTrade(
        (
            Sale("Diagnostic énergétique", "XPK", 450, 1200),
            Sale("Animation d'atelier zéro déchet", "HUR", 60, 100),
            Sale("Étude d'impact (jour)", "DAY", 500, 800),
        ),
        0.25,
        0.05,
        "subcontracting",
        2700,
    ),
    "sante": SectorTrade(
        (
            Sale(
                "Séance d'accompagnement",
                "C62",
                50,
                80,
                "0.0",
                "Exonération de TVA, article 261-4-1° du CGI (soins)",
            ),
            Sale("Atelier de prévention en entreprise", "HUR", 90, 150),
        ),
        0.75,
        0.0,
        "resold_goods",
        2200,
    ),
    "mode": SectorTrade(
        (
            Sale("Retouche", "C62", 15, 60),
            Sale("Vêtement sur mesure", "C62", 180, 650),
            Sale("Atelier couture", "C62", 45, 90),
        ),
        0.8,
        0.25,
        "resold_goods",
        1600,
    ),
}
DEFAULT_SECTOR = "conseil"

# Everyday expenses: (category, label, supplier, low, high) in euros excluding VAT.
EXPENSES: tuple[tuple[str, str, str, int, int], ...] = (
    ("travel", "Navigo mensuel", "RATP", 70, 90),
    ("travel", "Billet de train", "SNCF Voyageurs", 40, 180),
    ("mission", "Repas avec un client", "Restaurant Le Comptoir", 20, 60),
    ("mission", "Hôtel pour une mission", "Hôtel de la Gare", 70, 140),
    ("supplies", "Fournitures de bureau", "Bureau Vallée", 15, 90),
    ("supplies", "Petit matériel", "Leroy Merlin", 20, 250),
    ("services", "Abonnement téléphone", "Free Mobile", 16, 20),
    ("services", "Logiciel en ligne (mois)", "Logiciels Libres SCIC", 10, 40),
    ("services", "Impression de flyers", "Imprimerie Solidaire", 60, 300),
    ("training", "Formation professionnelle", "Organisme de formation", 150, 600),
    ("other", "Cotisation à un réseau professionnel", "Réseau des indépendants", 30, 120),
)
PURCHASE_LABELS = {
    "resold_goods": ("Achat de marchandises", "Grossiste régional"),
    "subcontracting": ("Sous-traitance", "Prestataire extérieur"),
}
ESTIMATE_NOTES = (
    "Devis valable un mois. Acompte de 30 % à la commande.",
    "Conditions : paiement à 30 jours.",
    "",
)
CREDIT_REASONS = (
    "Prestation annulée par le client",
    "Erreur de quantité sur la facture",
    "Geste commercial",
    "Remise oubliée",
)
