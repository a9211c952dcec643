"""SNMP polling of interface counters and state (pysnmp 7, asyncio): credentials, the poller, deltas."""
