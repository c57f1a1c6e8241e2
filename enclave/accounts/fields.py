"""A text field stored SM4-encrypted (个人信息加密存储): the column never holds the plaintext.

The key is `settings.ENCLAVE_PI_KEY` (16 bytes, hex), separate from SECRET_KEY, so rotating the session
signing key never touches stored personal information and vice versa.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from enclave.lib import gm


def pi_key() -> bytes:
    return bytes.fromhex(settings.ENCLAVE_PI_KEY)


class SM4TextField(models.TextField):
    """Plain text in Python, `sm4gcm:1:…` in the database; an empty value stays empty."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return gm.sm4_decrypt(pi_key(), value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return gm.sm4_encrypt(pi_key(), value)
