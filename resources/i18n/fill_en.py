"""Write the English of every message into ``casedesk_en.ts`` (source: Simplified Chinese).

    .venv/bin/python resources/i18n/fill_en.py            fill the unfinished messages of casedesk_en.ts
    .venv/bin/python resources/i18n/fill_en.py --all      also overwrite finished ones from the tables below
    .venv/bin/python resources/i18n/fill_en.py --check    only list unfinished messages the tables cannot fill

The .ts is the source of truth (``python3 dev.py i18n`` extracts new strings into it, keeping every
translation, and compiles the .qm); this script is a quick way to fill it. Without ``--all`` a
translation already in the .ts (say, corrected in Qt Linguist) is kept. A message left unfinished
makes the i18n tests fail and name it.

Register: a government service desk. Keep %1/%2 placeholders, and the punctuation that joins a
string to what the code puts before or after it (a trailing "，" becomes ", ", a leading "（" a " (").
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent / "casedesk_en.ts"

#: Source → English, whatever the context.
EN: dict[str, str] = {
    # co-handling (协办)
    "协办意见": "Co-handling opinions",
    "本单位核查情况、处理结果和对主办单位答复的意见": (
        "Your findings, what was done, and your view for the lead department's reply"
    ),
    "请填写协办意见。": "Write the co-handling opinion.",
    "免除的理由（必填）": "Why it is waived (required)",
    "需要该单位协办的事项（会商意见）": "What the department is asked to do (consultation)",
    "没有可选的单位。": "No department to choose.",
    "请选择协办单位。": "Choose a co-handling department.",
    "请填写免除协办的理由。": "Write why the co-handling is waived.",
    "引用": "Cite",
    "协办反馈剩余": "Co-handling: answer in",
    "协办签收剩余": "Co-handling: sign within",
    "把该单位的协办意见插入答复": "Insert this department's opinion into the reply",
    "%1协办意见：%2": "%1's co-handling opinion: %2",
    "签收时限 %1": "Sign by %1",
    "反馈时限 %1": "Answer by %1",
    "免除理由：%1": "Waived: %1",
    "协办单位尚未反馈协办意见：%1。收到意见（或热线中心免除协办）后才能提交答复，可先保存草稿。": (
        "Co-handling departments have not given their opinion yet: %1. The reply can be submitted once they"
        " have (or the centre waives it); save the draft meanwhile."
    ),
    "批量派单所选 %1 件": "Dispatch the %1 selected",
    "直接办结": "Close at once",
    "政策依据（可选）": "Policy basis (optional)",
    "已直接办结": "Closed at once",
    "在右侧「转办 / 回访」中办理": "Done in the Dispatch / callback panel on the right",
    "正在批量派单…": "Dispatching in batch…",
    "值班看板": "Duty board",
    "时段": "Hour",
    "合计": "Total",
    "已等待（分钟）": "Waiting (min)",
    "超期件数": "Overdue",
    "答复时间": "Replied at",
    "已回访次数": "Callback attempts",
    "今日受理（按时段、渠道）": "Today's intake (by hour and channel)",
    "超时未派单": "Waiting for dispatch beyond the target",
    "各单位超期": "Overdue by department",
    "离线：值班看板需联网查看": "Offline: the duty board needs the server",
    "%1 今日受理 %2 件 · 超过 %3 分钟未派单 %4 件 · 超期 %5 件 · 待回访 %6 件（更新于 %7）": (
        "%1: %2 taken in · %4 waiting for dispatch over %3 min · %5 overdue · %6 callbacks due (as of %7)"
    ),
    "裁定": "Ruling",
    "裁定意见（不同意时必填）": "Comment (required to refuse)",
    "改派单位": "Dispatch instead to",
    "%1 申请退单：%2 — %3": "%1 asks to return it: %2 — %3",
    "同意退单并改派": "Accept and redispatch",
    "不同意退单": "Refuse the return",
    "申请延期 %1 个工作日（至 %2）：%3": "Extension of %1 working days asked (to %2): %3",
    "批准延期": "Approve the extension",
    "不批准": "Deny",
    "不同意时请填写裁定意见": "To refuse, write a comment",
    "已同意退单，改派 %1": "Return accepted; dispatched to %1",
    "已驳回退单申请": "Return refused",
    "已批准延期": "Extension approved",
    "未批准延期": "Extension denied",
    "，": ", ",
    "选择一张工单": "Choose an order",
    "转办": "Dispatch",
    "派单": "Dispatch",
    "批量派单…": "Dispatch in batch…",
    "把「待派单」中同一分类的工单一并派给所选单位": (
        'Dispatch every order of this category in "To dispatch" to the chosen department'
    ),
    "复杂程度": "Complexity",
    "问题已解决": "Problem resolved",
    "市民原话": "The citizen's words",
    "记录回访": "Record callback",
    "重办要求，或值班长办结的理由": "What to re-handle, or the supervisor's reason to close",
    "值班长办结": "Close as supervisor",
    "重办": "Re-handle",
    "回访结果": "Result",
    "正在获取派单建议…": "Fetching the dispatch suggestion…",
    "离线：没有派单建议，按分类默认单位；派单将在联网后同步。": (
        "Offline: no suggestion; the category's department is chosen, and the dispatch syncs once online."
    ),
    "分类默认": "category's default",
    "近%1件中承办%2件": "led %2 of the latest %1",
    "建议：%1": "Suggested: %1",
    "签收时限 %1，答复时限 %2（%3个工作日）": "Sign by %1, reply by %2 (%3 working days)",
    "（暂定：该年度节假日安排未发布）": "(provisional: the year's holiday calendar is not published)",
    "答复：%1": "Reply: %1",
    "依据：%1": "Basis: %1",
    "本轮已回访 %1 次": "%1 callback attempts this round",
    "，上次：%1": ", last: %1",
    "已派单给 %1": "Dispatched to %1",
    "正在批量派单 %1 件…": "Dispatching %1 orders…",
    "%1 已派单": "%1 dispatched",
    "%1 未派单：%2": "%1 not dispatched: %2",
    "批量派单：%1 件已派，%2 件未派": "Batch: %1 dispatched, %2 not",
    "已记录回访：%1": "Callback recorded: %1",
    "重办：请在「说明」中写明重办要求": 'Re-handle: write what is to be done in "Note"',
    "已退回重办": "Sent back for re-handling",
    "转办 / 回访": "Dispatch / callback",
    "待派单": "To dispatch",
    "待裁定": "To rule on",
    "待回访": "To call back",
    "热线坐席": "Hotline agent",
    "值班长": "Centre supervisor",
    "保存受理（Ctrl+Enter）": "Save intake (Ctrl+Enter)",
    "保存这次来电并合并到所选的未办结工单，不另立新单": (
        "Save this call and merge it into the selected open order instead of a new one"
    ),
    "同一来电人": "Same caller",
    "同一地址": "Same address",
    "同一分类": "Same category",
    "内容相似": "Similar text",
    "相似的未办结工单": "Similar open orders",
    "相似的未办结工单（%1）": "Similar open orders (%1)",
    "来电人的历史工单": "The caller’s earlier orders",
    "来电人的历史工单（%1）": "The caller’s earlier orders (%1)",
    "街道": "Street",
    "区县": "District",
    "区县/街道": "District / street",
    "详细地址": "Street address",
    "紧急/重要": "Urgency / importance",
    "诉求类型": "Request kind",
    "来电号码，查询历史工单": "Caller’s number (finds earlier orders)",
    "已受理（待上传），将合并到所选工单": "Taken in (pending upload); it will be merged into the selected order",
    "已受理（待上传），可在「待派单」中派单": 'Taken in (pending upload); dispatch it from "To dispatch"',
    "。离线：已保存在本机，联网后自动上传": ". Offline: kept on this PC, uploaded once online",
    "中心未接受刚才受理的工单，请在「同步问题」中查看原因（内容已保留）": (
        'The server refused the order just taken in; see "Sync problems" for why (nothing typed is lost)'
    ),
    "已受理并上传：%1": "Taken in and uploaded: %1",
    "已受理并直接办结（待上传）": "Taken in and closed at once (pending upload)",
    "【待上传】": "[Pending upload] ",
    "待上传（本机受理，尚未上传到中心）": "Pending upload (taken in on this PC, not yet on the server)",
    "纬度，如 32.78": "Latitude, e.g. 32.78",
    "经度，如 119.44": "Longitude, e.g. 119.44",
    "标签，用逗号或回车分隔": "Tags, separated by commas or Enter",
    "坐标（可选）": "Coordinates (optional)",
    "紧急/重要/复杂": "Urgency/importance/complexity",
    "纬度": "Latitude",
    "经度": "Longitude",
    "坐标：请同时填写纬度和经度，或都不填": "Coordinates: give both latitude and longitude, or neither",
    "纬度：请填写 -90 到 90 之间的数字": "Latitude: a number from -90 to 90",
    "经度：请填写 -180 到 180 之间的数字": "Longitude: a number from -180 to 180",
    "标签：最多 %1 个": "Tags: at most %1",
    "标签：每个标签最多 %1 个字": "Tags: at most %1 characters each",
    "直接办结（当场答复咨询）": "Close at once (answer the consultation now)",
    "答复市民的内容": "The answer to the citizen",
    "政策依据：文件名称、文号、条款": "Policy basis: document, number, article",
    "保存并办结（Ctrl+Shift+Enter）": "Save and close (Ctrl+Shift+Enter)",
    "直接办结：只用于咨询类诉求，其他诉求请派单": "Close at once is for consultations; dispatch other requests",
    "直接办结：请填写答复内容": "Close at once: write the answer",
    "直接办结：请填写政策依据": "Close at once: give the policy basis",
    "政策依据": "Policy basis",
    "待上传：工单上传后才有派单建议（按分类默认单位）；现在派单，将在工单上传后随即发出。": (
        "Pending upload: the suggestion comes once the order is on the server (the category's department"
        " for now); a dispatch made now goes right after the order"
    ),
    "相似工单%1件": "%1 similar",
    "依据：以往%1件相似工单中%2件由%3主办（按相似度加权占%4%）": (
        "Why: of %1 similar earlier orders, %2 were led by %3 (%4% of the weight by similarity)"
    ),
    "依据：本分类近%1件工单中%2件由%3主办": "Why: of the category's latest %1 orders, %2 were led by %3",
    "依据：%1是本分类的默认承办单位": "Why: %1 is the category's default department",
    "已受理 %1，并合并到所选工单": "Took in %1 and merged it into the selected order",
    "已受理 %1，可在「待派单」中派单": 'Took in %1; dispatch it from "To dispatch"',
    "市民诉求内容": "The citizen’s request",
    "输入分类名称或编码": "Type a category name or code",
    "已恢复上次未保存的受理内容（%1）": "Restored the unsaved intake (%1)",
    "来电人": "Caller",
    "清空": "Clear",
    "分类：请从列表中选择一个分类": "Category: choose one from the list",
    "同意承办单位联系": "May be contacted",
    "保密": "Confidential",
    "渠道": "Channel",
    "合并到此单": "Merge into this order",
    "正在保存…": "Saving…",
    # --- 更改密码 (ui/change_password.py, 工具 menu) ---
    "更改密码": "Change password",
    "更改密码…": "Change password…",
    "首次登录（或管理员重置密码后）须先设置您自己的密码，才能继续使用。": (
        "At your first sign-in (or after an administrator reset your password) you must choose your own "
        "password before going on."
    ),
    "更改后，您在其他电脑上的登录将被注销。": "Once changed, your sign-ins on other computers are ended.",
    "当前密码": "Current password",
    "新密码": "New password",
    "再次输入新密码": "New password again",
    "请填写当前密码和新密码": "Enter your current and your new password",
    "两次输入的新密码不一致": "The two new passwords differ",
    "正在更改…": "Changing…",
    "更改失败：%1": "The change failed: %1",
    "密码已更改；您在其他电脑上的登录已注销": "Password changed; your sign-ins on other computers were ended",
    # --- sync states, and words other views use too (the domain's names: casework/vocabulary.py) ---
    "待签收": "To sign",
    "办理中": "In progress",
    "已办结": "Closed",
    "经办人": "Handler",
    "其他": "Other",
    "待同步": "Pending sync",
    "暂缓": "On hold",
    "上传中": "Uploading",
    "已发送": "Sent",
    "已生效": "Applied",
    "冲突": "Conflict",
    "被拒绝": "Rejected",
    # --- words of commands other views use too ---
    "现场核查": "On-site check",
    "内部备注": "Internal note",
    "保存草稿": "Save draft",
    "提交答复": "Submit reply",
    "审核通过": "Approve",
    "退回修改": "Return for rework",
    "回访": "Callback",
    "办结": "Close",
    "督办": "Supervise",
    "；": "; ",  # between the items of a list
    "%1（%2）": "%1 (%2)",  # a command and its shortcut
    "%1  %2（%3）": "%1  %2 (%3)",  # a channel, its orders and their share
    "%1：%2": "%1: %2",  # a field and its value
    "审核无误": "Audited",
    # --- countdown (Labels) ---
    "%1天%2小时": "%1 d %2 h",
    "%1小时%2分": "%1 h %2 min",
    "%1分钟": "%1 min",
    "超期%1": "%1 late",
    # --- main window ---
    "任意时限": "Any deadline",
    "4小时内到期": "Due in 4 h",
    "24小时内到期": "Due in 24 h",
    "3天内到期": "Due in 3 days",
    "CaseDesk 12345工单办理 — %1（%2）": "CaseDesk 12345 Work Orders — %1 (%2)",
    "工作台": "Workbench",
    "同步问题": "Sync problems",
    "统计": "Statistics",
    "工具栏": "Toolbar",
    "搜索工单编号、标题、内容、地址、市民（Ctrl+F）": "Search number, title, text, address, citizen (Ctrl+F)",
    "立即同步": "Sync now",
    "立即与中心同步（F5）": "Sync with the centre now (F5)",
    "演示身份：": "Demo user:",
    "%1（住建局）": "%1 (Housing Bureau)",
    "全部分类": "All categories",
    "全部紧急程度": "All urgencies",
    "全部状态": "All states",
    "全部经办人": "All handlers",
    "取消上传": "Cancel upload",
    "搜索": "Search",
    "同步": "Sync",
    "%1 · 共 %2 件": "%1 · %2 orders",
    "有 %1 件紧急工单待签收": "Urgent orders to sign: %1",
    "紧急工单": "Urgent orders",
    "● 登录已过期，请重新登录": "● Session expired, please sign in again",
    "● 在线": "● Online",
    "（同步中…）": " (syncing…)",
    "● 离线（工作已保存在本机，联网后自动同步）": (
        "● Offline (work is saved on this computer and syncs when back online)"
    ),
    "待同步 %1 项": "Pending sync: %1",
    "上次同步 %1": "Last sync %1",
    "尚未同步": "Not synced yet",
    "上传照片 %1 / %2 MB": "Uploading photos %1 / %2 MB",
    "，约剩 %1 秒": ", about %1 s left",
    "同步问题 (%1)": "Sync problems (%1)",
    # --- order list ---
    "紧急程度": "Urgency",
    "工单编号": "Order no.",
    "标题": "Title",
    "分类": "Category",
    "状态": "State",
    "受理时间": "Received",
    "剩余时限": "Time left",
    "待同步 %1": "%1 unsynced",
    # --- order view ---
    "请在列表中选择一张工单": "Select an order in the list",
    "概况": "Overview",
    "时间": "Time",
    "操作人": "By",
    "操作": "Action",
    "说明": "Details",
    "处理记录": "Timeline",
    "附件": "Files",
    "答复": "Reply",
    "轮次": "Round",
    "审核环节": "Level",
    "审核人": "Reviewer",
    "结论": "Decision",
    "意见": "Comment",
    "审核记录": "Reviews",
    "诉求": "Request",
    "市民": "Citizen",
    "时限": "Deadlines",
    "办理": "Handling",
    "本地没有这张工单（可能已转出或尚未同步）": (
        "This order is not on this computer (it may have been transferred, or not synced yet)"
    ),
    "重件": "Major",
    "催办%1次": "Reminded %1×",
    "%1 项修改尚未同步到中心": "Changes not yet synced to the centre: %1",
    "有修改被中心拒绝或冲突，请到“同步问题”处理": (
        "Changes were rejected by the centre or conflict; resolve them under “Sync problems”"
    ),
    "签收剩余": "Sign within",
    "答复剩余": "Reply in",
    "时限：%1": "Deadline: %1",
    "来源": "Channel",
    "类型": "Type",
    "难易": "Complexity",
    "复杂": "Complex",
    "简单": "Simple",
    "诉求内容": "Description",
    "地址": "Address",
    "坐标": "Coordinates",
    "标签": "Tags",
    "（已隐藏）": "(hidden)",
    "匿名": "Anonymous",
    "姓名": "Name",
    "电话": "Phone",
    "回访号码": "Callback number",
    "市民要求保密": "Citizen requested confidentiality",
    "允许承办单位联系": "Department may contact the citizen",
    "不得联系市民": "Do not contact the citizen",
    "部分信息已隐藏": "Some details are hidden",
    "（按时）": "(on time)",
    "（超时）": "(late)",
    "签收时限": "Sign by",
    "现场核查时限": "On site by",
    "答复时限": "Reply by",
    "延期后时限": "Extended to",
    "注意": "Note",
    "跨入节假日未公布的年份，时限为临时计算，公布后将重新计算": (
        "The deadline runs into a year whose public holidays are not yet published: it is provisional "
        "and will be recalculated once they are"
    ),
    "主办单位": "Lead department",
    "协办单位": "Co-handling",
    "未分派": "Not assigned",
    "待审批": "Pending",
    "已批准": "Approved",
    "未批准": "Denied",
    "延期申请": "Extension",
    "%1：%2个工作日，%3": "%1: %2 working days, %3",
    "退单申请": "Return request",
    "领导批示": "Leader's instruction",
    "重办次数": "Times re-handled",
    "12345热线电话": "12345 hotline",
    "书记市长信箱": "Secretary & Mayor mailbox",
    "政府网站": "Government website",
    "微博": "Weibo",
    "微信": "WeChat",
    "手机应用": "Mobile app",
    "移动客户端": "Mobile app",
    "咨询": "Consultation",
    "求助": "Request for help",
    "投诉": "Complaint",
    "举报": "Report",
    "建议": "Suggestion",
    "受理": "Intake",
    "查看联系方式": "Viewed contact details",
    "经办人：%1": "Handler: %1",
    "系统": "System",
    "待同步（尚未送达中心）": "Pending sync (not yet at the centre)",
    "处理记录 (%1)": "Timeline (%1)",
    "尚无现场核查记录": "No on-site checks yet",
    "位置：%1, %2": "Location: %1, %2",
    "现场核查 (%1)": "On-site (%1)",
    "待上传": "not uploaded yet",
    "暂无附件": "No files",
    "附件 (%1)": "Files (%1)",
    "离线": "Offline",
    "加载中": "Loading",
    "暂无内部备注（备注仅单位内部和中心可见）": (
        "No internal notes yet (notes are seen only within the department and by the centre)"
    ),
    "内部备注 (%1)": "Notes (%1)",
    "审核流程：": "Review chain: ",
    "（当前）": " (current)",
    "通过": "Approved",
    "退回": "Returned",
    "审核记录 (%1)": "Reviews (%1)",
    "无法打开文件": "Cannot open the file",
    "照片": "Photos",
    # --- reply editor ---
    "请选择办理结果": "Choose a result",
    "常用语": "Phrases",
    "答复内容（将反馈给市民）": "Reply text (sent to the citizen)",
    "答复依据：法规、政策文件名称及条款": "Basis: laws, policy documents and their articles",
    "保存草稿（Ctrl+S）": "Save draft (Ctrl+S)",
    "提交答复，进入审核（Ctrl+Enter）": "Submit the reply for review (Ctrl+Enter)",
    "办理结果": "Result",
    "答复依据": "Basis",
    "您好！关于您反映的问题，": "Hello. Regarding the issue you reported, ",
    "经现场核实，": "On-site verification showed that ",
    "我单位已于当日安排工作人员到现场查看，": "We sent staff to inspect the site the same day, ",
    "已责成施工单位于……前整改完毕。": "The contractor has been ordered to put this right by …. ",
    "根据《……》第……条规定，": "Under Article … of the …, ",
    "该问题涉及多个部门，我单位已牵头协调，": (
        "As the issue involves several departments, we are leading the coordination, "
    ),
    "如有疑问，请致电……咨询。": "If you have any questions, please call …. ",
    "感谢您对我们工作的监督。": "Thank you for your oversight of our work.",
    "%1退回：%2": "Returned (%1): %2",
    "第%1轮答复": "Reply, round %1",
    "只读：当前不能修改答复": "Read-only: the reply cannot be changed now",
    "有未保存的修改": "Unsaved changes",
    "草稿已保存 %1": "Draft saved %1",
    "请填写答复内容。": "Please write the reply.",
    "请选择办理结果。": "Please choose a result.",
    # --- image viewer ---
    "适应窗口": "Fit to window",
    "放大": "Zoom in",
    "缩小": "Zoom out",
    "原始大小": "Actual size",
    "无法显示这张图片": "Cannot display this image",
    # --- action bar and its forms ---
    "操作未完成": "Action not completed",
    "本地没有这张工单（可能已转出），请同步后再试。": (
        "This order is not on this computer (it may have been transferred). Sync, then try again."
    ),
    "填写的内容不符合要求：%1": "Some of the input is not valid: %1",
    "当前没有需要您处理的操作": "Nothing for you to do on this order now",
    "提交": "Submit",
    "提交（Ctrl+Enter）": "Submit (Ctrl+Enter)",
    "取消": "Cancel",
    "退回原因和修改要求（必填）": "Why it is returned and what to change (required)",
    "审核意见（可不填）": "Review comment (optional)",
    "退回时必须填写意见，说明需要怎样修改。": "A comment is required when returning: say what needs to change.",
    "仅本单位和中心可见，不会告知市民": "Seen only by this department and the centre, never by the citizen",
    "备注": "Note",
    "请填写备注内容。": "Please write the note.",
    "本单位没有可分派的经办人（请同步后再试）。": "This department has no handler to assign (sync, then try again).",
    "请选择经办人。": "Please choose a handler.",
    " 个工作日": " working days",
    "需要延期的原因，如：需协调多个部门、等待施工条件": (
        "Why more time is needed, e.g. several departments must coordinate, or the work must wait for conditions"
    ),
    "延期天数": "Extension",
    "原因": "Reason",
    "请填写延期原因。": "Please give the reason for the extension.",
    "说明理由，并尽量写明应由哪个单位办理": "Explain why, and if possible name the department that should handle it",
    "退单类型": "Reason",
    "理由": "Explanation",
    "请填写退单理由。": "Please explain why the order should go back to the centre.",
    "纬度，如 32.7847": "Latitude, e.g. 32.7847",
    "经度，如 119.4432": "Longitude, e.g. 119.4432",
    "核查发现的情况、已采取的措施": "What was found, and what was done",
    "核查时间": "Checked at",
    "位置（GPS）": "Location (GPS)",
    "核查情况": "Findings",
    "取自照片 %1": "From photo %1",
    "照片处理中，请稍候…": "Processing photos, please wait…",
    "照片还在处理中，请稍候再提交。": "Photos are still being processed; please submit in a moment.",
    "请填写核查情况或添加照片。": "Please enter the findings or add photos.",
    "一次核查最多 %1 张照片。": "At most %1 photos per check.",
    "请同时填写纬度和经度，或都不填。": "Enter both latitude and longitude, or neither.",
    "经纬度格式不正确。": "Latitude or longitude is not a valid number.",
    # --- photo picker ---
    "添加照片…": "Add photos…",
    "导入文件夹…": "Import folder…",
    "导入一个文件夹（如相机存储卡）中的全部照片": "Import every photo in a folder (a camera card, say)",
    "粘贴": "Paste",
    "粘贴剪贴板中的图片（Ctrl+V）": "Paste the image on the clipboard (Ctrl+V)",
    "把照片或文件夹拖到这里，或按 Ctrl+V 粘贴截图": (
        "Drag photos or folders here, or press Ctrl+V to paste a screenshot"
    ),
    "添加照片": "Add photos",
    "图片和 PDF": "Images and PDF",
    "所有文件": "All files",
    "导入文件夹": "Import folder",
    "有 %1 个文件未能添加。": "Files not added: %1.",
    "部分文件未添加": "Some files were not added",
    "正在处理照片 %1/%2": "Processing photos %1/%2",
    "%1 张": "Photos: %1",
    "（无预览）": "(no preview)",
    "移除这张照片": "Remove this photo",
    # --- problems panel ---
    "服务器上的内容已被他人修改": "Someone changed this on the server meanwhile",
    "服务器未接受此操作": "The server did not accept this action",
    "内容": "Text",
    "依据": "Basis",
    "批示": "Instruction",
    "答复结果": "Result",
    "工单": "Order",
    "没有冲突或被拒绝的操作。": "No conflicts or rejected actions.",
    "工单 %1（已不在本机）": "Order %1 (no longer on this computer)",
    "工单 %1 · %2：%3": "Order %1 · %2: %3",
    "服务器版本": "Server version",
    "（答复结果：%1）": " (result: %1)",
    "（此操作没有填写内容）": "(nothing was written for this action)",
    "采用服务器版本后，你写的内容将被删除，无法恢复。确定吗？": (
        "Keeping the server version deletes what you wrote, and it cannot be recovered. Continue?"
    ),
    "放弃后，这项操作和你写的内容将被删除，无法恢复。确定吗？": (
        "Discarding deletes this action and what you wrote, and it cannot be recovered. Continue?"
    ),
    "放弃修改": "Discard changes",
    "未能处理": "Could not resolve",
    "未能处理这项操作：%1": "This action could not be resolved: %1",
    "服务器上的内容在你离线期间已被修改。左侧是服务器上的版本，右侧是你的版本；可以在右侧合并两者后重新提交。": (
        "The content on the server changed while you were offline. The server's version is on the left, "
        "yours on the right; merge the two on the right and submit again."
    ),
    "我的版本（可编辑）": "My version (editable)",
    "采用我的版本": "Keep mine",
    "按你原来写的内容重新提交": "Submit again what you originally wrote",
    "采用服务器版本": "Keep server version",
    "放弃你的修改，保留服务器上的内容": "Drop your changes and keep the server's content",
    "合并后重新提交": "Submit merged",
    "提交右侧编辑后的内容": "Submit the text as edited on the right",
    "你写的内容": "What you wrote",
    "复制内容": "Copy",
    "放弃": "Discard",
    "重新提交": "Submit again",
    # --- a city leader's monthly audit ---
    "月度审核": "Monthly audit",
    "审核": "Audit",
    "标记为已审核（Ctrl+Shift+M）": "Mark as audited (Ctrl+Shift+M)",
    "批示重办…": "Instruct re-handling…",
    "批示重办": "Instruct re-handling",
    "查看工单": "View order",
    "审核月份": "Month",
    "已审核": "Audited",
    "待审核": "To audit",
    "已审核 %1 / %2 件": "Audited: %1 of %2",
    "批示（将随工单退回承办单位）：": "Instruction (goes back to the department with the order):",
    "重办需要填写批示。": "Re-handling needs an instruction.",
    # --- dashboard ---
    "%1年%2月": "%2/%1",
    "导出台账": "Export ledger",
    "把所选月份的工单导出为 Excel 工作台账": "Export the selected month's orders as an Excel work ledger",
    "月份": "Month",
    "工单量": "Orders",
    "本月派至本单位（或受理）的工单数": "Orders dispatched to this department (or received) this month",
    "及时签收率": "Signed on time",
    "按时签收 ÷（已签收 + 已超签收时限仍未签收）": "Signed on time ÷ (signed + still unsigned after the sign-by time)",
    "按时办结率": "Closed on time",
    "按时办结 ÷（已办结 + 未办结且已超期）": "Closed on time ÷ (closed + open and overdue)",
    "回访满意率": "Satisfaction",
    "满意及基本满意 ÷ 回访联系上的次数": "Satisfied or basically satisfied ÷ callbacks that reached the citizen",
    "解决率": "Resolution rate",
    "最新答复为“已解决” ÷ 已答复（待回访或已办结）": (
        "Latest reply “Resolved” ÷ replied (awaiting callback or closed)"
    ),
    "退单率": "Return rate",
    "申请过退单的工单 ÷ 本月工单": "Orders with a return request ÷ orders this month",
    "审核退回率": "Review return rate",
    "审核中被退回修改过的工单 ÷ 曾答复的工单": "Orders returned for rework in review ÷ orders ever replied",
    "重办率": "Re-handling rate",
    "被要求重办的工单 ÷ 曾答复的工单": "Orders sent back for re-handling ÷ orders ever replied",
    "平均办理时长": "Average handling time",
    "从派单到首次提交答复的平均天数": "Average days from dispatch to the first reply submitted",
    "分类工单量": "Orders by category",
    "来源渠道": "Channels",
    "每日受理量": "Daily intake",
    "以上为本机缓存工单的统计，仅供参考；正式考核以服务器统计为准。": (
        "Figures from the orders cached on this computer, for reference only; "
        "official assessment uses the server's figures."
    ),
    "工作台账-%1.xlsx": "work-ledger-%1.xlsx",
    "导出工作台账": "Export work ledger",
    "Excel 工作簿 (*.xlsx)": "Excel workbook (*.xlsx)",
    "正在导出台账……": "Exporting the ledger…",
    "回复单-%1.pdf": "reply-sheet-%1.pdf",
    "打印回复单": "Print reply sheet",
    "PDF 文件 (*.pdf)": "PDF files (*.pdf)",
    "正在生成回复单……": "Generating the reply sheet…",
    "%1天": "%1 days",
    "派单至首次答复": "Dispatch to first reply",
    "未分类": "Uncategorised",
    "受理量": "Intake",
    "日": "Day",
    "已保存：%1": "Saved: %1",
    "保存失败：%1": "Could not save: %1",
    "本机没有这张工单": "This order is not on this computer",
    "无数据": "No data",
    # --- sign-in and the application ---
    "登录 CaseDesk": "Sign in to CaseDesk",
    "服务器地址": "Server",
    "用户名": "User name",
    "密码": "Password",
    "登录": "Sign in",
    "请填写服务器地址、用户名和密码": "Please enter the server, user name and password",
    "正在登录…": "Signing in…",
    "登录失败：%1": "Sign-in failed: %1",
    "首次启动：正在生成演示数据（约需半分钟）…": "First start: generating the demo data (about half a minute)…",
    "正在启动内置服务器…": "Starting the bundled server…",
    "正在连接 %1 …": "Connecting to %1…",
    "无法连接服务器：正在使用本机缓存的数据离线工作": (
        "Cannot reach the server: working offline with the data cached on this computer"
    ),
    "正在切换演示身份…": "Switching the demo user…",
    "读写本机文件失败：%1": "Could not read or write a file on this computer: %1",
    "发生内部错误，已记录日志。请联系管理员。": (
        "An internal error occurred and was logged. Please contact your administrator."
    ),
    "无法启动：%1": "Cannot start: %1",
    "演示模式需要内置服务器，但本机未安装服务器所需的软件包（%1）。\n"
    "请安装：%2\n或用 --server 网址 连接到单位的 CaseDesk 服务器。": (
        "Demo mode needs the bundled server, but the server's packages are not installed here (%1).\n"
        "Install them: %2\nor connect to your organisation's CaseDesk server with --server URL."
    ),
    "CaseDesk 遇到了一个程序错误。您的工作已保存在本机，不会丢失。": (
        "CaseDesk ran into a program error. Your work is saved on this computer and will not be lost."
    ),
    "错误报告已保存到：%1\n请将此文件发送给系统管理员。": (
        "The error report was saved to: %1\nPlease send this file to your system administrator."
    ),
    # the leader's portfolio
    "分管单位": "My departments",
    "全部单位": "All departments",
    "全市排名": "City rank",
    "承办单位": "Department",
    "派单量": "Dispatched",
    "超期未结": "Overdue open",
    "查看该单位工单": "Show its orders",
    "导出月度通报（PDF）": "Monthly bulletin (PDF)",
    "导出工作台账（Excel）": "Ledger (Excel)",
    "正在从中心获取本月指标…": "Fetching this month's figures from the centre…",
    "无法获取指标：%1": "Could not fetch the figures: %1",
    "%1 个单位，数据截至 %2": "%1 departments, figures as of %2",
    "保存": "Save",
    "正在生成…": "Generating…",
    "导出失败": "Export failed",
    # --- the order in view (selection kept by order id) ---
    "不在本机": "not on this PC",
    "这张工单已不在「%1」列表中，现在的状态：%2。": "This order is no longer in “%1”; it is now: %2.",
    # --- undo before it leaves the desk; every action dialog names its order ---
    "批示重办 — %1": "Order rework — %1",
    "工单 %1：%2\n批示（将随工单退回承办单位）：": (
        "Order %1: %2\nInstruction (goes back to the department with the order):"
    ),
    "%1 — %2 %3": "%1 — %2 %3",
    "工单 %1：%2": "Order %1: %2",
    "撤销": "Undo",
    "撤销尚未发送的“%1”（%2），工单恢复到操作之前": "Undo “%1” (%2), not sent yet: the order goes back to how it was",
    "撤销“%1”（%2）及其后 %3 项操作": "Undo “%1” (%2) and the %3 later action(s)",
    "撤销“%1”（%2）": "Undo “%1” (%2)",
    "无法撤销": "Cannot undo",
    "这项操作": "This action",
    "“%1”已在发送中或已送达中心，不能撤销；如需更正，请按正常流程办理。": (
        "“%1” is being sent or has reached the centre and cannot be undone; correct it the usual way."
    ),
    "“%1”已被中心退回或有冲突，请在“同步问题”中处理。": (
        "“%1” was refused by the centre or conflicts; resolve it under Sync problems."
    ),
    "“%1”之后还有 %2 项未发送的操作，需要一并撤销。": "“%1” has %2 unsent later action(s) that must be undone with it.",
    "没有可撤销的操作：它已同步到中心。": "Nothing to undo: it has reached the centre.",
    "没有可撤销的操作。": "Nothing to undo.",
    "撤销提示已过：“%1”%2 在发送到中心之前，仍可在该工单上点“撤销”。": (
        "The undo notice has gone: “%1” %2 can still be undone with the order’s Undo button until it is sent"
        " to the centre."
    ),
    "、": ", ",
    "已撤销 %1：%2「%3」，工单已恢复原样": "Undone — %1: %2 “%3”; the order is as it was",
    "撤销 (%1)": "Undo (%1)",
    "撤销这项操作，工单恢复原样（尚未发送到中心）": (
        "Undo this action; the order goes back to how it was (not sent yet)"
    ),
    "关闭提示（仍可在工单上撤销，直到发送）": "Close (the order's Undo button works until it is sent)",
    "✓ %1：%2「%3」": "✓ %1: %2 “%3”",
    "%1 秒后发送到中心；发送前可撤销，也可在工单上撤销。": (
        "Sent to the centre in %1 s; until then it can be undone here or on the order."
    ),
    # --- the reviewer sees what changed: rounds compared, callbacks (ReplyDiff, OrderView, Labels) ---
    "短信": "SMS",
    "上门": "Visit",
    "回访与办结": "Callback and closing",
    "答复 (第%1轮)": "Reply (%1)",  # a tab: the rounds so far, as the other tabs count
    "回访：%1": "Callback: %1",
    "市民：“%1”": "Citizen: “%1”",
    "不同意：原单位继续办理，期限不变（%1）": "Refuse: the department goes on, the deadline stays (%1)",
    "同意：改派后按新派单重新计时（正在计算…）": "Accept: dispatched anew, its deadlines start again (computing…)",
    "同意：改派后按新派单重新计时（离线，联网后可见新期限）": (
        "Accept: dispatched anew, its deadlines start again (offline: the new deadlines show once online)"
    ),
    "同意：改派后重新计时，签收时限 %1，答复时限 %2": "Accept: dispatched anew — sign by %1, reply by %2",
    "批准：答复期限延至 %1": "Approve: the reply deadline moves to %1",
    "全部渠道": "All channels",
    "标签，如：噪音": "A tag, e.g. 噪音 (noise)",
    "受理日期": "Received",
    "北京时间，含起止两日": "Beijing time, both days included",
    "清除筛选": "Clear filters",
    "更多筛选": "More filters",
    "更多筛选 (%1)": "More filters (%1)",
    "最近一次回访：%1": "Last callback: %1",
    "市民满意度": "Satisfaction",
    "第%1次回访": "Callback %1",
    "已答复，等待中心回访": "Replied; waiting for the centre's callback",
    "%1回访，%2": "%1 callback: %2",
    "修改对比": "Changes",
    "选择要对比的两轮答复": "Choose the two rounds to compare",
    "红色删除线：上一轮有、本轮删去；绿色下划线：本轮新增": (
        "Red, struck through: removed since the earlier round; green, underlined: added in this round"
    ),
    "第%1轮 对比 第%2轮": "Round %1 vs round %2",
    "%1（未改）": "%1 (unchanged)",
    "无": "none",
    "新增 %1 字，删去 %2 字": "+%1 / −%2 characters",
    "答复内容的字数变化（不计空白）": "Characters added to and removed from the reply text (white space not counted)",
    "退回意见": "Returned",
    "答复内容": "Reply",
    "答复内容未改": "The reply's text is unchanged",
    "热线中心": "Hotline centre",
    "修改中 对比 第%2轮": "Your revision vs round %2",
    "正在修改，尚未提交": "being revised, not submitted yet",
    # --- drafts: nothing typed is lost (the reply editor, the forms, the closing notice) ---
    "北京时间 %1": "Beijing time %1",
    "已恢复未保存的内容（%1）": "Restored what was not saved (%1)",
    "以下内容保留在本机，不会丢失：": "These stay on this PC; nothing is lost:",
    "%1 项操作尚未同步到中心：已保存在本机，下次打开 CaseDesk 联网后自动发送。": (
        "Changes not yet sent to the centre: %1. Saved here; sent automatically the next time CaseDesk is online."
    ),
    "%1 项同步问题等待您处理：已保存在本机，请在“同步问题”中查看。": (
        "Sync problems waiting for you: %1. Saved here; see “Sync problems”."
    ),
    "%1 张工单上有未保存的答复或表单内容：已保存在本机，再次打开这些工单时自动恢复。": (
        "Orders with an unsaved reply or form: %1. Saved here; restored when you open them again."
    ),
    # --- issue 9, true counts and markers: 新/退回 in the work list, new counts in the sidebar ---
    "【新】": "[New] ",
    "【退回】": "[Returned] ",
    "【草稿】": "[Draft] ",
    "草稿：本机保存着尚未提交的答复或表单内容，打开工单即可继续": (
        "Draft: a reply or form typed on this PC and not yet submitted is kept here; open the order to go on"
    ),
    "新：到达本机后还没有打开过": "New: arrived on this desk and not opened yet",
    "退回：审核退回、批示重办或退回申请未获同意，需要重新办理": (
        "Returned: sent back by a reviewer, ordered re-handled, or a hand-back refused — to be done again"
    ),
    "%1  (%2 · 新%3)": "%1  (%2 · %3 new)",
    # --- session: offline unlock and re-sign-in (issue 9) ---
    "服务器已恢复连接，但需要重新登录。未发送的工作仍保存在本机，登录后自动发送。": (
        "The server can be reached again, but you need to sign in again. Unsent work stays on this PC "
        "and is sent once you have signed in."
    ),
    # --- a desktop application's manners: menus, About, preferences, search, empty lists, printing ---
    "文件(&F)": "&File",
    "视图(&V)": "&View",
    "工具(&T)": "&Tools",
    "帮助(&H)": "&Help",
    "导出台账…": "Export ledger…",
    "把统计页所选月份的工单导出为 Excel 工作台账": (
        "Export the orders of the month chosen in Statistics as an Excel ledger"
    ),
    "打印回复单…": "Print reply sheet…",
    "注销": "Sign out",
    "切换服务器…": "Switch server…",
    "切换服务器": "Switch server",
    "服务器地址（切换后需重新登录；本机数据按服务器和用户分开保存）：": (
        "Server address (you sign in again; data on this PC is kept apart per server and user):"
    ),
    "退出": "Quit",
    "工作列表": "Work lists",
    "列": "Columns",
    "语言": "Language",
    "首选项…": "Preferences…",
    "首选项": "Preferences",
    "关于 CaseDesk": "About CaseDesk",
    "CaseDesk 12345工单办理": "CaseDesk 12345 Work Orders",
    "版本": "Version",
    "服务器": "Server",
    "当前用户": "Signed in as",
    "数据文件夹": "Data folder",
    "打开日志文件夹": "Open logs folder",
    " 秒": " s",
    "后台自动同步的间隔；下次登录起生效": "How often to sync in the background; applies from the next sign-in",
    "界面语言": "Language",
    "同步间隔": "Sync interval",
    "自动锁定": "Lock after",
    " 分钟": " min",
    "无操作多长时间后锁定窗口（解锁需输入密码）；立即生效": (
        "Lock the window after this long without input (unlocking needs the password); applies at once"
    ),
    "CaseDesk 已锁定": "CaseDesk is locked",
    "长时间未操作，窗口已锁定以保护市民信息。请输入登录密码解锁。": (
        "The window was locked after a while without input, to protect citizens' data. "
        "Enter your password to unlock it."
    ),
    "解锁": "Unlock",
    "密码不正确，请重试。": "Wrong password; try again.",
    "后台同步仍在进行；未保存的输入已保留，解锁后原样恢复。": (
        "Sync goes on in the background; what you typed is kept and comes back when you unlock."
    ),
    "北京时间（UTC+8）": "Beijing time (UTC+8)",
    "共 1 件": "1 order",
    "共 %1 件": "%1 orders",
    "搜索全部列表：编号、标题、内容、地址、市民": "Search all lists: number, title, text, address, citizen",
    "在全部工单中搜索（Ctrl+F）；按 ↓ 或回车进入结果": (
        "Search every order (Ctrl+F); press ↓ or Enter to go to the results"
    ),
    "%1 · %2": "%1 · %2",
    "在全部工单中搜索「%1」：%2": "Search of all orders for “%1”: %2",
    "没有与「%1」匹配的工单": "No orders match “%1”",
    "%1 中没有符合筛选条件的工单": "No orders in %1 match the filters",
    "尚未同步：正在下载…": "Not synced yet: downloading…",
    "尚未同步：离线，联网后自动下载": "Not synced yet: offline; the orders download once the server can be reached",
    "%1 没有工单": "No orders in %1",
    "所在列表": "In lists",
    "搜索结果所在的工作列表": "The work lists a search hit is in",
    "所在列表：%1": "In lists: %1",
    "办理时限 %1": "Due %1",
    "预览并打印本工单的回复单（Ctrl+P）": "Preview and print this order's reply sheet (Ctrl+P)",
    "请先在列表中选择一张工单": "Choose an order in the list first",
    "打印回复单 — %1": "Print reply sheet — %1",
    "打开": "Open",
    "复制工单编号": "Copy order number",
    "1 个单位，数据截至 %2": "1 department, figures as of %2",
    "本软件显示的时间均为北京时间（UTC+8），与本机时区无关": (
        "Every time shown here is Beijing time (UTC+8), whatever this computer's time zone"
    ),
    # --- lead's fixes after the new-user trial ---
    "恢复默认列宽": "Reset column widths",
    "演示账号：handler（经办人）、chief（科长）、head（单位负责人）、leader（市分管领导），密码均为 %1": (
        "Demo accounts: handler, chief (section chief), head (department head), leader (city leader);"
        " password %1 for all"
    ),
    "这张工单不在当前显示的「%1」列表中，它的状态：%2。": "This order is not in the list shown (“%1”); it is: %2.",
    # --- the 统计 tab shows the server's measures (one definition of each measure) ---
    "本月派至本单位的工单数": "Orders dispatched to the department this month",
    "本月派单中按时签收 ÷（已签收 + 超时未签收）": (
        "Of this month's dispatched orders: signed on time ÷ (signed + unsigned past the signing deadline)"
    ),
    "本月按时办结 ÷（本月办结 + 统计时点超期未办结）": (
        "Closed on time this month ÷ (closed this month + open and overdue at the time of the figures)"
    ),
    "本月回访中满意及基本满意 ÷ 回访接通": "This month's callbacks: satisfied or basically satisfied ÷ reached",
    "本月答复中结果为“%1” ÷ 本月答复": "This month's replies with result “%1” ÷ replies this month",
    "本月退单申请 ÷ 本月派单": "Return requests this month ÷ orders dispatched this month",
    "本月被要求重办 ÷ 本月答复": "Re-handlings ordered this month ÷ replies this month",
    "派单（或重办）至答复的平均工作日，不含市领导审核时间": (
        "Average working days from dispatch (or re-handling) to the reply, city leaders' review time excluded"
    ),
    "市领导审核": "City leaders' review",
    "答复在市领导审核环节的平均工作日": "Average working days a reply waited for city leaders' review",
    "每日派单量": "Dispatched per day",
    "正在读取服务器统计……": "Reading the server's figures…",
    "离线：本机还没有%1的统计，连上服务器后显示。": (
        "Offline: no figures for %1 on this computer yet; they appear once the server can be reached."
    ),
    "离线：显示截至 %1（北京时间）的数据": "Offline: showing the figures as of %1 (Beijing time)",
    "服务器统计，截至 %1（北京时间）": "Server figures as of %1 (Beijing time)",
    "工作日，%1件答复": "working days, %1 replies",
    # --- administration (ui/admin) ---
    "还没有保存过版本：现行的是内置审核链（右侧所示）。": (
        "No version saved yet: the built-in chains (shown on the right) are in force."
    ),
    "填写有误": "Check the form",
    "刷新": "Refresh",
    "部门": "Departments",
    "人员": "Users",
    "审核链": "Review chains",
    "工作日历": "Working days",
    "正在从服务器读取…": "Reading from the server…",
    "以下为服务器上的当前数据；每项修改都记入审计日志。": (
        "This is the server's current data; every change is written to the audit log."
    ),
    "管理功能需要连接服务器：现在连不上服务器，请联网后点“刷新”。（修改没有保存。）": (
        "Administration needs the server, which cannot be reached now: connect and press Refresh. (Nothing was saved.)"
    ),
    "服务器未接受修改": "The server did not accept the change",
    "搜索（日期、说明）": "Search (date, note)",
    "日期": "Date",
    "删除所选日期": "Remove the selected day",
    "休息日（放假）": "Rest day (holiday)",
    "工作日（调休上班）": "Working day (make-up day)",
    "如：县庆放假": "e.g. county anniversary holiday",
    "添加本地日期": "Add a local day",
    "选择文件并载入…": "Choose a file and load…",
    "载入全年法定节假日": "Load a year's statutory days",
    (
        "国务院公布下一年节假日安排后，把它存成 CSV（每行 日期,类型,说明，如"
        " 2027-02-08,workday,春节调休），在这里载入；已发布年份来自"
        " chinesecalendar 包，无需载入。载入后，跨入该年的暂定时限会重新"
        "计算并记入审计。"
    ): (
        "When the State Council announces next year's holidays, save them as CSV (one line per"
        " day: date,kind,note, e.g. 2027-02-08,workday,Spring Festival make-up day) and load it"
        " here; published years come with the chinesecalendar package and need no loading. After"
        " loading, provisional deadlines reaching that year are recomputed and audited."
    ),
    "年份": "Year",
    "休息日": "Rest day",
    "工作日": "Working day",
    "日历版本：%1。已载入的年份：%2。": "Calendar version: %1. Years loaded: %2.",
    "已保存；暂定时限已重新计算": "Saved; provisional deadlines recomputed",
    "删除本地日期 %1（%2）？删除后这一天按法定日历和周末计算。": (
        "Remove the local day %1 (%2)? The day then counts as the statutory calendar and the weekend say."
    ),
    "删除日期": "Remove day",
    "已删除": "Removed",
    "选择全年节假日文件（CSV）": "Choose the year's holiday file (CSV)",
    "CSV 文件 (*.csv *.txt)": "CSV files (*.csv *.txt)",
    "编码": "Code",
    "名称": "Name",
    "英文名称": "English name",
    "上级分类": "Parent category",
    "默认承办单位": "Default department",
    "如 0106（创建后不可改）": "e.g. 0106 (fixed once created)",
    "（顶级分类）": "(top level)",
    "（无）": "(none)",
    "已创建分类": "Category created",
    "已保存": "Saved",
    "生效日期": "Effective from",
    (
        "规则：每个版本从生效日期起适用；一张工单在提交答复、开始审核的那天（北京时间）适"
        "用当时最新生效的版本，之后新增的版本不影响已在审核中的工单。版本不能修改，只能新"
        "增；生效日期不能早于今天。"
    ): (
        "Rule: each version applies from its effective date; a reply climbs the version in force"
        " on the day it is submitted and its review starts (Beijing time); versions added later"
        " never change an order already in review. Versions are never edited, only added, and"
        " cannot take effect before today."
    ),
    "适用单位": "Applies to",
    "重要性": "Importance",
    "添加一行": "Add a row",
    "删除所选行": "Remove the selected row",
    "如：依据某某文件调整": "e.g. changed under circular No. …",
    "保存为新版本": "Save as a new version",
    "新版本（从所选版本开始修改）": "New version (starting from the selected one)",
    "现行": "In force",
    "待生效": "Scheduled",
    "已被取代": "Superseded",
    "默认（所有单位）": "Default (all departments)",
    "已保存新版本": "New version saved",
    "市领导": "City leadership",
    "代码": "Code",
    "在用": "Active",
    "已停用": "Deactivated",
    "如 ZJJ（字母、数字，创建后不可改）": "e.g. ZJJ (letters, digits; fixed once created)",
    "已创建部门": "Department created",
    (
        "停用部门「%1」？停用后不能再向它派单、添加人员或把分类默认派给它；有未办结工单、在用"
        "人员、分管领导或分类指向它时服务器会拒绝。"
    ): (
        "Deactivate the department “%1”? No orders can then be dispatched to it, no users added to"
        " it and no category sent to it by default; the server refuses while open orders, active"
        " users, leaders in charge or categories point at it."
    ),
    "已启用": "Reactivated",
    "管理": "Administration",
    "搜索（名称、代码…）": "Search (name, code…)",
    "新建": "New",
    "确定停用吗？": "Deactivate?",
    "共 %1 条": "%1 rows",
    "编辑": "Edit",
    "停用": "Deactivate",
    "启用": "Reactivate",
    "角色": "Role",
    "所属单位": "Department",
    "可签收": "May sign",
    "是": "Yes",
    "小写字母、数字，创建后不可改": "lower-case letters, digits; fixed once created",
    "至少 8 位": "at least 8 characters",
    "经办人可直接签收": "The handler may sign for orders",
    "初始密码": "Initial password",
    "已创建人员": "User created",
    "停用「%1」（%2）？停用后此人无法登录，已登录的桌面在下次联网时被拒绝。": (
        "Deactivate %1 (%2)? They can no longer sign in, and a desk already signed in is refused at its next contact."
    ),
    # --- desks (signed-in devices), revocation and erasing: ui/devices.py, ui/app.py ---
    "登录设备…": "Signed-in devices…",
    "登录设备": "Signed-in devices",
    "设备名称": "Device",
    "最近活动（%1）": "Last seen (%1)",
    "IP 地址": "IP address",
    "结束": "End",
    "本机": "This device",
    "已登录": "Signed in",
    "未登录": "Signed out",
    "已吊销": "Revoked",
    "已停用，数据已清除": "Revoked, data erased",
    "未保存的草稿": "unsaved draft",
    "您的账号当前在以下设备上登录。结束不认识的设备；丢失的电脑请联系系统管理员停用并清除其数据。": (
        "Your account is signed in on these devices. End any you do not recognise; for a lost computer, "
        "ask the administrator to revoke it and erase its data."
    ),
    "本机已被管理员停用，正在清除本机保存的数据…": "An administrator revoked this device; erasing the data kept on it…",
    "系统管理员已停用本机。本机保存的工单、照片、草稿和登录信息已全部清除。": (
        "The administrator revoked this device. The orders, photos, drafts and sign-in kept on it have been erased."
    ),
    "以下 %1 项未发送的工作已被丢弃：": "These %1 items of unsent work were discarded:",
    "（未能将丢弃清单报告给服务器，请告知系统管理员。）": (
        "(The list of discarded work could not be reported to the server; please tell the administrator.)"
    ),
    "本机已停用": "Device revoked",
    # --- the admin's user form: reset and desks ---
    "重置密码…": "Reset password…",
    "生成一次性临时密码；此人下次登录时须改为自己的密码，已登录的会话随即结束": (
        "Make a one-time temporary password; the user must replace it at the next sign-in, and their sessions end now"
    ),
    "吊销": "Revoke",
    "为「%1」（%2）生成临时密码？此人已登录的会话随即结束，下次登录时须改为自己的密码。": (
        "Make a temporary password for “%1” (%2)? Their sessions end now, and they must choose "
        "their own password at the next sign-in."
    ),
    "重置密码": "Reset password",
    "已重置密码": "Password reset",
    "临时密码": "Temporary password",
    "「%1」的临时密码（只显示这一次）：\n\n%2\n\n请当面或电话告知本人；本人登录后须改为自己的密码。": (
        "Temporary password for “%1” (shown only this once):\n\n%2\n\nTell the user in person or by "
        "phone; they must change it after signing in."
    ),
    "吊销「%1」的设备「%2」？它下次联网时会报告未发送的修改、清除本机数据并退出登录。": (
        "Revoke “%1”’s device “%2”? At its next contact it reports its unsent edits, erases its "
        "local data and signs out."
    ),
    "吊销设备": "Revoke device",
    "已吊销该设备": "Device revoked",
    # --- 知识库 on the desk (ui/knowledge.py, the reply editor, 直接办结) ---
    "知识库": "Knowledge base",
    "知识库 — 插入答复和依据": "Knowledge base — insert an answer and its basis",
    "输入市民的原话或关键词，查找知识库（Ctrl+K）": (
        "Type the citizen's words or keywords to search the knowledge base (Ctrl+K)"
    ),
    "输入市民的原话或关键词，查找答复口径和政策依据。": (
        "Type the citizen's words or keywords to find the standard answer and its policy basis."
    ),
    "知识库尚未同步到本机：联网同步后即可离线查找。": (
        "The knowledge base has not reached this PC yet: after a sync online it can be searched offline."
    ),
    "没有找到匹配的条目。试试换个说法，或只输入关键词。": "No matching entry. Try other words, or keywords only.",
    "标准答复": "Standard answer",
    "文件名称": "Document",
    "文号": "Number",
    "条款": "Article",
    "发文机关": "Issued by",
    "有效期": "In force",
    "%1 起": "from %1",
    "，至 %1": " to %1",
    "%1 · 第%2版 · %3": "%1 · version %2 · %3",
    "已失效：政策依据已过有效期或已废止，引用前请核实。": (
        "Expired: the policy basis is no longer in force or was repealed; check before citing it."
    ),
    "草稿：尚未经中心发布，仅供本单位参考。": (
        "Draft: not yet published by the centre; for your department's reference only."
    ),
    "复制答复": "Copy answer",
    "插入答复和依据": "Insert answer and basis",
    "条目已失效": "Entry expired",
    "「%1」已失效：其政策依据已过有效期或已废止。仍要插入吗？": (
        "“%1” has expired: its policy basis is no longer in force or was repealed. Insert it anyway?"
    ),
    "仍然插入": "Insert anyway",
    "引用知识库…": "Cite knowledge base…",
    "从知识库插入答复口径和政策依据": "Insert a standard answer and its policy basis from the knowledge base",
    "从知识库插入答复口径和政策依据（Ctrl+Shift+K）": (
        "Insert a standard answer and its policy basis from the knowledge base (Ctrl+Shift+K)"
    ),
    "引用知识库：%1": "Cited from the knowledge base: %1",
    "答复模板": "Reply templates",
    "插入本单位的答复模板（工单编号、称呼、日期自动填入）": (
        "Insert one of your department's reply templates (order number, form of address and dates filled in)"
    ),
    "%1（全市通用）": "%1 (city-wide)",
    # Warnings, 督办 and notifications (ui/notifications.py, the bell, the forms)
    "%1小时": "%1 h",
    "工单 %1「%2」": "order %1 “%2”",
    "%1的%2将于 %3 到期（提前%4提醒）": "%1: %2 falls at %3 (a warning %4 ahead)",
    "%1已超过%2（%3）": "%1 is past its %2 (%3)",
    "，请单位负责人督促办理": "; the department head is asked to see to it",
    "，已报市分管领导": "; reported to the city leader in charge",
    "%1 对%2的督办反馈：%3": "%1 answered the supervision of %2: %3",
    "%1 催办%2：%3": "%1 sent a reminder about %2: %3",
    "%1 督办%2：%3": "%1 put %2 under supervision: %3",
    "（%1）": " (%1)",
    "其他通知": "Other notice",
    "标为已读": "Mark read",
    "全部已读": "Mark all read",
    "双击一条通知打开其工单": "Double-click a notification to open its order",
    "%1 条未读": "%1 unread",
    "没有未读通知": "No unread notifications",
    "%1 条新通知": "%1 new notifications",
    "通知": "Notifications",
    "预警、督办、催办和督办反馈": "Deadline warnings, supervision, reminders and supervision feedback",
    "通知 %1": "Notifications %1",
    "通知 (%1)": "Notifications (%1)",
    "督办要求，如：请于3个工作日内解决并报送办理进展": (
        "What is required, e.g. resolve within 3 working days and report progress"
    ),
    "催办事项，如：市民再次来电，请尽快联系市民": "What is asked, e.g. the citizen called again: contact them soon",
    "目前的办理进展、已采取的措施和预计完成时间": "Progress so far, the measures taken and when it will be done",
    "办理进展": "Progress",
    "要求": "Required",
    "请填写办理进展。": "Please write the progress.",
    "请填写督办或催办的要求。": "Please write what the supervision or reminder requires.",
    "催办": "Remind",
    "督办 (%1)": "Supervision (%1)",
    "督办 / 催办": "Supervise / remind",
    "督办或催办的要求（承办单位的经办人、科长和负责人会收到）": (
        "What is required (the handler, chief and head of the lead department are told)"
    ),
    "督办所选 %1 件": "Supervise the %1 selected",
    "催办所选 %1 件": "Remind the %1 selected",
    "%1：已记录 %2 件": "%1: %2 recorded",
    "，%1 件不能%2（状态或权限不允许）": "; %1 could not be given (%2 is not allowed in their state or for you)",
}

#: (context, source) → English, where the context needs other words than :data:`EN`.
IN_CONTEXT: dict[tuple[str, str], str] = {
    ("AuditQueue", "审核无误"): "Mark audited",  # a button
    ("AuditQueue", "主办单位"): "Lead dept.",  # a narrow column
    ("OrderView", "督办"): "Supervised",  # a badge: the order is supervised
    ("OrderView", "人员"): "By",  # who issued a 督办 or 催办, or answered it
    ("OrderView", "现场核查"): "On-site",  # a tab
    ("OrderView", "内部备注"): "Notes",  # a tab
    ("OrderView", "照片"): "Photo",  # the viewer's title
    ("OrderView", "受理时间"): "Received at",
    ("ProblemsPanel", "%1 张"): "%1",  # after "Photos: "
    ("ProblemsPanel", "理由"): "Reason",
    ("ProblemsPanel", "状态"): "Status",
    ("DeviceTable", "状态"): "Status",
    ("Dashboard", "电话"): "Phone",
    ("OrderView", "办结"): "Closed",  # a row of the callback box: when the order was closed
    ("AdminArea", "分类"): "Categories",  # a tab
    ("UsersPage", "分管单位"): "Portfolio",  # a leader's departments, in the user form
    ("ChainsPage", "说明"): "Note",
    ("CalendarPage", "说明"): "Note",
}


def english(context: str, source: str) -> str | None:
    return IN_CONTEXT.get((context, source), EN.get(source))


def fill(path: Path = TS, overwrite: bool = False, check: bool = False) -> list[tuple[str, str]]:
    """Fill ``path``'s unfinished messages (all, with ``overwrite``); returns the pairs left unfinished."""
    tree = ET.parse(path)
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            if message.get("numerus") == "yes" or translation.get("type") in ("vanished", "obsolete"):
                continue
            unfinished = translation.get("type") == "unfinished" or not (translation.text or "").strip()
            if not (unfinished or overwrite):
                continue
            text = english(name, source)
            if text is None:
                if unfinished:
                    missing.append((name, source))
                continue
            translation.text = text
            translation.attrib.pop("type", None)
    if not check:
        body = ET.tostring(tree.getroot(), encoding="unicode")
        path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return missing


def main() -> int:
    missing = fill(overwrite="--all" in sys.argv, check="--check" in sys.argv)
    for context, source in missing:
        print(f"no English: [{context}] {source!r}")
    return 1 if missing and "--check" in sys.argv else 0


if __name__ == "__main__":
    raise SystemExit(main())
