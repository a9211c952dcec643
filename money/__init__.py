"""Money: the ledger (cash and accrual views with anomaly flags), cost allocation per unit and
terminal, what the backup carrier's fee buys, the contract's 100-point assessment, the annual
performance indicators and the workbook that carries them. Pure functions over plain rows (see
``rows.py``, ``evidence.py``), the topology graph and its protection classes: nothing here reads the
database or keeps a cache. The answers layer loads the rows and keeps the report
(``answers/money.py``, ``answers/money_rows.py``); the CLI, the API and the pages ask it and print."""
