"""Languages: Simplified Chinese is the source language; English comes from a Qt translation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LANGUAGES = ("zh", "en")

#: The translators installed by any Languages of this process: an application has one language at a
#: time, so switching removes them all (a second Languages, say a rebuilt application's, never leaves
#: the first one's Chinese Qt buttons behind in an English window).
_INSTALLED: list[QTranslator] = []


class Languages:
    """Installs and swaps the application's translators (ours and Qt's own dialogs').

    Qt's own dialogs (file dialogs, message box buttons, the print preview) speak the language through
    qtbase_zh_CN.qm from PySide6's translations folder (English is Qt's own), completed by our
    resources/i18n/qt_gaps_zh_CN.ts for the strings it lacks. File dialogs are Qt's, not
    the platform's, so they follow the same language instead of the system's.
    """

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.current = "zh"

    def use(self, language: str) -> str:
        """Switch to ``language`` ("zh" or "en"); returns the language in force (zh if a file is missing)."""
        self.uninstall()
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
        language = language if language in LANGUAGES else "zh"
        if language == "en":
            ours = QTranslator()
            if not ours.load(str(I18N_DIR / "casedesk_en.qm")):
                language = "zh"
            else:
                self._install(ours)
        else:
            qt = QTranslator()
            if qt.load(
                QLocale(QLocale.Language.Chinese, QLocale.Country.China),
                "qtbase",
                "_",
                QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
            ):
                self._install(qt)
            gaps = QTranslator()  # the few Qt 6 strings qtbase_zh_CN lacks; installed last, so asked first
            if gaps.load(str(I18N_DIR / "qt_gaps_zh_CN.qm")):
                self._install(gaps)
        self.current = language
        self.app.setProperty("casedesk_language", language)
        QLocale.setDefault(QLocale(QLocale.Language.English) if language == "en" else QLocale(QLocale.Language.Chinese))
        return language

    def uninstall(self) -> None:
        """Remove every translator of ours: the source strings (Chinese) show again."""
        for translator in _INSTALLED:
            self.app.removeTranslator(translator)
        _INSTALLED.clear()

    def _install(self, translator: QTranslator) -> None:
        self.app.installTranslator(translator)
        _INSTALLED.append(translator)
