"""The one cheap test that decides most inputs are bash.

Every sign that :func:`converter.shell_windows.detect_shell` weighs for cmd.exe or
PowerShell contains one of these characters or words; text with none of them is
bash, and the Windows parsers are never imported for it.
"""
from __future__ import annotations

import re

_ANY_WINDOWS_SIGN = re.compile(
    r"""[\^`%]|''|""|\$\{?env:|@['"]|<#|--%|^[ \t]*@?(?:rem|::)|^PS |[A-Za-z]:\\|['"][ \t]*\|""", re.M | re.I)


def may_be_windows(text: str) -> bool:
    return _ANY_WINDOWS_SIGN.search(text) is not None
