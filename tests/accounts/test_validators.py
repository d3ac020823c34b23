from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from efficiency_portal.accounts.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    validate_credit_code,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_published_codes_are_valid(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19
        "91350100M000100Y44",  # wrong check character
        "91350100M0001I0Y43",  # I is not in the alphabet
        "9135O100M000100Y43",  # O in the division code
        "91AB0100M000100Y43",  # letters in the division code
        "91350100M000100Y4 ",
    ],
)
def test_malformed_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


body = st.tuples(
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(body)
def test_any_body_with_its_check_character_is_valid(first17):
    validate_credit_code(first17 + credit_code_check_character(first17))


@given(body, st.integers(min_value=0, max_value=17), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_any_single_changed_character_is_detected(first17, position, replacement):
    code = first17 + credit_code_check_character(first17)
    if code[position] == replacement or (2 <= position < 8 and not replacement.isdigit()):
        return
    altered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(altered)


@pytest.mark.django_db
def test_enterprise_factory_makes_valid_codes():
    from tests.factories import EnterpriseUserFactory

    users = EnterpriseUserFactory.create_batch(3)
    for user in users:
        validate_credit_code(user.credit_code)
    assert len({user.credit_code for user in users}) == 3
