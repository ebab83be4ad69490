# Everyday tasks.  The README's two commands do not need make; these are for working on the project.
PY ?= .venv/bin/python
BABEL = $(PY) -m babel.messages.frontend

.PHONY: locales compile-locales check test report-pngs

## re-extract every msgid and merge into the catalogs (then translate the new entries)
locales:
	$(BABEL) extract -F babel-messages.cfg -k ui -k N_ -k P_:1c,2 -k pui:1c,2 --no-location --sort-output -o locales/messages.pot bot
	$(BABEL) extract -F babel-forms.cfg --no-location --sort-output -o locales/forms.pot bot/forms
	$(BABEL) update --no-wrap -D messages -i locales/messages.pot -d locales -l zh --no-fuzzy-matching
	$(BABEL) update --no-wrap -D forms -i locales/forms.pot -d locales -l en --no-fuzzy-matching

compile-locales:
	$(BABEL) compile -D messages -d locales --statistics
	$(BABEL) compile -D forms -d locales --statistics

check:
	$(PY) -m ruff check bot tests benchmarks
	$(PY) -m mypy bot

test: compile-locales
	$(PY) -m pytest

## render every report for the fixed answer sets and turn the first page of each PDF into out/png/*.png
report-pngs:
	scripts/report-pngs
