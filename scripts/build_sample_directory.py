"""Build the SAMPLE local-activities directory: data/activities/sample-directory.json.

Every organisation, address and phone number here is fictional: the file exists for demos
and tests, never to refer a tenant. The services are HSDS 3.0 dereferenced service objects
in the project's Brussels profile (bot/directory/profile.py): French in the standard fields,
Dutch in `translations.nl`, times local to Europe/Brussels, categories and audiences as
attributes linking the two local taxonomies. The output is deterministic (random.Random(2026),
UUID-5 ids), so running the script twice gives the same file.

    PYTHONPATH=. .venv-gateway/bin/python scripts/build_sample_directory.py           # write
    PYTHONPATH=. .venv-gateway/bin/python scripts/build_sample_directory.py --check   # verify
    PYTHONPATH=. .venv-gateway/bin/python scripts/build_sample_directory.py --stats   # tables
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from bot.hsds_profile import (
    AUDIENCE_LINK,
    CATEGORY_LINK,
    TRANSLATIONS,
    audience_term,
    category_term,
    stable_id,
)
from bot.lexicon import categories, commune_by_postcode, communes

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "activities" / "sample-directory.json"
SEED = 2026

Text = tuple[str, str]  # (French, Dutch)

METADATA: dict[str, Any] = {
    "title": "SAMPLE DATA - fictional local activities (Brussels)",
    "sample": True,
    "description": (
        "SAMPLE DATA. Fictional organisations, addresses and phone numbers, for demos and "
        "tests only. Never use it to refer a tenant to an activity."
    ),
    "generated_by": "scripts/build_sample_directory.py",
    "hsds_version": "3.0",
    "profile": "Brussels profile: see data/activities/README.md",
    "language": "fr",
    "translations": ["nl"],
    "time_zone": "Europe/Brussels",
}

REGION: Text = ("Région de Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest")
LARGE_COMMUNES = ("schaerbeek", "molenbeek-saint-jean", "anderlecht", "bruxelles")
TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "fees_description",
    "eligibility_description",
    "application_process",
    "option",
    "amount_description",
    "address_1",
    "city",
    "state_province",
    "notes",
    "alert",
)
PHONE = re.compile(r"^\+32 2 000 \d\d \d\d$")
ASSURED_FROM, ASSURED_TO = dt.date(2026, 6, 1), dt.date(2026, 11, 20)
STALE_DATE = "2024-03-01"
INACTIVE_COUNT, STALE_COUNT = 3, 2

# --------------------------------------------------------------------------- schedules

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES: dict[str, Text] = {
    "MO": ("lundi", "maandag"),
    "TU": ("mardi", "dinsdag"),
    "WE": ("mercredi", "woensdag"),
    "TH": ("jeudi", "donderdag"),
    "FR": ("vendredi", "vrijdag"),
    "SA": ("samedi", "zaterdag"),
    "SU": ("dimanche", "zondag"),
}

# period -> (valid_from, valid_to or None, French suffix, Dutch suffix)
PERIODS: dict[str, tuple[str, str | None, str, str]] = {
    "school": (
        "2026-08-31",
        "2027-06-30",
        ", pendant l'année scolaire",
        ", tijdens het schooljaar",
    ),
    "season": ("2026-09-07", "2027-06-26", ", de septembre à juin", ", van september tot juni"),
    "year": ("2026-01-05", None, "", ""),
    "holiday": ("2027-02-15", "2027-02-26", "", ""),
}
HOLIDAY_PREFIX: Text = ("Du 15 au 26 février 2027, ", "Van 15 tot 26 februari 2027, ")


class Slot(NamedTuple):
    """One weekly (or monthly, when `monthday` is set) opening of a service."""

    byday: str  # "MO,TU,TH"; empty for a monthly slot
    opens: str
    closes: str
    period: str = "school"
    interval: int = 1
    monthday: int | None = None


EDD_A = (Slot("MO,TU,TH", "15:30", "17:30"), Slot("WE", "13:30", "16:30"))
EDD_B = (Slot("MO,TU,TH", "16:00", "18:00"), Slot("WE", "14:00", "16:30"))
EVERY_DAY = ",".join(DAYS)
WEEKDAYS = "MO,TU,WE,TH,FR"

# --------------------------------------------------------------------------- fees


class Fee(NamedTuple):
    amount: int
    option: Text
    per: Text  # amount_description


FEES: dict[str, Fee] = {
    "free": Fee(0, ("Gratuit", "Gratis"), ("Aucun frais", "Geen kosten")),
    "year_5": Fee(5, ("Cotisation annuelle", "Jaarlijks lidgeld"), ("par an", "per jaar")),
    "year_10": Fee(10, ("Cotisation annuelle", "Jaarlijks lidgeld"), ("par an", "per jaar")),
    "year_25": Fee(
        25, ("Inscription pour l'année", "Inschrijving voor het jaar"), ("par an", "per jaar")
    ),
    "year_40": Fee(
        40, ("Inscription pour l'année", "Inschrijving voor het jaar"), ("par an", "per jaar")
    ),
    "session_2": Fee(2, ("Participation", "Bijdrage"), ("par séance", "per keer")),
    "session_5": Fee(5, ("Participation", "Bijdrage"), ("par séance", "per keer")),
    "meal_2": Fee(2, ("Prix du repas", "Prijs van de maaltijd"), ("par repas", "per maaltijd")),
    "meal_5": Fee(5, ("Prix du repas", "Prijs van de maaltijd"), ("par repas", "per maaltijd")),
    "week_40": Fee(40, ("Inscription au stage", "Inschrijving"), ("par semaine", "per week")),
}
SPORT_NOTE: Text = (" Assurance comprise.", " Verzekering inbegrepen.")
SPORTS = ("sport", "football", "swimming", "martial_arts", "dance")
REDUCED_NOTE: Text = (
    " Tarif réduit possible, demandez-nous.",
    " Minder inkomen? Vraag naar het verminderd tarief.",
)

# --------------------------------------------------------------------------- languages

LANGUAGE_NAMES: dict[str, Text] = {
    "fr": ("français", "Frans"),
    "nl": ("néerlandais", "Nederlands"),
    "en": ("anglais", "Engels"),
    "ar": ("arabe", "Arabisch"),
    "tr": ("turc", "Turks"),
    "es": ("espagnol", "Spaans"),
    "pt": ("portugais", "Portugees"),
    "ro": ("roumain", "Roemeens"),
    "pl": ("polonais", "Pools"),
    "it": ("italien", "Italiaans"),
}

# --------------------------------------------------------------------------- services


@dataclass(frozen=True)
class Template:
    """What a kind of activity is; organisations run it at their own place."""

    categories: tuple[str, ...]
    audiences: tuple[str, ...]
    name: Text
    description: Text
    slots: tuple[tuple[Slot, ...], ...]  # alternatives, one is picked per service
    fees: tuple[str, ...] = ("free",)  # alternatives, one is picked per service
    ages: tuple[int | None, int | None] = (None, None)
    eligibility: Text | None = None
    fees_text: Text | None = None
    languages: tuple[str, ...] = ()


T = Template
S = Slot
TEMPLATES: dict[str, Template] = {
    # ------------------------------------------------------------ homework help
    "edd_primary": T(
        ("homework_help",),
        ("children",),
        ("École de devoirs", "Huiswerkbegeleiding"),
        (
            "Aide aux devoirs pour les enfants de l'école primaire. Après les devoirs, on joue "
            "ensemble.",
            "Hulp bij het huiswerk voor kinderen van de lagere school. Daarna spelen we samen.",
        ),
        (EDD_A, EDD_B),
        ("free", "free", "year_10"),
        (6, 12),
        (
            "Pour les enfants de 6 à 12 ans. Un parent vient pour l'inscription.",
            "Voor kinderen van 6 tot 12 jaar. Een ouder komt mee om in te schrijven.",
        ),
    ),
    "edd_secondary": T(
        ("homework_help",),
        ("teenagers",),
        ("Soutien scolaire pour le secondaire", "Huiswerkklas voor het secundair"),
        (
            "Un animateur aide les jeunes du secondaire à faire leurs devoirs. On prépare aussi "
            "les examens.",
            "Jongeren uit het secundair krijgen hulp bij hun huiswerk. Ook voor de examens kun "
            "je hier studeren.",
        ),
        ((S("MO,TU,TH", "16:30", "18:30"),),),
        ("free", "year_10"),
        (12, 18),
    ),
    "edd_reading": T(
        ("homework_help",),
        ("children",),
        ("Club devoirs et lecture", "Huiswerk- en leesclub"),
        (
            "Les enfants font leurs devoirs, puis lisent des livres ensemble. C'est un bon moyen "
            "de progresser en français.",
            "Eerst maken de kinderen hun huiswerk, daarna lezen we samen boeken. Zo oefenen ze "
            "hun Frans.",
        ),
        ((S("TU,TH", "15:30", "17:00"), S("WE", "13:30", "15:30")),),
        ("free",),
        (8, 12),
    ),
    "edd_dutch": T(
        ("homework_help",),
        ("children",),
        ("Aide aux devoirs en néerlandais", "Huiswerkbegeleiding in het Nederlands"),
        (
            "Pour les enfants qui vont dans une école néerlandophone. Les parents ne parlent pas "
            "néerlandais ? Ce n'est pas un problème.",
            "Voor kinderen uit een Nederlandstalige school. Ook als de ouders geen Nederlands "
            "spreken, zijn ze welkom.",
        ),
        ((S("MO,TU,TH", "15:30", "17:00"),),),
        ("free",),
        (6, 12),
        None,
        None,
        ("nl", "fr"),
    ),
    # ------------------------------------------------------------ digital help
    "epn": T(
        ("digital_help",),
        ("adults", "seniors"),
        ("Espace public numérique (EPN)", "Digitale hulp: open computerruimte"),
        (
            "Des ordinateurs en libre accès, avec une personne pour vous aider. Vous pouvez "
            "imprimer, écrire un e-mail ou remplir un formulaire.",
            "Computers die u vrij kunt gebruiken, met iemand die u helpt. U kunt printen, mailen "
            "of een formulier invullen.",
        ),
        ((S("TU,TH", "09:30", "12:30", "year"),), (S("MO,WE", "13:30", "16:30", "year"),)),
        ("free",),
    ),
    "online_admin": T(
        ("digital_help",),
        ("adults",),
        ("Aide pour les démarches en ligne", "Hulp bij online formulieren"),
        (
            "Besoin d'aide pour un formulaire sur internet, votre banque ou votre mutuelle ? "
            "Venez avec vos codes et vos documents.",
            "Hulp nodig bij een formulier op internet, uw bank of uw ziekenfonds? Breng uw codes "
            "en uw papieren mee.",
        ),
        ((S("MO", "09:00", "12:00", "year"), S("TH", "13:30", "16:00", "year")),),
        ("free",),
        (18, None),
    ),
    "smartphone_seniors": T(
        ("digital_help", "seniors"),
        ("seniors",),
        ("Atelier smartphone pour seniors", "Smartphonecursus voor senioren"),
        (
            "Apprenez à utiliser votre smartphone pas à pas : appels vidéo, photos et "
            "applications utiles.",
            "Leer stap voor stap werken met uw smartphone: videobellen, foto's en handige apps.",
        ),
        ((S("WE", "14:00", "16:00", "year", 2),),),
        ("free", "session_2"),
        (60, None),
    ),
    # ------------------------------------------------------------ language courses
    "french_adults": T(
        ("french_courses",),
        ("adults",),
        ("Cours de français pour adultes", "Franse les voor volwassenen"),
        (
            "Apprendre à parler et à comprendre le français de tous les jours. Petits groupes, "
            "plusieurs niveaux.",
            "Leer het Frans van elke dag spreken en begrijpen. In kleine groepen, op "
            "verschillende niveaus.",
        ),
        ((S("MO,TH", "09:00", "12:00"),), (S("TU,FR", "09:00", "12:00"),)),
        ("year_25", "year_40", "free"),
        (18, None),
        (
            "Pour les adultes. Un petit test de niveau à l'inscription.",
            "Voor volwassenen. Bij de inschrijving doet u een korte niveautest.",
        ),
    ),
    "french_women": T(
        ("french_courses", "women"),
        ("women",),
        ("Français oral entre femmes", "Frans praten voor vrouwen"),
        (
            "Un groupe de femmes pour oser parler français. Garderie possible pour les petits "
            "enfants.",
            "Een groep voor vrouwen die Frans willen leren praten. Er is opvang voor kleine "
            "kinderen.",
        ),
        ((S("TU,FR", "09:30", "11:30"),),),
        ("free",),
        (18, None),
    ),
    "dutch_beginners": T(
        ("dutch_courses",),
        ("adults",),
        ("Cours de néerlandais pour débutants", "Nederlands voor beginners"),
        (
            "Des cours du soir pour apprendre les bases du néerlandais. Utile pour le travail et "
            "pour l'école des enfants.",
            "Avondles om de basis van het Nederlands te leren. Handig voor uw werk en voor de "
            "school van uw kinderen.",
        ),
        ((S("MO,WE", "18:30", "20:30"),),),
        ("year_40", "year_25"),
        (18, None),
        None,
        None,
        ("nl", "fr"),
    ),
    "dutch_conversation": T(
        ("dutch_courses", "social_contact"),
        ("adults",),
        ("Table de conversation en néerlandais", "Praattafel Nederlands"),
        (
            "Vous apprenez le néerlandais ? Venez parler avec des bénévoles, dans une ambiance "
            "détendue.",
            "Leert u Nederlands? Kom oefenen met vrijwilligers, in een gezellige sfeer.",
        ),
        ((S("TH", "18:00", "19:30", "year", 2),), (S("SA", "10:00", "11:30", "year", 2),)),
        ("free",),
        (16, None),
        None,
        None,
        ("nl", "fr"),
    ),
    "literacy_adults": T(
        ("literacy",),
        ("adults",),
        ("Alphabétisation pour adultes", "Alfabetisering voor volwassenen"),
        (
            "Pour apprendre à lire et à écrire en français, à son rythme. Pas besoin d'être allé "
            "à l'école.",
            "Leer lezen en schrijven in het Frans, op uw eigen tempo. U hoeft niet naar school "
            "geweest te zijn.",
        ),
        ((S("MO,TU,TH", "09:00", "12:00"),),),
        ("free",),
        (18, None),
    ),
    "literacy_women": T(
        ("literacy", "women"),
        ("women",),
        ("Atelier lecture et écriture pour femmes", "Lees- en schrijfgroep voor vrouwen"),
        (
            "Un petit groupe de femmes apprend à lire et à écrire. On travaille avec des papiers "
            "de la vie de tous les jours.",
            "Een kleine groep vrouwen leert lezen en schrijven. We oefenen met brieven en "
            "papieren uit het dagelijks leven.",
        ),
        ((S("TU,TH", "13:30", "15:30"),),),
        ("free",),
        (18, None),
    ),
    "language_evening": T(
        ("language_courses",),
        ("adults",),
        ("Cours de langues du soir", "Taallessen 's avonds"),
        (
            "Des cours de français et de néerlandais le soir, pour les adultes qui travaillent "
            "la journée.",
            "Lessen Frans en Nederlands 's avonds, voor volwassenen die overdag werken.",
        ),
        ((S("TU,TH", "18:30", "20:30"),),),
        ("year_40",),
        (18, None),
        None,
        None,
        ("fr", "nl"),
    ),
    "language_parents": T(
        ("language_courses", "parents_children"),
        ("parents",),
        ("Langues pour parents : parler avec l'école", "Taal voor ouders: praten met de school"),
        (
            "Des mots et des phrases utiles pour parler avec l'école et les enseignants de vos "
            "enfants.",
            "Nuttige woorden en zinnen om te praten met de school en de leerkrachten van uw "
            "kinderen.",
        ),
        ((S("FR", "09:00", "11:00"),),),
        ("free",),
    ),
    # ------------------------------------------------------------ seniors
    "seniors_club": T(
        ("seniors",),
        ("seniors",),
        ("Club des seniors", "Seniorenclub"),
        (
            "Jeux de cartes, café et petites sorties pour les personnes de plus de 60 ans.",
            "Kaarten, koffie en kleine uitstappen voor wie ouder is dan 60 jaar.",
        ),
        ((S("TU,TH", "14:00", "17:00", "year"),),),
        ("year_10", "free"),
        (60, None),
    ),
    "seniors_gym": T(
        ("seniors", "sport"),
        ("seniors",),
        ("Gym douce pour seniors", "Zachte gym voor senioren"),
        (
            "Des exercices simples pour rester en forme, assis ou debout. Chacun va à son rythme.",
            "Eenvoudige oefeningen om fit te blijven, zittend of staand. Iedereen gaat op zijn "
            "eigen tempo.",
        ),
        ((S("MO,TH", "10:00", "11:00", "year"),),),
        ("session_2",),
        (60, None),
    ),
    "seniors_lunch": T(
        ("seniors", "social_contact"),
        ("seniors",),
        ("Repas des aînés", "Middagmaal voor senioren"),
        (
            "Un repas chaud à midi, à partager avec d'autres seniors du quartier.",
            "Een warme middagmaaltijd, samen met andere senioren uit de buurt.",
        ),
        ((S("WE,FR", "12:00", "14:00", "year"),),),
        ("meal_5",),
        (60, None),
        (
            "Réservez votre repas la veille, par téléphone.",
            "Reserveer uw maaltijd de dag ervoor, telefonisch.",
        ),
    ),
    "seniors_walk": T(
        ("seniors", "social_contact"),
        ("seniors",),
        ("Balade des seniors", "Wandelclub voor senioren"),
        (
            "Une promenade calme dans les parcs du quartier, puis un café ensemble.",
            "Een rustige wandeling in de parken van de buurt. Daarna drinken we samen koffie.",
        ),
        ((S("TU", "14:00", "16:00", "year", 2),),),
        ("free",),
        (60, None),
    ),
    "phone_friend": T(
        ("social_contact", "seniors"),
        ("seniors", "adults"),
        ("Appels et visites aux personnes seules", "Bellen en bezoeken voor wie alleen is"),
        (
            "Des bénévoles appellent ou rendent visite aux personnes seules, chaque semaine.",
            "Vrijwilligers bellen of bezoeken elke week mensen die alleen zijn.",
        ),
        ((S(WEEKDAYS, "10:00", "12:00", "year"),),),
        ("free",),
        (None, None),
        (
            "Pour les personnes seules. Un proche peut aussi nous appeler.",
            "Voor mensen die alleen zijn. Ook een familielid kan ons bellen.",
        ),
    ),
    # ------------------------------------------------------------ youth
    "youth_house": T(
        ("youth",),
        ("teenagers",),
        ("Accueil des jeunes", "Open jeugdwerking"),
        (
            "Un lieu pour les jeunes : jeux, projets, sorties, et quelqu'un pour écouter.",
            "Een plek voor jongeren: spelletjes, projecten, uitstappen en iemand die luistert.",
        ),
        ((S("WE", "14:00", "19:00", "year"), S("FR", "16:00", "20:00", "year")),),
        ("free", "year_5"),
        (12, 18),
    ),
    "youth_wednesdays": T(
        ("youth",),
        ("children",),
        ("Mercredis récréatifs", "Speelnamiddag op woensdag"),
        (
            "Jeux, bricolage et sorties le mercredi après-midi pour les enfants de 6 à 12 ans.",
            "Spelletjes, knutselen en uitstappen op woensdagnamiddag, voor kinderen van 6 tot 12 "
            "jaar.",
        ),
        ((S("WE", "13:30", "17:00"),),),
        ("session_2", "free"),
        (6, 12),
    ),
    "youth_holidays": T(
        ("youth", "sport"),
        ("children",),
        ("Stage sportif des vacances de février", "Sportkamp in de februarivakantie"),
        (
            "Une semaine de sport et de jeux pendant les congés scolaires. Apportez votre "
            "pique-nique.",
            "Een week sport en spel tijdens de schoolvakantie. Breng je eigen lunchpakket mee.",
        ),
        ((S(WEEKDAYS, "09:00", "16:00", "holiday"),),),
        ("week_40",),
        (6, 12),
        (
            "Pour les enfants de 6 à 12 ans. Inscription par semaine.",
            "Voor kinderen van 6 tot 12 jaar. Inschrijven per week.",
        ),
    ),
    "rap_teens": T(
        ("youth", "music"),
        ("teenagers",),
        ("Atelier rap et écriture", "Rap- en schrijfatelier"),
        (
            "Écrire ses textes, poser sa voix et enregistrer un morceau en studio.",
            "Je eigen teksten schrijven, rappen en een nummer opnemen in de studio.",
        ),
        ((S("FR", "17:00", "19:00"),),),
        ("free",),
        (13, 18),
    ),
    # ------------------------------------------------------------ women
    "women_group": T(
        ("women", "social_contact"),
        ("women",),
        ("Groupe de femmes", "Vrouwengroep"),
        (
            "Des femmes du quartier se retrouvent pour parler, sortir et faire des projets "
            "ensemble.",
            "Vrouwen uit de buurt komen samen om te praten, uit te gaan en samen iets te doen.",
        ),
        ((S("TU", "09:30", "12:00", "year"),), (S("MO", "13:30", "16:00", "year"),)),
        ("free",),
        (18, None),
    ),
    "women_sewing": T(
        ("women", "crafts"),
        ("women",),
        ("Atelier couture pour femmes", "Naaiatelier voor vrouwen"),
        (
            "Apprendre à coudre et à réparer ses vêtements. Les machines à coudre sont sur place.",
            "Leer naaien en je kleren herstellen. Er staan naaimachines klaar.",
        ),
        ((S("MO,TH", "13:30", "16:00"),),),
        ("free", "year_10"),
        (16, None),
    ),
    "women_swim": T(
        ("swimming", "women"),
        ("women",),
        ("Natation pour femmes", "Zwemmen voor vrouwen"),
        (
            "Des cours de natation entre femmes, avec une monitrice. Pour débutantes et nageuses.",
            "Zwemles voor vrouwen, met een vrouwelijke lesgever. Voor beginners en wie al kan "
            "zwemmen.",
        ),
        ((S("SU", "09:00", "10:30", "season"),),),
        ("session_5",),
        (16, None),
    ),
    "women_selfdefense": T(
        ("martial_arts", "women"),
        ("women",),
        ("Autodéfense pour femmes", "Zelfverdediging voor vrouwen"),
        (
            "Des gestes simples pour se protéger et prendre confiance en soi.",
            "Eenvoudige technieken om jezelf te beschermen en meer zelfvertrouwen te krijgen.",
        ),
        ((S("WE", "19:00", "20:30", "season"),),),
        ("year_25",),
        (16, None),
    ),
    # ------------------------------------------------------------ parents and children
    "parent_toddler": T(
        ("parents_children",),
        ("parents", "children"),
        ("Lieu de rencontre parents-bébés", "Ontmoetingsplek voor ouders en baby's"),
        (
            "Un espace de jeu pour les enfants de 0 à 3 ans et leurs parents. On vient quand on "
            "veut, sans inscription.",
            "Een speelruimte voor kinderen van 0 tot 3 jaar en hun ouders. Kom wanneer je wil, "
            "zonder inschrijving.",
        ),
        ((S("MO,FR", "09:30", "11:30", "year"),), (S("TU,TH", "09:00", "11:30", "year"),)),
        ("free",),
        (0, 3),
    ),
    "parent_talk": T(
        ("parents_children",),
        ("parents",),
        ("Groupe de parole pour parents", "Praatgroep voor ouders"),
        (
            "Des parents parlent de l'éducation de leurs enfants, avec une animatrice. Le café "
            "est offert.",
            "Ouders praten samen over de opvoeding van hun kinderen, met een begeleidster. De "
            "koffie is gratis.",
        ),
        ((S("TH", "09:30", "11:30", "year", 2),),),
        ("free",),
    ),
    "family_games": T(
        ("parents_children",),
        ("families",),
        ("Ludothèque en famille", "Spelotheek voor gezinnen"),
        (
            "Venez jouer en famille et empruntez des jeux de société pour la maison.",
            "Kom samen spelen en leen gezelschapsspellen om thuis te spelen.",
        ),
        ((S("WE", "14:00", "17:00", "year"), S("SA", "10:00", "12:00", "year")),),
        ("year_5",),
    ),
    "family_cooking": T(
        ("cooking", "parents_children"),
        ("families", "children"),
        ("Cuisine en famille", "Koken met het gezin"),
        (
            "Parents et enfants préparent ensemble un repas simple et pas cher, puis le partagent.",
            "Ouders en kinderen koken samen een eenvoudige, goedkope maaltijd en eten die samen "
            "op.",
        ),
        ((S("SA", "10:00", "13:00", "year", 2),),),
        ("session_2",),
        (4, None),
        ("Les enfants viennent avec un adulte.", "Kinderen komen samen met een volwassene."),
    ),
    # ------------------------------------------------------------ sport
    "sport_all": T(
        ("sport",),
        ("adults", "teenagers"),
        ("Sport pour tous", "Sport voor iedereen"),
        (
            "Une heure de sport pour tous : cardio, renforcement et jeux de ballon.",
            "Een uur sport voor iedereen: conditie, spierversterking en balspelen.",
        ),
        ((S("TU,TH", "19:00", "20:00", "season"),),),
        ("session_2", "year_25"),
        (15, None),
    ),
    "multisport_kids": T(
        ("sport",),
        ("children",),
        ("Multisport pour enfants", "Omnisport voor kinderen"),
        (
            "Chaque semaine, un sport différent : basket, athlétisme, jeux de ballon et parcours.",
            "Elke week een andere sport: basketbal, atletiek, balspelen en een parcours.",
        ),
        ((S("WE", "14:00", "16:00", "season"), S("SA", "10:00", "12:00", "season")),),
        ("year_25", "year_40"),
        (6, 12),
    ),
    "park_sport": T(
        ("sport",),
        ("families",),
        ("Sport en famille au parc", "Sporten met het gezin in het park"),
        (
            "Des jeux sportifs en plein air pour petits et grands. On vient en tenue de sport.",
            "Sport en spel in open lucht voor jong en oud. Kom in sportkleren.",
        ),
        ((S("SU", "10:00", "11:30", "year", 2),),),
        ("free",),
    ),
    "football_kids": T(
        ("football",),
        ("children",),
        ("École de football", "Voetbalschool"),
        (
            "Des entraînements de football pour les enfants, filles et garçons. Le club prête "
            "les chasubles.",
            "Voetbaltraining voor kinderen, meisjes en jongens. De club leent hesjes uit.",
        ),
        ((S("WE", "14:00", "15:30", "season"), S("SA", "10:00", "11:30", "season")),),
        ("year_40",),
        (6, 12),
    ),
    "minifoot_teens": T(
        ("football", "youth"),
        ("teenagers",),
        ("Minifoot pour les jeunes", "Minivoetbal voor jongeren"),
        (
            "Du minifoot en salle le soir, en équipes mixtes, avec un éducateur.",
            "'s Avonds minivoetbal in de zaal, in gemengde ploegen en met een begeleider.",
        ),
        ((S("FR", "18:00", "20:00", "year"),),),
        ("free",),
        (12, 18),
    ),
    "swim_kids": T(
        ("swimming",),
        ("children",),
        ("Cours de natation pour enfants", "Zwemles voor kinderen"),
        (
            "Apprendre à nager en petits groupes, avec un maître-nageur.",
            "Leren zwemmen in kleine groepen, met een redder.",
        ),
        ((S("SA", "09:00", "10:00", "season"),),),
        ("year_40",),
        (6, 12),
    ),
    "swim_adults": T(
        ("swimming",),
        ("adults",),
        ("Natation pour adultes débutants", "Zwemmen voor volwassen beginners"),
        (
            "Vous n'avez jamais appris à nager ? Des cours calmes, en petit groupe, sans stress.",
            "Nooit leren zwemmen? Rustige lessen in een kleine groep, zonder stress.",
        ),
        ((S("TU", "20:00", "21:00", "season"),),),
        ("session_5",),
        (18, None),
    ),
    "judo_kids": T(
        ("martial_arts",),
        ("children",),
        ("Judo pour enfants", "Judo voor kinderen"),
        (
            "Le judo apprend le respect et la confiance en soi. Le club prête un kimono pour "
            "commencer.",
            "Judo leert kinderen respect en zelfvertrouwen. Om te beginnen leent de club een "
            "judopak uit.",
        ),
        ((S("WE", "15:00", "16:00", "season"), S("SA", "11:00", "12:00", "season")),),
        ("year_40", "year_25"),
        (6, 12),
    ),
    "boxing_teens": T(
        ("martial_arts",),
        ("teenagers",),
        ("Boxe éducative", "Educatief boksen"),
        (
            "De la boxe sans coups à la tête, pour se dépenser et apprendre à se contrôler.",
            "Boksen zonder slagen naar het hoofd: je uitleven en leren jezelf te beheersen.",
        ),
        ((S("MO,WE", "18:00", "19:30", "season"),),),
        ("free", "year_25"),
        (12, 18),
    ),
    "hiphop_teens": T(
        ("dance",),
        ("teenagers",),
        ("Danse hip-hop", "Hiphopdans"),
        (
            "Apprendre les pas de base du hip-hop et préparer un petit spectacle en fin d'année.",
            "De basispassen van hiphop leren en een kleine voorstelling voorbereiden.",
        ),
        ((S("WE", "16:00", "17:30", "season"),),),
        ("year_25", "free"),
        (11, 18),
    ),
    "zumba": T(
        ("dance",),
        ("adults", "women"),
        ("Zumba du quartier", "Zumba in de buurt"),
        (
            "Danser sur des musiques du monde, dans la bonne humeur. Aucun niveau demandé.",
            "Dansen op muziek uit de hele wereld, in een goede sfeer. Je hoeft het niet te kunnen.",
        ),
        ((S("MO", "19:00", "20:00", "year"),), (S("SA", "10:30", "11:30", "year"),)),
        ("session_2", "free"),
        (16, None),
    ),
    "dance_kids": T(
        ("dance",),
        ("children",),
        ("Éveil à la danse", "Dansatelier voor kinderen"),
        (
            "Bouger en musique, inventer des mouvements et jouer avec son corps.",
            "Bewegen op muziek, zelf dansjes bedenken en spelen met je lichaam.",
        ),
        ((S("WE", "14:00", "15:00", "season"),),),
        ("year_25",),
        (4, 8),
    ),
    # ------------------------------------------------------------ culture
    "outings": T(
        ("culture",),
        ("adults", "families"),
        ("Sorties culturelles en groupe", "Samen op cultuuruitstap"),
        (
            "Musées, concerts et spectacles à petit prix, en groupe et avec un accompagnateur.",
            "Musea, concerten en voorstellingen aan een kleine prijs, in groep en met begeleiding.",
        ),
        ((S("SA", "13:00", "17:00", "year", 2),),),
        ("session_2", "free"),
    ),
    "storytime": T(
        ("culture",),
        ("children", "families"),
        ("Heure du conte", "Voorleesuurtje"),
        (
            "Des histoires lues à voix haute pour les enfants, en français et parfois dans "
            "d'autres langues.",
            "We lezen verhalen voor aan kinderen, in het Frans en soms in andere talen.",
        ),
        ((S("WE", "15:00", "16:00", "year"),), (S("SA", "10:30", "11:30", "year"),)),
        ("free",),
        (3, 8),
    ),
    "theatre_kids": T(
        ("theatre",),
        ("children",),
        ("Atelier théâtre pour enfants", "Theateratelier voor kinderen"),
        (
            "Jouer, inventer des personnages et monter sur scène en fin d'année.",
            "Spelen, personages bedenken en op het einde van het jaar op het podium staan.",
        ),
        ((S("WE", "14:00", "16:00"),),),
        ("year_25",),
        (8, 12),
    ),
    "impro": T(
        ("theatre",),
        ("teenagers", "adults"),
        ("Théâtre d'improvisation", "Improvisatietheater"),
        (
            "Des jeux d'improvisation pour oser prendre la parole et rire ensemble.",
            "Improvisatiespelen om te durven spreken en samen te lachen.",
        ),
        ((S("TH", "19:00", "21:00"),),),
        ("year_40", "session_5"),
        (15, None),
    ),
    "choir": T(
        ("music",),
        ("adults", "seniors"),
        ("Chorale du quartier", "Buurtkoor"),
        (
            "Chanter ensemble des chansons d'ici et d'ailleurs. Pas besoin de savoir lire la "
            "musique.",
            "Samen liedjes van hier en elders zingen. Je hoeft geen noten te kunnen lezen.",
        ),
        ((S("TU", "18:30", "20:00", "year"),), (S("TH", "14:00", "15:30", "year"),)),
        ("free", "year_10"),
    ),
    "percussion_kids": T(
        ("music",),
        ("children",),
        ("Atelier percussions pour enfants", "Percussieatelier voor kinderen"),
        (
            "Découvrir le rythme avec des tambours et des instruments simples.",
            "Ritme ontdekken met trommels en eenvoudige instrumenten.",
        ),
        ((S("WE", "15:00", "16:30"),),),
        ("year_25", "free"),
        (7, 12),
    ),
    "guitar_teens": T(
        ("music",),
        ("teenagers",),
        ("Cours de guitare pour jeunes", "Gitaarles voor jongeren"),
        (
            "Apprendre quelques accords et jouer ses chansons préférées. On prête des guitares "
            "sur place.",
            "Een paar akkoorden leren en je favoriete liedjes spelen. Je kunt ter plaatse een "
            "gitaar lenen.",
        ),
        ((S("MO", "17:00", "18:30"),),),
        ("free", "year_25"),
        (12, 18),
    ),
    "crafts_kids": T(
        ("crafts",),
        ("children",),
        ("Atelier bricolage pour enfants", "Knutselatelier voor kinderen"),
        (
            "Peinture, collage et carton : les enfants créent avec du matériel de récupération.",
            "Schilderen, plakken en knutselen met karton en ander gerecupereerd materiaal.",
        ),
        ((S("WE", "14:00", "16:00"),), (S("SA", "10:00", "12:00"),)),
        ("free", "session_2"),
        (5, 12),
    ),
    "painting_adults": T(
        ("crafts",),
        ("adults", "seniors"),
        ("Atelier dessin et peinture", "Teken- en schilderatelier"),
        (
            "Un atelier calme pour dessiner et peindre. Les débutants sont les bienvenus et le "
            "matériel est fourni.",
            "Een rustig atelier om te tekenen en te schilderen. Beginners zijn welkom en het "
            "materiaal is er.",
        ),
        ((S("TH", "14:00", "16:30", "year"),),),
        ("free", "session_2"),
        (16, None),
    ),
    "knitting": T(
        ("crafts", "social_contact"),
        ("adults", "seniors"),
        ("Club tricot et crochet", "Brei- en haakclub"),
        (
            "Tricoter, crocheter et discuter autour d'un thé. De la laine est prête pour "
            "commencer.",
            "Breien, haken en babbelen bij een kopje thee. Er is wol om mee te beginnen.",
        ),
        ((S("MO", "14:00", "16:00", "year"),),),
        ("free",),
    ),
    "cooking_world": T(
        ("cooking",),
        ("adults",),
        ("Atelier cuisine du monde", "Kookatelier wereldkeuken"),
        (
            "Chaque semaine, une personne du groupe montre une recette de son pays. Ensuite, on "
            "mange ensemble.",
            "Elke week toont iemand uit de groep een recept uit het eigen land. Daarna eten we "
            "samen.",
        ),
        ((S("TH", "09:30", "13:00", "year"),),),
        ("session_2", "free"),
        (18, None),
    ),
    "cooking_budget": T(
        ("cooking",),
        ("adults", "parents"),
        ("Cuisiner sain avec un petit budget", "Gezond koken met een klein budget"),
        (
            "Des recettes simples, de saison et pas chères, à refaire à la maison.",
            "Eenvoudige, goedkope recepten met groenten van het seizoen, om thuis te maken.",
        ),
        ((S("TU", "09:30", "12:30", "year", 2),),),
        ("free", "session_2"),
        (18, None),
    ),
    # ------------------------------------------------------------ social contact
    "cafe_papote": T(
        ("social_contact",),
        ("adults", "seniors"),
        ("Café papote", "Babbelcafé"),
        (
            "Un café ou un thé, et du temps pour parler avec les voisins. Tout le monde est le "
            "bienvenu.",
            "Een koffie of thee en tijd om met de buren te praten. Iedereen is welkom.",
        ),
        ((S("WE", "14:00", "16:30", "year"),), (S("FR", "09:30", "11:30", "year"),)),
        ("free",),
    ),
    "shared_meal": T(
        ("social_contact",),
        ("adults", "families"),
        ("Repas partagé du quartier", "Buurtmaaltijd"),
        (
            "Chacun apporte un plat ou aide en cuisine. On mange ensemble pour faire connaissance.",
            "Iedereen brengt een gerecht mee of helpt in de keuken. We eten samen en leren elkaar "
            "kennen.",
        ),
        ((S("FR", "18:30", "21:00", "year", 2),),),
        ("free",),
    ),
    "games_afternoon": T(
        ("social_contact",),
        ("adults", "seniors", "families"),
        ("Après-midi jeux de société", "Spelnamiddag"),
        (
            "Cartes, dominos et jeux de société pour passer un bon moment ensemble.",
            "Kaarten, domino en gezelschapsspellen voor een leuke namiddag samen.",
        ),
        ((S("SA", "14:00", "17:00", "year", 2),),),
        ("free",),
    ),
    # ------------------------------------------------------------ tenant participation
    "cocolo": T(
        ("tenant_participation",),
        ("adults",),
        ("Conseil consultatif des locataires (CoCoLo)", "Adviesraad van huurders (ARH)"),
        (
            "Le CoCoLo donne l'avis des locataires à la société de logement, par exemple sur "
            "les travaux et les charges. Ses réunions ouvertes sont pour tous les locataires.",
            "De adviesraad geeft de mening van de huurders aan de huisvestingsmaatschappij, "
            "bijvoorbeeld over werken en huurlasten. Alle huurders mogen naar de open "
            "vergaderingen komen.",
        ),
        ((S("", "18:00", "20:00", "year", 1, 12),), (S("", "18:30", "20:30", "year", 1, 5),)),
        ("free",),
        (18, None),
        (
            "Pour les locataires de la société de logement.",
            "Voor de huurders van de huisvestingsmaatschappij.",
        ),
    ),
    "tenant_meeting": T(
        ("tenant_participation",),
        ("adults",),
        ("Réunion des locataires du quartier", "Huurdersvergadering in de wijk"),
        (
            "Les locataires parlent ensemble des problèmes de l'immeuble et cherchent des "
            "solutions.",
            "Huurders bespreken samen de problemen in hun gebouw en zoeken oplossingen.",
        ),
        ((S("", "18:30", "20:00", "year", 1, 20),),),
        ("free",),
        (18, None),
    ),
    "tenant_committees": T(
        ("tenant_participation",),
        ("adults",),
        ("Aide aux comités de locataires", "Ondersteuning van bewonerscomités"),
        (
            "De l'aide pour créer un comité de locataires, préparer une réunion ou écrire au "
            "propriétaire.",
            "Hulp om een bewonerscomité op te richten, een vergadering voor te bereiden of een "
            "brief aan de verhuurder te schrijven.",
        ),
        ((S("WE", "09:30", "12:30", "year"),),),
        ("free",),
        (18, None),
    ),
    # ------------------------------------------------------------ food aid
    "social_grocery": T(
        ("food_aid",),
        ("adults", "families"),
        ("Épicerie sociale", "Sociale kruidenier"),
        (
            "Des produits de base à prix réduit, pour les ménages qui ont peu de revenus.",
            "Basisproducten aan een lagere prijs, voor gezinnen met een klein inkomen.",
        ),
        ((S("TU,FR", "13:00", "17:00", "year"),),),
        ("free",),
        (18, None),
        (
            "Avec un document du CPAS (le service social de la commune).",
            "Met een attest van het OCMW (de sociale dienst van de gemeente).",
        ),
        (
            "L'accès est gratuit. Les produits coûtent moins cher qu'au magasin.",
            "De toegang is gratis. De producten zijn goedkoper dan in de winkel.",
        ),
    ),
    "food_parcels": T(
        ("food_aid",),
        ("adults", "families"),
        ("Colis alimentaires", "Voedselpakketten"),
        (
            "Un colis de nourriture toutes les deux semaines, pour les personnes en difficulté.",
            "Om de twee weken een pakket met eten, voor mensen die het moeilijk hebben.",
        ),
        ((S("TH", "09:00", "12:00", "year", 2),),),
        ("free",),
        (18, None),
        (
            "Après un rendez-vous avec l'assistante sociale de l'association.",
            "Na een gesprek met de maatschappelijk werker van de vereniging.",
        ),
    ),
    "social_restaurant": T(
        ("food_aid", "social_contact"),
        ("adults", "seniors"),
        ("Restaurant social", "Sociaal restaurant"),
        (
            "Un repas chaud et complet à petit prix, à midi, dans une salle conviviale.",
            "Een volledige warme maaltijd aan een lage prijs, 's middags, in een gezellige zaal.",
        ),
        ((S(WEEKDAYS, "12:00", "14:00", "year"),),),
        ("meal_2",),
    ),
    "community_fridge": T(
        ("food_aid",),
        ("adults", "families"),
        ("Frigo solidaire", "Solidaire koelkast"),
        (
            "Un frigo en libre-service : chacun peut y déposer ou y prendre de la nourriture.",
            "Een koelkast waar iedereen eten in kan leggen of uit kan nemen.",
        ),
        ((S(EVERY_DAY, "08:00", "20:00", "year"),),),
        ("free",),
    ),
}
del T, S

# --------------------------------------------------------------------------- organisations


class Kind(NamedTuple):
    place: Text  # kind of place, before the organisation's name
    about: Text  # the organisation's description
    name: Text = ("{} ASBL", "{} vzw")


KINDS: dict[str, Kind] = {
    "mq": Kind(
        ("Maison de quartier", "Buurthuis"),
        (
            "Association de quartier. Elle organise des activités pour tous les habitants.",
            "Buurtvereniging met activiteiten voor alle bewoners van de wijk.",
        ),
    ),
    "buurthuis": Kind(
        ("Buurthuis", "Buurthuis"),
        (
            "Maison de quartier néerlandophone, ouverte à tous. Vous pouvez venir "
            "même si vous parlez peu le néerlandais.",
            "Nederlandstalig buurthuis, open voor iedereen. Ook wie weinig "
            "Nederlands spreekt, is welkom.",
        ),
    ),
    "edd": Kind(
        ("Maison des enfants", "Kinderhuis"),
        (
            "Association pour les enfants et les jeunes : aide aux devoirs, jeux et sorties.",
            "Vereniging voor kinderen en jongeren: huiswerkbegeleiding, spel en uitstappen.",
        ),
    ),
    "sport": Kind(
        ("Salle de sport", "Sporthal"),
        (
            "Club sportif de quartier, ouvert à tous les âges.",
            "Sportclub uit de buurt, open voor alle leeftijden.",
        ),
    ),
    "pool": Kind(
        ("Piscine", "Zwembad"),
        (
            "Club de natation et de sport. Il travaille avec les écoles du quartier.",
            "Zwem- en sportclub die samenwerkt met de scholen uit de buurt.",
        ),
    ),
    "culture": Kind(
        ("Centre culturel", "Cultuurhuis"),
        (
            "Centre culturel de quartier : ateliers, spectacles et sorties à petit prix.",
            "Cultuurhuis in de buurt: ateliers, voorstellingen en uitstappen aan een kleine prijs.",
        ),
    ),
    "women": Kind(
        ("Maison des femmes", "Vrouwenhuis"),
        (
            "Association de femmes. Elle propose des cours, des ateliers et un lieu "
            "pour se rencontrer.",
            "Vrouwenvereniging met lessen, ateliers en een plek om elkaar te ontmoeten.",
        ),
    ),
    "seniors": Kind(
        ("Centre de services", "Dienstencentrum"),
        (
            "Centre pour les seniors du quartier : repas, activités et petits services.",
            "Centrum voor senioren uit de buurt: maaltijden, activiteiten en kleine diensten.",
        ),
    ),
    "youth": Kind(
        ("Maison de jeunes", "Jeugdhuis"),
        (
            "Maison de jeunes : un lieu d'accueil et de projets pour les 12-18 ans.",
            "Jeugdhuis: een plek met projecten en activiteiten voor jongeren van 12 tot 18 jaar.",
        ),
    ),
    "language": Kind(
        ("Centre de langues", "Taalcentrum"),
        (
            "Association d'éducation pour adultes : cours de langues et alphabétisation.",
            "Vereniging voor volwassenenonderwijs: taallessen en alfabetisering.",
        ),
    ),
    "digital": Kind(
        ("Espace numérique", "Computerruimte"),
        (
            "Association qui aide chacun à utiliser un ordinateur, un smartphone et internet.",
            "Vereniging die iedereen helpt met computer, smartphone en internet.",
        ),
    ),
    "food": Kind(
        ("Espace solidaire", "Solidair huis"),
        (
            "Association d'aide alimentaire et d'accueil pour les personnes en difficulté.",
            "Vereniging voor voedselhulp en onthaal van mensen die het moeilijk hebben.",
        ),
    ),
    "family": Kind(
        ("Maison des familles", "Gezinshuis"),
        (
            "Lieu d'accueil pour les parents et les jeunes enfants.",
            "Ontmoetingsplaats voor ouders en jonge kinderen.",
        ),
    ),
    "sisp": Kind(
        ("Salle des locataires", "Huurderszaal"),
        (
            "Société de logement social. Elle loue des logements à des ménages aux "
            "revenus modestes.",
            "Sociale huisvestingsmaatschappij. Ze verhuurt woningen aan gezinnen met "
            "een bescheiden inkomen.",
        ),
        ("Logements {}", "Woningen {}"),
    ),
}


@dataclass(frozen=True)
class Org:
    slug: str
    name: Text  # short name, e.g. ("Le Colibri", "De Kolibrie")
    kind: str
    commune: str
    services: tuple[str, ...]  # template keys
    languages: tuple[str, ...] = ("fr", "nl")
    postcode: int | None = None
    antenna: str | None = None  # commune of a second place
    antenna_services: tuple[str, ...] = ()  # services also given at the second place


ORGS: tuple[Org, ...] = (
    Org(
        "colibri",
        ("Le Colibri", "De Kolibrie"),
        "edd",
        "schaerbeek",
        ("edd_primary", "youth_wednesdays", "crafts_kids"),
        ("fr", "nl", "ar"),
    ),
    Org(
        "lucioles",
        ("Les Lucioles", "De Vuurvliegjes"),
        "mq",
        "schaerbeek",
        ("cafe_papote", "epn", "women_sewing", "cooking_world"),
        ("fr", "nl", "tr"),
    ),
    Org(
        "chene-vert",
        ("Le Chêne Vert", "De Groene Eik"),
        "sport",
        "schaerbeek",
        ("judo_kids", "football_kids"),
    ),
    Org(
        "tilleuls",
        ("Les Tilleuls", "De Linde"),
        "edd",
        "molenbeek-saint-jean",
        ("edd_primary", "edd_secondary", "edd_reading"),
        ("fr", "nl", "ar"),
    ),
    Org(
        "blauwe-reiger",
        ("De Blauwe Reiger", "De Blauwe Reiger"),
        "buurthuis",
        "molenbeek-saint-jean",
        ("edd_dutch", "dutch_conversation", "shared_meal"),
        ("nl", "fr"),
    ),
    Org(
        "pie-bavarde",
        ("La Pie Bavarde", "De Babbelende Ekster"),
        "women",
        "molenbeek-saint-jean",
        ("french_women", "literacy_women", "women_group"),
        ("fr", "ar"),
    ),
    Org(
        "saule-bleu",
        ("Le Saule Bleu", "De Blauwe Wilg"),
        "mq",
        "anderlecht",
        ("edd_primary", "parent_toddler", "social_grocery"),
        ("fr", "nl", "ro"),
    ),
    Org(
        "martin-pecheur",
        ("Le Martin-Pêcheur", "De IJsvogel"),
        "pool",
        "anderlecht",
        ("swim_kids", "women_swim", "boxing_teens"),
    ),
    Org(
        "erable-rouge",
        ("L'Érable Rouge", "De Rode Esdoorn"),
        "youth",
        "anderlecht",
        ("youth_house", "hiphop_teens"),
        ("fr", "nl", "ar"),
    ),
    Org(
        "glycine",
        ("La Glycine", "De Blauweregen"),
        "culture",
        "bruxelles",
        ("theatre_kids", "outings", "choir"),
        ("fr", "nl", "en"),
        1000,
    ),
    Org(
        "mesanges",
        ("Les Mésanges", "De Mezen"),
        "seniors",
        "bruxelles",
        ("seniors_club", "seniors_lunch", "smartphone_seniors"),
        ("fr", "nl", "it"),
        1020,
    ),
    Org(
        "grand-noyer",
        ("Le Grand Noyer", "De Grote Notelaar"),
        "food",
        "bruxelles",
        ("social_restaurant", "food_parcels"),
        ("fr", "nl", "ar", "es"),
        1000,
        "molenbeek-saint-jean",
        ("food_parcels",),
    ),
    Org(
        "peupliers",
        ("Les Peupliers", "De Populieren"),
        "sisp",
        "bruxelles",
        ("cocolo",),
        ("fr", "nl"),
        1120,
    ),
    Org(
        "coquelicot",
        ("Le Coquelicot", "De Klaproos"),
        "language",
        "saint-gilles",
        ("french_adults", "literacy_adults", "language_evening"),
        ("fr", "nl", "es", "pt"),
        None,
        "forest",
        ("french_adults",),
    ),
    Org(
        "bouleaux",
        ("Les Bouleaux", "De Berken"),
        "mq",
        "saint-gilles",
        ("games_afternoon", "community_fridge"),
    ),
    Org(
        "jasmin",
        ("Le Jasmin", "De Jasmijn"),
        "culture",
        "ixelles",
        ("impro", "painting_adults", "guitar_teens"),
        ("fr", "nl", "en"),
    ),
    Org(
        "aubepine",
        ("L'Aubépine", "De Meidoorn"),
        "family",
        "ixelles",
        ("parent_talk", "family_games"),
        ("fr", "nl", "es"),
    ),
    Org(
        "figuier-bleu",
        ("Le Figuier Bleu", "De Blauwe Vijgenboom"),
        "mq",
        "saint-josse-ten-noode",
        ("edd_primary", "online_admin", "cooking_budget"),
        ("fr", "nl", "tr"),
    ),
    Org(
        "libellule",
        ("La Libellule", "De Libel"),
        "women",
        "saint-josse-ten-noode",
        ("women_group", "women_selfdefense"),
        ("fr", "tr", "ar"),
    ),
    Org(
        "pervenches",
        ("Les Pervenches", "De Maagdenpalm"),
        "mq",
        "forest",
        ("cafe_papote", "knitting", "tenant_committees"),
    ),
    Org("sureau", ("Le Sureau", "De Vlier"), "sport", "forest", ("sport_all", "zumba")),
    Org(
        "platane",
        ("Le Platane", "De Plataan"),
        "seniors",
        "jette",
        ("seniors_gym", "seniors_walk", "phone_friend"),
    ),
    Org(
        "myrtilles",
        ("Les Myrtilles", "De Bosbessen"),
        "culture",
        "jette",
        ("storytime", "percussion_kids"),
    ),
    Org(
        "cedre",
        ("Le Cèdre", "De Ceder"),
        "language",
        "etterbeek",
        ("dutch_beginners", "language_parents", "french_adults"),
        ("fr", "nl", "en"),
    ),
    Org(
        "marronniers",
        ("Les Marronniers", "De Kastanjes"),
        "mq",
        "etterbeek",
        ("cafe_papote", "epn"),
        ("fr", "nl", "pl"),
    ),
    Org("mimosa", ("Le Mimosa", "De Mimosa"), "mq", "evere", ("epn", "shared_meal")),
    Org("ginkgo", ("Le Ginkgo", "De Ginkgo"), "sisp", "evere", ("cocolo", "tenant_meeting")),
    Org(
        "fougeres",
        ("Les Fougères", "De Varens"),
        "edd",
        "koekelberg",
        ("edd_primary", "multisport_kids", "youth_holidays"),
        ("fr", "nl", "ar"),
    ),
    Org(
        "merle",
        ("Le Merle Chanteur", "De Zingende Merel"),
        "culture",
        "koekelberg",
        ("choir", "crafts_kids"),
    ),
    Org(
        "herisson",
        ("Le Hérisson", "De Egel"),
        "seniors",
        "uccle",
        ("seniors_club", "knitting", "seniors_gym"),
    ),
    Org("ecureuil", ("L'Écureuil", "De Eekhoorn"), "pool", "uccle", ("swim_adults", "park_sport")),
    Org(
        "moineau",
        ("Le Moineau", "De Mus"),
        "mq",
        "auderghem",
        ("cafe_papote", "cooking_world", "epn", "parent_toddler"),
    ),
    Org(
        "grijze-uil",
        ("De Grijze Uil", "De Grijze Uil"),
        "buurthuis",
        "berchem-sainte-agathe",
        ("dutch_conversation", "games_afternoon"),
        ("nl", "fr"),
    ),
    Org(
        "lierre",
        ("Le Lierre", "De Klimop"),
        "youth",
        "berchem-sainte-agathe",
        ("youth_house", "minifoot_teens", "rap_teens"),
    ),
    Org(
        "coccinelles",
        ("Les Coccinelles", "De Lieveheersbeestjes"),
        "family",
        "ganshoren",
        ("parent_toddler", "family_cooking", "dance_kids", "storytime"),
    ),
    Org(
        "trefle",
        ("Le Trèfle", "De Klaver"),
        "mq",
        "watermael-boitsfort",
        ("painting_adults", "seniors_walk", "social_grocery"),
    ),
    Org(
        "orme",
        ("L'Orme", "De Iep"),
        "language",
        "woluwe-saint-lambert",
        ("literacy_adults", "french_adults"),
    ),
    Org(
        "lilas",
        ("Le Lilas", "De Sering"),
        "sport",
        "woluwe-saint-lambert",
        ("zumba", "multisport_kids"),
    ),
    Org(
        "cerisiers",
        ("Les Cerisiers", "De Kerselaars"),
        "culture",
        "woluwe-saint-pierre",
        ("outings", "impro"),
    ),
    Org(
        "phare-vert",
        ("Le Phare Vert", "De Groene Vuurtoren"),
        "digital",
        "woluwe-saint-pierre",
        ("online_admin", "smartphone_seniors"),
        ("fr", "nl", "en"),
    ),
)


# Invented streets (French, Dutch), one per place, in order.
STREETS: tuple[Text, ...] = (
    ("Rue des Lucioles", "Vuurvliegjesstraat"),
    ("Passage des Trois Mésanges", "Drie Mezengang"),
    ("Rue du Verger Bleu", "Blauwe Boomgaardstraat"),
    ("Allée des Cerfs-Volants", "Vliegerdreef"),
    ("Rue de la Lanterne Verte", "Groene Lantaarnstraat"),
    ("Rue des Nuages", "Wolkenstraat"),
    ("Clos des Libellules", "Libellengaarde"),
    ("Rue du Sureau Noir", "Zwarte Vlierstraat"),
    ("Rue des Campanules", "Klokjesstraat"),
    ("Rue du Chardonneret", "Puttertjesstraat"),
    ("Rue des Airelles", "Veenbesstraat"),
    ("Rue des Pervenches Bleues", "Blauwe Maagdenpalmstraat"),
    ("Rue de la Boussole", "Kompasstraat"),
    ("Rue des Cerises Douces", "Zoete Kersenstraat"),
    ("Rue du Héron Cendré", "Blauwe Reigerstraat"),
    ("Rue de la Girouette", "Windwijzerstraat"),
    ("Rue des Violettes Sauvages", "Wilde Viooltjesstraat"),
    ("Rue du Petit Marronnier", "Kleine Kastanjestraat"),
    ("Rue de l'Arrosoir", "Gieterstraat"),
    ("Rue des Hirondelles Blanches", "Witte Zwaluwstraat"),
    ("Rue du Tambourin", "Tamboerijnstraat"),
    ("Rue du Cadran Solaire", "Zonnewijzerstraat"),
    ("Rue des Bouleaux Argentés", "Zilverberkenstraat"),
    ("Rue du Panier Fleuri", "Bloemenmandstraat"),
    ("Avenue des Écureuils Roux", "Rode Eekhoorndreef"),
    ("Rue de la Plume", "Pluimstraat"),
    ("Rue du Lilas Blanc", "Witte Seringstraat"),
    ("Rue des Ardoises", "Leistenenstraat"),
    ("Rue de la Mouette Rieuse", "Kokmeeuwstraat"),
    ("Rue des Courges", "Pompoenstraat"),
    ("Rue du Jardin Caché", "Verborgen Tuinstraat"),
    ("Rue du Grillon", "Krekelstraat"),
    ("Rue des Balançoires", "Schommelstraat"),
    ("Rue du Cerisier Rose", "Roze Kerselaarstraat"),
    ("Rue de l'Étoile Filante", "Vallende Sterstraat"),
    ("Rue du Sablier", "Zandloperstraat"),
    ("Rue des Crayons", "Potloodstraat"),
    ("Rue de la Marelle", "Hinkelbaanstraat"),
    ("Rue du Cerceau", "Hoepelstraat"),
    ("Rue des Bourdons", "Hommelstraat"),
    ("Rue de la Rosée du Matin", "Ochtenddauwstraat"),
    ("Rue du Vieux Hêtre", "Oude Beukstraat"),
    ("Place des Cigognes", "Ooievaarsplein"),
    ("Rue de la Fontaine aux Merles", "Merelbronstraat"),
)

# --------------------------------------------------------------------------- building


def tr(**fields: str) -> dict[str, dict[str, str]]:
    """The `translations` extension holding the Dutch text of an object."""
    return {"nl": dict(fields)}


def first_date(valid_from: str, slot: Slot) -> str:
    """The first day on or after `valid_from` when the slot happens (RFC 5545 DTSTART)."""
    day = dt.date.fromisoformat(valid_from)
    while not slot_matches(slot, day):
        day += dt.timedelta(days=1)
    return day.isoformat()


def slot_matches(slot: Slot, day: dt.date) -> bool:
    if slot.monthday is not None:
        return day.day == slot.monthday
    return DAYS[day.weekday()] in slot.byday.split(",")


def clock(time: str, language: str) -> str:
    """A time as people write it: 15:30 is 15h30 in French, 15.30 in Dutch; 16:00 is 16h, 16."""
    hours, minutes = (int(part) for part in time.split(":"))
    if language == "fr":
        return f"{hours}h{minutes:02d}" if minutes else f"{hours}h"
    return f"{hours}.{minutes:02d}" if minutes else str(hours)


def hours_text(slot: Slot) -> Text:
    fr = f"de {clock(slot.opens, 'fr')} à {clock(slot.closes, 'fr')}"
    nl = f"van {clock(slot.opens, 'nl')} tot {clock(slot.closes, 'nl')} uur"
    return fr, nl


def joined(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def days_text(slot: Slot) -> Text:
    """When the slot happens, e.g. ("Le lundi et le jeudi", "Elke maandag en donderdag")."""
    days = slot.byday.split(",")
    if slot.monthday is not None:
        suffix = "ste" if slot.monthday in (1, 8) or slot.monthday >= 20 else "de"
        return (f"Le {slot.monthday} de chaque mois,", f"Elke maand op de {slot.monthday}{suffix},")
    if slot.byday == EVERY_DAY:
        return "Tous les jours", "Elke dag"
    if slot.byday == WEEKDAYS:
        return "Du lundi au vendredi", "Van maandag tot vrijdag"
    fr_names = [DAY_NAMES[day][0] for day in days]
    nl_names = [DAY_NAMES[day][1] for day in days]
    if slot.interval == 2:
        return f"Un {fr_names[0]} sur deux", f"Om de twee weken op {nl_names[0]}"
    return (
        joined([f"le {name}" for name in fr_names], "et").capitalize(),
        "Elke " + joined(nl_names, "en"),
    )


def schedule_text(slot: Slot) -> Text:
    (fr_days, nl_days), (fr_hours, nl_hours) = days_text(slot), hours_text(slot)
    _, _, fr_end, nl_end = PERIODS[slot.period]
    fr, nl = f"{fr_days} {fr_hours}{fr_end}", f"{nl_days} {nl_hours}{nl_end}"
    if slot.period == "holiday":
        fr = HOLIDAY_PREFIX[0] + fr[0].lower() + fr[1:]
        nl = HOLIDAY_PREFIX[1] + nl[0].lower() + nl[1:]
    return fr, nl


def build_schedule(service_id: str, slug: str, index: int, slot: Slot) -> dict[str, Any]:
    valid_from, valid_to, _, _ = PERIODS[slot.period]
    fr, nl = schedule_text(slot)
    monthly = slot.monthday is not None
    schedule = {
        "id": stable_id("sample", "schedule", slug, str(index)),
        "service_id": service_id,
        "freq": "MONTHLY" if monthly else "WEEKLY",
        "interval": slot.interval,
        "bymonthday": str(slot.monthday) if monthly else None,
        "byday": None if monthly else slot.byday,
        "opens_at": slot.opens,
        "closes_at": slot.closes,
        "dtstart": first_date(valid_from, slot),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "description": fr,
        TRANSLATIONS: tr(description=nl),
    }
    return {key: value for key, value in schedule.items() if value is not None}


def fee_texts(template: Template, fee: Fee) -> Text:
    """The service's fees_description, French and Dutch."""
    if template.fees_text:
        return template.fees_text
    if not fee.amount:
        return "Gratuit.", "Gratis."
    fr, nl = f"{fee.amount} euros {fee.per[0]}.", f"{fee.amount} euro {fee.per[1]}."
    if any(code in SPORTS for code in template.categories):
        fr, nl = fr + SPORT_NOTE[0], nl + SPORT_NOTE[1]
    if fee.amount >= 25:
        fr, nl = fr + REDUCED_NOTE[0], nl + REDUCED_NOTE[1]
    return fr, nl


