"""Activity sheets and plannings for the `animation` benchmark, on generate_scale_data's network.

On top of the `bench` federation (300 centres):
- 50,000 activity sheets (`--sheets`), spread unevenly over the centres (a few centres write a lot, most a
  little), built from about fifty French sheet templates — crafts, sport, cooking, science, digital,
  outdoor, games, expression, citizenship, outings — varied by theme, season, numbers, optional materials,
  steps and tips, so that a word such as « peinture » matches a few percent of the sheets, not all.
  85 % are published, 70 % of those shared with the network; the rest are drafts or kept to the centre.
  Their search columns are filled by `csc.animation.search.refresh_search_columns`, as the app does.
- a pedagogical project per centre (3 general objectives, 2 operational ones under each), each sheet
  serving 0 to 3 objectives of its centre; some favourites;
- in `--plannings` centres (30), the leisure centre (the « Accueil de loisirs » of
  generate_attendance_data when it is there, else one made here) gets four age groups (3-5, 6-8, 9-11,
  12-14 ans), a two-week holiday period (ten weekdays) and a planning being prepared for it: every group,
  every day, morning and afternoon filled (80 activities), mostly from sheets of the network suited to the
  group's ages, 1 to 3 animators each, some objectives of the centre's project;
- the accounts: `bench-anim-0001@bench.localhost`… (the animator who opens the planning and searches,
  one per planning centre, password `--staff-password`), seven colleagues each
  (`bench-equipe-0001-1@…`, same password) placed in the plannings, and a sheet writer per centre
  (`bench-redaction-0001@…`, no usable password). All animators of their centre.

Rows go in with `bulk_create` in batches (no `save()`, no signals, hence no journal lines: nobody did
this), in one transaction; then VACUUM ANALYZE on PostgreSQL. Works on SQLite too (the tests run it at tiny
scale). Running the command again only refreshes the accounts once the data is there (`--force`
rebuilds, `--delete` only removes what it made: run it before `generate_attendance_data --force`, whose
raw deletes of activities would trip on the groups and plannings made here).
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from csc.activities.capacity import ensure_group_days
from csc.activities.models import Activity, Group, GroupDay, Period, PeriodDay
from csc.animation.models import (
    ActivitySheet,
    Objective,
    PedagogicalProject,
    Planning,
    PlanningEntry,
    SheetFavourite,
)
from csc.animation.search import refresh_search_columns
from csc.core.models import Centre, StaffRole, User
from csc.core.roles import Role
from csc.people.management.commands.generate_scale_data import DEFAULT_PASSWORD, EMAIL_DOMAIN, FEDERATION_SLUG

PERIOD_NAME = "Vacances de printemps (benchmark)"
MADE_HERE = "Accueil de loisirs créé par generate_animation_data (benchmark)."
GROUPS = [("3-5 ans", 3, 5, 16), ("6-8 ans", 6, 8, 24), ("9-11 ans", 9, 11, 24), ("12-14 ans", 12, 14, 16)]
TEAM_SIZE = 8  # animators per planning centre: the one who logs in and seven colleagues
BATCH = 2000
PROJECT_INTRODUCTION = "Notre accueil de loisirs veut faire grandir chaque enfant dans le collectif."


def animator_email(index: int) -> str:
    return f"bench-anim-{index:04d}@{EMAIL_DOMAIN}"


def team_email(index: int, member: int) -> str:
    return f"bench-equipe-{index:04d}-{member}@{EMAIL_DOMAIN}"


def writer_email(index: int) -> str:
    return f"bench-redaction-{index:04d}@{EMAIL_DOMAIN}"


ACCOUNT_PREFIXES = ("bench-anim-", "bench-equipe-", "bench-redaction-")
FIRST_NAMES = [
    "Camille", "Léa", "Hugo", "Inès", "Yanis", "Manon", "Lucas", "Sarah", "Nathan", "Chloé", "Théo", "Emma",
    "Mehdi", "Jade", "Rayan", "Louise", "Bilal", "Zoé", "Kévin", "Amandine", "Sofiane", "Margaux", "Enzo",
    "Aïcha", "Julien", "Océane", "Karim", "Laura", "Maxime", "Nadia",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux",
    "Garcia", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Benali", "Nguyen", "Da Silva", "Mercier", "Blanc", "Guérin", "Boyer", "Chevalier", "Haddad",
]  # fmt: skip


# --- The sheets' text ------------------------------------------------------------------------------------

# (complement, noun): « Masques d'automne », « sur le thème de l'automne ».
THEMES = [
    ("d'automne", "l'automne"), ("de printemps", "le printemps"), ("d'hiver", "l'hiver"), ("d'été", "l'été"),
    ("de Noël", "Noël"), ("d'Halloween", "Halloween"), ("du carnaval", "carnaval"), ("de Pâques", "Pâques"),
    ("de l'océan", "l'océan"), ("de la forêt", "la forêt"), ("des pirates", "les pirates"),
    ("de l'espace", "l'espace"), ("des dinosaures", "les dinosaures"), ("de la ferme", "la ferme"),
    ("du monde", "les pays du monde"), ("des super-héros", "les super-héros"), ("de la jungle", "la jungle"),
    ("des chevaliers", "les chevaliers et les châteaux forts"), ("du cirque", "le cirque"),
    ("des contes", "les contes"), ("de la banquise", "la banquise"), ("des insectes", "les petites bêtes"),
    ("du Far West", "le Far West"), ("de l'Égypte ancienne", "l'Égypte ancienne"), ("des fées", "les fées"),
    ("des Jeux olympiques", "les Jeux olympiques"), ("de la mer", "la mer"), ("des robots", "les robots"),
]  # fmt: skip
SEASONS = ["d'automne", "de printemps", "d'hiver", "d'été"]
PLACES = [
    "la salle d'activités",
    "la cour",
    "le gymnase",
    "le parc voisin",
    "la salle polyvalente",
    "le jardin",
]
SUMMARY_EXTRAS = [
    "Testée avec le groupe des moyens pendant les vacances d'hiver.",
    "Idéale pour un après-midi pluvieux.",
    "Une activité calme, parfaite après le repas.",
    "Les enfants repartent avec leur réalisation.",
    "Fonctionne aussi avec un groupe mélangé grands et petits.",
    "Demande un peu de préparation mais les enfants adorent.",
    "Peut se faire en demi-groupe pendant que l'autre moitié joue dehors.",
    "Une valeur sûre des mercredis.",
    "À proposer en fin de période pour clôturer un projet.",
    "Permet de valoriser les enfants devant les familles.",
    "Pensée pour un accueil de loisirs de quartier avec peu de moyens.",
    "Reprise d'une fiche du réseau et adaptée à notre public.",
]
TIPS = [
    "Astuce : préparer un exemple fini à montrer avant de commencer.",
    "Astuce : prévoir un temps de rangement collectif de dix minutes.",
    "Penser à prendre des photos pour le blog du centre (avec l'accord des familles).",
    "Pour les plus jeunes, préparer les découpes à l'avance.",
    "Pour les plus grands, leur confier l'animation d'une partie de l'activité.",
    "Prévoir une activité calme de repli pour les enfants qui ont fini avant les autres.",
    "Former des binômes grands-petits fonctionne très bien.",
    "Demander aux familles d'apporter du matériel de récupération la semaine d'avant.",
    "Terminer par un temps d'échange : ce qu'on a aimé, ce qu'on changerait.",
    "Adapter la durée à l'attention du groupe, quitte à finir le lendemain.",
    "Prévoir de l'eau et des pauses régulières s'il fait chaud.",
    "Possible en lien avec la médiathèque ou l'école du quartier.",
]


@dataclass(frozen=True)
class SheetTemplate:
    kind: str
    titles: tuple[str, ...]  # {t}: theme complement, {s}: season, {n}: a number
    summary: str  # {tn}: theme noun
    ages: tuple[int, int]
    group: tuple[int, int]
    durations: tuple[int, ...]
    preparation: tuple[int, ...]
    materials: tuple[str, ...]
    extra_materials: tuple[str, ...]
    steps: tuple[str, ...]
    variants: tuple[str, ...]
    safety: str = ""


K = ActivitySheet.Kind
TEMPLATES = [
    # --- crafts
    SheetTemplate(K.CRAFTS, ("Peinture à l'éponge {t}", "Tableaux à l'éponge et au pochoir {t}"),
        "Des tableaux colorés réalisés à l'éponge et au pochoir sur le thème de {tn}.",
        (3, 6), (6, 12), (45, 60), (15, 20),
        ("Éponges découpées en formes", "Peinture gouache, 5 couleurs", "Feuilles Canson A3", "Pochoirs",
         "Tabliers ou vieux tee-shirts", "Assiettes en carton pour la peinture"),
        ("Paillettes", "Pinces à linge pour tenir les éponges", "Journaux pour protéger les tables",
         "Bouchons de liège"),
        ("Protéger les tables avec du journal et enfiler les tabliers.",
         "Montrer comment tamponner l'éponge sans trop la charger.",
         "Chaque enfant choisit ses pochoirs {t} et ses couleurs.",
         "Superposer les couleurs une fois la première couche sèche.",
         "Laisser sécher à plat puis exposer les tableaux à l'accueil."),
        ("Remplacer les éponges par des bouchons ou des légumes coupés.",
         "Travailler sur un grand format à plusieurs."),
        "Gouache lavable uniquement ; se laver les mains après l'activité."),
    SheetTemplate(K.CRAFTS, ("Masques {t}", "Fabrication de masques {t}"),
        "Chaque enfant fabrique et décore son masque sur le thème de {tn}, pour un défilé ou un spectacle.",
        (4, 10), (6, 14), (60, 90), (20, 30),
        ("Assiettes en carton ou gabarits de masques", "Élastique plat", "Feutres et crayons",
         "Gommettes", "Colle en bâton", "Ciseaux à bouts ronds"),
        ("Plumes", "Papier crépon", "Paillettes", "Agrafeuse", "Laine pour les cheveux"),
        ("Présenter quelques modèles de masques {t}.",
         "Découper les yeux (l'adulte aide les plus petits).",
         "Décorer avec feutres, gommettes et collages.",
         "Fixer l'élastique à la bonne taille.",
         "Terminer par un petit défilé dans {place}."),
        ("Faire des demi-masques pour les plus grands.", "Ajouter un bâton pour tenir le masque à la main."),
        "Ciseaux à bouts ronds ; l'agrafeuse reste dans les mains d'un adulte."),
    SheetTemplate(K.CRAFTS, ("Pâte à sel : figurines {t}", "Modelage en pâte à sel {t}"),
        "On prépare la pâte à sel ensemble puis chacun modèle ses figurines sur le thème de {tn}.",
        (3, 10), (4, 10), (60, 90), (10, 15),
        ("2 verres de farine", "1 verre de sel fin", "1 verre d'eau tiède", "Saladier",
         "Rouleaux à pâtisserie", "Emporte-pièces"),
        ("Colorants alimentaires", "Cure-dents pour les détails", "Vernis colle pour finir", "Four"),
        ("Mélanger la farine et le sel, ajouter l'eau petit à petit.",
         "Pétrir jusqu'à obtenir une pâte souple qui ne colle plus.",
         "Étaler, découper ou modeler les figurines {t}.",
         "Faire sécher à l'air libre plusieurs jours ou au four à basse température.",
         "Décorer une fois sec."),
        ("Ajouter du colorant dans la pâte.", "Faire des magnets en collant un aimant au dos."),
        "Cuisson au four par un adulte uniquement. Ne pas manger la pâte."),
    SheetTemplate(K.CRAFTS, ("Origami : {n} pliages faciles", "Origami {t}"),
        "Initiation au pliage japonais : des modèles simples pour commencer, plus difficiles ensuite.",
        (7, 14), (4, 12), (45, 60), (15, 30),
        ("Papier origami 15 x 15 cm", "Modèles imprimés pas à pas", "Feutres fins"),
        ("Papier de récupération découpé en carrés", "Fil pour faire un mobile",
         "Tablette avec tutoriels vidéo"),
        ("Montrer les plis de base : vallée, montagne, carré préliminaire.",
         "Plier ensemble un premier modèle très simple (gobelet, chien).",
         "Laisser chacun choisir un modèle selon son niveau.",
         "Les enfants qui réussissent aident leurs voisins.",
         "Assembler les pliages en mobile ou en fresque."),
        ("Faire une guirlande de grues pour la salle.",),
        ""),
    SheetTemplate(K.CRAFTS, ("Fresque collective {t}", "Grande fresque murale {t}"),
        "Tout le groupe réalise une grande fresque sur le thème de {tn} pour décorer le centre.",
        (6, 14), (8, 20), (90, 120), (30, 45),
        ("Rouleau de papier kraft", "Peinture acrylique", "Pinceaux de plusieurs tailles",
         "Rouleaux en mousse", "Crayons à papier", "Bâches de protection"),
        ("Bombes de craie", "Pochoirs", "Escabeau", "Scotch de peintre"),
        ("Chercher ensemble des idées et faire un croquis au tableau.",
         "Répartir les zones de la fresque entre petits groupes.",
         "Tracer au crayon les grandes formes.",
         "Peindre les fonds puis les détails.",
         "Inaugurer la fresque avec les familles."),
        ("Peindre sur des draps pour une fresque transportable.",),
        "Peinture acrylique : tabliers obligatoires, aération de la salle."),
    SheetTemplate(K.CRAFTS, ("Mandalas {t}", "Mandalas géants en matériaux naturels"),
        "Coloriage et création de mandalas : un moment calme de concentration.",
        (5, 12), (4, 16), (30, 45), (10,),
        ("Modèles de mandalas imprimés", "Crayons de couleur", "Feutres"),
        ("Compas", "Musique douce", "Graines et pâtes pour des mandalas en relief"),
        ("Installer le groupe au calme dans {place}.",
         "Proposer plusieurs niveaux de difficulté.",
         "Pour les grands : tracer son propre mandala au compas.",
         "Afficher les mandalas terminés."),
        ("Faire un mandala collectif au sol avec des objets.",),
        ""),
    SheetTemplate(K.CRAFTS, ("Attrape-rêves", "Attrape-rêves {t}"),
        "Fabrication d'un attrape-rêves avec un cercle, de la laine et des perles.",
        (7, 12), (4, 10), (60, 75), (20,),
        ("Cercles en bois ou en carton", "Laine de couleur", "Perles", "Plumes", "Ciseaux"),
        ("Rubans", "Colle forte", "Grelots"),
        ("Enrouler la laine autour du cercle.",
         "Tisser la toile en croisant le fil.",
         "Enfiler des perles pendant le tissage.",
         "Accrocher les plumes et les rubans en bas."),
        ("Version simplifiée avec une assiette en carton percée pour les petits.",),
        ""),
    SheetTemplate(K.CRAFTS, ("Bricolage récup' : {obj} en rouleaux de carton", "Récup' : {obj} en carton"),
        "Avec des rouleaux et des boîtes de récupération, chacun fabrique ses {obj}.",
        (4, 10), (6, 14), (45, 60), (15,),
        ("Rouleaux de papier toilette", "Boîtes en carton", "Colle vinylique", "Ciseaux", "Feutres"),
        ("Yeux mobiles", "Papier de couleur", "Cure-pipes", "Pistolet à colle (adulte)"),
        ("Montrer un modèle fini de {obj}.",
         "Découper et assembler les rouleaux.",
         "Habiller avec du papier de couleur.",
         "Ajouter les détails : yeux, bras, antennes."),
        ("Organiser une exposition des {obj} de tout le centre.",),
        "Le pistolet à colle reste un outil d'adulte."),
    SheetTemplate(K.CRAFTS, ("Galets décorés {t}", "Galets et cailloux décorés"),
        "On ramasse des galets puis on les décore au marqueur pour les cacher dans le quartier.",
        (5, 12), (6, 12), (45, 60), (10,),
        ("Galets lisses", "Marqueurs Posca", "Vernis"),
        ("Modèles de motifs", "Boîte pour ranger les galets"),
        ("Laver et sécher les galets.", "Dessiner les motifs {t} au crayon puis au marqueur.",
         "Vernir.", "Cacher les galets dans le quartier et noter les indices."),
        ("Jeu de morpion avec les galets décorés.",),
        ""),
    SheetTemplate(K.CRAFTS, ("Cartes pop-up {t}", "Cartes en relief pour la fête des familles"),
        "Des cartes qui s'ouvrent sur un décor en relief, à offrir.",
        (6, 12), (4, 12), (45, 60), (20,),
        ("Papier cartonné A4", "Ciseaux", "Colle", "Feutres", "Règle"),
        ("Papier calque", "Gommettes", "Tampons encreurs"),
        ("Plier la carte en deux.", "Faire deux entailles pour le support du relief.",
         "Dessiner et coller le décor {t}.", "Écrire un message à l'intérieur."),
        ("Carte à rabats pour les plus petits.",),
        ""),
    # --- sport
    SheetTemplate(K.SPORT, ("Relais {t} en {n} équipes", "Course de relais et défis"),
        "Des relais variés en équipes : vitesse, adresse et entraide.",
        (6, 14), (12, 30), (45, 60), (10, 15),
        ("Plots", "Dossards de couleur", "Cerceaux", "Sifflet", "Chronomètre"),
        ("Sacs de toile pour la course en sac", "Cuillères et balles de ping-pong", "Cordes"),
        ("Échauffement collectif de dix minutes.",
         "Former {n} équipes équilibrées.",
         "Enchaîner les relais : course, slalom, cerceaux, course en sac.",
         "Compter les points et finir par un relais tous ensemble.",
         "Retour au calme et étirements."),
        ("Relais avec un ballon à se passer sans le faire tomber.",),
        "Vérifier le sol (pas de gravier) ; prévoir de l'eau."),
    SheetTemplate(K.SPORT, ("Parcours de motricité {t}", "Parcours moteur des petits"),
        "Un parcours pour ramper, sauter, grimper et garder l'équilibre.",
        (3, 6), (6, 12), (30, 45), (20, 30),
        ("Tapis de gymnastique", "Cerceaux", "Bancs", "Plots", "Tunnel"),
        ("Poutre basse", "Briques en mousse", "Foulards", "Musique"),
        ("Installer le parcours dans {place} avant l'arrivée des enfants.",
         "Faire une démonstration lente de chaque atelier.",
         "Les enfants passent un par un, puis en file continue.",
         "Changer le sens ou ajouter une consigne à chaque tour."),
        ("Parcours à faire à deux en se tenant la main.",),
        "Tapis sous chaque atelier en hauteur ; un adulte à l'atelier d'équilibre."),
    SheetTemplate(K.SPORT, ("Balle au prisonnier revisitée", "Balle aux prisonniers {t}"),
        "Le grand classique avec des règles qui permettent à tout le monde de jouer longtemps.",
        (7, 14), (12, 30), (30, 45), (5,),
        ("Ballons en mousse", "Plots pour délimiter le terrain", "Dossards"),
        ("Deuxième ballon", "Sifflet"),
        ("Délimiter deux camps et les prisons.",
         "Expliquer la règle : un prisonnier est libéré quand son équipe attrape le ballon.",
         "Jouer des manches de cinq minutes.", "Changer les équipes à chaque manche."),
        ("Jouer avec deux ballons en même temps.",),
        "Ballons en mousse uniquement ; pas de tir à la tête."),
    SheetTemplate(K.SPORT, ("Tournoi de mini-foot", "Tournoi de football mixte"),
        "Un tournoi en petites équipes mixtes avec arbitrage par les enfants.",
        (8, 14), (10, 24), (90, 120), (15,),
        ("Ballons de football", "Buts pliables", "Dossards", "Sifflet", "Feuille de tournoi"),
        ("Médailles en carton", "Chronomètre"),
        ("Composer des équipes mixtes de quatre ou cinq.",
         "Expliquer les règles du fair-play et le rôle d'arbitre.",
         "Matchs de huit minutes, chaque équipe arbitre à son tour.",
         "Remise des prix du fair-play."),
        ("Football à trois passes obligatoires avant de tirer.",),
        "Échauffement obligatoire ; protège-tibias conseillés."),
    SheetTemplate(K.SPORT, ("Jeux de coopération au parachute", "Parachute {t}"),
        "Jeux avec le grand parachute : tout le monde gagne ensemble.",
        (3, 10), (8, 25), (30, 45), (5,),
        ("Parachute de jeu", "Balles légères", "Ballon de baudruche"),
        ("Foulards", "Musique"),
        ("Se placer autour du parachute, chacun tient une poignée.",
         "Faire des vagues douces puis fortes.",
         "Faire rouler une balle sur le parachute sans la faire tomber.",
         "Échanger de place sous le parachute en l'air."),
        ("Le champignon : tout le monde s'assoit sous le parachute.",),
        ""),
    SheetTemplate(K.SPORT, ("Initiation au kin-ball", "Kin-ball et sports collectifs nouveaux"),
        "Un sport collectif avec un très grand ballon où toutes les équipes jouent en même temps.",
        (8, 14), (12, 24), (60,), (10,),
        ("Ballon de kin-ball", "Dossards de trois couleurs", "Gonfleur"),
        ("Plots", "Tableau des scores"),
        ("Présenter le ballon et la règle des trois équipes.",
         "Exercices de frappe et de réception.",
         "Matchs courts.", "Bilan : qu'est-ce qui a aidé l'équipe ?"),
        ("Jouer avec un grand ballon de plage pour les plus jeunes.",),
        "Le gymnase doit être dégagé."),
    SheetTemplate(K.SPORT, ("Olympiades {t}", "Mini-olympiades du centre"),
        "Une matinée d'épreuves sportives et ludiques par équipes, avec une cérémonie d'ouverture.",
        (5, 12), (16, 40), (120, 180), (45, 60),
        ("Plots", "Cerceaux", "Cordes à sauter", "Sacs de graines", "Chronomètre", "Feuilles de score"),
        ("Médailles", "Drapeaux des équipes", "Enceinte"),
        ("Cérémonie d'ouverture avec les drapeaux des équipes.",
         "Rotation des équipes sur {n} ateliers de dix minutes.",
         "Épreuve finale collective.", "Remise des médailles à toutes les équipes."),
        ("Ajouter une épreuve de connaissances.",),
        "Un adulte par atelier ; pauses eau entre les rotations."),
    # --- cooking
    SheetTemplate(K.COOKING, ("Crêpes {s}", "Atelier crêpes", "Crêpes party"),
        "Les enfants préparent la pâte à crêpes et les garnissent pour le goûter.",
        (5, 14), (6, 12), (90,), (15,),
        ("500 g de farine", "6 œufs", "1 litre de lait", "Saladiers", "Fouets", "Crêpière ou poêle"),
        ("Sucre", "Confiture", "Pâte à tartiner", "Citrons", "Tabliers"),
        ("Se laver les mains et mettre les tabliers.",
         "Peser la farine, faire un puits, ajouter les œufs.",
         "Verser le lait petit à petit en fouettant.",
         "Laisser reposer la pâte pendant un jeu.",
         "Cuisson par l'animateur, garniture par les enfants."),
        ("Galettes salées pour le repas.",),
        "Cuisson par un adulte ; attention aux allergies (œufs, lait, gluten)."),
    SheetTemplate(K.COOKING, ("Cookies aux pépites de chocolat", "Biscuits {t}"),
        "Une recette simple de biscuits à faire à plusieurs, pour le goûter.",
        (6, 14), (6, 10), (60, 75), (10,),
        ("250 g de farine", "125 g de beurre", "100 g de sucre", "1 œuf", "Pépites de chocolat", "Four"),
        ("Emporte-pièces", "Papier cuisson", "Sachet levure"),
        ("Lire la recette ensemble et répartir les tâches.",
         "Mélanger le beurre mou et le sucre, ajouter l'œuf puis la farine.",
         "Former les biscuits et les disposer sur la plaque.",
         "Cuire douze minutes à 180 degrés."),
        ("Biscuits décorés au glaçage pour Noël.",),
        "Four manipulé par un adulte ; vérifier les allergies."),
    SheetTemplate(K.COOKING, ("Brochettes de fruits {s}", "Brochettes de fruits et smoothies"),
        "Préparer un goûter sain avec des fruits de saison.",
        (3, 10), (6, 14), (30, 45), (15,),
        ("Fruits de saison", "Pics en bois", "Couteaux à bout rond", "Planches à découper"),
        ("Chocolat fondu", "Yaourt nature", "Menthe"),
        ("Laver les fruits ensemble en parlant des saisons.",
         "Couper les fruits en morceaux (couteaux adaptés).",
         "Composer les brochettes en alternant les couleurs.",
         "Déguster au goûter."),
        ("Jeu de Kim du goût avec les fruits.",),
        "Pics en bois surveillés pour les plus petits."),
    SheetTemplate(K.COOKING, ("Pizza maison", "Pizzas {t}"),
        "Chacun garnit sa pizza après avoir préparé la pâte.",
        (7, 14), (6, 12), (120,), (20,),
        ("Farine", "Levure de boulanger", "Sauce tomate", "Fromage râpé", "Four"),
        ("Jambon", "Champignons", "Olives", "Poivrons"),
        ("Préparer la pâte et la laisser lever.",
         "Étaler la pâte en petites pizzas individuelles.",
         "Garnir selon ses goûts.", "Cuire vingt minutes et partager."),
        ("Pizzas en forme de visages.",),
        "Four par un adulte ; régimes alimentaires à respecter."),
    SheetTemplate(K.COOKING, ("Gâteau au yaourt", "Gâteau au yaourt {t}"),
        "La recette où le pot de yaourt sert de mesure : idéale avec les petits.",
        (4, 10), (4, 8), (60,), (10,),
        ("1 pot de yaourt", "3 pots de farine", "2 pots de sucre", "3 œufs", "1/2 pot d'huile", "Moule"),
        ("Pépites de chocolat", "Zeste de citron", "Pommes"),
        ("Verser le yaourt dans le saladier et garder le pot.",
         "Ajouter les ingrédients pot par pot en comptant.",
         "Verser dans le moule beurré.", "Cuire trente-cinq minutes."),
        ("Muffins dans des caissettes.",),
        "Vérifier les allergies des enfants."),
    SheetTemplate(K.COOKING, ("Soupe de légumes {s}", "Atelier soupe et légumes oubliés"),
        "Découvrir les légumes de saison en préparant une soupe partagée avec les familles.",
        (5, 12), (6, 12), (90,), (15,),
        ("Légumes de saison", "Épluche-légumes", "Marmite", "Mixeur", "Bols"),
        ("Croûtons", "Herbes aromatiques"),
        ("Reconnaître les légumes (jeu du toucher).", "Éplucher et couper.",
         "Cuire et mixer.", "Servir aux familles au moment du départ."),
        ("Velouté de potiron pour Halloween.",),
        "Mixeur et plaques manipulés par un adulte."),
    # --- science
    SheetTemplate(K.SCIENCE, ("Volcan en éruption", "Le volcan {t}"),
        "Une expérience spectaculaire pour comprendre une réaction chimique.",
        (5, 11), (4, 12), (45,), (15,),
        ("Bicarbonate de soude", "Vinaigre blanc", "Colorant alimentaire rouge", "Pâte à modeler",
         "Bouteille en plastique", "Bac"),
        ("Liquide vaisselle", "Lunettes de protection"),
        ("Construire le volcan en pâte à modeler autour de la bouteille.",
         "Verser le bicarbonate et le colorant.",
         "Ajouter le vinaigre et observer.",
         "Discuter : pourquoi ça mousse ?"),
        ("Comparer les quantités pour une éruption plus forte.",),
        "Lunettes pour les manipulateurs ; ne pas goûter."),
    SheetTemplate(K.SCIENCE, ("Slime maison", "Slime {t}"),
        "Fabriquer sa pâte gluante et comprendre les polymères.",
        (7, 12), (4, 10), (45,), (15,),
        ("Colle blanche PVA", "Bicarbonate de soude", "Solution pour lentilles", "Bols", "Cuillères"),
        ("Colorant", "Paillettes", "Boîtes hermétiques"),
        ("Verser la colle dans un bol.", "Ajouter le bicarbonate et le colorant.",
         "Ajouter la solution petit à petit en mélangeant.", "Pétrir et ranger dans une boîte."),
        ("Slime qui brille dans le noir.",),
        "Pas de borax ; lavage des mains obligatoire ; ne pas porter à la bouche."),
    SheetTemplate(K.SCIENCE, ("Fusées à eau", "Fusées à eau et lancement {t}"),
        "Construire une fusée avec une bouteille et la lancer à l'aide d'une pompe.",
        (8, 14), (6, 12), (90, 120), (30,),
        ("Bouteilles en plastique de 1,5 litre", "Pompe à vélo", "Bouchon percé et valve",
         "Carton pour les ailerons", "Ruban adhésif"),
        ("Pas de tir", "Mètre ruban", "Lunettes de protection"),
        ("Fabriquer les ailerons et le cône.", "Remplir la bouteille au tiers.",
         "Installer sur le pas de tir dans {place}.", "Pomper, décompter, lancer, mesurer."),
        ("Concours de la fusée qui vole le plus haut.",),
        "Périmètre de sécurité de cinq mètres ; personne devant la fusée."),
    SheetTemplate(K.SCIENCE, ("Chromatographie : les couleurs cachées", "Expériences sur les couleurs"),
        "Séparer les couleurs d'un feutre avec de l'eau et un filtre à café.",
        (6, 11), (4, 12), (45,), (10,),
        ("Filtres à café", "Feutres à l'eau", "Verres", "Eau"),
        ("Loupes", "Fiche d'observation"),
        ("Faire un point de feutre sur le filtre.", "Tremper le bas du filtre dans l'eau.",
         "Observer les couleurs monter.", "Faire des fleurs avec les filtres colorés."),
        ("Essayer avec des feutres de marques différentes.",),
        ""),
    SheetTemplate(K.SCIENCE, ("Petits chimistes : {n} expériences", "Les expériences {t}"),
        "Des ateliers d'expériences simples avec des produits de la cuisine.",
        (6, 12), (6, 12), (60, 90), (30,),
        ("Sel", "Sucre", "Huile", "Vinaigre", "Verres transparents", "Pipettes"),
        ("Blouses", "Loupes", "Citrons"),
        ("Présenter la démarche : je pense que, j'essaie, j'observe.",
         "Tourner sur {n} ateliers d'expériences.", "Noter ses observations sur une fiche.",
         "Mise en commun."),
        ("Fabriquer une lave-lampe avec de l'huile et un comprimé effervescent.",),
        "Ne rien goûter ; lunettes pour les manipulations."),
    # --- digital
    SheetTemplate(K.DIGITAL, ("Initiation à la programmation avec Scratch", "Scratch : mon premier jeu {t}"),
        "Créer un petit jeu vidéo en assemblant des blocs de programmation.",
        (9, 14), (4, 12), (90,), (30,),
        ("Ordinateurs ou tablettes avec Scratch", "Vidéoprojecteur", "Fiches défis"),
        ("Casques audio", "Clés USB pour garder les projets"),
        ("Montrer l'interface et un lutin qui se déplace.",
         "Défi 1 : faire bouger le lutin avec les flèches.",
         "Défi 2 : ajouter un décor {t} et un son.",
         "Chacun présente son jeu aux autres."),
        ("Programmer une carte animée.",),
        "Charte d'usage des écrans rappelée au début."),
    SheetTemplate(K.DIGITAL, ("Robots Thymio : le parcours", "Robotique {t}"),
        "Programmer un petit robot pour qu'il suive un parcours.",
        (8, 14), (4, 10), (60, 90), (20,),
        ("Robots Thymio", "Tablettes avec l'application", "Grande feuille pour le parcours", "Scotch"),
        ("Obstacles en carton",),
        ("Découvrir les comportements préprogrammés du robot.", "Tracer un parcours au sol.",
         "Programmer le robot en équipe.", "Course finale des robots."),
        ("Faire danser les robots en musique.",),
        ""),
    SheetTemplate(K.DIGITAL, ("Roman photo {t}", "Réaliser un roman photo"),
        "Écrire une histoire, la jouer et la photographier pour en faire un roman photo.",
        (9, 14), (6, 12), (120,), (20,),
        ("Tablettes ou appareils photo", "Déguisements", "Imprimante", "Bulles en carton"),
        ("Logiciel de mise en page", "Accessoires"),
        ("Écrire le scénario en groupe.", "Répartir les rôles.",
         "Photographier les scènes dans {place}.", "Ajouter les bulles et imprimer."),
        ("Publier le roman photo sur l'ENT du centre.",),
        "Droit à l'image : vérifier les autorisations des familles."),
    SheetTemplate(K.DIGITAL, ("Stop motion en pâte à modeler", "Film d'animation {t}"),
        "Réaliser un petit film image par image avec des personnages en pâte à modeler.",
        (8, 14), (4, 8), (120, 180), (30,),
        ("Tablette avec application de stop motion", "Support pour tablette", "Pâte à modeler", "Décors"),
        ("Lampe", "Micro"),
        ("Imaginer une histoire courte.", "Fabriquer personnages et décor {t}.",
         "Prendre les photos en bougeant un peu à chaque fois.", "Ajouter le son et projeter."),
        ("Animer des objets ou des Lego.",),
        ""),
    SheetTemplate(K.DIGITAL, ("Jeu de piste avec QR codes", "Chasse aux QR codes {t}"),
        "Un jeu de piste où chaque QR code donne une énigme et le lieu du suivant.",
        (10, 14), (6, 16), (60, 90), (45,),
        ("QR codes imprimés", "Tablettes ou smartphones du centre", "Énigmes"),
        ("Cadenas pour le coffre final",),
        ("Former des équipes de trois ou quatre.", "Scanner le premier QR code.",
         "Résoudre les énigmes jusqu'au trésor.", "Débriefing sur les usages du numérique."),
        ("Faire créer le jeu par les grands pour les petits.",),
        "Rester dans l'enceinte du centre."),
    # --- outdoor
    SheetTemplate(K.OUTDOOR, ("Construction de cabanes en forêt", "Cabanes {t}"),
        "Construire des cabanes avec des branches et des matériaux naturels.",
        (6, 12), (8, 20), (120, 180), (15,),
        ("Ficelle", "Bâches", "Gants de jardinage", "Trousse de secours"),
        ("Scie égoïne (adulte)", "Sécateur"),
        ("Rappeler les règles : on ne coupe pas d'arbre vivant.",
         "Choisir un emplacement en équipe.", "Construire la structure puis la couvrir.",
         "Visite des cabanes des autres équipes."),
        ("Construire des cabanes miniatures pour les petits.",),
        "Zone délimitée ; trousse de secours ; vérifier les tiques au retour."),
    SheetTemplate(K.OUTDOOR, ("Hôtel à insectes", "Refuge pour les petites bêtes"),
        "Fabriquer un hôtel à insectes pour le jardin du centre.",
        (6, 12), (6, 12), (90,), (30,),
        ("Palette ou cagette", "Tiges de bambou", "Pommes de pin", "Paille", "Briques"),
        ("Bûches percées", "Grillage"),
        ("Parler des insectes utiles au jardin.", "Remplir les cases avec les matériaux.",
         "Installer l'hôtel au soleil dans {place}.", "Observer les visiteurs dans les semaines suivantes."),
        ("Construire des nichoirs.",),
        "Gants pour manipuler le bois."),
    SheetTemplate(K.OUTDOOR, ("Land art {t}", "Land art au parc"),
        "Créer des œuvres éphémères avec ce que l'on trouve dans la nature.",
        (4, 12), (6, 20), (60, 90), (10,),
        ("Appareil photo", "Paniers pour la récolte"),
        ("Photos d'œuvres d'Andy Goldsworthy",),
        ("Montrer des exemples de land art.", "Récolter feuilles, bâtons, cailloux.",
         "Créer en petits groupes.", "Photographier les œuvres avant de partir."),
        ("Land art sur le thème des couleurs {s}.",),
        "Ne rien arracher de vivant."),
    SheetTemplate(K.OUTDOOR, ("Jardinage : semis {s}", "Au potager du centre"),
        "Semer, planter et arroser : le potager du centre avec les enfants.",
        (3, 10), (4, 12), (45, 60), (15,),
        ("Graines", "Terreau", "Pots ou jardinière", "Arrosoirs", "Étiquettes"),
        ("Pelles et râteaux enfants", "Carnet du jardinier"),
        ("Observer les graines à la loupe.", "Remplir les pots de terreau.",
         "Semer et étiqueter.", "Mettre en place le tableau d'arrosage."),
        ("Semer des graines germées dans du coton pour les petits.",),
        "Lavage des mains après l'activité."),
    SheetTemplate(K.OUTDOOR, ("Balade sensorielle", "Promenade des cinq sens {t}"),
        "Une balade pour écouter, toucher et sentir la nature.",
        (3, 8), (6, 16), (60,), (10,),
        ("Bandeaux", "Boîtes à trésors", "Sacs"),
        ("Loupes", "Boîte à sons"),
        ("Marcher en silence une minute pour écouter.", "Toucher les écorces les yeux bandés.",
         "Collecter des trésors de la nature.", "Créer un tableau des sens au retour."),
        ("Faire la balade de nuit avec des lampes.",),
        "Un adulte devant, un adulte derrière."),
    # --- games
    SheetTemplate(K.GAME, ("Grand jeu : la chasse au trésor {t}", "Chasse au trésor {t}"),
        "Un grand jeu d'équipes avec énigmes, épreuves et un trésor à trouver.",
        (6, 12), (12, 40), (120, 150), (60, 90),
        ("Carte du trésor", "Énigmes", "Coffre", "Bonbons ou médailles", "Foulards de couleur"),
        ("Déguisements", "Boussoles", "Talkies-walkies"),
        ("Raconter l'histoire de départ sur le thème de {tn}.",
         "Former les équipes et distribuer les cartes.",
         "Épreuves sur {n} stands tenus par les animateurs.",
         "Dernière énigme et ouverture du coffre."),
        ("Ajouter un personnage mystère qui donne des indices.",),
        "Zone de jeu délimitée ; un adulte par stand."),
    SheetTemplate(K.GAME, ("Loup-garou géant", "Les loups-garous de Thiercelieux"),
        "Le jeu de rôle où les villageois démasquent les loups-garous.",
        (9, 14), (8, 20), (45, 60), (5,),
        ("Jeu de cartes Loup-garou",),
        ("Masques de nuit", "Musique d'ambiance"),
        ("Distribuer les rôles en secret.", "L'animateur raconte la nuit et le jour.",
         "Débats et votes.", "Tour suivant avec un enfant maître du jeu."),
        ("Ajouter des rôles spéciaux pour les habitués.",),
        ""),
    SheetTemplate(K.GAME, ("Jeu de Kim", "Kim du goût et de l'odorat", "Kim {t}"),
        "Jeux de mémoire et des sens : retrouver l'objet qui manque, deviner une odeur.",
        (4, 10), (4, 12), (30, 45), (15,),
        ("Objets du quotidien", "Plateau", "Bandeaux", "Petites boîtes opaques"),
        ("Épices", "Aliments à goûter"),
        ("Kim vue : observer les objets, en retirer un.",
         "Kim toucher : deviner l'objet dans le sac.",
         "Kim odorat : reconnaître les épices.", "Compter les points par équipe."),
        ("Kim sonore avec des bruits enregistrés.",),
        "Vérifier les allergies pour le Kim goût."),
    SheetTemplate(K.GAME, ("Escape game {t}", "Escape game : le laboratoire secret"),
        "Les enfants ont 45 minutes pour résoudre des énigmes et sortir de la salle.",
        (9, 14), (4, 8), (60,), (60, 90),
        ("Cadenas à code", "Boîtes", "Énigmes imprimées", "Chronomètre"),
        ("Lampe UV", "Encre invisible", "Enceinte"),
        ("Installer les énigmes dans {place}.", "Raconter l'histoire {t}.",
         "Le maître du jeu donne des indices si besoin.", "Débriefing : comment l'équipe a coopéré."),
        ("Version pour les petits avec des puzzles.",),
        "Aucune porte réellement fermée à clé."),
    SheetTemplate(K.GAME, ("Jeux de société coopératifs", "Après-midi jeux de société"),
        "Découvrir des jeux où l'on gagne tous ensemble.",
        (5, 12), (4, 16), (60, 90), (10,),
        ("Jeux coopératifs", "Tables"),
        ("Sablier", "Prêt de la ludothèque"),
        ("Présenter trois jeux.", "Les enfants choisissent leur table.",
         "Changer de jeu toutes les vingt minutes.", "Voter pour le jeu préféré."),
        ("Inventer son propre jeu de plateau.",),
        ""),
    SheetTemplate(K.GAME, ("Quiz musical et blind test", "Blind test {t}"),
        "Reconnaître des musiques et des génériques en équipe.",
        (8, 14), (8, 24), (45,), (30,),
        ("Enceinte", "Liste de lecture", "Ardoises", "Feutres effaçables"),
        ("Buzzers",),
        ("Former les équipes.", "Écouter les extraits.",
         "Écrire la réponse sur l'ardoise.", "Proclamer les résultats."),
        ("Faire chanter la suite des paroles.",),
        "Volume raisonnable."),
    # --- expression
    SheetTemplate(K.EXPRESSION, ("Théâtre d'improvisation", "Impro {t}"),
        "Jeux d'improvisation pour oser s'exprimer devant les autres.",
        (8, 14), (6, 16), (60,), (10,),
        ("Chapeau avec des thèmes", "Chronomètre"),
        ("Déguisements", "Accessoires"),
        ("Échauffement : marcher, s'arrêter, prendre une émotion.",
         "Improvisations à deux sur un thème tiré au sort.", "Improvisations en groupe.",
         "Retour bienveillant du public."),
        ("Match d'impro entre deux équipes.",),
        ""),
    SheetTemplate(K.EXPRESSION, ("Marionnettes en chaussette", "Spectacle de marionnettes {t}"),
        "Fabriquer sa marionnette et inventer une petite histoire.",
        (4, 9), (4, 12), (60, 90), (20,),
        ("Chaussettes", "Yeux mobiles", "Laine", "Feutrine", "Colle"),
        ("Castelet", "Boutons"),
        ("Fabriquer les marionnettes.", "Inventer les personnages.",
         "Répéter une courte scène.", "Jouer devant les autres groupes."),
        ("Marionnettes à doigts pour les plus petits.",),
        ""),
    SheetTemplate(K.EXPRESSION, ("Éveil musical et percussions corporelles", "Musique {t}"),
        "Explorer les rythmes avec son corps et de petits instruments.",
        (3, 7), (6, 12), (30, 45), (10,),
        ("Petites percussions", "Enceinte"),
        ("Foulards", "Instruments fabriqués"),
        ("Chanson d'accueil.", "Taper des rythmes avec les mains et les pieds.",
         "Jouer fort, doucement, vite, lentement.", "Petit concert final."),
        ("Fabriquer des maracas avec des pots de yaourt.",),
        ""),
    SheetTemplate(K.EXPRESSION, ("Chorégraphie {t}", "Atelier danse : notre chorégraphie"),
        "Créer une chorégraphie de groupe pour la fête de fin de vacances.",
        (6, 14), (6, 16), (60,), (15,),
        ("Enceinte", "Musiques choisies avec les enfants"),
        ("Foulards", "Miroir"),
        ("Échauffement en musique.", "Apprendre quelques pas ensemble.",
         "Chaque petit groupe invente un passage.", "Assembler et répéter."),
        ("Danse du monde à découvrir.",),
        ""),
    SheetTemplate(K.EXPRESSION, ("Kamishibaï et conte animé", "Conte {t}"),
        "Raconter une histoire avec le petit théâtre d'images japonais.",
        (3, 7), (6, 16), (30,), (10,),
        ("Kamishibaï (butaï)", "Planches d'histoire"),
        ("Instruments pour les bruitages",),
        ("Installer les enfants en demi-cercle.", "Raconter en faisant défiler les planches.",
         "Faire participer aux bruitages.", "Dessiner la suite de l'histoire."),
        ("Les grands écrivent leur propre kamishibaï.",),
        ""),
    # --- citizenship and outings
    SheetTemplate(K.CITIZENSHIP, ("Débat mouvant : vivre ensemble", "Débat mouvant {t}"),
        "Les enfants se placent d'un côté ou de l'autre selon leur avis et argumentent.",
        (9, 14), (8, 20), (45,), (15,),
        ("Affirmations préparées", "Ruban pour séparer la salle"),
        ("Bâton de parole",),
        ("Rappeler les règles d'écoute.", "Lire une affirmation.",
         "Chacun choisit son camp.", "Ceux qui changent d'avis expliquent pourquoi."),
        ("Préparer les affirmations avec les enfants.",),
        ""),
    SheetTemplate(K.CITIZENSHIP, ("Opération quartier propre", "Ramassage des déchets au parc"),
        "Une action pour le quartier : ramasser les déchets et parler du tri.",
        (6, 14), (8, 20), (90,), (20,),
        ("Gants", "Sacs poubelle", "Pinces de ramassage", "Gilets fluorescents"),
        ("Balance pour peser la récolte",),
        ("Parler du tri et du temps de décomposition des déchets.", "Ramasser par équipes.",
         "Trier au retour.", "Afficher les résultats au centre."),
        ("Fabriquer des objets avec les déchets propres.",),
        "Gants obligatoires ; ne pas toucher au verre ni aux seringues."),
    SheetTemplate(K.OUTING, ("Sortie à la médiathèque", "Visite de la médiathèque {t}"),
        "Découvrir la médiathèque du quartier et emprunter des livres.",
        (3, 14), (8, 20), (90, 120), (15,),
        ("Liste des enfants", "Trousse de secours", "Gilets"),
        ("Carte de bibliothèque du centre",),
        ("Prévenir la médiathèque.", "Trajet à pied en rang.",
         "Lecture offerte par les bibliothécaires.", "Choix de livres pour le centre."),
        ("Atelier lecture au retour.",),
        "Taux d'encadrement de sortie ; appel au départ et au retour."),
]  # fmt: skip
OBJECTS = ["animaux", "fusées", "personnages", "voitures", "monstres", "hiboux", "robots", "châteaux"]
FREE_ACTIVITIES = [
    "Piscine", "Jeux libres dans la cour", "Temps calme et lecture", "Sortie au parc", "Grand jeu collectif",
    "Pique-nique au parc", "Ludothèque", "Cinéma du quartier", "Préparation de la fête de fin de vacances",
]  # fmt: skip
ENTRY_NOTES = [
    "Prévoir les tabliers", "En salle polyvalente", "Avec la médiathèque", "Départ 13 h 45",
    "Penser aux gourdes", "Commander le matériel", "Avec les parents volontaires", "Salle 2",
]  # fmt: skip

# Pedagogical project: three general objectives of a centre, each with two operational ones.
OBJECTIVES = [
    ("Favoriser l'autonomie de l'enfant",
     ["Permettre à chaque enfant de se servir seul au goûter",
      "Laisser les enfants choisir leur activité de l'après-midi",
      "Confier aux grands le rangement du matériel"]),
    ("Développer la coopération et l'entraide",
     ["Proposer chaque semaine un jeu coopératif",
      "Former des binômes entre grands et petits",
      "Réaliser une production collective par période"]),
    ("Éveiller la curiosité et l'esprit critique",
     ["Proposer une expérience scientifique par semaine",
      "Organiser un débat mouvant par période",
      "Découvrir un métier ou un lieu du quartier"]),
    ("Sensibiliser au respect de l'environnement",
     ["Trier les déchets du goûter",
      "Entretenir le potager du centre",
      "Utiliser des matériaux de récupération dans les activités manuelles"]),
    ("Favoriser l'expression et la créativité",
     ["Présenter un spectacle aux familles en fin de vacances",
      "Proposer un atelier artistique chaque jour",
      "Afficher les créations des enfants à l'accueil"]),
    ("Encourager la pratique sportive pour tous",
     ["Proposer une activité physique chaque jour",
      "Organiser des tournois mixtes",
      "Faire découvrir un sport nouveau par période"]),
    ("Impliquer les familles dans la vie du centre",
     ["Inviter les familles à un goûter partagé",
      "Associer les parents à une sortie",
      "Partager les réalisations des enfants sur le panneau d'affichage"]),
    ("Apprendre à vivre ensemble dans le respect de chacun",
     ["Élaborer les règles de vie avec les enfants",
      "Mettre en place un conseil d'enfants",
      "Faire un temps d'échange à la fin de chaque journée"]),
]  # fmt: skip


def _sheet_text(template: SheetTemplate, rng: random.Random) -> dict:
    """Title, summary, materials, steps, variants and safety of one sheet, varied."""
    complement, noun = rng.choice(THEMES)
    values = {
        "t": complement,
        "tn": noun,
        "s": rng.choice(SEASONS),
        "n": rng.choice([2, 3, 4, 5, 6]),
        "obj": rng.choice(OBJECTS),
        "place": rng.choice(PLACES),
    }
    title = rng.choice(template.titles).format(**values)
    summary = template.summary.format(**values)
    if rng.random() < 0.6:
        summary += " " + rng.choice(SUMMARY_EXTRAS)
    materials = list(template.materials)
    if template.extra_materials:
        materials += rng.sample(template.extra_materials, rng.randint(0, len(template.extra_materials)))
    steps = [step.format(**values) for step in template.steps]
    if rng.random() < 0.3:
        steps.insert(0, f"Installer le matériel dans {values['place']} avant l'arrivée du groupe.")
    variants = [v.format(**values) for v in template.variants if rng.random() < 0.7]
    if rng.random() < 0.5:
        variants.append(rng.choice(TIPS))
    return {
        "title": title[:200],
        "summary": summary,
        "materials": "\n".join(materials),
        "steps": "\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1)),
        "variants": "\n".join(variants),
        "safety_notes": template.safety if rng.random() < 0.9 else "",
    }


@contextmanager
def keep_given_dates(*models):
    """Let bulk_create store the dates given (auto_now and auto_now_add would set them all to now)."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


