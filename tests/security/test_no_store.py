"""No page a signed-in person sees, and no download, may be kept by a browser or proxy cache."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from sufficiency.accounts.middleware import NoStoreMiddleware

pytestmark = pytest.mark.django_db


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "") and response.get("Pragma") == "no-cache"


def test_pages_for_a_signed_in_person_are_not_stored(client, la_user):
    client.force_login(la_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert _no_store(response)
    assert "private" in response["Cache-Control"]


def test_redirects_for_a_signed_in_person_are_not_stored(client, la_user):
    client.force_login(la_user)
    response = client.get(reverse("login"))  # signed in already: redirected home
    assert response.status_code == 302
    assert _no_store(response)


def test_csv_download_is_not_stored(client, la_user):
    client.force_login(la_user)
    response = client.get(reverse("dashboards:csv", kwargs={"code": "335", "page": "overview", "key": "mix"}))
    assert _no_store(response)


def test_any_attachment_is_not_stored_even_for_an_anonymous_caller():
    def view(request):
        response = HttpResponse("a,b\n1,2\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    request = RequestFactory().get("/x.csv")
    response = NoStoreMiddleware(view)(request)
    assert _no_store(response)


def test_anonymous_public_page_keeps_default_caching(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_keep_their_own_caching(settings, la_user):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new handler, so WhiteNoise reads the settings above
    client.force_login(la_user)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


def test_api_answers_to_a_token_are_not_stored(client, walsall):
    from sufficiency.api.services import api_client_create

    _, token = api_client_create(authority=walsall, name="Client 335", scopes=["read:aggregate"])
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert _no_store(response)
    assert response["ETag"]  # conditional requests still work for clients that send If-None-Match
