"""A test directory and a labelled relevance set for the directory's search.

Written for this project: 209 members with realistic profiles (skills from the built-in
nomenclature with their levels, presentation, enseigne, sector, portfolio, zones,
availability; some have left the cooperative) and 49 French queries, each with the members a
person typing it wants to find.

Judgements are made from what the members *are* — a skill they hold, a speciality their
presentation states —, never from what the engine answers. Members who left the cooperative
are never relevant. Each query has between 1 and 10 relevant members, so recall@10 can reach 1.
The last queries are needs in the words of someone who does not know the nomenclature.

Used by tests/skills/test_search_relevance.py (recall@10 ≥ 0.9 on both databases) and by
bench/search_relevance.py (prints recall@10 and MRR per query). The skills are nodes of the
built-in nomenclature (essaim/skills/data/nomenclature.jsonl), loaded by a migration: a change
of its labels or aliases changes the answers, and the fingerprint test says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

# ---------------------------------------------------------------- skills

# The fixture's short names for nodes of the built-in nomenclature.
NODES: dict[str, str] = {
    "COUPE": "coiffure.coiffeur.coupe-femme",
    "BARBE": "coiffure.barbier.taille-barbe",
    "COLVEG": "coiffure.coloriste-vegetal.coloration-vegetale",
    "CHIGNON": "coiffure.coiffeur-domicile.coiffure-mariee",
    "VISAGE": "esthetique.estheticien.soins-visage",
    "EPIL": "esthetique.estheticien.epilation",
    "MAQUIL": "esthetique.maquilleur.maquillage-scene",
    "MASSCA": "bien-etre.praticien-massage.californien",
    "REFLEXO": "bien-etre.reflexologue.plantaire",
    "SITE": "numerique.createur-sites",
    "WP": "numerique.createur-sites.wordpress",
    "DJANGO": "numerique.developpeur-web.python",
    "MOBILE": "numerique.developpeur-applications.mobile",
    "LOGO": "graphisme.graphiste.identite-visuelle",
    "PAO": "graphisme.graphiste.mise-en-page",
    "ILLU": "graphisme.illustrateur",
    "RESEAUX": "communication.community-manager.reseaux-sociaux",
    "REDWEB": "redaction.redacteur.contenus-web",
    "INSTELEC": "batiment.electricien.installation",
    "DOMO": "batiment.electricien.domotique",
    "NORMES": "batiment.electricien.mise-aux-normes",
    "DEPAN": "batiment.plombier.fuites",
    "SANIT": "batiment.plombier.sanitaires",
    "CHAUF": "batiment.chauffagiste",
    "PEINTINT": "batiment.peintre.interieur",
    "CHAUX": "batiment.peintre.enduits",
    "AGENC": "batiment.menuisier.agencement",
    "RESTAU": "artisanat.ebeniste.restauration",
    "ENTRJ": "jardin.jardinier.tonte",
    "POTAG": "jardin.permaculteur.potager",
    "ELAG": "jardin.elagueur.elagage",
    "PERMA": "jardin.permaculteur.design",
    "TENUE": "gestion.comptable.tenue",
    "BILAN": "gestion.comptable.bilan",
    "PAIE": "gestion.paie.bulletins",
    "SECDIST": "gestion.telesecretaire",
    "GESTADM": "gestion.assistant.gestion-administrative",
    "FADULT": "transversal.former-adultes",
    "INGFORM": "formation.formateur.programmes",
    "BUREAU": "formation.formateur-numerique.bureautique",
    "FLE": "formation.formateur-fle.fle-adultes",
    "BILCOMP": "formation.bilan-competences.bilans",
    "RECONV": "formation.bilan-competences.orientation",
    "VEGE": "alimentation.cuisinier.vegetarienne",
    "BUFFET": "alimentation.traiteur.buffets",
    "COURSCUI": "alimentation.chef-domicile.cours-cuisine",
    "LEVAIN": "alimentation.boulanger.levain",
    "PATISS": "alimentation.patissier.gateaux-fete",
    "PHMAR": "image.photographe.mariage",
    "PHCUL": "image.photographe.produits",
    "PHENT": "image.photographe.portrait",
    "TRANG": "redaction.traducteur.anglais-francais",
    "TRARA": "redaction.traducteur.juridique",
    "SOUSTI": "redaction.traducteur.sous-titrage",
    "RETOU": "mode.retoucheur.courantes",
    "CREAVET": "mode.couturier.sur-mesure",
    "UPCY": "mode.styliste.upcycling",
    "TOUR": "artisanat.ceramiste.tournage",
    "ATELIER": "transversal.animer-atelier",
    "PROJET": "transversal.conduire-projet",
    "MEDIA": "transversal.mediation",
    "VENTE": "transversal.vendre",
    "AO": "transversal.appel-offres",
}

# What a member who holds a skill at level 2 or 3 tends to write about it.
SKILL_PHRASES: dict[str, str] = {
    "COUPE": "Coupes femme adaptées à votre visage, à domicile ou en salon partagé.",
    "BARBE": "Coupe homme, dégradés et taille de barbe à l'ancienne.",
    "COLVEG": "Colorations 100 % végétales : henné, indigo et plantes tinctoriales.",
    "CHIGNON": "Chignons et coiffures de mariée, essais compris.",
    "VISAGE": "Soins du visage sur mesure avec des produits bio.",
    "EPIL": "Épilation à la cire orientale.",
    "MAQUIL": "Maquillage de scène et de mariage.",
    "MASSCA": "Massages californiens relaxants à domicile.",
    "REFLEXO": "Séances de réflexologie plantaire.",
    "SITE": "Je crée des sites internet vitrines et des boutiques en ligne.",
    "WP": "Sites sous WordPress, thèmes et extensions sur mesure.",
    "DJANGO": "Applications métier en Python avec Django.",
    "MOBILE": "Applications mobiles Android et iOS.",
    "LOGO": "Création de logos et d'identités visuelles.",
    "PAO": "Mise en page de plaquettes, affiches et livrets.",
    "ILLU": "Illustrations à l'aquarelle et au trait pour l'édition.",
    "RESEAUX": "J'anime vos réseaux sociaux : Instagram, Facebook, LinkedIn.",
    "REDWEB": "Rédaction d'articles de blog optimisés pour le référencement.",
    "INSTELEC": "Installations électriques neuves et rénovation de tableaux.",
    "DOMO": "Domotique : volets, éclairage et chauffage pilotés à distance.",
    "NORMES": "Mise aux normes NF C 15-100 et diagnostics.",
    "DEPAN": "Dépannage rapide : fuites, robinetterie, débouchage.",
    "SANIT": "Création de salles de bain clés en main.",
    "CHAUF": "Entretien de chaudières et pose de pompes à chaleur.",
    "PEINTINT": "Peinture intérieure soignée, murs et plafonds.",
    "CHAUX": "Enduits à la chaux et tadelakt pour le bâti ancien.",
    "AGENC": "Agencement sur mesure : placards, bibliothèques, cuisines.",
    "RESTAU": "Restauration de meubles anciens et vernis au tampon.",
    "ENTRJ": "Entretien de jardins : tonte, haies, désherbage sans produits chimiques.",
    "POTAG": "Création de potagers en carrés et jardins partagés.",
    "ELAG": "Taille d'arbres fruitiers et élagage en hauteur.",
    "PERMA": "Conception de jardins en permaculture.",
    "TENUE": "Tenue de la comptabilité des TPE et associations.",
    "BILAN": "Préparation des bilans et liasses fiscales.",
    "PAIE": "Établissement des fiches de paie et déclarations sociales.",
    "SECDIST": "Secrétariat à distance pour artisans et professions libérales.",
    "GESTADM": "Classement, relances et suivi administratif.",
    "FADULT": "J'anime des formations pour adultes en reconversion.",
    "INGFORM": "Conception de parcours de formation et de référentiels.",
    "BUREAU": "Formations Excel et Word pour débutants.",
    "FLE": "Cours de français langue étrangère et ateliers d'alphabétisation.",
    "BILCOMP": "Bilans de compétences éligibles au CPF.",
    "RECONV": "Accompagnement des reconversions professionnelles.",
    "VEGE": "Cuisine végétarienne de saison, produits locaux.",
    "BUFFET": "Buffets et cocktails dînatoires pour vos événements.",
    "COURSCUI": "Cours de cuisine en petit groupe.",
    "LEVAIN": "Pain au levain naturel cuit au feu de bois.",
    "PATISS": "Pâtisseries et gâteaux de fête.",
    "PHMAR": "Reportages de mariage, du matin au bal.",
    "PHCUL": "Photographie culinaire pour restaurants et éditeurs.",
    "PHENT": "Portraits et reportages d'entreprise.",
    "TRANG": "Traductions de l'anglais vers le français.",
    "TRARA": "Traductions de l'arabe vers le français, assermentée.",
    "SOUSTI": "Sous-titrage de films et de vidéos.",
    "RETOU": "Retouches de vêtements : ourlets, fermetures, ajustements.",
    "CREAVET": "Création de vêtements sur mesure.",
    "UPCY": "Upcycling : je transforme vos vieux textiles en pièces uniques.",
    "TOUR": "Tournage de pièces utilitaires en grès.",
    "ATELIER": "J'anime des ateliers collectifs.",
    "PROJET": "Je pilote des projets de A à Z.",
    "MEDIA": "Médiation entre voisins, familles ou associés.",
    "VENTE": "À l'aise dans la vente et la relation client.",
    "AO": "Je rédige des réponses aux appels d'offres publics.",
}

# Per trade: the enseigne's description and the sector; a member's presentation starts there.
TRADES: dict[str, tuple[str, str]] = {
    "COIF": ("Coiffure à domicile et en salon partagé.", "Coiffure et esthétique"),
    "ESTH": ("Soins esthétiques à domicile.", "Coiffure et esthétique"),
    "MASS": ("Massages bien-être non thérapeutiques.", "Coiffure et esthétique"),
    "DEVWEB": ("Développement de sites et d'applications.", "Numérique"),
    "GRAPH": ("Graphisme et communication visuelle.", "Numérique"),
    "CM": ("Communication sur les réseaux sociaux.", "Numérique"),
    "ELEC": ("Électricité générale, neuf et rénovation.", "Bâtiment"),
    "PLOMB": ("Plomberie et chauffage.", "Bâtiment"),
    "PEINT": ("Peinture et décoration intérieure.", "Bâtiment"),
    "MENUI": ("Menuiserie bois et agencement.", "Bâtiment"),
    "JARD": ("Entretien et création de jardins.", "Jardins et paysages"),
    "COMPTA": ("Comptabilité et gestion pour les petites structures.", "Conseil et gestion"),
    "ASSIST": ("Assistance administrative aux indépendants.", "Conseil et gestion"),
    "FORMAT": ("Organisme de formation.", "Formation"),
    "COACH": ("Coaching professionnel et orientation.", "Formation"),
    "TRAIT": ("Traiteur et cuisine à domicile.", "Alimentation"),
    "BOUL": ("Boulangerie artisanale.", "Alimentation"),
    "PHOTO": ("Photographie professionnelle.", "Culture et communication"),
    "TRAD": ("Traduction et interprétariat.", "Culture et communication"),
    "GARDE": ("Garde d'enfants à domicile.", "Services à la personne"),
    "AIDEDOM": ("Aide à domicile des personnes âgées.", "Services à la personne"),
    "COUT": ("Couture et retouches.", "Artisanat"),
    "CERAM": ("Atelier de céramique.", "Artisanat"),
}

# ---------------------------------------------------------------- members


@dataclass(frozen=True)
class MemberSpec:
    key: str
    first_name: str
    last_name: str
    trade: str  # what they do (TRADES), or NEW for someone starting out
    skills: tuple[tuple[str, int], ...]
    zones: tuple[str, ...]
    enseigne: str
    extra: str = ""  # a sentence of their own in the presentation
    portfolio: tuple[tuple[str, str], ...] = ()
    remote: bool = False
    available: bool = True
    exited: bool = False

    @property
    def description(self) -> str:
        return TRADES[self.trade][0] if self.trade in TRADES else "Activité en cours de définition."

    @property
    def sector(self) -> str:
        return TRADES[self.trade][1] if self.trade in TRADES else "Autre"

    @property
    def presentation(self) -> str:
        parts = [self.description]
        parts += [SKILL_PHRASES[code] for code, level in self.skills if level >= 2]
        if self.extra:
            parts.append(self.extra)
        return " ".join(parts)


# One member per block: key | name | trade | skills (short name:level, "-" for none) |
# départements | enseigne; then, indented, "+" a sentence of their own in the presentation,
# "@" a portfolio item (title — description), "!" remote, exited (has left), busy (not
# available).
MEMBERS_TABLE = """
coif1 | Léa Marchetti | COIF | COUPE:3 COLVEG:3 CHIGNON:2 | 93 75 | L'Atelier de Léa
  + Réservez sur mon site internet.
  @ Mariage au château de Vincennes — Coiffures de la mariée et de ses témoins
