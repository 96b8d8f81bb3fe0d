#!/usr/bin/env python3
"""Fails unless a PNG picture of Stillpoint's window shows a scene, not a blank window.

Usage: python3 tools/png-check.py PICTURE.png [...]

A blank or black window has one colour, or a handful; a rendered scene has a sky gradient,
water, hills and captions: hundreds of colours and a spread of brightness. Only Python's
standard library is used (zlib), so the check runs on any machine that has Python.
"""

from __future__ import annotations

import statistics
import struct
import sys
import zlib

MIN_COLOURS = 64
MIN_LUMA_SPREAD = 4.0


def decode(path: str) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit RGB(A) PNG."""
    with open(path, "rb") as file:
        data = file.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    position, idat = 8, b""
    width = height = channels = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour_type not in (2, 6):
                raise ValueError(f"unsupported PNG (bit depth {depth}, colour type {colour_type})")
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            up_left = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                nearest = min(
                    (abs(estimate - left), 0, left),
                    (abs(estimate - up), 1, up),
                    (abs(estimate - up_left), 2, up_left),
                )[2]
                line[x] = (line[x] + nearest) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def check(path: str) -> str | None:
    """None when the picture shows a scene, else what is wrong with it."""
    try:
        width, height, channels, rows = decode(path)
    except (OSError, ValueError, zlib.error, struct.error) as error:
        return f"cannot read it: {error}"
    colours, lumas = set(), []
    for row in rows[::4]:
        for x in range(0, width * channels, channels * 4):
            red, green, blue = row[x], row[x + 1], row[x + 2]
            colours.add((red, green, blue))
            lumas.append(0.2126 * red + 0.7152 * green + 0.0722 * blue)
    spread = statistics.pstdev(lumas) if lumas else 0.0
    if len(colours) < MIN_COLOURS or spread < MIN_LUMA_SPREAD:
        return f"looks blank: {len(colours)} colours, brightness spread {spread:.1f}"
    print(f"{path}: {width}x{height}, {len(colours)} colours, brightness spread {spread:.1f}")
    return None


def main() -> int:
    problems = [(path, check(path)) for path in sys.argv[1:]]
    for path, problem in problems:
        if problem:
            print(f"{path}: {problem}", file=sys.stderr)
    return 1 if not sys.argv[1:] or any(problem for _, problem in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
