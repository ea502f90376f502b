"""find_engine's lookup order: argument, LITER_LLM_ENGINE, bundled, checkout (binary, then node), PATH.

Each test lays out a fake install in a temporary directory (the package's own folder, a checkout, a
PATH directory) and points the module's ``__file__`` at it, so the real checkout around these tests
does not count.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from liter_llm import find_engine as module
from liter_llm.errors import InternalError


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class Layout:
    """A package folder inside a checkout (python/src/liter_llm), and an empty PATH directory."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.checkout = tmp_path / "checkout"
        self.package = self.checkout / "python" / "src" / "liter_llm"
        self.package.mkdir(parents=True)
        (self.checkout / "package.json").write_text("{}", encoding="utf-8")
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        monkeypatch.setattr(module, "__file__", str(self.package / "find_engine.py"))

    @property
    def env(self) -> dict[str, str]:
        return {"PATH": str(self.bin)}

    def find(self, engine: str | list[str] | None = None, **env: str) -> list[str]:
        return module.find_engine(engine, {**self.env, **env})


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    return Layout(tmp_path, monkeypatch)


def test_the_argument_comes_first(layout: Layout, tmp_path: Path) -> None:
    executable(layout.package / "_engine" / "liter-llm")
    given = executable(tmp_path / "given" / "liter-llm")
    assert layout.find(str(given), LITER_LLM_ENGINE="/elsewhere/liter-llm") == [str(given)]
    executable(layout.bin / "my-launcher")
    assert layout.find(["my-launcher", "--flag"], LITER_LLM_ENGINE="/elsewhere") == ["my-launcher", "--flag"]


def test_liter_llm_engine_comes_before_the_bundled_engine(layout: Layout, tmp_path: Path) -> None:
    executable(layout.package / "_engine" / "liter-llm")
    configured = executable(tmp_path / "configured" / "liter-llm")
    assert layout.find(LITER_LLM_ENGINE=str(configured)) == [str(configured)]


def test_the_bundled_engine_comes_before_the_checkout(layout: Layout) -> None:
    bundled = executable(layout.package / "_engine" / "liter-llm")
    executable(layout.checkout / "dist" / "bin" / "liter-llm")
    assert layout.find() == [str(bundled)]


def test_a_bundled_file_that_cannot_run_is_passed_over(layout: Layout) -> None:
    (layout.package / "_engine").mkdir()
    (layout.package / "_engine" / "liter-llm").write_text("not executable", encoding="utf-8")
    binary = executable(layout.checkout / "dist" / "bin" / "liter-llm")
    assert layout.find() == [str(binary)]


def test_the_checkout_binary_comes_before_node_and_main_js(layout: Layout) -> None:
    executable(layout.bin / "node")
    main_js = layout.checkout / "dist" / "cli" / "main.js"
    main_js.parent.mkdir(parents=True)
    main_js.write_text("", encoding="utf-8")
    assert layout.find() == [str(layout.bin / "node"), str(main_js)], "no binary built: node runs main.js"
    binary = executable(layout.checkout / "dist" / "bin" / "liter-llm")
    assert layout.find() == [str(binary)]


def test_main_js_needs_node_on_path(layout: Layout) -> None:
    main_js = layout.checkout / "dist" / "cli" / "main.js"
    main_js.parent.mkdir(parents=True)
    main_js.write_text("", encoding="utf-8")
    on_path = executable(layout.bin / "liter-llm")
    assert layout.find() == [str(on_path)], "without node, the checkout's main.js is skipped"


def test_a_copied_install_finds_the_checkout_it_was_built_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `pip install ./python` copies the package into site-packages; the build wrote its checkout down.
    checkout = tmp_path / "checkout"
    (checkout / "dist" / "bin").mkdir(parents=True)
    (checkout / "package.json").write_text("{}", encoding="utf-8")
    binary = executable(checkout / "dist" / "bin" / "liter-llm")
    package = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "liter_llm"
    (package / "_engine").mkdir(parents=True)
    (package / "_engine" / "checkout").write_text(f"{checkout}\n", encoding="utf-8")
    monkeypatch.setattr(module, "__file__", str(package / "find_engine.py"))
    assert module.find_engine(None, {"PATH": str(tmp_path)}) == [str(binary)]


def test_path_comes_last(layout: Layout) -> None:
    on_path = executable(layout.bin / "liter-llm")
    assert layout.find() == [str(on_path)]


def test_none_found_says_how_to_get_one(layout: Layout) -> None:
    with pytest.raises(InternalError) as caught:
        layout.find()
    message = str(caught.value)
    for way in ("make engine-binary", "LITER_LLM_ENGINE", "pip install dist/wheels/*.whl", "PATH"):
        assert way in message


def test_a_bare_main_js_runs_under_the_environments_node(layout: Layout, tmp_path: Path) -> None:
    with pytest.raises(InternalError, match="needs node on PATH"):
        layout.find(str(tmp_path / "main.js"))
    node = executable(layout.bin / "node")
    assert layout.find(str(tmp_path / "main.js")) == [str(node), str(tmp_path / "main.js")]
