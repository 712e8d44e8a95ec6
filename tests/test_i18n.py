"""The English catalogue (``uythac/locale/en/LC_MESSAGES/django.po`` + the compiled ``django.mo``).

Vietnamese is the gettext source language; English comes only from this catalogue. These tests guard that:

(a) every entry of the .po is translated, none is fuzzy, placeholders are kept, and every literal that the
    source code marks for translation is in the catalogue (so a newly added ``_("…")`` or
    ``{% translate "…" %}`` fails here until ``makemessages`` is re-run and the entry translated);
(b) the committed .mo says exactly what the .po says (it was recompiled after the last edit);
(c) a user who switches to English gets English pages, and switching back gives Vietnamese.

Limits of the "source literal" guard in (a), which stands in for re-running ``makemessages`` (too slow for a test):
- Python: only calls named ``_``, ``gettext``, ``gettext_lazy``, ``gettext_noop``, ``ngettext``,
  ``ngettext_lazy``, ``pgettext``, ``pgettext_lazy`` whose message arguments are string literals (parsed with
  ``ast``, so implicit concatenation and multi-line calls are understood). A translation function imported under
  another alias, or a call on a variable (which xgettext cannot extract either), is not seen.
- Templates: a regular expression over ``{% translate "…" %}`` / ``{% trans '…' %}`` (with ``context``) and
  ``{% blocktranslate %}…{% endblocktranslate %}`` (``{{ var }}`` → ``%(var)s``, ``{% plural %}``, ``trimmed``,
  ``context``). ``{% translate some_variable %}`` and tags split over several lines are not seen; a regular
  expression is not Django's template lexer, so exotic spacing may be missed.
- ``.txt`` templates are scanned like ``.html``; migrations are skipped (makemessages is run with
  ``-i '*/migrations/*'``).
"""

import ast
import gettext
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factories import cccd_for
from uythac.core.models import RuleValue
from uythac.geography.models import Village
from uythac.groups.models import SavingsGroup
from uythac.households.ethnicities import ETHNIC_GROUPS
from uythac.households.models import Household
from uythac.network.models import AssociationUnit, Branch, Organization, TransactionOffice, TransactionPoint

PACKAGE = Path(__file__).resolve().parent.parent / "uythac"
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
VIETNAMESE = re.compile(r"[À-ỹĐđ]")


