"""The demo's workshop board: the most recent demo workshop gets the board a facilitator would have left behind.

Its sticky notes are the needs raised on the day (identified on the workshop's date, so the notes created them)
and the earlier needs the room linked to "same as", in theme columns; its dots were clicked for each
participant, within the five each, leaning to their own organisation's needs; and the two actions the room
agreed are existing demo actions that address its top-ranked needs and start after it. No need or action is
added, so every demo size keeps its stated numbers.

Rows are composed as plain dicts, like the rest of the demo (``services.demo``), from a generator of their own
so that the rest of the partnership stays as each seed has always made it.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from locality.services.demo_state import Row, new_uuid, stamp_at

DOTS_EACH = 5
MOST_NOTES = 14
AGREED = 2
WORKSHOP_NOTES = (
    "Needs captured on sticky notes by theme, linked to existing needs where the room said they were the same; "
    "five dots each, clicked in for every participant; two actions agreed from the top of the ranking."
)


def add_workshop_board(rows: dict[str, list[Row]], seed: int) -> None:
    """Adds the board of the most recent workshop in ``rows`` (the demo's rows by table), in place; every other
    workshop gets a purpose. Does nothing when there is no workshop or no need."""
    rng = random.Random(f"workshop board {seed}")
    workshops = [row for row in rows.get("workshop", []) if row.get("held_on")]
    for workshop in workshops:
        workshop.setdefault("purpose", f"Capture and prioritise the partners' needs: {workshop['title']}")
    if not workshops or not rows.get("need"):
        return
    workshop = max(workshops, key=lambda row: (row["held_on"], str(row["id"])))
    held_on: date = workshop["held_on"]
    workshop["notes"] = WORKSHOP_NOTES
    workshop["dots_per_participant"] = DOTS_EACH
    rows.setdefault("workshop_note", [])
    rows.setdefault("workshop_action", [])

    needs = {row["id"]: row for row in rows["need"]}
    links: dict[uuid.UUID, list[Row]] = {}
    for link in rows["need_organisation"]:
        links.setdefault(link["need_id"], []).append(link)
    people = [row for row in rows["workshop_participant"] if row["workshop_id"] == workshop["id"]]
    present = {person["organisation_id"] for person in people}

    # The notes: needs raised on the day first, then earlier needs the room voted on ("same as" links).
    raised = [row for row in rows["need"] if row["identified_on"] == held_on]
    old_votes = [row for row in rows["workshop_vote"] if row["workshop_id"] == workshop["id"]]
    voted = list(dict.fromkeys(vote["need_id"] for vote in old_votes if needs[vote["need_id"]] not in raised))
    chosen = [(need, False) for need in raised] + [(needs[need_id], True) for need_id in voted]
    chosen = chosen[:MOST_NOTES]
    if not chosen:
        return
    positions: dict[uuid.UUID | None, int] = {}
    stamp = stamp_at(held_on, 10)
    board: list[uuid.UUID] = []
    for number, (need, existing) in enumerate(chosen):
        need_links = links.get(need["id"], [])
        in_room = [link["organisation_id"] for link in need_links if link["organisation_id"] in present]
        organisation = in_room[0] if in_room else (need_links[0]["organisation_id"] if need_links else None)
        theme = need["theme_id"]
        position = positions.get(theme, 0)
        positions[theme] = position + 1
        at = stamp + timedelta(minutes=3 * number)
        rows["workshop_note"].append(
            {
                "id": new_uuid(rng),
                "workshop_id": workshop["id"],
                "title": need["title"],
                "organisation_id": organisation,
                "theme_id": theme,
                "position": position,
                "need_id": need["id"],
                "linked_existing": existing,
                "created_at": at,
                "updated_at": at,
            }
        )
        board.append(need["id"])

    # The dots: the old per-organisation tallies give way to each participant's five clicked dots.
    rows["workshop_vote"] = [row for row in rows["workshop_vote"] if row["workshop_id"] != workshop["id"]]
    # A few needs catch the room's eye, so that the ranking has a clear top.
    appeal = {need_id: rng.choice((1, 1, 2, 3, 5)) for need_id in board}
    dots: dict[uuid.UUID, int] = {}
    vote_time = stamp_at(held_on, 14)
    for person in people:
        own = [
            need_id
            for need_id in board
            if any(link["organisation_id"] == person["organisation_id"] for link in links.get(need_id, []))
        ]
        for dot in range(DOTS_EACH):
            pool = own if own and rng.random() < 0.4 else board
            need_id = rng.choices(pool, weights=[appeal[item] for item in pool])[0]
            dots[need_id] = dots.get(need_id, 0) + 1
            at = vote_time + timedelta(seconds=20 * len(rows["workshop_vote"]) + dot)
            rows["workshop_vote"].append(
                {
                    "id": new_uuid(rng),
                    "workshop_id": workshop["id"],
                    "need_id": need_id,
                    "organisation_id": person["organisation_id"],
                    "participant_id": person["id"],
                    "dots": 1,
                    "created_at": at,
                    "updated_at": at,
                }
            )

    # The agreed actions: existing actions addressing the top needs, started on or after the day.
    ranked = sorted(dots, key=lambda need_id: (-dots[need_id], str(need_id)))
    actions = {row["id"]: row for row in rows["action"]}
    agreed: list[uuid.UUID] = []
    for need_id in ranked:
        for link in rows["action_need"]:
            action = actions.get(link["action_id"])
            if link["need_id"] != need_id or action is None or action["id"] in agreed:
                continue
            if (action.get("start_on") or held_on) >= held_on:
                agreed.append(action["id"])
                break
        if len(agreed) == AGREED:
            break
    for number, action_id in enumerate(agreed):
        at = stamp_at(held_on, 16, 10 * number)
        rows["workshop_action"].append(
            {
                "id": new_uuid(rng),
                "workshop_id": workshop["id"],
                "action_id": action_id,
                "created_at": at,
                "updated_at": at,
            }
        )
