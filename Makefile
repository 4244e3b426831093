# Set-up and everyday commands. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test check bench lint clean browser

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sim needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

play: $(STAMP)  ## Open the TUI on the Peru 1962 scenario.
	$(BIN)/sim play peru-1962

test: $(STAMP) browser  ## Run the whole test suite.
	$(BIN)/python -m pytest

# Chromium for the browser tests of `sim serve`, from Debian's packages, where this machine allows it (root and
# apt-get); elsewhere the browser tests are skipped and say why. BROWSER=no skips the install.
BROWSER ?= yes
browser:
	@if [ "$(BROWSER)" = yes ] && ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	    && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Chromium for the browser tests (make test BROWSER=no skips this)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
	  || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } \
	  || echo "Chromium could not be installed: the browser tests will be skipped"; \
	fi

check: $(STAMP)  ## Lint the code and check every scenario.
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/sim check scenarios

bench: $(STAMP)  ## Run the benchmarks and print their figures.
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
