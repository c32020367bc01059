"""The curation form of one service, both ways: the fields a curator fills in (French and
Dutch texts, organisation, address, phone, cost, audiences, categories, languages, ages)
read from a stored HSDS service, and written back into it.

Writing starts from the stored service, so the fields the form does not show (an e-mail,
a URL, an eligibility text...) survive an edit. Problems are keyed by form field, each in
French and Dutch, so the page shows them next to the field."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from bot.directory.synthetic import (
    address,
    attributes,
    dutch,
    language,
    location,
    organization,
    phone,
    service_at_location,
    service_child,
)
from bot.hsds_profile import (
    AUDIENCE_LABELS,
    AUDIENCE_LINK,
    CATEGORY_LINK,
    TRANSLATIONS,
    taxonomy_terms,
)
from bot.lexicon import categories, commune_by_postcode, communes

FormValues = Mapping[str, list[str]]
Problems = dict[str, tuple[str, str]]  # form field -> (French, Dutch)

REGION = ("Région de Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest")
# The languages a service can be offered in, named in French and Dutch.
SPOKEN: dict[str, tuple[str, str]] = {
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
TEXT_LIMIT = 2000
NAME_LIMIT = 200
STATUSES = ("active", "inactive")


@dataclass
class ServiceFields:
    """What the form shows and sends, as text (a form's values)."""

    name_fr: str = ""
    name_nl: str = ""
    description_fr: str = ""
    description_nl: str = ""
    organization_fr: str = ""
    organization_nl: str = ""
    street_fr: str = ""
    street_nl: str = ""
    postcode: str = ""
    commune: str = ""
    phone: str = ""
    price: str = "0"
    minimum_age: str = ""
    maximum_age: str = ""
    status: str = "active"
    categories: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["fr", "nl"])

    @classmethod
    def from_form(cls, form: FormValues) -> ServiceFields:
        def one(name: str) -> str:
            value = str((form.get(name) or [""])[0])
            # A description keeps its line breaks; a short field is one line.
            return value.strip() if name.startswith("description") else " ".join(value.split())

        plain = {
            name: one(name)
            for name in cls.__dataclass_fields__
            if name not in ("categories", "audiences", "languages")
        }
        return cls(
            **plain,
            categories=list(dict.fromkeys(form.get("categories") or [])),
            audiences=list(dict.fromkeys(form.get("audiences") or [])),
            languages=list(dict.fromkeys(form.get("languages") or [])),
        )


def fields_of(service: dict[str, Any]) -> ServiceFields:
    """The form's fields of a stored service (the first place, phone and cost option)."""
    nl = service.get(TRANSLATIONS, {}).get("nl", {})
    org = service.get("organization") or {}
    place = _first_place(service)
    street = _first_address(place)
    phones = service.get("phones") or [{}]
    costs = service.get("cost_options") or [{}]
    links = service.get("attributes") or []
    terms = taxonomy_terms()

    def codes(link_type: str) -> list[str]:
        return [
            terms[link["taxonomy_term_id"]]["code"]
            for link in links
            if link.get("link_type") == link_type and link.get("taxonomy_term_id") in terms
        ]

    postcode = str(street.get("postal_code", ""))
    return ServiceFields(
        name_fr=service.get("name", ""),
        name_nl=nl.get("name", ""),
        description_fr=service.get("description", ""),
        description_nl=nl.get("description", ""),
        organization_fr=org.get("name", ""),
        organization_nl=org.get(TRANSLATIONS, {}).get("nl", {}).get("name", ""),
        street_fr=street.get("address_1", ""),
        street_nl=street.get(TRANSLATIONS, {}).get("nl", {}).get("address_1", ""),
        postcode=postcode,
        commune=commune_by_postcode().get(int(postcode), "") if postcode.isdigit() else "",
        phone=phones[0].get("number", ""),
        price=_price_text(costs[0].get("amount")),
        minimum_age=_age_text(service.get("minimum_age")),
        maximum_age=_age_text(service.get("maximum_age")),
        status=service.get("status", "active"),
        categories=codes(CATEGORY_LINK),
        audiences=codes(AUDIENCE_LINK),
        languages=[item.get("code", "") for item in service.get("languages") or []],
    )


