"""What a client needs from a transport: start a call, read its frames, cancel it, close.

Two transports implement it, the engine's stdio pipe and the gateway's HTTP endpoints; each comes in
a blocking and an asyncio flavour. ``next_frame`` returns the call's frames as the engine wrote them
(``call_frames`` reads them); it raises only for a failure of the transport itself (the engine died,
the gateway cannot be reached).
"""

from __future__ import annotations

from typing import Any, Protocol


class Call(Protocol):
    def next_frame(self) -> dict[str, Any]:
        """The call's next frame; after its final one (a result or an error) there are none."""
        ...

    def cancel(self) -> None:
        """Ends a call nobody reads any more and aborts it upstream; nothing once it has ended."""
        ...


class Transport(Protocol):
    def start(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> Call: ...

    def close(self) -> None: ...


class AsyncCall(Protocol):
    async def next_frame(self) -> dict[str, Any]: ...

    async def cancel(self) -> None: ...


class AsyncTransport(Protocol):
    async def start(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> AsyncCall: ...

    async def close(self) -> None: ...
