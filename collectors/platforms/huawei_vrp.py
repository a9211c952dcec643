"""Huawei VRP driver hook: netmiko's session preparation without its fixed sleep."""

from __future__ import annotations

from netmiko.huawei.huawei import HuaweiSSH

from collectors.driver import _Fast


class Driver(_Fast, HuaweiSSH):

    def session_preparation(self) -> None:
        # HuaweiSSH's own, minus its fixed 0.3 x delay sleep before clearing the buffer
        self.ansi_escape_codes = True
        self.set_base_prompt()
        self.disable_paging(command="screen-length 0 temporary")
        self.clear_buffer()
