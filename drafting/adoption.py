"""Adoption rules: when is a point adopted?

The rule is pluggable per meeting (`meeting rule: consensus`). What we decided, following diplomatic
practice in the CRM networks:

* consensus (default): a point is adopted when no delegation objects and every *participating*
  member delegation - one with at least one admitted delegate - has approved or abstained, with at
  least one approval. Delegations that never joined the chat are absent: they neither block nor
  count, as a delegation that does not attend a session does not block its consensus. The secretariat
  controls who participates by whom it invites.
* unanimity: every member delegation, joined or not, has approved or abstained, with at least one
  approval. For texts that must carry every member's explicit word.
* Under both, a silence procedure adopts the point at its deadline if no delegation objects then,
  whatever positions are missing: silence is consent.
* Under every rule, a point whose text (or a live sub-point's) still holds a square bracket is not
  adopted: its text is not agreed yet. Positions can still be taken; the card says why it waits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from drafting.brackets import open_count
from drafting.model import Stance


@dataclass(frozen=True)
class Tally:
    approve: frozenset[int]
    object: frozenset[int]
    abstain: frozenset[int]
    pending: frozenset[int]  # participating member delegations with no position yet
    absent: frozenset[int]  # member delegations nobody has joined for

    @classmethod
    def count(
        cls, stances: Mapping[int, Stance], members: Iterable[int], participating: Iterable[int]
    ) -> Tally:
        member_set = set(members)
        present = set(participating) & member_set
        by: dict[Stance, set[int]] = {s: set() for s in Stance}
        for delegation, stance in stances.items():
            if delegation in member_set:
                by[stance].add(delegation)
        taken = set(stances) & member_set
        return cls(
            approve=frozenset(by[Stance.APPROVE]),
            object=frozenset(by[Stance.OBJECT]),
            abstain=frozenset(by[Stance.ABSTAIN]),
            pending=frozenset(present - taken),
            absent=frozenset(member_set - present - taken),
        )


class AdoptionRule(Protocol):
    @property
    def name(self) -> str: ...

    def adopted(self, tally: Tally, *, silence_expired: bool = False) -> bool: ...


@dataclass(frozen=True)
class Consensus:
    name: str = "consensus"

    def adopted(self, tally: Tally, *, silence_expired: bool = False) -> bool:
        if tally.object:
            return False
        if silence_expired:
            return True
        return not tally.pending and bool(tally.approve)


@dataclass(frozen=True)
class Unanimity:
    name: str = "unanimity"

    def adopted(self, tally: Tally, *, silence_expired: bool = False) -> bool:
        if tally.object:
            return False
        if silence_expired:
            return True
        return not tally.pending and not tally.absent and bool(tally.approve)


RULES: Mapping[str, AdoptionRule] = {
    "consensus": Consensus(),
    "consenso": Consensus(),
    "unanimity": Unanimity(),
    "unanimidad": Unanimity(),
}


def brackets_holding(point_text: str, sub_texts: Iterable[str]) -> int:
    """The open brackets that keep a point from adoption, in its text and its live sub-points'."""
    return open_count([point_text, *sub_texts])


def rule_named(name: str) -> AdoptionRule:
    return RULES.get(name.casefold(), RULES["consensus"])
