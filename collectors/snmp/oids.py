"""The OIDs polled (SNMPv2-MIB, IF-MIB), numeric so no MIB is loaded at run time."""

from __future__ import annotations

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"
IF_HC_OUT_OCTETS = "1.3.6.1.2.1.31.1.1.1.10"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"

# per ifIndex, in this order
PER_INTERFACE = (IF_HC_IN_OCTETS, IF_HC_OUT_OCTETS, IF_OPER_STATUS, IF_HIGH_SPEED)
