"""The record over time: what was observed (SNMP samples, link states, syslog) stored, rolled up and aged."""
