"""The build hooks of the liter-llm wheel; the project's metadata is in pyproject.toml.

Two kinds of build:
- ``make python-wheel`` (scripts/build-python-wheel.sh) sets LITER_LLM_WHEEL_ENGINE to the standalone
  engine (dist/bin/liter-llm). It is copied to ``liter_llm/_engine/liter-llm`` and the wheel is tagged
  for this platform (``py3-none-linux_x86_64``), since it carries a native executable.
- ``pip install ./python`` from a checkout carries no engine: a pure wheel that records where its
  checkout is (``liter_llm/_engine/checkout``), so find_engine.py uses that checkout's built engine.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

ENGINE_VARIABLE = "LITER_LLM_WHEEL_ENGINE"
CHECKOUT = Path(__file__).resolve().parent.parent


def engine_to_bundle() -> Path | None:
    value = os.environ.get(ENGINE_VARIABLE)
    if not value:
        return None
    engine = Path(value).resolve()
    if not engine.is_file() or not os.access(engine, os.X_OK):
        raise SystemExit(f"{ENGINE_VARIABLE}={value}: not an executable file (make engine-binary writes one)")
    return engine


class BuildWithEngine(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "liter_llm" / "_engine"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        engine = engine_to_bundle()
        if engine is not None:
            shutil.copy2(engine, target / "liter-llm")
        elif (CHECKOUT / "package.json").is_file():
            (target / "checkout").write_text(f"{CHECKOUT}\n", encoding="utf-8")


class DistributionWithEngine(Distribution):
    # A native file inside makes the package platform-specific: its files go to platlib, the wheel's root.
    def has_ext_modules(self) -> bool:
        return engine_to_bundle() is not None


class PlatformWheelWithEngine(bdist_wheel):
    def get_tag(self) -> tuple[str, str, str]:
        python, abi, platform = super().get_tag()
        # Any Python 3 runs it (the package is pure Python); only the engine is tied to the platform.
        return ("py3", "none", platform) if engine_to_bundle() is not None else (python, abi, platform)


setup(distclass=DistributionWithEngine, cmdclass={"build_py": BuildWithEngine, "bdist_wheel": PlatformWheelWithEngine})
