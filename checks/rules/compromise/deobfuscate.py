"""Static decoders for the single layers of obfuscation planted scripts wear.

Nothing here runs JavaScript: each decoder recognises one textual form (`unescape('%3C…')`,
`atob('…')`, `String.fromCharCode(…)` inline or over an array, `\\x..` escapes, Dean
Edwards' `eval(function(p,a,c,k,e,d)…)` packer) and computes its result the way the
browser would, on literals only. Work is bounded: `DEPTH` nested layers, `OUT_CAP`
characters of output per script, `CALL_CAP` decoded calls per script.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import unquote

DEPTH = 3
OUT_CAP = 64 * 1024
CALL_CAP = 64
CODE_CAP = 256 * 1024
"""Characters of one script that are read."""

STRING = r"""(?:"(?:[^"\\\n]++|\\.)*+"|'(?:[^'\\\n]++|\\.)*+')"""
"""A JavaScript string literal (single or double quoted), possessive: no backtracking."""
_STRING = re.compile(STRING, re.DOTALL)
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|(.))", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")


@dataclass(frozen=True, slots=True)
class Decoded:
    """One statically decoded payload."""

    technique: str
    """How it was hidden: "unescape", "atob", "String.fromCharCode", "packer", chained by " > "."""
    text: str


def _escape(match: re.Match[str]) -> str:
    hex2, hex4, braced, other = match.groups()
    code = hex2 or hex4 or braced
    if code:
        value = int(code, 16)
        return chr(value) if value < 0x110000 else ""
    return _SIMPLE_ESCAPES.get(other, other if other != "\n" else "")


def unquote_js(literal: str) -> str:
    """The value of a JavaScript string literal (quotes included in `literal`)."""
    body = literal[1:-1]
    return _ESCAPE.sub(_escape, body) if "\\" in body else body


def unescape(text: str) -> str:
    """JavaScript's unescape(): %XX and %uXXXX."""
    text = _PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), text)
    return unquote(text, encoding="latin-1") if "%" in text else text


def _utf8(text: str) -> str:
    # decodeURIComponent reads UTF-8; unescape reads Latin-1 code points
    return unquote(text, encoding="utf-8", errors="replace")


def atob(text: str) -> str | None:
    """base64 to text (UTF-8 when it is, else Latin-1), None when it is not base64."""
    text = re.sub(r"\s+", "", text)
    if len(text) < 8 or not re.fullmatch(r"[A-Za-z0-9+/_-]+={0,2}", text):
        return None
    try:
        raw = base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None
        )
    except (binascii.Error, ValueError):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _printable(text: str) -> bool:
    if not text:
        return False
    odd = sum(1 for c in text[:2000] if ord(c) < 32 and c not in "\r\n\t")
    return odd * 20 < min(len(text), 2000)


_ARG = rf"(?:{STRING}|[\w$.]+)"
_CONCAT = rf"{_ARG}(?:\s*\+\s*{_ARG})*"
_DECODERS = ("unescape", "decodeURIComponent", "decodeURI", "atob")
_CALLS = re.compile(
    rf"(unescape|decodeURIComponent|decodeURI|atob)\s*\(\s*({_CONCAT})\s*\)", re.DOTALL
)
_CALL_OF = {name: re.compile(rf"({name})\s*\(\s*({_CONCAT})\s*\)", re.DOTALL) for name in _DECODERS}
"""One pattern per decoder, each starting with its name: the engine skips ahead to it."""
_PIECES = re.compile(rf"{STRING}|[\w$.]+", re.DOTALL)


def fold_concat(expression: str) -> str:
    """The value of `'a' + b + "c"`: literals joined, identifiers named *protocol* as https://."""
    parts = []
    for piece in _PIECES.finditer(expression):
        token = piece.group()
        if token[0] in "'\"":
            parts.append(unquote_js(token))
        elif "proto" in token.lower():
            parts.append("https://")
    return "".join(parts)


_CHAR_CODES = re.compile(
    r"String\.fromCharCode\s*\(\s*((?:0x[0-9a-fA-F]+|\d+)(?:\s*,\s*(?:0x[0-9a-fA-F]+|\d+))*)\s*\)"
)
_NUMBER_ARRAY = re.compile(
    r"\[\s*((?:0x[0-9a-fA-F]+|\d+)(?:\s*,\s*(?:0x[0-9a-fA-F]+|\d+)){7,})\s*\]"
)
_SHIFT = re.compile(r"fromCharCode\s*\(\s*[\w$.\[\]]+\s*([-+^])\s*(\d+)\s*\)")


