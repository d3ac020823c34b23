"""Masked forms of a phone number or e-mail address, for pages that must not show them in clear."""

from __future__ import annotations


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """139****5678: the first three and last four characters."""
    phone = (phone or "").strip()
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7 if len(phone) > 7 else 1) + phone[-4:]


def mask_email(email: str) -> str:
    """w***@example.cn: the first character and the domain."""
    email = (email or "").strip()
    if "@" not in email:
        return mask_name(email)
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"
