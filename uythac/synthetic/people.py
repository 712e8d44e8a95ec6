"""Synthetic people: birth dates, citizen IDs (CCCD) with their dates, mobile phones, ethnicity.

CCCD layout (Thông tư 59/2021/TT-BCA Art. 7): 3 digits birth-registration province, 1 digit century+gender,
2 digits birth year, 6 random digits; ``core.identifiers.check_cccd`` validates what we make. Expiry follows the
card-renewal ages 25, 40 and 60 (Luật Căn cước 2023 Art. 21, same as Luật CCCD 2014 Art. 21): a card issued
within 2 years before one of these ages stays valid until the next one; a card issued at 58 or later never
expires. Mobile prefixes are those of the current 10-digit plan (03x, 05x, 07x, 08x, 09x) that libphonenumber
accepts as Vietnamese mobiles.
"""

import datetime as dt
import random
from dataclasses import dataclass

from uythac.core.identifiers import cccd_century_digit

MOBILE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039",  # Viettel
    "056", "058", "059",  # Vietnamobile, Gmobile
    "070", "076", "077", "078", "079",  # MobiFone
    "081", "082", "083", "084", "085", "086", "088",  # VinaPhone, Viettel
    "090", "091", "092", "093", "094", "096", "097", "098",
)
RENEWAL_AGES = (25, 40, 60)
CHIP_CARD_START = dt.date(2021, 1, 15)  # mass issuance of chip CCCD started in January 2021
CCCD_START = dt.date(2016, 1, 1)  # the 12-digit CCCD replaced the CMND from 2016 (Luật CCCD 2014)


@dataclass(frozen=True)
class AgeProfile:
    """Who represents the households of one organization's groups."""

    female_share: float
    youngest: int
    oldest: int
    mode: int


# Women's Union groups are women; veterans are mostly older men; Youth Union borrowers are young.
ORGANIZATION_PEOPLE = {
    "11": AgeProfile(female_share=0.40, youngest=24, oldest=72, mode=48),
    "12": AgeProfile(female_share=0.97, youngest=22, oldest=68, mode=42),
    "13": AgeProfile(female_share=0.12, youngest=45, oldest=82, mode=62),
    "14": AgeProfile(female_share=0.45, youngest=19, oldest=45, mode=31),
}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end]. Always exactly one draw whatever the span, so a build dated another day (the demo is
    dated the day it is built) consumes the random stream in the same order."""
    draw = rng.random()
    if end <= start:
        return start
    return start + dt.timedelta(days=int(draw * ((end - start).days + 1)))


def birth_date(rng: random.Random, profile: AgeProfile, *, as_of: dt.date) -> dt.date:
    age = int(round(rng.triangular(profile.youngest, profile.oldest, profile.mode)))
    born_by = add_years(as_of, -age)
    return born_by - dt.timedelta(days=rng.randint(0, 364))


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def cccd_number(rng: random.Random, *, province_code: str, born: dt.date, female: bool) -> str:
    return f"{province_code}{cccd_century_digit(born, female)}{born.year % 100:02d}{rng.randint(0, 999_999):06d}"


def cccd_dates(rng: random.Random, *, born: dt.date, as_of: dt.date) -> tuple[dt.date, dt.date | None]:
    """Issue date (on or after the 14th birthday, by ``as_of``) and expiry date (None = never expires)."""
    earliest = max(CCCD_START, add_years(born, 14))
    if as_of >= CHIP_CARD_START and rng.random() < 0.8:
        earliest = max(earliest, CHIP_CARD_START)
    issued = random_date(rng, earliest, as_of)
    return issued, cccd_expiry(born=born, issued=issued)


def cccd_expiry(*, born: dt.date, issued: dt.date) -> dt.date | None:
    for age in RENEWAL_AGES:
        milestone = add_years(born, age)
        if issued < add_years(milestone, -2):
            return milestone
    return None


def mobile_phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"


def legacy_cmnd(rng: random.Random) -> str:
    """An old 9-digit ID card number (CMND), kept only to be flagged."""
    return f"{rng.randint(10, 29)}{rng.randint(0, 9_999_999):07d}"
