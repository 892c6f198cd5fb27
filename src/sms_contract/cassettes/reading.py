"""How cassette text becomes data: PyYAML's semantics, read faster or in bounded memory.

PyYAML (YAML 1.1, libyaml's C parser) is the reference reading of a vcrpy YAML cassette: vcrpy
writes and reads cassettes with it. Two routes give the same data faster or in less memory:

- `fast_load`: yaml-rs (a Rust YAML reader from PyPI, 8-9x libyaml's loader on cassettes)
  reads the document, and the result is kept only where it provably equals PyYAML's reading.
  YAML 1.1 and the YAML 1.2 that yaml-rs reads differ on tags (`!!binary`), anchors and merge
  keys, some plain scalars (`yes`, `017`, `1e3`, `1:20`, `=`), line breaks (NEL, U+2028) and
  what each accepts as valid. A document showing any of these (in its text, or as a leaf whose
  plain form PyYAML resolves to something else) returns None, and the caller reads it with
  libyaml. vcrpy's own output almost never does: it quotes every ambiguous string.
- `stream_interactions`: libyaml's events, composed and constructed by PyYAML one interaction
  at a time, from the file in chunks. Memory stays bounded by one interaction, not by the file
  (a 50 MB cassette: 1.4 GB as one document).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import IO, Any

import yaml
import yaml.composer
import yaml.constructor
import yaml.resolver
import yaml_rs

Loader: Any
_Parser: Any
try:  # libyaml's C parser
    import yaml.cyaml

    Loader = yaml.cyaml.CSafeLoader
    _Parser = yaml.cyaml.CParser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    Loader = yaml.SafeLoader
    _Parser = yaml.parser.Parser

__all__ = ["Loader", "NotACassette", "fast_load", "stream_interactions"]

_END = r"(?=$|[\s,\]\}#])"
_BEFORE = r"[\s\[\{,]"  # what precedes a plain scalar (or a tag, anchor, indicator)
# Text where the two readings may part: tags, anchors, aliases, directives, a second document,
# characters YAML 1.1 and 1.2 treat differently (tab, CR, NEL, LS, PS, BOM, controls), block
# scalars and flow indicators (an empty `|` is "" to one, "\n" to the other), and integers
# written with leading zeros, 0o or underscores (017 is 15 to one, 17 to the other). A match
# may be inside a quoted string: then the document is read by libyaml, slower and the same.
# Each pattern starts with a character to look for, then checks what precedes it.
_DIVERGENT = tuple(
    re.compile(pattern)
    for pattern in (
        r"[\t\r\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]",
        rf"[!&*%](?<={_BEFORE}[!&*%])\S",
        r"\n(?:---|\.\.\.)",
        rf"[|>?](?<={_BEFORE}[|>?])(?:$|[\s\]\}},+0-9-])",
        rf"0(?<={_BEFORE}0)[0-9_oObBxX][0-9a-fA-F_]*{_END}",
        rf"0(?<={_BEFORE}[-+]0)[0-9_oObBxX][0-9a-fA-F_]*{_END}",
        rf"_(?<=[0-9]_)[0-9_.]*{_END}",
    )
)
# Floats, where the two readings part more ways (1e3 and -.5 are floats to one, strings to the
# other; more digits than 64 bits hold): looked for only in a document yaml-rs read a float in.
_FLOATS = re.compile(
    rf"{_BEFORE}(?:[-+]\.|[-+]?(?:"
    r"[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9_]+"
    r"|[0-9.][0-9.]*_[0-9._eE+-]*"
    r"|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[0-9]{19,}"
    r")" + _END + ")"
)

_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = (
    yaml.resolver.Resolver.yaml_implicit_resolvers
)
_STR = "tag:yaml.org,2002:str"


def _plain_is_str(value: str) -> bool:
    """Whether PyYAML reads `value`, written unquoted, as a string."""
    for tag, pattern in _RESOLVERS.get(value[:1] or "", ()):
        if pattern.match(value):
            return tag == _STR
    return True


@functools.lru_cache(maxsize=4096)
def _quoted_for_sure(value: str) -> bool:
    """Whether yaml-rs, which read `value` as a string, reads it unquoted as something else
    (so it was quoted: vcrpy's `'251'`)."""
    try:
        read: Any = yaml_rs.loads(f"k: {value}", parse_datetime=False)
        return type(read["k"]) is not str
    except Exception:
        return False


def _ambiguous(node: Any) -> tuple[set[str], bool] | None:
    """The strings of `node` (keys too) that PyYAML reads as something else when unquoted and
    yaml-rs does not (so they may have been unquoted), and whether `node` holds a float; None
    if `node` holds what the two may read differently anyway (a date, bytes, a tuple key)."""
    found: set[str] = set()
    floats = False
    stack = [node]
    resolvers = _RESOLVERS
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if item[:1] in resolvers and not _plain_is_str(item) and not _quoted_for_sure(item):
                found.add(item)
        elif kind is dict:
            for key, value in item.items():
                if type(key) is not str:
                    return None
                if key[:1] in resolvers and not _plain_is_str(key) and not _quoted_for_sure(key):
                    found.add(key)
                stack.append(value)
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            floats = True
        elif kind not in (int, bool, type(None)):
            return None
    return found, floats


def fast_load(text: str) -> dict[str, Any] | None:
    """The document as PyYAML reads it, read by yaml-rs; None where that is not certain (then
    read it with libyaml: `yaml.load(text, Loader=Loader)`)."""
    lines = "\n" + text  # every pattern sees the first line as it sees the others
    if any(pattern.search(lines) for pattern in _DIVERGENT):
        return None
    try:
        data: Any = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # yaml-rs refuses it: libyaml decides (and words the error)
        return None
    if type(data) is not dict:
        return None
    seen = _ambiguous(data)
    if seen is None:
        return None
    ambiguous, floats = seen
    if floats and _FLOATS.search(lines):
        return None
    if ambiguous:
        # each was quoted, unless the text shows it unquoted somewhere
        alternatives = "|".join(re.escape(v) for v in sorted(ambiguous, key=len, reverse=True))
        if re.search(r"[\s\[\{,](?:" + alternatives + r")(?=$|[\s,:\]\}#])", lines):
            return None
    return data


class _StreamLoader(
    yaml.composer.Composer,
    _Parser,  # type: ignore[misc]
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """libyaml's events, composed by PyYAML's Python composer one node at a time (the C
    composer only composes whole documents)."""

    def __init__(self, stream: IO[bytes]) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def one(self) -> Any:
        """The next node of the stream, constructed; its nodes are then released."""
        node = self.compose_node(None, None)  # type: ignore[arg-type]
        return self.construct_document(node)


class NotACassette(Exception):
    """The stream is YAML, but its document is not a mapping with an `interactions` list."""


def stream_interactions(stream: IO[bytes]) -> Iterator[Any]:
    """Each item of the document's top-level `interactions` list, one at a time, as PyYAML
    reads it. Raises `yaml.YAMLError` on bad YAML and `NotACassette` when the document is not
    a mapping holding an `interactions` list (only after the stream has been read whole)."""
    loader: Any = _StreamLoader(stream)
    try:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            raise NotACassette
        loader.get_event()  # DocumentStart
        if not loader.check_event(yaml.MappingStartEvent):
            loader.one()
            raise NotACassette
        loader.get_event()
        found = False
        while not loader.check_event(yaml.MappingEndEvent):
            key = loader.one()
            if key == "interactions" and loader.check_event(yaml.SequenceStartEvent):
                found = True
                start = loader.get_event()
                if start.anchor is not None:  # an alias to the list would need the whole list
                    raise NotACassette
                while not loader.check_event(yaml.SequenceEndEvent):
                    yield loader.one()
                loader.get_event()
            else:
                loader.one()
        loader.get_event()  # MappingEnd
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            # a second document: PyYAML's single-document load refuses it the same way
            loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                None,
                "but found another document",
                loader.peek_event().start_mark,
            )
        if not found:
            raise NotACassette
    finally:
        loader.dispose()
