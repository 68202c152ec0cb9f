# salesops - the two commands a new user types are `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Telemetry of dagster, dbt and dlt off; Dagster state stays in the project.
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DO_NOT_TRACK := 1
export RUNTIME__DLTHUB_TELEMETRY := false
SCALE ?= 1
SEED ?= 42

.PHONY: install run test test-spark ui bench lint dbt-parse demo clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	@touch $(STAMP)

install: $(STAMP)

# The dagster-dbt manifest must exist before definitions load.
dbt-parse: install
	$(BIN)/salesops dbt parse --quiet

demo: install
	$(BIN)/salesops demo generate --scale $(SCALE) --seed $(SEED) --if-missing

## make run: generate the demo company if missing, then run the nightly job on it
run: demo dbt-parse
	$(BIN)/salesops run

## make test: the whole suite (lint + pytest); .ci/run calls exactly this
test: dbt-parse lint
	$(BIN)/pytest -q -n 2 --dist loadgroup

## make test-spark (optional, not part of `make test`): the dbt project on a local Spark
## (dbt-spark session mode, Java 17) equals the DuckDB marts. Own venv: Spark never enters .venv.
SPARK_VENV := .venv-spark
$(SPARK_VENV)/.installed: pyproject.toml
	@test -x $(SPARK_VENV)/bin/python || $(PY) -m venv $(SPARK_VENV) || python3 -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet -e '.[dev,spark]'
	@touch $@

test-spark: $(SPARK_VENV)/.installed
	$(SPARK_VENV)/bin/pytest -q -n 0 -rs tests/spark

lint: install
	$(BIN)/ruff check salesops assets orchestration tests bench

## make ui: Dagster UI on http://127.0.0.1:3000 (lineage, schedules, backfills)
ui: demo dbt-parse
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

## make bench: timings at scale 1 (median of 3 runs) and 10 (one run); a script, not a timed test.
## Scale 50 without the pandas baselines (5.9 GB at scale 10, so ~30 GB at 50): .venv/bin/python bench/run.py \
##   --scales 50 --repeat 1 --scenarios generate nightly_cold nightly_rerun nightly_incremental
bench: dbt-parse
	$(BIN)/python bench/run.py --scales 1 --repeat 3
	$(BIN)/python bench/run.py --scales 10 --repeat 1

clean:
	rm -rf data .dagster/storage .dagster/logs .dagster/history dbt_project/target dbt_project/logs
