"""Favicon hashes as Shodan and FOFA publish them: MurmurHash3 (32-bit, signed) of base64."""

from __future__ import annotations

import base64

_C1, _C2 = 0xCC9E2D51, 0x1B873593
_MASK = 0xFFFFFFFF


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MASK


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit as a signed int, like `mmh3.hash` (no C extension needed)."""
    h = seed & _MASK
    tail_at = len(data) - len(data) % 4
    for i in range(0, tail_at, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (_rotl((k * _C1) & _MASK, 15) * _C2) & _MASK
        h = (_rotl(h ^ k, 13) * 5 + 0xE6546B64) & _MASK
    k = 0
    for shift, byte in enumerate(data[tail_at:]):
        k |= byte << (8 * shift)
    if k:
        h ^= (_rotl((k * _C1) & _MASK, 15) * _C2) & _MASK
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def favicon_hash(icon: bytes) -> int:
    """The hash FOFA's `icon_hash=` and Shodan's `http.favicon.hash:` use."""
    return murmur3_32(base64.encodebytes(icon))
