#!/usr/bin/env python3
"""Shrinks a PNG picture of Stillpoint's window to half its width and height, for the docs.

Usage: python3 tools/png-shrink.py IN.png OUT.png

Each pixel of the result is the average of four; the result is an 8-bit RGB PNG, each row
with the filter that compresses it best, so that the gallery's pictures stay small. Only
Python's standard library is used (zlib), like tools/png-check.py.
"""

from __future__ import annotations

import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(data: bytes):
    """Yields (type, body) of each chunk."""
    at = len(SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        yield kind, data[at + 8 : at + 8 + length]
        at += 12 + length


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read(path: str) -> tuple[int, int, list[bytearray], int]:
    """The width, height, rows of bytes and bytes per pixel of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as file:
        data = file.read()
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a PNG")
    header, compressed = None, b""
    for kind, body in chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
    if header is None:
        raise ValueError(f"{path} has no header")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: only 8-bit RGB or RGBA pictures without interlace")
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(compressed)
    stride = width * size
    rows: list[bytearray] = []
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind = raw[at]
        row = bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        if kind == 1:
            for i in range(size, stride):
                row[i] = (row[i] + row[i - size]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                row[i] = (row[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = row[i - size] if i >= size else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = row[i - size] if i >= size else 0
                corner = previous[i - size] if i >= size else 0
                row[i] = (row[i] + paeth(left, previous[i], corner)) & 0xFF
        rows.append(row)
        previous = row
    return width, height, rows, size


def halve(width: int, height: int, rows: list[bytearray], size: int) -> list[bytearray]:
    """Rows of RGB bytes, half as wide and high, each pixel the mean of four."""
    out = []
    for y in range(0, height - 1, 2):
        top, bottom = rows[y], rows[y + 1]
        row = bytearray()
        for x in range(0, width - 1, 2):
            a, b = x * size, (x + 1) * size
            for channel in range(3):
                total = top[a + channel] + top[b + channel]
                total += bottom[a + channel] + bottom[b + channel]
                row.append((total + 2) >> 2)
        out.append(row)
    return out


def filtered(rows: list[bytearray]) -> bytes:
    """The rows with, for each, the filter (none, sub, up or Paeth) that leaves the
    smallest values."""
    out = bytearray()
    previous = bytearray(len(rows[0]))
    for row in rows:
        candidates = [
            (0, row),
            (1, bytes((row[i] - (row[i - 3] if i >= 3 else 0)) & 0xFF for i in range(len(row)))),
            (2, bytes((row[i] - previous[i]) & 0xFF for i in range(len(row)))),
            (
                4,
                bytes(
                    (
                        row[i]
                        - paeth(
                            row[i - 3] if i >= 3 else 0,
                            previous[i],
                            previous[i - 3] if i >= 3 else 0,
                        )
                    )
                    & 0xFF
                    for i in range(len(row))
                ),
            ),
        ]
        kind, best = min(
            candidates, key=lambda pair: sum(v if v < 128 else 256 - v for v in pair[1])
        )
        out.append(kind)
        out += best
        previous = row
    return bytes(out)


def write(path: str, rows: list[bytearray]) -> None:
    width, height = len(rows[0]) // 3, len(rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(filtered(rows), 9)
    with open(path, "wb") as file:
        file.write(SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        width, height, rows, size = read(sys.argv[1])
        write(sys.argv[2], halve(width, height, rows, size))
    except (OSError, ValueError, zlib.error) as error:
        print(f"png-shrink: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
