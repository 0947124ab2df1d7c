# facturino.release: one-command set-up, release and test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
ACTIVATE := source $(VENV)/bin/activate
PYTEST_ARGS ?=

.PHONY: help venv venv-compat sandbox-up sandbox-down sandbox-reset release test sanity lint units sandbox-tests integration compat bench clean

help:
	@echo "make release   set up everything and run playbooks/release.yml on the sandbox"
	@echo "make test      set up everything and run the whole test suite"
	@echo "make sandbox-up | sandbox-down | sandbox-reset"

venv:
	@scripts/bootstrap.sh

# ansible-core 2.21 on Python 3.12, the newer supported controller.
venv-compat:
	@FACTURINO_VENV=.venv-2.21 FACTURINO_PYTHON=python3.12 scripts/bootstrap.sh

compat: venv-compat
	@source .venv-2.21/bin/activate && python -m pytest -q tests/unit $(PYTEST_ARGS) \
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

test: sanity lint units compat sandbox-tests integration
	@echo "make test: all suites passed"

bench: sandbox-up
	@$(ACTIVATE) && python bench/release.py && python bench/http_health.py && python bench/pg_backup.py

clean: sandbox-down
	rm -rf .collections tests/output reports
