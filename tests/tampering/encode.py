"""The single-layer encodings planted scripts wear, written from their public descriptions."""

from __future__ import annotations

import base64
import random
import re
from collections import Counter

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def escape(text: str) -> str:
    """JavaScript escape(): what unescape() undoes (%XX, %uXXXX)."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in "@*_+-./"):
            out.append(char)
        elif ord(char) < 256:
            out.append(f"%{ord(char):02X}")
        else:
            out.append(f"%u{ord(char):04X}")
    return "".join(out)


def b64(text: str) -> str:
    """base64 of the UTF-8 text (what atob() undoes; ASCII payloads decode the same)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def char_codes(text: str) -> str:
    """Comma-separated code points, for String.fromCharCode."""
    return ",".join(str(ord(c)) for c in text)


def hex_escaped(text: str) -> str:
    """Every character as \\xNN (or \\uNNNN)."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in text)


def _word(index: int, radix: int) -> str:
    head = "" if index < radix else _word(index // radix, radix)
    return head + _DIGITS[index % radix]


def pack(code: str) -> str:
    """Dean Edwards-style packing (radix 62): words replaced by indices into a word list."""
    words = [w for w, _ in Counter(re.findall(r"\b\w+\b", code)).most_common()]
    table = {w: _word(i, 62) for i, w in enumerate(words)}
    payload = re.sub(r"\b\w+\b", lambda m: table[m.group()], code)
    payload = payload.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    decoder = (
        "eval(function(p,a,c,k,e,d){e=function(c){return(c<a?'':e(parseInt(c/a)))+((c=c%a)>35?"
        "String.fromCharCode(c+29):c.toString(36))};if(!''.replace(/^/,String)){while(c--)"
        "d[e(c)]=k[c]||e(c);k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};"
        "while(c--)if(k[c])p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c]);return p}"
    )
    return f"{decoder}('{payload}',62,{len(words)},'{'|'.join(words)}'.split('|'),0,{{}}))"


def obfuscate(code: str, rng: random.Random) -> tuple[str, str]:
    """(technique, script) with `code` hidden by one randomly chosen layer."""
    kind = rng.choice(["unescape", "atob", "fromCharCode", "array", "hex", "packer"])
    if kind == "unescape":
        return kind, f"eval(unescape('{escape(code)}'));"
    if kind == "atob":
        return kind, f'eval(atob("{b64(code)}"));'
    if kind == "fromCharCode":
        return kind, f"eval(String.fromCharCode({char_codes(code)}));"
    if kind == "array":
        return kind, (
            f"var _c=[{char_codes(code)}],_s='';for(var i=0;i<_c.length;i++)"
            "{_s+=String.fromCharCode(_c[i])}eval(_s);"
        )
    if kind == "hex":
        return kind, f'eval("{hex_escaped(code)}");'
    return kind, pack(code)
