"""Device locks, zone slots and liveness keys against the machine's Redis (private key prefix)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import need

from .conftest import SHARED_REDIS, redis_available

pytestmark = pytest.mark.broker


@pytest.fixture
def leases() -> Iterator[object]:
    import redis

    from workers.config import BrokerConfig
    from workers.leases import Leases

    ok, why = redis_available(SHARED_REDIS)
    need("Redis", ok, why)
    cfg = BrokerConfig(url=SHARED_REDIS, prefix=f"extranet-test-{uuid.uuid4().hex[:8]}:", lock_ttl=3.0, zone_cap=2)
    client = redis.Redis.from_url(SHARED_REDIS)
    a, b = Leases(client, cfg), Leases(client, cfg)
    yield a, b, client
    for leases_ in (a, b):  # nothing left for their keeper threads to renew
        with leases_._mu:
            leases_._held.clear()
    keys = list(client.scan_iter(match=f"{cfg.prefix}*"))
    if keys:
        client.delete(*keys)


def test_one_holder_per_device_and_release(leases) -> None:
    a, b, _r = leases
    token = a.lock_device(7)
    assert token and b.lock_device(7) is None and b.device_locked(7)
    a.unlock_device(7, token)
    assert not a.device_locked(7)
    t2 = b.lock_device(7)
    assert t2
    a.unlock_device(7, token)  # a stale token cannot release someone else's lock
    assert a.device_locked(7)


def test_renewal_after_release_does_not_resurrect_the_lock(leases) -> None:
    a, _b, _r = leases
    token = a.lock_device(8)
    name = f"{a.device_key(8)}|{token}"
    a.unlock_device(8, token)
    a._renew(name, "lock", token, 0)  # the keeper's snapshot was taken before the release
    assert not a.device_locked(8)


def test_renewal_retakes_a_lock_redis_lost_and_extends_it(leases) -> None:
    a, _b, r = leases
    token = a.lock_device(9)
    name = f"{a.device_key(9)}|{token}"
    r.delete(a.device_key(9))  # what a Redis restart without persistence does
    a._renew(name, "lock", token, 0)
    assert r.get(a.device_key(9)) == token.encode()
    assert r.pttl(a.device_key(9)) > 2000
    a.unlock_device(9, token)


def test_zone_cap_across_holders_and_expiry(leases) -> None:
    a, b, _r = leases
    s1, s2 = a.take_slot("zone-a", 0.1), b.take_slot("zone-a", 0.1)
    assert s1 and s2
    assert a.take_slot("zone-a", 0.2) is None  # cap 2
    assert a.take_slot("zone-b", 0.1)  # other zones are not affected
    b.give_slot("zone-a", s2)
    s3 = a.take_slot("zone-a", 0.1)
    assert s3
    a._drop(a.cfg.key("slots", "zone-a"))  # a dead holder stops renewing: its slots expire after the TTL
    time.sleep(3.2)
    assert b.take_slot("zone-a", 0.1) and b.take_slot("zone-a", 0.1)


def test_liveness_lasts_while_renewed(leases) -> None:
    a, b, _r = leases
    a.announce("host/1/zone-a")
    assert b.alive("host/1/zone-a") and not b.alive("host/2/zone-a")
