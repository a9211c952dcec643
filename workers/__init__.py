"""Distributed collection: Celery workers per management zone, Redis as broker and lock service,
results written straight to the shared database.

A run is planned in the database (inventory.collection.plan_run), then each device becomes one task
on the queue of its zone (`collect.<zone>`). Workers (`extranet worker --zone Z`) collect with the
same engine as the in-process pool and commit through the same ingest. Redis holds only what can be
rebuilt: queued messages, per-device locks, per-zone session slots and dispatch records; the
database is the truth, so a sweeper re-dispatches any device of a running run that has no result
and nobody working on it (a killed worker, a Redis restart that lost its queue)."""