coif2 | Samia Benali | COIF | COUPE:2 BARBE:3 | 93 | Samia Coiffure
  + Colorations et mèches classiques.
coif3 | Inès Carvalho | COIF | COUPE:3 CHIGNON:3 | 92 75 | Chignons d'Inès
  @ Défilé de mode à Boulogne
coif4 | Jeanne Roussel | COIF | COUPE:2 COLVEG:2 | 94 | Cheveux au naturel
coif5 | Karim Haddad | COIF | BARBE:3 COUPE:1 | 75 | Le Barbier de Belleville
coif6 | Margaux Lemaire | COIF | COUPE:2 | 77 91 | Margaux Coiffure
  + Spécialiste de la coloration végétale et des soins au henné.
coif7 | Nadia Ferhat | COIF | COUPE:2 CHIGNON:1 | 95 | Nadia à domicile
  + Coiffure à domicile pour les personnes âgées.
coif8 | Paulette Giraud | COIF | COLVEG:1 COUPE:2 | 93 | Racines
  + Colorations chimiques et balayages.
coif9 | Sofiane Amrani | COIF | BARBE:2 COUPE:2 | 93 94 | Studio Sofiane
coif10 | Chloé Vasseur | COIF | COUPE:2 VENTE:2 | 78 | Chloé Coiffe
coif11 | Yvette Morel | COIF | COLVEG:3 COUPE:3 | 93 | Henné & Co
  ! exited
