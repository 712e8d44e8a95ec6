"""The refusal helper must itself be able to fail: it notices a write that slipped through before the error."""

import pytest

from tests.groups.helpers import free_household, refused
from uythac.core.exceptions import DomainError

pytestmark = pytest.mark.django_db


def test_refused_notices_a_half_saved_write(world):
    def half_saved():
        free_household(world, "Hộ lọt")
        raise DomainError("Lỗi", field="name")

    with pytest.raises(AssertionError):
        refused(half_saved, field="name", message="Lỗi")


def test_refused_checks_field_and_message(world):
    def fails():
        raise DomainError("Lỗi", field="name")

    with pytest.raises(AssertionError):
        refused(fails, field="code", message="Lỗi")
    with pytest.raises(AssertionError):
        refused(fails, field="name", message="Lỗi khác")
    refused(fails, field="name", message="Lỗi")
