"""Composing the demonstration partnership's organisations: the core partners, then towns' organisations."""

from __future__ import annotations

from datetime import timedelta

from locality.domain.vocabulary import VocabularyKind
from locality.services.demo_setting import CORE_ORGANISATIONS, ORGANISATION_TEMPLATES, PLAN_START, TOWNS
from locality.services.demo_state import ComposedOrg, DemoState, new_uuid, slug, stamp_at


class OrganisationComposer(DemoState):
    def _organisations(self) -> None:
        rng = self.rng
        wanted = self.size.organisations
        specs: list[tuple[str, str, str, str, str, str, bool]] = [(*spec, True) for spec in CORE_ORGANISATIONS[:wanted]]
        if len(specs) < wanted:
            taken = {spec[0] for spec in specs}
            combos = [(template, town) for template in ORGANISATION_TEMPLATES for town in TOWNS]
            rng.shuffle(combos)
            for (name_tpl, short_tpl, type_name, sector, suffix), town in combos:
                if len(specs) >= wanted:
                    break
                name = name_tpl.format(town=town)
                if name in taken:
                    continue
                taken.add(name)
                domain = f"{slug(name)}.{suffix}"
                specs.append((name, short_tpl.format(town=town), type_name, sector, domain, "", False))
        plan_day = stamp_at(PLAN_START - timedelta(days=30), 9)
        for index, (name, short, type_name, sector, domain, notes, core) in enumerate(specs):
            org_id = new_uuid(rng)
            first, last, contact = self._person()
            has_contact = core or rng.random() < 0.85
            email = f"{first}.{last.replace(chr(39), '')}@{domain}".lower() if has_contact else ""
            created = plan_day + timedelta(minutes=index)
            self.rows["organisation"].append(
                {
                    "id": org_id,
                    "name": name,
                    "short_name": short,
                    "type_id": self.vocabulary.term(VocabularyKind.ORGANISATION_TYPE, type_name),
                    "sector_id": self.vocabulary.term(VocabularyKind.SECTOR, sector),
                    "contact_name": contact if has_contact else "",
                    "contact_email": email,
                    "notes": notes,
                    "active": True,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            org = ComposedOrg(org_id, name, short or name, type_name, contact if has_contact else "", core, domain)
            self.orgs.append(org)
            self.org_by_id[org_id] = org
        self.owner_id = self.orgs[0].id if self.orgs else None
