; Inno Setup script of the Windows installer (NOT tried: no Windows machine here).
; On a Windows runner:  py dev.py bundle   then   iscc /DVersion=0.1.0 packaging\casedesk.iss
; It packs dist\casedesk\ (PyInstaller one-folder, from the same packaging\casedesk.spec) into
; dist\casedesk-<version>-setup.exe, with a Start menu entry and an uninstaller.
#ifndef Version
  #define Version "0.0.0"
#endif

[Setup]
AppId={{6F1C2B4E-3D45-4C3D-9A51-0CA5EDE5C001}
AppName=CaseDesk 12345工单办理
AppVersion={#Version}
AppPublisher=CaseDesk
DefaultDirName={autopf}\CaseDesk
DefaultGroupName=CaseDesk
OutputDir=..\dist
OutputBaseFilename=casedesk-{#Version}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\casedesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\CaseDesk"; Filename: "{app}\casedesk.exe"
Name: "{group}\{cm:UninstallProgram,CaseDesk}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\casedesk.exe"; Description: "{cm:LaunchProgram,CaseDesk}"; Flags: nowait postinstall skipifsilent
