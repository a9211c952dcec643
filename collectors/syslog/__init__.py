"""Syslog: framing (framing.py), headers (header.py), the vendors' messages (messages.py, from each platform
profile's `syslog:` section), the receiver (receiver.py). What a message means for the record is stored by
inventory/record/syslog_store.py."""
