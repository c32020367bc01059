"""Build the SAMPLE local-activities directory, data/activities/sample-directory.json, from
data/activities/sample-sources.yml.

Every organisation, address and phone number in them is fictional: the files exist for demos
and tests, never to refer a tenant. The services are HSDS 3.0 dereferenced service objects
in the project's Brussels profile (data/activities/README.md): French in the standard fields,
Dutch in `translations.nl`, times local to Europe/Brussels, categories and audiences as
attributes linking the two local taxonomies. The HSDS objects are made by the builders of
bot/directory/synthetic.py. The output is deterministic (random.Random with the sources'
seed, UUID-5 ids), so running the script twice gives the same file.

    PYTHONPATH=. .venv-gateway/bin/python scripts/build_sample_directory.py           # write
    PYTHONPATH=. .venv-gateway/bin/python scripts/build_sample_directory.py --check   # verify
    PYTHONPATH=. .venv-gateway/bin/python scripts/build_sample_directory.py --stats   # tables
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.directory import synthetic as hsds
from bot.hsds_profile import TRANSLATIONS
from bot.lexicon import communes
from scripts.sample_directory_checks import demo_critical, problems, service_communes, stats
from scripts.sample_directory_sources import (
    ROOT,
    SOURCES,
    Activity,
    Fee,
    Organisation,
    Slot,
    Sources,
    Text,
)

OUTPUT = ROOT / "data" / "activities" / "sample-directory.json"
Record = hsds.Record
sample_id = hsds.id_maker("sample")


@dataclass(frozen=True)
class Place:
    """A location with its address; shared by the services given there."""

    slug: str
    record: Record


@dataclass
class Builder:
    """Turns the sources into service records, drawing every choice from one rng."""

    sources: Sources
    rng: random.Random

    def org_services(self, number: int, org: Organisation) -> list[Record]:
        """The services of the `number`th organisation, with one phone number and its places."""
        line = self.rng.randint(10, 99)
        phone = self.sources.texts["phone"].format(organisation=number, line=line)
        home = self.place(org, org.commune, org.street, antenna=False)
        places = {key: [home] for key in org.activities}
        if org.antenna:
            antenna = self.place(org, org.antenna.commune, org.antenna.street, antenna=True)
            for key in org.antenna.activities:
                places[key].append(antenna)
        return [self.service(org, key, places[key], phone) for key in org.activities]

    def organization(self, org: Organisation) -> Record:
        kind = self.sources.kinds[org.kind]
        name = kind.get("name", self.sources.texts["organisation"])
        return hsds.organization(
            sample_id("organization", org.slug),
            name["fr"].format(name=org.name["fr"]),
            kind["about"]["fr"],
            nl={"name": name["nl"].format(name=org.name["nl"]), "description": kind["about"]["nl"]},
        )

    def place(self, org: Organisation, commune_id: str, street: Text, antenna: bool) -> Place:
        texts, commune = self.sources.texts, communes()[commune_id]
        slug = f"{org.slug}-{commune_id}" if antenna else org.slug
        location_id = sample_id("location", slug)
        number = self.rng.randint(2, 160)
        postcode = org.postcode if org.postcode and not antenna else commune.postcodes[0]
        kind = self.sources.kinds[org.kind]["place"]

        def name(language: str) -> str:
            place = texts["place"].format(kind=kind[language], organisation=org.name[language])
            if not antenna:
                return place
            return texts["antenna"][language].format(place=place, commune=commune.name(language))

        def text(language: str) -> dict[str, str]:
            return {
                "address_1": texts["address"].format(street=street[language], number=number),
                "city": commune.name(language),
                "state_province": texts["region"][language],
            }

        address = hsds.address(
            sample_id("address", slug),
            location_id,
            **text("fr"),
            postal_code=str(postcode),
            nl=text("nl"),
        )
        record = hsds.location(
            location_id, name("fr"), [address], sample_id("organization", org.slug), name("nl")
        )
        return Place(slug, record)

    def service(self, org: Organisation, key: str, places: list[Place], phone: str) -> Record:
        sources, activity = self.sources, self.sources.activities[key]
        slug = f"{org.slug}-{key.replace('_', '-')}"
        service_id = sample_id("service", slug)
        organization = self.organization(org)
        fee = sources.fees[self.rng.choice(activity.fees)]
        slots = [Slot.parse(text) for text in self.rng.choice(activity.slots)]
        name = sources.each(
            lambda language: sources.texts["service"].format(
                activity=activity.name[language], organisation=org.name[language]
            )
        )
        fees_text, rule = sources.fees_text(activity, fee), sources.eligibility(activity)
        low, high = activity.ages
        record = hsds.present(
            id=service_id,
            organization_id=organization["id"],
            name=name["fr"],
            description=activity.description["fr"],
            status="active",
            minimum_age=low,
            maximum_age=high,
            fees_description=fees_text["fr"],
            eligibility_description=rule["fr"] if rule else None,
            assured_date=self.assured_date(),
        )
        record[TRANSLATIONS] = hsds.dutch(
            **hsds.present(
                name=name["nl"],
                description=activity.description["nl"],
                fees_description=fees_text["nl"],
                eligibility_description=rule["nl"] if rule else None,
            )
        )
        record["organization"] = organization
        record["phones"] = [hsds.phone(sample_id("phone", slug), service_id, phone)]
        language_codes = dict.fromkeys([*activity.languages, *org.languages])
        record["languages"] = [
            hsds.language(sample_id("language", slug, code), service_id, code, **self.named(code))
            for code in language_codes
        ]
        record["cost_options"] = [self.cost_option(service_id, slug, fee)]
        record["schedules"] = [
            self.schedule(service_id, slug, index, slot, activity)
            for index, slot in enumerate(slots)
        ]
        record["service_at_locations"] = [
            hsds.service_at_location(
                sample_id("service_at_location", slug, place.slug), service_id, place.record
            )
            for place in places
        ]
        record["attributes"] = hsds.attributes(
            service_id,
            activity.categories,
            activity.audiences,
            lambda link_type, term: sample_id("attribute", slug, link_type, term["code"]),
        )
        return record

    def named(self, code: str) -> dict[str, str]:
        """A language's name and Dutch name, as `hsds.language` takes them."""
        names = self.sources.languages[code]
        return {"name": names["fr"], "nl_name": names["nl"]}

    @staticmethod
    def cost_option(service_id: str, slug: str, fee: Fee) -> Record:
        return hsds.service_child(
            sample_id("cost_option", slug),
            service_id,
            option=fee.option["fr"],
            amount=fee.amount,
            currency="EUR",
            amount_description=fee.per["fr"],
            **{TRANSLATIONS: hsds.dutch(option=fee.option["nl"], amount_description=fee.per["nl"])},
        )

    def schedule(
        self, service_id: str, slug: str, index: int, slot: Slot, activity: Activity
    ) -> Record:
        period = self.sources.periods[activity.period]
        text = self.sources.schedule_text(slot, activity)
        monthly = slot.monthday is not None
        return hsds.service_child(
            sample_id("schedule", slug, str(index)),
            service_id,
            freq="MONTHLY" if monthly else "WEEKLY",
            interval=activity.interval,
            bymonthday=str(slot.monthday) if monthly else None,
            byday=None if monthly else slot.byday,
            opens_at=slot.opens,
            closes_at=slot.closes,
            dtstart=slot.first_date(period["from"]),
            valid_from=period["from"],
            valid_to=period.get("to"),
            description=text["fr"],
            **{TRANSLATIONS: hsds.dutch(description=text["nl"])},
        )

    def assured_date(self) -> str:
        start, end = (dt.date.fromisoformat(self.sources.assured_dates[e]) for e in ("from", "to"))
        return (start + dt.timedelta(days=self.rng.randint(0, (end - start).days))).isoformat()


