"""The 等保 level-3 audit of every stored device as an answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit.catalogue import load_catalogue
from audit.service import AuditReport, audit_city

if TYPE_CHECKING:
    from .snapshot import Answers


def report(a: Answers) -> AuditReport:
    return a._answer("compliance", (), lambda: audit_city(a.session, catalogue=load_catalogue()))
