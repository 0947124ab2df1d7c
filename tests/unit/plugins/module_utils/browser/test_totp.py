"""RFC 6238 TOTP against the RFC's own test vectors (Appendix B) and RFC 4226's HOTP vectors (Appendix D)."""

import base64

import pytest

from ansible_collections.facturino.release.plugins.module_utils.browser.totp import (
    decode_base32_secret,
    hotp,
    seconds_left,
    totp,
)
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [
    (59, "sha1", "94287082"), (59, "sha256", "46119246"), (59, "sha512", "90693936"),
    (1111111109, "sha1", "07081804"), (1111111109, "sha256", "68084774"), (1111111109, "sha512", "25091201"),
    (1111111111, "sha1", "14050471"), (1111111111, "sha256", "67062674"), (1111111111, "sha512", "99943326"),
    (1234567890, "sha1", "89005924"), (1234567890, "sha256", "91819424"), (1234567890, "sha512", "93441116"),
    (2000000000, "sha1", "69279037"), (2000000000, "sha256", "90698825"), (2000000000, "sha512", "38618901"),
    (20000000000, "sha1", "65353130"), (20000000000, "sha256", "77737706"), (20000000000, "sha512", "47863826"),
]
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize("unix_time,algorithm,expected", RFC6238)
def test_rfc6238_vectors(unix_time, algorithm, expected):
    assert totp(SEEDS[algorithm], unix_time, digits=8, algorithm=algorithm) == expected


@pytest.mark.parametrize("counter,expected", list(enumerate(RFC4226)))
def test_rfc4226_hotp_vectors(counter, expected):
    assert hotp(SEEDS["sha1"], counter) == expected


def test_base32_secret_as_authenticators_show_it():
    shown = base64.b32encode(SEEDS["sha1"]).decode().rstrip("=").lower()
    spaced = " ".join(shown[i:i + 4] for i in range(0, len(shown), 4))
    assert decode_base32_secret(spaced) == SEEDS["sha1"]
    assert totp(decode_base32_secret(spaced), 59) == "287082"


def test_invalid_secret_is_named_without_quoting_it():
    with pytest.raises(InvalidInputError) as caught:
        decode_base32_secret("not-base32-!!1")
    assert "!!1" not in str(caught.value)
    with pytest.raises(InvalidInputError):
        decode_base32_secret("  ")


def test_seconds_left_in_the_window():
    assert seconds_left(59) == 1
    assert seconds_left(60) == 30
