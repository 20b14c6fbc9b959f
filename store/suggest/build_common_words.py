"""Build store/suggest/common_words.txt: words that news text writes lower-case.

Usage: python -m store.suggest.build_common_words CORPUS_DIR [MIN_COUNT]

Reads every ``*.txt`` under CORPUS_DIR (the BBC news corpus was used), counts each word's
lower-case occurrences and its capitalised occurrences that do not start a sentence, and writes
the words seen lower-case at least MIN_COUNT times (default 3) and more often lower-case than
capitalised. Only the counts are used; no text of the corpus is kept.

The gazetteers ask this list whether a place name is also an ordinary word ("Nice", "Reading",
"Split"), and the title rule whether a run of capitalised words is a heading rather than a name.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_ENDERS = ".!?:;\"'\n"


def main(argv: list[str]) -> int:
    """Count the corpus and print the list."""
    if not argv:
        print(__doc__)
        return 2
    corpus = Path(argv[0])
    minimum = int(argv[1]) if len(argv) > 1 else 3
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    files = sorted(corpus.rglob("*.txt"))
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _WORD.finditer(text):
            word = match.group()
            if word.islower():
                lower[word] += 1
                continue
            if not (word[0].isupper() and word[1:].islower()):
                continue
            before = text[: match.start()].rstrip(" \t\"'(")
            if before and before[-1] not in _ENDERS:
                capital[word.lower()] += 1
    words = sorted(w for w, n in lower.items() if n >= minimum and n > capital[w] and len(w) > 1)
    print(f"# {len(words)} words seen lower-case >= {minimum} times and more often than capitalised")
    print(f"# mid-sentence, in {len(files)} news articles; made by store/suggest/build_common_words.py")
    print("\n".join(words))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
