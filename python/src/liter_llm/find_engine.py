"""Where the engine comes from, in the order every binding uses (the Go binding too):

1. the ``engine`` argument, 2. LITER_LLM_ENGINE, 3. the engine this package carries
(``liter_llm/_engine/liter-llm``, in the wheel ``make python-wheel`` builds), 4. a checkout's
``dist/bin/liter-llm``, then ``node <checkout>/dist/cli/main.js``, 5. ``liter-llm`` on PATH.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from .errors import InternalError

HOW_TO_GET_ONE = (
    "no liter-llm engine found: install the wheel that carries one (make python-wheel, then "
    "pip install dist/wheels/*.whl), or build one in a checkout (make engine-binary writes "
    "dist/bin/liter-llm) and pass Client(engine='/path/to/liter-llm') or set LITER_LLM_ENGINE, "
    "or put liter-llm on PATH"
)

ENGINE_NAME = "liter-llm"


def find_engine(engine: str | Sequence[str] | None, env: dict[str, str]) -> list[str]:
    """The command that starts the engine, without ``engine --stdio``."""
    if engine is not None:
        return _command([engine] if isinstance(engine, str) else list(engine), env)
    configured = env.get("LITER_LLM_ENGINE")
    if configured:
        return _command([configured], env)
    package = Path(__file__).resolve().parent
    bundled = package / "_engine" / ENGINE_NAME
    if _is_executable(bundled):
        return [str(bundled)]
    node = shutil.which("node", path=env.get("PATH"))
    for checkout in _checkouts(package):
        binary = checkout / "dist" / "bin" / ENGINE_NAME
        if _is_executable(binary):
            return [str(binary)]
        main_js = checkout / "dist" / "cli" / "main.js"
        if main_js.is_file() and node:
            return [node, str(main_js)]
    on_path = shutil.which(ENGINE_NAME, path=env.get("PATH"))
    if on_path:
        return [on_path]
    raise InternalError(HOW_TO_GET_ONE)


def _checkouts(package: Path) -> list[Path]:
    """The repositories this package may sit in: its own (an editable install) and the one it was built from."""
    found: list[Path] = []
    # python/src/liter_llm/ in a checkout: the repository root is three levels up.
    if len(package.parents) > 2:
        found.append(package.parents[2])
    # A non-editable `pip install ./python` copies the package away from its checkout; the build
    # (python/setup.py) writes down where that checkout is.
    recorded = package / "_engine" / "checkout"
    if recorded.is_file():
        found.append(Path(recorded.read_text(encoding="utf-8").strip()))
    return [root for root in found if (root / "package.json").is_file()]


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _command(command: list[str], env: dict[str, str]) -> list[str]:
    if not command or not command[0]:
        raise InternalError("engine: expected a path or a command, got an empty one")
    # A bare main.js (from a checkout) runs under node.
    if len(command) == 1 and command[0].endswith(".js"):
        node = shutil.which("node", path=env.get("PATH"))
        if not node:
            raise InternalError(f"the engine {command[0]} is a JavaScript file and needs node on PATH")
        return [node, command[0]]
    if os.sep not in command[0] and shutil.which(command[0], path=env.get("PATH")) is None:
        raise InternalError(f"engine: {command[0]!r} is not on PATH; {HOW_TO_GET_ONE}")
    return command
