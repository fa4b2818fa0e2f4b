#!/usr/bin/env python3
"""Writes the Japanese mail corpus of issue 14: japanese/<class>-<n>.eml and
japanese/expected.json, what a careful reader (and Thunderbird) sees in each message.

    python3 tests/corpus/make_japanese.py [--out DIR]

Standard library only, and deterministic (no clock, no randomness): running it twice
gives the same bytes, and tests/japanese_corpus.rs checks the committed files against it.
The cases are in japanese_cases.py (required classes, controls) and japanese_lenient.py;
each builds its message from the very text it expects, so the two cannot drift apart, and
the helpers in mime_bytes.py check that every cut is where the case says it is.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the corpus

from japanese_cases import CASES, LEVEL  # noqa: E402
import japanese_lenient  # noqa: E402,F401  (registers its cases)
from mime_bytes import CRLF  # noqa: E402


def envelope(serial, name, m):
    """The whole message: the usual header fields around the case's own."""
    date = f"{serial % 28 + 1} Mar 2025 {9 + serial % 9:02}:{serial % 60:02}:00 +0900"
    head = [
        (b"From", m["from"]),
        (b"To", b"sales@example.co.jp"),
        (b"Subject", m["subject"]),
        (b"Date", date.encode("ascii")),
        (b"Message-ID", f"<{name}.corpus@example.jp>".encode()),
    ]
    if m["mime"]:
        head.append((b"MIME-Version", b"1.0"))
    return b"".join(k + b": " + v + CRLF for k, v in head + m["rest"]) + CRLF + m["body"]


def build():
    """The messages ({file name: bytes}) and their expectations, in order."""
    files, expected, counts = {}, [], {}
    for serial, (cls, what, note, make) in enumerate(CASES):
        counts[cls] = counts.get(cls, 0) + 1
        name = f"{cls}-{counts[cls]}"
        m = make()
        files[name + ".eml"] = envelope(serial, name, m)
        entry = {"file": name + ".eml", "class": cls, "level": LEVEL[cls], "what": what}
        entry.update(m["expect"])
        if note:
            entry["note"] = note
        expected.append(entry)
    assert all(counts.get(c, 0) >= 3 for c in LEVEL), counts
    return files, expected


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "japanese"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    files, expected = build()
    for old in sorted(os.listdir(out)):
        if old.endswith(".eml") and old not in files:
            os.remove(os.path.join(out, old))
    for name, raw in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(raw)
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {len(files)} messages and expected.json to {out}")


if __name__ == "__main__":
    main()
