"""The knowledge base's pure rules: templates, forms of address, search terms, highlights, ranking."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casework import knowledge, vocabulary
from casework.knowledge import EntryDraft, EntryStatus, PolicyBasis
from casework.schemas import CloseAtOnceBody, SubmitReplyBody


def test_render_template_fills_known_placeholders_and_keeps_unknown_ones() -> None:
    body = "{称呼}您好！您反映的问题（工单编号{工单编号}，{受理日期}受理）已办理。{落款}"
    values = {"称呼": "王先生/女士", "{工单编号}": "12345-0001", "受理日期": "2026年11月28日"}
    assert knowledge.render_template(body, values) == (
        "王先生/女士您好！您反映的问题（工单编号12345-0001，2026年11月28日受理）已办理。{落款}"
    )


def test_a_value_is_plain_text_never_read_again_as_a_placeholder() -> None:
    out = knowledge.render_template("{称呼}，{今天}", {"称呼": "{今天}<b>x</b>", "今天": "11月30日"})
    assert out == "{今天}<b>x</b>，11月30日"


@pytest.mark.parametrize(
    ("name", "confidential", "expected"),
    [
        ("王伟", False, "王先生/女士"),
        ("欧阳娜娜", False, "欧阳先生/女士"),
        ("李女士", False, "李女士"),
        ("张先生", False, "张先生"),
        ("王伟", True, "市民"),
        ("", False, "市民"),
        (None, False, "市民"),
        ("匿名", False, "市民"),
        ("John", False, "市民"),
    ],
)
def test_address_of(name: str | None, confidential: bool, expected: str) -> None:
    assert knowledge.address_of(name, confidential) == expected


def test_query_terms_of_a_citizens_sentence() -> None:
    terms = knowledge.query_terms("请问我家小区的路灯坏了怎么办？LED")
    assert "路灯" in terms and "小区" in terms and "led" in terms
    assert all(t[0] not in "的了吗请问" and t[-1] not in "的了吗" for t in terms if not t.isascii())
    assert terms == sorted(terms, key=len, reverse=True)
    assert knowledge.query_terms("的了吗？") == []


def test_highlights_are_merged_spans_per_field() -> None:
    spans = knowledge.highlights("路灯坏了", "路灯损坏怎么报修", ["路灯坏了找谁", "灯不亮"], "可拨打路灯管理所电话")
    assert (0, 2, "title") in spans
    assert (0, 3, "questions") in spans  # 路灯坏 merged, not 路灯 + 灯坏
    assert (3, 5, "answer") in spans
    assert all(field in knowledge.HIGHLIGHT_FIELDS for _, _, field in spans)


def test_score_ranks_the_entry_that_answers_the_sentence_first() -> None:
    sentence = "我家楼下路灯坏了好几天了晚上很黑"
    lamp = knowledge.score(sentence, "路灯不亮如何报修", ["路灯坏了找谁修"], ["路灯", "照明"], "请拨打12345")
    water = knowledge.score(sentence, "停水如何查询", ["家里停水了"], ["停水"], "请拨打供水热线")
    assert lamp > water >= 0
    assert knowledge.score("", "x", [], [], "") == 0.0


def test_search_text_lowercases_every_field() -> None:
    text = knowledge.search_text("ETC办理", ["怎么办ETC"], ["高速"], "Answer")
    assert text == "etc办理\n怎么办etc\n高速\nanswer"


def test_citation_of_a_policy_basis() -> None:
    basis = PolicyBasis(document="城市道路照明管理办法", number="建城〔2020〕1号", article="第十条", issuer="市住建局")
    assert basis.citation() == "市住建局《城市道路照明管理办法》（建城〔2020〕1号）第十条"
    assert PolicyBasis().citation() == ""


def test_drafts_and_order_bodies_are_bounded() -> None:
    with pytest.raises(ValidationError):
        EntryDraft(title="", answer="x")
    with pytest.raises(ValidationError):
        EntryDraft(title="t", answer="a", keywords=["k"] * 31)
    assert SubmitReplyBody(
        version=1, text="t", result_code="resolved", knowledge_entry_ids=[1, 2]
    ).knowledge_entry_ids == [1, 2]
    with pytest.raises(ValidationError):
        CloseAtOnceBody(version=1, reply="r", knowledge_entry_ids=list(range(1, 22)))
    assert CloseAtOnceBody(version=1, reply="r").knowledge_entry_ids == []


def test_entry_statuses_have_names() -> None:
    assert vocabulary.zh(EntryStatus, "draft") == "草稿"
    assert vocabulary.zh(EntryStatus, EntryStatus.PUBLISHED) == "已发布"
    assert vocabulary.en(EntryStatus, "expired") == "Expired"
