"""The audit pack masks with the project's one redaction (`inventory.redact`); these names stay for the
modules that import them."""

from inventory.redact import COMMON as EXTRA
from inventory.redact import MASK
from inventory.redact import redact as mask

__all__ = ["EXTRA", "MASK", "mask"]
