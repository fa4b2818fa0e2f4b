"""Byte-exact pieces of mail for make_japanese.py: encoded words, RFC 2231 values,
bodies and MIME parts, each with the checks that keep a corpus case honest."""

import base64

CRLF = b"\r\n"
ESC_JIS = b"\x1b$B"
ESC_ASCII = b"\x1b(B"

# Characters whose mapping differs between Python's codecs and the WHATWG tables that
# Thunderbird and encoding_rs use (WAVE DASH, MINUS, REVERSE SOLIDUS, ...). A corpus
# using them would test the mapping tables, not the decoding this corpus is about.
AMBIGUOUS = "〜～－−‖∥¢£¬￠￡￢＼―—"


def checked(text):
    bad = [c for c in text if c in AMBIGUOUS]
    assert not bad, f"{text!r} uses {bad}"
    # The ideographic space would be shown as an ASCII one by the list's one-line rule.
    assert "\u3000" not in text, text
    return text


def enc(text, charset):
    data = checked(text).encode(charset)
    assert data.decode(charset) == text, (text, charset)
    return data


def jis(text):
    return enc(text, "iso2022_jp")


def sjis(text):
    return enc(text, "cp932")


def b64(data, pad=True):
    s = base64.b64encode(data).decode("ascii")
    if not pad:
        assert s.endswith("="), f"{data!r} needs no padding; the case would test nothing"
        s = s.rstrip("=")
    return s


def bword(charset, data, pad=True):
    return f"=?{charset}?B?{b64(data, pad)}?=".encode("ascii")


def qword(charset, data):
    text = "".join(
        chr(b) if chr(b).isalnum() and b < 128 else "_" if b == 32 else "=%02X" % b
        for b in data
    )
    return f"=?{charset}?Q?{text}?=".encode("ascii")


def cut(data, at):
    """`data` in pieces at the offsets `at`."""
    bounds = [0, *at, len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


def fold(words):
    """Adjacent encoded words, each on its own line as long headers are folded."""
    return b"\r\n ".join(words)


def mid_char(data, at, charset):
    """`at`, after checking that it falls inside a character of `data`."""
    if charset == "iso2022_jp":
        # Inside a double-byte run: an odd number of bytes since its ESC $ B.
        run = data[data.rfind(ESC_JIS, 0, at) + 3 : at]
        inside = b"\x1b" not in run and len(run) % 2 == 1
    else:
        try:
            data[:at].decode(charset)
            inside = False
        except UnicodeDecodeError:
            inside = True
    assert inside, (data, at)
    return at


def pct(data):
    """RFC 2231 percent-encoding: letters, digits and a few marks stay as they are."""
    keep = b"!#$&+-.^_`|~"
    return "".join(
        chr(b) if (chr(b).isalnum() and b < 128) or b in keep else "%%%02X" % b
        for b in data
    ).encode("ascii")


def body_lines(text, charset):
    """`text` encoded line by line with CRLF line ends, as mail has them."""
    return CRLF.join(enc(line, charset) for line in text.split("\n")) + CRLF


def qp(data):
    """Quoted-printable of CRLF text, soft line breaks under 76 characters."""
    out = []
    for line in data.split(CRLF):
        enc_line, width = b"", 0
        for b in line:
            piece = bytes([b]) if 33 <= b <= 126 and b != 61 else b"=%02X" % b
            if width + len(piece) > 73:
                enc_line += b"=" + CRLF
                width = 0
            enc_line += piece
            width += len(piece)
        out.append(enc_line)
    return CRLF.join(out)


def b64_body(data):
    s = base64.b64encode(data)
    return CRLF.join(s[i : i + 76] for i in range(0, len(s), 76)) + CRLF


def text_part(text, charset="ISO-2022-JP", codec="iso2022_jp", cte="7bit"):
    data = body_lines(text, codec)
    if cte == "quoted-printable":
        data = qp(data)
    elif cte == "base64":
        data = b64_body(data)
    return [
        (b"Content-Type", f"text/plain; charset={charset}".encode()),
        (b"Content-Transfer-Encoding", cte.encode()),
    ], data


FILES = {
    "doc": (b"application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(56)),
    "xls": (b"application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(56)),
    "xlsx": (
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04" + bytes(60),
    ),
    "docx": (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04" + bytes(60),
    ),
    "pdf": (b"application/pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"),
}


def attachment(ext, type_params=b"", disposition_params=b""):
    ctype, content = FILES[ext]
    return [
        (b"Content-Type", ctype + type_params),
        (b"Content-Transfer-Encoding", b"base64"),
        (b"Content-Disposition", b"attachment" + disposition_params),
    ], b64_body(content)


def multipart(*parts, boundary=b"----=_Part_20250314_0001"):
    out = b"This is a multi-part message in MIME format." + CRLF + CRLF
    for headers, body in parts:
        out += b"--" + boundary + CRLF
        out += b"".join(name + b": " + value + CRLF for name, value in headers) + CRLF
        out += body
    out += b"--" + boundary + b"--" + CRLF
    return [(b"Content-Type", b'multipart/mixed;\r\n boundary="' + boundary + b'"')], out


def mixed(text, att):
    return multipart(text_part(text), att)


def continued(param, prefix, data, at, plain_tail=None):
    """RFC 2231 continuations of `param`, percent-encoded and cut at the offsets `at`
    (the charset'language' prefix in the first), each on a folded line; a last
    unencoded segment if `plain_tail` is given."""
    out = b""
    for i, piece in enumerate(cut(data, at)):
        head = prefix.encode("ascii") if i == 0 else b""
        out += f";\r\n {param}*{i}*=".encode("ascii") + head + pct(piece)
    if plain_tail is not None:
        out += f';\r\n {param}*{len(at) + 1}="{plain_tail}"'.encode("ascii")
    return out


def html_part(meta, title, paragraphs, codec, cte="8bit"):
    """An HTML body whose only charset is the one its `meta` element names."""
    html = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="ja">',
            "<head>",
            meta,
            f"<title>{title}</title>",
            "</head>",
            "<body>",
            *(f"<p>{p}</p>" for p in paragraphs),
            "</body>",
            "</html>",
        ]
    )
    data = body_lines(html, codec)
    if cte == "quoted-printable":
        data = qp(data)
    return [
        (b"Content-Type", b"text/html"),
        (b"Content-Transfer-Encoding", cte.encode("ascii")),
    ], data
