"""The country-year panel: incidence, onset, deaths and history features."""

from __future__ import annotations

import pandas as pd
import pytest

from vigil.analytics import conflict_years as cy


@pytest.fixture
def states(tmp_path):
    path = tmp_path / "gw.csv"
    path.write_text(
        "gwcode,stateabb,statename,startdate,enddate\n"
        "651,EGY,Egypt,1990-01-01,2017-12-31\n"
        "652,SYR,Syria,1990-01-01,2017-12-31\n"
        "660,LEB,Lebanon,1990-01-01,2017-12-31\n"
    )
    return cy.read_states(path, last_year=2005)


@pytest.fixture
def capitals():
    return pd.DataFrame(
        {
            "gwcode": [651, 652, 660],
            "lat": [30.0, 33.5, 33.9],
            "lng": [31.2, 36.3, 35.5],
            "enddate": pd.to_datetime(["2024-12-31"] * 3),
        }
    )


def _acd(rows):
    columns = ["conflict_id", "year", "gwno_loc", "intensity_level", "incompatibility"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["type_of_conflict"] = 3
    return frame


def _brd(rows):
    return pd.DataFrame(rows, columns=["year", "gwno_loc", "bd_best"])


def test_a_conflict_located_in_two_states_counts_for_both(states, capitals):
    acd = _acd([(1, 2000, "651, 652", 1, 1), (1, 2005, "651", 1, 1)])
    panel = cy.build_country_year_panel(acd, _brd([(2000, "651, 652", 100)]), states, capitals)
    in_2000 = panel[panel["year"] == 2000].set_index("gwcode")
    assert in_2000["incidence"].to_dict() == {651: 1, 652: 1, 660: 0}
    # the dyad's 100 deaths are split between the two states
    assert in_2000["deaths"].to_dict() == {651: 50.0, 652: 50.0, 660: 0.0}


def test_onset_is_conflict_after_a_year_of_peace(states, capitals):
    years = [2000, 2001, 2003]
    acd = _acd([(1, y, "652", 1, 2) for y in years] + [(2, 2005, "651", 1, 1)])
    panel = cy.build_country_year_panel(acd, _brd([(2000, "652", 30)]), states, capitals)
    syria = panel[panel["gwcode"] == 652].set_index("year")
    assert syria.loc[2000:2004, "incidence"].tolist() == [1, 1, 0, 1, 0]
    assert syria.loc[2000:2004, "onset"].tolist() == [1, 0, 0, 1, 0]
    assert syria.loc[2002, "years_since_conflict"] == 1
    assert syria.loc[2004, "years_since_conflict"] == 1


def test_a_neighbour_in_conflict_raises_the_neighbour_share(states, capitals):
    acd = _acd([(1, 2000, "652", 1, 2), (2, 2005, "651", 1, 1)])
    panel = cy.build_country_year_panel(
        acd, _brd([(2000, "652", 30)]), states, capitals, neighbours=1
    )
    in_2000 = panel[panel["year"] == 2000].set_index("gwcode")
    # Beirut's nearest capital is Damascus
    assert in_2000.loc[660, "neighbour_share"] == 1.0
    assert in_2000.loc[652, "neighbour_share"] == 0.0


def test_real_panel_covers_every_living_gw_state_to_2022(shared_data):
    panel = cy.load_country_year_panel(shared_data)
    assert panel["year"].min() == 1946
    assert panel["year"].max() == 2022
    last = panel[panel["year"] == 2022].set_index("gwcode")
    assert len(last) == 174
    assert last.loc[652, "incidence"] == 1  # Syria
    assert last.loc[369, "incidence"] == 1  # Ukraine
    assert last.loc[20, "incidence"] == 0  # Canada
    assert panel[list(cy.FEATURES)].columns.is_unique
