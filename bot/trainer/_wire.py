"""Messages between the bot and the worker: length-prefixed JSON frames over a socket.

Not pickle: the worker runs untrusted lesson code, and unpickling what it sends would run its code in the
bot. The bot reads without blocking (`FrameReader`), so a worker that sends half a frame and stops cannot
stall the event loop. Pure Python: both processes import it.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

_HEADER = struct.Struct(">I")
# Largest frame either side accepts: a CLI run keeps up to 1,000,000 characters of output three ways.
MAX_FRAME_BYTES = 64 * 1024 * 1024


class WireError(Exception):
    """The other side sent something that is not a well-formed message."""


def encode(message: list[Any] | tuple[Any, ...]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), allow_nan=True).encode()
    if len(body) > MAX_FRAME_BYTES:
        raise WireError(f"message of {len(body)} bytes is over the {MAX_FRAME_BYTES} byte limit")
    return _HEADER.pack(len(body)) + body


def _decode(body: bytes) -> list[Any]:
    try:
        message = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(message, list) or not message or not isinstance(message[0], str):
        raise WireError("a message is a list that starts with its kind")
    return message


class FrameReader:
    """Collects bytes from a non-blocking socket and yields the complete messages."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[list[Any]]:
        self._buffer += data
        messages = []
        while len(self._buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self._buffer)
            if size > MAX_FRAME_BYTES:
                raise WireError(f"frame of {size} bytes is over the {MAX_FRAME_BYTES} byte limit")
            if len(self._buffer) < _HEADER.size + size:
                break
            body = bytes(self._buffer[_HEADER.size : _HEADER.size + size])
            del self._buffer[: _HEADER.size + size]
            messages.append(_decode(body))
        return messages


class BlockingChannel:
    """The worker's side: blocking send and receive of whole messages."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def send(self, message: list[Any] | tuple[Any, ...]) -> None:
        self.sock.sendall(encode(message))

    def _read_exactly(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self.sock.recv(min(size - len(chunks), 1 << 20))
            if not chunk:
                raise EOFError("the other side closed the channel")
            chunks += chunk
        return bytes(chunks)

    def recv(self) -> list[Any]:
        (size,) = _HEADER.unpack(self._read_exactly(_HEADER.size))
        if size > MAX_FRAME_BYTES:
            raise WireError(f"frame of {size} bytes is over the {MAX_FRAME_BYTES} byte limit")
        return _decode(self._read_exactly(size))
