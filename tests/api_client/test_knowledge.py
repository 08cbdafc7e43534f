"""The knowledge base's calls through the typed facade, against the real server over HTTP."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from api_client import CaseDeskClient
from api_client.errors import Conflict, Forbidden, NotFound, Rejected
from casework.knowledge import EntryDraft, EntryEdit, EntryStatus, PolicyBasis, TemplateDraft, TemplateEdit
from casework.lifecycle import Command
from casework.schemas import CloseAtOnceBody
from tests.fixtures.city import PASSWORD, Api

MakeClient = Callable[..., CaseDeskClient]


def test_the_knowledge_calls_parse_into_wire_models(make_client: MakeClient, api: Api) -> None:
    handler, agent, admin = make_client(), make_client(), make_client()
    handler.login("zj_handler", PASSWORD)
    agent.login("agent", PASSWORD)
    admin.login("admin", PASSWORD)

    draft = handler.create_knowledge_entry(
        EntryDraft(
            title="住房公积金提取条件",
            questions=["租房可以提取公积金吗"],
            answer="连续足额缴存满3个月，租房自住的可申请提取。",
            basis=PolicyBasis(document="住房公积金管理条例", article="第二十四条"),
            keywords=["公积金", "提取"],
        )
    )
    assert draft.status is EntryStatus.DRAFT and draft.department_id == api.department_id("ZJJ")
    edited = handler.edit_knowledge_entry(
        draft.id, EntryEdit(**{**draft.model_dump(include=set(EntryDraft.model_fields)), "version": 1})
    )
    assert edited.version == 2
    with pytest.raises(Conflict):
        handler.edit_knowledge_entry(draft.id, EntryEdit(title="x", answer="y", version=1))
    with pytest.raises(Forbidden):
        handler.publish_knowledge_entry(draft.id)
    published = agent.publish_knowledge_entry(draft.id, version=2)
    assert published.status is EntryStatus.PUBLISHED
    assert [v.action for v in handler.knowledge_versions(draft.id)] == ["create", "edit", "publish"]
    assert agent.knowledge_entry(draft.id).title == "住房公积金提取条件"
    assert [e.id for e in agent.knowledge_entries(status=EntryStatus.PUBLISHED)] == [draft.id]

    hits = handler.search_knowledge("我租房住，公积金能取出来吗")
    assert [h.entry.id for h in hits] == [draft.id] and hits[0].highlights

    template = admin.create_reply_template(TemplateDraft(title="开头", body="{称呼}您好！"))
    template = admin.edit_reply_template(template.id, TemplateEdit(title="开头", body="{称呼}：您好！", version=1))
    assert [t.body for t in handler.reply_templates()] == ["{称呼}：您好！"]
    page = handler.knowledge_sync(limit=1)
    assert page.more and len(page.entries) + len(page.templates) == 1
    rest = handler.knowledge_sync(page.cursor)
    assert not rest.more and {e.id for e in page.entries + rest.entries} == {draft.id}
    admin.withdraw_reply_template(template.id, template.version)
    assert handler.knowledge_sync(rest.cursor).removed_template_ids == [template.id]

    order = api.intake(kind="consultation", title="公积金提取咨询")
    agent.command(
        order["id"],
        Command.CLOSE_AT_ONCE,
        CloseAtOnceBody(version=order["version"], reply=published.answer, knowledge_entry_ids=[draft.id]),
    )
    usage = agent.knowledge_usage()
    assert [(r.entry_id, r.uses) for r in usage.entries] == [(draft.id, 1)]

    workbook = agent.export_knowledge()
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet is not None and sheet.cell(row=2, column=2).value == "住房公积金提取条件"
    assert agent.import_knowledge(workbook).updated == 1
    with pytest.raises(Rejected) as rejected:
        agent.import_knowledge(workbook)  # the version it names is stale now
    assert rejected.value.code == "import_rejected" and rejected.value.detail[0]["row"] == 2
    # Another department's draft is not found, as a missing entry.
    other = handler.create_knowledge_entry(EntryDraft(title="住建草稿", answer="草稿"))
    cg = make_client()
    cg.login("cg_handler", PASSWORD)
    with pytest.raises(NotFound):
        cg.knowledge_entry(other.id)