# --- a small .po parser (no polib at test time) -----------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text[1:-1])


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (str or {index: str}), flags, obsolete."""
    entries: list[dict] = []
    current: dict | None = None
    key = None  # where a continuation line ("…") goes: a field name, or ("msgstr", index)

    def entry_for_new_message() -> dict:
        nonlocal current
        if current is None or current["msgstr"] is not None:  # the previous entry is complete
            current = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": None, "flags": set(),
                       "obsolete": False}
            entries.append(current)
        return current

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if line.startswith("#,"):
            entry_for_new_message()["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if not line or line.startswith("#"):  # blank, references, comments, previous msgids (#|)
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if keyword:
            word, index, value = keyword[1], keyword[2], _unquote(keyword[3])
            entry = entry_for_new_message() if word in ("msgctxt", "msgid") else current
            entry["obsolete"] = entry["obsolete"] or obsolete
            if index is not None:
                entry["msgstr"] = entry["msgstr"] if isinstance(entry["msgstr"], dict) else {}
                entry["msgstr"][int(index)] = value
                key = ("msgstr", int(index))
            else:
                entry[word] = value
                key = word
        elif line.startswith('"') and current is not None and key is not None:
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += _unquote(line)
            else:
                current[key] += _unquote(line)
        else:
            raise AssertionError(f"unparsable .po line: {raw!r}")
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return [e for e in parse_po(PO_PATH) if not e["obsolete"]]


def _messages(po_entries):
    return [e for e in po_entries if e["msgid"] != ""]


def _header(po_entries) -> dict[str, str]:
    header = next(e for e in po_entries if e["msgid"] == "")
    return dict(line.split(": ", 1) for line in header["msgstr"].splitlines() if ": " in line)


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


# --- (a) complete catalogue -------------------------------------------------------------------------------

def test_parser_reads_a_tricky_po(tmp_path):
    sample = tmp_path / "x.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "Tổ %(code)s"\nmsgstr "Group %(code)s"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Dòng \\"hai\\""\nmsgstr "Line \\"two\\""\n\n'
        'msgid "%(n)s hộ"\nmsgid_plural "%(n)s hộ"\nmsgstr[0] "%(n)s household"\nmsgstr[1] "%(n)s households"\n\n'
        '#, fuzzy\nmsgid "Cũ"\nmsgstr "Old"\n\n#~ msgid "Bỏ"\n#~ msgstr "Gone"\n',
        encoding="utf-8",
    )
    entries = parse_po(sample)
    assert [(e["msgctxt"], e["msgid"], e["msgstr"], sorted(e["flags"]), e["obsolete"]) for e in entries] == [
        (None, "", "Language: en\n", [], False),
        (None, "Tổ %(code)s", "Group %(code)s", ["python-format"], False),
        ("menu", 'Dòng "hai"', 'Line "two"', [], False),
        (None, "%(n)s hộ", {0: "%(n)s household", 1: "%(n)s households"}, [], False),
        (None, "Cũ", "Old", ["fuzzy"], False),
        (None, "Bỏ", "Gone", [], True),
    ]
    assert entries[3]["msgid_plural"] == "%(n)s hộ"


def test_header_is_english_with_two_plural_forms(po_entries):
    header = _header(po_entries)
    assert header["Language"] == "en"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in po_entries[0]["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    messages = _messages(po_entries)
    assert len(messages) > 800  # the catalogue was extracted, not an empty file
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"] for e in messages
        if (sorted(e["msgstr"]) != [0, 1] or not all(e["msgstr"].values()) if e["msgid_plural"]
            else not e["msgstr"])
    ]
    assert fuzzy == [] and untranslated == []


def test_translations_keep_placeholders_and_are_english(po_entries):
    wrong = []
    def placeholders(text: str) -> list[str]:
        # "%%" is an escaped percent sign, and a message marked no-python-format has no placeholders at all.
        return sorted(PLACEHOLDER.findall(text.replace("%%", "")))

    for e in _messages(po_entries):
        if "no-python-format" in e["flags"]:
            continue
        translations = list(e["msgstr"].values()) if e["msgid_plural"] else [e["msgstr"]]
        sources = [e["msgid_plural"] or e["msgid"]]
        for text in translations:
            if placeholders(text) != placeholders(sources[0]):
                wrong.append((e["msgid"], text))
            if text == e["msgid"] and VIETNAMESE.search(text):
                wrong.append((e["msgid"], "copied the Vietnamese source"))
    assert wrong == []


def test_known_translations(po_entries):
    table = {(e["msgctxt"], e["msgid"]): e["msgstr"] for e in _messages(po_entries)}
    assert table[(None, "Tổng quan")] == "Overview"  # tests/web/test_geography_pages.py relies on it
    assert table[(None, "Tổ TK&VV")] == "Savings & Loan Group"
    assert table[(None, "Hợp đồng ủy nhiệm")] == "Agency contract"
    assert table[(None, "tạm tính")] == "provisional"
    assert table[(None, "%(counter)s kết quả")] == {0: "%(counter)s result", 1: "%(counter)s results"}


_PY_FUNCTIONS = {
    # name: (index of msgctxt or None, indexes of the message arguments)
    "_": (None, (0,)), "gettext": (None, (0,)), "gettext_lazy": (None, (0,)), "gettext_noop": (None, (0,)),
    "ngettext": (None, (0, 1)), "ngettext_lazy": (None, (0, 1)),
    "pgettext": (0, (1,)), "pgettext_lazy": (0, (1,)),
}


def _python_literals(path: Path, root: Path = PACKAGE):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in _PY_FUNCTIONS:
            continue
        context_at, message_at = _PY_FUNCTIONS[name]
        wanted = [context_at, *message_at] if context_at is not None else list(message_at)
        args = [node.args[i] if i < len(node.args) else None for i in wanted]
        if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            continue
        values = [a.value for a in args]
        context = values.pop(0) if context_at is not None else None
        yield f"{path.relative_to(root)}:{node.lineno}", context, values[0], (values[1] if len(values) > 1
                                                                                 else None)


_TRANSLATE_TAG = re.compile(
    r"""\{%\s*trans(?:late)?\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
    r"""(?:[^%]*?\bcontext\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))?[^%]*%\}"""
)
_BLOCK_TAG = re.compile(r"\{%\s*blocktrans(?:late)?\b(.*?)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_BLOCK_CONTEXT = re.compile(r"""\bcontext\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_BLOCK_VAR = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def _block_message(body: str, trimmed: bool) -> str:
    # Same conversion as django.utils.translation.template.templatize: literal % doubled, {{ x }} → %(x)s.
    parts = _BLOCK_VAR.split(body)
    text = "".join(part.replace("%", "%%") if i % 2 == 0 else f"%({part})s" for i, part in enumerate(parts))
    return re.sub(r"\s*\n\s*", " ", text.strip()) if trimmed else text


def _template_literals(path: Path, root: Path = PACKAGE):
    source = path.read_text(encoding="utf-8")
    where = str(path.relative_to(root))
    for match in _TRANSLATE_TAG.finditer(source):
        message = match[1][1:-1]
        context = match[2][1:-1] if match[2] else None
        yield where, context, message.replace("%", "%%") if "%" in message else message, None
    for match in _BLOCK_TAG.finditer(source):
        options, body = match[1], match[2]
        trimmed = re.search(r"\btrimmed\b", options) is not None
        context_match = _BLOCK_CONTEXT.search(options)
        context = context_match[1][1:-1] if context_match else None
        singular, _, plural = body.partition("{% plural %}") if "{% plural %}" in body else (body, "", "")
        yield (where, context, _block_message(singular, trimmed),
               _block_message(plural, trimmed) if plural else None)


def _source_literals():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield from _python_literals(path)
    for pattern in ("*.html", "*.txt"):
        for path in sorted(PACKAGE.rglob(pattern)):
            yield from _template_literals(path)


def test_literal_guard_reads_python_and_templates(tmp_path):
    """The guard itself must see what makemessages sees, or test (a) could not fail."""
    py = tmp_path / "mod.py"
    py.write_text('from django.utils.translation import gettext as _, pgettext\nx = _("Một "\n      "hai")\n'
                  'y = pgettext("menu", "Ba")\nz = _(name)\n', encoding="utf-8")
    tpl = tmp_path / "t.html"
    tpl.write_text('{% translate "Bốn" %}{% translate \'Năm\' context "nút" as v %}'
                   '{% blocktranslate count n=items|length %}{{ n }} tổ 5%{% plural %}{{ n }} tổ{% endblocktranslate %}'
                   '{% blocktranslate trimmed with a=b %}\n  Dòng {{ a }}\n  hai\n{% endblocktranslate %}',
                   encoding="utf-8")
    found = [(c, m, p) for _w, c, m, p in [*_python_literals(py, tmp_path), *_template_literals(tpl, tmp_path)]]
    assert found == [
        (None, "Một hai", None), ("menu", "Ba", None),
        (None, "Bốn", None), ("nút", "Năm", None),
        (None, "%(n)s tổ 5%%", "%(n)s tổ"), (None, "Dòng %(a)s hai", None),
    ]


def test_every_source_literal_is_in_the_catalogue(po_entries):
    catalogue = {(e["msgctxt"], e["msgid"]): e["msgid_plural"] for e in _messages(po_entries)}
    literals = list(_source_literals())
    assert len(literals) > 800
    missing = [
        f"{where}: {message!r}" for where, context, message, plural in literals
        if (context, message) not in catalogue or (plural is not None and catalogue[(context, message)] != plural)
    ]
    assert missing == [], (
        "Not in uythac/locale/en/LC_MESSAGES/django.po — run `cd uythac && django-admin makemessages -l en "
        "-e html,py,txt -i '*/migrations/*'`, translate, then `django-admin compilemessages`:\n" + "\n".join(missing)
    )


# --- (b) the compiled catalogue matches the .po -----------------------------------------------------------

def test_mo_matches_po(po_entries):
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = {}
    for e in _messages(po_entries):
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] is not None else e["msgid"]
        if e["msgid_plural"]:
            expected.update({(key, index): text for index, text in e["msgstr"].items()})
        else:
            expected[key] = e["msgstr"]
    # GNUTranslations keeps the decoded catalogue in ``_catalog`` (header under ""); stable since Python 2.
    actual = {k: v for k, v in compiled._catalog.items() if k != ""}
    stale = sorted(str(k) for k in expected.keys() ^ actual.keys())
    changed = sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert stale == [] and changed == [], "django.mo is out of date: run `django-admin compilemessages`"
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"
    assert compiled.ngettext("%(counter)s kết quả", "%(counter)s kết quả", 1) == "%(counter)s result"


