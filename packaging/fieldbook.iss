; Inno Setup script: the Windows installer for Fieldbook. Builds on Windows only (Inno Setup 6).
;
;   .venv\Scripts\pyinstaller --noconfirm build.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\fieldbook.iss
;
; Writes dist\Fieldbook-<version>-setup.exe. It installs per user by default (no administrator
; needed; "for all users" is offered), adds a Start-menu entry and optionally a desktop icon, and
; uninstalls cleanly. The user's data (%LOCALAPPDATA%\Fieldbook) is never removed by the uninstaller.
; The window is WebView2, which Windows 10 and 11 ship; without it Fieldbook opens Edge in app mode.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B8E4C1F-2F0A-4D7E-9C1B-5A3D8E7F0B21}
AppName=Fieldbook
AppVersion={#AppVersion}
AppPublisher=Fieldbook
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Fieldbook
DefaultGroupName=Fieldbook
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=Fieldbook-{#AppVersion}-setup
SetupIconFile=fieldbook.ico
UninstallDisplayIcon={app}\Fieldbook.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running Fieldbook holds its files open: ask it to close before replacing them.
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "de"; MessagesFile: "compiler:Languages\German.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\dist\Fieldbook\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Fieldbook"; Filename: "{app}\Fieldbook.exe"
Name: "{autodesktop}\Fieldbook"; Filename: "{app}\Fieldbook.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Fieldbook.exe"; Description: "{cm:LaunchProgram,Fieldbook}"; Flags: nowait postinstall skipifsilent
