import pytest

from awards.matching import AwardRow, Candidate, directory_claims, match_project, same_name


def row(name, country, *, award="World Habitat Awards", year=2020, label="", result="winner", level=""):
    return AwardRow(name=name, country=country, award=award, year=year, label=label, result=result, level=level)


def candidate(name, country, award=""):
    return Candidate(key=name, name=name, country=country, award=award)


@pytest.mark.parametrize(
    ("award_name", "directory_name"),
    [
        ("Granby4Streets CLT, Liverpool", "Granby Four Streets Community Land Trust"),
        ("La Borda, Barcelona", "La Borda"),
        ("Spreefeld, Berlin", "Spreefeld"),
        ("More than Housing (mehr als wohnen)", "mehr als wohnen (Hunziker Areal)"),
        ("Milton Park Community (Communauté Milton-Parc)", "Communauté Milton-Parc"),
        (
            "Walter Segal Self-build Housing Project, London",
            "Walter Segal self-build schemes (Segal Close and Walters Way)",
        ),
        ("Decent homes for the elderly in Mhaga", "Decent homes for the elderly, Mhaga (TAWAH)"),
        ("La Ciguë student housing cooperative", "La Cigue student housing cooperative"),
    ],
)
def test_same_name_reads_the_same_project_under_two_spellings(award_name, directory_name):
    assert same_name(award_name, directory_name) > 0


@pytest.mark.parametrize(
    ("award_name", "directory_name"),
    [
        # One shared word out of several is not the same project.
        ("Kampung Improvement Programme, Surabaya", "Kampung Susun Akuarium"),
        ("Mutual Housing at Spring Lake", "Cooper Square Community Land Trust / Mutual Housing Association II"),
        # Only generic words in common.
        (
            "South-South Cooperation: transfer of the FUCVAM mutual-aid housing cooperative model",
            "Zona 3 cooperative housing complex",
        ),
        ("Cooperativa Guendaliza'a, Mexico City", "Sociedad Cooperativa de Vivienda Unión Palo Alto"),
        (
            "CACVAM - national network of mutual-aid housing cooperatives",
            "Cooperativa de Vivienda Señor de Piñami (COVISEP)",
        ),
    ],
)
def test_same_name_refuses_near_misses_from_the_demo_data(award_name, directory_name):
    assert same_name(award_name, directory_name) == 0


def test_match_project_needs_the_same_country():
    assert match_project(row("La Borda, Barcelona", "FR"), [candidate("La Borda", "ES")]) is None


def test_match_project_refuses_a_row_without_a_country():
    project = candidate("Infrastructure Finance Facility", "KE")
    assert match_project(row("Infrastructure Finance Facility - Asia and Africa", ""), [project]) is None


def test_match_project_picks_the_project_of_the_same_name_among_its_countrys():
    borda = candidate("La Borda", "ES")
    others = [candidate("Cohousing Entrepatios", "ES"), candidate("Sostre Cívic", "ES"), borda]
    assert match_project(row("La Borda, Barcelona", "ES", award="European award"), others) is borda


def test_match_project_follows_the_directorys_own_award_claim_when_names_differ():
    arc = candidate(
        "Arc-en-Ciel (Community Land Trust Brussels)", "BE", "World Habitat Awards 2021 Gold (awarded to CLTB)"
    )
    award_row = row("Introducing Community Land Trusts in Continental Europe", "BE", year=2021, level="gold")
    assert match_project(award_row, [arc]) is arc


def test_directory_claims_compares_the_cycle_label_year_and_level():
    mehr = candidate("mehr als wohnen (Hunziker Areal)", "CH", "World Habitat Awards 2016-17 winner")
    assert directory_claims(mehr, row("More than Housing", "CH", year=2017, label="2016-17"))
    assert not directory_claims(mehr, row("More than Housing", "CH", year=2017, label="2017"))
    cigue = candidate("La Ciguë", "CH", "World Habitat Awards 2024 Silver")
    assert directory_claims(cigue, row("La Ciguë", "CH", year=2024, level="silver"))
    assert not directory_claims(cigue, row("Other", "CH", year=2024, level="gold"))


def test_directory_claim_without_a_year_proves_nothing():
    sdfn = candidate(
        "Shack Dwellers Federation of Namibia housing programme",
        "NA",
        "World Habitat Awards finalist (year not confirmed)",
    )
    assert match_project(row("Build Together Programme", "NA", year=1995), [sdfn]) is None


def test_match_project_refuses_a_tie():
    first, second = candidate("Spreefeld North", "DE"), candidate("Spreefeld North", "DE")
    assert match_project(row("Spreefeld North", "DE"), [first, second]) is None
