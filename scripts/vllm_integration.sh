#!/usr/bin/env bash
# Real vLLM integration test: build (once) the vLLM CPU venv and the SmolLM2 safetensors folder,
# start vLLM's OpenAI-compatible server on loopback, and run the backend tests marked `vllm`
# (plain, streaming, json_schema structured output, the CLI) against it.
set -euo pipefail
cd "$(dirname "$0")/.."
export SPINE_HOME="${SPINE_HOME:-$HOME/.spine}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
read -r VPY MODEL < <(bash scripts/vllm_env.sh)
"$VPY" scripts/check_serve_recipe.py
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG="$SPINE_HOME/vllm/server.log"
WAIT_S="${VLLM_START_TIMEOUT_S:-900}"

echo "vllm_integration: starting vLLM on 127.0.0.1:$PORT (log: $LOG)"
started=$(date +%s)
# setsid: the server and its engine process share a new process group we can stop as one
VLLM_CPU_KVCACHE_SPACE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1 setsid "$VPY" \
  -m vllm.entrypoints.openai.api_server --model "$MODEL" --served-model-name smollm2 \
  --host 127.0.0.1 --port "$PORT" --max-model-len 2048 --dtype float32 --enforce-eager \
  >"$LOG" 2>&1 &
SERVER=$!
stop_server() { kill -- "-$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop_server EXIT

until .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/health', timeout=2)" 2>/dev/null; do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "vllm_integration: the vLLM server exited during start-up; its last lines:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  if (( $(date +%s) - started > WAIT_S )); then
    echo "vllm_integration: vLLM not up after ${WAIT_S}s; its last lines:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  sleep 2
done
echo "vllm_integration: server up after $(( $(date +%s) - started )) s"

SPINE_TEST_VLLM_URL="http://127.0.0.1:$PORT/v1" SPINE_TEST_VLLM_MODEL=smollm2 \
  .venv/bin/pytest -m vllm "$@"
