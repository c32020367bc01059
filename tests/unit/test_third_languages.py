"""Safety in seven more languages (bot/third_languages.py, bot/lexicon/third_languages.yml):
a tenant in danger who writes in English, Arabic (also in Latin letters), Turkish, Spanish,
Portuguese, Romanian or Polish gets the emergency number at once, in their language, and
everyday messages in those languages raise no alarm."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import third_languages
from bot.channels.keywords import Keyword, keyword
from bot.safety import DANGER_CATEGORIES, detect_danger
from bot.sms_rules import FORBIDDEN_TYPOGRAPHY, MAX_SEGMENTS, measure, to_gsm7
from bot.third_languages import (
    THIRD_LANGUAGES,
    detect_third_language_danger,
    parse,
    safety_text,
    unsupported_text,
)
from tests.unit.test_safety import SAFE

ROOT = Path(__file__).resolve().parents[2]

# (message, language, category). At least four per language, in different situations,
# with indirect wording, misspellings and missing accents as tenants write them.
DANGER = [
    # English
    ("my husband hits me every night", "en", "violence"),
    ("he said he is going to kill me, I'm hiding in the bathroom", "en", "violence"),
    ("I don't want to wake up tomorrow", "en", "suicide"),
    ("i want to take all my pills tonight", "en", "suicide"),
    ("there is no way out for me", "en", "suicide"),
    ("i just want to die", "en", "suicide"),
    ("my mum fell and she's not moving", "en", "medical"),
    ("my dad can't breathe", "en", "medical"),
    ("the kitchen is on fire!!", "en", "fire"),
    ("it smells of gas in the stairs", "en", "gas"),
    ("it stinks like rotten eggs in my flat", "en", "gas"),
    ("the CO alarm is beeping and we all have headaches", "en", "co"),
    ("my son swallowed bleach", "en", "poison"),
    ("HELP ME QUICK", "en", "other"),
    ("i cant breath", "en", "medical"),
    ("I want to kill my self", "en", "suicide"),
    ("the flat next door is burning", "en", "fire"),
    ("he choked me", "en", "violence"),
    ("everyone would be better off without me", "en", "suicide"),
    # Arabic, Arabic script
    ("زوجي يضربني كل يوم", "ar", "violence"),
    ("قال سيقتلني، أنا مختبئة في الحمام", "ar", "violence"),
    ("أريد أن أموت", "ar", "suicide"),
    ("لا أريد أن أعيش بعد الآن", "ar", "suicide"),
    ("تعبت من الحياة", "ar", "suicide"),
    ("أمي لا تتنفس", "ar", "medical"),
    ("أغمي عليه ولا يتحرك", "ar", "medical"),
    ("النار شاعلة في المطبخ", "ar", "fire"),
    ("كاين حريق في العمارة", "ar", "fire"),
    ("ريحة الغاز في الدار", "ar", "gas"),
    ("ابني شرب جافيل", "ar", "poison"),
    ("النجدة", "ar", "other"),
    ("اريد الانتحار", "ar", "suicide"),
    ("بابا طاح وما كيتحركش", "ar", "medical"),
    ("شعلات العافية فالكوزينة", "ar", "fire"),
    ("تخنقنا بالشوفو", "ar", "co"),
    # Arabic in Latin letters (arabizi, mostly Darija)
    ("3afak rajli kaydrebni", "ar", "violence"),
    ("bghit nmout", "ar", "suicide"),
    ("ma bghitch n3ich", "ar", "suicide"),
    ("ghadi n9tel rasi", "ar", "suicide"),
    ("mskin bba ta7 w ghab", "ar", "medical"),
    ("ma kaytneffesch", "ar", "medical"),
    ("tch3lat l3afya f lkouzina", "ar", "fire"),
    ("kayna ri7t lgaz f dar", "ar", "gas"),
    ("tkhne9na b chauffe-eau", "ar", "co"),
    ("wldi chreb javel", "ar", "poison"),
    ("3te9ouni", "ar", "other"),
    ("ghadi nqtel rassi", "ar", "suicide"),
    ("ma 3am yetnaffas", "ar", "medical"),
    ("3yit mn had l7yat", "ar", "suicide"),
    ("kanchem ri7t lgaz", "ar", "gas"),
    ("ana f khatar", "ar", "other"),
    # Turkish
    ("kocam beni dövüyor", "tr", "violence"),
    ("KOCAM BENI DOVUYOR", "tr", "violence"),
    ("ölmek istiyorum", "tr", "suicide"),
    ("artık yaşamak istemiyorum", "tr", "suicide"),
    ("bir daha uyanmak istemiyorum", "tr", "suicide"),
    ("annem nefes alamıyor", "tr", "medical"),
    ("babam bayıldı", "tr", "medical"),
    ("mutfakta yangın var", "tr", "fire"),
    ("evde gaz kokusu var", "tr", "gas"),
    ("soba zehirlenmesi galiba", "tr", "co"),
    ("çocuğum çamaşır suyu içti", "tr", "poison"),
    ("imdat", "tr", "other"),
    ("OLMEK ISTIYORUM", "tr", "suicide"),
    ("kendimi asacağım", "tr", "suicide"),
    ("YANGIN VAR", "tr", "fire"),
    ("gaz kokuyor", "tr", "gas"),
    ("intihar etmek istiyorum", "tr", "suicide"),
    # Spanish
    ("mi marido me pega", "es", "violence"),
    ("quiere matarme, estoy escondida", "es", "violence"),
    ("ya no quiero vivir", "es", "suicide"),
    ("no quiero despertar mañana", "es", "suicide"),
    ("no veo otra salida", "es", "suicide"),
    ("mi madre no respira", "es", "medical"),
    ("se ha desmayado y no se mueve", "es", "medical"),
    ("hay fuego en la cocina", "es", "fire"),
    ("huele a gas en la escalera", "es", "gas"),
    ("mi hijo se bebió lejía", "es", "poison"),
    ("socorro, ayudenme rapido", "es", "other"),
    ("me quiero matar", "es", "suicide"),
    ("ya no aguanto mas la vida", "es", "suicide"),
    ("se quema la cocina", "es", "fire"),
    ("alarma de monóxido", "es", "co"),
    # Portuguese
    ("o meu marido bate-me", "pt", "violence"),
    ("ele quer me matar", "pt", "violence"),
    ("não quero mais viver", "pt", "suicide"),
    ("quero morrer", "pt", "suicide"),
    ("não vejo outra saída", "pt", "suicide"),
    ("a minha mãe não respira", "pt", "medical"),
    ("o meu pai desmaiou", "pt", "medical"),
    ("a cozinha pegou fogo", "pt", "fire"),
    ("cheira a gás no prédio", "pt", "gas"),
    ("o meu filho bebeu lixívia", "pt", "poison"),
    ("estou em perigo, socorro", "pt", "other"),
    ("corto-me todos os dias", "pt", "suicide"),
    ("não consigo respirar", "pt", "medical"),
    ("fogo na cozinha!", "pt", "fire"),
    ("alarme de monóxido a tocar", "pt", "co"),
    # Romanian
    ("soțul meu mă bate", "ro", "violence"),
    ("m-a amenințat cu cuțitul", "ro", "violence"),
    ("vreau să mor", "ro", "suicide"),
    ("nu mai vreau să trăiesc", "ro", "suicide"),
    ("nu mai văd nicio ieșire", "ro", "suicide"),
    ("mama nu mai respiră", "ro", "medical"),
    ("a leșinat și nu se mișcă", "ro", "medical"),
    ("e incendiu în bloc", "ro", "fire"),
    ("miroase a gaz pe scară", "ro", "gas"),
    ("copilul a băut înălbitor", "ro", "poison"),
    ("ajutor ajutor", "ro", "other"),
    ("vreau sa mor", "ro", "suicide"),
    ("ma tai pe maini", "ro", "suicide"),
    ("arde casa", "ro", "fire"),
    ("senzorul de monoxid sună", "ro", "co"),
    # Polish
    ("mąż mnie bije", "pl", "violence"),
    ("maz mnie bije", "pl", "violence"),
    ("chcę umrzeć", "pl", "suicide"),
    ("nie chcę już żyć", "pl", "suicide"),
    ("nie widzę wyjścia", "pl", "suicide"),
    ("mama nie oddycha", "pl", "medical"),
    ("tata zemdlał", "pl", "medical"),
    ("pożar w kuchni", "pl", "fire"),
    ("czuć gaz na klatce", "pl", "gas"),
    ("czujnik czadu piszczy", "pl", "co"),
    ("dziecko wypiło płyn do naczyń", "pl", "poison"),
    ("ratunku", "pl", "other"),
    ("chce umrzec", "pl", "suicide"),
    ("nie moge oddychac", "pl", "medical"),
    ("pali sie", "pl", "fire"),
    ("czad w mieszkaniu", "pl", "co"),
    ("grozi mi nożem", "pl", "violence"),
]

# Everyday messages of social-housing tenants, by language: no alarm. Many are near
# misses: the words of a danger phrase in an everyday sense.
EVERYDAY = {
    "en": [
        "I'm dying of laughter",
        "my phone is dead",
        "the fire alarm battery is empty",
        "I just need to kill time",
        "my gas bill is too high",
        "my landlord is not responding to my emails",
        "I don't want to live in this flat anymore",
        "help",
        "I don't want to wake up the neighbours",
        "the neighbours' noise is killing me",
        "I am in danger of losing my flat",
        "my landlord threatens me with eviction",
        "it beats me why they never answer",
        "I cut myself on the broken window glass, please fix it",
        "my son is on fire this season, ten goals",
        "my dad had a heart attack two years ago and can't climb the stairs",
        "can you come now to fix the boiler",
    ],
    "ar": [
        "أموت من الضحك",
        "تلفوني مات",
        "بطارية إنذار الحريق فارغة",
        "فاتورة الغاز غالية",
        "الكراء نار",
        "الله يعطيك العافية",
        "المصعد لا يتحرك",
        "لا أريد أن أعيش في هذا البيت",
        "البرد كيقتلني",
        "مشكل في اشتعال الشوفاج",
        # in Latin letters
        "3afak bghit nbeddel dar",
        "kanmout b dda7k",
        "telephone dyali mat",
        "allah y3tik sa7a w l3afya",
        "mskin lwlid mrid chwiya",
        "bghit nmout b dda7k",
        "lgaz ghali bzaf",
    ],
    "tr": [
        "gülmekten ölüyorum",
        "telefonum öldü",
        "yangın alarmının pili bitti",
        "doğalgaz faturası çok yüksek",
        "doğalgaz faturasını ödemeyi kaçırdım",
        "bu evde yaşamak istemiyorum",
        "otobüsü kaçırdım",
        "kira için havale yaptım",
        "bu kira beni öldürüyor",
        "annem ilacını içti",
        "Alev Hanım'la konuştum",
    ],
    "es": [
        "me muero de risa",
        "mi móvil está muerto",
        "la alarma de incendio no tiene pila",
        "me muero de frío, la calefacción no funciona",
        "la factura del gas es muy cara",
        "el ascensor no se mueve",
        "no quiero vivir en este piso",
        "el casero me amenaza con el desahucio",
        "¿cómo te llamas?",
        "mi vecino es un inconsciente",
        "no hay salida para el humo de la cocina",
    ],
    "pt": [
        "estou a morrer de rir",
        "o meu telemóvel morreu",
        "a bateria do alarme de incêndio acabou",
        "a conta do gás está cara",
        "não quero viver mais nesta casa",
        "o senhorio não responde",
        "fogo de artifício na rua",
        "o senhorio ameaça-me com despejo",
        "como te chamas?",
    ],
    "ro": [
        "mor de râs",
        "telefonul meu e mort",
        "bateria de la alarma de incendiu e goală",
        "factura la gaz e prea mare",
        "vecinul ne bate la ușă noaptea",
        "nu vreau să trăiesc aici",
        "liftul nu se mișcă",
        "mă bate gândul să mă mut",
        "intoxicație alimentară, am certificat medical",
    ],
    "pl": [
        "umieram ze śmiechu",
        "telefon mi padł",
        "bateria w alarmie pożarowym się wyczerpała",
        "rachunek za gaz jest za wysoki",
        "światło się pali na klatce cały dzień",
        "nie chcę żyć w tym mieszkaniu",
        "administracja nie reaguje",
        "grozi mi eksmisja",
        "nie ma wyjścia, muszę zapłacić czynsz",
        "zaświadczenie o zatrudnieniu",
        "czekam na pomoc z czynszem",
        "porwała się tapeta w kuchni",
    ],
    # French and Dutch: the other languages' patterns must not fire on them either.
    "fr/nl": [
        *SAFE,  # the French and Dutch detector's own everyday messages (test_safety.py)
        "je voudrais un logement plus grand",
        "ik heb een vraag over mijn huur",
        "Mon père a eu un AVC il y a trois ans, il faut une douche sans marche.",
        "Le dératiseur a mis du poison dans la cave.",
        "J'ai eu une intoxication alimentaire la semaine dernière.",
        "",
    ],
}

# The numbers of ../shared/CONTENT.md, written as in the texts.
ALLOWED_NUMBERS = {
    "112",
    "101",
    "0800 32 123",
    "1813",
    "107",
    "106",
    "0800 19 400",
    "070 245 245",
    "0800 35 243",
}
# Every group of digits (any script), with the single spaces inside a phone number.
DIGIT_GROUPS = re.compile(r"\d+(?: \d+)*")
SITUATION_NUMBERS = {
    "violence": "101",
    "gas": "0800 19 400",
    "poison": "070 245 245",
    "suicide": "0800 32 123",
}
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
MAX_WORDS_PER_SENTENCE = 15
SAFETY_TEXTS = [
    (language, category) for language in THIRD_LANGUAGES for category in DANGER_CATEGORIES
]
ALL_TEXTS = [
    *((language, category, safety_text(language, category)) for language, category in SAFETY_TEXTS),
    *((language, "unsupported", unsupported_text(language)) for language in THIRD_LANGUAGES),
]


def test_the_seven_languages():
    assert THIRD_LANGUAGES == ("en", "ar", "tr", "es", "pt", "ro", "pl")


@pytest.mark.parametrize(("text", "language", "category"), DANGER)
def test_danger_is_detected_with_its_situation_and_language(text, language, category):
    signal = detect_third_language_danger(text)
    assert signal is not None, text
    assert (signal.category, signal.language) == (category, language), (text, signal)
    assert signal.matched


@pytest.mark.parametrize("language", THIRD_LANGUAGES)
def test_every_language_is_tested_on_four_situations_and_three_everyday_messages(language):
    situations = {category for _, lang, category in DANGER if lang == language}
    assert len(situations) >= 4
    assert len(EVERYDAY[language]) >= 3


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in EVERYDAY.items() for text in texts]
)
def test_everyday_messages_raise_no_alarm(language, text):
    assert detect_third_language_danger(text) is None, language


def test_shared_words_go_to_the_language_of_the_rest_of_the_message():
    spanish = detect_third_language_danger("socorro, mi hijo está solo")
    portuguese = detect_third_language_danger("socorro, o meu filho está sozinho")
    assert spanish is not None and spanish.language == "es"
    assert portuguese is not None and portuguese.language == "pt"
    hinted = detect_third_language_danger("socorro", language_hint="pt")
    assert hinted is not None and hinted.language == "pt"


def test_the_first_situation_in_the_safety_layer_order_wins():
    signal = detect_third_language_danger("he hits me and I want to die")
    assert signal is not None and signal.category == "violence"


@pytest.mark.parametrize(("language", "category"), SAFETY_TEXTS)
def test_safety_texts_name_112_first_then_the_line_for_the_situation(language, category):
    text = safety_text(language, category)
    numbers = DIGIT_GROUPS.findall(text)
    assert numbers and numbers[0] == "112", (language, category, numbers)
    expected = SITUATION_NUMBERS.get(category)
    if expected:
        assert expected in numbers[1:], (language, category, numbers)
    assert "PERSONNE" in text


@pytest.mark.parametrize(("language", "name", "text"), ALL_TEXTS)
def test_only_the_numbers_of_content_md(language, name, text):
    for number in DIGIT_GROUPS.findall(text):
        assert number in ALLOWED_NUMBERS, (language, name, number)


@pytest.mark.parametrize(("language", "name", "text"), ALL_TEXTS)
def test_every_text_fits_the_sms_budget(language, name, text):
    written, sent = measure(text), measure(to_gsm7(text))
    assert written.segments <= MAX_SEGMENTS, (language, name, written)
    assert sent.segments <= MAX_SEGMENTS, (language, name, sent)
    if ARABIC_SCRIPT.search(text):
        assert not written.gsm7 and not sent.gsm7  # UCS-2: 70 characters, 67 per part
    assert not set(text) & FORBIDDEN_TYPOGRAPHY, (language, name)


@pytest.mark.parametrize("language", THIRD_LANGUAGES)
def test_the_unsupported_line_is_one_sms_where_the_language_allows(language):
    sent = measure(to_gsm7(unsupported_text(language)))
    # Turkish keeps its dotless i on SMS (UCS-2): its shortest line takes two segments.
    assert sent.segments <= (2 if language == "tr" else 1), sent


@pytest.mark.parametrize(("language", "name", "text"), ALL_TEXTS)
def test_sentences_are_short(language, name, text):
    for sentence in re.split(r"(?<=[.?!:؟])\s+", text):
        words = [word for word in sentence.split() if re.search(r"\w", word)]
        assert len(words) <= MAX_WORDS_PER_SENTENCE, (language, name, sentence)


@pytest.mark.parametrize("language", THIRD_LANGUAGES)
def test_every_text_names_the_person_keyword(language):
    texts = [unsupported_text(language), *(safety_text(language, c) for c in DANGER_CATEGORIES)]
    for text in texts:
        keywords = re.findall(r"\b[A-Z]{4,}\b", text)
        assert any(keyword(word) is Keyword.PERSON for word in keywords), text


def test_a_situation_without_its_own_text_gets_the_general_one(monkeypatch):
    for language in THIRD_LANGUAGES:
        assert safety_text(language, "no such situation") == safety_text(language, "other")
    only_other = parse(
        {
            language: {"safety": {"other": f"{language} 112"}, "unsupported": "PERSONNE"}
            for language in THIRD_LANGUAGES
        }
    )
    monkeypatch.setattr(third_languages, "_languages", lambda: only_other)
    assert safety_text("pl", "fire") == "pl 112"
    assert unsupported_text("pl") == "PERSONNE"


def test_unknown_languages_and_situations_are_refused():
    good = {
        language: {"safety": {"other": "112"}, "unsupported": "PERSONNE"}
        for language in THIRD_LANGUAGES
    }
    with pytest.raises(ValueError, match="unknown languages"):
        parse({**good, "it": good["en"]})
    with pytest.raises(ValueError, match="lacks languages"):
        parse({k: v for k, v in good.items() if k != "pl"})
    with pytest.raises(ValueError, match="unknown categories"):
        parse({**good, "en": {**good["en"], "danger": {"flood": ["water"]}}})
    with pytest.raises(ValueError, match="unknown categories"):
        parse({**good, "en": {**good["en"], "safety": {"other": "112", "flood": "112"}}})
    with pytest.raises(ValueError, match="unknown keys"):
        parse({**good, "en": {**good["en"], "hello": "hi"}})
    with pytest.raises(ValueError, match="danger.fire"):
        parse({**good, "en": {**good["en"], "danger": {"fire": ["(unclosed"]}}})
    with pytest.raises(ValueError):
        safety_text("it", "fire")
    with pytest.raises(ValueError):
        unsupported_text("fr")


def test_every_text_has_a_french_back_translation_of_its_current_wording():
    back = yaml.safe_load(
        (ROOT / "data" / "translations" / "third_languages_back.yml").read_text(encoding="utf-8")
    )
    rows = {(row["language"], row["key"]): row for row in back["texts"]}
    expected = {
        (language, "unsupported" if name == "unsupported" else f"safety.{name}"): text
        for language, name, text in ALL_TEXTS
    }
    assert set(rows) == set(expected)
    for key, text in expected.items():
        assert rows[key]["text"] == text, key
        assert rows[key]["back_translation_fr"].strip(), key


# What the French and Dutch safety layer answers, computed in a fresh interpreter with or
# without this module: it must be the same.
_PROBE = """
import json, sys
messages = json.loads(sys.argv[1])
if sys.argv[2] == "with":
    import bot.third_languages as third
    [third.detect_third_language_danger(m) for m in messages]
    third.safety_text("en", "fire")
