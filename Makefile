# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt

export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export OMP_WAIT_POLICY := PASSIVE

.PHONY: run test ingest bench load eval answers-external train-answer-model lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) -r requirements-dev.txt
	touch $@

## run: install, (re)build the index when missing or stale, serve on http://$(HOST):$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python app.py --host $(HOST) --port $(PORT)

## test: install dev dependencies and run the test suite
test: $(VENV)/.dev
	$(BIN)/python -m pytest

## ingest: update the index from corpus/ (add ARGS=--rebuild to start over)
ingest: $(VENV)/.runtime
	$(BIN)/python -m ingest $(ARGS)

## bench: performance benchmarks; prints a table and writes bench/results/*.json
bench: $(VENV)/.dev
	$(BIN)/python -m bench $(ARGS)

## load: 20 concurrent chat sessions for 60 s against the app on 127.0.0.1 (loopback only)
load: $(VENV)/.dev
	$(BIN)/python -m bench.load --sessions 20 --seconds 60

## eval: retrieval and answer quality on the project's question set (test split)
eval: $(VENV)/.runtime
	$(BIN)/python -m eval --split test --baseline --report
	$(BIN)/python -m eval answers --split test

## answers-external: the answer path on TyDiQA-id dev and IDK-MRC valid (own indexes in data/external/, built once)
answers-external: $(VENV)/.runtime
	OMP_NUM_THREADS=1 $(BIN)/python -m eval answers-external $(ARGS)

## train-answer-model: rebuild rag/resources/answer_model.json from ../shared/data (scikit-learn, dev dependency)
train-answer-model: $(VENV)/.dev
	OMP_NUM_THREADS=1 $(BIN)/python -m eval train-answer-model $(ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) data/index
