"""``import liter_llm`` is fast: the HTTP and asyncio paths load only when used."""

from __future__ import annotations

import subprocess
import sys


def import_microseconds() -> int:
    """The cumulative import time of liter_llm in a fresh interpreter (``python -X importtime``)."""
    finished = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import liter_llm"], capture_output=True, text=True, check=True
    )
    line = [line for line in finished.stderr.splitlines() if line.rstrip().endswith("| liter_llm")][-1]
    return int(line.split("|")[1])


def test_import_takes_under_100_ms() -> None:
    # The best of a few runs: the machine running the tests is busy with other work.
    assert min(import_microseconds() for _ in range(5)) < 100_000


def test_import_loads_neither_asyncio_nor_http_client_until_used() -> None:
    script = (
        "import sys, liter_llm\n"
        "heavy = ['asyncio', 'http.client', 'ssl', 'liter_llm.http_transport']\n"
        "print([name for name in heavy if name in sys.modules])\n"
        "liter_llm.AsyncClient\n"
        "liter_llm.Client(base_url='http://127.0.0.1:9')\n"
        "print([name for name in heavy if name in sys.modules])\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert finished.stdout.splitlines() == ["[]", str(["asyncio", "http.client", "ssl", "liter_llm.http_transport"])]