from bot import lexicon
from bot.safety import detect_danger
signals = [detect_danger(m) for m in messages]
print(json.dumps({
    "signals": [s and [s.category, s.matched] for s in signals],
    "patterns": {k: list(v) for k, v in lexicon.danger_patterns().items()},
    "loaded_by_safety": sys.argv[2] == "without" and "bot.third_languages" in sys.modules,
}))
"""


def test_the_french_and_dutch_safety_layer_is_unchanged():
    messages = [
        *(text for text, _, _ in DANGER),
        *(text for texts in EVERYDAY.values() for text in texts),
        "je veux mourir",
        "mon mari me frappe",
        "ça sent le gaz",
        "ik wil dood",
        "brand in het gebouw",
        "AU SECOURS",
    ]
    results = {}
    for mode in ("without", "with"):
        run = subprocess.run(
            [sys.executable, "-c", _PROBE, json.dumps(messages), mode],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results[mode] = json.loads(run.stdout)
    assert results["without"]["loaded_by_safety"] is False
    assert results["with"]["signals"] == results["without"]["signals"]
    assert results["with"]["patterns"] == results["without"]["patterns"]
    # and in this process, after everything above
    assert detect_danger("je veux mourir").category == "suicide"
    assert detect_danger("ma facture de gaz est trop chère") is None
