"""ZTE ZXROS driver hook: session preparation without the fixed sleep, and ZXROS's own refusal text."""

from __future__ import annotations

import re

from netmiko.zte.zte_zxros import ZteZxrosSSH

from collectors.driver import _Fast
from collectors.errors import CollectError

_REFUSED = re.compile(r"^\s*%Error \d+:", re.M)


class Driver(_Fast, ZteZxrosSSH):

    def session_preparation(self) -> None:
        # ZteZxrosBase's own minus its fixed sleep
        self._test_channel_read(pattern=r"[>#]")
        self.set_base_prompt()
        self.disable_paging(command="terminal length 0")
        self.clear_buffer()

    def disable_paging(self, command: str = "terminal length 0", *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        # ZXROS refuses with `%Error 20200: ...`, which the shared refusal pattern does not know
        out = super().disable_paging(command, *args, **kwargs)
        if _REFUSED.search(out):
            raise CollectError("paging", f"device refused {command.strip()!r}")
        return out
