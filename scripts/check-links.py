#!/usr/bin/env python3
"""Checks that every relative link and image in README.md and the user guide's sources resolves.

A link's file must exist (relative to the Markdown file that holds it); a `#anchor` into a
Markdown file (or the same file) must name one of its headings, with the ids mdBook and GitHub
give them (lowercase; letters, digits, `-` and `_` kept; spaces become `-`; other characters
dropped; a repeated heading gets `-1`, `-2`, ...). Links to other sites (`https:` ...) are not
fetched. Code blocks and inline code are skipped.

Usage: scripts/check-links.py [FILE.md | DIR]...   (default: README.md docs/guide/src)
Exit code 0 when every link resolves, 1 with one line per broken link otherwise.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ["README.md", "docs/guide/src"]

# [text](target) and ![alt](target), the target up to white space or the closing parenthesis.
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# [label]: target
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
# <img src="..."> and <a href="...">
HTML = re.compile(r"<(?:img|a)\s[^>]*(?:src|href)=\"([^\"]+)\"")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text, keep_code=False):
    """(line number, line) outside fenced code blocks, with inline code removed unless
    `keep_code` (a heading's id is made from its code too)."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if marker:
            if fence is None:
                fence = marker.group(1)[0] * len(marker.group(1))
            elif stripped.startswith(fence):
                fence = None
            continue
        if fence is None:
            yield number, line if keep_code else re.sub(r"(`+).*?\1", "", line)


def heading_id(title):
    """The id mdBook (and GitHub) give a heading."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link keeps its text
    title = re.sub(r"<[^>]+>", "", title).replace("`", "").replace("*", "")
    out = []
    for ch in title.strip():
        if ch.isalnum() or ch in "-_":
            out.append(ch.lower())
        elif ch.isspace():
            out.append("-")
    return "".join(out)


def anchors(path, cache={}):
    if path not in cache:
        ids, seen = set(), {}
        text = path.read_text(encoding="utf-8")
        for line in (line for _, line in prose_lines(text, keep_code=True)):
            m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            base = heading_id(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            ids.add(base if n == 0 else f"{base}-{n}")
        for m in re.finditer(r"<a\s+(?:id|name)=\"([^\"]+)\"", text):
            ids.add(m.group(1))
        cache[path] = ids
    return cache[path]


def targets(text):
    for number, line in prose_lines(text):
        for pattern in (INLINE, HTML):
            for m in pattern.finditer(line):
                yield number, m.group(1)
        m = REFERENCE.match(line)
        if m:
            yield number, m.group(1)


def check_file(md):
    problems = []
    for number, target in targets(md.read_text(encoding="utf-8")):
        if EXTERNAL.match(target):
            continue
        where = f"{os.path.relpath(md, ROOT)}:{number}"
        file_part, _, anchor = target.partition("#")
        dest = (md.parent / file_part).resolve() if file_part else md
        if not dest.exists():
            problems.append(f"{where}: {target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            problems.append(f"{where}: {target}: no heading with the id '{anchor}'")
    return problems


def markdown_files(args):
    for arg in args or DEFAULT:
        path = (ROOT / arg) if not Path(arg).is_absolute() else Path(arg)
        if path.is_dir():
            yield from sorted(p.resolve() for p in path.rglob("*.md"))
        elif path.exists():
            yield path.resolve()
        else:
            print(f"error: {arg}: no such file or folder", file=sys.stderr)
            sys.exit(2)


def main():
    files = list(markdown_files(sys.argv[1:]))
    problems = [p for md in files for p in check_file(md)]
    for p in problems:
        print(p)
    count = sum(1 for md in files for _ in targets(md.read_text(encoding="utf-8")))
    print(f"check-links: {len(files)} files, {count} links, {len(problems)} broken", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
