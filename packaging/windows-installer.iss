; Inno Setup 6.3+ script for Locality.
;
; Packs the PyInstaller one-folder build (dist\Locality, made by packaging\locality.spec) into
; dist\Locality-<version>-setup.exe. It installs for the current user without administrator rights (to
; %LOCALAPPDATA%\Programs\Locality, with its registry keys under HKEY_CURRENT_USER), as managed office PCs
; allow; someone with administrator rights may choose "Install for all users" instead (Program Files and
; HKEY_LOCAL_MACHINE). Either way: a Start menu shortcut, an optional desktop shortcut, .locality workspace
; files opening in Locality on a double-click, and an uninstaller.
;
; Build from the repository root after PyInstaller:
;     iscc packaging\windows-installer.iss
;     iscc /DAppVersion=0.2.0 packaging\windows-installer.iss     (another version number)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Locality"
#define AppExe "Locality.exe"
#define AppPublisher "Locality"
#define RepoRoot AddBackslash(SourcePath) + ".."
#define BuildDir RepoRoot + "\dist\Locality"
#define AppIcon RepoRoot + "\resources\icons\locality.ico"

#if !FileExists(BuildDir + "\" + AppExe)
  #error "dist\Locality\Locality.exe is missing: run 'pyinstaller --noconfirm packaging\locality.spec' first."
#endif

[Setup]
; AppId identifies the product to Windows for upgrades and uninstall: never change it.
AppId={{DD311A24-F714-41F1-9224-4153BC835BD9}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
; Per-user by default: {autopf} is %LOCALAPPDATA%\Programs, and HKA (below) HKEY_CURRENT_USER; the dialog lets
; an administrator install for all users instead (Program Files, HKEY_LOCAL_MACHINE).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#RepoRoot}\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
ChangesAssociations=yes
CloseApplications=yes
#if FileExists(AppIcon)
SetupIconFile={#AppIcon}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "association"; Description: "Open .locality workspace files with {#AppName}"; GroupDescription: "File types:"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A new build may drop files an older one had; clear the bundle's internals before copying the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The workspace file type, in Software\Classes of HKA: HKEY_CURRENT_USER for a per-user install, which needs no
; administrator rights. A double-click runs Locality.exe --db "<file>".
Root: HKA; Subkey: "Software\Classes\.locality"; ValueType: string; ValueName: ""; ValueData: "Locality.Workspace"; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\.locality"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-locality-workspace"; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\.locality\OpenWithProgids"; ValueType: string; ValueName: "Locality.Workspace"; ValueData: ""; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\Locality.Workspace"; ValueType: string; ValueName: ""; ValueData: "Locality workspace"; Flags: uninsdeletekey; Tasks: association
Root: HKA; Subkey: "Software\Classes\Locality.Workspace\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: association
Root: HKA; Subkey: "Software\Classes\Locality.Workspace\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --db ""%1"""; Tasks: association
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".locality"; ValueData: ""; Flags: uninsdeletekey; Tasks: association

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
