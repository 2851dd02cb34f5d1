"""Picture-context matching: bind document images to their captions and citing paragraphs.

Used when ingesting textbooks and guidelines. Every figure label is reduced to one key:
``Figure 3-2`` / ``Fig. 3.2`` / ``fig 3–2`` / ``图３－２`` → ``"3-2"``, ``FIGURE 4A`` → ``"4a"``,
``Figure S1`` → ``"s1"`` (full-width characters fold to ASCII, letters are lower-cased).

Citations are found by one left-to-right scan (``Figure``/``Fig.``/``Figs.``/``图``/``圖``/``図``
followed by a label, then list and range continuations: ``Figs. 2 and 3``, ``Figures 2–4``,
``Fig. 4a–c``, ``图2、3``, ``图2至4``). Citations are indexed once per document into a
``label -> paragraph indices`` map, so matching stays linear in the size of the text.

The module is pure (``re`` and ``dataclasses`` only) and never raises on odd input: malformed
Markdown, empty strings or wrong types give empty results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

__all__ = [
    "FigureRef",
    "PcmResult",
    "normalise_label",
    "find_citations",
    "match_markdown",
    "match_pages",
]

_MAX_RANGE = 200  # widest numeric range expanded ("Figures 2–4" → 2, 3, 4)

# 1:1 character folding, so offsets in the folded text are offsets in the original.
_FOLD: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({cp: 0x2D for cp in range(0x2010, 0x2016)})  # hyphens, en/em dashes, bar → "-"
_FOLD.update({0x2212: 0x2D, 0x3000: 0x20, 0x00A0: 0x20, 0x301C: 0x7E})

_KW_EN = r"(?<![A-Za-z])(?i:fig(?:ure)?)"
_KW_ZH = r"[图圖図]"
_CITE_KW = re.compile(
    rf"(?:(?P<en>{_KW_EN}(?P<pl>[sS])?\.?)|(?P<zh>{_KW_ZH}))[ \t]{{0,3}}(?:\n[ \t]{{0,3}})?"
)
_ITEM = re.compile(
    r"(?P<pre>[A-Za-z](?=\d))?(?P<a>\d{1,3})(?:(?P<sep>[-.])(?P<b>\d{1,3}))?"
    r"(?:(?P<let>[A-Za-z])|\((?P<plet>[A-Za-z])\))?(?![A-Za-z0-9])"
)
_LET = re.compile(r"[A-Za-z](?![A-Za-z0-9])")
_SEP = re.compile(
    r"[ \t]*(?P<sep>,[ \t]*(?:(?i:and|or)(?![A-Za-z])|&)?"
    r"|(?i:and|or|to|through|thru)(?![A-Za-z])|[&、和及与或至到~-])[ \t]*"
    rf"(?:(?:{_KW_EN}[sS]?\.?|{_KW_ZH})[ \t]*)?"
)
_RANGE_SEPS = frozenset({"-", "~", "至", "到", "to", "through", "thru"})
_ZH_NUMBER_SEPS = frozenset({"、", "和", "及", "与", "或", "至", "到", "~"})

_CAP_HEAD = re.compile(
    rf"(?:[ \t*_>#]|<[^<>\n]{{0,80}}>)*(?:(?P<en>{_KW_EN}\.?)|(?P<zh>{_KW_ZH}))[ \t]{{0,3}}"
)
_CAP_PUNCT = frozenset(".:|-)]。")
_CONT = re.compile(  # a line ending like this continues into the next ("...as shown in")
    r"(?:(?<![A-Za-z])(?i:in|see|of|to|and|or|with|from|also|cf|the|as|by|on|at|per|vs|e\.g"
    r"|i\.e|shown|illustrated|seen|presented|depicted|shows|showed|demonstrated)\.?,?"
    r"|[(\[,见如和与及、])$"
)

_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\n]|\[[^\[\]\n]*\]){0,1000})\]"
    r"(?:\([ \t]*(?:<(?P<apath>[^<>\n]*)>|(?P<path>(?:[^\s()]|\([^\s()]*\))+))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
    r"|\[(?P<ref>[^\[\]\n]*)\])"
    r"|(?P<html><img\b[^<>\n]{0,2000}>)",
    re.IGNORECASE,
)
_ATTR = re.compile(
    r"(?<![\w-])(?P<name>src|alt)[ \t]*=[ \t]*"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'>]+))",
    re.IGNORECASE,
)
_DEF = re.compile(r"^[ ]{0,3}\[(?P<id>[^\[\]\n]+)\]:[ \t]*<?(?P<url>[^\s<>]+)>?", re.MULTILINE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class FigureRef:
    """One image with its caption and the paragraphs that cite it.

    For :func:`match_pages`, ``start``/``end`` are offsets into ``"\\f".join(pages)``: the bound
    caption's span, or the start of the image's page when it has no caption.
    """

    label: str | None
    image: str
    alt: str
    caption: str
    context: tuple[str, ...]
    start: int
    end: int

    @property
    def matched(self) -> bool:
        """True when the figure has a caption or at least one citing paragraph."""
        return bool(self.caption) or bool(self.context)


@dataclass(frozen=True)
class PcmResult:
    """Figures in document order, those left unmatched, and caption labels without an image."""

    figures: tuple[FigureRef, ...]
    unmatched: tuple[FigureRef, ...]
    orphan_captions: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """A JSON-serialisable dict (figures and unmatched as objects, ``matched`` included)."""
        return {
            "figures": [_figure_json(f) for f in self.figures],
            "unmatched": [_figure_json(f) for f in self.unmatched],
            "orphan_captions": list(self.orphan_captions),
        }


def _figure_json(fig: FigureRef) -> dict[str, object]:
    return {
        "label": fig.label,
        "image": fig.image,
        "alt": fig.alt,
        "caption": fig.caption,
        "context": list(fig.context),
        "start": fig.start,
        "end": fig.end,
        "matched": fig.matched,
    }


_EMPTY = PcmResult((), (), ())


# --- labels and citations -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    pre: str  # letter prefix ("S" of "S1")
    a: int
    b: int | None  # chapter-style second number ("2" of "3-2")
    csep: str  # the separator between a and b ("-" or ".")
    let: str  # letter suffix, original case
    start: int
    end: int
    kind: str = ""  # how it joins the previous item: "", "list" or "range"


def _item(m: re.Match[str], kind: str = "") -> _Item:
    b = m.group("b")
    return _Item(
        pre=m.group("pre") or "",
        a=int(m.group("a")),
        b=int(b) if b is not None else None,
        csep=m.group("sep") or "",
        let=m.group("let") or m.group("plet") or "",
        start=m.start(),
        end=m.end(),
        kind=kind,
    )


def _label(it: _Item) -> str:
    second = f"-{it.b}" if it.b is not None else ""
    return f"{it.pre.lower()}{it.a}{second}{it.let.lower()}"


def _follows(a: str, b: str) -> bool:
    return a.islower() == b.islower() and ord(b) > ord(a)


def _item_labels(it: _Item, dash_range: bool) -> list[str]:
    if dash_range and it.b is not None and it.csep == "-":
        return [f"{it.pre.lower()}{n}" for n in range(it.a, it.b + 1)]
    return [_label(it)]


def _span_labels(x: _Item, y: _Item, dash_range: bool) -> list[str]:
    if dash_range and "-" in (x.csep, y.csep):
        return _item_labels(x, dash_range) + _item_labels(y, dash_range)
    if x.pre.lower() == y.pre.lower():
        if x.let and y.let and (x.a, x.b) == (y.a, y.b) and _follows(x.let, y.let):
            return [_label(replace(x, let=chr(c))) for c in range(ord(x.let), ord(y.let) + 1)]
        if not x.let and not y.let:
            pre = x.pre.lower()
            if x.b is None and y.b is None and x.a < y.a <= x.a + _MAX_RANGE:
                return [f"{pre}{n}" for n in range(x.a, y.a + 1)]
            if x.b is not None and y.b is not None and x.a == y.a and x.b < y.b <= x.b + _MAX_RANGE:
                return [f"{pre}{x.a}-{n}" for n in range(x.b, y.b + 1)]
    return [_label(x), _label(y)]


def _emit(items: list[_Item], kw_start: int, plural: bool) -> list[tuple[str, int, int]]:
    # "Figures 2-4" is a range; "Figs. 3-2 and 3-3" are chapter labels.
    dashed = [it for it in items if it.b is not None and it.csep == "-"]
    dash_range = (
        plural
        and bool(dashed)
        and all(
            not it.let and it.b is not None and it.a < it.b <= it.a + _MAX_RANGE for it in dashed
        )
        and len({(it.pre.lower(), it.a) for it in dashed}) == len(dashed)
    )
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(items):
        x = items[i]
        start = kw_start if i == 0 else x.start
        if i + 1 < len(items) and items[i + 1].kind == "range":
            y = items[i + 1]
            out.extend((lab, start, y.end) for lab in _span_labels(x, y, dash_range))
            i += 2
        else:
            out.extend((lab, start, x.end) for lab in _item_labels(x, dash_range))
            i += 1
    return out


def _scan(folded: str) -> list[tuple[str, int, int]]:
    """Every citation in already-folded text, in document order."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    while (kw := _CITE_KW.search(folded, pos)) is not None:
        first = _ITEM.match(folded, kw.end())
        if first is None:
            pos = kw.end()
            continue
        zh, plural = kw.group("zh") is not None, kw.group("pl") is not None
        items = [_item(first)]
        pos = first.end()
        while (sm := _SEP.match(folded, pos)) is not None:
            sep = sm.group("sep").strip().lower()
            sep = "," if sep.startswith(",") else sep
            kind = "range" if sep in _RANGE_SEPS else "list"
            nxt = _ITEM.match(folded, sm.end())
            if nxt is not None and (plural or (zh and sep in _ZH_NUMBER_SEPS)):
                items.append(_item(nxt, kind))
                pos = nxt.end()
                continue
            prev = items[-1]
            lm = _LET.match(folded, sm.end()) if prev.let else None
            if lm is not None and _follows(prev.let, lm.group()):
                items.append(
                    replace(prev, let=lm.group(), start=lm.start(), end=lm.end(), kind=kind)
                )
                pos = lm.end()
                continue
            break
        out.extend(_emit(items, kw.start(), plural))
    return out


