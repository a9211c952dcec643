"""In a real browser: an administrator reset a user's password; at the next login the user is taken to the
password page, chooses their own and lands where they asked to go."""

from __future__ import annotations

from sqlmodel import select

from api import auth
from inventory.db import session_scope
from inventory.models import User
from tests.web.conftest import PASSWORD, login, new_context, shot

NEW = "Browser-Chosen-77!"


def test_reset_user_chooses_a_password_in_the_browser(browser, web, net) -> None:
    with session_scope(web.engine, actor="test") as s:
        if s.exec(select(User).where(User.username == "b-reset")).first() is None:
            auth.create_user(s, "b-reset", PASSWORD, "engineer", "test")
        user = s.exec(select(User).where(User.username == "b-reset")).one()
        sec = s.exec(select(User).where(User.role == "secadmin")).first()
        auth.set_password(s, user, PASSWORD, reset_by=auth.Principal(sec.id, sec.username, sec.role, "token"))
    ctx = new_context(browser, web, net)
    try:
        page = ctx.new_page()
        login(page, web, "b-reset", next_path="/devices")
        assert "/account/password" in page.url
        assert page.locator("#password-forced").is_visible()
        page.goto(f"{web.base}/map")  # any other page sends them back
        assert "/account/password" in page.url
        page.fill("input[name=current_password]", PASSWORD)
        page.fill("input[name=new_password]", NEW)
        page.fill("input[name=confirm_password]", NEW + "?")
        page.click("#password-form button[type=submit]")
        page.wait_for_load_state("load")
        assert page.locator("p.error").inner_text().startswith("两次输入的新口令不一致")
        shot(page, "password-mismatch")
        page.fill("input[name=current_password]", PASSWORD)
        page.fill("input[name=new_password]", NEW)
        page.fill("input[name=confirm_password]", NEW)
        page.click("#password-form button[type=submit]")
        page.wait_for_load_state("load")
        assert page.url.endswith("/map")
        assert page.locator("a.account").count() == 1
    finally:
        ctx.close()
    with session_scope(web.engine) as s:
        assert s.exec(select(User).where(User.username == "b-reset")).one().must_change_password is False