esth1 | Amandine Pottier | ESTH | VISAGE:3 EPIL:2 | 75 | Éclat de Soi
  + Esthéticienne à domicile dans Paris.
esth2 | Fatou Diallo | ESTH | VISAGE:2 MAQUIL:3 | 93 | Fatou Beauté
  + Je me déplace à domicile.
esth3 | Coralie Brun | ESTH | EPIL:3 VISAGE:2 | 94 77 | Coralie Esthétique
esth4 | Julie Masson | ESTH | MAQUIL:3 | 75 92 | Julie Make-up
  + Maquilleuse pour le théâtre et le cinéma.
esth5 | Rose Nguyen | ESTH | VISAGE:2 EPIL:2 | 91 | Rose Institut à domicile
  + Soins à domicile ou dans ma cabine.
esth6 | Hélène Dupuis | ESTH | VISAGE:2 | 95 | Socio-beauté
  + Socio-esthéticienne en EHPAD et en hôpital.
mass1 | Elsa Fontaine | MASS | MASSCA:3 REFLEXO:2 | 75 | Elsa Massages
mass2 | Thomas Lefort | MASS | MASSCA:2 | 93 94 | Mains de Thomas
mass3 | Aïcha Toure | MASS | REFLEXO:3 | 92 | Pieds Légers
mass4 | Bruno Caron | MASS | MASSCA:2 ATELIER:2 | 77 | Détente à domicile
dev1 | Camille Royer | DEVWEB | SITE:3 WP:3 | 93 75 | Camille Web
  + Développeuse web freelance depuis 8 ans.
  @ Site de la boulangerie Au Bon Levain — Site vitrine WordPress avec commande
  ! remote
dev2 | Julien Perrin | DEVWEB | DJANGO:3 SITE:2 | 69 | Perrin Logiciels
  + Développeur Python, applications sur mesure.
  ! remote
dev3 | Sarah Cohen | DEVWEB | MOBILE:3 DJANGO:2 | 75 | Appli Sarah
  + Développeuse d'applications mobiles.
  ! remote
dev4 | Mehdi Kaci | DEVWEB | SITE:2 WP:2 | 93 | MK Sites
  @ Site internet d'une association de quartier
dev5 | Aurélie Blanchard | DEVWEB | WP:3 SITE:3 PROJET:2 | 94 | Aurélie Digital
  + Intégratrice web et cheffe de projet.
dev6 | Hugo Lambert | DEVWEB | DJANGO:2 | 33 | Lambert Code
  ! remote
dev7 | Nina Petit | DEVWEB | SITE:1 WP:1 | 92 | Nina Crée
  + Développeuse web junior, sortie de formation.
  ! remote
dev8 | Olivier Marchal | DEVWEB | MOBILE:2 SITE:2 | 91 | OM Apps
dev9 | Yasmine Saïdi | DEVWEB | SITE:2 DJANGO:1 AO:2 | 95 | Yasmine Web
  + Programmeuse, je réponds aussi aux marchés publics.
dev10 | Gérard Bailly | DEVWEB | SITE:3 | 75 | Bailly Net
  ! exited
graph1 | Lucie Moreau | GRAPH | LOGO:3 PAO:2 | 75 | Atelier Lucie
  + Graphiste, je travaille aussi la typographie.
  @ Logo de la Coopérative du Lin — Identité visuelle complète
graph2 | Antoine Giraud | GRAPH | ILLU:3 PAO:2 | 93 | Trait d'Antoine
  + Illustrateur jeunesse.
graph3 | Maëlle Renaud | GRAPH | LOGO:2 SITE:1 | 94 | Maëlle Design
  + Je réalise aussi des maquettes de sites internet.
graph4 | Pierre Dumas | GRAPH | PAO:3 | 92 | Dumas PAO
graph5 | Clara Meyer | GRAPH | LOGO:3 ILLU:2 | 67 | Clara Graphisme
  ! remote
graph6 | Victor Andrieu | GRAPH | PAO:2 LOGO:1 | 77 | Studio Victor
cm1 | Manon Leclerc | CM | RESEAUX:3 REDWEB:2 | 75 | Manon Social
  + Community manageuse pour les commerces de proximité.
  ! remote
cm2 | Bilal Ouali | CM | RESEAUX:2 | 93 | Buzz Local
cm3 | Émilie Garnier | CM | REDWEB:3 | 13 | Plume Web
  + Rédactrice web spécialisée dans le tourisme.
  ! remote
cm4 | Romain Noël | CM | RESEAUX:2 PHENT:1 | 94 | Romain Réseaux
cm5 | Océane Collin | CM | RESEAUX:2 REDWEB:2 | 92 | Océane Com
  + Je gère aussi votre page web.
elec1 | Sandrine Lopez | ELEC | INSTELEC:3 NORMES:3 | 93 | Lopez Électricité
  + Électricienne, je forme aussi des apprenties.
