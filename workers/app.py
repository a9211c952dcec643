"""The Celery application. Configured from BrokerConfig (the environment) before first use; tasks
live in workers.tasks. No result backend: results go to the database, which is the only truth."""

from __future__ import annotations

import functools

import redis
from celery import Celery
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from .config import CONTROL_QUEUE, BrokerConfig, broker_config

app = Celery("extranet", include=["workers.tasks"])
_configured: list[BrokerConfig] = []


def configure(cfg: BrokerConfig) -> Celery:
    """Point the app at a broker. Idempotent for the same config."""
    if _configured and _configured[0] == cfg:
        return app
    if _configured:  # another broker in the same process (tests): drop connections to the old one
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None
    app.conf.update(
        broker_url=cfg.url,
        broker_transport_options={
            "global_keyprefix": cfg.prefix,
            "visibility_timeout": cfg.visibility_timeout,
            # scan for unacked messages of dead workers every 10 s instead of every 100 s
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # Redis restarting: keep trying, never give up the worker
        task_ignore_result=True,
        task_acks_late=True,  # a task is acknowledged when the device is saved, not when it starts
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only what it is collecting
        worker_cancel_long_running_tasks_on_connection_loss=False,  # finish and save what is in flight
        task_default_queue=CONTROL_QUEUE,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        worker_hijack_root_logger=False,
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5,
                                   "interval_max": 2},
    )
    _configured[:] = [cfg]
    _client.cache_clear()
    return app


def current() -> tuple[Celery, BrokerConfig] | None:
    """The configured app, or None when no broker is configured (in-process collection)."""
    cfg = broker_config()
    if cfg is None:
        return None
    return configure(cfg), cfg


@functools.lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    # Commands retried across a Redis restart (about 30 s of backoff) instead of failing the task.
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3, health_check_interval=10,
                                retry=Retry(ExponentialBackoff(cap=2.0, base=0.1), 20),
                                retry_on_error=[redis.ConnectionError, redis.TimeoutError])


def redis_client(cfg: BrokerConfig) -> redis.Redis:
    return _client(cfg.url)
