"""The demo's support directory: the bodies a Midlands partnership of the late 2000s would turn to for improvement
support — the improvement agency and its regional associate, the regional improvement and efficiency partnership,
centres of excellence, the audit body, the LGA, peer councils, the county's voluntary sector infrastructure bodies,
a consultancy or two and the county's own team — with their offers, and the demo actions commissioned from them.

An action whose type is a kind of support an offer gives (a peer challenge, mentoring, training...) is, more often
than not, commissioned from an offer of that kind serving its theme: its ``offer_id`` names the offer and its
provider becomes the offer's provider's kind, so that the evidence of what works has finished actions per offer,
provider and kind of support to group. No action is added, so every demo size keeps its stated numbers.

Rows are composed as plain dicts, like the rest of the demo (``services.demo``), from a generator of their own so
that the rest of the partnership stays as each seed has always made it.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta
from typing import Any

from locality.domain.vocabulary import VocabularyKind
from locality.paths import resource
from locality.services.demo_setting import FIRST_NAMES, PLAN_START, SURNAMES
from locality.services.demo_state import DemoVocabulary, Row, new_uuid, stamp_at

# How often an action of a kind an offer gives is commissioned from one that serves its theme.
COMMISSIONED_SHARE = 0.6

# The directory's rows are data (resources/demo/support_directory.json), read when the demo is first made:
# providers as (name, kind of provider, region, website's domain, notes), offers as (provider, title, kind of
# support, themes, delivery level, typical cost in pounds or None, duration in days or None, eligibility).
_DIRECTORY: dict[str, Any] = json.loads(resource("demo", "support_directory.json").read_text(encoding="utf-8"))
PROVIDERS: tuple[tuple[str, str, str, str, str], ...] = tuple(tuple(row) for row in _DIRECTORY["providers"])
OFFERS: tuple[tuple[str, str, str, tuple[str, ...], str, int | None, int | None, str], ...] = tuple(
    (provider, title, support, tuple(themes), level, cost, days, eligibility)
    for provider, title, support, themes, level, cost, days, eligibility in _DIRECTORY["offers"]
)

# The kind of support each action type would be commissioned as (types with none are the partners' own work).
SUPPORT_FOR_ACTION_TYPE: dict[str, str] = {
    "Peer challenge or review": "Peer challenge",
    "Leadership development": "Training",
    "Member development / scrutiny skills": "Training",
    "Training and skills": "Training",
    "Shared service": "Shared service design",
    "Joint commissioning": "Shared service design",
    "Secondment or mentoring": "Mentoring",
    "Consultancy or advice": "Consultancy",
}


def add_support_directory(rows: dict[str, list[Row]], seed: int, vocabulary: DemoVocabulary) -> None:
    """Adds the directory's providers, offers and offer themes to ``rows`` (the demo's rows by table), in place,
    and records on some actions the offer they were commissioned from."""
    rng = random.Random(f"support directory {seed}")
    listed = PLAN_START - timedelta(days=60)
    created = stamp_at(listed, 10)
    provider_rows = rows.setdefault("support_provider", [])
    offer_rows = rows.setdefault("support_offer", [])
    theme_rows = rows.setdefault("support_offer_theme", [])
    providers: dict[str, Row] = {}
    for name, kind, region, domain, notes in PROVIDERS:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        row: Row = {
            "id": new_uuid(rng),
            "name": name,
            "kind_id": vocabulary.term(VocabularyKind.PROVIDER, kind),
            "region": region or None,
            "website": f"https://www.{domain}",
            "contact_name": f"{first} {last}",
            "contact_email": f"{first}.{last.replace(chr(39), '')}@{domain}".lower(),
            "notes": notes,
            "active": True,
            "created_at": created,
            "updated_at": created,
        }
        provider_rows.append(row)
        providers[name] = row

    parents = {theme_id: parent_id for theme_id, parent_id in vocabulary.themes.values()}
    # The offers of each kind of support, with the themes each serves (and those themes' parents).
    by_support: dict[str, list[tuple[Row, Row, set[uuid.UUID]]]] = {}
    for provider_name, title, support, themes, level, cost, days, eligibility in OFFERS:
        provider = providers[provider_name]
        offer_id = new_uuid(rng)
        page = "".join(character for character in title.lower() if character.isalnum() or character == " ")
        offer: Row = {
            "id": offer_id,
            "provider_id": provider["id"],
            "title": title,
            "support_type_id": vocabulary.term(VocabularyKind.SUPPORT_TYPE, support),
            "delivery_level_id": vocabulary.term(VocabularyKind.DELIVERY_LEVEL, level),
            "typical_cost_pence": None if cost is None else cost * 100,
            "duration_days": days,
            "eligibility": eligibility,
            "url": f"{provider['website']}/{'-'.join(page.split())}",
            "notes": "",
            "active": True,
            "created_at": created,
            "updated_at": created,
        }
        offer_rows.append(offer)
        served: set[uuid.UUID] = set()
        for theme in themes:
            found = vocabulary.themes.get(theme)
            if found is None:  # a seeded theme renamed or retired in this workspace
                continue
            theme_rows.append(
                {
                    "id": new_uuid(rng),
                    "offer_id": offer_id,
                    "theme_id": found[0],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            served.add(found[0])
        by_support.setdefault(support, []).append((offer, provider, served))

    type_names = {term_id: name for (kind, name), term_id in vocabulary.terms.items() if kind == "action_type"}
    support_of_type = {
        term_id: SUPPORT_FOR_ACTION_TYPE.get(_seeded_name(name), "") for term_id, name in type_names.items()
    }
    for action in rows.get("action", []):
        type_id = action.get("type_id")
        support = support_of_type.get(type_id, "") if type_id is not None else ""
        if not support or rng.random() >= COMMISSIONED_SHARE:
            continue
        theme_id = action.get("theme_id")
        if theme_id is None:
            continue
        wanted = {theme_id, parents.get(theme_id)}  # its theme, or the theme its service area sits under
        fitting = [(offer, provider) for offer, provider, served in by_support.get(support, ()) if wanted & served]
        if not fitting:
            continue
        offer, provider = rng.choice(fitting)
        action["offer_id"] = offer["id"]
        action["provider_id"] = provider["kind_id"]


def _seeded_name(normalised: str) -> str:
    """The action type's name as ``SUPPORT_FOR_ACTION_TYPE`` spells it, from the normalised form the demo's
    vocabulary keys terms by."""
    for name in SUPPORT_FOR_ACTION_TYPE:
        if " ".join(name.split()).casefold() == normalised:
            return name
    return ""
