"""The console's words in French and Dutch (the staff member's language)."""

from __future__ import annotations

from bot.console.curation_words import CURATION_WORDS
from bot.console.transfer_words import TRANSFER_WORDS
from bot.lexicon import topic_labels

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Console du service social", "Console van de sociale dienst"),
    "email": ("Adresse e-mail", "E-mailadres"),
    "password": ("Mot de passe", "Wachtwoord"),
    "login": ("Se connecter", "Aanmelden"),
    "logout": ("Se déconnecter", "Afmelden"),
    "bad_login": ("E-mail ou mot de passe incorrect.", "E-mail of wachtwoord is niet juist."),
    "locked": (
        "Trop d'essais. Réessayez dans 15 minutes, ou demandez de l'aide à un administrateur.",
        "Te veel pogingen. Probeer over 15 minuten opnieuw, of vraag hulp aan een beheerder.",
    ),
    "second_factor": ("Code de vérification", "Verificatiecode"),
    "code_label": (
        "Code à 6 chiffres de votre application (ou un code de secours)",
        "Code van 6 cijfers uit uw app (of een herstelcode)",
    ),
    "setup_code_label": ("Code à 6 chiffres de votre application", "Code van 6 cijfers uit uw app"),
    "bad_code": (
        "Ce code n'est pas bon. Essayez le code suivant.",
        "Deze code klopt niet. Probeer de volgende code.",
    ),
    "confirm": ("Confirmer", "Bevestigen"),
    "recovery_hint": (
        "Téléphone perdu ? Tapez un de vos codes de secours, ou demandez à un administrateur.",
        "Telefoon kwijt? Typ een van uw herstelcodes, of vraag het aan een beheerder.",
    ),
    "setup_second_factor": ("Protéger votre compte", "Uw account beveiligen"),
    "setup_explained": (
        "Scannez ce code avec une application d'authentification (par exemple FreeOTP ou "
        "Google Authenticator). Tapez ensuite le code à 6 chiffres qu'elle affiche.",
        "Scan deze code met een authenticatie-app (bijvoorbeeld FreeOTP of Google "
        "Authenticator). Typ daarna de code van 6 cijfers die de app toont.",
    ),
    "qr_label": ("Code QR pour l'application", "QR-code voor de app"),
    "secret_by_hand": ("Pas de caméra ? Tapez cette clé :", "Geen camera? Typ deze sleutel:"),
    "recovery_codes": ("Vos codes de secours", "Uw herstelcodes"),
    "recovery_explained": (
        "Notez ces codes et gardez-les en lieu sûr. Chacun sert une fois, si vous perdez votre "
        "téléphone. Ils ne seront plus affichés.",
        "Schrijf deze codes op en bewaar ze veilig. Elke code werkt één keer, als u uw telefoon "
        "verliest. Ze worden niet meer getoond.",
    ),
    "continue": ("Continuer", "Verder"),
    "change_password": ("Changer mon mot de passe", "Mijn wachtwoord wijzigen"),
    "my_account": ("Mon compte", "Mijn account"),
    "current_password": ("Mot de passe actuel", "Huidig wachtwoord"),
    "new_password": (
        "Nouveau mot de passe (12 caractères au moins)",
        "Nieuw wachtwoord (minstens 12 tekens)",
    ),
    "new_password_again": (
        "Nouveau mot de passe, encore une fois",
        "Nieuw wachtwoord, nog een keer",
    ),
    "password_advice": (
        "Conseil : quelques mots au hasard, faciles à retenir pour vous seul.",
        "Tip: een paar willekeurige woorden, die alleen u makkelijk onthoudt.",
    ),
    "password_changed": (
        "Mot de passe changé. Vos autres sessions sont fermées.",
        "Wachtwoord gewijzigd. Uw andere sessies zijn afgesloten.",
    ),
    "password_wrong": (
        "Le mot de passe actuel n'est pas bon.",
        "Het huidige wachtwoord klopt niet.",
    ),
    "password_mismatch": (
        "Les deux nouveaux mots de passe sont différents.",
        "De twee nieuwe wachtwoorden zijn verschillend.",
    ),
    "password_short": (
        "Le nouveau mot de passe est trop court (12 caractères au moins).",
        "Het nieuwe wachtwoord is te kort (minstens 12 tekens).",
    ),
    "password_common": (
        "Ce mot de passe est trop courant ou trop facile à deviner. Choisissez-en un autre.",
        "Dit wachtwoord is te gewoon of te makkelijk te raden. Kies een ander.",
    ),
    # the staff member's own phone, for callbacks (bot/console/account.py)
    "my_phone": ("Mon téléphone pour les rappels", "Mijn telefoon voor terugbellen"),
    "my_phone_hint": (
        "Quand vous rappelez un locataire, ce téléphone sonne d'abord. Seul vous voyez ce "
        "numéro. Format international, par exemple +32 470 00 00 00. Laissez vide pour "
        "l'effacer.",
        "Als u een huurder terugbelt, gaat eerst deze telefoon. Alleen u ziet dit nummer. "
        "Internationaal formaat, bijvoorbeeld +32 470 00 00 00. Laat leeg om het te wissen.",
    ),
    "save": ("Enregistrer", "Opslaan"),
    "phone_bad": (
        "Ce numéro n'est pas valable. Tapez-le au format international, par exemple "
        "+32 470 00 00 00. Rien n'a été enregistré.",
        "Dit nummer is niet geldig. Typ het in internationaal formaat, bijvoorbeeld "
        "+32 470 00 00 00. Er werd niets opgeslagen.",
    ),
    "phone_saved": ("Votre téléphone est enregistré.", "Uw telefoon is opgeslagen."),
    "accounts": ("Comptes", "Accounts"),
    "name": ("Nom", "Naam"),
    "role": ("Rôle", "Rol"),
    "open_sessions": ("Sessions ouvertes", "Open sessies"),
    "inactive": ("désactivé", "uitgeschakeld"),
    "yes": ("oui", "ja"),
    "no": ("non", "nee"),
    "sign_out_everywhere": ("Déconnecter partout", "Overal afmelden"),
    "reset_second_factor": (
        "Réinitialiser le code de vérification",
        "Verificatiecode opnieuw instellen",
    ),
    "queue": ("File d'attente", "Wachtrij"),
    "empty_queue": ("Personne n'attend.", "Niemand wacht."),
    "waiting_since": ("En attente depuis", "Wacht sinds"),
    "reason": ("Motif", "Reden"),
    "channel": ("Canal", "Kanaal"),
    "language": ("Langue", "Taal"),
    "status": ("État", "Status"),
    "urgent": ("URGENT", "DRINGEND"),
    "overdue": ("EN RETARD", "TE LAAT"),
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
    "unicode_warning": (
        "Caractères spéciaux : le SMS coûtera plus.",
        "Speciale tekens: de sms kost meer.",
    ),
    "opted_out": (
        "Ce locataire a envoyé STOP : rien ne peut lui être envoyé.",
        "Deze huurder stuurde STOP: er kan niets verstuurd worden.",
    ),
    "close": ("Clôturer", "Afsluiten"),
    "close_reason": ("Motif de clôture", "Reden van afsluiten"),
    "hand_back": (
        "Rendre la main à l'assistant (il le dit au locataire)",
        "Terug naar de assistent (die zegt het aan de huurder)",
    ),
    "summary": ("Ce que l'assistant a recueilli", "Wat de assistent verzamelde"),
    "earlier": ("Demandes précédentes", "Eerdere aanvragen"),
    # messages the outbox gave up on (bot/console/conversation.py)
    "not_delivered": (
        "n'a pas atteint le locataire",
        "heeft de huurder niet bereikt",
    ),
    "given_up_at": ("abandonné le", "opgegeven op"),
    "channel_sms": ("par SMS", "via sms"),
    "channel_telegram": ("par Telegram", "via Telegram"),
    "channel_whatsapp": ("par WhatsApp", "via WhatsApp"),
    "channel_name_sms": ("SMS", "Sms"),
    "channel_name_telegram": ("Telegram", "Telegram"),
    "channel_name_whatsapp": ("WhatsApp", "WhatsApp"),
    "channel_name_voice": ("Téléphone", "Telefoon"),
    # why a message could not reach the tenant (bot/outbox/refusals.py, last_error)
    "refusal_window": (
        "WhatsApp le refuse : le locataire n'a pas écrit depuis plus de 24 heures.",
        "WhatsApp weigert het: de huurder schreef meer dan 24 uur geleden.",
    ),
    "refusal_no_template": (
        "Aucun message type WhatsApp n'est configuré pour écrire après 24 heures.",
        "Er is geen WhatsApp-sjabloon ingesteld om na 24 uur te schrijven.",
    ),
    "refusal_not_on_whatsapp": (
        "Ce numéro n'est pas sur WhatsApp.",
        "Dit nummer staat niet op WhatsApp.",
    ),
    "refusal_whatsapp_limited": (
        "WhatsApp n'a pas remis le message à ce numéro.",
        "WhatsApp heeft het bericht niet bezorgd op dit nummer.",
    ),
    "refusal_content_refused": (
        "WhatsApp refuse ce contenu (trop long, ou un champ vide).",
        "WhatsApp weigert deze inhoud (te lang, of een leeg veld).",
    ),
    "refusal_opted_out": (
        "Le locataire a envoyé STOP.",
        "De huurder stuurde STOP.",
    ),
    "refusal_bad_number": (
        "Ce numéro ne peut pas recevoir de message.",
        "Dit nummer kan geen berichten ontvangen.",
    ),
    # held on WhatsApp until the tenant writes (bot/outbox/whatsapp_window.py)
    "held": (
        "en attente : part dès que le locataire écrit (WhatsApp, 24 heures)",
        "wacht: vertrekt zodra de huurder schrijft (WhatsApp, 24 uur)",
    ),
    "window_closed": (
        "Le locataire a écrit il y a plus de 24 heures. WhatsApp n'accepte alors qu'un "
        "message type. Il reçoit : « Un message de votre société de logement vous attend ». "
        "Votre réponse part dès qu'il répond.",
        "De huurder schreef meer dan 24 uur geleden. WhatsApp aanvaardt dan alleen een "
        "sjabloonbericht. De huurder krijgt: 'Er wacht een bericht van uw "
        "huisvestingsmaatschappij'. Uw antwoord vertrekt zodra de huurder antwoordt.",
    ),
    "window_closed_no_template": (
        "Le locataire a écrit il y a plus de 24 heures. WhatsApp n'accepte alors qu'un "
        "message type, et aucun n'est configuré : votre réponse ne peut pas partir "
        "maintenant. Elle est gardée et part dès que le locataire écrit. Pour le joindre "
        "plus vite, appelez-le.",
        "De huurder schreef meer dan 24 uur geleden. WhatsApp aanvaardt dan alleen een "
        "sjabloonbericht, en er is er geen ingesteld: uw antwoord kan nu niet vertrekken. "
        "Het wordt bewaard en vertrekt zodra de huurder schrijft. Bel de huurder om sneller "
        "contact te hebben.",
    ),
    "window_closes": ("La fenêtre WhatsApp se ferme le", "Het WhatsApp-venster sluit op"),
    "media": ("Pièce jointe", "Bijlage"),
    "media_photo": ("photo reçue (non conservée)", "foto ontvangen (niet bewaard)"),
    "media_audio": ("message vocal reçu (non conservé)", "spraakbericht ontvangen (niet bewaard)"),
    "media_video": ("vidéo reçue (non conservée)", "video ontvangen (niet bewaard)"),
    "media_file": ("fichier reçu (non conservé)", "bestand ontvangen (niet bewaard)"),
    # calling back a tenant who called the phone line (bot/console/callbacks.py)
    "call_back": ("Rappeler le locataire", "Huurder terugbellen"),
    "call_back_hint": (
        "Votre téléphone sonne d'abord, puis celui du locataire. Le locataire voit le numéro "
        "de la société de logement, pas le vôtre.",
        "Eerst gaat uw telefoon, dan die van de huurder. De huurder ziet het nummer van de "
        "huisvestingsmaatschappij, niet het uwe.",
    ),
    "call_hidden": (
        "Le locataire a masqué son numéro : il ne peut pas être rappelé.",
        "De huurder verborg zijn nummer: hij kan niet teruggebeld worden.",
    ),
    "call_started": (
        "Appel en cours : votre téléphone va sonner.",
        "Oproep bezig: uw telefoon gaat rinkelen.",
    ),
    "call_no_phone": (
        "Aucun appel : votre téléphone n'est pas encore enregistré. Ajoutez-le ici :",
        "Geen oproep: uw telefoon is nog niet opgeslagen. Voeg hem hier toe:",
    ),
    "call_failed": (
        "L'appel n'a pas pu partir. Réessayez dans quelques minutes.",
        "De oproep kon niet vertrekken. Probeer het over enkele minuten opnieuw.",
    ),
    "not_yours": (
        "Cette conversation est prise par quelqu'un d'autre.",
        "Dit gesprek is door iemand anders genomen.",
    ),
    "canned": ("Réponses toutes prêtes", "Kant-en-klare antwoorden"),
    "use_canned": ("Partir d'une réponse toute prête", "Begin van een kant-en-klaar antwoord"),
    "canned_title": ("Titre", "Titel"),
    "canned_text": ("Texte", "Tekst"),
    "add": ("Ajouter", "Toevoegen"),
    "delete": ("Supprimer", "Verwijderen"),
    "reason_asked": ("demande une personne", "vraagt een mens"),
    "reason_danger": ("danger", "gevaar"),
    "reason_callback": ("à rappeler (téléphone)", "terugbellen (telefoon)"),
    "reason_not_understood": ("l'assistant n'a pas compris", "assistent begreep het niet"),
    "reason_search_failed": ("recherche impossible", "zoeken lukte niet"),
    "reason_no_results": ("aucune activité trouvée", "geen activiteit gevonden"),
    # the coordinators' signals page (bot/console/signals_page.py)
    "signals": ("Signaux", "Signalen"),
    "signals_intro": (
        "Conversations avec l'assistant, par semaine. Rien sur une personne.",
        "Gesprekken met de assistent, per week. Niets over één persoon.",
    ),
    "small_note": (
        "« <5 » : moins de 5 conversations. Le nombre est caché.",
        "„<5”: minder dan 5 gesprekken. Het getal is verborgen.",
    ),
    "masked_note": (
        "« x » : caché, sinon on pourrait calculer une case « <5 ».",
        "„x”: verborgen, anders kan men een vakje „<5” berekenen.",
    ),
    "chart_note": (
        "Les cases cachées ne sont pas dessinées.",
        "Verborgen vakjes worden niet getekend.",
    ),
    "from": ("Du", "Van"),
    "to": ("Au", "Tot"),
    "show": ("Afficher", "Tonen"),
    "bad_range": (
        "Choisissez au plus 53 semaines. La fin vient après le début.",
        "Kies hoogstens 53 weken. Het einde komt na het begin.",
    ),
    "download_csv": ("Télécharger le tableau (CSV)", "Tabel downloaden (CSV)"),
    "week_of": ("Semaine du", "Week van"),
    "conversations": ("Conversations", "Gesprekken"),
    "all_conversations": ("Toutes", "Alle"),
    "per_topic": ("Par sujet", "Per onderwerp"),
    "per_commune": ("Par commune", "Per gemeente"),
    "per_language": ("Par langue", "Per taal"),
    "per_channel": ("Par canal", "Per kanaal"),
    "handoffs": ("Passé à une personne, par motif", "Doorgegeven aan een mens, per reden"),
    "share": ("part des conversations", "deel van de gesprekken"),
    "not_understood": ("Pas compris", "Niet begrepen"),
    "urgent_count": ("Urgent", "Dringend"),
    "trends": ("Tendances", "Trends"),
    "chart_overview": (
        "Conversations, passages à une personne, pas compris, urgent",
        "Gesprekken, doorgegeven, niet begrepen, dringend",
    ),
    "chart_topics": ("Les sujets les plus fréquents", "De meest gestelde onderwerpen"),
    "chart_communes": ("Les communes les plus fréquentes", "De meest genoemde gemeenten"),
    "chart_languages": ("Langues et canaux", "Talen en kanalen"),
    "no_data": ("Rien pour ces semaines.", "Niets voor deze weken."),
    "handed_over": ("Passé à une personne", "Doorgegeven aan een mens"),
    "scope": ("Société de logement", "Huisvestingsmaatschappij"),
    # the conversation page as the tenant lived it (bot/console/transcript*.py)
    "chose": ("a choisi", "koos"),
    "event_claimed": ("a pris la conversation", "nam het gesprek"),
    "event_released": ("a remis la conversation dans la file", "zette het gesprek terug in de rij"),
    "event_reassigned": ("a passé la conversation à", "gaf het gesprek door aan"),
    "delivery_pending": ("envoi en cours", "wordt verzonden"),
    "delivery_sent": ("envoyé", "verzonden"),
    "delivery_delivered": ("reçu par le téléphone", "ontvangen door de telefoon"),
    "delivery_read": ("lu", "gelezen"),
    "failed_alert": (
        "Un message n'a pas atteint le locataire. Renvoyez-le ou appelez le locataire.",
        "Een bericht bereikte de huurder niet. Verstuur het opnieuw of bel de huurder.",
    ),
    "retry": ("Renvoyer ce message", "Dit bericht opnieuw versturen"),
    "retried": ("Le message repart.", "Het bericht wordt opnieuw verstuurd."),
    "opened_on": ("Ouverte le", "Geopend op"),
    "closed_on": ("Clôturée le", "Afgesloten op"),
    "new_tenant_message": ("Nouveau message du locataire", "Nieuw bericht van de huurder"),
    "canned_replace": (
        "Remplacer votre texte par la réponse toute prête ?",
        "Uw tekst vervangen door het kant-en-klare antwoord?",
    ),
    # errors, as a page in the staff member's language that keeps what they typed
    "error_title": ("Cela n'a pas marché", "Dat lukte niet"),
    "error_not_holder": (
        "Un·e collègue suit maintenant cette conversation. Votre message n'est pas parti.",
        "Een collega volgt dit gesprek nu. Uw bericht is niet verstuurd.",
    ),
    "error_closed": (
        "Cette conversation est clôturée. Rien n'a été changé.",
        "Dit gesprek is afgesloten. Er is niets veranderd.",
    ),
    "error_stopped": (
        "Le locataire a envoyé STOP : on ne peut plus rien lui envoyer.",
        "De huurder stuurde STOP: er kan niets meer naar hem of haar.",
    ),
    "error_other_company": (
        "Cette conversation est celle d'une autre société de logement.",
        "Dit gesprek hoort bij een andere huisvestingsmaatschappij.",
    ),
    "error_not_found": ("Cette page n'existe pas.", "Deze pagina bestaat niet."),
    "error_forbidden": (
        "Votre rôle ne permet pas cette action.",
        "Uw rol laat deze actie niet toe.",
    ),
    "error_expired": (
        "La page était trop ancienne. Rechargez-la, puis recommencez.",
        "De pagina was te oud. Laad ze opnieuw en probeer nog eens.",
    ),
    "error_other": (
        "Une erreur est survenue. Réessayez dans un moment.",
        "Er ging iets mis. Probeer het zo dadelijk opnieuw.",
    ),
    "kept_text": (
        "Votre texte est gardé ici. Copiez-le avant de quitter la page :",
        "Uw tekst is hier bewaard. Kopieer hem voor u de pagina verlaat:",
    ),
    "back_to_conversation": ("Retour à la conversation", "Terug naar het gesprek"),
    # notifications in the open console (console.js), never with tenant content
    "alerts_on": ("Activer le son et les notifications", "Geluid en meldingen aanzetten"),
    "alerts_enabled": ("Son et notifications activés", "Geluid en meldingen staan aan"),
    "alert_new": ("Nouvelle demande", "Nieuwe vraag"),
    "alert_urgent": ("Demande URGENTE", "DRINGENDE vraag"),
    "alert_assigned": ("Une conversation vous a été passée", "Er werd u een gesprek doorgegeven"),
    "queue_status": ("en attente", "wachtend"),
    "queue_urgent": ("urgentes", "dringend"),
    "skip_to_content": ("Aller au contenu", "Naar de inhoud"),
    # finding a conversation again (bot/console/search.py), labels (bot/console/labels.py)
    "find_nav": ("Rechercher", "Zoeken"),
    "find_title": ("Retrouver une conversation", "Een gesprek terugvinden"),
    "filters": ("Filtres", "Filters"),
    "search_words": (
        "Mots (motif, étiquette, note, motif de clôture)",
        "Woorden (reden, label, notitie, reden van afsluiten)",
    ),
    "all": ("Tous", "Alle"),
    "status_waiting": ("en attente", "wacht"),
    "status_claimed": ("pris en charge", "genomen"),
    "status_closed": ("clôturé", "afgesloten"),
    "label": ("Étiquette", "Label"),
    "labels": ("Étiquettes", "Labels"),
    "labels_intro": (
        "Les étiquettes aident à retrouver des conversations. Le locataire ne les voit pas.",
        "Labels helpen om gesprekken terug te vinden. De huurder ziet ze niet.",
    ),
    "no_labels": ("Pas encore d'étiquette.", "Nog geen labels."),
    "label_name": ("Nouvelle étiquette", "Nieuw label"),
    "save_labels": ("Enregistrer les étiquettes", "Labels opslaan"),
    "since": ("Ouverte depuis le", "Geopend vanaf"),
    "until": ("Ouverte jusqu'au", "Geopend tot en met"),
    "only_urgent": ("Seulement les urgentes", "Alleen dringende"),
    "assigned_to_me": ("Seulement les miennes", "Alleen de mijne"),
    "search_number": ("Numéro du locataire (en entier)", "Nummer van de huurder (volledig)"),
    "search_number_hint": (
        "Avec ou sans +32. Le numéro n'est ni gardé ni affiché.",
        "Met of zonder +32. Het nummer wordt niet bewaard of getoond.",
    ),
    "search": ("Chercher", "Zoeken"),
    "bad_number": (
        "Ce n'est pas un numéro de téléphone complet. Vérifiez et réessayez.",
        "Dit is geen volledig telefoonnummer. Controleer en probeer opnieuw.",
    ),
    "results": ("Résultats", "Resultaten"),
    "by_number": ("par numéro", "op nummer"),
    "nothing_found": (
        "Aucune conversation ne correspond. Essayez avec moins de filtres.",
        "Geen gesprek gevonden. Probeer met minder filters.",
    ),
    "pages": ("Pages", "Pagina's"),
    "previous": ("Précédents", "Vorige"),
    "next": ("Suivants", "Volgende"),
    "assign_to": ("Confier la demande", "Vraag toewijzen"),
    "assign": ("Confier", "Toewijzen"),
    "held_now": ("en cours", "lopend"),
    "past_target": ("DÉLAI DÉPASSÉ", "TERMIJN OVERSCHREDEN"),
    "alert_again": (
        "Un locataire a réécrit après la clôture",
        "Een huurder schreef opnieuw na het afsluiten",
    ),
    "wrote_again": (
        "Ces locataires ont réécrit après la clôture (l'assistant leur a répondu) :",
        "Deze huurders schreven opnieuw na het afsluiten (de assistent antwoordde):",
    ),
    "shortcuts": ("Raccourcis clavier", "Sneltoetsen"),
    "key_help": ("cette liste", "deze lijst"),
    "key_find": ("retrouver une conversation", "een gesprek terugvinden"),
    "key_next": ("demande suivante / précédente", "volgende / vorige vraag"),
    "key_claim": ("prendre en charge la demande choisie", "de gekozen vraag nemen"),
    "key_open": ("ouvrir la demande choisie", "de gekozen vraag openen"),
    "key_reply": ("écrire la réponse", "het antwoord schrijven"),
    "key_note": ("écrire une note interne", "een interne notitie schrijven"),
    "key_close": ("clôturer (le motif)", "afsluiten (de reden)"),
    "key_queue": ("retour à la file d'attente", "terug naar de wachtrij"),
    "close_dialog": ("Fermer", "Sluiten"),
    "shortcuts_off": (
        "Désactiver les raccourcis à une lettre",
        "Sneltoetsen van één letter uitzetten",
    ),
    "shortcuts_on": (
        "Réactiver les raccourcis à une lettre",
        "Sneltoetsen van één letter weer aanzetten",
    ),
    "main_menu": ("Menu principal", "Hoofdmenu"),
    "response_times": ("Délais de réponse", "Reactietijden"),
    "response_times_intro": (
        "Par semaine d'arrivée : les demandes, et celles prises en charge après leur délai "
        "(compté en heures d'ouverture ; 15 minutes pour une urgence, un jour ouvrable pour "
        "les autres, sauf réglage de la société).",
        "Per week van aankomst: de vragen, en die genomen na hun termijn (geteld in "
        "openingsuren; 15 minuten voor een dringende, één werkdag voor de andere, tenzij de "
        "maatschappij het anders instelt).",
    ),
    "response_requests": ("Demandes", "Vragen"),
    "response_late": ("Prises après leur délai", "Genomen na hun termijn"),
    "actions": ("Actions", "Acties"),
    "role_caseworker": ("assistant·e social·e", "maatschappelijk werker"),
    "role_supervisor": ("responsable d'équipe", "teamverantwoordelijke"),
    "role_admin": ("administrateur·rice", "beheerder"),
    "role_auditor": ("auditeur·rice", "auditor"),
    "role_coordinator": ("coordinateur·rice", "coördinator"),
    "my_email_notices": ("E-mails de la console", "E-mails van de console"),
    "email_notices_label": (
        "Recevoir les e-mails de la console",
        "E-mails van de console ontvangen",
    ),
    "email_notices_hint": (
        "Nouvelles demandes, demandes urgentes, lieux signalés fermés. "
        "La console montre tout, avec ou sans e-mail.",
        "Nieuwe vragen, dringende vragen, gemelde gesloten plaatsen. "
        "De console toont alles, met of zonder e-mail.",
    ),
    "email_notices_saved": ("Votre choix est enregistré.", "Uw keuze is bewaard."),
    "email_notices_save": ("Valider ce choix", "Deze keuze bevestigen"),
    "role_curator": ("curateur·rice des activités", "curator van de activiteiten"),
    "role_regional_curator": (
        "curateur·rice régional·e des activités",
        "gewestelijke curator van de activiteiten",
    ),
    "office_time": ("(heures d'ouverture)", "(openingsuren)"),
    "week_late": (
        "Ces 7 jours, demandes prises après leur délai",
        "Deze 7 dagen, vragen genomen na hun termijn",
    ),
    # the satisfaction question after a person's help, on the signals page (issue 18)
    "satisfaction": (
        "Satisfaction après l'aide d'une personne",
        "Tevredenheid na de hulp van een mens",
    ),
    "satisfaction_intro": (
        "La question posée au locataire quand une personne le rend à l'assistant. "
        "Par semaine de la question.",
        "De vraag aan de huurder als een mens hem teruggeeft aan de assistent. "
        "Per week van de vraag.",
    ),
    "survey_small_note": (
        "« <5 » : moins de 5. Le nombre est caché.",
        "„<5”: minder dan 5. Het getal is verborgen.",
    ),
    "survey_asked": ("Questions posées", "Vragen gesteld"),
    "survey_answered": ("Réponses", "Antwoorden"),
    "survey_yes": ("Oui", "Ja"),
    "survey_little": ("Un peu", "Een beetje"),
    "survey_no": ("Non", "Nee"),
}

WORDS.update(CURATION_WORDS)
WORDS.update(TRANSFER_WORDS)


def reason_label(reason: str, language: str) -> str:
    """A handoff's reason in words: the console's own, else the topic's label the tenant
    was offered (bot/lexicon/topics.yml), else the code as it is."""
    pair = WORDS.get(f"reason_{reason}")
    if pair:
        return pair[1 if language == "nl" else 0]
    topic = topic_labels().get(reason)
    return (topic.get(language) or topic["fr"]) if topic else reason


def words(language: str) -> dict[str, str]:
    index = 1 if language == "nl" else 0
    return {key: pair[index] for key, pair in WORDS.items()}
