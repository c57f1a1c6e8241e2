"""国密 primitives for stored personal information: SM4 encryption (GB/T 32907) and SM3 digests (GB/T 32905).

Both come from the OpenSSL that Python and `cryptography` already carry; nothing here is hand-written
cryptography. SM4 runs in GCM mode, so a stored value is also integrity-protected: a ciphertext changed in
the database fails to decrypt instead of turning into a different phone number.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PREFIX = "sm4gcm:1:"  # algorithm and key version, so the key can be rotated later
NONCE_BYTES = 12
TAG_BYTES = 16


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def sm4_ecb_block(key: bytes, block: bytes) -> bytes:
    """One raw SM4 block: only for the GB/T 32907 self-test vector, never for data."""
    # bandit B305 waived: one block with the standard's own key for the self-test; data always uses GCM
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # nosec B305
    return encryptor.update(block) + encryptor.finalize()


def sm4_encrypt(key: bytes, plaintext: str) -> str:
    """Text → `sm4gcm:1:` + base64(nonce ‖ ciphertext ‖ tag); a fresh random nonce each time."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def sm4_decrypt(key: bytes, stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("not an SM4-GCM value")
    raw = base64.b64decode(stored[len(PREFIX) :])
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode()


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits of a mobile number stay visible."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(number: str) -> str:
    """5301**********1234: region prefix and last four characters of a 身份证号."""
    if len(number) < 9:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
