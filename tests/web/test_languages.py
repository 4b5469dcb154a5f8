"""Vigil's languages: the switcher, the active language's pages, and the catalogues behind them.

The interface is complete in English and French; Portuguese and Arabic (right-to-left) are
promised on the public pages, events, risk, navigation, alerts and products, and Spanish on
the public pages (each is in fact further along: see docs/languages.md). The catalogue tests read
the committed .po and .mo files themselves, so a string added without its French translation,
or a translation not recompiled, fails here rather than in front of a French-speaking analyst.
"""

from __future__ import annotations

import datetime as dt
import re
from fnmatch import fnmatch
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import EventFactory, OrganisationFactory
from tests.personas import Personas
from vigil.events.choices import Category

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))

# Where each language must be complete: every entry with an occurrence matching one of these
# patterns is translated. French is complete everywhere; Portuguese and Arabic cover what the
# public and most readers see first (navigation, events, risk, sharing marks, sign-in).
PUBLIC_PAGES = [
    "src/vigil/web/*",
    "src/vigil/events/*",
    "src/vigil/risk/*",
    "src/vigil/sharing/choices.py",
    "src/vigil/*/templates/*/nav.html",
    "src/vigil/roster/templates/roster/_roster_nav.html",
    "src/vigil/actors/templates/registration/login.html",
]
# Products and alerts reach readers in Portuguese and Arabic too (issue 5), and so do the
# dissemination e-mails that announce them.
PRODUCTS_AND_ALERTS = ["src/vigil/alerts/*", "src/vigil/reports/*", "src/vigil/dissemination/*"]
COMPLETE_WHERE = {
    "fr": ["src/vigil/*"],
    "pt": PUBLIC_PAGES + PRODUCTS_AND_ALERTS,
    "ar": PUBLIC_PAGES + PRODUCTS_AND_ALERTS,
    "es": PUBLIC_PAGES,
}

