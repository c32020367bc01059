"""What curators' e-mails say, in the curator's language (French or Dutch).

Only public directory data: the service's name, what happened to it and the console's
link. A "closed" report holds no tenant data (no words, no name, no number), and neither
does the e-mail: the footer says so, as in the staff e-mails (wording.py)."""

from __future__ import annotations

from collections.abc import Sequence


def _language(language: str | None) -> str:
    return "nl" if language == "nl" else "fr"


def service_link(public_url: str, service_id: str) -> str:
    return f"{public_url.rstrip('/')}/console/directory/services/{service_id}"


def directory_link(public_url: str) -> str:
    return f"{public_url.rstrip('/')}/console/directory"


_FOOTER = {
    "fr": "Ce message ne contient aucune donnée de locataire.",
    "nl": "Deze e-mail bevat geen gegevens van huurders.",
}
_CLOSED_FOOTER = {
    "fr": "Un signalement ne contient aucune donnée du locataire, ce message non plus.",
    "nl": "Een melding bevat geen gegevens van de huurder, deze e-mail ook niet.",
}

_SOURCE = {
    ("fr", "caseworker"): "Le signalement vient d'un membre du personnel.",
    ("fr", "tenant"): "Le signalement vient d'un locataire.",
    ("nl", "caseworker"): "De melding komt van een medewerker.",
    ("nl", "tenant"): "De melding komt van een huurder.",
}


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def closed(language: str | None, name: str, source: str, link: str) -> tuple[str, str]:
    """(subject, body) of "someone reported this place closed"."""
    lang = _language(language)
    said = _SOURCE.get((lang, source))
    if lang == "nl":
        subject = f"Gemeld als gesloten: {name}"
        lines = [
            f'Iemand meldde dat de activiteit "{name}" gesloten was.',
            *([said] if said else []),
            "Kijk het na, en bevestig of wijzig de activiteit.",
            f"Open ze in de console: {link}",
            "",
            _CLOSED_FOOTER["nl"],
        ]
    else:
        subject = f"Signalé fermé : {name}"
        lines = [
            f"Quelqu'un a signalé que l'activité « {name} » était fermée.",
            *([said] if said else []),
            "Vérifiez, puis confirmez ou changez l'activité.",
            f"Ouvrez-la dans la console : {link}",
            "",
            _CLOSED_FOOTER["fr"],
        ]
    return subject, _text(lines)


def expired(
    language: str | None,
    names: Sequence[str],
    others: int,
    months: int,
    link: str,
) -> tuple[str, str]:
    """(subject, body) of "these services are no longer proposed to tenants": `names`
    listed (at most a digest's worth), `others` more counted; `link` is the service's page
    when there is only one, the directory's otherwise."""
    total = len(names) + others
    listed = [f"- {name}" for name in names]
    if _language(language) == "nl":
        if total == 1:
            subject = f"Niet meer voorgesteld: {names[0]}"
            head = [
                f'De activiteit "{names[0]}" wordt niet meer aan huurders voorgesteld:'
                f" niet bevestigd in {months} maanden.",
                "Kijk het na, en bevestig of wijzig de activiteit.",
            ]
        else:
            subject = f"{total} activiteiten worden niet meer voorgesteld"
            head = [
                f"{total} activiteiten worden niet meer aan huurders voorgesteld:"
                f" niet bevestigd in {months} maanden.",
                *listed,
                *([f"En nog {others} andere."] if others else []),
                "Kijk ze na, en bevestig of wijzig ze.",
            ]
        lines = [
            *head,
            f"Open de console: {link}",
            "",
            _FOOTER["nl"],
        ]
    else:
        if total == 1:
            subject = f"Plus proposée : {names[0]}"
            head = [
                f"L'activité « {names[0]} » n'est plus proposée aux locataires :"
                f" pas confirmée depuis {months} mois.",
                "Vérifiez, puis confirmez ou changez l'activité.",
            ]
        else:
            subject = f"{total} activités ne sont plus proposées"
            head = [
                f"{total} activités ne sont plus proposées aux locataires :"
                f" pas confirmées depuis {months} mois.",
                *listed,
                *([f"Et {others} autres."] if others else []),
                "Vérifiez, puis confirmez ou changez-les.",
            ]
        lines = [
            *head,
            f"Ouvrez la console : {link}",
            "",
            _FOOTER["fr"],
        ]
    return subject, _text(lines)
