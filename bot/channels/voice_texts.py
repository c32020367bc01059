"""What the phone line itself says (the bot's own answers come from Rasa): short sentences,
one idea each, in French and Dutch. `{key}` and `{words}` are filled in by the call flow."""

from __future__ import annotations

VOICE_TEXTS: dict[str, dict[str, str]] = {
    # the first call of a number: each sentence in its own language's voice
    "choose_language": {
        "fr": "Pour le français, tapez 1.",
        "nl": "Voor Nederlands, druk op 2.",
    },
    "company_question": {
        "fr": "Chez quelle société de logement êtes-vous locataire ?",
        "nl": "Bij welke huisvestingsmaatschappij huurt u?",
    },
    "company_option": {
        "fr": "Pour {company}, tapez {key}.",
        "nl": "Voor {company}, druk op {key}.",
    },
    "not_recorded": {
        "fr": "Cet appel n'est pas enregistré.",
        "nl": "Dit gesprek wordt niet opgenomen.",
    },
    "welcome": {
        "fr": "Bonjour. Je suis un assistant automatique, pas une personne.",
        "nl": "Hallo. Ik ben een automatische assistent, geen mens.",
    },
    "danger_first": {
        "fr": "En danger ? Appelez le 112.",
        "nl": "In gevaar? Bel 112.",
    },
    "ask": {
        "fr": "Dites votre question.",
        "nl": "Zeg uw vraag.",
    },
    "menu_hint": {
        "fr": "Pour le menu, tapez 0.",
        "nl": "Voor het menu, druk op 0.",
    },
    # two short sentences: "for X, press 1 or say X" without a 16-word sentence
    "option": {
        "fr": "Pour {words}, tapez {key}. Ou dites : {words}.",
        "nl": "Voor {words}, druk op {key}. Of zeg: {words}.",
    },
    "result_count": {
        "fr": "J'ai trouvé {count} activités. Voici la première.",
        "nl": "Ik vond {count} activiteiten. Hier is de eerste.",
    },
    "result_next": {
        "fr": "Pour la suivante, tapez 1.",
        "nl": "Voor de volgende, druk op 1.",
    },
    "result_repeat": {
        "fr": "Pour réécouter, tapez 2.",
        "nl": "Om opnieuw te horen, druk op 2.",
    },
    "result_sms": {
        "fr": "Pour les recevoir par SMS, tapez 3.",
        "nl": "Om ze per sms te krijgen, druk op 3.",
    },
    "result_last": {
        "fr": "C'était la dernière activité.",
        "nl": "Dat was de laatste activiteit.",
    },
    "keep_sms": {
        "fr": "Pour recevoir ce message par SMS, tapez 3.",
        "nl": "Om dit bericht per sms te krijgen, druk op 3.",
    },
    "sms_sent": {
        "fr": "Je vous envoie un SMS.",
        "nl": "Ik stuur u een sms.",
    },
    "sms_landline": {
        "fr": "Vous appelez d'un téléphone fixe. Il ne reçoit pas de SMS.",
        "nl": "U belt met een vaste telefoon. Die krijgt geen sms.",
    },
    "sms_hidden": {
        "fr": "Votre numéro est masqué. Je ne peux pas vous envoyer de SMS.",
        "nl": "Uw nummer is verborgen. Ik kan u geen sms sturen.",
    },
    "sms_stopped": {
        "fr": "Vous avez demandé de ne plus recevoir de SMS.",
        "nl": "U vroeg om geen sms meer te krijgen.",
    },
    "sms_nothing": {
        "fr": "Je n'ai rien à vous envoyer.",
        "nl": "Ik heb niets om u te sturen.",
    },
    # not understood: asked again once, in other words; then the keypad menu; then a person
    "again": {
        "fr": "Je n'ai pas compris. Dites-le autrement, en quelques mots.",
        "nl": "Ik heb het niet begrepen. Zeg het anders, in een paar woorden.",
    },
    "keypad": {
        "fr": "Je ne comprends toujours pas. Utilisez les touches du téléphone.",
        "nl": "Ik begrijp het nog altijd niet. Gebruik de toetsen van uw telefoon.",
    },
    "silence": {
        "fr": "Je n'entends rien. Dites votre question.",
        "nl": "Ik hoor niets. Zeg uw vraag.",
    },
    "goodbye": {
        "fr": "Au revoir. Pour parler à une personne, appelez votre société de logement.",
        "nl": "Tot ziens. Om met een mens te praten, bel uw huisvestingsmaatschappij.",
    },
    "goodbye_number": {
        "fr": "Au revoir. Pour parler à une personne, appelez le {phone}.",
        "nl": "Tot ziens. Om met een mens te praten, bel {phone}.",
    },
    "transfer": {
        "fr": "Je vous passe le service social. Restez en ligne.",
        "nl": "Ik verbind u door met de sociale dienst. Blijf aan de lijn.",
    },
    "transfer_failed": {
        "fr": "Personne n'a pu répondre. Le service social vous rappellera.",
        "nl": "Niemand kon opnemen. De sociale dienst belt u terug.",
    },
    "callback": {
        "fr": "Le service social vous rappellera à ce numéro.",
        "nl": "De sociale dienst belt u terug op dit nummer.",
    },
    "hidden_number": {
        "fr": "Votre numéro est masqué. Le service social ne peut pas vous rappeler.",
        "nl": "Uw nummer is verborgen. De sociale dienst kan u niet terugbellen.",
    },
    "callback_urgent": {
        "fr": "Le service social vous rappellera dès que possible.",
        "nl": "De sociale dienst belt u zo snel mogelijk terug.",
    },
    "person_words": {
        "fr": "une personne",
        "nl": "een mens",
    },
    "repeat_numbers": {
        "fr": "Je répète.",
        "nl": "Ik herhaal.",
    },
    "unavailable": {
        "fr": "L'assistant ne marche pas pour le moment.",
        "nl": "De assistent werkt nu niet.",
    },
    # a caseworker's callback: what the caseworker hears before the tenant's phone rings
    "callback_bridge": {
        "fr": "Rappel d'un locataire. Restez en ligne.",
        "nl": "Terugbellen naar een huurder. Blijf aan de lijn.",
    },
}


def voice_text(name: str, language: str | None, **values: object) -> str:
    chosen = VOICE_TEXTS[name]["nl" if language == "nl" else "fr"]
    return chosen.format(**values) if values else chosen