# --- (c) pages in English ---------------------------------------------------------------------------------

class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.chunks.extend(v for k, v in attrs if k in ("placeholder", "title", "aria-label", "alt") and v)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data.strip())


# Vietnamese that is meant to stay on an English page: the language switch and terms kept in parentheses.
_KEPT_TERMS = ["Tiếng Việt", "tổ dân phố", "thôn", "ấp", "bản", "khóm", "ĐVUT", "HĐUT"]


def _data_strings(world) -> list[str]:
    """Names and texts that come from the database (user data), not from the interface."""
    names = [world.province.name, world.commune_a.name, world.commune_b.name, *ETHNIC_GROUPS, *_KEPT_TERMS]
    for model in (Village, TransactionPoint, TransactionOffice, Branch, Household, SavingsGroup, AssociationUnit,
                  Organization):
        names.extend(model.objects.values_list("name", flat=True))
    names.extend(RuleValue.objects.values_list("source_document", flat=True))
    return sorted({n for n in names if n}, key=len, reverse=True)


VND_AMOUNT = re.compile(r"-?[\d.,]+ đ(?!\w)")


def _leftover_vietnamese(body: str, data: list[str]) -> list[str]:
    parser = _VisibleText()
    parser.feed(body)
    leftovers = []
    for chunk in parser.chunks:
        for value in data:
            chunk = chunk.replace(value, "")
        chunk = VND_AMOUNT.sub("", chunk)  # "1,234,567 đ": the currency sign is the same in both languages
        if VIETNAMESE.search(chunk):
            leftovers.append(chunk)
    return leftovers


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _bad_household_payload(world) -> dict:
    return {
        "customer_code": "0100000001", "name": "Nguyễn Thị Hoa", "gender": "F", "birth_date": "12/07/1985",
        "ethnicity": "Kinh", "national_id": cccd_for(1234, century_gender="1", year=85),
        "national_id_issued_on": "20/03/2021", "national_id_expires_on": "12/07/2045", "legacy_id_number": "",
        "phone": "0123", "village": world.village_a.code, "address": "Số 5 ngõ 10", "member_count": "4",
    }