def build_cost_option(service_id: str, slug: str, fee: Fee) -> dict[str, Any]:
    return {
        "id": stable_id("sample", "cost_option", slug),
        "service_id": service_id,
        "option": fee.option[0],
        "amount": fee.amount,
        "currency": "EUR",
        "amount_description": fee.per[0],
        TRANSLATIONS: tr(option=fee.option[1], amount_description=fee.per[1]),
    }


def build_languages(service_id: str, slug: str, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id("sample", "language", slug, code),
            "service_id": service_id,
            "name": LANGUAGE_NAMES[code][0],
            "code": code,
            TRANSLATIONS: tr(name=LANGUAGE_NAMES[code][1]),
        }
        for code in codes
    ]


def build_attributes(service_id: str, slug: str, template: Template) -> list[dict[str, Any]]:
    links = [(CATEGORY_LINK, code, category_term(code)) for code in template.categories]
    links += [(AUDIENCE_LINK, code, audience_term(code)) for code in template.audiences]
    return [
        {
            "id": stable_id("sample", "attribute", slug, link_type, code),
            "link_id": service_id,
            "link_type": link_type,
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
        }
        for link_type, code, term in links
    ]


def eligibility(template: Template) -> Text | None:
    """The template's own rule, else one made from the ages."""
    if template.eligibility:
        return template.eligibility
    low, high = template.ages
    if low is None or low == 18 and high is None:
        return None
    if high is None:
        return f"À partir de {low} ans.", f"Vanaf {low} jaar."
    return f"De {low} à {high} ans.", f"Van {low} tot {high} jaar."