def _chars(numbers: str, shift: tuple[str, int] | None = None) -> str:
    out = []
    for token in numbers.split(","):
        token = token.strip()
        value = int(token, 16) if token[:2].lower() == "0x" else int(token)
        if shift is not None:
            op, amount = shift
            value = value - amount if op == "-" else value + amount if op == "+" else value ^ amount
        if 0 <= value < 0x110000:
            out.append(chr(value))
    return "".join(out)


def _char_codes(code: str) -> list[Decoded]:
    if "fromCharCode" not in code:
        return []
    found = [Decoded("String.fromCharCode", _chars(m.group(1))) for m in _CHAR_CODES.finditer(code)]
    shift_match = _SHIFT.search(code)
    shift = (shift_match.group(1), int(shift_match.group(2))) if shift_match else None
    for match in _NUMBER_ARRAY.finditer(code):
        found.append(Decoded("String.fromCharCode over an array", _chars(match.group(1), shift)))
    return found


_PACKED = re.compile(
    rf"\}}\s*\(\s*({STRING})\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*({STRING})\s*\.split\(\s*(['\"])\|\5\s*\)",
    re.DOTALL,
)
_WORD = re.compile(r"\b\w+\b")
_PACKER_HEAD = re.compile(r"eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _packer_word(index: int, radix: int) -> str:
    head = "" if index < radix else _packer_word(index // radix, radix)
    digit = index % radix
    return head + (chr(digit + 29) if digit > 35 else _DIGITS[digit])


def unpack(code: str) -> str | None:
    """The payload of Dean Edwards' packer (`eval(function(p,a,c,k,e,d)...)`), or None."""
    match = _PACKED.search(code)
    if match is None:
        return None
    payload, radix, count = unquote_js(match.group(1)), int(match.group(2)), int(match.group(3))
    words = unquote_js(match.group(4)).split("|")
    if not 2 <= radix <= 95 or count > 20000 or len(payload) > OUT_CAP:
        return None
    table = {_packer_word(i, radix): words[i] for i in range(min(count, len(words))) if words[i]}
    return _WORD.sub(lambda m: table.get(m.group(), m.group()), payload)


def _escaped_strings(code: str) -> list[Decoded]:
    if code.count("\\x") + code.count("\\u") < 4:
        return []
    found = []
    for match in _STRING.finditer(code):
        literal = match.group()
        if literal.count("\\x") + literal.count("\\u") >= 4:
            found.append(Decoded("\\x escapes", unquote_js(literal)))
    return found


def decode_call(code: str, position: int) -> Decoded | None:
    """The value of a decoder call starting at `position` (`atob("...")`, ...), or None."""
    if match := _CALLS.match(code, position):
        name, value = match.group(1), fold_concat(match.group(2))
        if name == "atob":
            text = atob(value)
            return Decoded("atob", text) if text is not None and _printable(text) else None
        return Decoded(name, unescape(value) if name == "unescape" else _utf8(value))
    if match := _CHAR_CODES.match(code, position):
        return Decoded("String.fromCharCode", _chars(match.group(1)))
    return None


def _one_layer(code: str) -> list[Decoded]:
    found: list[Decoded] = []
    if "eval" in code and _PACKER_HEAD.search(code):
        unpacked = unpack(code)
        if unpacked:
            found.append(Decoded("eval(function(p,a,c,k,e,d)) packer", unpacked))
    matches = [m for name in _DECODERS if name in code for m in _CALL_OF[name].finditer(code)]
    for match in matches[:CALL_CAP]:
        start = match.start()
        if start and (code[start - 1].isalnum() or code[start - 1] in "_$"):
            continue  # myunescape(...): another function
        name, value = match.group(1), fold_concat(match.group(2))
        if name == "atob":
            text = atob(value)
            if text is not None and _printable(text):
                found.append(Decoded("atob", text))
        elif "%" in value:
            found.append(Decoded(name, unescape(value) if name == "unescape" else _utf8(value)))
    found += _char_codes(code)
    found += _escaped_strings(code)
    return found


def decode_layers(code: str) -> list[Decoded]:
    """Every payload statically decodable from `code`, nested layers included (bounded)."""
    results: list[Decoded] = []
    room = OUT_CAP
    todo = [(code[:CODE_CAP], "", 0)]
    while todo and room > 0 and len(results) < CALL_CAP:
        text, chain, depth = todo.pop()
        for item in _one_layer(text):
            technique = f"{chain} > {item.technique}" if chain else item.technique
            piece = item.text[:room]
            if not piece.strip():
                continue
            room -= len(piece)
            results.append(Decoded(technique, piece))
            if depth + 1 < DEPTH:
                todo.append((piece, technique, depth + 1))
    return results