elec2 | Marc Fabre | ELEC | INSTELEC:2 DOMO:3 | 75 92 | Fabre Domotique
elec3 | Nathalie Riviere | ELEC | NORMES:2 | 94 | NR Élec
  + Électricienne du bâtiment depuis 15 ans.
elec4 | Ousmane Keita | ELEC | INSTELEC:3 | 95 | Keita Électricité Générale
elec5 | Laurent Colas | ELEC | DOMO:2 INSTELEC:2 | 78 | Colas Habitat Connecté
elec6 | Agathe Simon | ELEC | INSTELEC:1 | 93 | Agathe Élec
  + Électricienne en début d'activité.
elec7 | Didier Rey | ELEC | NORMES:3 INSTELEC:3 | 77 | Rey Électricité
plomb1 | Patrick Henry | PLOMB | DEPAN:3 SANIT:2 | 93 | Henry Plomberie
plomb2 | Sylvie Bonnet | PLOMB | CHAUF:3 | 94 | Bonnet Chauffage
  + Chauffagiste, certifiée RGE.
plomb3 | Rachid Belkacem | PLOMB | DEPAN:2 CHAUF:2 | 75 | RB Dépannage
plomb4 | Joël Perret | PLOMB | SANIT:3 | 92 | Perret Bains
plomb5 | Morgane Leroy | PLOMB | DEPAN:2 SANIT:2 | 91 | Morgane Plomberie
  + Plombière, interventions en urgence.
plomb6 | Alain Vidal | PLOMB | CHAUF:2 DEPAN:1 | 77 | Vidal Thermique
peint1 | Stéphane Robin | PEINT | PEINTINT:3 | 93 | Robin Déco
peint2 | Claire Aubert | PEINT | CHAUX:3 PEINTINT:2 | 75 | Chaux et Couleurs
  + Peintre décoratrice, matériaux naturels.
peint3 | Kevin Barbier | PEINT | PEINTINT:2 | 94 | KB Peinture
peint4 | Louise Martineau | PEINT | CHAUX:2 | 60 | Les Enduits de Louise
peint5 | Yannick Schmitt | PEINT | PEINTINT:2 CHAUX:1 | 92 | Schmitt Rénovation
menui1 | François Girard | MENUI | AGENC:3 | 93 | Girard Agencement
  + Menuisier ébéniste, bois massif.
menui2 | Anaïs Clément | MENUI | RESTAU:3 | 75 | L'Établi d'Anaïs
  + Menuisière, je restaure des meubles anciens.
menui3 | Damien Lucas | MENUI | AGENC:2 RESTAU:1 | 94 | Lucas Bois
menui4 | Émile Fournier | MENUI | AGENC:2 | 77 | Fournier Menuiserie
menui5 | Gaëlle Picard | MENUI | RESTAU:2 ATELIER:2 | 92 | Gaëlle Patine
  + J'anime aussi des ateliers de relooking de meubles.
jard1 | Mathieu Lefebvre | JARD | ENTRJ:3 ELAG:2 | 93 | Les Jardins de Mathieu
jard2 | Sophie Mercier | JARD | POTAG:3 PERMA:3 | 93 94 | Potagers Partagés
  + Jardinière, j'accompagne les jardins partagés de Seine-Saint-Denis.
jard3 | Ahmed Bouzid | JARD | ENTRJ:2 | 75 | Bouzid Espaces Verts
jard4 | Céline Faure | JARD | PERMA:3 ATELIER:2 | 77 | Permaculture 77
  + Formations et ateliers de permaculture.
jard5 | Guillaume Roche | JARD | ELAG:3 | 95 | Roche Élagage
  + Élagueur grimpeur certifié.
jard6 | Isabelle Leroux | JARD | ENTRJ:2 POTAG:2 | 93 | Isa Jardine
  + Paysagiste, petits et grands jardins.
jard7 | Lucas Morin | JARD | ENTRJ:2 | 92 | Morin Paysage
jard8 | Nicolas Gauthier | JARD | ELAG:2 ENTRJ:1 | 93 | Gauthier Arbres
jard9 | Pauline Chevalier | JARD | POTAG:2 | 91 | Pauline Potagers
jard10 | Ludovic Hamon | JARD | ENTRJ:3 | 93 | Hamon Jardins
  ! exited
compta1 | Valérie Garcia | COMPTA | TENUE:3 BILAN:3 | 75 | Garcia Gestion
  + Aide-comptable pour les TPE.
  ! remote
compta2 | Franck Dubois | COMPTA | PAIE:3 | 93 | Dubois Paie
  + Gestionnaire de paie.
compta3 | Mélanie Renard | COMPTA | TENUE:2 PAIE:2 | 94 | Mélanie Compta
  ! remote
compta4 | Hervé Lacroix | COMPTA | BILAN:3 TENUE:2 | 92 | Lacroix Expertise
compta5 | Farida Mansouri | COMPTA | TENUE:2 | 95 | Farida Gestion
  + Comptabilité des associations.
compta6 | Cédric Gilbert | COMPTA | TENUE:1 | 77 | CG Saisie
  ! remote
compta7 | Josiane Adam | COMPTA | PAIE:2 BILAN:2 | 91 | Adam Conseil
assist1 | Sabrina Lemoine | ASSIST | SECDIST:3 | 93 | Sabrina Assistance
  + Assistante administrative pour artisans.
  ! remote
assist2 | Béatrice Charpentier | ASSIST | GESTADM:3 SECDIST:2 | 75 | BC Secrétariat
  ! remote
assist3 | Nadège Poirier | ASSIST | GESTADM:2 | 94 | Nadège Admin
assist4 | Laetitia Hubert | ASSIST | SECDIST:2 | 59 | Secrétaire à distance
  ! remote
assist5 | Gilles Prevost | ASSIST | GESTADM:2 TENUE:1 | 92 | Prevost Services
form1 | Catherine Millet | FORMAT | FADULT:3 INGFORM:3 | 75 | Millet Formation
  + Formatrice d'adultes depuis vingt ans.
form2 | Rémi Carpentier | FORMAT | BUREAU:3 | 93 | Rémi Bureautique
  + Formations Excel pour les salariés.
form3 | Naïma Slimani | FORMAT | FLE:3 FADULT:2 | 93 | Langues en Partage
  + Formatrice FLE et alphabétisation.
form4 | Yves Barre | FORMAT | INGFORM:2 FADULT:2 | 94 | Barre Conseil Formation
form5 | Delphine Arnaud | FORMAT | FADULT:2 BUREAU:2 | 92 | Delphine Forme
  + Formations pour adultes éloignés de l'emploi.
