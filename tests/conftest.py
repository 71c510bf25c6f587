"""Shared fixtures. Keep this file small: fixtures only."""
from __future__ import annotations

import pytest

from tests.echo_server import EchoServer


@pytest.fixture(scope="session")
def echo_server():
    """One recording HTTP+HTTPS server on 127.0.0.1 for the whole session.

    Tests call `echo_server.clear()` before each run and read `echo_server.requests()`.
    """
    with EchoServer() as server:
        yield server


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files (expected.*) from the current behaviour")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
