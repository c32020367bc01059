"""What staff e-mails say, in the staff member's language (French or Dutch).

Only what the brief of issue 18 allows: "urgent" or "new", the request's number, the
housing company's name and the console's link. Never the tenant's words, name, number
or reason: whoever reads the mailbox (a phone's lock screen, a shared inbox) learns
nothing about the tenant."""

from __future__ import annotations


def _language(language: str | None) -> str:
    return "nl" if language == "nl" else "fr"


def console_link(public_url: str, handoff_id: int) -> str:
    return f"{public_url.rstrip('/')}/console/handoffs/{handoff_id}"


_FOOTER = {
    "fr": "Ce message ne contient aucune donnée du locataire.",
    "nl": "Deze e-mail bevat geen gegevens van de huurder.",
}


def new_request(
    language: str | None, handoff_id: int, urgent: bool, company: str, link: str
) -> tuple[str, str]:
    """(subject, body) of "a new request waits in the queue"."""
    if _language(language) == "nl":
        subject = f"{'[Dringend] ' if urgent else ''}Nieuwe vraag #{handoff_id}"
        what = "een nieuwe dringende vraag" if urgent else "een nieuwe vraag"
        lines = [
            f"Er wacht {what} in de wachtrij van {company}.",
            f"Nummer van de vraag: {handoff_id}.",
            f"Open ze in de console: {link}",
            "",
            _FOOTER["nl"],
        ]
    else:
        subject = f"{'[Urgent] ' if urgent else ''}Nouvelle demande #{handoff_id}"
        what = "Une nouvelle demande urgente" if urgent else "Une nouvelle demande"
        lines = [
            f"{what} attend dans la file de {company}.",
            f"Numéro de la demande : {handoff_id}.",
            f"Ouvrez-la dans la console : {link}",
            "",
            _FOOTER["fr"],
        ]
    return subject, "\n".join(lines) + "\n"


def escalation(
    language: str | None, handoff_id: int, minutes: int, company: str, link: str
) -> tuple[str, str]:
    """(subject, body) of "an urgent request is still not taken"."""
    if _language(language) == "nl":
        subject = f"[Dringend] Dringende vraag al {minutes} min niet opgenomen #{handoff_id}"
        lines = [
            f"Een dringende vraag wacht al meer dan {minutes} minuten"
            f" in de wachtrij van {company}.",
            "Nog niemand heeft ze opgenomen.",
            f"Nummer van de vraag: {handoff_id}.",
            f"Open ze in de console: {link}",
            "",
            _FOOTER["nl"],
        ]
    else:
        subject = f"[Urgent] Demande urgente non prise depuis {minutes} min #{handoff_id}"
        lines = [
            f"Une demande urgente attend depuis plus de {minutes} minutes"
            f" dans la file de {company}.",
            "Personne ne l'a encore prise.",
            f"Numéro de la demande : {handoff_id}.",
            f"Ouvrez-la dans la console : {link}",
            "",
            _FOOTER["fr"],
        ]
    return subject, "\n".join(lines) + "\n"


def escalation_entry(role: str) -> str:
    """The transcript's system line (both languages: the caseworker reading it may speak
    either); who was told, nothing about the tenant."""
    if role == "admin":
        return "Signalée aux administrateurs par e-mail. / Per e-mail gemeld aan de beheerders."
    return "Signalée aux superviseurs par e-mail. / Per e-mail gemeld aan de supervisors."