form6 | Kelly Martins | FORMAT | BUREAU:2 | 95 | Kelly Formations
  + Ateliers numériques pour enfants et adolescents.
form7 | Bernard Huet | FORMAT | INGFORM:3 | 69 | Huet Ingénierie
form8 | Lina Ramos | FORMAT | FLE:2 | 75 | Lina FLE
coach1 | Valentine Besson | COACH | BILCOMP:3 RECONV:3 | 75 | Cap Reconversion
  + Coache certifiée, bilans de compétences.
coach2 | Jérôme Legrand | COACH | RECONV:2 | 93 | Jérôme Coaching
coach3 | Anne-Sophie Roy | COACH | BILCOMP:2 | 92 | AS Bilans
coach4 | Mourad Chaoui | COACH | RECONV:3 ATELIER:2 | 94 | Nouveau Cap
  + Ateliers collectifs de reconversion.
coach5 | Florence Maillard | COACH | BILCOMP:2 MEDIA:2 | 77 | Florence Coach
trait1 | Léon Bertrand | TRAIT | VEGE:3 BUFFET:2 | 93 | Léon Végétal
  + Traiteur 100 % végétarien.
trait2 | Mariam Koné | TRAIT | BUFFET:3 | 75 | Saveurs de Mariam
  + Cuisine africaine pour vos événements.
trait3 | Gabriel Duval | TRAIT | COURSCUI:3 VEGE:2 | 94 | Gabriel Cuisine
  + Chef à domicile et cours de cuisine.
trait4 | Zoé Lemaitre | TRAIT | BUFFET:2 VEGE:2 | 92 | Zoé Traiteur
trait5 | Hakim Rahmani | TRAIT | COURSCUI:2 | 93 | Atelier Hakim
  + Ateliers cuisine du monde.
trait6 | Brigitte Perrot | TRAIT | BUFFET:2 | 77 | Perrot Réceptions
trait7 | Quentin Marie | TRAIT | VEGE:2 | 95 | Quentin Vert
  + Cuisinier, menus végétariens pour les cantines.
boul1 | Alexandre Charles | BOUL | LEVAIN:3 | 93 | Le Fournil Charles
  + Boulanger paysan, farines bio.
boul2 | Estelle Renaud | BOUL | PATISS:3 | 75 | Estelle Pâtisse
  + Pâtissière, gâteaux d'anniversaire.
boul3 | Paul Guerin | BOUL | LEVAIN:2 PATISS:2 | 94 | Fournil Guerin
boul4 | Solène Muller | BOUL | LEVAIN:2 | 77 | La Mie de Solène
photo1 | Maxime Laurent | PHOTO | PHMAR:3 | 75 | Maxime Photo
  @ Mariage de Sarah et Tom — Reportage complet en argentique
photo2 | Laura Fleury | PHOTO | PHCUL:3 PHENT:2 | 93 | Laura Images
  + Photographe culinaire pour les chefs.
photo3 | David Benoit | PHOTO | PHENT:3 | 92 | Benoit Corporate
photo4 | Jade Nicolas | PHOTO | PHMAR:2 PHENT:1 | 94 | Jade Photographie
  + Photographe de mariage et de famille.
photo5 | Thierry Moulin | PHOTO | PHENT:2 | 77 | Moulin Reportages
photo6 | Lola Garnier | PHOTO | PHMAR:1 PHCUL:2 | 95 | Lola Clic
trad1 | Leïla Mansour | TRAD | TRARA:3 TRANG:2 | 93 | Leïla Traductions
  + Traductrice et interprète arabe, anglais.
  ! remote
trad2 | Kevin O'Brien | TRAD | TRANG:3 SOUSTI:3 | 75 | Subtitles & Co
  + Traducteur audiovisuel.
  ! remote
trad3 | Hanane Idrissi | TRAD | TRARA:2 | 94 | Hanane Interprète
  + Interprète en milieu social.
  ! remote
trad4 | Marie Lefèvre | TRAD | TRANG:2 | 92 | ML Traduction
  ! remote
trad5 | Nour Haddad | TRAD | SOUSTI:2 TRARA:1 | 13 | Nour Sous-titres
  + Je sous-titre aussi des films arabes.
  ! remote
trad6 | Éric Vincent | TRAD | TRANG:2 REDWEB:1 | 35 | Vincent Langues
  ! remote
garde1 | Aminata Sow | GARDE | ATELIER:1 | 93 | Aminata Garde
  + Garde d'enfants à domicile, sortie d'école.
garde2 | Mélissa Tessier | GARDE | - | 75 | Mélissa Nounou
  + Nounou bilingue anglais.
garde3 | Lydia Brunet | GARDE | MEDIA:1 | 94 | Lydia Enfance
aide1 | Josette Hoarau | AIDEDOM | - | 93 | Josette Services
  + Auxiliaire de vie, accompagnement des personnes âgées.
aide2 | Moussa Camara | AIDEDOM | - | 95 | Camara Aide
  + Aide à domicile et petits travaux.
aide3 | Armelle Jacob | AIDEDOM | MEDIA:2 | 92 | Armelle Présence
  + Aide ménagère et médiation familiale.
cout1 | Lise Bernard | COUT | RETOU:3 CREAVET:2 | 75 | Lise Couture
  + Couturière, retouches en 48 heures.
cout2 | Fadila Cherif | COUT | RETOU:2 | 93 | Fadila Retouches
cout3 | Océane Marty | COUT | UPCY:3 CREAVET:2 | 94 | Seconde Peau
  + Upcycling et mode éthique.
  @ Collection capsule en jeans recyclés — Vestes et sacs surcyclés
cout4 | Yasmina Larbi | COUT | CREAVET:3 | 92 | Yasmina Création
  + Robes de mariée sur mesure.
cout5 | Annie Leblanc | COUT | RETOU:2 UPCY:1 | 77 | Annie Aiguille
cout6 | Sylvain Roger | COUT | CREAVET:2 ATELIER:2 | 95 | Sylvain Couture
  + Ateliers couture pour débutants.
ceram1 | Marion Dufour | CERAM | TOUR:3 | 93 | Terre de Marion
  + Céramiste, vaisselle en grès.
ceram2 | Thibault Olivier | CERAM | TOUR:2 ATELIER:3 | 75 | Atelier Thibault
  + Cours de poterie pour adultes et enfants.