def normalise_label(text: str) -> str | None:
    """The label key of the first figure label in ``text`` (``"Fig. 3.2"`` → ``"3-2"``), or None."""
    if not isinstance(text, str):
        return None
    folded = text.translate(_FOLD)
    for kw in _CITE_KW.finditer(folded):
        m = _ITEM.match(folded, kw.end())
        if m is not None:
            return _label(_item(m))
    return None


def find_citations(text: str) -> list[tuple[str, int, int]]:
    """Every figure citation in free text as ``(label, start, end)``, in document order.

    Lists and ranges give one tuple per label (``"Figures 2–4"`` → 2, 3, 4); the first label of a
    citation spans from its keyword, later ones span their own text (a range: both ends).
    """
    return _scan(text.translate(_FOLD)) if isinstance(text, str) else []


def _caption_label(seg: str) -> str | None:
    """The label when folded ``seg`` starts like a caption (``Figure 2.``, ``图 2 ``), else None."""
    head = _CAP_HEAD.match(seg)
    if head is None:
        return None
    item = _ITEM.match(seg, head.end())
    if item is None:
        return None
    rest = seg[item.end() :].lstrip("*_")
    body = rest.lstrip()
    if body and body[0] not in _CAP_PUNCT:
        c = body[0]
        spaced = rest[:1].isspace()
        if not spaced or not (
            head.group("zh") or c.isupper() or c in "([\"'“‘" or ord(c) >= 0x2E80
        ):
            return None
    return _label(_item(item))


