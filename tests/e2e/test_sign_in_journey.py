"""Signing in: a wrong password, two-factor enrolment and verification (as a person with an authenticator
app would do it: typing the key shown on the page), signing out, keyboard-only sign-in, and the harness's
own check that axe finds what it should."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ADMINISTRATOR = "e2e.administrator@demo.sufficiency.invalid"
COMMISSIONER = "commissioner@demo.sufficiency.invalid"


def totp(secret_base32: str, counter: int) -> str:
    """RFC 6238 code (SHA-1, 6 digits, 30-second steps): what an authenticator app shows."""
    secret = secret_base32.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def test_wrong_password_shows_an_error_without_saying_which_field(page: Page, sign_in, a11y) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    a11y(page, "Sign in")
    sign_in(page, COMMISSIONER, "not-the-password", expect_home=False)
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    a11y(page, "Sign in with an error")


def test_administrator_enrols_two_factor_then_signs_in_with_a_code(page: Page, sign_in, a11y) -> None:
    sign_in(page, ADMINISTRATOR, expect_home=False)
    # Administrators must set up two-factor authentication before any other page.
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    a11y(page, "Two-factor setup")
    page.goto("/authorities/336/imports/")
    expect(page).to_have_url(re.compile("/account/two-factor/setup/"))

    page.get_by_text("I cannot scan the QR code").click()
    details = page.locator(".govuk-details__text").inner_text()
    secret = re.search(r"key:\s*([A-Z2-7 ]+)", details).group(1).strip()

    page.get_by_label("Code from your authenticator app").fill(
        "000000" if totp(secret, 0) != "000000" else "1"
    )
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    a11y(page, "Two-factor setup with an error")
    time.sleep(1.5)  # django-otp throttles: after a wrong code, the next try must wait a second

    enrolled_at = int(time.time()) // 30
    page.get_by_label("Code from your authenticator app").fill(totp(secret, enrolled_at))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Data imports")).to_be_visible()  # back where they were going

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile("/sign-in/"))

    sign_in(page, ADMINISTRATOR, expect_home=False)
    expect(page).to_have_url(re.compile("/account/two-factor/verify/"))
    a11y(page, "Two-factor verify")
    # A code is accepted once: use the next 30-second step's (django-otp tolerates one step of drift).
    now = int(time.time()) // 30
    page.get_by_label("Code from your authenticator app").fill(totp(secret, max(now, enrolled_at + 1)))
    page.get_by_role("button", name=re.compile("Continue|Verify|Sign in", re.I)).click()
    expect(page.get_by_role("heading", name="Your authorities")).to_be_visible()


def test_keyboard_only_sign_in_and_navigation(page: Page, keyboard, a11y) -> None:
    """Skip link first; Tab through the sign-in form; Enter submits; Tab and Enter reach the register."""
    page.goto("/sign-in/")
    first = keyboard.tab(page)
    assert "govuk-skip-link" in first["cls"], f"the first Tab stop must be the skip link, not {first}"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))  # waits: the jump may land after the key press

    keyboard.tab_to(page, lambda f: f["tag"] == "input" and f["type"] == "email")
    page.keyboard.type(COMMISSIONER)
    keyboard.tab(page)
    assert keyboard.focused(page)["type"] == "password"
    page.keyboard.type("sufficiency-demo-2026")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your authorities")).to_be_visible()

    keyboard.tab_to(page, lambda f: (f["href"] or "").endswith("/authorities/335/children/"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Children in care")
    keyboard.tab_to(page, lambda f: (f["href"] or "").endswith("/authorities/335/supply/"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/authorities/335/supply/$"))
    assert len(keyboard.stops) > 5


def test_axe_harness_reports_violations(page: Page) -> None:
    """The accessibility check itself: a page with an unlabelled field and no language must fail axe."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.e2e.conftest import AXE_TAGS

    page.set_content(
        "<html><head><title>x</title></head><body><main><input type='text'></main></body></html>"
    )
    violations = (
        Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}).response["violations"]
    )
    found = {v["id"]: v["impact"] for v in violations}
    assert found.get("label") == "critical", found
    assert found.get("html-has-lang") == "serious", found
