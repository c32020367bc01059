"""The deterministic safety layer: danger phrases in French and Dutch, with and without
accents, with misspellings. A missed alarm is not acceptable; false alarms are."""

import pytest

from bot.safety import detect_danger

DANGER = [
    ("je veux mourir", "suicide"),
    ("jveu mourir", "suicide"),
    ("J'AI PLUS ENVIE DE VIVRE", "suicide"),
    ("je vais me suicider", "suicide"),
    ("j'ai écrit une lettre d'adieu", "suicide"),
    ("ik wil dood", "suicide"),
    ("ik wil niet meer leven", "suicide"),
    ("ik ga er een einde aan maken", "suicide"),
    ("zelfmoord", "suicide"),
    ("je me fais du mal avec une lame", "suicide"),
    ("jme fais du mal avec une lame mtn", "suicide"),
    ("je me coupe les bras", "suicide"),
    ("j'ai envie de me taillader les poignets", "suicide"),
    ("ik snij mezelf met een scheermesje", "suicide"),
    ("ik heb mezelf weer gesneden", "suicide"),
    ("k doe mezelf pijn", "suicide"),
    ("mon mari me frappe", "violence"),
    ("il m'a encore tapé", "violence"),
    ("le voisin a un couteau", "violence"),
    ("il menace de me tuer", "violence"),
    ("hij slaat mij", "violence"),
    ("mijn ex bedreigt mij met een mes", "violence"),
    ("ik zit verstopt in de badkamer", "violence"),
    ("il respire plus", "medical"),
    ("mon père est tombé et ne bouge plus", "medical"),
    ("ze is flauwgevallen", "medical"),
    ("hartaanval", "medical"),
    ("au feu", "fire"),
    ("il y a le feu dans la cuisine", "fire"),
    ("brand in het gebouw", "fire"),
    ("ça sent le gaz", "gas"),
    ("ca sent le gaz", "gas"),
    ("odeur de gaz dans l'escalier", "gas"),
    ("ik ruik gas", "gas"),
    ("l'alarme CO sonne", "co"),
    ("de koolmonoxide melder piept", "co"),
    ("mon fils a bu de l'eau de javel", "poison"),
    ("mijn kind heeft pillen ingeslikt", "poison"),
    ("AU SECOURS", "other"),
    ("ik ben in gevaar", "other"),
    # a missing child, a hissing gas pipe: behind a polite opening the classifier missed them
    ("ma fille a disparu depuis ce matin", "other"),
    ("mon fils de 6 ans est parti, je le trouve nulle part", "other"),
    ("mijn dochter van 8 is al twee uur vermist", "other"),
    ("Goedendag, sorry dat ik stoor. Mijn zoontje is weg, ik vind hem nergens", "other"),
    ("le tuyau de gaz siffle derrière la cuisinière", "gas"),
    ("Dag mevrouw. De gasleiding in de kelder sist al een kwartier", "gas"),
]

SAFE = [
    "ma facture de gaz est trop chère",
    "le chauffage ne marche pas",
    "je cherche un cours de français",
    "mijn lift is kapot",
    "merci",
    "ok",
    "1",
    "ma société ne répond pas au téléphone",
    "",
    # lost objects and pets are no missing child
    "la photo de ma fille a disparu de mon téléphone",
    "le petit chat a disparu",
    "je ne retrouve pas le bulletin de mon fils",
    "mijn zoon zijn fiets is verdwenen",
    "het speelgoed van mijn dochter is verdwenen",
    "mijn dochter is op kamp tot vrijdag",
]


@pytest.mark.parametrize(("text", "category"), DANGER)
def test_danger_is_detected_with_its_situation(text, category):
    signal = detect_danger(text)
    assert signal is not None, text
    assert signal.category == category


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_messages_raise_no_alarm(text):
    assert detect_danger(text) is None


def test_accents_case_and_spacing_do_not_matter():
    assert detect_danger("ÇA  SENT   LE GAZ!!!") is not None
    assert detect_danger("Ça sent le gaz") is not None


def test_children_left_alone_for_days_raise_an_alarm():
    assert detect_danger("les enfants d'à côté sont seuls depuis 2 jours") is not None
    assert detect_danger("de kinderen van hiernaast zijn al twee dagen alleen") is not None
    assert detect_danger("mes enfants sont seuls le mercredi matin") is None