# --- shared text structure ------------------------------------------------------------------


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _index(
    cites: list[tuple[str, int, int]],
    paras: list[tuple[int, int]],
    skip_paras: set[int],
    excluded: list[tuple[int, int]],
    offset: int = 0,
    index: dict[str, list[int]] | None = None,
) -> dict[str, list[int]]:
    """Map label -> indices (``offset`` + i) of the paragraphs whose citations count."""
    index = {} if index is None else index
    pi = xi = 0
    for label, s, _e in cites:
        while pi < len(paras) and paras[pi][1] < s:
            pi += 1
        if pi == len(paras):
            break
        if s < paras[pi][0] or pi in skip_paras:
            continue
        while xi < len(excluded) and excluded[xi][1] <= s:
            xi += 1
        if xi < len(excluded) and excluded[xi][0] <= s:
            continue
        hits = index.setdefault(label, [])
        if not hits or hits[-1] != offset + pi:
            hits.append(offset + pi)
    return index


def _result(figures: list[FigureRef], caption_labels: list[str]) -> PcmResult:
    have = {f.label for f in figures}
    orphans = tuple(dict.fromkeys(lab for lab in caption_labels if lab not in have))
    return PcmResult(tuple(figures), tuple(f for f in figures if not f.matched), orphans)


# --- Markdown -------------------------------------------------------------------------------


