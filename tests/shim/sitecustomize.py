"""Imported at start-up by every Python the tests start (tests/conftest.py puts this folder on PYTHONPATH):
the `manyi` commands, gunicorn. The app's instance folder (where `manyi demo` writes config.py and qr/, and
a command run without a chain key writes chain.key) is then MANYI_TEST_INSTANCE, a temporary folder, never
the checkout's instance/. Flask is patched when something imports it, not before (tests/test_architecture.py
checks that importing analysis loads no Flask)."""
import importlib.abc
import importlib.util
import os
import sys


def _patch(flask_app) -> None:
    folder = os.environ["MANYI_TEST_INSTANCE"]
    flask_app.Flask.auto_find_instance_path = lambda self: folder


class _WhenFlaskLoads(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "flask.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _patch(module)
        spec.loader.exec_module = exec_module
        return spec


def use_test_instance() -> None:
    if not os.environ.get("MANYI_TEST_INSTANCE"):
        return
    if "flask.app" in sys.modules:
        _patch(sys.modules["flask.app"])
    elif not any(isinstance(finder, _WhenFlaskLoads) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WhenFlaskLoads())


use_test_instance()