ceram3 | Noémie Lacombe | CERAM | TOUR:2 | 94 | Noémie Céramique
ceram4 | Albane Roux | CERAM | TOUR:1 | 92 | Albane Terre
coif12 | Sandra Lebrun | COIF | COUPE:2 | 60 | Sandra Coupe
coif13 | Mélodie Perez | COIF | COUPE:1 BARBE:1 | 93 | Mélo Coiffure
esth7 | Salomé Rousseau | ESTH | EPIL:2 | 93 | Salomé Beauté
dev11 | Adrien Benard | DEVWEB | DJANGO:2 MOBILE:1 | 44 | Benard Dev
graph7 | Iris Roger | GRAPH | ILLU:2 | 75 | Iris Dessine
elec8 | Frédéric Lemoine | ELEC | INSTELEC:2 | 60 | Lemoine Élec
plomb7 | Gaston Carré | PLOMB | SANIT:2 | 93 | Carré Sanitaires
peint6 | Jordan Da Silva | PEINT | PEINTINT:2 | 95 | JDS Peinture
menui6 | Tristan Baron | MENUI | AGENC:2 | 91 | Baron Bois
jard11 | Roxane Weber | JARD | ENTRJ:2 | 94 | Roxane Jardins
jard12 | Timothée Bouvier | JARD | ENTRJ:1 POTAG:1 | 77 | Timothée Vert
compta8 | Karine Mallet | COMPTA | BILAN:2 | 93 | Mallet Expertise
assist6 | Nadia Benoit | ASSIST | GESTADM:2 | 93 | Nadia Bureau
form9 | Grégoire Texier | FORMAT | BUREAU:2 | 77 | Texier Formations
coach6 | Sonia Meunier | COACH | RECONV:2 | 95 | Sonia Coaching
trait8 | Ibrahim Diop | TRAIT | BUFFET:2 | 93 | Diop Traiteur
boul5 | Charlotte Leclercq | BOUL | PATISS:2 | 92 | Charlotte Gâteaux
photo7 | Arthur Chauvin | PHOTO | PHENT:2 | 75 | Chauvin Studio
trad7 | Ana Ferreira | TRAD | TRANG:2 | 75 | Ana Traduções
cout7 | Mireille Joly | COUT | RETOU:2 | 91 | Mireille Retouche
ceram5 | Gabin Lecomte | CERAM | TOUR:2 | 77 | Gabin Grès
garde4 | Kadiatou Traoré | GARDE | - | 93 | Kadi Enfance
aide4 | Bernadette Colin | AIDEDOM | - | 94 | Bernadette Aide
mass5 | Lucille Hardy | MASS | MASSCA:1 | 95 | Lucille Massages
cm6 | Dylan Moreau | CM | RESEAUX:1 | 93 | Dylan Digital
new1 | Arnaud Fleury | NEW | - | 75 | Projet Fleury
  + Je démarre mon activité.
  ! busy
new2 | Bérénice Lacoste | NEW | - | 93 | Projet Lacoste
  + Je démarre mon activité.
new3 | Cyril Brunel | NEW | - | 94 | Projet Brunel
  + Je démarre mon activité.
new4 | Dounia Azzouz | NEW | - | 92 | Projet Azzouz
  + Je démarre mon activité.
  ! busy
new5 | Étienne Gros | NEW | - | 77 | Projet Gros
  + Je démarre mon activité.
new6 | Flora Bodin | NEW | - | 91 | Projet Bodin
  + Je démarre mon activité.
new7 | Gaspard Royer | NEW | - | 95 | Projet Royer
  + Je démarre mon activité.
  ! busy
new8 | Hortense Lamy | NEW | - | 78 | Projet Lamy
  + Je démarre mon activité.
new9 | Ilyes Mebarki | NEW | - | 75 | Projet Mebarki
  + Je démarre mon activité.
new10 | Jocelyne Pages | NEW | - | 93 | Projet Pages
  + Je démarre mon activité.
  ! busy
new11 | Kenza Amara | NEW | - | 94 | Projet Amara
  + Je démarre mon activité.
new12 | Loïc Tanguy | NEW | - | 92 | Projet Tanguy
  + Je démarre mon activité.
new13 | Maud Briand | NEW | - | 77 | Projet Briand
  + Je démarre mon activité.
  ! busy
new14 | Nolan Rocher | NEW | - | 91 | Projet Rocher
  + Je démarre mon activité.
new15 | Ophélie Carlier | NEW | - | 95 | Projet Carlier
  + Je démarre mon activité.
new16 | Pascal Laine | NEW | - | 78 | Projet Laine
  + Je démarre mon activité.
  ! busy
new17 | Rania Hamdi | NEW | - | 75 | Projet Hamdi
  + Je démarre mon activité.
new18 | Simon Gallet | NEW | - | 93 | Projet Gallet
  + Je démarre mon activité.
new19 | Tiphaine Guillot | NEW | - | 94 | Projet Guillot
  + Je démarre mon activité.
  ! busy
new20 | Ulysse Marchand | NEW | - | 92 | Projet Marchand
  + Je démarre mon activité.
new21 | Violette Cordier | NEW | - | 77 | Projet Cordier
  + Je démarre mon activité.
new22 | William Lebon | NEW | - | 91 | Projet Lebon
  + Je démarre mon activité.
  ! busy
new23 | Xavier Poulain | NEW | - | 95 | Projet Poulain
  + Je démarre mon activité.
new24 | Yaëlle Bouchet | NEW | - | 78 | Projet Bouchet
  + Je démarre mon activité.
new25 | Zacharie Huard | NEW | - | 75 | Projet Huard
  + Je démarre mon activité.
  ! busy
new26 | Agnès Rolland | NEW | - | 93 | Projet Rolland
  + Je démarre mon activité.
new27 | Basile Jourdan | NEW | - | 94 | Projet Jourdan
  + Je démarre mon activité.
new28 | Capucine Hebert | NEW | - | 92 | Projet Hebert
  + Je démarre mon activité.
  ! busy
new29 | Dorian Maillot | NEW | - | 77 | Projet Maillot
  + Je démarre mon activité.
new30 | Elise Tessier | NEW | - | 91 | Projet Tessier
  + Je démarre mon activité.
new31 | Fabien Lucas | NEW | - | 95 | Projet Lucas
  + Je démarre mon activité.
  ! busy
new32 | Gwenaëlle Ollivier | NEW | - | 78 | Projet Ollivier
  + Je démarre mon activité.
new33 | Hector Germain | NEW | - | 75 | Projet Germain
  + Je démarre mon activité.