def _join(base: str, path: str) -> str:
    if not base or path.startswith(("/", "#")) or _SCHEME.match(path):
        return path
    while path.startswith("./"):
        path = path[2:]
    return (base if base.endswith("/") else base + "/") + path


def _md_images(text: str, base: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, alt, path)`` of inline, reference-style and HTML images."""
    defs: dict[str, str] = {}
    for d in _DEF.finditer(text):
        defs.setdefault(" ".join(d.group("id").split()).lower(), d.group("url"))
    out: list[tuple[int, int, str, str]] = []
    for m in _IMAGE.finditer(text):
        if m.group("html") is not None:
            attrs = {
                a.group("name").lower(): a.group("dq") or a.group("sq") or a.group("bare") or ""
                for a in _ATTR.finditer(m.group("html"))
            }
            alt, path = attrs.get("alt", ""), attrs.get("src", "")
        else:
            alt = m.group("alt") or ""
            ref = m.group("ref")
            if ref is not None:
                path = defs.get(" ".join((ref or alt).split()).lower(), "")
            else:
                path = m.group("apath") if m.group("apath") is not None else m.group("path")
        path = path.strip()
        if path:
            out.append((m.start(), m.end(), alt, _join(base, path)))
    return out


def match_markdown(text: str, *, base: str = "") -> PcmResult:
    """Bind each Markdown image to its caption and the paragraphs citing its label.

    The caption is the text after the image on its line, else the next non-empty line, when it
    starts with a figure label; failing that, the alt text when it does. A label-less image takes a
    label cited anywhere in its alt text. Paragraphs are blank-line separated; a paragraph whose
    first text is a caption never counts as context, nor do citations inside image markup or
    captions. ``base`` is prefixed to relative image paths.
    """
    if not isinstance(text, str) or not text.strip():
        return _EMPTY
    base = base if isinstance(base, str) else ""
    folded = text.translate(_FOLD)
    images = _md_images(text, base)
    lines = _line_spans(text)
    blank = [not text[s:e].strip() for s, e in lines]

    line_imgs: dict[int, list[int]] = {}
    img_at: list[tuple[int, int]] = []  # (line, position among the line's images)
    li = 0
    for k, (s, _e, _a, _p) in enumerate(images):
        while lines[li][1] < s:
            li += 1
        on_line = line_imgs.setdefault(li, [])
        img_at.append((li, len(on_line)))
        on_line.append(k)

    def first_segment(lno: int) -> tuple[int, int]:
        ks = line_imgs.get(lno)
        return _strip(text, lines[lno][0], images[ks[0]][0] if ks else lines[lno][1])

    paras: list[tuple[int, int]] = []  # (first line, last line)
    for lno, is_blank in enumerate(blank):
        if not is_blank:
            if paras and paras[-1][1] == lno - 1:
                paras[-1] = (paras[-1][0], lno)
            else:
                paras.append((lno, lno))

    caption_paras: dict[int, tuple[int, str]] = {}  # para -> (caption start, label)
    for pno, (first, last) in enumerate(paras):
        seg: tuple[int, int] | None = None
        for lno in range(first, last + 1):
            ks = line_imgs.get(lno, [])
            bounds = [lines[lno][0]] + [b for k in ks for b in images[k][:2]] + [lines[lno][1]]
            segs = (_strip(text, bounds[j], bounds[j + 1]) for j in range(0, len(bounds), 2))
            seg = next((sg for sg in segs if sg[0] < sg[1]), None)
            if seg is not None:
                break
        head = _caption_label(folded[seg[0] : seg[1]]) if seg is not None else None
        if seg is not None and head is not None:
            caption_paras[pno] = (seg[0], head)

    figures: list[FigureRef] = []
    bound: set[int] = set()
    excluded: list[tuple[int, int]] = []
    pending: list[tuple[int, int, str, str, str | None, str]] = []
    for k, (s, e, alt, path) in enumerate(images):
        excluded.append((s, e))
        lno, j = img_at[k]
        ks = line_imgs[lno]
        last_on_line = j + 1 == len(ks)
        cand = _strip(text, e, lines[lno][1] if last_on_line else images[ks[j + 1]][0])
        if cand[0] >= cand[1] and last_on_line:
            nl = lno + 1
            while nl < len(lines) and blank[nl]:
                nl += 1
            cand = first_segment(nl) if nl < len(lines) else (0, 0)
        label: str | None = None
        caption, end = "", e
        if cand[0] < cand[1] and cand[0] not in bound:
            label = _caption_label(folded[cand[0] : cand[1]])
            if label is not None:
                caption, end = text[cand[0] : cand[1]], cand[1]
                bound.add(cand[0])
                excluded.append(cand)
        if label is None and alt.strip():
            label = _caption_label(alt.strip().translate(_FOLD))
            caption = alt.strip() if label is not None else ""
            label = label if label is not None else normalise_label(alt)
        pending.append((s, end, alt, path, label, caption))

    excluded.sort()
    spans = [(lines[f][0], lines[la][1]) for f, la in paras]
    index = _index(_scan(folded), spans, set(caption_paras), excluded)
    texts: dict[int, str] = {}
    for s, end, alt, path, label, caption in pending:
        hits = index.get(label, []) if label is not None else []
        context = tuple(texts.setdefault(i, text[spans[i][0] : spans[i][1]].strip()) for i in hits)
        figures.append(FigureRef(label, path, alt, caption, context, s, end))
    orphans = [lab for start, lab in caption_paras.values() if start not in bound]
    return _result(figures, orphans)


# --- PDF pages ------------------------------------------------------------------------------


def _page_parts(
    page: str,
) -> tuple[list[tuple[int, int, str, str]], list[tuple[int, int]], set[int], list[tuple[int, int]]]:
    """Captions ``(start, end, label, text)``, paragraphs, caption paragraphs, excluded spans."""
    folded = page.translate(_FOLD)
    lines = _line_spans(page)
    blank = [not page[s:e].strip() for s, e in lines]
    filled = [i for i, b in enumerate(blank) if not b]
    if not filled:
        return [], [], set(), []
    has_blank = any(blank[filled[0] : filled[-1]])
    groups: list[list[int]] = []
    for lno in filled:
        if has_blank and groups and groups[-1][-1] == lno - 1:
            groups[-1].append(lno)
        else:
            groups.append([lno])

    def is_caption(lno: int) -> str | None:
        label = _caption_label(folded[lines[lno][0] : lines[lno][1]])
        if label is not None and lno > 0 and not blank[lno - 1]:
            ps, pe = lines[lno - 1]
            if _CONT.search(folded[max(ps, pe - 48) : pe].rstrip()):
                return None
        return label

    captions: list[tuple[int, int, str, str]] = []
    caption_paras: set[int] = set()
    for pno, group in enumerate(groups):
        cap_lines = {lno: lab for lno in group if (lab := is_caption(lno)) is not None}
        if group[0] in cap_lines:
            caption_paras.add(pno)
        for n, lno in enumerate(group):
            if lno not in cap_lines:
                continue
            stop = next((m for m in group[n + 1 :] if m in cap_lines), None)
            body = group[n : group.index(stop)] if stop is not None else group[n:]
            text = " ".join(page[lines[m][0] : lines[m][1]].strip() for m in body)
            s, _ = _strip(page, *lines[lno])
            _, e = _strip(page, *lines[body[-1]])
            captions.append((s, e, cap_lines[lno], text))
    paras = [(lines[g[0]][0], lines[g[-1]][1]) for g in groups]
    return captions, paras, caption_paras, [(c[0], c[1]) for c in captions]


def match_pages(pages: Sequence[str], images: Sequence[tuple[int, str]]) -> PcmResult:
    """Bind PDF images ``(page_index, name)`` to same-page captions and citing paragraphs.

    A caption is a line starting with a figure label (``Figure 3. ...``, ``图3 ...``) that does not
    continue the previous line; the k-th caption on a page binds to the k-th image listed for that
    page. Context paragraphs come from every page (blank-line separated, or single lines when a
    page has no blank lines); caption paragraphs never count.
    """
    try:
        page_list = (
            [pages] if isinstance(pages, str) else [p if isinstance(p, str) else "" for p in pages]
        )
        entries = list(images)
    except TypeError:
        return _EMPTY
    offsets: list[int] = []
    pos = 0
    for page in page_list:
        offsets.append(pos)
        pos += len(page) + 1
    page_caps: list[list[tuple[int, int, str, str]]] = []
    para_texts: list[str] = []
    index: dict[str, list[int]] = {}
    for page in page_list:
        caps, paras, skip, excluded = _page_parts(page)
        page_caps.append(caps)
        _index(_scan(page.translate(_FOLD)), paras, skip, excluded, len(para_texts), index)
        para_texts.extend(page[s:e].strip() for s, e in paras)

    figures: list[FigureRef] = []
    used: dict[int, int] = {}
    for entry in entries:
        try:
            pno, name = entry
        except (TypeError, ValueError):
            continue
        name = name if isinstance(name, str) else str(name)
        valid = isinstance(pno, int) and not isinstance(pno, bool) and 0 <= pno < len(page_list)
        if not valid:
            figures.append(FigureRef(None, name, "", "", (), 0, 0))
            continue
        k = used[pno] = used.get(pno, -1) + 1
        if k >= len(page_caps[pno]):
            figures.append(FigureRef(None, name, "", "", (), offsets[pno], offsets[pno]))
            continue
        s, e, label, caption = page_caps[pno][k]
        context = tuple(para_texts[i] for i in index.get(label, []))
        figures.append(
            FigureRef(label, name, "", caption, context, offsets[pno] + s, offsets[pno] + e)
        )
    orphans = [
        cap[2] for pno, caps in enumerate(page_caps) for cap in caps[used.get(pno, -1) + 1 :]
    ]
    return _result(figures, orphans)
