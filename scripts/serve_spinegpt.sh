#!/usr/bin/env bash
# Serve SpineGPT (or its base, Qwen2.5-VL-7B-Instruct) with vLLM on one GPU node, as an
# OpenAI-compatible endpoint for SpineMed agents. Run it on each GPU node; then, on the
# SpineMed side:
#   export SPINE_LLM_BASE_URL=http://gpu1:8000/v1,http://gpu2:8000/v1 SPINE_LLM_MODEL=spinegpt
#
#   MODEL=/models/SpineGPT-7B scripts/serve_spinegpt.sh          # a local weights folder
#   MODEL=Qwen/Qwen2.5-VL-7B-Instruct scripts/serve_spinegpt.sh  # needs the HF cache filled
#   DRY_RUN=1 scripts/serve_spinegpt.sh                           # print the command only
set -euo pipefail
MODEL="${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}"
PORT="${PORT:-8000}"
args=(
  serve "$MODEL"
  --served-model-name spinegpt          # the name SPINE_LLM_MODEL refers to
  --host 0.0.0.0 --port "$PORT"
  --max-model-len 32768                 # long consultations and six-section reports fit
  --limit-mm-per-prompt '{"image": 4}'  # images accepted in one prompt (DICOM renders, X-rays)
  --mm-processor-kwargs '{"min_pixels": 200704, "max_pixels": 1003520}'  # 256..1280 28x28 patches
  --enable-prefix-caching               # shared system/guideline prefixes are computed once
  --gpu-memory-utilization 0.90
  --dtype bfloat16
  --generation-config vllm              # our sampling settings, not the checkpoint's defaults
)
if [[ -n "${SPINE_LLM_API_KEY:-}" ]]; then
  args+=(--api-key "$SPINE_LLM_API_KEY")  # clients send the same key as a bearer token
fi
if [[ -n "${DRY_RUN:-}" ]]; then
  printf '%q ' vllm "${args[@]}"; echo
  exit 0
fi
exec vllm "${args[@]}"
