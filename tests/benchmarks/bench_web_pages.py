"""Importing saved web pages against importing the same articles as text files (run on demand).

    .venv/bin/python tests/benchmarks/bench_web_pages.py [--count 100] [--repeat 3]

Takes ``count`` articles of ``../shared/corpora/bbc`` and writes each twice: as the ``.txt`` it
is, and as the page a news site would have served and a browser saved (a head of metadata and
scripts, a cookie banner, navigation, share buttons, a most-read list, related links, a
footer; about 6 KB of page around a 2 KB article). Each set is imported into a fresh folder
store; the figures are medians over ``repeat`` runs: wall time, files a second, and the size
of each corpus. The cost of extraction alone (no store) is printed too, and how many pages
gave exactly the text their ``.txt`` gives (imported after the text files, they are duplicates).
"""

from __future__ import annotations

import argparse
import html
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store import Store  # noqa: E402
from store.decoding import character_references, decode_bytes  # noqa: E402
from store.memory_backend import MemoryDatabase  # noqa: E402
from store.web_pages import read_page  # noqa: E402

BBC = ROOT.parent / "shared" / "corpora" / "bbc"

PAGE = """<!DOCTYPE html>
<!-- saved from url=(0040)https://news.example/{section}/{number} -->
<html lang="en-GB"><head><meta charset="utf-8">
<title>{title} - News Example</title>
<meta property="og:site_name" content="News Example">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2005-03-{day:02d}T09:00:00Z">
<meta name="author" content="Staff reporter">
<link rel="canonical" href="https://news.example/{section}/{number}">
<link rel="stylesheet" href="./{number}_files/site.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());
var config={{"ads":true,"slots":["top","side","bottom"],"teaser":"Read our top stories of the day and more"}};</script>
</head><body>
<div class="cookie-banner"><p>We use cookies to give you the best experience. By continuing you agree to our use of
cookies and similar technologies for personalised advertising and analytics.</p><button>Accept</button></div>
<header><a href="/">News Example</a><nav><ul>{nav}</ul></nav>
<form><input type="search" placeholder="Search"><button>Go</button></form></header>
<main><article><h1>{title}</h1><p class="byline">By Staff reporter</p>
<ul class="share"><li><a href="#">Share on Facebook</a></li><li><a href="#">Share on Twitter</a></li></ul>
{paragraphs}
</article>
<aside><h3>Most read</h3><ol>{most_read}</ol></aside>
<section><h3>Related stories</h3><ul>{related}</ul></section></main>
<footer><p>Sign up for our daily newsletter</p><p>&copy; 2005 News Example. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li>
<li><a href="/contact">Contact</a></li></ul>
</footer></body></html>
"""
SECTIONS = ("Home", "UK", "World", "Business", "Politics", "Technology", "Science", "Health", "Sport", "Weather")


def sources(count: int) -> list[Path]:
    """``count`` BBC articles, taken across the sections in name order."""
    found = sorted(p for p in BBC.rglob("*.txt") if p.name != "README.TXT")
    step = max(1, len(found) // count)
    return found[::step][:count]


def as_page(source: Path, number: int) -> str:
    """The article of a BBC text file inside a saved news page."""
    # The corpus writes some characters as references (&#163;): the page holds the characters.
    title, _, body = character_references(decode_bytes(source.read_bytes()).text).partition("\n")
    paragraphs = [line.strip() for line in body.split("\n") if line.strip()]

    def links(prefix: str, n: int) -> str:
        return "".join(
            f'<li><a href="/{prefix}/{i}">{prefix.title()} story number {i} of today</a></li>' for i in range(n)
        )

    return PAGE.format(
        section=source.parent.name,
        number=number,
        day=number % 28 + 1,
        title=html.escape(title.strip()),
        nav="".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in SECTIONS),
        paragraphs="\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        most_read=links("popular", 10),
        related=links("related", 5),
    )


def write_corpora(count: int, folder: Path) -> tuple[Path, Path]:
    texts, pages = folder / "txt", folder / "html"
    texts.mkdir()
    pages.mkdir()
    for number, source in enumerate(sources(count)):
        shutil.copy(source, texts / f"{number:05d}.txt")
        (pages / f"{number:05d}.html").write_text(as_page(source, number), encoding="utf-8")
    return texts, pages


def corpus_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


def timed_import(folder: Path, work: Path, repeat: int) -> tuple[float, int, int]:
    """Median seconds to import ``folder`` into a fresh folder store; articles added and skipped."""
    samples = []
    added = skipped = 0
    for run in range(repeat):
        store = Store.open(work / f"store-{folder.name}-{run}")
        start = time.perf_counter()
        report = store.import_paths([folder])
        samples.append(time.perf_counter() - start)
        added, skipped = len(report.added), len(report.skipped)
        store.close()
    return statistics.median(samples), added, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        texts, pages = write_corpora(args.count, work)
        # Both imports read the corpus from the page cache, and import the extractor, once first.
        read_page((pages / "00000.html").read_bytes())
        print(f"{args.count} articles; medians of {args.repeat} runs\n")
        print(f"{'corpus':8} {'size':>9} {'import s':>9} {'files/s':>8} {'added':>6} {'skipped':>8}")
        for folder in (texts, pages):
            seconds, added, skipped = timed_import(folder, work, args.repeat)
            size = corpus_size(folder) / 1e6
            row = f"{folder.name:8} {size:7.2f}MB {seconds:9.2f} {args.count / seconds:8.0f} {added:6} {skipped:8}"
            print(row)
        page_bytes = [p.read_bytes() for p in sorted(pages.iterdir())]
        start = time.perf_counter()
        for data in page_bytes:
            read_page(data)
        each = (time.perf_counter() - start) / len(page_bytes) * 1000
        print(f"\nextraction alone: {each:.1f} ms a page")
        both = Store.in_memory(MemoryDatabase())
        both.import_paths([texts])
        same = len(both.import_paths([pages]).duplicates)
        print(f"pages whose text is exactly their .txt's: {same} of {len(page_bytes)}")


if __name__ == "__main__":
    main()
