import pytest

from tests.web.test_field_report_flow import PHONE, open_page, sign_in  # noqa
from vigil.indicators.services import load_indicator_set, shipped_set_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(open_page, live_server, reference_geography, personas):
    for path in shipped_set_paths():
        load_indicator_set(path=path)
    base = live_server.url
    m = open_page(PHONE)
    sign_in(m, base, "monitor")
    m.goto(base + "/observations/new/")
    m.screenshot(path="/tmp/obs0.png", full_page=True)
    m.goto(base + "/observations/new/?set=cewarn-conflict-peace")
    m.screenshot(path="/tmp/obs1.png", full_page=False)
    m.get_by_role("button", name="Send the observation").click()
    m.screenshot(path="/tmp/obs2.png", full_page=False)
