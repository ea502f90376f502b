"""Starts one gateway (tests/python/start_gateway.mjs, over the built dist/) for the session."""

import json
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GATEWAY_KEY = "python-test-key"


@pytest.fixture(scope="session")
def gateway_url():
    if not (ROOT / "dist" / "gateway" / "index.js").exists():
        pytest.fail("dist/ is not built: run `npx tsc -b` (scripts/test-python.sh does it)")
    process = subprocess.Popen(
        ["node", str(HERE / "start_gateway.mjs")],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None,
        env={**os.environ, "GATEWAY_KEY": GATEWAY_KEY},
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        process.kill()
        pytest.fail(f"start_gateway.mjs exited with {process.wait()} before printing its URL")
    yield json.loads(line)["url"]
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
