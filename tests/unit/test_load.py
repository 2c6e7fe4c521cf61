"""Load stage: positions, refusals, and never an exception other than LoadError."""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.load import MAX_BYTES, Document, LoadError, parse


def test_positions_of_values_and_keys() -> None:
    doc = parse(b"type: case\nkeywords:\n  - OJT\n  - BPR\norg:\n  code: '085421'\n", "x.yaml")
    assert doc.data == {"type": "case", "keywords": ["OJT", "BPR"], "org": {"code": "085421"}}
    assert doc.position(("keywords", 1)) == (4, 5)
    assert doc.position(("org", "code")) == (6, 9)
    assert doc.position(("org", "code"), key=True) == (6, 3)
    assert doc.position(("org", "missing", 3)) == (6, 3)  # falls back to the nearest ancestor


def test_scalars_stay_strings_so_codes_keep_their_zeros() -> None:
    doc = parse(b"code: 085421\nflag: no\nwhen: 2024-10\nempty:\nnull_word: null\nquoted: ''\n", "x.yaml")
    assert doc.data == {
        "code": "085421",
        "flag": "no",
        "when": "2024-10",
        "empty": None,
        "null_word": None,
        "quoted": "",
    }


def test_bom_is_accepted() -> None:
    assert parse("\ufefftitle: 事例\n".encode(), "x.yaml").data == {"title": "事例"}


@pytest.mark.parametrize(
    ("raw", "fragment", "line"),
    [
        (b"", "\u7a7a", 1),
        (b"# only a comment\n", "\u7a7a", 1),
        (b"- a\n- b\n", "\u30de\u30c3\u30d4\u30f3\u30b0", 1),
        (b"a: &x [1]\nb: *x\n", "\u30a8\u30a4\u30ea\u30a2\u30b9", 2),
        (b"a: !!python/object:os.system x\n", "\u30bf\u30b0", 1),
        (b"a: !custom x\n", "\u30bf\u30b0", 1),
        (b"<<: {a: 1}\n", "\u30de\u30fc\u30b8", 1),
        ("a: 1\nb: \u3042".encode("cp932"), "UTF-8", 2),
        (b"a: [1, 2\n", "YAML", 2),
        (b"a: 1\n---\nb: 2\n", "1 \u4ef6", 2),
        (b"a:\n\t- b\n", "YAML", 2),
        (b"? [a]\n: 1\n", "\u9805\u76ee\u540d", 1),
    ],
)
def test_refusals_name_the_line(raw: bytes, fragment: str, line: int) -> None:
    with pytest.raises(LoadError) as info:
        parse(raw, "bad.yaml")
    (first, *_) = info.value.diagnostics
    assert fragment in first.message
    assert first.line == line
    assert first.path == "bad.yaml"


def test_a_key_written_twice_keeps_the_first_value_and_is_a_problem_of_the_file() -> None:
    doc = parse(b"a: 1\nb: x\na: 2\n", "twice.yaml")
    assert doc.data == {"a": "1", "b": "x"}  # scalars stay text until the models read them
    (problem,) = doc.problems
    assert (problem.line, problem.field) == (3, "a") and "2 回" in problem.message and "1 行目" in problem.message


def test_a_key_written_twice_is_listed_with_the_problems_that_refuse_the_file() -> None:
    with pytest.raises(LoadError) as info:
        parse(b"a: 1\na: 2\n<<: {c: 1}\n", "bad.yaml")
    assert [d.line for d in info.value.diagnostics] == [2, 3]


def test_oversized_file_is_refused() -> None:
    with pytest.raises(LoadError, match="大きすぎます"):
        parse(b"a: " + b"x" * MAX_BYTES, "big.yaml")


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    with pytest.raises(LoadError):
        parse(b"a: " + b"[" * 5000 + b"]" * 5000, "deep.yaml")


def test_alias_bomb_is_refused_before_expanding() -> None:
    bomb = b'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    with pytest.raises(LoadError, match="エイリアス"):
        parse(bomb, "bomb.yaml")


def _only_load_error(raw: bytes) -> None:
    try:
        doc = parse(raw, "fuzz.yaml")
    except LoadError as exc:
        assert exc.diagnostics and all(d.path == "fuzz.yaml" and d.line >= 1 for d in exc.diagnostics)
    else:
        assert isinstance(doc, Document) and isinstance(doc.data, dict)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_load_error(raw: bytes) -> None:
    _only_load_error(raw)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values)
def test_arbitrary_yaml_raises_only_load_error(value: object) -> None:
    _only_load_error(yaml.safe_dump(value, allow_unicode=True).encode())


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!#'\"\n \t|>?,%@`\u3042\u3000")), max_size=60))
def test_yaml_punctuation_soup_raises_only_load_error(text: str) -> None:
    _only_load_error(text.encode())


def test_folded_japanese_lines_join_without_spaces_but_names_keep_theirs() -> None:
    doc = parse("summary: >-\n  職員が教え合う\n  仕組みを作った。 OJT and\n  BPR\nname: 畠山 渉\n".encode(), "x.yaml")
    assert doc.data["summary"] == "職員が教え合う仕組みを作った。 OJT and BPR"
    assert doc.data["name"] == "畠山 渉"


@pytest.mark.parametrize(
    "text",
    [
        "summary: 職員が教え合う\n  仕組みを作った。\n",  # plain, over two lines
        'summary: "職員が教え合う\n  仕組みを作った。"\n',  # double-quoted, over two lines
        "summary: '職員が教え合う\n  仕組みを作った。'\n",  # single-quoted, over two lines
    ],
)
def test_japanese_written_over_several_lines_joins_without_a_space_in_any_style(text: str) -> None:
    # YAML folds these line breaks into spaces as it does for `>`: a contributor need not know the block styles.
    assert parse(text.encode(), "x.yaml").data["summary"] == "職員が教え合う仕組みを作った。"


def test_a_space_written_on_one_line_and_literal_blocks_are_kept() -> None:
    doc = parse("title: 『モバイル空間統計 データ利活用』\nnote: |-\n  一行目\n  二行目\n".encode(), "x.yaml")
    assert doc.data["title"] == "『モバイル空間統計 データ利活用』"
    assert doc.data["note"] == "一行目\n二行目"
