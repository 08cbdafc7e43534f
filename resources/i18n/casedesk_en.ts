<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/about.py" line="43"/>
        <source>关于 CaseDesk</source>
        <extracomment>Background sync interval offered in the preferences, in seconds.</extracomment>
        <translation>About CaseDesk</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="46"/>
        <source>CaseDesk 12345工单办理</source>
        <translation>CaseDesk 12345 Work Orders</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="54"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="56"/>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="57"/>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="58"/>
        <source>当前用户</source>
        <translation>Signed in as</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="59"/>
        <source>数据文件夹</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="60"/>
        <source>打开日志文件夹</source>
        <translation>Open logs folder</translation>
    </message>
</context>
<context>
    <name>ActionBar</name>
    <message>
        <location filename="../../ui/actions.py" line="112"/>
        <source>北京时间 %1</source>
        <extracomment>Commands only the centre has, done in the window&apos;s 转办/回访 dock (``ui.centre_panel``). The bar&apos;s commands, in the order shown, with their shortcuts (save_draft/submit_reply live in the reply editor). A form&apos;s text is kept in the local drafts at most this long after a keystroke (as the reply editor&apos;s).</extracomment>
        <translation>Beijing time %1</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="113"/>
        <source>已恢复未保存的内容（%1）</source>
        <translation>Restored what was not saved (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="569"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="584"/>
        <location filename="../../ui/actions.py" line="605"/>
        <source>当前没有需要您处理的操作</source>
        <translation>Nothing for you to do on this order now</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="605"/>
        <source>在右侧「转办 / 回访」中办理</source>
        <translation>Done in the Dispatch / callback panel on the right</translation>
    </message>
</context>
<context>
    <name>Admin</name>
    <message>
        <location filename="../../ui/admin/base.py" line="235"/>
        <source>填写有误</source>
        <translation>Check the form</translation>
    </message>
</context>
<context>
    <name>AdminArea</name>
    <message>
        <location filename="../../ui/admin/area.py" line="36"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="44"/>
        <source>部门</source>
        <translation>Departments</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="45"/>
        <source>人员</source>
        <translation>Users</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="46"/>
        <source>分类</source>
        <translation>Categories</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="47"/>
        <source>审核链</source>
        <translation>Review chains</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="48"/>
        <source>工作日历</source>
        <translation>Working days</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="65"/>
        <location filename="../../ui/admin/area.py" line="74"/>
        <source>正在从服务器读取…</source>
        <translation>Reading from the server…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="75"/>
        <source>以下为服务器上的当前数据；每项修改都记入审计日志。</source>
        <translation>This is the server&apos;s current data; every change is written to the audit log.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="97"/>
        <source>管理功能需要连接服务器：现在连不上服务器，请联网后点“刷新”。（修改没有保存。）</source>
        <translation>Administration needs the server, which cannot be reached now: connect and press Refresh. (Nothing was saved.)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/area.py" line="102"/>
        <source>服务器未接受修改</source>
        <translation>The server did not accept the change</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="349"/>
        <source>本单位没有可分派的经办人（请同步后再试）。</source>
        <translation>This department has no handler to assign (sync, then try again).</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="353"/>
        <source>请选择经办人。</source>
        <translation>Please choose a handler.</translation>
    </message>
</context>
<context>
    <name>AuditQueue</name>
    <message>
        <location filename="../../ui/audit_queue.py" line="49"/>
        <source>%1年%2月</source>
        <translation>%2/%1</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="56"/>
        <source>工单编号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="57"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="58"/>
        <source>主办单位</source>
        <translation>Lead dept.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="59"/>
        <source>办理结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="60"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="61"/>
        <source>审核</source>
        <translation>Audit</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="74"/>
        <source>标记为已审核（Ctrl+Shift+M）</source>
        <translation>Mark as audited (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="77"/>
        <source>批示重办…</source>
        <translation>Instruct re-handling…</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="79"/>
        <source>查看工单</source>
        <translation>View order</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="83"/>
        <source>审核月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="136"/>
        <source>已审核</source>
        <translation>Audited</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="136"/>
        <source>待审核</source>
        <translation>To audit</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="149"/>
        <source>已审核 %1 / %2 件</source>
        <translation>Audited: %1 of %2</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="199"/>
        <source>批示重办 — %1</source>
        <translation>Order rework — %1</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="201"/>
        <source>工单 %1：%2
批示（将随工单退回承办单位）：</source>
        <translation>Order %1: %2
Instruction (goes back to the department with the order):</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="214"/>
        <source>批示重办</source>
        <translation>Instruct re-handling</translation>
    </message>
    <message>
        <location filename="../../ui/audit_queue.py" line="214"/>
        <source>重办需要填写批示。</source>
        <translation>Re-handling needs an instruction.</translation>
    </message>
</context>
<context>
    <name>CalendarPage</name>
    <message>
        <location filename="../../ui/admin/calendar.py" line="46"/>
        <source>搜索（日期、说明）</source>
        <translation>Search (date, note)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="50"/>
        <location filename="../../ui/admin/calendar.py" line="78"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="50"/>
        <location filename="../../ui/admin/calendar.py" line="79"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="50"/>
        <location filename="../../ui/admin/calendar.py" line="80"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="56"/>
        <source>删除所选日期</source>
        <translation>Remove the selected day</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="70"/>
        <source>休息日（放假）</source>
        <translation>Rest day (holiday)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="71"/>
        <source>工作日（调休上班）</source>
        <translation>Working day (make-up day)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="73"/>
        <source>如：县庆放假</source>
        <translation>e.g. county anniversary holiday</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="74"/>
        <location filename="../../ui/admin/calendar.py" line="76"/>
        <source>添加本地日期</source>
        <translation>Add a local day</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="86"/>
        <source>选择文件并载入…</source>
        <translation>Choose a file and load…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="88"/>
        <source>载入全年法定节假日</source>
        <translation>Load a year&apos;s statutory days</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="92"/>
        <source>国务院公布下一年节假日安排后，把它存成 CSV（每行 日期,类型,说明，如 2027-02-08,workday,春节调休），在这里载入；已发布年份来自 chinesecalendar 包，无需载入。载入后，跨入该年的暂定时限会重新计算并记入审计。</source>
        <translation>When the State Council announces next year&apos;s holidays, save them as CSV (one line per day: date,kind,note, e.g. 2027-02-08,workday,Spring Festival make-up day) and load it here; published years come with the chinesecalendar package and need no loading. After loading, provisional deadlines reaching that year are recomputed and audited.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="103"/>
        <source>年份</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="123"/>
        <source>休息日</source>
        <translation>Rest day</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="123"/>
        <source>工作日</source>
        <translation>Working day</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="127"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="129"/>
        <source>日历版本：%1。已载入的年份：%2。</source>
        <translation>Calendar version: %1. Years loaded: %2.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="154"/>
        <source>已保存；暂定时限已重新计算</source>
        <translation>Saved; provisional deadlines recomputed</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="166"/>
        <source>删除本地日期 %1（%2）？删除后这一天按法定日历和周末计算。</source>
        <translation>Remove the local day %1 (%2)? The day then counts as the statutory calendar and the weekend say.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="172"/>
        <source>删除日期</source>
        <translation>Remove day</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="175"/>
        <source>已删除</source>
        <translation>Removed</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="180"/>
        <source>选择全年节假日文件（CSV）</source>
        <translation>Choose the year&apos;s holiday file (CSV)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/calendar.py" line="181"/>
        <source>CSV 文件 (*.csv *.txt)</source>
        <translation>CSV files (*.csv *.txt)</translation>
    </message>
</context>
<context>
    <name>CaseDeskApp</name>
    <message>
        <location filename="../../ui/app.py" line="150"/>
        <source>首次启动：正在生成演示数据（约需半分钟）…</source>
        <extracomment>Names a file: once the first window shows (the list&apos;s first rows painted, or the sign-in dialog), the app writes there when, which window, and the modules imported by then — for ``bench.desktop``&apos;s cold start, and the test that a desk talking to a remote server never loads the server&apos;s code. main.py holds Python&apos;s cyclic garbage collector off while the desk starts (issue 14: ~240 passes over the young objects of the imports and the first window, ~0.05 s of CPU, for ~1,500 objects to free): it runs again (:func:`collect_again`) once the first window has shown (the list&apos;s first rows, or the sign-in dialog), or after this long (ms) whatever the start does (a demo city seeded, an error shown). At most this long (ms) the background work of a start waits for the first paint it must not slow (the demo server for the splash, the first sync for the list&apos;s first rows): a window never painted (started minimised, say) does not keep it waiting.</extracomment>
        <translation>First start: generating the demo data (about half a minute)…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="150"/>
        <source>正在启动内置服务器…</source>
        <translation>Starting the bundled server…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="194"/>
        <location filename="../../ui/app.py" line="263"/>
        <source>正在连接 %1 …</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="354"/>
        <source>无法连接服务器：正在使用本机缓存的数据离线工作</source>
        <translation>Cannot reach the server: working offline with the data cached on this computer</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="407"/>
        <source>服务器已恢复连接，但需要重新登录。未发送的工作仍保存在本机，登录后自动发送。</source>
        <translation>The server can be reached again, but you need to sign in again. Unsent work stays on this PC and is sent once you have signed in.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="481"/>
        <source>正在切换演示身份…</source>
        <translation>Switching the demo user…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="507"/>
        <source>演示账号：handler（经办人）、chief（科长）、head（单位负责人）、leader（市分管领导），密码均为 %1</source>
        <translation>Demo accounts: handler, chief (section chief), head (department head), leader (city leader); password %1 for all</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="542"/>
        <source>本机已被管理员停用，正在清除本机保存的数据…</source>
        <translation>An administrator revoked this device; erasing the data kept on it…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="557"/>
        <source>系统管理员已停用本机。本机保存的工单、照片、草稿和登录信息已全部清除。</source>
        <translation>The administrator revoked this device. The orders, photos, drafts and sign-in kept on it have been erased.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="560"/>
        <source>以下 %1 项未发送的工作已被丢弃：</source>
        <translation>These %1 items of unsent work were discarded:</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="563"/>
        <source>（未能将丢弃清单报告给服务器，请告知系统管理员。）</source>
        <translation>(The list of discarded work could not be reported to the server; please tell the administrator.)</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="565"/>
        <source>本机已停用</source>
        <translation>Device revoked</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="595"/>
        <source>演示模式需要内置服务器，但本机未安装服务器所需的软件包（%1）。
请安装：%2
或用 --server 网址 连接到单位的 CaseDesk 服务器。</source>
        <translation>Demo mode needs the bundled server, but the server&apos;s packages are not installed here (%1).
Install them: %2
or connect to your organisation&apos;s CaseDesk server with --server URL.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="603"/>
        <source>无法启动：%1</source>
        <translation>Cannot start: %1</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="611"/>
        <source>CaseDesk 遇到了一个程序错误。您的工作已保存在本机，不会丢失。</source>
        <translation>CaseDesk ran into a program error. Your work is saved on this computer and will not be lost.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="612"/>
        <source>错误报告已保存到：%1
请将此文件发送给系统管理员。</source>
        <translation>The error report was saved to: %1
Please send this file to your system administrator.</translation>
    </message>
</context>
<context>
    <name>CategoriesPage</name>
    <message>
        <location filename="../../ui/admin/org.py" line="353"/>
        <location filename="../../ui/admin/org.py" line="385"/>
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="353"/>
        <location filename="../../ui/admin/org.py" line="386"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="353"/>
        <location filename="../../ui/admin/org.py" line="387"/>
        <source>英文名称</source>
        <translation>English name</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="353"/>
        <location filename="../../ui/admin/org.py" line="388"/>
        <source>上级分类</source>
        <translation>Parent category</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="353"/>
        <location filename="../../ui/admin/org.py" line="389"/>
        <source>默认承办单位</source>
        <translation>Default department</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="380"/>
        <source>如 0106（创建后不可改）</source>
        <translation>e.g. 0106 (fixed once created)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="397"/>
        <source>（顶级分类）</source>
        <translation>(top level)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="403"/>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="420"/>
        <source>已创建分类</source>
        <translation>Category created</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="423"/>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
</context>
<context>
    <name>CentreBoard</name>
    <message>
        <location filename="../../ui/centre_board.py" line="75"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="82"/>
        <source>时段</source>
        <translation>Hour</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="82"/>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="83"/>
        <location filename="../../ui/centre_board.py" line="85"/>
        <source>工单编号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="83"/>
        <location filename="../../ui/centre_board.py" line="85"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="83"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="83"/>
        <source>已等待（分钟）</source>
        <translation>Waiting (min)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="84"/>
        <source>承办单位</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="84"/>
        <source>超期件数</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="85"/>
        <source>答复时间</source>
        <translation>Replied at</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="85"/>
        <source>已回访次数</source>
        <translation>Callback attempts</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="88"/>
        <source>今日受理（按时段、渠道）</source>
        <translation>Today&apos;s intake (by hour and channel)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="89"/>
        <source>超时未派单</source>
        <translation>Waiting for dispatch beyond the target</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="90"/>
        <source>各单位超期</source>
        <translation>Overdue by department</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="121"/>
        <source>离线：值班看板需联网查看</source>
        <translation>Offline: the duty board needs the server</translation>
    </message>
    <message>
        <location filename="../../ui/centre_board.py" line="138"/>
        <source>%1 今日受理 %2 件 · 超过 %3 分钟未派单 %4 件 · 超期 %5 件 · 待回访 %6 件（更新于 %7）</source>
        <translation>%1: %2 taken in · %4 waiting for dispatch over %3 min · %5 overdue · %6 callbacks due (as of %7)</translation>
    </message>
</context>
<context>
    <name>CentrePanel</name>
    <message>
        <location filename="../../ui/centre_panel.py" line="68"/>
        <location filename="../../ui/centre_panel.py" line="274"/>
        <source>选择一张工单</source>
        <translation>Choose an order</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="76"/>
        <source>转办</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="97"/>
        <location filename="../../ui/centre_panel.py" line="552"/>
        <source>批量派单…</source>
        <translation>Dispatch in batch…</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="98"/>
        <source>把「待派单」中同一分类的工单一并派给所选单位</source>
        <translation>Dispatch every order of this category in &quot;To dispatch&quot; to the chosen department</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="105"/>
        <source>主办单位</source>
        <translation>Lead department</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="106"/>
        <source>协办单位</source>
        <translation>Co-handling</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="107"/>
        <source>复杂程度</source>
        <translation>Complexity</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="119"/>
        <source>答复市民的内容</source>
        <translation>The answer to the citizen</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="122"/>
        <source>政策依据（可选）</source>
        <translation>Policy basis (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="130"/>
        <source>答复</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="131"/>
        <source>依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="136"/>
        <source>裁定</source>
        <translation>Ruling</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="145"/>
        <source>裁定意见（不同意时必填）</source>
        <translation>Comment (required to refuse)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="157"/>
        <source>改派单位</source>
        <translation>Dispatch instead to</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="159"/>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="180"/>
        <source>问题已解决</source>
        <translation>Problem resolved</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="183"/>
        <location filename="../../ui/centre_panel.py" line="198"/>
        <source>市民原话</source>
        <translation>The citizen&apos;s words</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="185"/>
        <source>记录回访</source>
        <translation>Record callback</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="189"/>
        <source>重办要求，或值班长办结的理由</source>
        <translation>What to re-handle, or the supervisor&apos;s reason to close</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="190"/>
        <source>值班长办结</source>
        <translation>Close as supervisor</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="196"/>
        <source>回访结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="200"/>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="208"/>
        <source>督办 / 催办</source>
        <translation>Supervise / remind</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="212"/>
        <source>督办或催办的要求（承办单位的经办人、科长和负责人会收到）</source>
        <translation>What is required (the handler, chief and head of the lead department are told)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="291"/>
        <source>待上传：工单上传后才有派单建议（按分类默认单位）；现在派单，将在工单上传后随即发出。</source>
        <translation>Pending upload: the suggestion comes once the order is on the server (the category&apos;s department for now); a dispatch made now goes right after the order</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="294"/>
        <source>正在获取派单建议…</source>
        <translation>Fetching the dispatch suggestion…</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="333"/>
        <source>离线：没有派单建议，按分类默认单位；派单将在联网后同步。</source>
        <translation>Offline: no suggestion; the category&apos;s department is chosen, and the dispatch syncs once online.</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="343"/>
        <source>分类默认</source>
        <translation>category&apos;s default</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="344"/>
        <source>近%1件中承办%2件</source>
        <translation>led %2 of the latest %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="348"/>
        <source>相似工单%1件</source>
        <translation>%1 similar</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="349"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="351"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="353"/>
        <source>建议：%1</source>
        <translation>Suggested: %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="353"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="353"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="357"/>
        <source>签收时限 %1，答复时限 %2（%3个工作日）</source>
        <translation>Sign by %1, reply by %2 (%3 working days)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="361"/>
        <location filename="../../ui/centre_panel.py" line="474"/>
        <source>（暂定：该年度节假日安排未发布）</source>
        <translation>(provisional: the year&apos;s holiday calendar is not published)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="375"/>
        <source>依据：以往%1件相似工单中%2件由%3主办（按相似度加权占%4%）</source>
        <translation>Why: of %1 similar earlier orders, %2 were led by %3 (%4% of the weight by similarity)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="383"/>
        <source>依据：本分类近%1件工单中%2件由%3主办</source>
        <translation>Why: of the category&apos;s latest %1 orders, %2 were led by %3</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="389"/>
        <source>依据：%1是本分类的默认承办单位</source>
        <translation>Why: %1 is the category&apos;s default department</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="395"/>
        <source>答复：%1</source>
        <translation>Reply: %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="397"/>
        <source>依据：%1</source>
        <translation>Basis: %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="403"/>
        <source>本轮已回访 %1 次</source>
        <translation>%1 callback attempts this round</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="404"/>
        <source>，上次：%1</source>
        <translation>, last: %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="420"/>
        <source>%1 申请退单：%2 — %3</source>
        <translation>%1 asks to return it: %2 — %3</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="425"/>
        <source>同意退单并改派</source>
        <translation>Accept and redispatch</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="426"/>
        <source>不同意退单</source>
        <translation>Refuse the return</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="427"/>
        <source>同意：改派后按新派单重新计时（正在计算…）</source>
        <translation>Accept: dispatched anew, its deadlines start again (computing…)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="437"/>
        <source>申请延期 %1 个工作日（至 %2）：%3</source>
        <translation>Extension of %1 working days asked (to %2): %3</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="442"/>
        <source>批准延期</source>
        <translation>Approve the extension</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="443"/>
        <source>不批准</source>
        <translation>Deny</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="445"/>
        <source>批准：答复期限延至 %1</source>
        <translation>Approve: the reply deadline moves to %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="456"/>
        <source>不同意：原单位继续办理，期限不变（%1）</source>
        <translation>Refuse: the department goes on, the deadline stays (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="463"/>
        <source>同意：改派后按新派单重新计时（离线，联网后可见新期限）</source>
        <translation>Accept: dispatched anew, its deadlines start again (offline: the new deadlines show once online)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="469"/>
        <source>同意：改派后重新计时，签收时限 %1，答复时限 %2</source>
        <translation>Accept: dispatched anew — sign by %1, reply by %2</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="480"/>
        <source>不同意时请填写裁定意见</source>
        <translation>To refuse, write a comment</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="488"/>
        <source>已同意退单，改派 %1</source>
        <translation>Return accepted; dispatched to %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="490"/>
        <source>已驳回退单申请</source>
        <translation>Return refused</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="494"/>
        <source>已批准延期</source>
        <translation>Extension approved</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="494"/>
        <source>未批准延期</source>
        <translation>Extension denied</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="544"/>
        <source>已派单给 %1</source>
        <translation>Dispatched to %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="550"/>
        <source>批量派单所选 %1 件</source>
        <translation>Dispatch the %1 selected</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="556"/>
        <source>督办所选 %1 件</source>
        <translation>Supervise the %1 selected</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="559"/>
        <source>催办所选 %1 件</source>
        <translation>Remind the %1 selected</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="569"/>
        <source>请填写督办或催办的要求。</source>
        <translation>Please write what the supervision or reminder requires.</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="581"/>
        <source>%1：已记录 %2 件</source>
        <translation>%1: %2 recorded</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="584"/>
        <source>，%1 件不能%2（状态或权限不允许）</source>
        <translation>; %1 could not be given (%2 is not allowed in their state or for you)</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="607"/>
        <source>正在批量派单…</source>
        <translation>Dispatching in batch…</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="627"/>
        <source>%1 已派单</source>
        <translation>%1 dispatched</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="629"/>
        <source>%1 未派单：%2</source>
        <translation>%1 not dispatched: %2</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="637"/>
        <source>批量派单：%1 件已派，%2 件未派</source>
        <translation>Batch: %1 dispatched, %2 not</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="648"/>
        <source>直接办结：请填写答复内容</source>
        <translation>Close at once: write the answer</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="654"/>
        <source>已直接办结</source>
        <translation>Closed at once</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="674"/>
        <source>已记录回访：%1</source>
        <translation>Callback recorded: %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="683"/>
        <source>重办：请在「说明」中写明重办要求</source>
        <translation>Re-handle: write what is to be done in &quot;Note&quot;</translation>
    </message>
    <message>
        <location filename="../../ui/centre_panel.py" line="686"/>
        <source>已退回重办</source>
        <translation>Sent back for re-handling</translation>
    </message>
</context>
<context>
    <name>ChainsPage</name>
    <message>
        <location filename="../../ui/admin/chains.py" line="56"/>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="56"/>
        <location filename="../../ui/admin/chains.py" line="104"/>
        <source>生效日期</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="56"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="56"/>
        <location filename="../../ui/admin/chains.py" line="105"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="65"/>
        <source>规则：每个版本从生效日期起适用；一张工单在提交答复、开始审核的那天（北京时间）适用当时最新生效的版本，之后新增的版本不影响已在审核中的工单。版本不能修改，只能新增；生效日期不能早于今天。</source>
        <translation>Rule: each version applies from its effective date; a reply climbs the version in force on the day it is submitted and its review starts (Beijing time); versions added later never change an order already in review. Versions are never edited, only added, and cannot take effect before today.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="73"/>
        <source>还没有保存过版本：现行的是内置审核链（右侧所示）。</source>
        <translation>No version saved yet: the built-in chains (shown on the right) are in force.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="81"/>
        <source>适用单位</source>
        <translation>Applies to</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="81"/>
        <source>重要性</source>
        <translation>Importance</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="85"/>
        <source>添加一行</source>
        <translation>Add a row</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="87"/>
        <source>删除所选行</source>
        <translation>Remove the selected row</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="93"/>
        <source>如：依据某某文件调整</source>
        <translation>e.g. changed under circular No. …</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="94"/>
        <source>保存为新版本</source>
        <translation>Save as a new version</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="96"/>
        <source>新版本（从所选版本开始修改）</source>
        <translation>New version (starting from the selected one)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="124"/>
        <source>现行</source>
        <translation>In force</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="126"/>
        <source>待生效</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="127"/>
        <source>已被取代</source>
        <translation>Superseded</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="175"/>
        <source>默认（所有单位）</source>
        <translation>Default (all departments)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/chains.py" line="226"/>
        <source>已保存新版本</source>
        <translation>New version saved</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../ui/change_password.py" line="37"/>
        <location filename="../../ui/change_password.py" line="64"/>
        <source>更改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="40"/>
        <source>首次登录（或管理员重置密码后）须先设置您自己的密码，才能继续使用。</source>
        <translation>At your first sign-in (or after an administrator reset your password) you must choose your own password before going on.</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="42"/>
        <source>更改后，您在其他电脑上的登录将被注销。</source>
        <translation>Once changed, your sign-ins on other computers are ended.</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="59"/>
        <source>当前密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="60"/>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="61"/>
        <source>再次输入新密码</source>
        <translation>New password again</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="66"/>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="66"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="81"/>
        <source>请填写当前密码和新密码</source>
        <translation>Enter your current and your new password</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="83"/>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords differ</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="94"/>
        <source>正在更改…</source>
        <translation>Changing…</translation>
    </message>
    <message>
        <location filename="../../ui/change_password.py" line="119"/>
        <source>更改失败：%1</source>
        <translation>The change failed: %1</translation>
    </message>
</context>
<context>
    <name>CloseNotice</name>
    <message>
        <location filename="../../ui/close_notice.py" line="29"/>
        <source>%1 项操作尚未同步到中心：已保存在本机，下次打开 CaseDesk 联网后自动发送。</source>
        <translation>Changes not yet sent to the centre: %1. Saved here; sent automatically the next time CaseDesk is online.</translation>
    </message>
    <message>
        <location filename="../../ui/close_notice.py" line="35"/>
        <source>%1 项同步问题等待您处理：已保存在本机，请在“同步问题”中查看。</source>
        <translation>Sync problems waiting for you: %1. Saved here; see “Sync problems”.</translation>
    </message>
    <message>
        <location filename="../../ui/close_notice.py" line="41"/>
        <source>%1 张工单上有未保存的答复或表单内容：已保存在本机，再次打开这些工单时自动恢复。</source>
        <translation>Orders with an unsaved reply or form: %1. Saved here; restored when you open them again.</translation>
    </message>
    <message>
        <location filename="../../ui/close_notice.py" line="48"/>
        <source>以下内容保留在本机，不会丢失：</source>
        <translation>These stay on this PC; nothing is lost:</translation>
    </message>
</context>
<context>
    <name>CoDepartmentDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="517"/>
        <source>免除的理由（必填）</source>
        <translation>Why it is waived (required)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="517"/>
        <source>需要该单位协办的事项（会商意见）</source>
        <translation>What the department is asked to do (consultation)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="519"/>
        <source>协办单位</source>
        <translation>Co-handling</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="520"/>
        <source>理由</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="523"/>
        <source>没有可选的单位。</source>
        <translation>No department to choose.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="527"/>
        <source>请选择协办单位。</source>
        <translation>Choose a co-handling department.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="530"/>
        <source>请填写免除协办的理由。</source>
        <translation>Write why the co-handling is waived.</translation>
    </message>
</context>
<context>
    <name>CoHandlingPanel</name>
    <message>
        <location filename="../../ui/order/cohandling.py" line="35"/>
        <source>协办意见</source>
        <extracomment>A part&apos;s colour by status: waiting (amber), in hand (blue), done (green), released (grey).</extracomment>
        <translation>Co-handling opinions</translation>
    </message>
    <message>
        <location filename="../../ui/order/cohandling.py" line="96"/>
        <source>引用</source>
        <translation>Cite</translation>
    </message>
    <message>
        <location filename="../../ui/order/cohandling.py" line="97"/>
        <source>把该单位的协办意见插入答复</source>
        <translation>Insert this department&apos;s opinion into the reply</translation>
    </message>
    <message>
        <location filename="../../ui/order/cohandling.py" line="99"/>
        <source>%1协办意见：%2</source>
        <translation>%1&apos;s co-handling opinion: %2</translation>
    </message>
    <message>
        <location filename="../../ui/order/cohandling.py" line="75"/>
        <source>签收时限 %1</source>
        <translation>Sign by %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/cohandling.py" line="77"/>
        <source>反馈时限 %1</source>
        <translation>Answer by %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/cohandling.py" line="104"/>
        <source>免除理由：%1</source>
        <translation>Waived: %1</translation>
    </message>
</context>
<context>
    <name>CoOpinionDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="495"/>
        <source>本单位核查情况、处理结果和对主办单位答复的意见</source>
        <translation>Your findings, what was done, and your view for the lead department&apos;s reply</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="496"/>
        <source>协办意见</source>
        <translation>Co-handling opinions</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="503"/>
        <source>请填写协办意见。</source>
        <translation>Write the co-handling opinion.</translation>
    </message>
</context>
<context>
    <name>CommandDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="159"/>
        <source>提交</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="160"/>
        <source>提交（Ctrl+Enter）</source>
        <translation>Submit (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="161"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="243"/>
        <source>%1 — %2 %3</source>
        <translation>%1 — %2 %3</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="248"/>
        <source>工单 %1：%2</source>
        <translation>Order %1: %2</translation>
    </message>
</context>
<context>
    <name>CommentDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="283"/>
        <source>退回原因和修改要求（必填）</source>
        <translation>Why it is returned and what to change (required)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="283"/>
        <source>审核意见（可不填）</source>
        <translation>Review comment (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="285"/>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="295"/>
        <source>退回时必须填写意见，说明需要怎样修改。</source>
        <translation>A comment is required when returning: say what needs to change.</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../../ui/dashboard.py" line="55"/>
        <source>%1年%2月</source>
        <extracomment>Categories drawn one bar each; the rest share an &quot;其他&quot; bar (seven bars stay readable at 1366×768).</extracomment>
        <translation>%2/%1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="133"/>
        <source>导出台账</source>
        <extracomment>Whose orders count: the user&apos;s department, or everything on the desk for leaders.</extracomment>
        <translation>Export ledger</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="134"/>
        <source>把所选月份的工单导出为 Excel 工作台账</source>
        <translation>Export the selected month&apos;s orders as an Excel work ledger</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="139"/>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="148"/>
        <location filename="../../ui/dashboard.py" line="393"/>
        <source>派单量</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="148"/>
        <source>本月派至本单位的工单数</source>
        <translation>Orders dispatched to the department this month</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="157"/>
        <source>本月按时办结 ÷（本月办结 + 统计时点超期未办结）</source>
        <translation>Closed on time this month ÷ (closed this month + open and overdue at the time of the figures)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="159"/>
        <source>本月回访中满意及基本满意 ÷ 回访接通</source>
        <translation>This month&apos;s callbacks: satisfied or basically satisfied ÷ reached</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="165"/>
        <source>本月退单申请 ÷ 本月派单</source>
        <translation>Return requests this month ÷ orders dispatched this month</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="166"/>
        <source>本月被要求重办 ÷ 本月答复</source>
        <translation>Re-handlings ordered this month ÷ replies this month</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="170"/>
        <source>派单（或重办）至答复的平均工作日，不含市领导审核时间</source>
        <translation>Average working days from dispatch (or re-handling) to the reply, city leaders&apos; review time excluded</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="172"/>
        <source>市领导审核</source>
        <translation>City leaders&apos; review</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="172"/>
        <source>答复在市领导审核环节的平均工作日</source>
        <translation>Average working days a reply waited for city leaders&apos; review</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="180"/>
        <source>每日派单量</source>
        <translation>Dispatched per day</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="231"/>
        <source>正在读取服务器统计……</source>
        <extracomment>Whose figures and when they stand, or that they are the ones kept while offline.</extracomment>
        <translation>Reading the server&apos;s figures…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="313"/>
        <source>离线：本机还没有%1的统计，连上服务器后显示。</source>
        <translation>Offline: no figures for %1 on this computer yet; they appear once the server can be reached.</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="323"/>
        <source>离线：显示截至 %1（北京时间）的数据</source>
        <translation>Offline: showing the figures as of %1 (Beijing time)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="325"/>
        <source>服务器统计，截至 %1（北京时间）</source>
        <translation>Server figures as of %1 (Beijing time)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="335"/>
        <source>工作日，%1件答复</source>
        <translation>working days, %1 replies</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="353"/>
        <source>工单量</source>
        <translation>Orders</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="152"/>
        <source>本月派单中按时签收 ÷（已签收 + 超时未签收）</source>
        <translation>Of this month&apos;s dispatched orders: signed on time ÷ (signed + unsigned past the signing deadline)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="163"/>
        <source>本月答复中结果为“%1” ÷ 本月答复</source>
        <translation>This month&apos;s replies with result “%1” ÷ replies this month</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="169"/>
        <source>平均办理时长</source>
        <translation>Average handling time</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="178"/>
        <source>分类工单量</source>
        <translation>Orders by category</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="179"/>
        <source>来源渠道</source>
        <translation>Channels</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="245"/>
        <source>工作台账-%1.xlsx</source>
        <translation>work-ledger-%1.xlsx</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="247"/>
        <source>导出工作台账</source>
        <translation>Export work ledger</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="247"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="259"/>
        <source>正在导出台账……</source>
        <translation>Exporting the ledger…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="274"/>
        <source>回复单-%1.pdf</source>
        <translation>reply-sheet-%1.pdf</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="276"/>
        <source>打印回复单</source>
        <translation>Print reply sheet</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="276"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="279"/>
        <location filename="../../ui/dashboard.py" line="286"/>
        <source>正在生成回复单……</source>
        <translation>Generating the reply sheet…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="334"/>
        <source>%1天</source>
        <translation>%1 days</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="345"/>
        <source>未分类</source>
        <translation>Uncategorised</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="348"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="382"/>
        <source>%1  %2（%3）</source>
        <translation>%1  %2 (%3)</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="408"/>
        <source>日</source>
        <translation>Day</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="419"/>
        <source>已保存：%1</source>
        <translation>Saved: %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="424"/>
        <source>保存失败：%1</source>
        <translation>Could not save: %1</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="426"/>
        <source>本机没有这张工单</source>
        <translation>This order is not on this computer</translation>
    </message>
</context>
<context>
    <name>DepartmentsPage</name>
    <message>
        <location filename="../../ui/admin/org.py" line="53"/>
        <source>承办单位</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="54"/>
        <source>热线中心</source>
        <translation>Hotline centre</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="55"/>
        <source>市领导</source>
        <translation>City leadership</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="61"/>
        <location filename="../../ui/admin/org.py" line="81"/>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="61"/>
        <location filename="../../ui/admin/org.py" line="82"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="61"/>
        <location filename="../../ui/admin/org.py" line="83"/>
        <source>英文名称</source>
        <translation>English name</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="61"/>
        <location filename="../../ui/admin/org.py" line="84"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="61"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="70"/>
        <source>在用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="70"/>
        <location filename="../../ui/admin/org.py" line="119"/>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="75"/>
        <source>如 ZJJ（字母、数字，创建后不可改）</source>
        <translation>e.g. ZJJ (letters, digits; fixed once created)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="102"/>
        <source>已创建部门</source>
        <translation>Department created</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="105"/>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="115"/>
        <source>停用部门「%1」？停用后不能再向它派单、添加人员或把分类默认派给它；有未办结工单、在用人员、分管领导或分类指向它时服务器会拒绝。</source>
        <translation>Deactivate the department “%1”? No orders can then be dispatched to it, no users added to it and no category sent to it by default; the server refuses while open orders, active users, leaders in charge or categories point at it.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="119"/>
        <source>已启用</source>
        <translation>Reactivated</translation>
    </message>
</context>
<context>
    <name>DeviceTable</name>
    <message>
        <location filename="../../ui/devices.py" line="54"/>
        <source>设备名称</source>
        <translation>Device</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="55"/>
        <source>最近活动（%1）</source>
        <translation>Last seen (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="56"/>
        <source>IP 地址</source>
        <translation>IP address</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="57"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="96"/>
        <source>已停用，数据已清除</source>
        <translation>Revoked, data erased</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="98"/>
        <source>已吊销</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="100"/>
        <source>本机</source>
        <translation>This device</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="102"/>
        <source>已登录</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="103"/>
        <source>未登录</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="159"/>
        <source>未保存的草稿</source>
        <translation>unsaved draft</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <location filename="../../ui/devices.py" line="119"/>
        <source>登录设备</source>
        <translation>Signed-in devices</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="121"/>
        <source>您的账号当前在以下设备上登录。结束不认识的设备；丢失的电脑请联系系统管理员停用并清除其数据。</source>
        <translation>Your account is signed in on these devices. End any you do not recognise; for a lost computer, ask the administrator to revoke it and erase its data.</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="125"/>
        <source>结束</source>
        <translation>End</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="125"/>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/devices.py" line="128"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/errors.py" line="40"/>
        <source>本地没有这张工单（可能已转出），请同步后再试。</source>
        <translation>This order is not on this computer (it may have been transferred). Sync, then try again.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="42"/>
        <source>填写的内容不符合要求：%1</source>
        <translation>Some of the input is not valid: %1</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="48"/>
        <source>读写本机文件失败：%1</source>
        <translation>Could not read or write a file on this computer: %1</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="87"/>
        <source>发生内部错误，已记录日志。请联系管理员。</source>
        <translation>An internal error occurred and was logged. Please contact your administrator.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="88"/>
        <source>操作未完成</source>
        <translation>Action not completed</translation>
    </message>
</context>
<context>
    <name>ExtensionDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="363"/>
        <source> 个工作日</source>
        <translation> working days</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="364"/>
        <source>需要延期的原因，如：需协调多个部门、等待施工条件</source>
        <translation>Why more time is needed, e.g. several departments must coordinate, or the work must wait for conditions</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="365"/>
        <source>延期天数</source>
        <translation>Extension</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="366"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="372"/>
        <source>请填写延期原因。</source>
        <translation>Please give the reason for the extension.</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../ui/order/image_viewer.py" line="38"/>
        <source>适应窗口</source>
        <translation>Fit to window</translation>
    </message>
    <message>
        <location filename="../../ui/order/image_viewer.py" line="39"/>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location filename="../../ui/order/image_viewer.py" line="40"/>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location filename="../../ui/order/image_viewer.py" line="41"/>
        <source>原始大小</source>
        <translation>Actual size</translation>
    </message>
    <message>
        <location filename="../../ui/order/image_viewer.py" line="44"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/order/image_viewer.py" line="81"/>
        <source>无法显示这张图片</source>
        <translation>Cannot display this image</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <location filename="../../ui/intake.py" line="108"/>
        <source>来电号码，查询历史工单</source>
        <extracomment>As ``casework.schemas.OrderIntake`` takes them. After the last keystroke: look up similar orders, and keep the draft.</extracomment>
        <translation>Caller’s number (finds earlier orders)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="109"/>
        <source>保密</source>
        <translation>Confidential</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="110"/>
        <source>同意承办单位联系</source>
        <translation>May be contacted</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="116"/>
        <source>输入分类名称或编码</source>
        <translation>Type a category name or code</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="128"/>
        <source>详细地址</source>
        <translation>Street address</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="140"/>
        <source>纬度，如 32.78</source>
        <translation>Latitude, e.g. 32.78</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="142"/>
        <source>经度，如 119.44</source>
        <translation>Longitude, e.g. 119.44</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="146"/>
        <source>标签，用逗号或回车分隔</source>
        <translation>Tags, separated by commas or Enter</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="156"/>
        <source>市民诉求内容</source>
        <translation>The citizen’s request</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="165"/>
        <location filename="../../ui/intake.py" line="545"/>
        <source>区县</source>
        <translation>District</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="166"/>
        <location filename="../../ui/intake.py" line="546"/>
        <source>街道</source>
        <translation>Street</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="182"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="183"/>
        <location filename="../../ui/intake.py" line="539"/>
        <source>来电人</source>
        <translation>Caller</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="184"/>
        <location filename="../../ui/intake.py" line="540"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="185"/>
        <source>诉求类型</source>
        <translation>Request kind</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="186"/>
        <location filename="../../ui/intake.py" line="541"/>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="187"/>
        <source>区县/街道</source>
        <translation>District / street</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="188"/>
        <location filename="../../ui/intake.py" line="544"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="189"/>
        <source>坐标（可选）</source>
        <translation>Coordinates (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="190"/>
        <source>紧急/重要/复杂</source>
        <translation>Urgency/importance/complexity</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="191"/>
        <location filename="../../ui/intake.py" line="549"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="192"/>
        <location filename="../../ui/intake.py" line="542"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="193"/>
        <location filename="../../ui/intake.py" line="543"/>
        <source>诉求内容</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="195"/>
        <source>直接办结（当场答复咨询）</source>
        <translation>Close at once (answer the consultation now)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="198"/>
        <source>答复市民的内容</source>
        <translation>The answer to the citizen</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="201"/>
        <source>政策依据：文件名称、文号、条款</source>
        <translation>Policy basis: document, number, article</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="208"/>
        <source>保存并办结（Ctrl+Shift+Enter）</source>
        <extracomment>The knowledge-base hook: a picker (built elsewhere) is added to this layout and fills the answer and basis through :meth:`fill_answer`. Nothing is in it yet.</extracomment>
        <translation>Save and close (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="214"/>
        <source>答复</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="215"/>
        <source>政策依据</source>
        <translation>Policy basis</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="231"/>
        <source>保存受理（Ctrl+Enter）</source>
        <translation>Save intake (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="233"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="254"/>
        <source>合并到此单</source>
        <translation>Merge into this order</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="255"/>
        <source>保存这次来电并合并到所选的未办结工单，不另立新单</source>
        <translation>Save this call and merge it into the selected open order instead of a new one</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="261"/>
        <source>相似的未办结工单</source>
        <translation>Similar open orders</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="262"/>
        <source>来电人的历史工单</source>
        <translation>The caller’s earlier orders</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="413"/>
        <source>已恢复上次未保存的受理内容（%1）</source>
        <extracomment>The form&apos;s one-line fields, in Tab order (typed into, cleared together).</extracomment>
        <translation>Restored the unsaved intake (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="473"/>
        <source>相似的未办结工单（%1）</source>
        <translation>Similar open orders (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="480"/>
        <source>来电人的历史工单（%1）</source>
        <translation>The caller’s earlier orders (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="485"/>
        <source>同一来电人</source>
        <translation>Same caller</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="486"/>
        <source>同一地址</source>
        <translation>Same address</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="487"/>
        <source>同一分类</source>
        <translation>Same category</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="488"/>
        <source>内容相似</source>
        <translation>Similar text</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="547"/>
        <source>纬度</source>
        <translation>Latitude</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="548"/>
        <source>经度</source>
        <translation>Longitude</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="583"/>
        <source>直接办结：只用于咨询类诉求，其他诉求请派单</source>
        <translation>Close at once is for consultations; dispatch other requests</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="586"/>
        <source>直接办结：请填写答复内容</source>
        <translation>Close at once: write the answer</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="588"/>
        <source>直接办结：请填写政策依据</source>
        <translation>Close at once: give the policy basis</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="613"/>
        <source>分类：请从列表中选择一个分类</source>
        <translation>Category: choose one from the list</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="654"/>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="671"/>
        <source>坐标：请同时填写纬度和经度，或都不填</source>
        <translation>Coordinates: give both latitude and longitude, or neither</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="673"/>
        <source>纬度：请填写 -90 到 90 之间的数字</source>
        <translation>Latitude: a number from -90 to 90</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="675"/>
        <source>经度：请填写 -180 到 180 之间的数字</source>
        <translation>Longitude: a number from -180 to 180</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="681"/>
        <source>标签：最多 %1 个</source>
        <translation>Tags: at most %1</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="683"/>
        <source>标签：每个标签最多 %1 个字</source>
        <translation>Tags: at most %1 characters each</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="706"/>
        <source>已受理并直接办结（待上传）</source>
        <translation>Taken in and closed at once (pending upload)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="708"/>
        <source>已受理（待上传），将合并到所选工单</source>
        <translation>Taken in (pending upload); it will be merged into the selected order</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="710"/>
        <source>已受理（待上传），可在「待派单」中派单</source>
        <translation>Taken in (pending upload); dispatch it from &quot;To dispatch&quot;</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="712"/>
        <source>。离线：已保存在本机，联网后自动上传</source>
        <translation>. Offline: kept on this PC, uploaded once online</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="727"/>
        <source>中心未接受刚才受理的工单，请在「同步问题」中查看原因（内容已保留）</source>
        <translation>The server refused the order just taken in; see &quot;Sync problems&quot; for why (nothing typed is lost)</translation>
    </message>
    <message>
        <location filename="../../ui/intake.py" line="731"/>
        <source>已受理并上传：%1</source>
        <translation>Taken in and uploaded: %1</translation>
    </message>
</context>
<context>
    <name>KnowledgeButton</name>
    <message>
        <location filename="../../ui/knowledge.py" line="451"/>
        <source>引用知识库…</source>
        <translation>Cite knowledge base…</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="453"/>
        <source>从知识库插入答复口径和政策依据</source>
        <translation>Insert a standard answer and its policy basis from the knowledge base</translation>
    </message>
</context>
<context>
    <name>KnowledgePanel</name>
    <message>
        <location filename="../../ui/knowledge.py" line="182"/>
        <source>输入市民的原话或关键词，查找知识库（Ctrl+K）</source>
        <extracomment>After the last keystroke in the search box.</extracomment>
        <translation>Type the citizen&apos;s words or keywords to search the knowledge base (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="207"/>
        <source>复制答复</source>
        <translation>Copy answer</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="209"/>
        <source>插入答复和依据</source>
        <translation>Insert answer and basis</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="217"/>
        <source>文件名称</source>
        <translation>Document</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="218"/>
        <source>文号</source>
        <translation>Number</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="219"/>
        <source>条款</source>
        <translation>Article</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="220"/>
        <source>发文机关</source>
        <translation>Issued by</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="221"/>
        <source>有效期</source>
        <translation>In force</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="230"/>
        <source>标准答复</source>
        <translation>Standard answer</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="232"/>
        <source>政策依据</source>
        <translation>Policy basis</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="305"/>
        <source>没有找到匹配的条目。试试换个说法，或只输入关键词。</source>
        <translation>No matching entry. Try other words, or keywords only.</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="318"/>
        <source>知识库尚未同步到本机：联网同步后即可离线查找。</source>
        <translation>The knowledge base has not reached this PC yet: after a sync online it can be searched offline.</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="319"/>
        <source>输入市民的原话或关键词，查找答复口径和政策依据。</source>
        <translation>Type the citizen&apos;s words or keywords to find the standard answer and its policy basis.</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="349"/>
        <source>已失效：政策依据已过有效期或已废止，引用前请核实。</source>
        <translation>Expired: the policy basis is no longer in force or was repealed; check before citing it.</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="352"/>
        <source>草稿：尚未经中心发布，仅供本单位参考。</source>
        <translation>Draft: not yet published by the centre; for your department&apos;s reference only.</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="365"/>
        <source>%1 起</source>
        <translation>from %1</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="367"/>
        <source>，至 %1</source>
        <translation> to %1</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="371"/>
        <source>热线中心</source>
        <translation>Hotline centre</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="374"/>
        <source>%1 · 第%2版 · %3</source>
        <translation>%1 · version %2 · %3</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="397"/>
        <source>条目已失效</source>
        <translation>Entry expired</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="398"/>
        <source>「%1」已失效：其政策依据已过有效期或已废止。仍要插入吗？</source>
        <translation>“%1” has expired: its policy basis is no longer in force or was repealed. Insert it anyway?</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="405"/>
        <source>仍然插入</source>
        <translation>Insert anyway</translation>
    </message>
    <message>
        <location filename="../../ui/knowledge.py" line="406"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>KnowledgePicker</name>
    <message>
        <location filename="../../ui/knowledge.py" line="423"/>
        <source>知识库 — 插入答复和依据</source>
        <translation>Knowledge base — insert an answer and its basis</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="68"/>
        <source>其他通知</source>
        <translation>Other notice</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="156"/>
        <source>电话</source>
        <extracomment>Colours of the satisfaction badge: green to red, grey when the citizen was not reached.</extracomment>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="157"/>
        <source>短信</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="158"/>
        <source>上门</source>
        <translation>Visit</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="164"/>
        <source>待同步</source>
        <translation>Pending sync</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="165"/>
        <source>暂缓</source>
        <translation>On hold</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="166"/>
        <source>上传中</source>
        <translation>Uploading</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="167"/>
        <source>已发送</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="168"/>
        <source>已生效</source>
        <translation>Applied</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="169"/>
        <source>冲突</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="170"/>
        <source>被拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="203"/>
        <source>%1天%2小时</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="205"/>
        <source>%1小时%2分</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="207"/>
        <source>%1分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="209"/>
        <source>超期%1</source>
        <translation>%1 late</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="225"/>
        <source>北京时间（UTC+8）</source>
        <translation>Beijing time (UTC+8)</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="237"/>
        <source>共 1 件</source>
        <translation>1 order</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="238"/>
        <source>共 %1 件</source>
        <translation>%1 orders</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock.py" line="65"/>
        <source>CaseDesk 已锁定</source>
        <extracomment>工具 → 首选项: minutes without input before the window locks.</extracomment>
        <translation>CaseDesk is locked</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="70"/>
        <source>%1（%2）</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="72"/>
        <source>长时间未操作，窗口已锁定以保护市民信息。请输入登录密码解锁。</source>
        <translation>The window was locked after a while without input, to protect citizens&apos; data. Enter your password to unlock it.</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="77"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="79"/>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="87"/>
        <source>后台同步仍在进行；未保存的输入已保留，解锁后原样恢复。</source>
        <translation>Sync goes on in the background; what you typed is kept and comes back when you unlock.</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="116"/>
        <source>密码不正确，请重试。</source>
        <translation>Wrong password; try again.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="144"/>
        <source>任意时限</source>
        <extracomment>The work lists in the sidebar, in order (named by ui.labels.work_list_label, from casework.vocabulary). The hotline centre&apos;s lists (a centre agent or supervisor), in order. The sidebar&apos;s width in a window of 1366×768 at the most (px); a wider window gives it more. At the latest this long (ms) after the window is made, the sidebar is counted even without rows. Where each role starts: the first of these lists that is not empty. Category and intake time: useful, but the list is narrow at 1366×768 (the header&apos;s menu shows them). The columns&apos; first widths (the title, column 2, takes what is left) and the title&apos;s least width.</extracomment>
        <translation>Any deadline</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="145"/>
        <source>4小时内到期</source>
        <translation>Due in 4 h</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="146"/>
        <source>24小时内到期</source>
        <translation>Due in 24 h</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="147"/>
        <source>3天内到期</source>
        <translation>Due in 3 days</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>CaseDesk 12345工单办理 — %1（%2）</source>
        <extracomment>The demo city&apos;s users (server/demo) the role switch offers, by their role.</extracomment>
        <translation>CaseDesk 12345 Work Orders — %1 (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="197"/>
        <source>工作台</source>
        <translation>Workbench</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="198"/>
        <location filename="../../ui/main_window.py" line="881"/>
        <source>同步问题</source>
        <translation>Sync problems</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="199"/>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="201"/>
        <location filename="../../ui/main_window.py" line="318"/>
        <location filename="../../ui/main_window.py" line="870"/>
        <location filename="../../ui/main_window.py" line="872"/>
        <source>通知</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="212"/>
        <source>月度审核</source>
        <translation>Monthly audit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="215"/>
        <source>分管单位</source>
        <translation>My departments</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="228"/>
        <source>转办 / 回访</source>
        <translation>Dispatch / callback</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="243"/>
        <source>值班看板</source>
        <translation>Duty board</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="245"/>
        <location filename="../../ui/main_window.py" line="504"/>
        <source>知识库</source>
        <translation>Knowledge base</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="252"/>
        <source>管理</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="287"/>
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="291"/>
        <source>搜索全部列表：编号、标题、内容、地址、市民</source>
        <translation>Search all lists: number, title, text, address, citizen</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="292"/>
        <source>在全部工单中搜索（Ctrl+F）；按 ↓ 或回车进入结果</source>
        <translation>Search every order (Ctrl+F); press ↓ or Enter to go to the results</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="319"/>
        <source>预警、督办、催办和督办反馈</source>
        <translation>Deadline warnings, supervision, reminders and supervision feedback</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="360"/>
        <source>%1（住建局）</source>
        <translation>%1 (Housing Bureau)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="568"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="580"/>
        <source>不在本机</source>
        <translation>not on this PC</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="583"/>
        <source>这张工单已不在「%1」列表中，现在的状态：%2。</source>
        <translation>This order is no longer in “%1”; it is now: %2.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="586"/>
        <source>这张工单不在当前显示的「%1」列表中，它的状态：%2。</source>
        <translation>This order is not in the list shown (“%1”); it is: %2.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="393"/>
        <source>%1  (%2 · 新%3)</source>
        <translation>%1  (%2 · %3 new)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="864"/>
        <source>通知 %1</source>
        <translation>Notifications %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="868"/>
        <source>通知 (%1)</source>
        <translation>Notifications (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="931"/>
        <source>本软件显示的时间均为北京时间（UTC+8），与本机时区无关</source>
        <extracomment>Say what stays on this PC when the window closes (the application turns it on; a window it replaces, on switching language or user, closes quietly). ``close_notice`` is the message shown.</extracomment>
        <translation>Every time shown here is Beijing time (UTC+8), whatever this computer&apos;s time zone</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="945"/>
        <source>北京时间 %1</source>
        <translation>Beijing time %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="979"/>
        <source>在全部工单中搜索「%1」：%2</source>
        <translation>Search of all orders for “%1”: %2</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="997"/>
        <source>没有与「%1」匹配的工单</source>
        <translation>No orders match “%1”</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="999"/>
        <source>%1 中没有符合筛选条件的工单</source>
        <translation>No orders in %1 match the filters</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1001"/>
        <source>尚未同步：正在下载…</source>
        <translation>Not synced yet: downloading…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1003"/>
        <source>尚未同步：离线，联网后自动下载</source>
        <translation>Not synced yet: offline; the orders download once the server can be reached</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1005"/>
        <source>%1 没有工单</source>
        <translation>No orders in %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="311"/>
        <location filename="../../ui/main_window.py" line="501"/>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312"/>
        <source>立即与中心同步（F5）</source>
        <translation>Sync with the centre now (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="328"/>
        <source>演示身份：</source>
        <translation>Demo user:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="365"/>
        <source>全部分类</source>
        <translation>All categories</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="369"/>
        <source>全部紧急程度</source>
        <translation>All urgencies</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="372"/>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="377"/>
        <source>全部单位</source>
        <translation>All departments</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="385"/>
        <source>全部经办人</source>
        <translation>All handlers</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="480"/>
        <source>取消上传</source>
        <translation>Cancel upload</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="498"/>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="797"/>
        <source>有 %1 件紧急工单待签收</source>
        <translation>Urgent orders to sign: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="799"/>
        <source>紧急工单</source>
        <translation>Urgent orders</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="805"/>
        <source>● 登录已过期，请重新登录</source>
        <translation>● Session expired, please sign in again</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="808"/>
        <source>● 在线</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="808"/>
        <source>（同步中…）</source>
        <translation> (syncing…)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="811"/>
        <source>● 离线（工作已保存在本机，联网后自动同步）</source>
        <translation>● Offline (work is saved on this computer and syncs when back online)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="815"/>
        <source>待同步 %1 项</source>
        <translation>Pending sync: %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="817"/>
        <source>上次同步 %1</source>
        <translation>Last sync %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="819"/>
        <source>尚未同步</source>
        <translation>Not synced yet</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="835"/>
        <source>上传照片 %1 / %2 MB</source>
        <translation>Uploading photos %1 / %2 MB</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="837"/>
        <source>，约剩 %1 秒</source>
        <translation>, about %1 s left</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="881"/>
        <source>同步问题 (%1)</source>
        <translation>Sync problems (%1)</translation>
    </message>
</context>
<context>
    <name>MoreFilters</name>
    <message>
        <location filename="../../ui/list_filters.py" line="41"/>
        <source>全部渠道</source>
        <translation>All channels</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="45"/>
        <source>标签，如：噪音</source>
        <translation>A tag, e.g. 噪音 (noise)</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="47"/>
        <source>受理日期</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="48"/>
        <source>北京时间，含起止两日</source>
        <translation>Beijing time, both days included</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="56"/>
        <source>清除筛选</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="59"/>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="61"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="133"/>
        <source>更多筛选 (%1)</source>
        <translation>More filters (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/list_filters.py" line="133"/>
        <source>更多筛选</source>
        <translation>More filters</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="303"/>
        <source>仅本单位和中心可见，不会告知市民</source>
        <translation>Seen only by this department and the centre, never by the citizen</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="304"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="310"/>
        <source>请填写备注内容。</source>
        <translation>Please write the note.</translation>
    </message>
</context>
<context>
    <name>NotificationPanel</name>
    <message>
        <location filename="../../ui/notifications.py" line="101"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="101"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="101"/>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="115"/>
        <source>标为已读</source>
        <translation>Mark read</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="118"/>
        <source>全部已读</source>
        <translation>Mark all read</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="128"/>
        <source>双击一条通知打开其工单</source>
        <translation>Double-click a notification to open its order</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="169"/>
        <source>%1 条未读</source>
        <translation>%1 unread</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="169"/>
        <source>没有未读通知</source>
        <translation>No unread notifications</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <location filename="../../ui/notifications.py" line="37"/>
        <source>%1小时</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="38"/>
        <source>%1分钟</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="44"/>
        <source>工单 %1「%2」</source>
        <translation>order %1 “%2”</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="54"/>
        <source>%1的%2将于 %3 到期（提前%4提醒）</source>
        <translation>%1: %2 falls at %3 (a warning %4 ahead)</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="63"/>
        <source>%1已超过%2（%3）</source>
        <translation>%1 is past its %2 (%3)</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="69"/>
        <source>，请单位负责人督促办理</source>
        <translation>; the department head is asked to see to it</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="71"/>
        <source>，已报市分管领导</source>
        <translation>; reported to the city leader in charge</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="76"/>
        <source>%1 对%2的督办反馈：%3</source>
        <translation>%1 answered the supervision of %2: %3</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="78"/>
        <source>%1 催办%2：%3</source>
        <translation>%1 sent a reminder about %2: %3</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="80"/>
        <source>%1 督办%2：%3</source>
        <translation>%1 put %2 under supervision: %3</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="83"/>
        <source>（%1）</source>
        <translation> (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="218"/>
        <source>%1 条新通知</source>
        <translation>%1 new notifications</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="84"/>
        <location filename="../../ui/notifications.py" line="226"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>OnsiteCheckDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="409"/>
        <source>纬度，如 32.7847</source>
        <translation>Latitude, e.g. 32.7847</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="412"/>
        <source>经度，如 119.4432</source>
        <translation>Longitude, e.g. 119.4432</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="420"/>
        <source>核查发现的情况、已采取的措施</source>
        <translation>What was found, and what was done</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="423"/>
        <source>核查时间</source>
        <translation>Checked at</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="424"/>
        <source>位置（GPS）</source>
        <translation>Location (GPS)</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="425"/>
        <source>核查情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="426"/>
        <source>照片</source>
        <translation>Photos</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="454"/>
        <source>取自照片 %1</source>
        <translation>From photo %1</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="458"/>
        <source>照片处理中，请稍候…</source>
        <translation>Processing photos, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="462"/>
        <source>照片还在处理中，请稍候再提交。</source>
        <translation>Photos are still being processed; please submit in a moment.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="466"/>
        <source>请填写核查情况或添加照片。</source>
        <translation>Please enter the findings or add photos.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="468"/>
        <source>一次核查最多 %1 张照片。</source>
        <translation>At most %1 photos per check.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="471"/>
        <source>请同时填写纬度和经度，或都不填。</source>
        <translation>Enter both latitude and longitude, or neither.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="475"/>
        <source>经纬度格式不正确。</source>
        <translation>Latitude or longitude is not a valid number.</translation>
    </message>
</context>
<context>
    <name>OrderListModel</name>
    <message>
        <location filename="../../ui/order_list.py" line="43"/>
        <source>紧急程度</source>
        <extracomment>(sort key in desktop.reads.SORTS or None, header) per column.</extracomment>
        <translation>Urgency</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="44"/>
        <source>工单编号</source>
        <translation>Order no.</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="45"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="46"/>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="47"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="49"/>
        <source>受理时间</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="50"/>
        <source>剩余时限</source>
        <translation>Time left</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="51"/>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="52"/>
        <source>承办单位</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="53"/>
        <source>所在列表</source>
        <translation>In lists</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="321"/>
        <source>%1：%2</source>
        <extracomment>The roles data() answers, as plain ints (see OrderListModel.data). How long a page&apos;s follow-up queries wait for the view to paint its rows, at most (ms). The order in view: each query also tells whether it is in the list, and its state now. Work list → its name, in the order to name them; a search hit says which of these hold it.</extracomment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="323"/>
        <source>搜索结果所在的工作列表</source>
        <translation>The work lists a search hit is in</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="375"/>
        <source>所在列表：%1</source>
        <translation>In lists: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="377"/>
        <source>新：到达本机后还没有打开过</source>
        <translation>New: arrived on this desk and not opened yet</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="379"/>
        <source>退回：审核退回、批示重办或退回申请未获同意，需要重新办理</source>
        <translation>Returned: sent back by a reviewer, ordered re-handled, or a hand-back refused — to be done again</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="381"/>
        <source>草稿：本机保存着尚未提交的答复或表单内容，打开工单即可继续</source>
        <translation>Draft: a reply or form typed on this PC and not yet submitted is kept here; open the order to go on</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="386"/>
        <source>办理时限 %1</source>
        <translation>Due %1</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="393"/>
        <source>【新】</source>
        <translation>[New] </translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="394"/>
        <source>【退回】</source>
        <translation>[Returned] </translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="395"/>
        <source>【草稿】</source>
        <translation>[Draft] </translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="404"/>
        <source>待上传</source>
        <translation>not uploaded yet</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="406"/>
        <source>【待上传】</source>
        <translation>[Pending upload] </translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="420"/>
        <source>待同步 %1</source>
        <translation>%1 unsynced</translation>
    </message>
    <message>
        <location filename="../../ui/order_list.py" line="426"/>
        <source>、</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>OrderView</name>
    <message>
        <location filename="../../ui/order/view.py" line="109"/>
        <location filename="../../ui/order/view.py" line="155"/>
        <source>请在列表中选择一张工单</source>
        <translation>Select an order in the list</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="213"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="243"/>
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="245"/>
        <location filename="../../ui/order/view.py" line="268"/>
        <location filename="../../ui/order/view.py" line="279"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="245"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="245"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="245"/>
        <location filename="../../ui/order/view.py" line="629"/>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="251"/>
        <source>处理记录</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="257"/>
        <source>附件</source>
        <translation>Files</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="260"/>
        <location filename="../../ui/order/view.py" line="455"/>
        <source>答复</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="268"/>
        <source>轮次</source>
        <translation>Round</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="268"/>
        <source>审核环节</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="268"/>
        <source>审核人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="268"/>
        <source>结论</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="268"/>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="276"/>
        <source>审核记录</source>
        <translation>Reviews</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="296"/>
        <source>打印回复单…</source>
        <translation>Print reply sheet…</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="297"/>
        <source>预览并打印本工单的回复单（Ctrl+P）</source>
        <translation>Preview and print this order&apos;s reply sheet (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="306"/>
        <location filename="../../ui/order/view.py" line="329"/>
        <source>诉求</source>
        <translation>Request</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="307"/>
        <location filename="../../ui/order/view.py" line="330"/>
        <source>市民</source>
        <translation>Citizen</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="308"/>
        <source>时限</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="309"/>
        <source>办理</source>
        <translation>Handling</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="310"/>
        <source>回访与办结</source>
        <translation>Callback and closing</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="417"/>
        <source>本地没有这张工单（可能已转出或尚未同步）</source>
        <translation>This order is not on this computer (it may have been transferred, or not synced yet)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="455"/>
        <source>答复 (第%1轮)</source>
        <translation>Reply (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="482"/>
        <source>催办%1次</source>
        <translation>Reminded %1×</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="488"/>
        <source>回访：%1</source>
        <translation>Callback: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="492"/>
        <source>最近一次回访：%1</source>
        <translation>Last callback: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="497"/>
        <source>%1 项修改尚未同步到中心</source>
        <translation>Changes not yet synced to the centre: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="501"/>
        <source>同步问题</source>
        <translation>Sync problems</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="502"/>
        <source>有修改被中心拒绝或冲突，请到“同步问题”处理</source>
        <translation>Changes were rejected by the centre or conflict; resolve them under “Sync problems”</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="516"/>
        <source>撤销尚未发送的“%1”（%2），工单恢复到操作之前</source>
        <translation>Undo “%1” (%2), not sent yet: the order goes back to how it was</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="522"/>
        <source>撤销“%1”（%2）及其后 %3 项操作</source>
        <translation>Undo “%1” (%2) and the %3 later action(s)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="522"/>
        <source>撤销“%1”（%2）</source>
        <translation>Undo “%1” (%2)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="542"/>
        <source>无法撤销</source>
        <translation>Cannot undo</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="571"/>
        <source>签收剩余</source>
        <translation>Sign within</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="571"/>
        <source>答复剩余</source>
        <translation>Reply in</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="574"/>
        <source>时限：%1</source>
        <translation>Deadline: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="596"/>
        <source>来源</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="597"/>
        <source>受理时间</source>
        <translation>Received at</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="279"/>
        <location filename="../../ui/order/view.py" line="598"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="279"/>
        <source>人员</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="279"/>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="468"/>
        <source>待上传（本机受理，尚未上传到中心）</source>
        <translation>Pending upload (taken in on this PC, not yet on the server)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="569"/>
        <source>协办反馈剩余</source>
        <translation>Co-handling: answer in</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="569"/>
        <source>协办签收剩余</source>
        <translation>Co-handling: sign within</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="599"/>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="600"/>
        <source>难易</source>
        <translation>Complexity</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="601"/>
        <source>诉求内容</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="602"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="603"/>
        <source>坐标</source>
        <translation>Coordinates</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="604"/>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="616"/>
        <source>（已隐藏）</source>
        <translation>(hidden)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="617"/>
        <source>匿名</source>
        <translation>Anonymous</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="619"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="620"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="621"/>
        <source>回访号码</source>
        <translation>Callback number</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="625"/>
        <source>市民要求保密</source>
        <translation>Citizen requested confidentiality</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="626"/>
        <source>允许承办单位联系</source>
        <translation>Department may contact the citizen</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="626"/>
        <source>不得联系市民</source>
        <translation>Do not contact the citizen</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="628"/>
        <source>部分信息已隐藏</source>
        <translation>Some details are hidden</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="629"/>
        <location filename="../../ui/order/view.py" line="744"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="639"/>
        <source>（按时）</source>
        <translation>(on time)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="639"/>
        <source>（超时）</source>
        <translation>(late)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="649"/>
        <source>注意</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="649"/>
        <source>跨入节假日未公布的年份，时限为临时计算，公布后将重新计算</source>
        <translation>The deadline runs into a year whose public holidays are not yet published: it is provisional and will be recalculated once they are</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="659"/>
        <source>主办单位</source>
        <translation>Lead department</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="660"/>
        <source>协办单位</source>
        <translation>Co-handling</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="661"/>
        <source>未分派</source>
        <translation>Not assigned</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="668"/>
        <source>延期申请</source>
        <translation>Extension</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="669"/>
        <source>%1：%2个工作日，%3</source>
        <translation>%1: %2 working days, %3</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="677"/>
        <source>退单申请</source>
        <translation>Return request</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="605"/>
        <location filename="../../ui/order/view.py" line="678"/>
        <source>领导批示</source>
        <translation>Leader&apos;s instruction</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="680"/>
        <source>重办次数</source>
        <translation>Times re-handled</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="704"/>
        <source>热线中心</source>
        <translation>Hotline centre</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="708"/>
        <source>市民满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="721"/>
        <location filename="../../ui/order/view.py" line="760"/>
        <source>市民：“%1”</source>
        <translation>Citizen: “%1”</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="724"/>
        <source>第%1次回访</source>
        <translation>Callback %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="733"/>
        <source>已答复，等待中心回访</source>
        <translation>Replied; waiting for the centre&apos;s callback</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="739"/>
        <source>查看联系方式</source>
        <translation>Viewed contact details</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="751"/>
        <source>经办人：%1</source>
        <translation>Handler: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="755"/>
        <source>%1回访，%2</source>
        <translation>%1 callback: %2</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="764"/>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="773"/>
        <source>待同步（尚未送达中心）</source>
        <translation>Pending sync (not yet at the centre)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="780"/>
        <source>处理记录 (%1)</source>
        <translation>Timeline (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="789"/>
        <source>尚无现场核查记录</source>
        <translation>No on-site checks yet</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="796"/>
        <source>位置：%1, %2</source>
        <translation>Location: %1, %2</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="811"/>
        <source>现场核查 (%1)</source>
        <translation>On-site (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="829"/>
        <source>待上传</source>
        <translation>not uploaded yet</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="832"/>
        <source>暂无附件</source>
        <translation>No files</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="833"/>
        <source>附件 (%1)</source>
        <translation>Files (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="849"/>
        <location filename="../../ui/order/view.py" line="954"/>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="851"/>
        <source>加载中</source>
        <translation>Loading</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="860"/>
        <source>暂无内部备注（备注仅单位内部和中心可见）</source>
        <translation>No internal notes yet (notes are seen only within the department and by the centre)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="862"/>
        <source>内部备注 (%1)</source>
        <translation>Notes (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="881"/>
        <source>督办 (%1)</source>
        <translation>Supervision (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="887"/>
        <source>（当前）</source>
        <translation> (current)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="896"/>
        <source>审核流程：</source>
        <translation>Review chain: </translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="914"/>
        <source>审核记录 (%1)</source>
        <translation>Reviews (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="986"/>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location filename="../../ui/order/view.py" line="992"/>
        <source>无法打开文件</source>
        <translation>Cannot open the file</translation>
    </message>
</context>
<context>
    <name>PhotoPicker</name>
    <message>
        <location filename="../../ui/photo_picker.py" line="163"/>
        <source>添加照片…</source>
        <translation>Add photos…</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="165"/>
        <source>导入文件夹…</source>
        <translation>Import folder…</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="166"/>
        <source>导入一个文件夹（如相机存储卡）中的全部照片</source>
        <translation>Import every photo in a folder (a camera card, say)</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="168"/>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="169"/>
        <source>粘贴剪贴板中的图片（Ctrl+V）</source>
        <translation>Paste the image on the clipboard (Ctrl+V)</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="184"/>
        <source>把照片或文件夹拖到这里，或按 Ctrl+V 粘贴截图</source>
        <translation>Drag photos or folders here, or press Ctrl+V to paste a screenshot</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="236"/>
        <source>添加照片</source>
        <translation>Add photos</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="238"/>
        <source>图片和 PDF</source>
        <translation>Images and PDF</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="238"/>
        <source>所有文件</source>
        <translation>All files</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="244"/>
        <source>导入文件夹</source>
        <translation>Import folder</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="377"/>
        <source>有 %1 个文件未能添加。</source>
        <translation>Files not added: %1.</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="378"/>
        <source>部分文件未添加</source>
        <translation>Some files were not added</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="386"/>
        <source>正在处理照片 %1/%2</source>
        <translation>Processing photos %1/%2</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="416"/>
        <source>%1 张</source>
        <translation>Photos: %1</translation>
    </message>
</context>
<context>
    <name>Portfolio</name>
    <message>
        <location filename="../../ui/portfolio.py" line="64"/>
        <source>%1年%2月</source>
        <translation>%2/%1</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="70"/>
        <source>全市排名</source>
        <translation>City rank</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="71"/>
        <source>承办单位</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="72"/>
        <source>派单量</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="83"/>
        <source>超期未结</source>
        <translation>Overdue open</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="92"/>
        <source>查看该单位工单</source>
        <translation>Show its orders</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="94"/>
        <source>导出月度通报（PDF）</source>
        <translation>Monthly bulletin (PDF)</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="96"/>
        <source>导出工作台账（Excel）</source>
        <translation>Ledger (Excel)</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="100"/>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="119"/>
        <source>正在从中心获取本月指标…</source>
        <translation>Fetching this month&apos;s figures from the centre…</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="132"/>
        <source>无法获取指标：%1</source>
        <translation>Could not fetch the figures: %1</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="159"/>
        <source>%1 个单位，数据截至 %2</source>
        <translation>%1 departments, figures as of %2</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="159"/>
        <source>1 个单位，数据截至 %2</source>
        <translation>1 department, figures as of %2</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="174"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="187"/>
        <source>正在生成…</source>
        <translation>Generating…</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="192"/>
        <source>已保存：%1</source>
        <translation>Saved: %1</translation>
    </message>
    <message>
        <location filename="../../ui/portfolio.py" line="195"/>
        <source>导出失败</source>
        <translation>Export failed</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/about.py" line="90"/>
        <source>首选项</source>
        <translation>Preferences</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="100"/>
        <source> 秒</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="103"/>
        <source>后台自动同步的间隔；下次登录起生效</source>
        <translation>How often to sync in the background; applies from the next sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="107"/>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="110"/>
        <source>无操作多长时间后锁定窗口（解锁需输入密码）；立即生效</source>
        <translation>Lock the window after this long without input (unlocking needs the password); applies at once</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="113"/>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="114"/>
        <source>同步间隔</source>
        <translation>Sync interval</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="115"/>
        <source>自动锁定</source>
        <translation>Lock after</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="116"/>
        <source>数据文件夹</source>
        <translation>Data folder</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <location filename="../../ui/problems.py" line="45"/>
        <source>服务器上的内容已被他人修改</source>
        <translation>Someone changed this on the server meanwhile</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="46"/>
        <source>服务器未接受此操作</source>
        <translation>The server did not accept this action</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="58"/>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="59"/>
        <source>诉求内容</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="60"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="61"/>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="62"/>
        <source>答复</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="63"/>
        <source>依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="64"/>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="65"/>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="66"/>
        <source>核查情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="67"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="68"/>
        <source>批示</source>
        <translation>Instruction</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="72"/>
        <source>答复结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="74"/>
        <source>%1 张</source>
        <translation>%1</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="75"/>
        <source>照片</source>
        <translation>Photos</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="78"/>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="202"/>
        <source>工单</source>
        <translation>Order</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="202"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="202"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="202"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="215"/>
        <source>没有冲突或被拒绝的操作。</source>
        <translation>No conflicts or rejected actions.</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="298"/>
        <source>工单 %1（已不在本机）</source>
        <translation>Order %1 (no longer on this computer)</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="339"/>
        <source>工单 %1 · %2：%3</source>
        <translation>Order %1 · %2: %3</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="348"/>
        <source>服务器版本</source>
        <translation>Server version</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="350"/>
        <source>（答复结果：%1）</source>
        <translation> (result: %1)</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="361"/>
        <source>（此操作没有填写内容）</source>
        <translation>(nothing was written for this action)</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="377"/>
        <source>采用服务器版本后，你写的内容将被删除，无法恢复。确定吗？</source>
        <translation>Keeping the server version deletes what you wrote, and it cannot be recovered. Continue?</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="381"/>
        <source>放弃后，这项操作和你写的内容将被删除，无法恢复。确定吗？</source>
        <translation>Discarding deletes this action and what you wrote, and it cannot be recovered. Continue?</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="387"/>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="410"/>
        <source>未能处理</source>
        <translation>Could not resolve</translation>
    </message>
</context>
<context>
    <name>ReplyDiff</name>
    <message>
        <location filename="../../ui/reply_diff.py" line="139"/>
        <source>修改对比</source>
        <translation>Changes</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="142"/>
        <source>选择要对比的两轮答复</source>
        <translation>Choose the two rounds to compare</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="149"/>
        <source>红色删除线：上一轮有、本轮删去；绿色下划线：本轮新增</source>
        <translation>Red, struck through: removed since the earlier round; green, underlined: added in this round</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="200"/>
        <source>第%1轮 对比 第%2轮</source>
        <translation>Round %1 vs round %2</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="200"/>
        <source>修改中 对比 第%2轮</source>
        <translation>Your revision vs round %2</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="218"/>
        <source>退回意见</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="218"/>
        <source>办理结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="219"/>
        <source>答复依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="219"/>
        <source>答复内容</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="220"/>
        <source>%1（未改）</source>
        <translation>%1 (unchanged)</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="239"/>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="245"/>
        <source>正在修改，尚未提交</source>
        <translation>being revised, not submitted yet</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="252"/>
        <source>答复内容未改</source>
        <translation>The reply&apos;s text is unchanged</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="257"/>
        <source>新增 %1 字，删去 %2 字</source>
        <translation>+%1 / −%2 characters</translation>
    </message>
    <message>
        <location filename="../../ui/reply_diff.py" line="258"/>
        <source>答复内容的字数变化（不计空白）</source>
        <translation>Characters added to and removed from the reply text (white space not counted)</translation>
    </message>
</context>
<context>
    <name>ReplyEditor</name>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="82"/>
        <source>请选择办理结果</source>
        <extracomment>What is typed is kept in the local drafts at most this long after a keystroke (and at once on switching order or closing the window), so a crash or a kill loses at most these last seconds.</extracomment>
        <translation>Choose a result</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="91"/>
        <source>答复模板</source>
        <translation>Reply templates</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="92"/>
        <source>插入本单位的答复模板（工单编号、称呼、日期自动填入）</source>
        <translation>Insert one of your department&apos;s reply templates (order number, form of address and dates filled in)</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="98"/>
        <source>引用知识库…</source>
        <translation>Cite knowledge base…</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="100"/>
        <source>从知识库插入答复口径和政策依据（Ctrl+Shift+K）</source>
        <translation>Insert a standard answer and its policy basis from the knowledge base (Ctrl+Shift+K)</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="114"/>
        <source>答复内容（将反馈给市民）</source>
        <translation>Reply text (sent to the citizen)</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="116"/>
        <source>答复依据：法规、政策文件名称及条款</source>
        <translation>Basis: laws, policy documents and their articles</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="125"/>
        <source>保存草稿（Ctrl+S）</source>
        <translation>Save draft (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="127"/>
        <source>提交答复，进入审核（Ctrl+Enter）</source>
        <translation>Submit the reply for review (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="145"/>
        <source>办理结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="165"/>
        <source>答复依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="176"/>
        <source>您好！关于您反映的问题，</source>
        <translation>Hello. Regarding the issue you reported, </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="177"/>
        <source>经现场核实，</source>
        <translation>On-site verification showed that </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="178"/>
        <source>我单位已于当日安排工作人员到现场查看，</source>
        <translation>We sent staff to inspect the site the same day, </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="179"/>
        <source>已责成施工单位于……前整改完毕。</source>
        <translation>The contractor has been ordered to put this right by …. </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="180"/>
        <source>根据《……》第……条规定，</source>
        <translation>Under Article … of the …, </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="181"/>
        <source>该问题涉及多个部门，我单位已牵头协调，</source>
        <translation>As the issue involves several departments, we are leading the coordination, </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="182"/>
        <source>如有疑问，请致电……咨询。</source>
        <translation>If you have any questions, please call …. </translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="183"/>
        <source>感谢您对我们工作的监督。</source>
        <translation>Thank you for your oversight of our work.</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="209"/>
        <source>%1（全市通用）</source>
        <translation>%1 (city-wide)</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="249"/>
        <source>引用知识库：%1</source>
        <translation>Cited from the knowledge base: %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="322"/>
        <source>%1退回：%2</source>
        <translation>Returned (%1): %2</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="337"/>
        <source>协办单位尚未反馈协办意见：%1。收到意见（或热线中心免除协办）后才能提交答复，可先保存草稿。</source>
        <translation>Co-handling departments have not given their opinion yet: %1. The reply can be submitted once they have (or the centre waives it); save the draft meanwhile.</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="355"/>
        <source>第%1轮答复</source>
        <translation>Reply, round %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="396"/>
        <source>只读：当前不能修改答复</source>
        <translation>Read-only: the reply cannot be changed now</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="400"/>
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="404"/>
        <source>草稿已保存 %1</source>
        <translation>Draft saved %1</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="419"/>
        <source>请填写答复内容。</source>
        <translation>Please write the reply.</translation>
    </message>
    <message>
        <location filename="../../ui/order/reply_editor.py" line="422"/>
        <source>请选择办理结果。</source>
        <translation>Please choose a result.</translation>
    </message>
</context>
<context>
    <name>ReplySheetPrinter</name>
    <message>
        <location filename="../../ui/printing.py" line="35"/>
        <location filename="../../ui/printing.py" line="47"/>
        <source>打印回复单</source>
        <translation>Print reply sheet</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="35"/>
        <source>请先在列表中选择一张工单</source>
        <translation>Choose an order in the list first</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="47"/>
        <source>本机没有这张工单</source>
        <translation>This order is not on this computer</translation>
    </message>
    <message>
        <location filename="../../ui/printing.py" line="57"/>
        <source>打印回复单 — %1</source>
        <translation>Print reply sheet — %1</translation>
    </message>
</context>
<context>
    <name>ReturnRequestDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="382"/>
        <source>说明理由，并尽量写明应由哪个单位办理</source>
        <translation>Explain why, and if possible name the department that should handle it</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="383"/>
        <source>退单类型</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="384"/>
        <source>理由</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="390"/>
        <source>请填写退单理由。</source>
        <translation>Please explain why the order should go back to the centre.</translation>
    </message>
</context>
<context>
    <name>RowMenu</name>
    <message>
        <location filename="../../ui/menus.py" line="200"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="207"/>
        <source>复制工单编号</source>
        <translation>Copy order number</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="208"/>
        <source>打印回复单…</source>
        <translation>Print reply sheet…</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="35"/>
        <source>登录 CaseDesk</source>
        <translation>Sign in to CaseDesk</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="51"/>
        <source>服务器地址</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="52"/>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="53"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="55"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="56"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="68"/>
        <source>请填写服务器地址、用户名和密码</source>
        <translation>Please enter the server, user name and password</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="70"/>
        <source>正在登录…</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="83"/>
        <source>登录失败：%1</source>
        <translation>Sign-in failed: %1</translation>
    </message>
</context>
<context>
    <name>SupervisionDialog</name>
    <message>
        <location filename="../../ui/actions.py" line="321"/>
        <source>督办要求，如：请于3个工作日内解决并报送办理进展</source>
        <translation>What is required, e.g. resolve within 3 working days and report progress</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="322"/>
        <source>催办事项，如：市民再次来电，请尽快联系市民</source>
        <translation>What is asked, e.g. the citizen called again: contact them soon</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="323"/>
        <source>目前的办理进展、已采取的措施和预计完成时间</source>
        <translation>Progress so far, the measures taken and when it will be done</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="326"/>
        <source>办理进展</source>
        <translation>Progress</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="326"/>
        <source>要求</source>
        <translation>Required</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="334"/>
        <source>请填写办理进展。</source>
        <translation>Please write the progress.</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="335"/>
        <source>请填写督办或催办的要求。</source>
        <translation>Please write what the supervision or reminder requires.</translation>
    </message>
</context>
<context>
    <name>TablePage</name>
    <message>
        <location filename="../../ui/admin/base.py" line="80"/>
        <source>搜索（名称、代码…）</source>
        <extracomment>The column that takes the table&apos;s free width and is elided when there is none (None: the last).</extracomment>
        <translation>Search (name, code…)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="83"/>
        <location filename="../../ui/admin/base.py" line="214"/>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="103"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="166"/>
        <source>确定停用吗？</source>
        <translation>Deactivate?</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="192"/>
        <source>共 %1 条</source>
        <translation>%1 rows</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="214"/>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="217"/>
        <location filename="../../ui/admin/base.py" line="225"/>
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <location filename="../../ui/admin/base.py" line="217"/>
        <source>启用</source>
        <translation>Reactivate</translation>
    </message>
</context>
<context>
    <name>Tile</name>
    <message>
        <location filename="../../ui/dashboard.py" line="91"/>
        <source>无数据</source>
        <translation>No data</translation>
    </message>
</context>
<context>
    <name>Undo</name>
    <message>
        <location filename="../../ui/undo.py" line="36"/>
        <source>这项操作</source>
        <extracomment>How long the &quot;已撤销&quot; line stays after an undo (ms).</extracomment>
        <translation>This action</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="51"/>
        <source>“%1”已在发送中或已送达中心，不能撤销；如需更正，请按正常流程办理。</source>
        <translation>“%1” is being sent or has reached the centre and cannot be undone; correct it the usual way.</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="41"/>
        <source>“%1”已被中心退回或有冲突，请在“同步问题”中处理。</source>
        <translation>“%1” was refused by the centre or conflicts; resolve it under Sync problems.</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="43"/>
        <source>“%1”之后还有 %2 项未发送的操作，需要一并撤销。</source>
        <translation>“%1” has %2 unsent later action(s) that must be undone with it.</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="45"/>
        <source>没有可撤销的操作：它已同步到中心。</source>
        <translation>Nothing to undo: it has reached the centre.</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="58"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="60"/>
        <source>已撤销 %1：%2「%3」，工单已恢复原样</source>
        <translation>Undone — %1: %2 “%3”; the order is as it was</translation>
    </message>
</context>
<context>
    <name>UndoNotice</name>
    <message>
        <location filename="../../ui/undo.py" line="93"/>
        <source>撤销 (%1)</source>
        <translation>Undo (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="94"/>
        <source>撤销这项操作，工单恢复原样（尚未发送到中心）</source>
        <translation>Undo this action; the order goes back to how it was (not sent yet)</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="99"/>
        <source>关闭提示（仍可在工单上撤销，直到发送）</source>
        <translation>Close (the order&apos;s Undo button works until it is sent)</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="125"/>
        <source>✓ %1：%2「%3」</source>
        <translation>✓ %1: %2 “%3”</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="131"/>
        <source>%1 秒后发送到中心；发送前可撤销，也可在工单上撤销。</source>
        <translation>Sent to the centre in %1 s; until then it can be undone here or on the order.</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="153"/>
        <source>没有可撤销的操作。</source>
        <translation>Nothing to undo.</translation>
    </message>
    <message>
        <location filename="../../ui/undo.py" line="158"/>
        <source>撤销提示已过：“%1”%2 在发送到中心之前，仍可在该工单上点“撤销”。</source>
        <translation>The undo notice has gone: “%1” %2 can still be undone with the order’s Undo button until it is sent to the centre.</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../ui/admin/org.py" line="132"/>
        <location filename="../../ui/admin/org.py" line="177"/>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="133"/>
        <location filename="../../ui/admin/org.py" line="178"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="134"/>
        <location filename="../../ui/admin/org.py" line="179"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="135"/>
        <location filename="../../ui/admin/org.py" line="180"/>
        <source>所属单位</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="136"/>
        <source>可签收</source>
        <translation>May sign</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="137"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="157"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="158"/>
        <source>在用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="158"/>
        <location filename="../../ui/admin/org.py" line="343"/>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="163"/>
        <source>小写字母、数字，创建后不可改</source>
        <translation>lower-case letters, digits; fixed once created</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="174"/>
        <source>经办人可直接签收</source>
        <translation>The handler may sign for orders</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="181"/>
        <source>初始密码</source>
        <translation>Initial password</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="184"/>
        <source>分管单位</source>
        <translation>Portfolio</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="186"/>
        <source>重置密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="188"/>
        <source>生成一次性临时密码；此人下次登录时须改为自己的密码，已登录的会话随即结束</source>
        <translation>Make a one-time temporary password; the user must replace it at the next sign-in, and their sessions end now</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="196"/>
        <source>登录设备</source>
        <translation>Signed-in devices</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="197"/>
        <source>吊销</source>
        <translation>Revoke</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="215"/>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="251"/>
        <source>为「%1」（%2）生成临时密码？此人已登录的会话随即结束，下次登录时须改为自己的密码。</source>
        <translation>Make a temporary password for “%1” (%2)? Their sessions end now, and they must choose their own password at the next sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="255"/>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="258"/>
        <source>已重置密码</source>
        <translation>Password reset</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="264"/>
        <source>临时密码</source>
        <translation>Temporary password</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="265"/>
        <source>「%1」的临时密码（只显示这一次）：

%2

请当面或电话告知本人；本人登录后须改为自己的密码。</source>
        <translation>Temporary password for “%1” (shown only this once):

%2

Tell the user in person or by phone; they must change it after signing in.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="284"/>
        <source>吊销「%1」的设备「%2」？它下次联网时会报告未发送的修改、清除本机数据并退出登录。</source>
        <translation>Revoke “%1”’s device “%2”? At its next contact it reports its unsent edits, erases its local data and signs out.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="288"/>
        <source>吊销设备</source>
        <translation>Revoke device</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="294"/>
        <source>已吊销该设备</source>
        <translation>Device revoked</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="318"/>
        <source>已创建人员</source>
        <translation>User created</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="327"/>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="337"/>
        <source>停用「%1」（%2）？停用后此人无法登录，已登录的桌面在下次联网时被拒绝。</source>
        <translation>Deactivate %1 (%2)? They can no longer sign in, and a desk already signed in is refused at its next contact.</translation>
    </message>
    <message>
        <location filename="../../ui/admin/org.py" line="343"/>
        <source>已启用</source>
        <translation>Reactivated</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <location filename="../../ui/menus.py" line="42"/>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="43"/>
        <source>导出台账…</source>
        <translation>Export ledger…</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="44"/>
        <source>把统计页所选月份的工单导出为 Excel 工作台账</source>
        <translation>Export the orders of the month chosen in Statistics as an Excel ledger</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="46"/>
        <source>打印回复单…</source>
        <translation>Print reply sheet…</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="49"/>
        <source>登录设备…</source>
        <translation>Signed-in devices…</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="50"/>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="51"/>
        <source>切换服务器…</source>
        <translation>Switch server…</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="53"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="56"/>
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="57"/>
        <source>工作列表</source>
        <translation>Work lists</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="60"/>
        <source>列</source>
        <translation>Columns</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="63"/>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="74"/>
        <source>工具(&amp;T)</source>
        <translation>&amp;Tools</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="79"/>
        <source>更改密码…</source>
        <translation>Change password…</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="80"/>
        <source>首选项…</source>
        <translation>Preferences…</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="83"/>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="84"/>
        <source>关于 CaseDesk</source>
        <translation>About CaseDesk</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="106"/>
        <source>切换服务器</source>
        <translation>Switch server</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="107"/>
        <source>服务器地址（切换后需重新登录；本机数据按服务器和用户分开保存）：</source>
        <translation>Server address (you sign in again; data on this PC is kept apart per server and user):</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="138"/>
        <source>恢复默认列宽</source>
        <translation>Reset column widths</translation>
    </message>
    <message>
        <location filename="../../ui/menus.py" line="159"/>
        <source>密码已更改；您在其他电脑上的登录已注销</source>
        <translation>Password changed; your sign-ins on other computers were ended</translation>
    </message>
</context>
<context>
    <name>_ConflictPage</name>
    <message>
        <location filename="../../ui/problems.py" line="101"/>
        <source>服务器上的内容在你离线期间已被修改。左侧是服务器上的版本，右侧是你的版本；可以在右侧合并两者后重新提交。</source>
        <translation>The content on the server changed while you were offline. The server&apos;s version is on the left, yours on the right; merge the two on the right and submit again.</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="109"/>
        <source>我的版本（可编辑）</source>
        <translation>My version (editable)</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="111"/>
        <source>采用我的版本</source>
        <translation>Keep mine</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="112"/>
        <source>按你原来写的内容重新提交</source>
        <translation>Submit again what you originally wrote</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="113"/>
        <source>采用服务器版本</source>
        <translation>Keep server version</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="114"/>
        <source>放弃你的修改，保留服务器上的内容</source>
        <translation>Drop your changes and keep the server&apos;s content</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="115"/>
        <source>合并后重新提交</source>
        <translation>Submit merged</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="116"/>
        <source>提交右侧编辑后的内容</source>
        <translation>Submit the text as edited on the right</translation>
    </message>
</context>
<context>
    <name>_RejectionPage</name>
    <message>
        <location filename="../../ui/problems.py" line="153"/>
        <source>你写的内容</source>
        <translation>What you wrote</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="159"/>
        <source>复制内容</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="160"/>
        <source>放弃</source>
        <translation>Discard</translation>
    </message>
    <message>
        <location filename="../../ui/problems.py" line="161"/>
        <source>重新提交</source>
        <translation>Submit again</translation>
    </message>
</context>
<context>
    <name>_Tile</name>
    <message>
        <location filename="../../ui/photo_picker.py" line="88"/>
        <source>（无预览）</source>
        <translation>(no preview)</translation>
    </message>
    <message>
        <location filename="../../ui/photo_picker.py" line="101"/>
        <source>移除这张照片</source>
        <translation>Remove this photo</translation>
    </message>
</context>
</TS>
