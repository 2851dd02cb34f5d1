"""Throughput of the level parser: lines/s on a 100k-line corpus of mixed report sentences.

    python -m benchmarks.levels [--lines 100000] [--seed 7] [--repeat 3]

The corpus is generated here, deterministically (seeded), from English and Chinese report
templates: levels in every written form, spans, lists, traps (MRI weightings, ages, scores) and
sentences without any level. One process, one thread. Goal: >= 20,000 lines/s on one core.

It also prints the parser's accuracy on the labelled sets in ``tests/tools/data/levels_*.jsonl``
(exact level set and presence of warnings; goal 1.000: each set was measured once unseen, then
developed on, and stays whole).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from tools.levels import VERTEBRAE, parse

GOAL = 20_000
LABELLED = Path(__file__).resolve().parents[1] / "tests" / "tools" / "data"

_EN = [
    "MRI shows a broad-based disc protrusion at {seg} with moderate canal stenosis.",
    "Mild foraminal narrowing at {seg} and {seg2}; T2 hyperintense signal in the {v} body.",
    "Grade 1 anterolisthesis of {v} on {vn} with bilateral pars defects.",
    "Post-operative changes of {v}-{vf} posterior fusion with pedicle screws.",
    "A 54-year-old man (BMI 31) with {v} radiculopathy, VAS 7/10, mJOA 13.",
    "Compression fracture of the {v} vertebral body, 30% height loss, no retropulsion.",
    "Sagittal T1- and T2-weighted images show Modic type 1 changes at {seg}.",
    "No acute abnormality. Alignment is preserved; Pfirrmann grade III discs.",
    "Disc bulges at C5, 6 and 7 without cord compression.",
    "Left paracentral extrusion at L4-5 and L5/S1 contacting the traversing root.",
    "Stenosis from C3-4 to C5-6 with T2 signal change in the cord.",
    "Transitional lumbosacral anatomy; numbering assumes five lumbar vertebrae.",
    "Patient reports neck pain for 6 weeks after a fall, worse at night.",
]
_ZH = [
    "腰椎MRI：{cseg}椎间盘突出，硬膜囊受压，T2WI信号减低。",
    "{cv}椎体压缩性骨折，椎体高度丢失约30%。",
    "颈椎MRI：C4/5、C5/6椎间盘突出，C5/6水平脊髓受压。",
    "患者男，62岁，腰痛伴左下肢放射痛3月，VAS评分6分。",
    "第4腰椎向前滑脱I度，腰4/5椎间隙变窄。",
    "腰3-骶1后路减压融合内固定术后改变。",
    "胸腰段骨折，T12椎体楔形变。",
    "未见明显异常，椎体序列正常。",
]
_CN_REGION = {"C": "颈", "T": "胸", "L": "腰", "S": "骶"}


def corpus(lines: int, seed: int) -> list[str]:
    """``lines`` report sentences, roughly 60 % English and 40 % Chinese."""
    rng = random.Random(seed)
    out = []
    for _ in range(lines):
        i = rng.randrange(len(VERTEBRAE) - 3)
        v, vn, vf = VERTEBRAE[i], VERTEBRAE[i + 1], VERTEBRAE[i + 3]
        seg = f"{v}-{vn[1:]}" if v[0] == vn[0] else f"{v}-{vn}"
        j = rng.randrange(len(VERTEBRAE) - 1)
        seg2 = f"{VERTEBRAE[j]}/{VERTEBRAE[j + 1]}"
        cv = _CN_REGION[v[0]] + v[1:]
        cseg = f"{_CN_REGION[v[0]]}{v[1:]}/{vn[1:]}" if v[0] == vn[0] else f"{v}/{vn}"
        template = rng.choice(_EN) if rng.random() < 0.6 else rng.choice(_ZH)
        out.append(template.format(v=v, vn=vn, vf=vf, seg=seg, seg2=seg2, cv=cv, cseg=cseg))
    return out


def accuracy(path: Path) -> tuple[int, float]:
    """Cases in a labelled JSONL file and the share parsed exactly right."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    right = 0
    for case in cases:
        result = parse(case["text"])
        right += list(result.levels) == case["levels"] and bool(result.warnings) == case["warn"]
    return len(cases), right / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = corpus(args.lines, args.seed)
    rates, found = [], 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = sum(len(parse(line).levels) for line in text)
        rates.append(len(text) / (time.perf_counter() - started))
    best, median = max(rates), statistics.median(rates)
    print(
        f"tools.levels.parse: {len(text):,} lines, {found:,} levels; "
        f"median {median:,.0f} lines/s (best {best:,.0f}, {args.repeat} runs, one thread); "
        f"goal >= {GOAL:,} -> ratio {median / GOAL:.2f}"
    )
    for path in sorted(LABELLED.glob("levels_*.jsonl")):
        n, share = accuracy(path)
        print(f"accuracy on {path.name}: {share:.4f} of {n} cases (goal 1.000)")


if __name__ == "__main__":
    main()
