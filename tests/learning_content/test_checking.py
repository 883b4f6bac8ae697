import pytest

from assessments.checking import (
    apply_treatments,
    check_qcm,
    check_qcu,
    check_qroc,
    check_qrocm_dep,
    check_qrocm_ind,
)


@pytest.mark.parametrize("text, tolerances, expected", [
    ("  Éléphant ROSE ", ["t1"], "elephantrose"),
    ("l'adresse IP !", ["t2"], "ladresse IP "),
    ("L’Adresse  I.P.", ["t1", "t2"], "ladresseip"),
    ("café\u00a0noir", [], "café noir"),
    ("e\u0301te\u0301", [], "été"),  # NFC
])
def test_treatments(text, tolerances, expected):
    assert apply_treatments(text, tolerances) == expected


@pytest.mark.parametrize("answer, solution, ok", [("2", 2, True), (" 2 ", 2, True), ("3", 2, False), ("", 2, False)])
def test_qcu(answer, solution, ok):
    assert check_qcu(answer, solution).is_ok is ok


@pytest.mark.parametrize("answer, solution, ok", [
    ("1,3", [1, 3], True),
    ("3, 1", [1, 3], True),
    (" 3 ,1 ", [1, 3], True),
    ("1", [1, 3], False),
    ("1,2,3", [1, 3], False),
    ([3, 1], [1, 3], True),
])
def test_qcm_same_items_in_any_order(answer, solution, ok):
    assert check_qcm(answer, solution).is_ok is ok


@pytest.mark.parametrize("answer", ["1,1,3", "1,3,3", "3,1,1", "1,3,", "1,,3"])
def test_qcm_compares_the_items_as_pix_does_so_a_duplicate_or_an_empty_item_is_not_ignored(answer):
    assert not check_qcm(answer, [1, 3]).is_ok


@pytest.mark.parametrize("answer, variants, tolerances, number_format, ok", [
    ("HTTPS", ["https"], ["t1"], False, True),
    ("https", ["https"], [], False, True),
    ("HTTPS", ["https"], [], False, False),
    ("le protocole https.", ["le protocole https"], ["t1", "t2"], False, True),
    ("protocol", ["protocole"], ["t1", "t3"], False, True),            # 1 edit / 8 chars ≤ 25 %
    ("prtcl", ["protocole"], ["t1", "t3"], False, False),             # 4 edits / 5 chars
    ("", ["protocole"], ["t1", "t3"], False, False),
    ("3,5", ["3.5"], [], True, True),
    ("3.50", ["3,5"], [], True, True),
    ("1 024", ["1024"], [], True, True),
    ("4", ["3.5"], [], True, False),
    ("trois", ["3"], ["t1"], True, False),
    ("Motdepasse", ["motdepasse"], ["t1", "t2", "t3"], False, True),
])
def test_qroc(answer, variants, tolerances, number_format, ok):
    assert check_qroc(answer, variants, tolerances, number_format=number_format).is_ok is ok


INPUTS_IND = [{"key": "ext", "label": "Extension"}, {"key": "type", "label": "Type", "options": ["image", "texte"]}]


@pytest.mark.parametrize("answer, ok, details", [
    ({"ext": "PNG", "type": "image"}, True, {"ext": True, "type": True}),
    ({"ext": "png", "type": "Image"}, False, {"ext": True, "type": False}),  # a select is exact
    ({"ext": "jpg", "type": "image"}, False, {"ext": False, "type": True}),
    ({}, False, {"ext": False, "type": False}),
])
def test_qrocm_ind_each_input_against_its_own_variants(answer, ok, details):
    result = check_qrocm_ind(answer, {"ext": ["png"], "type": ["image"]}, ["t1"], INPUTS_IND)

    assert result.is_ok is ok
    assert result.details == details


INPUTS_DEP = [{"key": "r1", "label": "Navigateur 1"}, {"key": "r2", "label": "Navigateur 2"}]
SOLUTION_DEP = {"firefox": ["Firefox", "Mozilla Firefox"], "chrome": ["Chrome", "Google Chrome"], "edge": ["Edge"]}


@pytest.mark.parametrize("answer, ok", [
    ({"r1": "firefox", "r2": "chrome"}, True),
    ({"r1": "Google Chrome", "r2": "Mozilla Firefox"}, True),   # any order
    ({"r1": "edge", "r2": "firefox"}, True),
    ({"r1": "firefox", "r2": "Firefox"}, False),                # each group used once
    ({"r1": "firefox", "r2": ""}, False),
    ({"r1": "opera", "r2": "chrome"}, False),
])
def test_qrocm_dep_answers_in_any_order_each_group_once(answer, ok):
    assert check_qrocm_dep(answer, SOLUTION_DEP, ["t1"], INPUTS_DEP).is_ok is ok
