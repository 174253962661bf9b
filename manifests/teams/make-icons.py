#!/usr/bin/env python3
"""Draws the two Teams app icons (run once; the PNGs are committed). Pure Python: zlib + struct, no imaging library.

color.png   192x192, opaque: white bar chart and chat bubble on the accent color.
outline.png  32x32, transparent background with the same glyph in white (Teams' outline rules).
"""
import struct
import zlib

ACCENT = (0x1F, 0x5F, 0xA8, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def png(path, width, height, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def glyph(u, v):
    """The glyph on a unit square: a chat bubble outline holding three rising bars."""
    # bubble: rounded-ish rectangle border from (0.12,0.14) to (0.88,0.72), tail down-left
    inside = 0.12 <= u <= 0.88 and 0.14 <= v <= 0.72
    inner = 0.19 <= u <= 0.81 and 0.21 <= v <= 0.65
    tail = 0.22 <= u <= 0.40 and 0.72 <= v <= 0.88 and (u - 0.22) <= (0.88 - v) * 1.1
    bars = any(x0 <= u <= x0 + 0.11 and top <= v <= 0.60 for x0, top in ((0.27, 0.45), (0.445, 0.35), (0.62, 0.26)))
    return (inside and not inner) or tail or bars


png("color.png", 192, 192, lambda x, y: WHITE if glyph((x + 0.5) / 192, (y + 0.5) / 192) else ACCENT)
png("outline.png", 32, 32, lambda x, y: WHITE if glyph((x + 0.5) / 32, (y + 0.5) / 32) else CLEAR)