def problems(fields: ServiceFields) -> Problems:
    """What is wrong with the form, by field; empty when it can be written."""
    found: Problems = {}
    for name, limit in (
        ("name_fr", NAME_LIMIT),
        ("name_nl", NAME_LIMIT),
        ("organization_fr", NAME_LIMIT),
        ("organization_nl", NAME_LIMIT),
        ("street_fr", NAME_LIMIT),
        ("street_nl", NAME_LIMIT),
        ("description_fr", TEXT_LIMIT),
        ("description_nl", TEXT_LIMIT),
    ):
        value = getattr(fields, name)
        if not value:
            found[name] = ("Ce champ est obligatoire.", "Dit veld is verplicht.")
        elif len(value) > limit:
            found[name] = (f"Maximum {limit} caractères.", f"Maximaal {limit} tekens.")
    found.update(_place_problems(fields))
    if not _phone(fields.phone):
        found["phone"] = (
            "Ce numéro n'est pas complet. Exemple : 02 123 45 67.",
            "Dit nummer is niet volledig. Voorbeeld: 02 123 45 67.",
        )
    if _amount(fields.price) is None:
        found["price"] = (
            "Indiquez un montant en euros (0 si c'est gratuit).",
            "Geef een bedrag in euro (0 als het gratis is).",
        )
    found.update(_age_problems(fields))
    if fields.status not in STATUSES:
        found["status"] = ("Choisissez un état.", "Kies een status.")
    if not fields.categories or not set(fields.categories) <= set(categories()):
        found["categories"] = ("Choisissez au moins une catégorie.", "Kies minstens één categorie.")
    if not set(fields.audiences) <= set(AUDIENCE_LABELS):
        found["audiences"] = ("Ce public n'existe pas.", "Deze doelgroep bestaat niet.")
    if not fields.languages or not set(fields.languages) <= set(SPOKEN):
        found["languages"] = ("Choisissez au moins une langue.", "Kies minstens één taal.")
    return found


def _place_problems(fields: ServiceFields) -> Problems:
    by_postcode = commune_by_postcode()
    if not fields.postcode.isdigit() or int(fields.postcode) not in by_postcode:
        return {
            "postcode": (
                "Ce code postal n'est pas dans la Région de Bruxelles-Capitale.",
                "Deze postcode ligt niet in het Brussels Hoofdstedelijk Gewest.",
            )
        }
    if fields.commune not in communes():
        return {"commune": ("Choisissez la commune.", "Kies de gemeente.")}
    if by_postcode[int(fields.postcode)] != fields.commune:
        commune = communes()[fields.commune]
        return {
            "postcode": (
                f"Ce code postal n'est pas à {commune.fr}.",
                f"Deze postcode ligt niet in {commune.nl}.",
            )
        }
    return {}


def _age_problems(fields: ServiceFields) -> Problems:
    found: Problems = {}
    ages = {}
    for name in ("minimum_age", "maximum_age"):
        text = getattr(fields, name)
        if text and (not text.isdigit() or int(text) > 120):
            found[name] = (
                "Indiquez un âge en années (un nombre entier).",
                "Geef een leeftijd in jaren (een geheel getal).",
            )
        elif text:
            ages[name] = int(text)
    if len(ages) == 2 and ages["minimum_age"] > ages["maximum_age"]:
        found["maximum_age"] = (
            "L'âge maximum est plus petit que l'âge minimum.",
            "De maximumleeftijd is kleiner dan de minimumleeftijd.",
        )
    return found


def write(
    fields: ServiceFields,
    schedules: list[dict[str, Any]],
    stored: dict[str, Any] | None,
    today: date,
    confirmed: bool,
    new_id: str | None = None,
) -> dict[str, Any]:
    """The HSDS service the form describes: `stored` with the form's fields written in, or
    a new service (with `new_id`, the id its schedules were written for). `confirmed` sets
    assured_date to today (a new service always is)."""
    record: dict[str, Any] = copy.deepcopy(stored) if stored else {"id": new_id or _new_id()}
    service_id = record["id"]
    record["name"] = fields.name_fr
    record["description"] = fields.description_fr
    record["status"] = fields.status
    translations = record.setdefault(TRANSLATIONS, {})
    translations.setdefault("nl", {}).update(name=fields.name_nl, description=fields.description_nl)
    if confirmed or stored is None:
        record["assured_date"] = today.isoformat()
    for name in ("minimum_age", "maximum_age"):
        text = getattr(fields, name)
        if text:
            record[name] = int(text)
        else:
            record.pop(name, None)
    _write_organization(record, fields)
    _write_place(record, fields)
    _write_phone(record, fields)
    _write_cost(record, fields)
    record["languages"] = [_language(record, code) for code in fields.languages if code in SPOKEN]
    record["schedules"] = schedules
    record["attributes"] = attributes(
        service_id,
        fields.categories,
        fields.audiences,
        lambda link_type, term: _kept_id(record, "attributes", "taxonomy_term_id", term["id"]),
    )
    return record


