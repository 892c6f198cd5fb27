"""Reading cassettes: the fast route (yaml-rs) and the streaming route read exactly what
PyYAML's libyaml loader reads, and `validate` gives the same verdict whichever route it takes."""

from __future__ import annotations

import gc
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from benchmarks.corpus import generate
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vcr.serializers import yamlserializer

from sms_contract.cassettes import cassette, reading
from sms_contract.cassettes.cassette import CassetteError, interactions, validate_cassette
from sms_contract.cassettes.reading import Loader, NotACassette, fast_load, stream_interactions
from sms_contract.cli import main

ROOT = Path(__file__).resolve().parents[1]

# scalars on which YAML 1.1 (PyYAML) and YAML 1.2 readers part, or nearly do
TRICKY = [
    "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "~", "", "Null", "NULL",
    "1e3", "1E+3", "1.5e-3", "0o17", "017", "0x1A", "0b101", "1_000", "1:20", "190:20:30",
    "-.5", "+.5", ".5", "1.", "-1", "+1", "12", "0", "00", "-0", ".inf", "-.inf", ".NaN", "nan",
    "2026-11-25", "2026-11-25 18:03:29", "2026-11-25T18:03:29+00:00", "=", "<<", "!x", "&a",
    "*a", "%YAML", "---", "...", "- x", "a: b", "#c", "a #b", "'q'", '"q"', "\t", "tab\there",
    "\r\n", "\x85", "\u2028", "\ufeff", "é", "नमस्ते", "99999999999999999999999", "1.0e+5",
    "[1]", "{a: 1}", "@x", "`x`", "|", ">", "?", ":", "a:b", "http://x/y?a=1&b=2", "*/*",
]  # fmt: skip


def _libyaml(text: str) -> Any:
    return yaml.load(text, Loader=Loader)


scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.binary(max_size=8),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.one_of(st.sampled_from(TRICKY), st.text(max_size=8)), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from(["vcrpy", "block", "flow"]))
def test_fast_route_reads_what_libyaml_reads(document: Any, style: str) -> None:
    data = {"interactions": [document], "version": 1}
    if style == "vcrpy":
        text = yamlserializer.serialize(data)
    else:
        text = yaml.dump(data, Dumper=yaml.SafeDumper, default_flow_style=style == "flow")
    fast = fast_load(text)
    assert fast is None or repr(fast) == repr(_libyaml(text))  # NaN is not == itself


@pytest.mark.parametrize("token", TRICKY)
def test_a_plain_token_is_read_as_libyaml_reads_it_or_left_to_libyaml(token: str) -> None:
    for text in (f"k: {token}\n", f"k:\n- {token}\n", f"k: [{token}]\n", f"{token}: v\n"):
        try:
            expected = _libyaml(text)
        except yaml.YAMLError:
            assert fast_load(text) is None, text  # libyaml refuses it: so does the fast route
            continue
        fast = fast_load(text)
        assert fast is None or repr(fast) == repr(expected), text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small realistic corpus (see benchmarks/corpus.py): 600 interactions in 12 files."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, 600, 12, seed=7)
    return folder


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml"))


def test_vcrpy_cassettes_take_the_fast_route_and_read_the_same(corpus: Path) -> None:
    for path in _files(corpus):
        text = path.read_text()
        fast = fast_load(text)
        assert fast is not None, path  # vcrpy's output never needs libyaml
        assert fast == _libyaml(text), path
    # the library's serialiser-breaking bodies (& < > " ' %) may make the fast route step
    # aside; whatever it reads is what libyaml reads, and most files take it
    library = sorted((ROOT / "cassettes" / "simulator").glob("*.yaml"))
    fast_files = 0
    for path in library:
        text = path.read_text()
        fast = fast_load(text)
        fast_files += fast is not None
        assert fast is None or fast == _libyaml(text), path
    assert fast_files >= 0.9 * len(library)


def test_streaming_reads_each_interaction_as_the_whole_document_does(corpus: Path) -> None:
    for path in [*_files(corpus), *sorted((ROOT / "cassettes").rglob("*.yaml"))]:
        with path.open("rb") as stream:
            assert list(stream_interactions(stream)) == _libyaml(path.read_text())["interactions"]


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\ninteractions:\n- &a {request: 1}\n- *a\nmetadata: {x: [1, 2]}\n",
        "metadata: {k: v}\ninteractions: []\n",
        "interactions:\n- a: yes\n  b: !!binary aGVsbG8=\n- {c: 017, d: 1e3}\n",
    ],
)
def test_streaming_edge_documents(text: str) -> None:
    assert list(stream_interactions(io.BytesIO(text.encode()))) == _libyaml(text)["interactions"]


@pytest.mark.parametrize(
    "text",
    ["[1, 2]\n", "plain\n", "", "version: 1\n", "interactions: 3\n", "interactions: &x []\n"],
)
def test_streaming_refuses_what_is_not_a_cassette(text: str) -> None:
    with pytest.raises(NotACassette):
        list(stream_interactions(io.BytesIO(text.encode())))


