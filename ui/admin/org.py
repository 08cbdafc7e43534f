"""The administration tabs of the organisation: departments (部门), users (人员) and the category tree (分类)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
)

from casework.devices import DeviceOut
from casework.passwords import POLICY_EN, POLICY_ZH
from casework.roles import Role
from casework.schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    TemporaryPassword,
    UserIn,
    UserOut,
    UserPatch,
)
from ui.admin.base import TablePage, choose, confirm
from ui.devices import DeviceTable
from ui.labels import english, role_label

KINDS = ("department", "centre", "leadership")


def _name(entry: DepartmentOut | CategoryOut | None) -> str:
    if entry is None:
        return ""
    return (entry.name_en if english() else "") or entry.name


class DepartmentsPage(TablePage):
    """部门: create, rename, change the kind; deactivate (the server refuses while anything open points at it)."""

    def kind_label(self, kind: str) -> str:
        return {
            "department": self.tr("承办单位"),
            "centre": self.tr("热线中心"),
            "leadership": self.tr("市领导"),
        }.get(kind, kind)

    elastic_column = 2  # 英文名称

    def headers(self) -> list[str]:
        return [self.tr("代码"), self.tr("名称"), self.tr("英文名称"), self.tr("类型"), self.tr("状态")]

    def rows(self) -> list[DepartmentOut]:
        return list(self.area.directory.departments) if self.area.directory else []

    def key(self, row: DepartmentOut) -> int:
        return row.id

    def cells(self, row: DepartmentOut) -> list[str]:
        state = self.tr("在用") if row.active else self.tr("已停用")
        return [row.code, row.name, row.name_en, self.kind_label(row.kind), state]

    def build_form(self) -> None:
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("如 ZJJ（字母、数字，创建后不可改）"))
        self.name = QLineEdit()
        self.name_en = QLineEdit()
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(self.kind_label(kind), kind)
        self.form.addRow(self.tr("代码"), self.code)
        self.form.addRow(self.tr("名称"), self.name)
        self.form.addRow(self.tr("英文名称"), self.name_en)
        self.form.addRow(self.tr("类型"), self.kind)

    def load_form(self, row: DepartmentOut | None) -> None:
        self.code.setText(row.code if row else "")
        self.code.setReadOnly(row is not None)
        self.name.setText(row.name if row else "")
        self.name_en.setText(row.name_en if row else "")
        choose(self.kind, row.kind if row else "department")

    def save(self) -> None:
        admin = self.area.admin
        if self.current is None:
            body = DepartmentIn(
                code=self.code.text().strip(),
                name=self.name.text(),
                name_en=self.name_en.text(),
                kind=self.kind.currentData(),
            )
            self.area.call(admin.create_department, body, done=self.tr("已创建部门"), on_done=self.edit)
        else:
            patch = DepartmentPatch(name=self.name.text(), name_en=self.name_en.text(), kind=self.kind.currentData())
            self.area.call(admin.update_department, self.current.id, patch, done=self.tr("已保存"), on_done=self.edit)

    def can_deactivate(self) -> bool:
        return True

    def is_active(self, row: DepartmentOut) -> bool:
        return row.active

    def deactivate_question(self, row: DepartmentOut) -> str:
        return self.tr(
            "停用部门「%1」？停用后不能再向它派单、添加人员或把分类默认派给它；有未办结工单、在用人员、分管领导或分类指向它时服务器会拒绝。"
        ).replace("%1", row.name)

    def set_active(self, row: DepartmentOut, active: bool) -> None:
        done = self.tr("已停用") if not active else self.tr("已启用")
        self.area.call(
            self.area.admin.update_department, row.id, DepartmentPatch(active=active), done=done, on_done=self.edit
        )


class UsersPage(TablePage):
    """人员: create, edit the name, role, department, portfolio and 签收 right; deactivate or reactivate."""

    elastic_column = 3  # 所属单位

    def headers(self) -> list[str]:
        return [
            self.tr("用户名"),
            self.tr("姓名"),
            self.tr("角色"),
            self.tr("所属单位"),
            self.tr("可签收"),
            self.tr("状态"),
        ]

    def rows(self) -> list[UserOut]:
        return list(self.area.directory.users) if self.area.directory else []

    def key(self, row: UserOut) -> int:
        return row.id

    def _department(self, department_id: int | None) -> str:
        directory = self.area.directory
        found = next((d for d in directory.departments if d.id == department_id), None) if directory else None
        return _name(found)

    def cells(self, row: UserOut) -> list[str]:
        return [
            row.username,
            row.name,
            role_label(row.role.value),
            self._department(row.department_id),
            self.tr("是") if row.may_sign else "",
            self.tr("在用") if row.active else self.tr("已停用"),
        ]

    def build_form(self) -> None:
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("小写字母、数字，创建后不可改"))
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role_label(role.value), role.value)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.department = QComboBox()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(POLICY_EN if english() else POLICY_ZH)
        self.password.setToolTip(POLICY_EN if english() else POLICY_ZH)
        self.may_sign = QCheckBox(self.tr("经办人可直接签收"))
        self.portfolio = QListWidget()
        self.portfolio.setMaximumHeight(140)
        self.form.addRow(self.tr("用户名"), self.username)
        self.form.addRow(self.tr("姓名"), self.name)
        self.form.addRow(self.tr("角色"), self.role)
        self.form.addRow(self.tr("所属单位"), self.department)
        self.password_label = QLabel(self.tr("初始密码"))
        self.form.addRow(self.password_label, self.password)
        self.form.addRow("", self.may_sign)
        self.form.addRow(self.tr("分管单位"), self.portfolio)
        # The account's own tools: a password reset and the user's desks (signed-in devices).
        self.reset_button = QPushButton(self.tr("重置密码…"))
        self.reset_button.setToolTip(
            self.tr("生成一次性临时密码；此人下次登录时须改为自己的密码，已登录的会话随即结束")
        )
        self.reset_button.clicked.connect(self._ask_reset)
        self.account_tools = QHBoxLayout()
        self.account_tools.setObjectName("account_tools")
        self.account_tools.addWidget(self.reset_button)
        self.account_tools.addStretch(1)
        self.form.addRow(self.account_tools)
        self.devices_label = QLabel(self.tr("登录设备"))
        self.devices = DeviceTable(self.tr("吊销"))
        self.devices.setMinimumHeight(120)
        self.devices.action_clicked.connect(self._ask_revoke)
        self.form.addRow(self.devices_label, self.devices)

    def _role_changed(self) -> None:
        leader = self.role.currentData() == Role.LEADER_IN_CHARGE.value
        self.portfolio.setEnabled(leader)
        self.may_sign.setEnabled(self.role.currentData() == Role.HANDLER.value)

    def load_form(self, row: UserOut | None) -> None:
        directory = self.area.directory
        departments = list(directory.departments) if directory else []
        self.username.setText(row.username if row else "")
        self.username.setReadOnly(row is not None)
        self.name.setText(row.name if row else "")
        choose(self.role, row.role.value if row else Role.HANDLER.value)
        self.department.clear()
        self.department.addItem(self.tr("（无）"), None)
        for d in departments:
            if d.active or (row is not None and d.id == row.department_id):
                self.department.addItem(f"{_name(d)}（{d.code}）", d.id)
        choose(self.department, row.department_id if row else None)
        self.password.clear()
        self.password.setVisible(row is None)
        self.password_label.setVisible(row is None)
        self.may_sign.setChecked(bool(row and row.may_sign))
        self.portfolio.clear()
        for d in departments:
            if d.kind == "department" and d.active:
                item = QListWidgetItem(_name(d))
                item.setData(Qt.ItemDataRole.UserRole, d.id)
                checked = row is not None and d.id in row.portfolio
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.portfolio.addItem(item)
        self._role_changed()
        for widget in (self.reset_button, self.devices_label, self.devices):
            widget.setVisible(row is not None)
        self.devices.set_devices([])
        if row is not None:
            self._load_devices(row.id)

    def _load_devices(self, user_id: int) -> None:
        def show(devices: list[DeviceOut]) -> None:
            if self.current is not None and self.current.id == user_id:  # still this user's form
                self.devices.set_devices(devices)

        self.area.call(self.area.admin.devices_of, user_id, on_done=show)

    def _ask_reset(self) -> None:
        row = self.current
        if row is None:
            return
        question = (
            self.tr("为「%1」（%2）生成临时密码？此人已登录的会话随即结束，下次登录时须改为自己的密码。")
            .replace("%1", row.name)
            .replace("%2", row.username)
        )
        confirm(self, self.tr("重置密码"), question, lambda: self._reset(row))

    def _reset(self, row: UserOut) -> None:
        self.area.call(self.area.admin.reset_password, row.id, done=self.tr("已重置密码"), on_done=self._show_temporary)

    def _show_temporary(self, answer: TemporaryPassword) -> None:
        """The temporary password, once, selectable for copying (a window that does not stop the loop)."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("临时密码"),
            self.tr("「%1」的临时密码（只显示这一次）：\n\n%2\n\n请当面或电话告知本人；本人登录后须改为自己的密码。")
            .replace("%1", answer.username)
            .replace("%2", answer.temporary_password),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("temporary_password")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.temporary_box = box

    def _ask_revoke(self, device_id: int) -> None:
        row = self.current
        device = next((d for d in self.devices.devices if d.id == device_id), None)
        if row is None or device is None:
            return
        question = (
            self.tr("吊销「%1」的设备「%2」？它下次联网时会报告未发送的修改、清除本机数据并退出登录。")
            .replace("%1", row.name)
            .replace("%2", device.name)
        )
        confirm(self, self.tr("吊销设备"), question, lambda: self._revoke(row.id, device_id))

    def _revoke(self, user_id: int, device_id: int) -> None:
        self.area.call(
            self.area.admin.revoke_device,
            device_id,
            done=self.tr("已吊销该设备"),
            on_done=lambda _: self._load_devices(user_id),
        )

    def _portfolio(self) -> list[int]:
        if self.role.currentData() != Role.LEADER_IN_CHARGE.value:
            return []
        items = (self.portfolio.item(i) for i in range(self.portfolio.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def save(self) -> None:
        admin = self.area.admin
        role = Role(self.role.currentData())
        may_sign = self.may_sign.isChecked() and role is Role.HANDLER
        if self.current is None:
            body = UserIn(
                username=self.username.text().strip(),
                name=self.name.text(),
                role=role,
                department_id=self.department.currentData(),
                password=self.password.text(),
                portfolio=self._portfolio(),
                may_sign=may_sign,
            )
            self.area.call(admin.create_user, body, done=self.tr("已创建人员"), on_done=self.edit)
        else:
            patch = UserPatch(
                name=self.name.text(),
                role=role,
                department_id=self.department.currentData(),
                portfolio=self._portfolio(),
                may_sign=may_sign,
            )
            self.area.call(admin.update_user, self.current.id, patch, done=self.tr("已保存"), on_done=self.edit)

    def can_deactivate(self) -> bool:
        return True

    def is_active(self, row: UserOut) -> bool:
        return row.active

    def deactivate_question(self, row: UserOut) -> str:
        return (
            self.tr("停用「%1」（%2）？停用后此人无法登录，已登录的桌面在下次联网时被拒绝。")
            .replace("%1", row.name)
            .replace("%2", row.username)
        )

    def set_active(self, row: UserOut, active: bool) -> None:
        done = self.tr("已停用") if not active else self.tr("已启用")
        self.area.call(self.area.admin.update_user, row.id, UserPatch(active=active), done=done, on_done=self.edit)


class CategoriesPage(TablePage):
    """分类: the category tree (parent), the names in both languages and each one's default department."""

    elastic_column = 2  # 英文名称

    def headers(self) -> list[str]:
        return [self.tr("编码"), self.tr("名称"), self.tr("英文名称"), self.tr("上级分类"), self.tr("默认承办单位")]

    def rows(self) -> list[CategoryOut]:
        return sorted(self.area.directory.categories, key=lambda c: c.code) if self.area.directory else []

    def key(self, row: CategoryOut) -> str:
        return row.code

    def _depth(self, row: CategoryOut) -> int:
        by_code = {c.code: c for c in self.rows()}
        depth, parent, seen = 0, row.parent_code, set()
        while parent and parent in by_code and parent not in seen:
            seen.add(parent)
            depth, parent = depth + 1, by_code[parent].parent_code
        return depth

    def _department(self, code: str | None) -> str:
        directory = self.area.directory
        found = next((d for d in directory.departments if d.code == code), None) if directory and code else None
        return _name(found) if found else (code or "")

    def cells(self, row: CategoryOut) -> list[str]:
        indent = "　" * self._depth(row)  # the tree, as indentation
        return [row.code, indent + row.name, row.name_en, row.parent_code or "", self._department(row.department_code)]

    def build_form(self) -> None:
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("如 0106（创建后不可改）"))
        self.name = QLineEdit()
        self.name_en = QLineEdit()
        self.parent_code = QComboBox()
        self.department = QComboBox()
        self.form.addRow(self.tr("编码"), self.code)
        self.form.addRow(self.tr("名称"), self.name)
        self.form.addRow(self.tr("英文名称"), self.name_en)
        self.form.addRow(self.tr("上级分类"), self.parent_code)
        self.form.addRow(self.tr("默认承办单位"), self.department)

    def load_form(self, row: CategoryOut | None) -> None:
        self.code.setText(row.code if row else "")
        self.code.setReadOnly(row is not None)
        self.name.setText(row.name if row else "")
        self.name_en.setText(row.name_en if row else "")
        self.parent_code.clear()
        self.parent_code.addItem(self.tr("（顶级分类）"), None)
        for c in self.rows():
            if row is None or c.code != row.code:
                self.parent_code.addItem(f"{c.code} {_name(c)}", c.code)
        choose(self.parent_code, row.parent_code if row else None)
        self.department.clear()
        self.department.addItem(self.tr("（无）"), None)
        directory = self.area.directory
        for d in directory.departments if directory else []:
            if d.kind == "department" and (d.active or (row is not None and d.code == row.department_code)):
                self.department.addItem(f"{_name(d)}（{d.code}）", d.code)
        choose(self.department, row.department_code if row else None)

    def save(self) -> None:
        admin = self.area.admin
        fields: dict[str, Any] = {
            "name": self.name.text(),
            "name_en": self.name_en.text(),
            "parent_code": self.parent_code.currentData(),
            "department_code": self.department.currentData(),
        }
        if self.current is None:
            body = CategoryIn(code=self.code.text().strip(), **fields)
            self.area.call(admin.create_category, body, done=self.tr("已创建分类"), on_done=self.edit)
        else:
            patch = CategoryPatch(**fields)
            self.area.call(admin.update_category, self.current.code, patch, done=self.tr("已保存"), on_done=self.edit)