def _write_organization(record: dict[str, Any], fields: ServiceFields) -> None:
    existing = record.get("organization") or {}
    organization_id = existing.get("id") or record.get("organization_id") or _new_id()
    kept = copy.deepcopy(existing)
    kept.update(
        organization(
            organization_id,
            fields.organization_fr,
            existing.get("description") or fields.organization_fr,
            nl={
                "name": fields.organization_nl,
                "description": existing.get(TRANSLATIONS, {}).get("nl", {}).get("description")
                or fields.organization_nl,
            },
        )
    )
    record["organization_id"] = organization_id
    record["organization"] = kept


def _write_place(record: dict[str, Any], fields: ServiceFields) -> None:
    commune = communes()[fields.commune]
    links = record.get("service_at_locations") or []
    first = links[0] if links else {}
    place = first.get("location") or {}
    place_id = place.get("id") or _new_id()
    current = _first_address(place)
    street = address(
        current.get("id") or _new_id(),
        place_id,
        fields.street_fr,
        commune.fr,
        REGION[0],
        fields.postcode,
        nl={"address_1": fields.street_nl, "city": commune.nl, "state_province": REGION[1]},
    )
    others = [item for item in place.get("addresses") or [] if item.get("id") != street["id"]]
    new_place = copy.deepcopy(place)
    new_place.update(
        location(
            place_id,
            place.get("name") or fields.organization_fr,
            [street, *others],
            organization_id=record["organization_id"],
            nl_name=place.get(TRANSLATIONS, {}).get("nl", {}).get("name") or fields.organization_nl,
        )
    )
    link = service_at_location(first.get("id") or _new_id(), record["id"], new_place)
    record["service_at_locations"] = [link, *links[1:]]


def _write_phone(record: dict[str, Any], fields: ServiceFields) -> None:
    phones = record.get("phones") or []
    first_id = phones[0]["id"] if phones and phones[0].get("id") else _new_id()
    written = phone(first_id, record["id"], _phone(fields.phone) or fields.phone)
    kept = {**phones[0], **written} if phones else written
    record["phones"] = [kept, *phones[1:]]


def _write_cost(record: dict[str, Any], fields: ServiceFields) -> None:
    amount = _amount(fields.price) or 0.0
    costs = record.get("cost_options") or []
    first = costs[0] if costs else {}
    written = service_child(
        first.get("id") or _new_id(),
        record["id"],
        amount=amount,
        currency="EUR",
        option=first.get("option") or "Prix",
        **{TRANSLATIONS: first.get(TRANSLATIONS) or dutch(option="Prijs")},
    )
    record["cost_options"] = [{**first, **written}, *costs[1:]]


def _language(record: dict[str, Any], code: str) -> dict[str, Any]:
    fr, nl = SPOKEN[code]
    return language(_kept_id(record, "languages", "code", code), record["id"], code, fr, nl)


def _kept_id(record: dict[str, Any], array: str, key: str, value: str) -> str:
    """The id of the stored item of `array` whose `key` is `value` (a new id otherwise), so
    that an edit keeps the ids of what it did not change."""
    for item in record.get(array) or []:
        if item.get(key) == value and item.get("id"):
            return str(item["id"])
    return _new_id()


def _first_place(service: dict[str, Any]) -> dict[str, Any]:
    links = service.get("service_at_locations") or []
    return (links[0].get("location") or {}) if links else {}


def _first_address(place: dict[str, Any]) -> dict[str, Any]:
    addresses = place.get("addresses") or []
    physical = [item for item in addresses if item.get("address_type") == "physical"]
    return (physical or addresses or [{}])[0]


def _phone(text: str) -> str | None:
    """The number in international form (+32 2 123 45 67), or None when it is not one."""
    try:
        number = phonenumbers.parse(text, "BE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _amount(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").replace("€", "").strip() or "0")
    except ValueError:
        return None
    return value if 0 <= value < 100_000 else None


def _price_text(amount: Any) -> str:
    if amount is None:
        return "0"
    value = float(amount)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def _age_text(age: Any) -> str:
    return "" if age is None else str(int(age))


def _new_id() -> str:
    return str(uuid.uuid4())
