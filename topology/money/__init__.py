"""Money: the ledger (cash and accrual views with anomaly flags), cost allocation per unit and
terminal, what the backup carrier's fee buys, the contract's 100-point assessment, the annual
performance indicators and the workbook that carries them. Pure functions over plain rows (see
``rows.py``) and the topology graph; the CLI and the API only load, call and print."""
