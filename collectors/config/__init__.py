"""Facts from running configs: interfaces, addresses, VRFs, static routes, BGP peers and OSPF, for every
platform, through hier_config (the tree) and a per-platform dialect kept as data in the platform's profile
(`config:` block of ``collectors/platforms/<platform>.yaml``). Why hier_config, and the measurements that
chose it: docs/collection.md, "Facts from configs"."""

from __future__ import annotations

from .dialect import Dialect, Failover, load_dialect, read_dialect
from .reader import (
           BadLine,
           ConfigInterface,
           ConfigRead,
           ConfigUnreadable,
           RouteFact,
           area_id,
           read_config,
           static_route,
)

__all__ = ["BadLine", "ConfigInterface", "ConfigRead", "ConfigUnreadable", "Dialect", "Failover", "RouteFact",
           "area_id", "load_dialect", "read_config", "read_dialect", "static_route"]
