"""The dotenv model against phpdotenv itself: same names, same values, and a refusal on the same line.

Corpus: phpdotenv's own fixtures (tests/fixtures/dotenv/phpdotenv) and the hand-written cases of
tests/support/dotenv_corpus.py, each loaded by phpdotenv 5.4 (Debian's php-vlucas-phpdotenv, what Debian's Laravel
loads) and 5.6 (the shared vendor copy, what Laravel 11 and 12 load), in a process whose environment holds only the
case's variables, and by ``plugins/module_utils/dotenv/phpdotenv.py`` with the same environment.
"""

import glob
import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.dotenv import parser, phpdotenv
from tests.support import phpdotenv_oracle as oracle
from tests.support.dotenv_corpus import CASES, generated
from tests.support.modules import REPO_ROOT

FIXTURES = os.path.join(REPO_ROOT, "tests", "fixtures", "dotenv", "phpdotenv")
PLANTED = {"utf8-with-bom-encoding.env": b"\xef\xbb\xbf"}
SOURCES = oracle.sources()


def corpus():
    cases = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*.env"))):
        with open(path, "rb") as handle:
            data = PLANTED.get(os.path.basename(path), b"") + handle.read()
        cases.append(("phpdotenv-" + os.path.basename(path), data, None))
    for case_id, text, environment in CASES:
        cases.append((case_id, text.encode("utf-8"), environment))
    return cases


CORPUS = corpus()
GENERATED = [(case_id, text.encode("utf-8"), environment) for case_id, text, environment in generated()]
EVERYTHING = CORPUS + GENERATED


def ours(path, version, environment):
    """The model's answer in the oracle's shape (the first refusal is the one phpdotenv raises)."""
    result = phpdotenv.load(parser.read_file(path), version, environment)
    if result.refused:
        first = result.refusals[0]
        return {"ok": False, "line": first.end, "reason": first.refusal}
    return {"ok": True, "values": [[name, value] for name, value in result.values.items()]}


def theirs(answer):
    if answer["ok"]:
        return {"ok": True, "values": answer["values"]}
    return {"ok": False, "line": answer["line"], "reason": answer["reason"]}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("dotenv-corpus")
    paths = {}
    for case_id, data, _environment in EVERYTHING:
        path = root / (case_id + ".env")
        path.write_bytes(data)
        paths[case_id] = str(path)
    return paths


@pytest.fixture(scope="module", params=phpdotenv.VERSIONS)
def answers(request, files):
    """phpdotenv's answer for every file: one PHP process per environment the cases run in."""
    source, missing = SOURCES[request.param]
    if not source:
        pytest.skip("phpdotenv %s: %s" % (request.param, missing))
    groups = {}
    for case_id, _data, environment in EVERYTHING:
        groups.setdefault(tuple(sorted((environment or {}).items())), []).append(case_id)
    loaded = {}
    for environment, case_ids in groups.items():
        answered = oracle.load(source, [files[case_id] for case_id in case_ids], dict(environment))
        loaded.update(zip(case_ids, answered))
    return request.param, loaded


def test_corpus_is_phpdotenv_fixtures_plus_at_least_80_own_cases():
    fixtures = [case for case in CORPUS if case[0].startswith("phpdotenv-")]
    assert len(fixtures) >= 20
    assert len(CORPUS) - len(fixtures) >= 80
    assert len({case[0] for case in CORPUS}) == len(CORPUS)


def test_oracle_is_the_version_it_claims(answers):
    version, loaded = answers
    source = next(iter(loaded.values()))["source"]
    assert source.startswith("/usr/share/php/Dotenv/") if version == "5.4" else "phpdotenv-5.6" in source


def disagreements(cases, answers, files):
    version, loaded = answers
    found = {}
    for case_id, _data, environment in cases:
        want = theirs(loaded[case_id])
        got = ours(files[case_id], version, environment)
        if got != want:
            found[case_id] = {"phpdotenv": want, "model": got}
    return found


def test_model_agrees_with_phpdotenv_on_the_whole_corpus(answers, files):
    found = disagreements(CORPUS, answers, files)
    assert found == {}, "phpdotenv %s disagrees on %d of %d files" % (answers[0], len(found), len(CORPUS))


def test_model_agrees_with_phpdotenv_on_generated_files(answers, files):
    found = disagreements(GENERATED, answers, files)
    assert found == {}, "phpdotenv %s disagrees on %d of %d files" % (answers[0], len(found), len(GENERATED))


def test_corpus_exercises_refusals_values_and_versions(answers):
    """The corpus is not all-accept or all-refuse, and the versions really differ on it."""
    version, loaded = answers
    corpus_answers = [loaded[case[0]] for case in CORPUS]
    refused = [answer for answer in corpus_answers if not answer["ok"]]
    assert 20 <= len(refused) <= len(corpus_answers) - 60, version
    reasons = {answer["reason"] for answer in refused}
    assert reasons >= {"an unexpected escape sequence", "a missing closing quote", "unexpected whitespace",
                       "an invalid name", "an unexpected equals"}


def test_versions_differ_where_the_model_says_they_do(files):
    """5.6 accepts Unicode names and closes a multi-line value on a line that 5.4 takes for an opening."""
    for case_id in ("name-unicode-letter", "multiline-inner-opening"):
        assert ours(files[case_id], "5.4", None) != ours(files[case_id], "5.6", None), case_id
