"""Ruijie RGOS driver hook: netmiko's session preparation without its fixed sleep."""

from __future__ import annotations

import re

from netmiko.ruijie.ruijie_os import RuijieOSSSH

from collectors.driver import _Fast

_PWD_CHANGE = r"Do you want to change the password"


class Driver(_Fast, RuijieOSSSH):

    def session_preparation(self) -> None:
        # RuijieOSBase's own (password-change question, enable, width, paging) minus its fixed 0.3 x delay
        # sleep; its stock cleanup() is what idles 2 s before `exit` (replaced by _Fast.cleanup)
        data = self.read_until_pattern(pattern=rf"(?:{_PWD_CHANGE}|{self.prompt_pattern})")
        if re.search(_PWD_CHANGE, data):
            self.write_channel("n" + self.RETURN)
            self.read_until_pattern(pattern=self.prompt_pattern)
        self.set_base_prompt()
        self.enable()
        self.set_terminal_width(command="terminal width 256", pattern="terminal")
        self.disable_paging(command="terminal length 0")
        self.clear_buffer()
