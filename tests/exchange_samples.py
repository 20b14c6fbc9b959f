"""A store full of the tags exports must carry: mentions, passages, non-ASCII text, hostile values."""

from __future__ import annotations

from pathlib import Path

from store import Store, seed_if_empty
from store.models import Annotation
from tests.conftest import article_with, span_of

#: An article beyond the seeds: Cyrillic, accents, an emoji outside the BMP, paragraphs.
NON_ASCII = (
    "Москва и Ташкент\n\nСергей Шойгу 🚀 встретился с José Müller в Ташкенте.\n\nВторой абзац — здесь 😀 Шойгу снова.\n"
)
#: Labels and notes as a hostile file or a careless paste could hold them.
HOSTILE_NOTE = "first line\nsecond\tline 100% \x1b[31mred\x1b[0m %0A not a break"
FORMULA_LABELS = ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)")


def with_extra_article(store: Store, folder: Path) -> Store:
    """``store`` seeded, plus the non-ASCII article (the same id in every store: ids are hashes)."""
    seed_if_empty(store)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ru.txt").write_text(NON_ASCII, encoding="utf-8")
    store.import_paths([folder])
    return store


def tag_many(store: Store) -> list[Annotation]:
    """Many kinds of tags on the seeds and the non-ASCII article (which must be in ``store``)."""
    made: list[Annotation] = []
    moscow = article_with(store, "Sergey Shoigu")
    made.append(
        store.annotate(moscow.id, *span_of(moscow, "Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    )
    made.append(store.annotate(moscow.id, *span_of(moscow, "Uzbekistan"), entity="Uzbekistan", entity_type="PLACE"))
    made.append(
        store.annotate(
            moscow.id,
            *span_of(moscow, "Russia is ready to modernize Uzbek army"),
            labels=["claim", "modernisation"],
            note=HOSTILE_NOTE,
            status="suggested",
        )
    )
    made.append(store.annotate(moscow.id, *span_of(moscow, "air defense systems"), labels=list(FORMULA_LABELS)))
    store.add_alias(made[0].entity_id or "", "Шойгу")
    store.set_entity_note(made[0].entity_id or "", "Defence minister;\tnote with a tab\nand a line")
    ru = article_with(store, "Шойгу 🚀")
    made.append(store.annotate(ru.id, *span_of(ru, "Сергей Шойгу"), entity="Sergey Shoigu"))
    made.append(store.annotate(ru.id, *span_of(ru, "José Müller"), entity="José Müller", entity_type="PERSON"))
    start = ru.text.index("🚀")
    end = ru.text.index("абзац") + len("абзац")  # across the paragraph break: brat fragments
    made.append(store.annotate(ru.id, start, end, labels=["эмодзи"], note="=1+2 ✓", status="rejected"))
    made.append(store.annotate(ru.id, *span_of(ru, "😀"), labels=["emoji"]))
    made.append(store.annotate(ru.id, *span_of(ru, "Шойгу", 1), entity="Sergey Shoigu"))
    treaty = article_with(store, "Treaty on the")
    made.append(store.annotate(treaty.id, *span_of(treaty, "November 29th, 2016"), labels=["treaty date"]))
    store.link(made[2].id, made[3].id, "agrees", note="same speech")
    return made


def described(store: Store, annotation: Annotation) -> tuple:
    """What must survive a round trip, with the entity named (ids of entities may differ)."""
    entity = store.entity(annotation.entity_id) if annotation.entity_id else None
    return (
        annotation.id,
        annotation.article_id,
        annotation.start,
        annotation.end,
        annotation.quote,
        (entity.name, entity.type) if entity else None,
        annotation.labels,
        annotation.note,
        annotation.status,
        annotation.author,
        annotation.created,
        annotation.orphaned,
    )
