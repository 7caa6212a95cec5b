"""Receipts and the identity vault.

A receipt is 16 characters of Crockford base32 (5 bits each = 80 bits) from `secrets`, shown once in
groups of four for reading aloud. Only a keyed hash is stored: HMAC-SHA256 under a key derived from
SECRET_KEY, so a copy of the database alone cannot be searched offline for codes. Lookups read the
normalised code (case, O/0, I/L/1 and separators are forgiven, as Crockford intends).

The vault encrypts identities with MultiFernet over `PORTAL_TIP_KEYS` (the first key encrypts, every
key decrypts, so keys rotate: add a new key first, run `rotate`, drop the old one).
"""

import functools
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
RECEIPT_LENGTH = 16
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_receipt() -> str:
    """16 random Crockford characters (80 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(RECEIPT_LENGTH))


def group_receipt(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX, for showing and reading aloud."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_receipt(text: str) -> str | None:
    """The canonical code typed by a reporter, or None when it cannot be one."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -_\t").translate(_TRANSLATE)
    if len(code) != RECEIPT_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def _receipt_key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"tips.receipt", hashlib.sha256).digest()


def receipt_hash(code: str) -> str:
    """The stored form of a (normalised) receipt."""
    return hmac.new(_receipt_key(), code.encode(), hashlib.sha256).hexdigest()


@functools.cache
def _vault_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"PORTAL_TIP_KEYS: not a list of Fernet keys ({exc})") from None


def vault() -> MultiFernet:
    keys = tuple(settings.PORTAL_TIP_KEYS)
    if not keys:
        raise ImproperlyConfigured("PORTAL_TIP_KEYS: no key configured")
    return _vault_for(keys)


def seal(text: str) -> bytes:
    """Encrypt `text` under the current first key ("" stays empty)."""
    if not text:
        return b""
    return vault().encrypt(text.encode())


def unseal(token: bytes) -> str:
    """Decrypt a sealed value; raises InvalidToken when no configured key opens it."""
    if not token:
        return ""
    return vault().decrypt(bytes(token)).decode()


def rotate(token: bytes) -> bytes:
    """Re-encrypt a sealed value under the current first key."""
    if not token:
        return b""
    return vault().rotate(bytes(token))


__all__ = ["ALPHABET", "InvalidToken", "group_receipt", "new_receipt", "normalise_receipt", "receipt_hash",
           "rotate", "seal", "unseal"]