@pytest.mark.django_db
def test_pages_in_english_then_back_to_vietnamese(client, world):
    client.force_login(world.pgd_staff)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    data = _data_strings(world)
    household = world.household_a

    home = client.get("/")
    body = _text(home)
    assert '<html lang="en">' in body
    for english in ("<h1>Overview</h1>", "Your scope", "Active Savings & Loan Groups", "Log out",
                    "VBSP entrusted lending management system", "Socio-political organizations"):
        assert english in body, english
    for vietnamese in ("Tổng quan", "Phạm vi của bạn", "Đăng xuất", "Hộ vay"):
        assert vietnamese not in body, vietnamese
    assert _leftover_vietnamese(body, data) == []

    group = _text(client.get("/groups/0000001/"))
    for english in ("Group board", "Current members", "Members / rule", "5 to 60 members", "provisional",
                    "Managing association", "Monthly transaction day", "Remove from group", "Group leader",
                    "Deputy leader", "Admit member", "Dissolve group"):
        assert english in group, english
    for vietnamese in ("Ban quản lý tổ", "Tổ viên hiện tại", "Hội quản lý", "tạm tính", "Tổ trưởng"):
        assert vietnamese not in group, vietnamese
    assert _leftover_vietnamese(group, data) == []

    page = _text(client.get(f"/households/{household.customer_code}/"))
    for english in ("Personal details", "Residence and group", "Name of household head/representative",
                    "No citizen ID (CCCD) number yet.", "Savings & Loan Group membership history",
                    "Poverty status by year", "Female", "Mark as moved away"):
        assert english in page, english
    for vietnamese in ("Nhân thân", "Nơi cư trú và tổ", "Chưa có số CCCD", "Nữ"):
        assert vietnamese not in page, vietnamese
    assert _leftover_vietnamese(page, data) == []

    count = Household.objects.count()
    create_url = f"/households/new/?commune={world.commune_a.code}"
    refused = client.post(create_url, _bad_household_payload(world))
    assert refused.status_code == 400 and Household.objects.count() == count
    form = _text(refused)
    for english in ("Phone number 0123 is not valid: it must have 10 digits starting with 0 (e.g. 0912345678).",
                    "Citizen ID (CCCD) number (12 digits)", "Household size", "Village", "Cancel"):
        assert english in form, english
    for vietnamese in ("Số điện thoại 0123 không hợp lệ", "Số nhân khẩu", "Hủy"):
        assert vietnamese not in form, vietnamese
    assert _leftover_vietnamese(form, data) == []
    incomplete = _text(client.post(create_url, {**_bad_household_payload(world), "member_count": ""}))
    assert "This field is required." in incomplete and "Trường này là bắt buộc" not in incomplete
    assert Household.objects.count() == count

    assert client.post("/i18n/setlang/", {"language": "vi", "next": "/"}).status_code == 302
    body = _text(client.get("/"))
    assert '<html lang="vi">' in body and "<h1>Tổng quan</h1>" in body and "Overview" not in body
    group = _text(client.get("/groups/0000001/"))
    assert "Ban quản lý tổ" in group and "Group board" not in group and "tạm tính" in group
    refused = client.post(f"/households/new/?commune={world.commune_a.code}", _bad_household_payload(world))
    form = _text(refused)
    assert "Số điện thoại 0123 không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678)." in form
    assert "Phone number" not in form


@pytest.mark.django_db
def test_leftover_check_catches_untranslated_interface_text(world):
    data = _data_strings(world)
    assert _leftover_vietnamese(f"<p>{world.group_a.name}</p><p>Tiếng Việt</p>", data) == []
    assert _leftover_vietnamese('<p>Overview</p><input placeholder="Tìm kiếm">', data) == ["Tìm kiếm"]
