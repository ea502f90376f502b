"""The protocol's framing (docs/protocol.md): a 4-byte big-endian length, then UTF-8 JSON."""

from __future__ import annotations

import json
import struct
from typing import IO, Any

_LENGTH = struct.Struct(">I")


def encode_frame(frame: dict[str, Any]) -> bytes:
    body = json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return _LENGTH.pack(len(body)) + body


def read_frame(stream: IO[bytes]) -> dict[str, Any] | None:
    """The next frame, or None at the end of the stream (the engine exited)."""
    header = _read_exactly(stream, _LENGTH.size)
    if header is None:
        return None
    (length,) = _LENGTH.unpack(header)
    body = _read_exactly(stream, length)
    if body is None:
        return None
    frame = json.loads(body.decode("utf-8"))
    if not isinstance(frame, dict):
        raise ValueError(f"the engine sent a frame that is not a JSON object: {body[:80]!r}")
    return frame


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
