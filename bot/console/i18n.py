"""The console's words in French and Dutch (the staff member's language)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Console du service social", "Console van de sociale dienst"),
    "email": ("Adresse e-mail", "E-mailadres"),
    "password": ("Mot de passe", "Wachtwoord"),
    "login": ("Se connecter", "Aanmelden"),
    "logout": ("Se déconnecter", "Afmelden"),
    "bad_login": ("E-mail ou mot de passe incorrect.", "E-mail of wachtwoord is niet juist."),
    "queue": ("File d'attente", "Wachtrij"),
    "empty_queue": ("Personne n'attend.", "Niemand wacht."),
    "waiting_since": ("En attente depuis", "Wacht sinds"),
    "reason": ("Motif", "Reden"),
    "channel": ("Canal", "Kanaal"),
    "language": ("Langue", "Taal"),
    "status": ("État", "Status"),
    "urgent": ("URGENT", "DRINGEND"),
    "all_languages": ("Toutes les langues", "Alle talen"),
    "filter": ("Filtrer", "Filteren"),
    "claim": ("Prendre en charge", "Overnemen"),
    "open": ("Ouvrir", "Openen"),
    "waiting": ("en attente", "wacht"),
    "claimed": ("pris par", "genomen door"),
    "closed": ("clôturé", "afgesloten"),
    "taken_by": ("Déjà pris en charge par", "Al overgenomen door"),
    "release": ("Remettre dans la file", "Terug in de wachtrij"),
    "reassign": ("Confier à", "Toewijzen aan"),
    "transcript": ("Conversation", "Gesprek"),
    "bot": ("Assistant", "Assistent"),
    "tenant": ("Locataire", "Huurder"),
    "caseworker": ("Service social", "Sociale dienst"),
    "note": ("Note interne", "Interne notitie"),
    "system": ("Système", "Systeem"),
    "reply": ("Répondre au locataire", "Antwoorden aan de huurder"),
    "send": ("Envoyer", "Versturen"),
    "add_note": ("Ajouter une note (jamais envoyée)", "Notitie toevoegen (nooit verstuurd)"),
    "segments": ("SMS", "sms"),
    "unicode_warning": ("Caractères spéciaux : le SMS coûtera plus.",
                        "Speciale tekens: de sms kost meer."),
    "opted_out": ("Ce locataire a envoyé STOP : rien ne peut lui être envoyé.",
                  "Deze huurder stuurde STOP: er kan niets verstuurd worden."),
    "close": ("Clôturer", "Afsluiten"),
    "close_reason": ("Motif de clôture", "Reden van afsluiten"),
    "hand_back": ("Rendre la main à l'assistant (il le dit au locataire)",
                  "Terug naar de assistent (die zegt het aan de huurder)"),
    "summary": ("Ce que l'assistant a recueilli", "Wat de assistent verzamelde"),
    "earlier": ("Demandes précédentes", "Eerdere aanvragen"),
    "delivery": ("Remise", "Levering"),
    "not_yours": ("Cette conversation est prise par quelqu'un d'autre.",
                  "Dit gesprek is door iemand anders genomen."),
    "canned": ("Réponses toutes prêtes", "Kant-en-klare antwoorden"),
    "use_canned": ("Partir d'une réponse toute prête", "Begin van een kant-en-klaar antwoord"),
    "canned_title": ("Titre", "Titel"),
    "canned_text": ("Texte", "Tekst"),
    "add": ("Ajouter", "Toevoegen"),
    "delete": ("Supprimer", "Verwijderen"),
    "reason_asked": ("demande une personne", "vraagt een mens"),
    "reason_danger": ("danger", "gevaar"),
    "reason_not_understood": ("l'assistant n'a pas compris", "assistent begreep het niet"),
    "reason_search_failed": ("recherche impossible", "zoeken lukte niet"),
    "reason_no_results": ("aucune activité trouvée", "geen activiteit gevonden"),
}  # fmt: skip


def reason_label(reason: str, language: str) -> str:
    """A handoff's reason in words; a topic (rent_question...) stays as it is."""
    pair = WORDS.get(f"reason_{reason}")
    return pair[1 if language == "nl" else 0] if pair else reason


def words(language: str) -> dict[str, str]:
    index = 1 if language == "nl" else 0
    return {key: pair[index] for key, pair in WORDS.items()}
