# Two commands for a fresh machine (each sets itself up):
#   make demo   run storyline on the bundled sample corpus (SQLite) and print the storylines
#   make test   run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
EXTRAS ?= nlp,embed,feeds,warc,postgres,web,spark,dev

.PHONY: demo test lint typecheck clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/storyline run examples/sample --db demo.db

# pytest exits 5 when it collects no test: that is a failure of the suite, not a pass
# lint first (ruff: rules and exceptions in pyproject.toml), then the whole suite
test: lint
	$(BIN)/python -m pytest -q -rs; status=$$?; if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; fi; exit $$status

# ruff's rules and their exceptions are in pyproject.toml ([tool.ruff]); `ruff format` owns the layout
lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy src/storyline

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm
