# casebook — 入口はこの Makefile だけです。`make serve` と `make test` は .venv を作るところから始めます。
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two install stamps: `make serve` installs only what serving needs (-e .); lint and the tests add '.[test]'.
SUM        := $(shell cksum pyproject.toml | cut -d' ' -f1)
STAMP      := $(VENV)/.installed-$(SUM)
TEST_STAMP := $(VENV)/.installed-test-$(SUM)
PAGEFIND_STAMP := tools/pagefind/node_modules/.installed
HOST   ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test test-fast check schema lint chromium nginx tools clean bench-search bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Packages go in with uv (a fresh clone's test set-up: about 10 s, where pip took 20–33 s); pip is the
# fallback when uv cannot be had or fails. Either way they come from PyPI, as pyproject.toml lists them.
# --compile-bytecode, as pip does: PYTHONDONTWRITEBYTECODE=1 machines never write .pyc later, and every
# build and CLI run of the tests would compile MkDocs, Material and pydantic again (30 s more in make test).
install = { $(BIN)/python -m pip install -q uv >/dev/null 2>&1 && \
	    $(BIN)/python -m uv pip install -q --compile-bytecode --python $(BIN)/python $(1); } || \
	  { echo "注意: uv が使えないため pip で入れます" >&2; $(BIN)/python -m pip install -q $(1); }

$(STAMP): pyproject.toml $(PAGEFIND_STAMP) | $(BIN)/python
	$(call install,-e .)
	rm -f $(VENV)/.installed-[0-9]*
	touch $@

# The tests' stamp installs everything in one run (one resolution; about 9 s less on a fresh clone)
# and stands for the serving stamp too.
TEST_EXTRAS := '.[test,engines]'
$(TEST_STAMP): pyproject.toml $(PAGEFIND_STAMP) | $(BIN)/python
	$(call install,-e $(TEST_EXTRAS))
	rm -f $(VENV)/.installed-*
	touch $(STAMP) $@

# Pagefind 1.6 (検索索引) は npm にだけあるので、ここで入れます（PyPI の 1.5.2 は予備）。
$(PAGEFIND_STAMP): tools/pagefind/package.json tools/pagefind/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tools/pagefind --no-audit --no-fund --loglevel=error; \
	else \
	  echo "注意: npm がないため、検索索引は PyPI の Pagefind 1.5 で作ります（Node.js を入れると 1.6 になり、検索の質が上がります）" >&2; \
	  mkdir -p $(dir $@); \
	fi
	touch $@

## serve: 知識ベースを検査して http://127.0.0.1:8000/ で表示する（記録の編集で自動更新）
serve: $(STAMP)
	$(BIN)/casebook check
	$(BIN)/mkdocs serve --dirty -a $(HOST)

## build: サイトを site/ に作る（--strict）
build: $(STAMP)
	$(BIN)/mkdocs build --strict

## check: 記録だけを検査する
check: $(STAMP)
	$(BIN)/casebook check

## schema: エディタ用の JSON Schema を schema/ に書き出す
schema: $(STAMP)
	$(BIN)/casebook schema --out schema

## lint: ruff と mypy
lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests
	$(BIN)/mypy

## chromium: ブラウザテスト用の Debian chromium（なければ apt-get で入れる）
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

## nginx: 配布物を本物の nginx で配信するテスト用（なければ apt-get で入れる。起動はテストが一時フォルダで行う）
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q nginx; }

## tools: 品質検査のツール（npm の axe-core と vnu-jar）を tools/ に入れる
TOOLS_STAMP := tools/node_modules/.installed
$(TOOLS_STAMP): tools/package.json
	npm install --prefix tools --no-audit --no-fund --loglevel=error
	touch $@

tools: $(TOOLS_STAMP)

# テストは 2 つのプロセスで並べて走らせます（ファイル単位。長いファイルから順に。TEST_WORKERS=0 で 1 つ）。
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The tests start Python a few hundred times (builds, the CLI): compile casebook once for all of them,
# since machines with PYTHONDONTWRITEBYTECODE=1 would compile it again in every process.
COMPILE := $(BIN)/python -m compileall -q generator tests >/dev/null

## test: すべてのテスト（ブラウザテスト・アクセシビリティ・HTML 検査を含む）
test: $(TEST_STAMP) chromium nginx $(TOOLS_STAMP) lint
	$(BIN)/casebook check
	$(COMPILE)
	$(PYTEST)

## test-fast: ブラウザテスト以外のすべて（編集の合間に。chromium も npm の道具も要りません）
test-fast: $(TEST_STAMP) lint
	$(BIN)/casebook check
	$(COMPILE)
	$(PYTEST) -m 'not browser'

## bench-search: 検索の索引時間・大きさ・取得量を測り、5,000 件の合成データで Pagefind だけの場合と並べる
bench-search: $(TEST_STAMP) chromium
	$(BIN)/python bench/search_bench.py

## bench: 100・1,000・5,000 件の合成データで規模ベンチマーク（make test には含めない）
bench: $(STAMP)
	$(BIN)/python bench/scale.py --sizes 100,1000,5000

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
