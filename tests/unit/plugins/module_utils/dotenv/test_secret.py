import json
import pickle

import pytest

from ansible_collections.facturino.release.plugins.module_utils.dotenv.secret import MASK, Secret

VALUE = "pl4nted-S3cret-value"


def test_every_printable_form_is_masked():
    secret = Secret(VALUE)
    rendered = [str(secret), repr(secret), "%s" % secret, "{}".format(secret), f"{secret!r}", str([secret]),
                str({"k": secret})]
    assert all(VALUE not in text for text in rendered)
    assert MASK in str(secret)


def test_reveal_is_the_only_way_out():
    assert Secret(VALUE).reveal() == VALUE
    assert Secret(Secret(VALUE)).reveal() == VALUE  # no double wrapping
    assert Secret(None).is_empty() and Secret("  ").is_empty()


def test_secret_is_not_serialisable():
    with pytest.raises(TypeError):
        json.dumps({"v": Secret(VALUE)})
    with pytest.raises(TypeError):
        pickle.dumps(Secret(VALUE))


def test_equality_compares_values_without_showing_them():
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a").digest() == Secret("a").digest() != Secret("b").digest()
