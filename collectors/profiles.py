"""Kept only for `audit/export/pack.py`, which another branch of issue 13 is rewriting: the profiles
and their loader live in `collectors.platforms`. Import from there; this module goes when pack.py does."""

from __future__ import annotations

from collectors.platforms import Command, Profile, ProfileError, load_profile
from collectors.platforms import names as _names


def platforms() -> list[str]:
    return list(_names())


__all__ = ["Command", "Profile", "ProfileError", "load_profile", "platforms"]
