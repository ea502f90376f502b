"""Where the engine comes from: the ``engine`` argument, LITER_LLM_ENGINE, a checkout, then PATH."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from .errors import InternalError

HOW_TO_GET_ONE = (
    "no liter-llm engine found: pass Client(engine='/path/to/liter-llm'), set LITER_LLM_ENGINE, "
    "put liter-llm on PATH, or build a checkout (npx tsc -b) and use its python/ package"
)


def find_engine(engine: str | Sequence[str] | None, env: dict[str, str]) -> list[str]:
    """The command that starts the engine, without ``engine --stdio``."""
    if engine is not None:
        return _command([engine] if isinstance(engine, str) else list(engine))
    configured = env.get("LITER_LLM_ENGINE")
    if configured:
        return _command([configured])
    # python/src/liter_llm/find_engine.py in a checkout: the repository root is four levels up.
    checkout_main = Path(__file__).resolve().parents[3] / "dist" / "cli" / "main.js"
    node = shutil.which("node", path=env.get("PATH"))
    if checkout_main.is_file() and node:
        return [node, str(checkout_main)]
    on_path = shutil.which("liter-llm", path=env.get("PATH"))
    if on_path:
        return [on_path]
    raise InternalError(HOW_TO_GET_ONE)


def _command(command: list[str]) -> list[str]:
    # A bare main.js (from a checkout) runs under node.
    if len(command) == 1 and command[0].endswith(".js"):
        node = shutil.which("node")
        if not node:
            raise InternalError(f"the engine {command[0]} is a JavaScript file and needs node on PATH")
        return [node, command[0]]
    if not command or not command[0]:
        raise InternalError("engine: expected a path or a command, got an empty one")
    if os.sep not in command[0] and shutil.which(command[0]) is None:
        raise InternalError(f"engine: {command[0]!r} is not on PATH; {HOW_TO_GET_ONE}")
    return command
