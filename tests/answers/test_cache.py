"""The one cache's rule: an answer is computed once per (database, fingerprint, question, arguments);
the fingerprint is one query, read again after this process writes or once it is FRESH_SECONDS old;
a new fingerprint drops the database's older answers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select

import answers
from answers import cache
from inventory.db import get_engine, session_scope
from inventory.models import Circuit, Room
from inventory.service import load_sample, prepare


def _engine(tmp_path: Path, sample: bool = False):
    engine = get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    prepare(engine)
    if sample:
        load_sample(engine)
    return engine


def test_the_fingerprint_is_one_query(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    answers.invalidate()
    with session_scope(engine) as s:
        first = answers.ask(s).fingerprint
        again = answers.ask(s).fingerprint  # fresh: no query at all
    assert len(seen) == 1 and first == again


def test_same_answer_until_a_write_then_a_new_one(tmp_path: Path) -> None:
    engine = _engine(tmp_path, sample=True)
    with session_scope(engine) as s:
        a = answers.ask(s)
        g, prot = a.graph(), a.protection()
        assert answers.ask(s).graph() is g and answers.ask(s).protection() is prot
        assert a.graph(discovered=False) is not g  # other arguments, another answer
    with session_scope(engine, actor="test") as s:
        s.exec(select(Circuit).where(Circuit.cid == "DX-U001-1")).one().status = "decommissioned"
    with session_scope(engine) as s:
        b = answers.ask(s)
        assert b.fingerprint != a.fingerprint
        assert b.graph() is not g and "DX-U001-1" not in {k for _, _, k in b.graph().edges(keys=True)}
    # the older fingerprint's answers are gone, not kept beside the new ones
    assert not [k for k in cache._entries if k[0] == a.url and k[1] == a.fingerprint]


def test_a_read_does_not_count_as_a_write(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    with session_scope(engine) as s:
        answers.ask(s)
    generation = answers.cache.writes.generation()
    with session_scope(engine) as s:
        s.exec(select(Room)).all()
    assert answers.cache.writes.generation() == generation
    with session_scope(engine, actor="test") as s:
        s.add(Room(code="NEW", name="新机房"))
    assert answers.cache.writes.generation() > generation


def test_peek_finds_a_fresh_memo_without_a_query_and_nothing_once_stale(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    url = str(engine.url)
    with session_scope(engine) as s:
        assert answers.ask(s).memo(("page", 1), lambda: b"body") == b"body"
    assert answers.peek(url, ("page", 1)) == b"body"
    answers.invalidate()
    assert answers.peek(url, ("page", 1)) is None  # stale until the fingerprint is read again
    with session_scope(engine) as s:
        assert answers.ask(s).memo(("page", 1), lambda: b"other") == b"body"  # same data: same memo
    cache._seen[url] = cache._Seen(cache._seen[url].fingerprint, time.monotonic() - answers.FRESH_SECONDS,
                                   cache.writes.generation())
    assert answers.peek(url, ("page", 1)) is None  # older than the window


def test_many_threads_asking_together_compute_once(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    calls: list[int] = []
    barrier = threading.Barrier(8)

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    def ask() -> None:
        with session_scope(engine) as s:
            a = answers.ask(s)
            barrier.wait()
            assert a.memo(("slow",), slow) == 42

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
