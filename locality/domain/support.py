"""The support directory: who offers improvement support, and what each offers.

A provider (the improvement agency, a regional partnership, a centre of excellence, a peer council...) has offers:
a kind of support (peer challenge, mentoring...), the themes it serves, the level it is delivered at, a typical
cost and duration, who may have it, and its own web address. An action commissioned from an offer names it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from locality.domain.errors import ValidationError
from locality.domain.values import is_invisible

#: Web addresses a user may follow from the app; anything else (javascript:, file:, data:...) is refused.
WEB_SCHEMES = frozenset({"http", "https"})
MAX_WEB_ADDRESS = 2000
#: The longest an offer may last: ten years, in days.
MAX_DURATION_DAYS = 3650


@dataclass(frozen=True)
class ProviderDraft:
    """What the user enters for a support provider."""

    name: str
    kind_id: uuid.UUID | None = None  # a "support provider" vocabulary term: IDeA, Peer councils, Commercial...
    region: str = ""
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""
    notes: str = ""
    active: bool = True


@dataclass(frozen=True)
class OfferDraft:
    """What the user enters for one of a provider's offers."""

    provider_id: uuid.UUID
    title: str
    support_type_id: uuid.UUID | None = None
    delivery_level_id: uuid.UUID | None = None
    theme_ids: tuple[uuid.UUID, ...] = ()
    typical_cost_pence: int | None = None
    duration_days: int | None = None
    eligibility: str = ""
    url: str = ""
    notes: str = ""
    active: bool = True


@dataclass(frozen=True)
class SupportProvider:
    id: uuid.UUID
    version: int
    name: str
    kind_id: uuid.UUID | None
    kind_name: str
    region: str  # "" when none is given
    website: str
    # Personal data: left out of every export unless confidential content is asked for.
    contact_name: str
    contact_email: str
    notes: str
    active: bool
    offer_count: int = 0  # its live offers

    def as_draft(self) -> ProviderDraft:
        return ProviderDraft(
            name=self.name,
            kind_id=self.kind_id,
            region=self.region,
            website=self.website,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            notes=self.notes,
            active=self.active,
        )


@dataclass(frozen=True)
class SupportOffer:
    id: uuid.UUID
    version: int
    provider_id: uuid.UUID
    provider_name: str
    provider_kind_id: uuid.UUID | None  # the provider's kind: what an action started from the offer records
    provider_kind_name: str
    provider_active: bool
    title: str
    support_type_id: uuid.UUID | None
    support_type_name: str
    delivery_level_id: uuid.UUID | None
    delivery_level_name: str
    theme_ids: tuple[uuid.UUID, ...]
    theme_names: tuple[str, ...]  # full names ("Service improvement: Housing"), in the order themes are listed
    typical_cost_pence: int | None
    duration_days: int | None
    eligibility: str
    url: str
    notes: str
    active: bool

    def as_draft(self) -> OfferDraft:
        return OfferDraft(
            provider_id=self.provider_id,
            title=self.title,
            support_type_id=self.support_type_id,
            delivery_level_id=self.delivery_level_id,
            theme_ids=self.theme_ids,
            typical_cost_pence=self.typical_cost_pence,
            duration_days=self.duration_days,
            eligibility=self.eligibility,
            url=self.url,
            notes=self.notes,
            active=self.active,
        )


def web_address(text: str | None, field: str, label: str = "The web address") -> str:
    """``text`` as a web address that is safe to open: http or https with a host, "" when blank. An address
    typed without its scheme ("www.local.gov.uk/...") is taken as https; any other scheme is refused, so that a
    crafted ``javascript:`` or ``file:`` address imported or merged in can never be opened from the app."""
    address = (text or "").strip()
    if not address:
        return ""
    if len(address) > MAX_WEB_ADDRESS:
        raise ValidationError({field: f"{label} is too long; keep it to {MAX_WEB_ADDRESS} characters."})
    if any(character.isspace() or is_invisible(character) for character in address):
        raise ValidationError({field: f"{label} cannot contain spaces or hidden characters."})
    if "://" not in address and ":" not in address.split("/", 1)[0]:
        address = "https://" + address
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme.lower() not in WEB_SCHEMES or not host or "." not in host.strip("."):
        raise ValidationError(
            {field: f"{label} must be a web page starting http:// or https://, like https://www.local.gov.uk."}
        )
    return address


def is_web_address(text: str) -> bool:
    """Whether ``text`` is an http(s) address the app may open (what ``web_address`` accepts, as stored)."""
    try:
        return bool(text) and web_address(text, "url") == text
    except ValidationError:
        return False
