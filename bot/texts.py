"""What the gateway itself says (keywords, media, opt-out), in plain French and Dutch.
GSM-7 only and one SMS segment each (tests check)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "opted_out": {
        "fr": "C'est noté. Vous ne recevrez plus de SMS de l'assistant. "
        "Pour recommencer, envoyez START.",
        "nl": "Genoteerd. U krijgt geen sms meer van de assistent. "
        "Om opnieuw te beginnen, stuur START.",
    },
    "opted_in": {
        "fr": "Bienvenue. L'assistant peut de nouveau vous écrire. Envoyez 0 pour le menu.",
        "nl": "Welkom terug. De assistent kan u weer schrijven. Stuur 0 voor het menu.",
    },
    "help": {
        "fr": "Assistant automatique du logement social. Une personne: envoyez 0, puis "
        "choisissez dans le menu. Urgence: 112. Plus de SMS: STOP.",
        "nl": "Automatische assistent van de sociale huisvesting. Een mens: stuur 0 en kies in "
        "het menu. Nood: 112. Geen sms meer: STOP.",
    },
    "text_only": {
        "fr": "Je peux lire seulement du texte. Écrivez votre question avec des mots.",
        "nl": "Ik kan alleen tekst lezen. Schrijf uw vraag in woorden.",
    },
    "unavailable": {
        "fr": "L'assistant ne répond pas pour le moment. Pour parler à une personne, envoyez "
        "PERSONNE. Urgence: 112.",
        "nl": "De assistent antwoordt nu niet. Om met een mens te praten, stuur MENS. Nood: 112.",
    },
    "bot_failed": {
        "fr": "Désolé, je n'ai pas pu répondre. Pour parler à une personne, envoyez PERSONNE. "
        "Urgence: 112.",
        "nl": "Sorry, ik kon niet antwoorden. Om met een mens te praten, stuur MENS. Nood: 112.",
    },
    "erase_confirm": {
        "fr": "Voulez-vous effacer vos messages et votre numéro, aussi cette conversation avec "
        "le service social ? Pour confirmer, envoyez EFFACER OUI.",
        "nl": "Wilt u uw berichten en uw nummer wissen, ook dit gesprek met de sociale dienst? "
        "Stuur WISSEN JA om te bevestigen.",
    },
    "erased": {
        "fr": "C'est fait. Vos messages et votre numéro sont effacés.",
        "nl": "Klaar. Uw berichten en uw nummer zijn gewist.",
    },
    "person_coming": {
        "fr": "C'est noté. Une personne du service social va vous répondre ici.",
        "nl": "Genoteerd. Iemand van de sociale dienst antwoordt u hier.",
    },
    "out_of_hours": {
        "fr": "Le service social est fermé maintenant. Une personne vous répond {when}. "
        "En danger: 112. Pour parler, jour et nuit: Télé-Accueil 107.",
        "nl": "De sociale dienst is nu gesloten. Iemand antwoordt u {when}. "
        "In gevaar: 112. Om te praten, dag en nacht: Tele-Onthaal 106.",
    },
    # A tenant waiting in the queue still gets the assistant's answers: this line comes first.
    "still_in_queue": {
        "fr": "(Votre demande pour une personne reste dans la file. L'assistant répond :)",
        "nl": "(Uw vraag voor een mens blijft in de wachtrij. De assistent antwoordt:)",
    },
    # Nobody took the request within the company's limit (bot/handoff/overdue.py)
    "unclaimed_too_long": {
        "fr": "Désolé, personne n'a encore pu prendre votre demande. Elle reste dans la file. "
        "Vous pouvez aussi appeler votre société de logement: {phone}.",
        "nl": "Sorry, nog niemand kon uw vraag opnemen. Ze blijft in de wachtrij. "
        "U kunt ook uw huisvestingsmaatschappij bellen: {phone}.",
    },
    "company_phone_unknown": {
        "fr": "le numéro est sur votre contrat de bail",
        "nl": "het nummer staat op uw huurcontract",
    },
    "joined": {
        "fr": "Une personne du service social a rejoint la conversation.",
        "nl": "Iemand van de sociale dienst praat nu met u.",
    },
    "bot_back": {
        "fr": "L'assistant automatique est de retour. Envoyez 0 pour le menu.",
        "nl": "De automatische assistent is terug. Stuur 0 voor het menu.",
    },
    # After a caseworker handed back (bot/handoff/satisfaction.py): one question, then thanks
    "survey_question": {
        "fr": "Est-ce que notre aide vous a servi ? Répondez :\n1 oui\n2 un peu\n3 non",
        "nl": "Had u iets aan onze hulp? Antwoord:\n1 ja\n2 een beetje\n3 nee",
    },
    "survey_thanks": {
        "fr": "Merci pour votre réponse.",
        "nl": "Bedankt voor uw antwoord.",
    },
    "slow_down": {
        "fr": "Vous envoyez beaucoup de messages. Attendez une minute, puis réessayez.",
        "nl": "U stuurt veel berichten. Wacht een minuut en probeer dan opnieuw.",
    },
    "empty": {
        "fr": "Votre message est vide. Écrivez votre question, ou 0 pour le menu.",
        "nl": "Uw bericht is leeg. Schrijf uw vraag, of 0 voor het menu.",
    },
    # A number shared by several housing companies (bot/channels/sms_company.py):
    # {choices} is one line per company, "1 Name"; {company} the chosen one's name.
    "company_question": {
        "fr": "Quelle est votre société de logement ? Envoyez son chiffre.\n{choices}",
        "nl": "Wat is uw huisvestingsmaatschappij? Stuur het cijfer.\n{choices}",
    },
    "company_chosen": {
        "fr": "Merci. C'est noté : {company}. Posez votre question, ou envoyez 0 pour le menu.",
        "nl": "Dank u. Genoteerd: {company}. Stel uw vraag, of stuur 0 voor het menu.",
    },
    # WhatsApp outside its 24-hour window (bot/outbox/whatsapp_window.py): the approved
    # template's text, kept for the console's transcript.
    "whatsapp_waiting": {
        "fr": "Un message de votre société de logement vous attend. Répondez ici pour le lire.",
        "nl": "Er wacht een bericht van uw huisvestingsmaatschappij. Antwoord hier om het te "
        "lezen.",
    },
    # WhatsApp's own wording of the opt-out and help keywords (the SMS ones name SMS).
    "opted_out_whatsapp": {
        "fr": "C'est noté. Vous ne recevrez plus de messages de l'assistant. "
        "Pour recommencer, envoyez START.",
        "nl": "Genoteerd. U krijgt geen berichten meer van de assistent. "
        "Om opnieuw te beginnen, stuur START.",
    },
    "help_whatsapp": {
        "fr": "Assistant automatique du logement social. Une personne: envoyez 0, puis "
        "choisissez dans le menu. Urgence: 112. Plus de messages: STOP.",
        "nl": "Automatische assistent van de sociale huisvesting. Een mens: stuur 0 en kies in "
        "het menu. Nood: 112. Geen berichten meer: STOP.",
    },
    # Reminders (bot/reminders): {activity}, its name, {when} day and hours, {place}.
    "reminder_day_before": {
        "fr": "Rappel pour demain : {activity}.\n{when}.\n{place}.\n"
        "Pour arrêter les rappels, envoyez STOP RAPPEL.",
        "nl": "Niet vergeten: morgen {activity}.\n{when}.\n{place}.\n"
        "Wilt u dit niet meer? Stuur STOP HERINNERING.",
    },
    "reminder_same_day": {
        "fr": "Rappel pour aujourd'hui : {activity}.\n{when}.\n{place}.\n"
        "Pour arrêter les rappels, envoyez STOP RAPPEL.",
        "nl": "Niet vergeten: vandaag {activity}.\n{when}.\n{place}.\n"
        "Wilt u dit niet meer? Stuur STOP HERINNERING.",
    },
    "reminders_stopped": {
        "fr": "C'est noté. Vous ne recevrez plus de rappel.",
        "nl": "Goed. U krijgt geen herinnering meer.",
    },
}


def text(name: str, language: str | None, **values: str) -> str:
    chosen = TEXTS[name]["nl" if language == "nl" else "fr"]
    return chosen.format(**values) if values else chosen
