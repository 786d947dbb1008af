"""The national GB/T 2260 divisions, loaded from python-stdnum's table: every province, city and county in use."""

import io

import pytest
from django.core.management import call_command

from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division
from zoneledger.zones.services import current_name, load_divisions, national_divisions

pytestmark = pytest.mark.django_db


def test_the_whole_country_is_loaded():
    provinces = Division.objects.filter(level=DivisionLevel.PROVINCE)
    assert provinces.count() >= 31
    assert {"110000", "130000", "140000", "650000"} <= set(provinces.values_list("code", flat=True))
    assert Division.objects.get(code="130000").name == "河北省"
    assert Division.objects.filter(level=DivisionLevel.CITY).count() > 330
    assert Division.objects.filter(level=DivisionLevel.COUNTY).count() > 2800


def test_shanxi_is_as_the_seeds_name_it():
    wenshui = Division.objects.get(code="141121")
    assert (wenshui.name, wenshui.level, wenshui.parent_id) == ("文水县", DivisionLevel.COUNTY, "141100")
    assert Division.objects.get(code="141100").parent_id == "140000"
    assert Division.objects.filter(parent_id="140000").count() == 11


def test_names_no_longer_in_use_and_placeholders_are_not_divisions():
    assert not Division.objects.filter(code="110103").exists()  # 崇文区, merged in 2010
    assert not Division.objects.filter(code="140101").exists()  # a city's 市辖区 line
    assert Division.objects.get(code="120110").name == "东丽区"  # renamed from 东郊区 in 1992
    # A municipality's districts keep a city above them, named after the municipality.
    assert Division.objects.get(code="110100").name == "北京市市辖区"
    assert Division.objects.get(code="110105").parent_id == "110100"


def test_every_county_has_a_city_and_every_city_a_province():
    assert not Division.objects.filter(level=DivisionLevel.COUNTY).exclude(parent__level=DivisionLevel.CITY).exists()
    assert not Division.objects.filter(level=DivisionLevel.CITY).exclude(parent__level=DivisionLevel.PROVINCE).exists()


def test_loading_again_writes_nothing_and_restores_a_changed_name(django_assert_max_num_queries):
    Division.objects.filter(code="141121").update(name="改过的名字")
    with django_assert_max_num_queries(6):
        assert load_divisions() == len(national_divisions())
    assert Division.objects.get(code="141121").name == "文水县"
    before = Division.objects.count()
    out = io.StringIO()
    call_command("divisions", stdout=out)
    assert Division.objects.count() == before
    assert "0" in out.getvalue()


@pytest.mark.parametrize(
    ("names", "current"),
    [
        ("文水县", "文水县"),
        ("[-1991]东郊区,[1992-]东丽区", "东丽区"),
        ("[1983-2018]城区", None),
        ("[1986-]房山区", "房山区"),
    ],
)
def test_the_name_in_use_is_the_one_whose_years_are_open(names, current):
    assert current_name(names) == current
