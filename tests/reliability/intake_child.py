"""A centre agent's desk in a child process: takes three calls in offline (intakes in the outbox, a
dispatch queued on the first), pushes them and is SIGKILLed the moment the server's answer arrives —
the server created the orders, this store never heard of it. Run by tests/reliability/test_intake_once.py."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from casework.lifecycle import Command
from casework.schemas import OrderIntake
from casework.sync import COMMAND_ARGS, PushRequest, PushResponse
from tests.fixtures.headless_desk import Desk

TITLES = ("城北鸽棚扰民", "文汇路井盖缺失", "海潮路路灯不亮")


def intake(title: str) -> OrderIntake:
    return OrderIntake.model_validate(
        {
            "channel": "wechat",
            "citizen": {"name": "李明", "phone": "13600001111"},
            "kind": "complaint",
            "category_code": "0101",
            "title": title,
            "description": f"{title}，请尽快处理。",
            "tags": ["断网受理"],
        }
    )


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    desk = Desk.open(Path(config["root"]), config["base_url"], "agent", persist_session=False)
    assert desk.engine.sync().ok
    first = desk.store.record_intake(desk.actor, intake(TITLES[0]))
    for title in TITLES[1:]:
        desk.store.record_intake(desk.actor, intake(title))
    dispatch = COMMAND_ARGS[Command.DISPATCH].model_validate({"lead_department_id": config["lead"]})
    desk.store.record(desk.actor, first.order_id, Command.DISPATCH, dispatch)
    push = desk.client.push

    def dying(request: PushRequest) -> PushResponse:
        response = push(request)
        os.kill(os.getpid(), signal.SIGKILL)  # the answer is here; the store never records it
        return response

    desk.client.push = dying  # type: ignore[method-assign]
    desk.engine.sync()
    sys.exit(3)


if __name__ == "__main__":
    main(sys.argv[1])
