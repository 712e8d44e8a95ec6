"""Load the administrative divisions: current ones from ``vietnam-provinces``, legacy ones from the shipped file.

Both loaders are idempotent (existing codes are kept) and take the model classes as arguments so the data
migration can call them with its historical models.
"""

import gzip
import json
from pathlib import Path

from vietnam_provinces import Province as PackageProvince
from vietnam_provinces import Ward as PackageWard

from uythac.core.text import search_key

LEGACY_FILE = Path(__file__).parent / "data" / "legacy_divisions.json.gz"


def load_current_divisions(province_model, commune_model) -> tuple[int, int]:
    existing_provinces = dict(province_model.objects.values_list("code", "id"))
    new_provinces = [
        province_model(
            code=f"{p.code.value:02d}", name=p.name, name_search=search_key(p.name), division_type=p.division_type.value
        )
        for p in PackageProvince.iter_all()
        if f"{p.code.value:02d}" not in existing_provinces
    ]
    province_model.objects.bulk_create(new_provinces, batch_size=500)
    province_ids = dict(province_model.objects.values_list("code", "id"))
    existing_communes = set(commune_model.objects.values_list("code", flat=True))
    new_communes = [
        commune_model(
            code=f"{w.code.value:05d}",
            name=w.name,
            name_search=search_key(w.name),
            division_type=w.division_type.value,
            province_id=province_ids[f"{w.province_code.value:02d}"],
        )
        for w in PackageWard.iter_all()
        if f"{w.code.value:05d}" not in existing_communes
    ]
    commune_model.objects.bulk_create(new_communes, batch_size=1000)
    return len(new_provinces), len(new_communes)


def load_legacy_divisions(province_model, legacy_province_model, district_model, commune_model) -> int:
    with gzip.open(LEGACY_FILE, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    current = dict(province_model.objects.values_list("code", "id"))
    existing = set(legacy_province_model.objects.values_list("code", flat=True))
    legacy_provinces = [
        legacy_province_model(code=p["code"], name=p["name"], successor_id=current.get(p["code"]))
        for p in data["provinces"]
        if p["code"] not in existing
    ]
    legacy_province_model.objects.bulk_create(legacy_provinces)
    legacy_ids = dict(legacy_province_model.objects.values_list("code", "id"))
    existing_districts = set(district_model.objects.values_list("code", flat=True))
    districts = [
        district_model(
            code=d["code"], name=d["name"], name_search=search_key(d["name"]), province_id=legacy_ids[p["code"]]
        )
        for p in data["provinces"]
        for d in p["districts"]
        if d["code"] not in existing_districts
    ]
    district_model.objects.bulk_create(districts, batch_size=1000)
    district_ids = dict(district_model.objects.values_list("code", "id"))
    existing_communes = set(commune_model.objects.values_list("code", flat=True))
    communes = [
        commune_model(code=code, name=name, name_search=search_key(name), district_id=district_ids[d["code"]])
        for p in data["provinces"]
        for d in p["districts"]
        for code, name in d["communes"]
        if code not in existing_communes
    ]
    commune_model.objects.bulk_create(communes, batch_size=2000)
    return len(communes)
