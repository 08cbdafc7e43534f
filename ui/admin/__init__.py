"""管理: an administrator's screens — departments, users, categories, review chains and the
working-day calendar — over ``desktop.admin`` (the server, online only; every change audited there)."""

from ui.admin.area import AdminArea

__all__ = ["AdminArea"]
