"""A security policy belongs to its database: two databases served by one process (as the tests do, and as a
second `serve` on the same host may) never see each other's policy, even through the settings cache."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from api import auth

from .conftest import clone


def test_one_databases_policy_is_not_anothers(tmp_path_factory: pytest.TempPathFactory) -> None:
    strict, plain = clone("sqlite", tmp_path_factory), clone("sqlite", tmp_path_factory)
    try:
        with Session(plain.engine) as s:
            assert auth.get_settings(s, "security")["password_min_length"] == 10  # cached for plain
        with Session(strict.engine) as s:
            auth.update_settings(s, "security", {"password_min_length": 26}, "test")
            s.commit()
            assert auth.get_settings(s, "security")["password_min_length"] == 26
        with Session(plain.engine) as s:
            assert auth.get_settings(s, "security")["password_min_length"] == 10
            auth.check_password_policy(s, "someone", "Ten-chars1")  # long enough here, refused there
        with Session(strict.engine) as s, pytest.raises(Exception, match="at least 26 characters"):
            auth.check_password_policy(s, "someone", "Ten-chars1")
    finally:
        for env in (strict, plain):
            env.client.close()
            env.engine.dispose()