def mark_filtered(services: list[Record], rng: random.Random, filtered: dict[str, Any]) -> None:
    """A few inactive services and a few whose information is old, to test the search filters."""
    per_commune = Counter(c for service in services for c in service_communes(service))
    eligible = [
        s
        for s in services
        if not demo_critical(s) and min(per_commune[c] for c in service_communes(s)) >= 5
    ]
    inactive = filtered["inactive"]
    chosen = rng.sample(eligible, inactive + filtered["stale"])
    for service in chosen[:inactive]:
        service["status"] = "inactive"
    for service in chosen[inactive:]:
        service["assured_date"] = filtered["stale_date"]


def build(sources: Sources) -> dict[str, Any]:
    rng = random.Random(sources.seed)
    builder = Builder(sources, rng)
    services = [
        service
        for number, org in enumerate(sources.organisations, start=1)
        for service in builder.org_services(number, org)
    ]
    mark_filtered(services, rng, sources.filtered)
    return {"metadata": sources.metadata, "services": services}


def render(directory: dict[str, Any]) -> str:
    return json.dumps(directory, ensure_ascii=False, indent=1) + "\n"


def check(sources: Sources, path: Path) -> list[str]:
    """Every problem of the written file, and whether it is what build() makes today."""
    text = path.read_text(encoding="utf-8")
    found = problems(json.loads(text), sources)
    if text != render(build(sources)):
        found.append(f"{path.name} is out of date: run the script again")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="verify the written file")
    group.add_argument("--stats", action="store_true", help="print counts as Markdown tables")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the YAML to read")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the JSON to write")
    args = parser.parse_args(argv)
    sources = Sources.read(args.sources)
    if args.stats:
        print(stats(json.loads(args.output.read_text(encoding="utf-8")), sources))
        return 0
    if not args.check:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(render(build(sources)), encoding="utf-8")
        output = args.output.resolve()
        print(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    found = check(sources, args.output)
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
