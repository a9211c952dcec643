"""Redis leases: one session per device across all workers, a bounded number of sessions per zone.

Both are leases with a TTL, renewed by one keeper thread per process while the device is being
collected, and released in `finally`. A worker that dies stops renewing, so its devices and its
zone slots come back after at most `lock_ttl` seconds. After a Redis restart that lost them the
keeper writes them again (same token), so a device in flight keeps its lock."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid

import redis

from .config import BrokerConfig

log = logging.getLogger("extranet.workers")

# Renew: extend if ours, take again if gone (Redis restarted), refuse if someone else holds it.
_RENEW_LOCK = """
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return 1 end
return 0
"""
_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Zone slots: a sorted set of tokens scored by their expiry (Redis clock, so worker clocks may differ).
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2] * 4)
  return 1
end
return 0
"""


class Leases:
    """The device locks and zone slots this process holds, renewed by one daemon thread."""

    def __init__(self, client: redis.Redis, cfg: BrokerConfig) -> None:
        self.r, self.cfg = client, cfg
        self.ttl_ms = int(cfg.lock_ttl * 1000)
        self._renew_lock = client.register_script(_RENEW_LOCK)
        self._release_lock = client.register_script(_RELEASE_LOCK)
        self._take_slot = client.register_script(_TAKE_SLOT)
        self._held: dict[str, tuple[str, str, int]] = {}  # key -> (kind, token, cap)
        self._mu = threading.Lock()
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------- device locks
    def device_key(self, device_id: int) -> str:
        return self.cfg.key("lock", "device", device_id)

    def lock_device(self, device_id: int) -> str | None:
        """A token if this process now holds the device, None if another worker does."""
        token = uuid.uuid4().hex
        key = self.device_key(device_id)
        if not self.r.set(key, token, nx=True, px=self.ttl_ms):
            return None
        self._hold(key, "lock", token, 0)
        return token

    def unlock_device(self, device_id: int, token: str) -> None:
        key = self.device_key(device_id)
        self._drop(key)
        with contextlib.suppress(redis.RedisError):  # it expires by itself if Redis is away
            self._release_lock(keys=[key], args=[token])

    def device_locked(self, device_id: int) -> bool:
        return bool(self.r.exists(self.device_key(device_id)))

    # --------------------------------------------------------------------------- worker liveness
    def announce(self, worker: str) -> None:
        """Say this worker process is alive, for as long as its keeper renews it (lock_ttl)."""
        key = self.cfg.key("alive", worker)
        with self._mu:
            known = f"{key}|alive" in self._held
        if not known:
            self._hold(key, "alive", "alive", 0)  # the keeper sets it again if Redis is away right now
            with contextlib.suppress(redis.RedisError):
                self.r.set(key, "1", px=self.ttl_ms)

    def alive(self, worker: str) -> bool:
        return bool(self.r.exists(self.cfg.key("alive", worker)))

    # ------------------------------------------------------------------------------- zone slots
    def take_slot(self, zone: str, wait_s: float) -> str | None:
        """Wait up to wait_s for one of the zone's session slots; a token, or None when none freed."""
        key, token, cap = self.cfg.key("slots", zone), uuid.uuid4().hex, self.cfg.cap_for(zone)
        deadline = time.monotonic() + wait_s
        delay = 0.05
        while True:
            if self._take_slot(keys=[key], args=[token, self.ttl_ms, cap]):
                self._hold(key, "slot", token, cap)
                return token
            if time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def give_slot(self, zone: str, token: str) -> None:
        key = self.cfg.key("slots", zone)
        self._drop(key, token)
        with contextlib.suppress(redis.RedisError):
            self.r.zrem(key, token)

    # ---------------------------------------------------------------------------------- keeper
    def _hold(self, key: str, kind: str, token: str, cap: int) -> None:
        with self._mu:
            self._held[f"{key}|{token}"] = (kind, token, cap)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._keep, name="lease-keeper", daemon=True)
                self._thread.start()

    def _drop(self, key: str, token: str | None = None) -> None:
        with self._mu:
            for k in [k for k in self._held if k.startswith(key + "|") and (token is None or k.endswith(token))]:
                del self._held[k]

    def _keep(self) -> None:
        while True:
            time.sleep(self.cfg.lock_ttl / 3)
            with self._mu:
                held = list(self._held.items())
            for name, (kind, token, cap) in held:
                try:
                    self._renew(name, kind, token, cap)
                except redis.RedisError as exc:  # Redis restarting: try again next round
                    log.warning("cannot renew %s: %s", name.rsplit("|", 1)[0], exc)

    def _renew(self, name: str, kind: str, token: str, cap: int) -> None:
        # Under the mutex and only while still held: renewal re-takes a missing key (Redis restarted), so a
        # renewal racing a release would otherwise re-create the lock its task just deleted, for a whole TTL.
        key = name.rsplit("|", 1)[0]
        with self._mu:
            if name not in self._held:
                return
            if kind == "alive":
                self.r.set(key, "1", px=self.ttl_ms)
            elif kind == "lock":
                if not self._renew_lock(keys=[key], args=[token, self.ttl_ms]):
                    log.error("lost the lock %s to another worker", key)
            else:
                self._take_slot(keys=[key], args=[token, self.ttl_ms, cap + 1])


_leases: dict[str, Leases] = {}


def leases_for(client: redis.Redis, cfg: BrokerConfig) -> Leases:
    key = f"{cfg.url}|{cfg.prefix}"
    if key not in _leases:
        _leases[key] = Leases(client, cfg)
    return _leases[key]
