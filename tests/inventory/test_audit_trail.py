"""Every change through the inventory's own session leaves an audit-trail row."""

from __future__ import annotations

from sqlmodel import select

from inventory.db import session_scope
from inventory.models import ChangeLog, Room


def test_create_update_delete_are_recorded(engine) -> None:
    with session_scope(engine, actor="alice", request_id="req-1", remote_addr="127.0.0.1") as s:
        room = Room(code="TEST", name="测试机房")
        s.add(room)
    with session_scope(engine, actor="bob") as s:
        room = s.exec(select(Room).where(Room.code == "TEST")).one()
        room.name = "测试机房二"
        s.add(room)
    with session_scope(engine, actor="carol") as s:
        s.delete(s.exec(select(Room).where(Room.code == "TEST")).one())
    with session_scope(engine) as s:
        rows = list(s.exec(select(ChangeLog).where(ChangeLog.object_type == "room").order_by(ChangeLog.id)))
    assert [(r.actor, r.action) for r in rows] == [("alice", "create"), ("bob", "update"), ("carol", "delete")]
    create, update, delete = rows
    assert create.before is None and create.after["name"] == "测试机房" and create.request_id == "req-1"
    assert create.remote_addr == "127.0.0.1" and create.object_id == update.object_id == delete.object_id
    assert update.before["name"] == "测试机房" and update.after["name"] == "测试机房二"
    assert delete.before["name"] == "测试机房二" and delete.after is None
    assert all(r.at.tzinfo is not None for r in rows)


def test_rolled_back_change_leaves_no_trail(engine) -> None:
    try:
        with session_scope(engine, actor="mallory") as s:
            s.add(Room(code="GHOST", name="幽灵机房"))
            s.flush()
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    with session_scope(engine) as s:
        assert not list(s.exec(select(ChangeLog).where(ChangeLog.actor == "mallory")))
        assert not list(s.exec(select(Room).where(Room.code == "GHOST")))
