"""Commenters' email addresses: internationalized ones are accepted and kept as typed."""

import pytest
from django.core.exceptions import ValidationError

from comments.models import Comment
from comments.validators import validate_commenter_email

VALID = [
    "ines@example.net",
    "first.last+tag@example.co.uk",
    "zoë@example.org",  # Unicode local part (RFC 6531)
    "用户@例子.广告",  # Unicode local part and an internationalized domain
    "δοκιμή@παράδειγμα.δοκιμή",
    "jürgen@bücher.de",
    "ines@xn--bcher-kva.de",  # the same domain, already in its ASCII form
    '"two words"@example.org',  # a quoted local part
    "ines@[192.0.2.1]",
    "ines@[IPv6:2001:db8::1]",
]

INVALID = [
    ("", "empty"),
    ("ines", "no @"),
    ("@example.org", "no local part"),
    ("ines@", "no domain"),
    ("in..es@example.org", "two dots in a row"),
    (".ines@example.org", "leading dot"),
    ("ines.@example.org", "trailing dot"),
    ("in es@example.org", "space outside quotes"),
    ("in\u200bes@example.org", "an invisible format character"),
    ("in\u0085es@example.org", "a control character"),
    ('"ines@example.org', "an unclosed quote"),
    ("x" * 65 + "@example.org", "a local part over 64 octets"),
    ("é" * 33 + "@example.org", "64 characters but 66 octets in UTF-8"),
    ("ines@localhost", "a single-label domain"),
    ("ines@-example.org", "a label starting with a hyphen"),
    ("ines@example..org", "an empty label"),
    ("ines@example.123", "an all-digit top-level label"),
    ("ines@exa mple.org", "a space in the domain"),
    ("ines@" + "a" * 64 + ".org", "a label over 63 characters"),
    ("ines@example.org.", "a trailing dot in the domain"),
    ("ines@[300.1.1.1]", "a bad address literal"),
]


@pytest.mark.parametrize("address", VALID)
def test_valid_addresses_are_accepted(address):
    validate_commenter_email(address)


@pytest.mark.parametrize(("address", "why"), INVALID)
def test_invalid_addresses_are_refused_with_a_clear_message(address, why):
    with pytest.raises(ValidationError) as caught:
        validate_commenter_email(address)
    assert caught.value.code == "invalid"
    assert caught.value.messages == ["Please enter a valid email address."]


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["zoë@example.org", "用户@例子.广告", "jürgen@bücher.de"])
def test_a_commenter_with_an_internationalized_address_can_post(article, post_comment, address):
    """The comment is taken in (not a 400) and the address is stored exactly as typed."""
    response = post_comment(article, author_email=address)
    assert response.status_code == 302
    assert Comment.objects.get().author_email == address


@pytest.mark.django_db
def test_the_email_box_lets_the_browser_accept_unicode(article, client):
    """type="email" would make browsers refuse a Unicode local part before sending it."""
    html = client.get(article.get_absolute_url()).content.decode()
    tag = html[html.index('name="author_email"') - 200 : html.index('name="author_email"') + 200]
    assert 'type="email"' not in tag
    assert 'inputmode="email"' in tag


@pytest.mark.django_db
def test_a_bad_address_is_refused_next_to_its_field(article, post_comment):
    response = post_comment(article, author_email="in..es@example.org")
    assert response.status_code == 400
    assert "Please enter a valid email address." in response.content.decode()
    assert not Comment.objects.exists()
