"""The console's words for importing and exporting the whole activities directory
(directory_transfer.py), as (French, Dutch): plain short sentences, to be merged into the
console's words (bot/console/i18n.py)."""

from __future__ import annotations

TRANSFER_WORDS: dict[str, tuple[str, str]] = {
    "transfer_title": (
        "Importer et exporter le répertoire",
        "De gids importeren en exporteren",
    ),
    "transfer_intro": (
        "Le répertoire des activités compte {count} services.",
        "De gids van activiteiten telt {count} diensten.",
    ),
    "transfer_export": ("Exporter", "Exporteren"),
    "transfer_export_intro": (
        "Téléchargez tout le répertoire au format HSDS 3.0.",
        "Download de hele gids in HSDS 3.0-formaat.",
    ),
    "transfer_export_json": (
        "Télécharger le répertoire en JSON (HSDS)",
        "De gids downloaden als JSON (HSDS)",
    ),
    "transfer_export_zip": (
        "Télécharger le répertoire en tableaux CSV (fichier ZIP)",
        "De gids downloaden als CSV-tabellen (ZIP-bestand)",
    ),
    "transfer_import": ("Importer", "Importeren"),
    "transfer_import_intro": (
        "Un import remplace les services qui ont le même identifiant, pour toutes les"
        " sociétés de logement. Les autres services restent.",
        "Een import vervangt de diensten met dezelfde identificatie, voor alle"
        " huisvestingsmaatschappijen. De andere diensten blijven.",
    ),
    "transfer_import_regional_only": (
        "Seul un·e curateur·rice régional·e peut importer le répertoire.",
        "Alleen een regionale curator kan de gids importeren.",
    ),
    "transfer_file": ("Fichier à importer", "Bestand om te importeren"),
    "transfer_file_hint": (
        "Un fichier JSON HSDS, ou un fichier ZIP avec datapackage.json et les tableaux CSV.",
        "Een HSDS JSON-bestand, of een ZIP-bestand met datapackage.json en de CSV-tabellen.",
    ),
    "transfer_dry_run": (
        "Essai seulement : vérifier le fichier sans rien enregistrer",
        "Alleen een test: het bestand nakijken zonder iets op te slaan",
    ),
    "transfer_submit": ("Importer le fichier", "Het bestand importeren"),
    "transfer_result": ("Résultat de l'import", "Resultaat van de import"),
    "transfer_result_dry_run": ("Résultat de l'essai", "Resultaat van de test"),
    "transfer_done": (
        "L'import est terminé. Les services acceptés sont enregistrés.",
        "De import is klaar. De aanvaarde diensten zijn opgeslagen.",
    ),
    "transfer_dry_run_done": (
        "C'était un essai : rien n'a été enregistré.",
        "Dit was een test: er is niets opgeslagen.",
    ),
    "transfer_read": ("Services lus", "Gelezen diensten"),
    "transfer_imported": ("Services importés", "Geïmporteerde diensten"),
    "transfer_would_import": ("Services acceptés", "Aanvaarde diensten"),
    "transfer_rejected": ("Services refusés", "Geweigerde diensten"),
    "transfer_organizations": (
        "Organisations sans service gardées",
        "Organisaties zonder dienst bewaard",
    ),
    "transfer_sample": (
        "Attention : ce sont des données d'EXEMPLE (fictives). Ne les utilisez pas pour"
        " orienter un·e locataire.",
        "Let op: dit zijn VOORBEELDgegevens (fictief). Gebruik ze niet om een huurder"
        " door te verwijzen.",
    ),
    "transfer_problems": ("Services refusés et pourquoi", "Geweigerde diensten en waarom"),
    "transfer_problems_more": (
        "Et {count} autres problèmes, non affichés.",
        "En nog {count} andere problemen, niet getoond.",
    ),
    "transfer_service_id": ("Identifiant du service", "Identificatie van de dienst"),
    "transfer_field": ("Champ", "Veld"),
    "transfer_whole_record": ("(tout le service)", "(de hele dienst)"),
    "transfer_message": ("Problème", "Probleem"),
    "transfer_no_problem": ("Aucun service refusé.", "Geen enkele dienst geweigerd."),
    "transfer_refused": (
        "Le fichier n'a pas été importé. Rien n'a été enregistré.",
        "Het bestand is niet geïmporteerd. Er is niets opgeslagen.",
    ),
    "transfer_detail": ("Détail technique", "Technische details"),
    "transfer_error_no_file": (
        "Choisissez un fichier à importer.",
        "Kies een bestand om te importeren.",
    ),
    "transfer_error_too_large": (
        "Le fichier est trop grand.",
        "Het bestand is te groot.",
    ),
    "transfer_error_not_json": (
        "Ce fichier n'est ni du JSON ni un fichier ZIP.",
        "Dit bestand is geen JSON en geen ZIP-bestand.",
    ),
    "transfer_error_not_hsds": (
        "Ce fichier JSON n'est pas un répertoire HSDS avec des services.",
        "Dit JSON-bestand is geen HSDS-gids met diensten.",
    ),
    "transfer_error_bad_zip": (
        "Ce fichier ZIP est abîmé ou ne peut pas être lu.",
        "Dit ZIP-bestand is beschadigd of kan niet gelezen worden.",
    ),
    "transfer_error_unsafe_zip": (
        "Ce fichier ZIP contient un chemin refusé (chemin absolu ou « .. »).",
        "Dit ZIP-bestand bevat een geweigerd pad (absoluut pad of \u201c..\u201d).",
    ),
    "transfer_error_too_many_files": (
        "Ce fichier ZIP contient trop de fichiers.",
        "Dit ZIP-bestand bevat te veel bestanden.",
    ),
    "transfer_error_bad_package": (
        "Ce fichier ZIP n'est pas un paquet HSDS en tableaux (datapackage.json et services.csv).",
        "Dit ZIP-bestand is geen HSDS-pakket met tabellen (datapackage.json en services.csv).",
    ),
}