def unique(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


@dataclass
class Place:
    """A location with its address; shared by the services given there."""

    slug: str
    record: dict[str, Any]


def build_phone(service_id: str, slug: str, number: str) -> dict[str, Any]:
    return {
        "id": stable_id("sample", "phone", slug),
        "service_id": service_id,
        "number": number,
        "type": "voice",
    }


def build_links(service_id: str, slug: str, places: list[Place]) -> list[dict[str, Any]]:
    """The service's service_at_locations, each with its (shared) location embedded."""
    return [
        {
            "id": stable_id("sample", "service_at_location", slug, place.slug),
            "service_id": service_id,
            "location_id": place.record["id"],
            "location": place.record,
        }
        for place in places
    ]


@dataclass
class Builder:
    """Turns ORGS and TEMPLATES into service records, drawing every choice from one rng."""

    rng: random.Random
    streets: Iterator[Text]

    def organization(self, org: Org) -> dict[str, Any]:
        kind = KINDS[org.kind]
        return {
            "id": stable_id("sample", "organization", org.slug),
            "name": kind.name[0].format(org.name[0]),
            "description": kind.about[0],
            TRANSLATIONS: tr(name=kind.name[1].format(org.name[1]), description=kind.about[1]),
        }

    def place(self, org: Org, commune_id: str, antenna: bool) -> Place:
        commune, kind = communes()[commune_id], KINDS[org.kind]
        slug = f"{org.slug}-{commune_id}" if antenna else org.slug
        location_id = stable_id("sample", "location", slug)
        street, number = next(self.streets), self.rng.randint(2, 160)
        postcode = org.postcode if org.postcode and not antenna else commune.postcodes[0]
        name = (f"{kind.place[0]} {org.name[0]}", f"{kind.place[1]} {org.name[1]}")
        if antenna:
            name = (f"{name[0]} - antenne {commune.fr}", f"{name[1]} - afdeling {commune.nl}")
        address = {
            "id": stable_id("sample", "address", slug),
            "location_id": location_id,
            "address_1": f"{street[0]} {number}",
            "city": commune.fr,
            "state_province": REGION[0],
            "postal_code": str(postcode),
            "country": "BE",
            "address_type": "physical",
            TRANSLATIONS: tr(
                address_1=f"{street[1]} {number}", city=commune.nl, state_province=REGION[1]
            ),
        }
        record = {
            "id": location_id,
            "location_type": "physical",
            "organization_id": stable_id("sample", "organization", org.slug),
            "name": name[0],
            TRANSLATIONS: tr(name=name[1]),
            "addresses": [address],
        }
        return Place(slug, record)

    def service(self, org: Org, key: str, places: list[Place], phone: str) -> dict[str, Any]:
        template = TEMPLATES[key]
        slug = f"{org.slug}-{key.replace('_', '-')}"
        service_id = stable_id("sample", "service", slug)
        organization = self.organization(org)
        fee = FEES[self.rng.choice(template.fees)]
        slots = self.rng.choice(template.slots)
        record: dict[str, Any] = {
            "id": service_id,
            "organization_id": organization["id"],
            "name": f"{template.name[0]} - {org.name[0]}",
            "description": template.description[0],
            "status": "active",
        }
        record.update(self.ages_and_rules(template, fee))
        record["assured_date"] = self.assured_date()
        record[TRANSLATIONS] = self.service_translations(record, template, org, fee)
        record["organization"] = organization
        record["phones"] = [build_phone(service_id, slug, phone)]
        record["languages"] = build_languages(
            service_id, slug, unique(template.languages + org.languages)
        )
        record["cost_options"] = [build_cost_option(service_id, slug, fee)]
        record["schedules"] = [
            build_schedule(service_id, slug, index, slot) for index, slot in enumerate(slots)
        ]
        record["service_at_locations"] = build_links(service_id, slug, places)
        record["attributes"] = build_attributes(service_id, slug, template)
        return record

    def ages_and_rules(self, template: Template, fee: Fee) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        low, high = template.ages
        if low is not None:
            fields["minimum_age"] = low
        if high is not None:
            fields["maximum_age"] = high
        fields["fees_description"] = fee_texts(template, fee)[0]
        rule = eligibility(template)
        if rule:
            fields["eligibility_description"] = rule[0]
        return fields

    @staticmethod
    def service_translations(
        record: dict[str, Any], template: Template, org: Org, fee: Fee
    ) -> dict[str, dict[str, str]]:
        nl = {
            "name": f"{template.name[1]} - {org.name[1]}",
            "description": template.description[1],
            "fees_description": fee_texts(template, fee)[1],
        }
        rule = eligibility(template)
        if rule and "eligibility_description" in record:
            nl["eligibility_description"] = rule[1]
        return {"nl": nl}

    def assured_date(self) -> str:
        span = (ASSURED_TO - ASSURED_FROM).days
        return (ASSURED_FROM + dt.timedelta(days=self.rng.randint(0, span))).isoformat()

    def org_services(self, number: int, org: Org) -> list[dict[str, Any]]:
        phone = f"+32 2 000 {number:02d} {self.rng.randint(10, 99):02d}"
        home = self.place(org, org.commune, antenna=False)
        antenna = self.place(org, org.antenna, antenna=True) if org.antenna else None
        return [
            self.service(
                org,
                key,
                [home, antenna] if antenna and key in org.antenna_services else [home],
                phone,
            )
            for key in org.services
        ]


def demo_critical(service: dict[str, Any]) -> bool:
    """Services the demo queries need active: children in Schaerbeek, homework in Molenbeek."""
    where = service_communes(service)
    return ("schaerbeek" in where and "children" in codes(service, AUDIENCE_LINK)) or (
        "molenbeek-saint-jean" in where and "homework_help" in codes(service, CATEGORY_LINK)
    )


def mark_filtered(services: list[dict[str, Any]], rng: random.Random) -> None:
    """3 inactive services and 2 whose information is old, to exercise the search filters."""
    per_commune = Counter(c for service in services for c in service_communes(service))
    eligible = [
        s
        for s in services
        if not demo_critical(s) and min(per_commune[c] for c in service_communes(s)) >= 5
    ]
    chosen = rng.sample(eligible, INACTIVE_COUNT + STALE_COUNT)
    for service in chosen[:INACTIVE_COUNT]:
        service["status"] = "inactive"
    for service in chosen[INACTIVE_COUNT:]:
        service["assured_date"] = STALE_DATE


def build() -> dict[str, Any]:
    rng = random.Random(SEED)
    builder = Builder(rng, iter(STREETS))
    services = [
        service
        for number, org in enumerate(ORGS, start=1)
        for service in builder.org_services(number, org)
    ]
    mark_filtered(services, rng)
    return {"metadata": METADATA, "services": services}


def write(directory: dict[str, Any], path: Path = OUTPUT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(directory, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- checks


def codes(service: dict[str, Any], link_type: str) -> set[str]:
    return {
        attribute["taxonomy_term"]["code"]
        for attribute in service.get("attributes", [])
        if attribute["link_type"] == link_type
    }


def service_communes(service: dict[str, Any]) -> list[str]:
    """The communes of the service's places, from their postcodes."""
    return [
        commune_by_postcode()[int(address["postal_code"])]
        for link in service.get("service_at_locations", [])
        for address in link["location"].get("addresses", [])
    ]


def walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the tree, with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key != TRANSLATIONS:
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def is_uuid(value: Any) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


def schema_problems(services: list[dict[str, Any]]) -> list[str]:
    from bot.directory.hsds_schema import problems  # needs jsonschema (the gateway venv)

    return [str(problem) for service in services for problem in problems("service", service)]


def id_problems(services: list[dict[str, Any]]) -> list[str]:
    """Ids are UUIDs; an id used twice must name the same shared object."""
    found, seen = [], {}
    for path, node in walk(services):
        for key, value in node.items():
            if (key == "id" or key.endswith("_id")) and not is_uuid(value):
                found.append(f"{path}/{key}: not a UUID: {value!r}")
        if "id" in node:
            content = json.dumps(node, sort_keys=True)
            if seen.setdefault(node["id"], content) != content:
                found.append(f"{path}: id {node['id']} names two different objects")
    return found


def translation_problems(services: list[dict[str, Any]]) -> list[str]:
    found = []
    for path, node in walk(services):
        dutch = node.get(TRANSLATIONS, {}).get("nl", {})
        found += [
            f"{path}/{field}: no Dutch translation"
            for field in TEXT_FIELDS
            if node.get(field) and not dutch.get(field)
        ]
    return found


def coverage_problems(services: list[dict[str, Any]]) -> list[str]:
    per_commune = Counter(c for s in services for c in set(service_communes(s)))
    per_category = Counter(c for s in services for c in codes(s, CATEGORY_LINK))
    found = [
        f"commune {c}: {per_commune[c]} services"
        for c in communes()
        if per_commune[c] < (6 if c in LARGE_COMMUNES else 3)
    ]
    found += [
        f"category {c}: {per_category[c]} services" for c in categories() if per_category[c] < 2
    ]
    active = [s for s in services if s["status"] == "active"]
    demos = {
        "children in Schaerbeek": ("schaerbeek", AUDIENCE_LINK, "children"),
        "homework in Molenbeek": ("molenbeek-saint-jean", CATEGORY_LINK, "homework_help"),
    }
    for label, (commune, link_type, code) in demos.items():
        count = sum(commune in service_communes(s) and code in codes(s, link_type) for s in active)
        if count < 3:
            found.append(f"{label}: only {count} active services")
    return found


def phone_problems(services: list[dict[str, Any]]) -> list[str]:
    numbers: dict[str, set[str]] = {}
    found = []
    for service in services:
        for phone in service["phones"]:
            if not PHONE.match(phone["number"]):
                found.append(f"{service['id']}: phone {phone['number']!r}")
            numbers.setdefault(service["organization_id"], set()).add(phone["number"])
    flat = [number for group in numbers.values() for number in group]
    if len(flat) != len(set(flat)) or any(len(group) != 1 for group in numbers.values()):
        found.append("phone numbers are not one per organisation")
    return found


def shape_problems(directory: dict[str, Any]) -> list[str]:
    services = directory["services"]
    found = [] if directory["metadata"] == METADATA else ["metadata differs"]
    if len(services) < 90:
        found.append(f"only {len(services)} services")
    statuses = Counter(s["status"] for s in services)
    stale = sum(s["assured_date"] == STALE_DATE for s in services)
    if statuses["inactive"] != INACTIVE_COUNT or stale != STALE_COUNT:
        found.append(f"{statuses['inactive']} inactive and {stale} stale services")
    found += [f"{s['id']}: not one cost option" for s in services if len(s["cost_options"]) != 1]
    found += [
        f"{s['id']}: {len(s['schedules'])} schedules"
        for s in services
        if not 1 <= len(s["schedules"]) <= 2
    ]
    return found


def check(path: Path = OUTPUT) -> list[str]:
    """Every problem of the written file, and whether it is what build() makes today."""
    directory = json.loads(path.read_text(encoding="utf-8"))
    services = directory["services"]
    found = schema_problems(services) + id_problems(services) + translation_problems(services)
    found += coverage_problems(services) + phone_problems(services) + shape_problems(directory)
    if directory != json.loads(json.dumps(build())):
        found.append(f"{path.name} is out of date: run the script again")
    return found


# --------------------------------------------------------------------------- stats


def stats(directory: dict[str, Any]) -> str:
    """Markdown tables: services per commune and per category, and the totals."""
    services = directory["services"]
    per_commune = Counter(c for s in services for c in set(service_communes(s)))
    per_category = Counter(c for s in services for c in codes(s, CATEGORY_LINK))
    organisations = {s["organization_id"] for s in services}
    free = sum(s["cost_options"][0]["amount"] == 0 for s in services)
    lines = [
        f"{len(services)} services, {len(organisations)} organisations, "
        f"{free} free ({round(100 * free / len(services))} %), "
        f"{sum(s['status'] == 'inactive' for s in services)} inactive, "
        f"{sum(s['assured_date'] == STALE_DATE for s in services)} with an old "
        f"assured_date.",
        "",
        "| commune | services |",
        "|---|---:|",
    ]
    lines += [
        f"| {commune.fr} / {commune.nl} | {per_commune[key]} |"
        for key, commune in communes().items()
    ]
    lines += ["", "| category | parent | services |", "|---|---|---:|"]
    lines += [
        f"| `{key}` {category.fr} | {category.parent or ''} | {per_category[key]} |"
        for key, category in categories().items()
    ]
    lines += ["", "Left out by the search filters (to test them):"]
    lines += [
        f"- {s['name']} ({s['status']}, assured {s['assured_date']})"
        for s in services
        if s["status"] != "active" or s["assured_date"] == STALE_DATE
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="verify the written file")
    group.add_argument("--stats", action="store_true", help="print counts as Markdown tables")
    args = parser.parse_args(argv)
    if args.stats:
        print(stats(json.loads(OUTPUT.read_text(encoding="utf-8"))))
        return 0
    if not args.check:
        write(build())
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    found = check()
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