new34 | Ilona Besnard | NEW | - | 93 | Projet Besnard
  + Je démarre mon activité.
  ! busy
new35 | Jonas Ferrand | NEW | - | 94 | Projet Ferrand
  + Je démarre mon activité.
new36 | Kheira Saadi | NEW | - | 92 | Projet Saadi
  + Je démarre mon activité.
new37 | Léandre Humbert | NEW | - | 77 | Projet Humbert
  + Je démarre mon activité.
  ! busy
new38 | Mila Carpentier | NEW | - | 91 | Projet Carpentier
  + Je démarre mon activité.
new39 | Nathan Lebreton | NEW | - | 95 | Projet Lebreton
  + Je démarre mon activité.
new40 | Oriane Delmas | NEW | - | 78 | Projet Delmas
  + Je démarre mon activité.
  ! busy
gone1 | Régis Pelletier | ELEC | INSTELEC:3 DOMO:3 | 93 | Pelletier Élec
  ! exited
gone2 | Sidonie Vallet | FORMAT | FADULT:3 | 75 | Vallet Formation
  ! exited
gone3 | Ginette Boyer | COMPTA | TENUE:3 | 93 | Boyer Compta
  ! exited
gone4 | Lazare Antoine | PHOTO | PHMAR:3 | 75 | Lazare Photo
  ! exited
gone5 | Céleste Brun | JARD | PERMA:3 | 93 | Céleste Permaculture
  ! exited
