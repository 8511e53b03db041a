"""Content-Encoding decoding that stops at a size cap.

A few kilobytes of gzip can expand to gigabytes (a "gzip bomb"); letting the HTTP library decode
would allocate it all. The decoder here asks zlib for at most the remaining allowance on each
step, so memory stays bounded by the cap whatever the input.
"""

from __future__ import annotations

import zlib


class DecodeError(Exception):
    """The body is not valid for its Content-Encoding, or the encoding is not one we asked for."""


class TooLarge(Exception):
    """The decoded body would exceed the cap."""


class CappedDecoder:
    """Feed raw chunks, get decoded bytes; raises TooLarge past `limit` decoded bytes."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        self.encoding = _normalise(encoding)
        self.limit = limit
        self.produced = 0
        self._zlib: zlib._Decompress | None = None
        self._pending = b""  # deflate: bytes held until we know whether there is a zlib header

    def feed(self, chunk: bytes) -> bytes:
        if self.encoding == "identity":
            return self._count(chunk)
        if self._zlib is None:
            self._pending += chunk
            if self.encoding == "deflate" and len(self._pending) < 2:
                return b""
            self._zlib = zlib.decompressobj(self._wbits(self._pending))
            chunk, self._pending = self._pending, b""
        return self._inflate(chunk)

    def finish(self) -> bytes:
        if self.encoding == "identity":
            return b""
        if self._zlib is None:
            if not self._pending:
                return b""  # an empty body is a valid empty response
            self._zlib = zlib.decompressobj(self._wbits(self._pending))
            tail = self._inflate(self._pending)
        else:
            tail = b""
        try:
            tail += self._count(self._zlib.flush())
        except zlib.error as exc:
            raise DecodeError(f"corrupt {self.encoding} body: {exc}") from exc
        if not self._zlib.eof:
            raise DecodeError(f"truncated {self.encoding} body")
        return tail

    def _inflate(self, data: bytes) -> bytes:
        assert self._zlib is not None
        out: list[bytes] = []
        try:
            while data:
                if self._zlib.eof:
                    if self.encoding != "gzip" or not data.strip(b"\0"):
                        break  # trailing padding after the stream: ignored
                    self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)  # another gzip member
                piece = self._zlib.decompress(data, self.limit - self.produced + 1)
                out.append(self._count(piece))
                data = self._zlib.unconsumed_tail or self._zlib.unused_data
        except zlib.error as exc:
            raise DecodeError(f"corrupt {self.encoding} body: {exc}") from exc
        return b"".join(out)

    def _count(self, piece: bytes) -> bytes:
        self.produced += len(piece)
        if self.produced > self.limit:
            raise TooLarge(f"decompressed body exceeds {self.limit} bytes")
        return piece

    def _wbits(self, head: bytes) -> int:
        if self.encoding == "gzip":
            return 16 + zlib.MAX_WBITS
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        if len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0:
            return zlib.MAX_WBITS
        return -zlib.MAX_WBITS


def _normalise(encoding: str | None) -> str:
    value = (encoding or "identity").strip().lower()
    if value in ("", "identity"):
        return "identity"
    if value in ("gzip", "x-gzip"):
        return "gzip"
    if value == "deflate":
        return "deflate"
    raise DecodeError(f"unsupported Content-Encoding {encoding!r} (we only accept gzip and deflate)")