# A translation must keep every placeholder of its source, or the page shows a raw %(name)s
# or raises KeyError. (A plural's singular may drop the count: "one event" for "%s event".)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def _language(path: Path) -> str:
    return path.parts[-3]


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _translations(catalogue: polib.POFile | polib.MOFile) -> dict[tuple, object]:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries, keyed by context and id."""
    found: dict[tuple, object] = {}
    for entry in catalogue:
        # A .mo has no fuzzy or obsolete entries, and its header is the empty msgid.
        skipped = getattr(entry, "obsolete", False) or getattr(entry, "fuzzy", False)
        if skipped or not entry.msgid or not _is_translated(entry):
            continue
        text = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
        found[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = text
    return found


def test_every_catalogue_language_is_offered() -> None:
    offered = {code for code, _name in settings.LANGUAGES}

    assert offered == {"en", "fr", "pt", "ar", "es"}
    assert {_language(path) for path in CATALOGUES} == offered - {"en"}
    assert {path.name for path in CATALOGUES} == {"django.po", "djangojs.po"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_catalogue_has_no_fuzzy_entry(path: Path) -> None:
    # A fuzzy entry is a guess msgmerge made from a similar string; Django ignores it, so the
    # reader silently gets English. Every one must be reviewed and its flag removed.
    fuzzy = [entry.msgid for entry in polib.pofile(str(path)).fuzzy_entries()]

    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_catalogue_is_complete_where_its_language_promises(path: Path) -> None:
    patterns = COMPLETE_WHERE[_language(path)]
    catalogue = polib.pofile(str(path))

    missing = [
        f"{entry.occurrences[0][0]}:{entry.occurrences[0][1]} {entry.msgid!r}"
        for entry in catalogue
        if not entry.obsolete
        and not _is_translated(entry)
        and any(fnmatch(file, pattern) for file, _line in entry.occurrences for pattern in patterns)
    ]

    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_translations_keep_the_placeholders_of_their_source(path: Path) -> None:
    broken = []
    for entry in polib.pofile(str(path)).translated_entries():
        source = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            found = set(PLACEHOLDER.findall(text))
            if found - source or (not entry.msgid_plural and found != source):
                broken.append((entry.msgid, text))

    assert broken == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: "/".join(path.parts[-3:]))
def test_compiled_catalogue_matches_its_source(path: Path) -> None:
    # The .mo files are committed so that a fresh machine needs no gettext at runtime; this
    # fails when a .po was edited and `vigil compilemessages` was not run afterwards.
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run vigil compilemessages"

    assert _translations(polib.mofile(str(compiled))) == _translations(polib.pofile(str(path)))


# --- Pages in the active language -----------------------------------------------------------


@pytest.fixture
def french_analyst_client(client: Client, personas: Personas) -> Client:
    client.force_login(personas.analyst)
    return client


@pytest.mark.django_db
def test_french_interface_shows_french_navigation_and_labels(
    french_analyst_client: Client, reference_geography: None
) -> None:
    EventFactory(country_id="NGA", date_start=dt.date(2019, 7, 1), category=Category.RIOT)

    response = french_analyst_client.get(reverse("web:events"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    for french in (
        ">Événements</a>",
        ">Mes signalements</a>",
        ">Mes observations</a>",
        ">Risque</a>",
        ">Se déconnecter</button>",
        "Filtrer les événements",
        "Toutes les sources",
        ">Émeute</option>",
        "Changer de langue",
    ):
        assert french in html, french
    for english in (">My reports</a>", ">Sign out</button>", "Filter events"):
        assert english not in html, english


@pytest.mark.django_db
def test_language_cookie_wins_over_the_browser_language(
    client: Client, reference_geography: None
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = client.get(reverse("web:events"), HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert ">الأحداث</a>" in html


@pytest.mark.django_db
def test_switcher_lists_each_language_in_its_own_name_with_the_current_one_selected(
    client: Client, reference_geography: None
) -> None:
    response = client.get(reverse("web:events"), HTTP_ACCEPT_LANGUAGE="pt")

    html = response.content.decode()
    switcher = re.search(r'<form class="language-switcher".*?</form>', html, re.S)
    assert switcher is not None
    options = re.findall(
        r'<option value="(\w+)" lang="\w+"( selected)?>([^<]+)</option>', switcher[0]
    )
    assert options == [
        ("en", "", "English"),
        ("fr", "", "Français"),
        ("pt", " selected", "Português"),
        ("ar", "", "العربيّة"),
        ("es", "", "Español"),
    ]
    assert f'action="{reverse("set_language")}"' in switcher[0]
    assert 'name="csrfmiddlewaretoken"' in switcher[0]


@pytest.mark.django_db
def test_set_language_stores_the_choice_and_returns_to_the_page(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "pt", "next": "/risk/"})

    assert response.status_code == 302
    assert response["Location"] == "/risk/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "pt"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60


@pytest.mark.django_db
def test_set_language_never_redirects_off_site(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://attacker.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


@pytest.mark.django_db
def test_javascript_catalogue_follows_the_active_language(client: Client) -> None:
    response = client.get(reverse("web:jsi18n"), {"language": "fr"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    body = response.content.decode()
    # The catalogue is JSON inside JavaScript, so accented letters arrive as \\u escapes.
    assert '"Full record": "Fiche compl\\u00e8te"' in body
    assert '"plural": "(n > 1)"' in body or "(n > 1)" in body


@pytest.mark.django_db
def test_events_page_asks_for_the_catalogue_of_its_own_language(
    client: Client, reference_geography: None
) -> None:
    # The catalogue is cached for an hour, by browsers too: one address per language, so a
    # reader who switches language never gets the previous language's strings from the cache.
    response = client.get(reverse("web:events"), HTTP_ACCEPT_LANGUAGE="ar")

    assert f'src="{reverse("web:jsi18n")}?language=ar"' in response.content.decode()


# --- In a real browser ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_switching_to_arabic_lays_the_page_out_right_to_left(
    page: Page, live_server, reference_geography: None, tmp_path: Path
) -> None:
    # Given the events page in English
    page.goto(live_server.url + "/")
    expect(page.locator("#events-browser")).to_have_attribute("data-state", "ready")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    name_left_to_right = page.locator(".site-name").bounding_box()
    assert name_left_to_right is not None
    assert name_left_to_right["x"] < header["width"] / 2

    # when the reader chooses Arabic with the switcher
    page.select_option("#language-select", "ar")
    with page.expect_navigation():
        page.locator(".language-switcher button").click()
    expect(page.locator("#events-browser")).to_have_attribute("data-state", "ready")

    # then the document is Arabic and right-to-left, and the layout is mirrored
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.url == live_server.url + "/"
    expect(page.locator(".site-header nav")).to_contain_text("الأحداث")
    name_right_to_left = page.locator(".site-name").bounding_box()
    assert name_right_to_left is not None
    assert name_right_to_left["x"] > header["width"] / 2
    # and the strings the page's JavaScript writes come from the Arabic catalogue too.
    expect(page.locator("#summary")).to_contain_text("لا توجد أحداث")
    expect(page.locator("#language-select")).to_have_value("ar")

    screenshot = tmp_path / "events-ar.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000


@pytest.mark.django_db
def test_french_country_chart_keeps_its_svg_numbers_unlocalised(
    client: Client, reference_geography: None, personas: Personas
) -> None:
    # French writes 17,5 for 17.5; an SVG length written that way is invalid and the bar
    # disappears, so the chart's numbers must stay out of number localisation.
    from tests.risk.test_views import make_run
    from vigil.sharing.choices import TLP

    make_run(OrganisationFactory(slug="vigil-platform"), TLP.CLEAR, deaths=111)
    for month, deaths in ((1, 3), (2, 12), (3, 7)):
        EventFactory(country_id="NGA", date_start=dt.date(2014, month, 10), fatalities_best=deaths)

    response = client.get(reverse("risk:country", args=["NGA"]), HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert "Décès par mois" in html
    bars = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', html)
    assert len(bars) >= 3
    for bar in bars:
        assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in bar), bar