@pytest.mark.parametrize("text", ["interactions:\n- a: [1\n", "interactions: []\n---\nb: 1\n"])
def test_streaming_refuses_bad_yaml_as_libyaml_does(text: str) -> None:
    with pytest.raises(yaml.YAMLError):
        _libyaml(text)
    with pytest.raises(yaml.YAMLError):
        list(stream_interactions(io.BytesIO(text.encode())))


def _validate_json(folder: Path) -> Any:
    result = CliRunner().invoke(main, ["validate", str(folder), "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_validate_gives_the_same_report_whichever_route(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a corpus with findings too: one file's answers edited off the contract
    folder = tmp_path / "c"
    for path in _files(corpus):
        target = folder / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    edited = _files(folder)[0]
    edited.write_text(edited.read_text().replace("DetailedStatusCode", "DetailedStatusKode", 3))
    fast = _validate_json(folder)
    assert fast["interactions"] == 600 and fast["violations"]
    with monkeypatch.context() as patched:
        patched.setattr(cassette, "fast_load", lambda text: None)
        assert _validate_json(folder) == fast
    with monkeypatch.context() as patched:
        patched.setattr(cassette, "STREAM_BYTES", 0)
        assert _validate_json(folder) == fast
    for jobs in ("1", "2", "3"):  # files shared among processes: the same report, in order
        assert _validate_json_args([str(folder), "--json", "--jobs", jobs]) == fast


def test_parallel_validation_stops_at_the_first_bad_file_in_order(
    corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "c"
    for index, path in enumerate(_files(corpus)[:6]):
        (folder / f"{index}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{index}.yaml").write_text(path.read_text())
    (folder / "2.yaml").write_text("interactions: [\n")
    (folder / "4.yaml").write_text("not: a cassette\n")
    for jobs in ("1", "3"):
        result = CliRunner().invoke(main, ["validate", str(folder), "--jobs", jobs])
        assert result.exit_code == 2
        assert result.output.strip().splitlines()[-1].startswith(f"error: {folder / '2.yaml'}")


def test_large_files_stream_and_keep_bad_input_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    broken = tmp_path / "broken.yaml"
    broken.write_text("interactions:\n- request: [1\n")
    with pytest.raises(CassetteError, match=r"not valid YAML \(line 3\)"):
        validate_cassette(broken)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"interactions: []\n\xff\xfe")
    with pytest.raises(CassetteError, match="not a text file"):
        validate_cassette(binary)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(CassetteError, match="not a vcrpy cassette"):
        validate_cassette(empty)


def _peak_bytes(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        count, _ = validate_cassette(path)
        assert count > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_cassette_is_validated_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streaming holds one interaction at a time: four times the file, about the same peak."""
    small, big = tmp_path / "small", tmp_path / "big"
    (small_file,) = generate(small, 150, 1, seed=3)
    (big_file,) = generate(big, 600, 1, seed=3)
    validate_cassette(small_file)  # warm the contract's caches outside the measurement
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    streamed = _peak_bytes(small_file), _peak_bytes(big_file)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 2**40)
    monkeypatch.setattr(cassette, "fast_load", lambda text: None)
    whole = _peak_bytes(big_file)
    assert streamed[1] < 1.6 * streamed[0], streamed  # does not grow with the file
    assert streamed[1] * 3 < whole, (streamed, whole)


def test_reading_module_reads_the_libyaml_loader() -> None:
    assert reading.Loader is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert callable(interactions)  # re-exported for users of the module


@pytest.mark.parametrize("count", [1, 2, 3, 5, 12])
def test_shards_together_see_every_file_exactly_once(corpus: Path, count: int) -> None:
    everything = sorted(str(p) for p in _files(corpus))
    seen: list[str] = []
    interactions_seen = 0
    for index in range(1, count + 1):
        report = _validate_json_args([str(corpus), "--json", "--shard", f"{index}/{count}"])
        assert report["shard"] == f"{index}/{count}"
        assert report["files"] == len(report["cassettes"]) > 0
        seen += report["cassettes"]
        interactions_seen += report["interactions"]
    assert sorted(seen) == everything  # each file once, none left out
    assert interactions_seen == 600


def test_a_shard_split_does_not_depend_on_the_order_paths_are_given(corpus: Path) -> None:
    files = _files(corpus)
    assert cassette.shard(files, 2, 3) == cassette.shard(list(reversed(files)), 2, 3)


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "a/b", "2", "-1/2"])
def test_a_bad_shard_is_one_error_line(corpus: Path, spec: str) -> None:
    result = CliRunner().invoke(main, ["validate", str(corpus), "--shard", spec])
    assert result.exit_code == 2
    assert result.output.startswith("error: --shard") and "Traceback" not in result.output


def test_a_shard_with_no_files_is_not_green(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(corpus), "--shard", "13/13"])
    assert result.exit_code == 2 and "has no files" in result.output


def _validate_json_args(args: list[str]) -> Any:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)
