# facturino.release: one-command set-up, release and test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
ACTIVATE := source $(VENV)/bin/activate
PYTEST_ARGS ?=

.PHONY: help venv venv-compat sandbox-up sandbox-down sandbox-reset release test sanity lint units sandbox-tests integration isolated-tests shared-tests compat bench clean

help:
	@echo "make release   set up everything and run playbooks/release.yml on the sandbox"
	@echo "make test      set up everything and run the whole test suite"
	@echo "make sandbox-up | sandbox-down | sandbox-reset"

venv:
	@scripts/bootstrap.sh

# ansible-core 2.21 on Python 3.12, the newer supported controller.
# Skipped (exit 3 from bootstrap) on machines without Python 3.12, such as stock Debian 12.
venv-compat:
	@FACTURINO_VENV=.venv-2.21 FACTURINO_PYTHON=python3.12 scripts/bootstrap.sh

compat:
	@FACTURINO_VENV=.venv-2.21 FACTURINO_PYTHON=python3.12 scripts/bootstrap.sh; rc=$$?; \
	  if [ $$rc -eq 3 ]; then echo "compat: skipped, Python 3.12 is not installed"; exit 0; fi; [ $$rc -eq 0 ] || exit $$rc; \
	  source .venv-2.21/bin/activate && python -m pytest -q tests/unit $(PYTEST_ARGS) \
	  && for m in plugins/modules/*.py; do ansible-doc -t module "facturino.release.$$(basename $$m .py)" >/dev/null || exit 1; done \
	  && echo "compat: ansible-core $$(ansible --version | head -1 | tr -dc '0-9.') on $$(python -V) passed"

sandbox-up: venv
	@$(ACTIVATE) && sandbox/bin/up

sandbox-down:
	@sandbox/bin/down

sandbox-reset: venv
	@$(ACTIVATE) && sandbox/bin/reset

release: sandbox-up
	@$(ACTIVATE) && ansible-playbook playbooks/release.yml

sanity: venv
	@command -v shellcheck >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1) || echo "shellcheck unavailable: the sanity shellcheck test is skipped"
	@$(ACTIVATE) && scripts/ansible-test.sh sanity --python 3.11 --requirements --color no

lint: venv
	@$(ACTIVATE) && ansible-lint --profile production playbooks/ roles/

units: venv
	@$(ACTIVATE) && python -m pytest -q tests/unit $(PYTEST_ARGS)

sandbox-tests: sandbox-up
	@$(ACTIVATE) && python -m pytest -q tests/sandbox $(PYTEST_ARGS)

integration: sandbox-up
	@$(ACTIVATE) && python -m pytest -q tests/integration $(PYTEST_ARGS)

# Suites that bring their own databases, clones and emulators run beside the ones that share the sandbox's
# deployment and database (those run one after another, since each leaves the base commit active).
ISOLATED_TESTS := tests/sandbox/test_emulator_api.py tests/sandbox/test_emulator_deploy.py \
	tests/sandbox/test_emulator_schema.py tests/integration/test_artisan.py \
	tests/integration/test_pg_backup.py tests/integration/test_env_audit.py tests/integration/test_release_notify.py
SHARED_TESTS := tests/sandbox/test_app.py tests/integration/test_artisan_in_ansible.py tests/integration/test_railway_deploy.py \
	tests/integration/test_railway_deploy_info.py tests/integration/test_http_health.py \
	tests/integration/test_release_scenarios.py tests/integration/test_release_runner.py \
	tests/integration/test_release_operations.py

isolated-tests: sandbox-up
	@$(ACTIVATE) && python -m pytest -q $(ISOLATED_TESTS) $(PYTEST_ARGS)

shared-tests: sandbox-up
	@$(ACTIVATE) && python -m pytest -q $(SHARED_TESTS) $(PYTEST_ARGS)

test: venv
	@$(MAKE) --no-print-directory -j3 -Otarget sanity lint compat
	@$(MAKE) --no-print-directory units
	@$(MAKE) --no-print-directory -j2 -Otarget isolated-tests shared-tests
	@echo "make test: all suites passed"

bench: sandbox-up
	@$(ACTIVATE) && python bench/release.py && python bench/http_health.py && python bench/pg_backup.py

clean: sandbox-down
	rm -rf .collections tests/output reports