# --- The command -----------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Génère 50 000 fiches d'activité et des plannings de vacances sur le réseau « bench » de "
        "generate_scale_data, pour le benchmark `animation`. Idempotent ; --force reconstruit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=50_000)
        parser.add_argument(
            "--centres", type=int, default=300, help="Centres du réseau qui écrivent des fiches."
        )
        parser.add_argument(
            "--plannings",
            type=int,
            default=30,
            help="Centres qui ont un planning de deux semaines et un compte bench-anim-NNNN.",
        )
        parser.add_argument("--published-ratio", type=float, default=0.85)
        parser.add_argument(
            "--shared-ratio", type=float, default=0.70, help="Part des fiches publiées partagées."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--staff-password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--force", action="store_true", help="Supprime et reconstruit les fiches et plannings."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Supprime seulement ce que cette commande a créé."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        network = list(
            Centre.objects.filter(territory__federation__slug=FEDERATION_SLUG)
            .order_by("slug")
            .values_list("id", flat=True)
        )
        if options["delete"]:
            self._delete(network)
            self.stdout.write(
                f"Fiches, plannings et comptes d'animation du réseau « {FEDERATION_SLUG} » supprimés."
            )
            return
        if not network:
            raise CommandError("Pas de réseau « bench » : lancez d'abord `manage.py generate_scale_data`.")
        if not 0 < options["centres"] <= len(network):
            raise CommandError(f"--centres doit être entre 1 et {len(network)}.")
        centres = network[: options["centres"]]
        if not 0 <= options["plannings"] <= len(centres):
            raise CommandError(f"--plannings doit être entre 0 et {len(centres)} (un planning par centre).")
        if options["sheets"] < 1:
            raise CommandError("Il faut au moins une fiche.")
        # The planning centres, spread over the network like the other generators' staff centres.
        step = len(centres) / options["plannings"] if options["plannings"] else 1
        planning_centres = [centres[int(i * step)] for i in range(options["plannings"])]

        existing = self._existing(network)
        wanted = {"sheets": options["sheets"], "plannings": options["plannings"]}
        if existing == wanted and not options["force"]:
            self.stdout.write(f"Fiches et plannings de benchmark déjà là ({existing}) : rien à générer.")
            self._accounts(centres, planning_centres, options["staff_password"])
            return
        if existing["sheets"] or existing["plannings"]:
            self._delete(network)
            self.stdout.write(
                f"Anciennes fiches et anciens plannings supprimés ({time.monotonic() - started:.1f} s)."
            )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            accounts = self._accounts(centres, planning_centres, options["staff_password"])
            self._generate(centres, planning_centres, accounts, options, started)
        self._analyze()
        self.stdout.write(
            self.style.SUCCESS(f"Jeu de données d'animation prêt en {time.monotonic() - started:.1f} s.")
        )

    # --- what is there -----------------------------------------------------------------------------------

    def _existing(self, network: list[int]) -> dict[str, int]:
        return {
            "sheets": ActivitySheet.objects.filter(centre_id__in=network).count(),
            "plannings": Planning.objects.filter(centre_id__in=network).count(),
        }

    def _delete(self, network: list[int]):
        """Raw deletes, children first: no signals, no journal lines (nobody did this). Also removes the
        groups, periods and activities made here, and the accounts."""
        if network:
            c = f"IN ({_placeholders(network)})"  # the network's centres
            entries = f"SELECT id FROM animation_planningentry WHERE centre_id {c}"  # noqa: S608
            sheets = f"SELECT id FROM animation_activitysheet WHERE centre_id {c}"  # noqa: S608
            objectives = f"SELECT id FROM animation_objective WHERE centre_id {c}"  # noqa: S608
            leisure = f"SELECT id FROM activities_activity WHERE centre_id {c} AND kind = %s"  # noqa: S608
            periods = f"SELECT id FROM activities_period WHERE name = %s AND activity_id IN ({leisure})"  # noqa: S608
            days = f"SELECT id FROM activities_periodday WHERE period_id IN ({periods})"  # noqa: S608
            names = _placeholders(GROUPS)
            groups = f"SELECT id FROM activities_group WHERE name IN ({names}) AND activity_id IN ({leisure})"  # noqa: S608
            kind = Activity.Kind.LEISURE_CENTRE
            by_period = [PERIOD_NAME, *network, kind]
            by_group = [*(g[0] for g in GROUPS), *network, kind]
            # (table, condition, parameters), in this order.
            deletes = [
                ("animation_planningentry_animators", f"planningentry_id IN ({entries})", network),
                ("animation_planningentry_objectives", f"planningentry_id IN ({entries})", network),
                ("animation_planningentry", f"centre_id {c}", network),
                ("animation_planning", f"centre_id {c}", network),
                ("animation_sheetfavourite", f"sheet_id IN ({sheets})", network),
                ("animation_sheetversion", f"sheet_id IN ({sheets})", network),
                ("animation_sheetattachment", f"sheet_id IN ({sheets})", network),
                ("animation_sheetcomment", f"sheet_id IN ({sheets})", network),
                ("animation_activitysheet_objectives", f"activitysheet_id IN ({sheets})", network),
                ("animation_activitysheet", f"centre_id {c}", network),
                ("animation_activitysheet_objectives", f"objective_id IN ({objectives})", network),
                ("animation_planningentry_objectives", f"objective_id IN ({objectives})", network),
                ("animation_objective", f"centre_id {c} AND parent_id IS NOT NULL", network),
                ("animation_objective", f"centre_id {c}", network),
                ("animation_pedagogicalproject", f"centre_id {c}", network),
                ("activities_groupday", f"day_id IN ({days})", by_period),
                ("activities_periodday", f"id IN ({days})", by_period),
                ("activities_period", f"id IN ({periods})", by_period),
                ("activities_groupday", f"group_id IN ({groups})", by_group),
                ("activities_group", f"id IN ({groups})", by_group),
                (
                    "activities_activity",
                    f"centre_id {c} AND kind = %s AND description = %s",
                    [*network, kind, MADE_HERE],
                ),
            ]
            with transaction.atomic(), connection.cursor() as cursor:
                # Entries of other centres that placed a bench sheet keep their title, lose the link;
                # copies made elsewhere lose their origin.
                for table, column in (
                    ("animation_planningentry", "sheet_id"),
                    ("animation_activitysheet", "copied_from_id"),
                ):
                    sql = f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({sheets})"  # noqa: S608
                    cursor.execute(sql, network)
                for table, condition, params in deletes:
                    cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)  # noqa: S608
        accounts = User.objects.none()
        for prefix in ACCOUNT_PREFIXES:
            accounts |= User.objects.filter(email__startswith=prefix, email__endswith=f"@{EMAIL_DOMAIN}")
        with transaction.atomic():
            StaffRole.objects.filter(user__in=accounts).delete()
            accounts.delete()

    # --- the accounts ------------------------------------------------------------------------------------

    def _accounts(self, centres: list[int], planning_centres: list[int], password: str) -> dict:
        """The animators of the planning centres (the one who logs in, and colleagues), and a sheet
        writer per centre. Returns {"team": {centre: [user ids]}, "writers": {centre: [user ids]}}.
        Passwords are hashed once (PBKDF2 is deliberately slow) and shared."""
        encoded = make_password(password)
        unusable = make_password(None)
        wanted = []  # (email, first name, last name, centre, password, team?)
        for index, centre_id in enumerate(planning_centres, start=1):
            wanted.append(
                (animator_email(index), "Animation", f"Bench {index:04d}", centre_id, encoded, True)
            )
            for member in range(1, TEAM_SIZE):
                seed = index * TEAM_SIZE + member
                wanted.append(
                    (
                        team_email(index, member),
                        FIRST_NAMES[seed % len(FIRST_NAMES)],
                        LAST_NAMES[(seed * 7) % len(LAST_NAMES)],
                        centre_id,
                        encoded,
                        True,
                    )
                )
        for index, centre_id in enumerate(centres, start=1):
            wanted.append(
                (
                    writer_email(index),
                    FIRST_NAMES[(index * 3) % len(FIRST_NAMES)],
                    LAST_NAMES[(index * 11) % len(LAST_NAMES)],
                    centre_id,
                    unusable,
                    False,
                )
            )
        existing = {u.email: u for u in User.objects.filter(email__in=[w[0] for w in wanted])}
        new, changed = [], []
        for email, first, last, _centre, secret, _team in wanted:
            user = existing.get(email)
            if user is None:
                new.append(
                    User(email=email, first_name=first, last_name=last, password=secret, is_active=True)
                )
            elif secret == encoded or not user.is_active:
                user.password = secret if secret == encoded else user.password
                user.is_active = True
                changed.append(user)
        User.objects.bulk_create(new, batch_size=BATCH)
        User.objects.bulk_update(changed, ["password", "is_active"], batch_size=BATCH)
        users = dict(User.objects.filter(email__in=[w[0] for w in wanted]).values_list("email", "id"))
        target = {users[w[0]]: w[3] for w in wanted}
        roles = defaultdict(list)
        for role in StaffRole.objects.filter(user_id__in=target):
            roles[role.user_id].append(role)
        stale, missing, reactivate = [], [], []
        for user_id, centre_id in target.items():
            keep = [r for r in roles[user_id] if r.centre_id == centre_id and r.role == Role.ANIMATOR]
            stale += [r.pk for r in roles[user_id] if r not in keep]
            if not keep:
                missing.append(StaffRole(user_id=user_id, centre_id=centre_id, role=Role.ANIMATOR))
            reactivate += [r for r in keep if not r.is_active]
        StaffRole.objects.filter(pk__in=stale).delete()
        StaffRole.objects.bulk_create(missing, batch_size=BATCH)
        for role in reactivate:
            role.is_active = True
        StaffRole.objects.bulk_update(reactivate, ["is_active"])
        result = {"team": defaultdict(list), "writers": defaultdict(list)}
        for email, _first, _last, centre_id, _secret, team in wanted:
            result["team" if team else "writers"][centre_id].append(users[email])
        if planning_centres:
            self.stdout.write(
                f"{len(planning_centres)} comptes d'animation ({animator_email(1)} …) et "
                f"{len(planning_centres) * (TEAM_SIZE - 1)} collègues ({team_email(1, 1)} …), mot de passe "
                f"commun ; {len(centres)} rédacteurs de fiches sans mot de passe ({writer_email(1)} …)."
            )
        return result

    # --- the data ----------------------------------------------------------------------------------------

    def _generate(self, centres, planning_centres, accounts, options, started):
        rng = random.Random(options["seed"])
        tz = ZoneInfo(settings.TIME_ZONE)
        now = timezone.now()

        # Pedagogical projects: 3 general objectives, 2 operational ones each.
        with keep_given_dates(PedagogicalProject):
            projects = PedagogicalProject.objects.bulk_create(
                [
                    PedagogicalProject(
                        centre_id=c,
                        introduction=PROJECT_INTRODUCTION,
                        updated_at=now,
                    )
                    for c in centres
                ],
                batch_size=BATCH,
            )
        generals, picks = [], {}
        for project in projects:
            chosen = rng.sample(OBJECTIVES, 3)
            picks[project.pk] = chosen
            for position, (text, _ops) in enumerate(chosen):
                generals.append(
                    Objective(
                        project_id=project.pk,
                        centre_id=project.centre_id,
                        level=Objective.Level.GENERAL,
                        text=text,
                        position=position,
                    )
                )
        Objective.objects.bulk_create(generals, batch_size=BATCH)
        operational = []
        for general in generals:
            ops = next(o for t, o in picks[general.project_id] if t == general.text)
            for position, text in enumerate(rng.sample(ops, 2)):
                operational.append(
                    Objective(
                        project_id=general.project_id,
                        centre_id=general.centre_id,
                        level=Objective.Level.OPERATIONAL,
                        parent_id=general.pk,
                        text=text,
                        position=general.position * 10 + position + 1,
                    )
                )
        Objective.objects.bulk_create(operational, batch_size=BATCH)
        objectives = defaultdict(list)
        for objective in generals + operational:
            objectives[objective.centre_id].append(objective.pk)
        self.stdout.write(
            f"{len(projects)} projets pédagogiques, {len(generals) + len(operational)} objectifs "
            f"({time.monotonic() - started:.1f} s)."
        )

        # Sheets: a few centres write a lot (Zipf-like weights over the centres in a random order).
        order = list(centres)
        rng.shuffle(order)
        weights = [1 / (rank + 8) for rank in range(len(order))]
        per_centre = Counter(rng.choices(order, weights=weights, k=options["sheets"]))
        sheet_ids, sheet_info = [], []  # info: (id, centre, title, min, max, readable by the network)
        objective_links = []
        Through = ActivitySheet.objectives.through
        pending: list[tuple[ActivitySheet, list[int]]] = []

        def flush():
            with keep_given_dates(ActivitySheet):
                created = ActivitySheet.objects.bulk_create([p[0] for p in pending], batch_size=BATCH)
            for sheet, (_s, linked) in zip(created, pending, strict=True):
                sheet_ids.append(sheet.pk)
                shared = sheet.status == ActivitySheet.Status.PUBLISHED and sheet.visibility == "reseau"
                sheet_info.append(
                    (sheet.pk, sheet.centre_id, sheet.title, sheet.min_age, sheet.max_age, shared)
                )
                objective_links.extend(Through(activitysheet_id=sheet.pk, objective_id=o) for o in linked)
            pending.clear()

        for centre_id in centres:
            authors = accounts["writers"][centre_id] + accounts["team"].get(centre_id, [])
            for _ in range(per_centre[centre_id]):
                template = rng.choice(TEMPLATES)
                text = _sheet_text(template, rng)
                low, high = template.ages
                low = max(3, low + rng.choice([-1, 0, 0, 0, 1]))
                high = max(low, high + rng.choice([-2, -1, 0, 0, 0, 1]))
                if rng.random() < 0.05:
                    low, high = None, None
                published = rng.random() < options["published_ratio"]
                if published:
                    visibility = "reseau" if rng.random() < options["shared_ratio"] else "centre"
                else:
                    visibility = "reseau" if rng.random() < 0.3 else "centre"
                created = now - timedelta(days=1460 * rng.random() ** 1.5, seconds=rng.randint(0, 86_400))
                updated = min(now, created + timedelta(days=rng.random() ** 3 * 300))
                gmin, gmax = template.group
                sheet = ActivitySheet(
                    centre_id=centre_id,
                    author_id=rng.choice(authors),
                    kind=template.kind,
                    min_age=low,
                    max_age=high,
                    group_min=gmin if rng.random() < 0.9 else None,
                    group_max=gmax + rng.choice([0, 0, 2, 4]),
                    duration_minutes=rng.choice(template.durations),
                    preparation_minutes=rng.choice(template.preparation),
                    visibility=visibility,
                    status=ActivitySheet.Status.PUBLISHED if published else ActivitySheet.Status.DRAFT,
                    version=1 + int(rng.random() ** 2 * 5),
                    created_at=created,
                    updated_at=updated,
                    **text,
                )
                linked = rng.sample(
                    objectives[centre_id], rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0]
                )
                pending.append((sheet, linked))
                if len(pending) >= BATCH:
                    flush()
        flush()
        Through.objects.bulk_create(objective_links, batch_size=BATCH * 5)
        self.stdout.write(
            f"{len(sheet_ids)} fiches, {len(objective_links)} liens vers des objectifs "
            f"({time.monotonic() - started:.1f} s)."
        )
        refresh_search_columns(sheet_ids)
        self.stdout.write(f"Colonnes de recherche remplies ({time.monotonic() - started:.1f} s).")

        # Plannings of the planning centres.
        shared = [info for info in sheet_info if info[5]] or sheet_info  # (a tiny dataset may share none)
        own = defaultdict(list)
        for info in sheet_info:
            own[info[1]].append(info)
        today = timezone.localdate()
        monday = today + timedelta(days=14 - today.weekday())
        days = [monday + timedelta(days=week * 7 + day) for week in range(2) for day in range(5)]
        entries_made = 0
        favourites = []
        for number, centre_id in enumerate(planning_centres, start=1):
            team = accounts["team"][centre_id]
            entries_made += self._planning(
                rng, centre_id, team, days, shared, own[centre_id], objectives[centre_id], tz
            )
            readable = shared + [i for i in own[centre_id] if not i[5]]
            for user_id in team:
                for info in rng.sample(readable, min(len(readable), rng.randint(3, 30))):
                    favourites.append(SheetFavourite(user_id=user_id, sheet_id=info[0]))
            if number % 10 == 0:
                self.stdout.write(f"{number} plannings ({time.monotonic() - started:.1f} s).")
        SheetFavourite.objects.bulk_create(favourites, batch_size=BATCH)
        self.stdout.write(
            f"{len(planning_centres)} plannings de {len(days)} jours, {entries_made} activités placées, "
            f"{len(favourites)} favoris ({time.monotonic() - started:.1f} s)."
        )

    def _planning(self, rng, centre_id, team, days, shared, own, objectives, tz) -> int:
        activity = (
            Activity.objects.filter(centre_id=centre_id, kind=Activity.Kind.LEISURE_CENTRE)
            .order_by("id")
            .first()
        )
        if activity is None:
            # No leisure centre from generate_attendance_data: one of our own, which --delete removes.
            activity = Activity.objects.bulk_create(
                [
                    Activity(
                        centre_id=centre_id,
                        name="Accueil de loisirs",
                        kind=Activity.Kind.LEISURE_CENTRE,
                        description=MADE_HERE,
                    )
                ]
            )[0]
        existing = {g.name: g for g in Group.objects.filter(activity=activity)}
        Group.objects.bulk_create(
            [
                Group(activity=activity, name=name, min_age=low, max_age=high, capacity=capacity)
                for name, low, high, capacity in GROUPS
                if name not in existing
            ]
        )
        groups = [g for g in Group.objects.filter(activity=activity) if g.name in {n for n, *_ in GROUPS}]
        groups.sort(key=lambda g: g.min_age)
        period = Period.objects.bulk_create(
            [
                Period(
                    activity=activity,
                    name=PERIOD_NAME,
                    kind=Period.Kind.HOLIDAYS,
                    registration_opens_on=days[0] - timedelta(days=45),
                    registration_closes_on=days[0] - timedelta(days=3),
                )
            ]
        )[0]
        PeriodDay.objects.bulk_create(PeriodDay(period=period, date=day) for day in days)
        ensure_group_days(period)
        login_user = team[0]
        with keep_given_dates(Planning):
            planning = Planning.objects.bulk_create(
                [
                    Planning(
                        centre_id=centre_id,
                        activity=activity,
                        period=period,
                        kind=Planning.Kind.PERIOD,
                        title=f"Vacances de printemps {days[0].year} — accueil de loisirs",
                        starts_on=days[0],
                        ends_on=days[-1],
                        weekdays="0,1,2,3,4",
                        status=Planning.Status.DRAFT,
                        revision=rng.randint(40, 120),
                        created_by_id=login_user,
                        created_at=datetime.combine(days[0] - timedelta(days=30), datetime.min.time(), tz),
                        updated_at=timezone.now(),
                    )
                ]
            )[0]
        # Each group has two referent animators; a third one joins some activities.
        referents = {g.pk: team[1 + 2 * i : 3 + 2 * i] or team[:2] for i, g in enumerate(groups)}
        entries, wants = [], []
        for day in days:
            for group in groups:
                for slot in (PlanningEntry.Slot.MORNING, PlanningEntry.Slot.AFTERNOON):
                    if rng.random() < 0.08:
                        sheet, title = None, rng.choice(FREE_ACTIVITIES)
                    else:
                        suited = own if own and rng.random() < 0.25 else shared
                        info = None
                        for _ in range(20):  # mostly sheets suited to the group's ages
                            candidate = rng.choice(suited)
                            low, high = candidate[3], candidate[4]
                            if (low is None or low <= group.max_age) and (
                                high is None or high >= group.min_age
                            ):
                                info = candidate
                                break
                        info = info or rng.choice(suited)
                        sheet, title = info[0], info[2]
                    entries.append(
                        PlanningEntry(
                            planning=planning,
                            centre_id=centre_id,
                            group=group,
                            date=day,
                            slot=slot,
                            sheet_id=sheet,
                            title=title[:200],
                            notes=rng.choice(ENTRY_NOTES) if rng.random() < 0.2 else "",
                        )
                    )
                    animators = list(referents[group.pk][: rng.choice([1, 2, 2])])
                    if rng.random() < 0.1:
                        animators.append(team[0])  # the one who logs in floats between groups
                    linked = rng.sample(objectives, rng.choices([0, 1, 2], weights=[40, 40, 20])[0])
                    wants.append((animators, linked))
        PlanningEntry.objects.bulk_create(entries)
        Animators = PlanningEntry.animators.through
        Objectives = PlanningEntry.objectives.through
        Animators.objects.bulk_create(
            Animators(planningentry_id=e.pk, user_id=u)
            for e, (a, _o) in zip(entries, wants, strict=True)
            for u in set(a)
        )
        Objectives.objects.bulk_create(
            Objectives(planningentry_id=e.pk, objective_id=o)
            for e, (_a, os) in zip(entries, wants, strict=True)
            for o in os
        )
        return len(entries)

    def _analyze(self):
        tables = [
            model._meta.db_table
            for model in (
                ActivitySheet,
                ActivitySheet.objectives.through,
                Objective,
                PedagogicalProject,
                SheetFavourite,
                Planning,
                PlanningEntry,
                PlanningEntry.animators.through,
                PlanningEntry.objectives.through,
                Group,
                Period,
                PeriodDay,
                GroupDay,
                StaffRole,
                User,
            )
        ]
        with connection.cursor() as cursor:
            for table in tables:
                if connection.vendor == "postgresql" and not connection.in_atomic_block:
                    # Also flushes the GIN index's pending list and fills the visibility map. (Not inside
                    # a transaction: the tests' one.) The sheets' search columns were written by an UPDATE
                    # of every row just after their INSERT: FULL rewrites the table without the dead row
                    # versions (84 MB instead of 231 MB for 50,000 sheets), as a table lived in is.
                    full = "FULL, " if table == ActivitySheet._meta.db_table else ""
                    cursor.execute(f'VACUUM ({full}ANALYZE) "{table}"')
                else:
                    cursor.execute(f'ANALYZE "{table}"')
