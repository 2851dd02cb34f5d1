"""Parse scripts/serve_spinegpt.sh's command line with vLLM's own argument parser.

Runs in the vLLM venv (scripts/vllm_integration.sh): a flag renamed or removed by vLLM fails
here instead of on a user's GPU node.
"""

from __future__ import annotations

import shlex
import subprocess
import sys


def main() -> int:
    from vllm.entrypoints.launchers.cli_args import make_arg_parser
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    line = subprocess.run(
        ["bash", "scripts/serve_spinegpt.sh"],
        env={"DRY_RUN": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    argv = shlex.split(line)
    assert argv[:2] == ["vllm", "serve"], argv[:2]
    model, flags = argv[2], argv[3:]
    ns = make_arg_parser(FlexibleArgumentParser()).parse_args([*flags, "--model", model])
    checks = {
        "served model name": ns.served_model_name == ["spinegpt"],
        "context length": ns.max_model_len == 32768,
        "images per prompt": ns.limit_mm_per_prompt == {"image": 4},
        "prefix caching": ns.enable_prefix_caching is True,
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        print(f"serve recipe: vLLM parsed these differently: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"serve recipe: {len(checks)} settings parse as intended under vLLM")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
