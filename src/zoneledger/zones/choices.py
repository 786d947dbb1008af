from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class ZoneKind(models.TextChoices):
    ETDZ = "etdz", _("Economic-technological development zone (经开区)")
    HTZ = "htz", _("High-tech zone (高新区)")
    REFORM = "reform", _("Comprehensive reform zone (综改区)")
    EDZ = "edz", _("Economic development zone (经济开发区)")
    OTHER = "other", _("Other development zone")


class ZoneLevel(models.TextChoices):
    NATIONAL = "national", _("National (国家级)")
    PROVINCIAL = "provincial", _("Provincial (省级)")
