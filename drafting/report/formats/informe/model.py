"""What an informe holds beyond the common report: the generated opening and the lead-in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InformeContent:
    """`Report.content` of an informe (reference 001/002)."""

    opening: str  # generated paragraph: who met, when, where, participants
    lead_in: str  # "La Red somete a consideración del ... su informe ..."
