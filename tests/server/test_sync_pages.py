"""Pull pages written as JSON straight from rows say exactly what the validated models say."""

from __future__ import annotations

from typing import Any

from casework.sync import PullResponse
from tests.fixtures.city import Api


def _page(api: Api, user: str) -> tuple[bytes, dict[str, Any]]:
    response = api.get("/sync/pull", user, params={"limit": 1000})
    assert response.status_code == 200, response.text
    return response.content, response.json()


def test_a_pull_page_is_the_orders_views_and_events_as_their_endpoints_give_them(api: Api) -> None:
    order = api.dispatched("ZJJ", citizen={"name": "王芳", "phone": "13912345678", "confidential": True})["id"]
    api.command(order, "sign", "zj_chief")
    api.command(order, "add_note", "zj_handler", text="已联系施工队，明天到场")
    other = api.dispatched("CGJ")["id"]
    for user in ("zj_handler", "agent"):
        raw, page = _page(api, user)
        # The contract's model reads the page and writes back the same JSON values.
        assert PullResponse.model_validate_json(raw).model_dump(mode="json") == page
        pulled = {c["order_id"]: c for c in page["changes"]}
        assert (other in pulled) is (user == "agent")  # another department's order never comes
        change = pulled[order]
        assert change["order"] == api.order(order, user)  # one view, whichever way it is asked for
        events = api.get(f"/orders/{order}/events", user).json()
        assert change["events"] == events and [e["action"] for e in events][-2:] == ["sign", "add_note"]
        phone = change["order"]["citizen"]["phone"]
        assert (phone == "13912345678") is (user == "agent")  # confidential: masked for the department
        assert change["order"]["allowed_commands"] == api.order(order, user)["allowed_commands"]