"""


def _parse(block: list[str]) -> MemberSpec:
    key, name, trade, skills, zones, enseigne = (cell.strip() for cell in block[0].split("|"))
    first, last = name.split(" ", 1)
    lines = [(line[0], line[1:].strip()) for line in (row.strip() for row in block[1:])]
    flags = " ".join(text for mark, text in lines if mark == "!").split()
    return MemberSpec(
        key=key,
        first_name=first,
        last_name=last,
        trade=trade,
        skills=tuple(
            (code, int(level))
            for code, _, level in (s.partition(":") for s in skills.split() if s != "-")
        ),
        zones=tuple(zones.split()),
        enseigne=enseigne,
        extra=" ".join(text for mark, text in lines if mark == "+"),
        portfolio=tuple(
            (title.strip(), description.strip())
            for title, _, description in (
                text.partition(" — ") for mark, text in lines if mark == "@"
            )
        ),
        remote="remote" in flags,
        available="busy" not in flags,
        exited="exited" in flags,
    )


def _blocks(table: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    for row in table.strip().splitlines():
        if row.startswith(" "):
            blocks[-1].append(row)
        else:
            blocks.append([row])
    return blocks


MEMBERS: list[MemberSpec] = [_parse(block) for block in _blocks(MEMBERS_TABLE)]

# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class Judged:
    text: str
    relevant: Callable[[MemberSpec], bool]
    why: str
    zone: str | None = None


def _skill(*codes: str) -> Callable[[MemberSpec], bool]:
    return lambda m: any(code in codes for code, _level in m.skills)


def _trade(*codes: str) -> Callable[[MemberSpec], bool]:
    return lambda m: m.trade in codes


def _says(*words: str) -> Callable[[MemberSpec], bool]:
    def check(m: MemberSpec) -> bool:
        text = (m.presentation + " " + " ".join(t + " " + d for t, d in m.portfolio)).lower()
        return any(w in text for w in words)

    return check


def _any(*preds: Callable[[MemberSpec], bool]) -> Callable[[MemberSpec], bool]:
    return lambda m: any(p(m) for p in preds)


def _all(*preds: Callable[[MemberSpec], bool]) -> Callable[[MemberSpec], bool]:
    return lambda m: all(p(m) for p in preds)


def _zone(zone: str) -> Callable[[MemberSpec], bool]:
    return lambda m: zone in m.zones


QUERIES: list[Judged] = [
    Judged(
        "coloration végétale",
        _any(_skill("COLVEG"), _says("coloration végétale")),
        "holds the skill, or says it is their speciality",
    ),
    Judged(
        "développeuse web",
        _trade("DEVWEB"),
        "web developers (the feminine form finds the masculine label)",
    ),
    Judged(
        "electricien",
        _trade("ELEC"),
        "electricians (no accent, masculine, finds « Électricienne »)",
    ),
    Judged(
        "compta",
        _any(_trade("COMPTA"), _skill("TENUE")),
        "accountants and bookkeepers: an abbreviation, alias of the trade and of a skill",
    ),
    Judged("formatrice adultes", _skill("FADULT"), "trainers of adults"),
    Judged(
        "jardinier 93", _all(_trade("JARD"), _zone("93")), "gardeners working in Seine-Saint-Denis"
    ),
    Judged("site internet", _skill("SITE"), "makes websites"),
    Judged("photographe mariage", _skill("PHMAR"), "wedding photographers"),
    Judged("traduction arabe", _skill("TRARA"), "translates from Arabic"),
    Judged("chauffagiste", _skill("CHAUF"), "heating: an alias of the plumbing trade, narrowed"),
    Judged(
        "cours de cuisine", _any(_skill("COURSCUI"), _says("ateliers cuisine")), "cooking classes"
    ),
    Judged("permaculture", _any(_skill("PERMA"), _says("permaculture")), "permaculture"),
    Judged("retouches vêtements", _skill("RETOU"), "clothes alterations"),
    Judged("création de logo", _skill("LOGO"), "logo design"),
    Judged("WordPress", _skill("WP"), "WordPress sites"),
    Judged("fiches de paie", _skill("PAIE"), "payroll"),
    Judged("bilan de compétences", _skill("BILCOMP"), "skills assessment"),
    Judged("animation d'ateliers", _skill("ATELIER"), "leads workshops (a social skill)"),
    Judged("répondre aux appels d'offres", _skill("AO"), "answers calls for tender"),
    Judged("médiatrice", _skill("MEDIA"), "mediation (feminine job title of a social skill)"),
    Judged("traiteur végétarien", _skill("VEGE"), "vegetarian caterer"),
    Judged("pain au levain", _skill("LEVAIN"), "sourdough bread"),
    Judged("enduits chaux", _skill("CHAUX"), "lime plaster"),
    Judged("domotique", _skill("DOMO"), "home automation"),
    Judged("secrétaire à distance", _skill("SECDIST"), "remote secretarial work"),
    Judged(
        "esthéticienne à domicile",
        _all(_trade("ESTH"), _says("domicile")),
        "beauticians who come to your home",
    ),
    Judged("massage californien", _skill("MASSCA"), "Californian massage"),
    Judged("community manager", _trade("CM"), "community managers"),
    Judged("sous-titrage", _skill("SOUSTI"), "subtitling"),
    Judged("céramique", _trade("CERAM"), "ceramists"),
    Judged("garde d'enfants", _trade("GARDE"), "childminders"),
    Judged("coach reconversion", _skill("RECONV"), "career-change coaching"),
    Judged("FLE", _skill("FLE"), "French as a foreign language (an abbreviation)"),
    Judged("élagage", _skill("ELAG"), "tree pruning"),
    Judged("fuite d'eau", _skill("DEPAN"), "emergency plumbing: « fuite » is an alias"),
    Judged("application mobile", _skill("MOBILE"), "mobile apps"),
    Judged("Python Django", _skill("DJANGO"), "Python/Django developers"),
    Judged("plombière", _trade("PLOMB"), "plumbers (the feminine title)"),
    # Needs in the words of someone who does not know the nomenclature.
    Judged("refaire ma salle de bain", _skill("SANIT"), "bathroom fitting"),
    Judged("photos pour mon restaurant", _skill("PHCUL"), "food photography"),
    Judged("gâteau d'anniversaire", _skill("PATISS"), "cakes"),
    Judged("cours de poterie", _trade("CERAM"), "ceramists (some teach)"),
    Judged("robe de mariée sur mesure", _skill("CREAVET"), "made-to-measure clothes"),
    Judged("entretien de mon jardin", _skill("ENTRJ"), "garden upkeep"),
    Judged("aide aux personnes âgées", _trade("AIDEDOM"), "home help for the elderly"),
    Judged("tableau électrique", _skill("INSTELEC"), "electrical installation"),
    Judged("apprendre le français", _skill("FLE"), "French as a foreign language"),
    Judged(
        "comptable pour association",
        _all(_trade("COMPTA"), _says("association")),
        "accountants who say they work for associations",
    ),
    Judged("logo pour mon association", _skill("LOGO"), "logo design, whoever asks"),
]


def relevant_keys(judged: Judged) -> set[str]:
    return {m.key for m in MEMBERS if not m.exited and judged.relevant(m)}


# ---------------------------------------------------------------- building it


def build_directory(today: dt.date) -> dict[str, int]:
    """Create the members in bulk, then rebuild the index once, as an import would. The
    built-in nomenclature is there (a migration loads it). Returns member key → id."""
    from essaim.members.models import Activity, Member, Sector
    from essaim.members.text import fold
    from essaim.skills.models import MemberSkill, Node, PortfolioItem, Profile
    from essaim.skills.nomenclature import load_builtin
    from essaim.skills.search_index import reindex_all

    nodes = {n.code: n for n in Node.objects.filter(code__in=NODES.values())}
    if len(nodes) < len(set(NODES.values())):
        load_builtin()
        nodes = {n.code: n for n in Node.objects.filter(code__in=NODES.values())}
    missing = sorted(set(NODES.values()) - set(nodes))
    assert not missing, f"nœuds absents de la nomenclature intégrée : {missing}"
    sectors: dict[str, Sector] = {}
    for label in [*(label for _d, label in TRADES.values()), "Autre"]:
        if label not in sectors:
            sectors[label] = Sector.objects.get_or_create(
                code="rel-" + fold(label).replace(" ", "-")[:36], defaults={"label": label}
            )[0]
    members = Member.objects.bulk_create(
        Member(
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.key}@annuaire.example",
            external_id=f"REL-{spec.key}",
            search_name=fold(f"{spec.last_name} {spec.first_name}"),
            exit_date=today - dt.timedelta(days=30) if spec.exited else None,
            exit_reason="stopped" if spec.exited else "",
            stage="exited" if spec.exited else "cesa",
        )
        for spec in MEMBERS
    )
    ids = {spec.key: m.pk for spec, m in zip(MEMBERS, members, strict=True)}
    Activity.objects.bulk_create(
        Activity(
            member_id=ids[spec.key],
            name=spec.enseigne,
            description=spec.description,
            sector=sectors[spec.sector],
        )
        for spec in MEMBERS
    )
    Profile.objects.bulk_create(
        Profile(
            member_id=ids[spec.key],
            presentation=spec.presentation,
            zones=list(spec.zones),
            remote=spec.remote,
            languages=["fr"],
            days_per_week=2 if spec.available else 0,
            available_from=today - dt.timedelta(days=10),
        )
        for spec in MEMBERS
    )
    MemberSkill.objects.bulk_create(
        MemberSkill(member_id=ids[spec.key], node=nodes[NODES[code]], level=level)
        for spec in MEMBERS
        for code, level in spec.skills
    )
    PortfolioItem.objects.bulk_create(
        PortfolioItem(member_id=ids[spec.key], title=title, description=description, year=2025)
        for spec in MEMBERS
        for title, description in spec.portfolio
    )
    reindex_all()
    return ids


@dataclass
class QueryResult:
    judged: Judged
    relevant: set[str]
    ranked: list[str]
    recall_at_10: float = 0.0
    reciprocal_rank: float = 0.0
    missed: list[str] = field(default_factory=list)


def evaluate(search: Callable[[Judged], list[int]], ids: dict[str, int]) -> list[QueryResult]:
    """Run every query through `search` (query → ranked member ids) and score it.

    recall@10 = relevant members among the first 10 / relevant members (at most 10 here);
    reciprocal rank = 1 / rank of the first relevant member (0 if none in the list)."""
    keys = {pk: key for key, pk in ids.items()}
    results = []
    for judged in QUERIES:
        relevant = relevant_keys(judged)
        assert 1 <= len(relevant) <= 10, (judged.text, sorted(relevant))
        ranked = [keys.get(pk, "?") for pk in search(judged)]
        top = ranked[:10]
        found = relevant & set(top)
        first = next((i for i, key in enumerate(ranked) if key in relevant), None)
        results.append(
            QueryResult(
                judged,
                relevant,
                ranked,
                len(found) / min(len(relevant), 10),
                1.0 / (first + 1) if first is not None else 0.0,
                sorted(relevant - found),
            )
        )
    return results


def summary(results: list[QueryResult]) -> tuple[float, float]:
    """Mean recall@10 and mean reciprocal rank (MRR)."""
    n = len(results)
    return (
        sum(r.recall_at_10 for r in results) / n,
        sum(r.reciprocal_rank for r in results) / n,
    )
