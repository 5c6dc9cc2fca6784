"""Locust users for `make load`: signed-in commissioners reading dashboards and register pages and opening
the placement request form, and API clients listing records. Targets only the loopback server that
scripts/load.sh starts; its plan (pages, credentials, token) comes from LOAD_PLAN (JSON file)."""

from __future__ import annotations

import json
import os
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Commissioner(HttpUser):
    """Signs in once, then reads pages (dashboards, children in care, supply) and opens the request form."""

    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        page = self.client.get("/sign-in/", name="sign-in form")
        token = CSRF.search(page.text)
        with self.client.post(
            "/sign-in/",
            data={
                "username": PLAN["email"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/sign-in/"},
            name="sign-in",
            catch_response=True,
        ) as response:
            if "/sign-in/" in response.url:
                response.failure("sign-in did not succeed")

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if "/sign-in/" in response.url:
                response.failure("sent to the sign-in page")

    @task(6)
    def pages(self) -> None:
        for name, path in PLAN["pages"].items():
            self._get(path, name)

    @task(2)
    def request_form(self) -> None:
        for name, path in PLAN["forms"].items():
            self._get(path, name)


class ApiClient(HttpUser):
    """A partner system with a token, paging through list endpoints."""

    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {PLAN['token']}"

    @task
    def lists(self) -> None:
        for name, path in PLAN["api"].items():
            self.client.get(path, name=name)
