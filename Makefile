# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
CHROMA_HOST ?= 127.0.0.1
CHROMA_BIND ?= 127.0.0.1
CHROMA_PORT ?= 8000
CHROMA_PATH ?= data/chroma-server
# llama.cpp built for any x86-64 with AVX2: a native build picks AMX on CPUs that have it, and its first
# matrix product crashes (SIGSEGV in ldtilecfg) where the kernel or VM does not grant AMX to the process.
LLAMACPP_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export OMP_WAIT_POLICY := PASSIVE

.PHONY: run test ingest bench load soak serve chroma test-llm eval answers-external train-answer-model lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) -r requirements-dev.txt
	touch $@

$(VENV)/.llm: requirements-llm-test.txt requirements-llamacpp.txt $(VENV)/.dev
	CMAKE_ARGS="$(LLAMACPP_CMAKE_ARGS)" $(PIP) --no-cache-dir -r requirements-llm-test.txt
	touch $@

## run: install, (re)build the index when missing or stale, serve on http://$(HOST):$(PORT)
run: $(VENV)/.runtime
	$(BIN)/python app.py --host $(HOST) --port $(PORT)

## test: install dev dependencies and run the test suite
test: $(VENV)/.dev
	$(BIN)/python -m pytest

## chroma: a Chroma server for the class (data in $(CHROMA_PATH)); CHROMA_BIND=0.0.0.0 serves other machines
chroma: $(VENV)/.runtime
	$(BIN)/chroma run --path $(CHROMA_PATH) --host $(CHROMA_BIND) --port $(CHROMA_PORT)

## serve: the class deployment: app on $(HOST):$(PORT) against the Chroma server at $(CHROMA_HOST):$(CHROMA_PORT),
## health at /kesehatan; needs TANYA_ADMIN_PASSWORD
serve: $(VENV)/.runtime
	$(BIN)/python serve.py --host $(HOST) --port $(PORT) --chroma-host $(CHROMA_HOST) --chroma-port $(CHROMA_PORT)

## test-llm: opt-in: builds llama-cpp-python, starts llama.cpp's server on a tiny GGUF, tests the LLM path
test-llm: $(VENV)/.llm
	TANYA_TEST_LLM=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_llm_real.py

## ingest: update the index from corpus/ (add ARGS=--rebuild to start over)
ingest: $(VENV)/.runtime
	$(BIN)/python -m ingest $(ARGS)

## bench: performance benchmarks; prints a table and writes bench/results/*.json
bench: $(VENV)/.dev
	$(BIN)/python -m bench $(ARGS)

## load: 20 concurrent chat sessions for 60 s against the app on 127.0.0.1 (loopback only)
load: $(VENV)/.dev
	$(BIN)/python -m bench.load --sessions 20 --seconds 60

## soak: 5,000 questions from 20 browser-like sessions; RSS curve + plot in bench/results/soak.{json,png}
## (ARGS="--questions 1000 --clients 10" for a shorter run)
soak: $(VENV)/.dev
	$(BIN)/python -m bench.soak $(ARGS)

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
