"""Behind the proxies named by TRUSTED_PROXIES the sign-in throttle counts each staff member's
own address, not the proxy's (else five wrong tries would lock out every member of staff); with
none trusted, an X-Forwarded-For header is ignored, so it cannot be used to dodge the count."""
from __future__ import annotations

import dataclasses

import pytest

from .helpers import PASSWORD

PROXY = "10.0.0.2"


def _try(browser, username: str, password: str, client_address: str):
    browser.get("/admin/sign-in")
    return browser.post("/admin/sign-in", {"username": username, "password": password},
                        environ_base={"REMOTE_ADDR": PROXY,
                                      "HTTP_X_FORWARDED_FOR": client_address})


def _five_wrong_from(browser, client_address: str) -> None:
    for username in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5"):
        assert _try(browser, username, "wrong", client_address).status_code == 401


class TestBehindOneTrustedProxy:
    @pytest.fixture
    def settings(self, settings):
        return dataclasses.replace(settings, trusted_proxies=1)

    def test_one_computers_failures_do_not_lock_out_the_others(self, browser):
        _five_wrong_from(browser, "198.51.100.7")
        assert _try(browser, "leeds", PASSWORD, "198.51.100.7").status_code == 429
        assert _try(browser, "leeds", PASSWORD, "198.51.100.8").status_code == 302


class TestWithNoProxyTrusted:
    def test_a_forwarded_address_cannot_dodge_the_count(self, browser):
        _five_wrong_from(browser, "198.51.100.7")
        assert _try(browser, "leeds", PASSWORD, "198.51.100.8").status_code == 429
