"""Properties that must hold for any input, checked with Hypothesis."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from store import Store
from store.anchoring import context, reanchor
from store.ingest import ParsedFile, SkippedFile, parse_bytes
from store.postgres_search import MAX_POSITION, vector_literal
from store.sanitize import neutralize
from store.search_index import tokenize

CI_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)
sentences = st.lists(words, min_size=3, max_size=15).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraphs = st.lists(sentences, min_size=1, max_size=4).map(" ".join)
articles = st.lists(paragraphs, min_size=1, max_size=5).map("\n\n".join)


@CI_SETTINGS
@given(st.binary(max_size=4096))
def test_ingest_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    result = parse_bytes(data, "fuzz.txt")
    assert isinstance(result, ParsedFile | SkippedFile)
    if isinstance(result, SkippedFile):
        assert result.reason
    else:
        assert result.article.text == neutralize(result.article.text)  # nothing a terminal obeys


@CI_SETTINGS
@given(st.text(max_size=2000), st.booleans())
def test_ingest_of_any_text_keeps_no_control_characters(text: str, markdown: bool) -> None:
    result = parse_bytes(
        text.encode("utf-8", "surrogatepass"), "fuzz.md" if markdown else "fuzz.txt", markdown=markdown
    )
    if isinstance(result, ParsedFile):
        for field in (result.article.text, result.article.title or "", result.article.source or ""):
            assert field == neutralize(field)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(articles, st.data())
def test_annotation_offsets_always_give_back_the_quote(text: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "a.txt"
        source.write_text("A title\n\n" + text, encoding="utf-8")
        store = Store.open(Path(folder) / "store")
        assume(store.import_paths([source]).added)
        article = store.articles()[0]
        start = data.draw(st.integers(0, len(article.text) - 1))
        end = data.draw(st.integers(start + 1, len(article.text)))
        made = store.annotate(article.id, start, end, labels=["x"])
        assert made.quote == article.text[start:end]
        again = Store.open(Path(folder) / "store").annotation(made.id)
        assert again.quote == article.text[again.start : again.end] == made.quote


@CI_SETTINGS
@given(articles, st.data())
def test_reanchoring_keeps_surviving_words_and_orphans_the_rest(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 40)))
    quote = text[start:end]
    prefix, suffix = context(text, start, end)
    # A random edit: replace text[a:b] by something new.
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, min(len(text), a + 30)))
    inserted = data.draw(st.text(alphabet="xyz ", max_size=20))
    edited = text[:a] + inserted + text[b:]
    anchor = reanchor(edited, quote, prefix, suffix, start)
    if anchor.found:
        assert edited[anchor.start : anchor.end] == quote  # never on other words
    else:
        assert quote not in edited  # orphaned only when the words are gone
    if b < start or a > end or (a == b and not inserted):  # the edit left the quoted words alone
        assert anchor.found
        shift = len(inserted) - (b - a) if b <= start else 0
        if quote not in edited[: start + shift] and quote not in edited[start + shift + 1 :]:
            assert anchor.start == start + shift  # the only occurrence: exactly where it moved


def _normalised(export: dict) -> dict:
    return {
        "articles": sorted((a["id"], a["text"], a["title"], a["published"]) for a in export["articles"]),
        "entities": sorted((e["name"], e["type"], tuple(sorted(e["aliases"]))) for e in export["entities"]),
        "annotations": sorted(
            (a["id"], a["article_id"], a["start"], a["end"], a["quote"], tuple(a["labels"]), a["note"], a["orphaned"])
            for a in export["annotations"]
        ),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles, min_size=1, max_size=3), st.data())
def test_export_then_import_round_trips(texts: list[str], data: st.DataObject) -> None:
    from store.export import export_bytes, export_data

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for i, text in enumerate(texts):
            (root / f"{i}.txt").write_text(f"Title {i}\n\n{text}", encoding="utf-8")
        first = Store.open(root / "first")
        first.import_paths([root])
        for article in first.articles():
            for _ in range(data.draw(st.integers(0, 4))):
                start = data.draw(st.integers(0, len(article.text) - 1))
                end = data.draw(st.integers(start + 1, min(len(article.text), start + 30)))
                if data.draw(st.booleans()):
                    name = data.draw(st.sampled_from(["Sergey Shoigu", "CSTO", "Tashkent"]))
                    first.annotate(article.id, start, end, entity=name, entity_type="PERSON")
                else:
                    first.annotate(article.id, start, end, labels=[data.draw(words)], note=data.draw(words))
        exported = export_data(first)
        (root / "export.json").write_bytes(export_bytes(first))
        second = Store.open(root / "second")
        report = second.import_paths([root / "export.json"])
        assert report.tags_added == len(exported["annotations"])
        assert _normalised(export_data(second)) == _normalised(exported)
        again = second.import_paths([root / "export.json"])  # importing twice adds nothing
        assert again.tags_added == 0 and not again.added
        assert _normalised(export_data(second)) == _normalised(exported)


def _plain_vector(title: str, text: str) -> dict[str, tuple[list[int], bool]]:
    """What an article's search vector must hold, built the obvious way from the folder store's words."""
    in_title = {term for term, _, _ in tokenize(title)}
    positions: dict[str, list[int]] = {}
    for number, (term, _, _) in enumerate(tokenize(text), start=1):
        positions.setdefault(term, []).append(min(number, MAX_POSITION))
    return {term: (numbers[:256], term in in_title) for term, numbers in positions.items()}


def _parsed_vector(literal: str) -> dict[str, tuple[list[int], bool]]:
    """A ``tsvector`` literal read back: lexeme -> (positions, weighted A)."""
    parsed: dict[str, tuple[list[int], bool]] = {}
    for match in re.finditer(r"'((?:[^'\\]|''|\\.)*)':([0-9A,]+)", literal):
        lexeme = re.sub(r"\\(.)", r"\1", match.group(1).replace("''", "'"))
        numbers = match.group(2).split(",")
        parsed[lexeme] = ([int(n.rstrip("A")) for n in numbers], numbers[0].endswith("A"))
    return parsed


@CI_SETTINGS
@given(
    st.text(alphabet=st.sampled_from("aBzÉéßİıŉﬁＡ'\\ \u3000\n.-Шойгу\u0301_7"), max_size=300),
    st.text(alphabet=st.sampled_from("aBzÉéİ Шойгу\u0301"), max_size=20),
)
def test_server_search_vector_holds_the_folder_stores_words(text: str, title: str) -> None:
    """The fast vector (see tests/test_vector_literal.py for its byte-for-byte reference) is the plain one."""
    assert _parsed_vector(vector_literal(title, text)) == _plain_vector(title, text)
