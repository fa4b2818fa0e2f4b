//! What kind of program an attachment is, judged by its name on disk, its first bytes
//! and its declared type, and the [`Danger`] that says which of them told.

use super::names::safe_file_name;

/// What an attachment really is, when opening it could run something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    WindowsProgram,
    /// A script a double-click runs (batch, PowerShell, Windows Script Host, shell, …).
    Script,
    /// A shortcut or launcher that runs whatever it points to.
    Shortcut,
    /// A package that installs software.
    Installer,
    JavaProgram,
    MacProgram,
    LinuxProgram,
    /// A disk image the system mounts, whose files then escape the download mark.
    DiskImage,
}

/// How the kind was found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The extension the file has on disk (lower case, without the dot), and the one the
    /// name shows before it, if it poses as a document (`report.pdf.exe`).
    Extension {
        extension: String,
        posing_as: Option<String>,
    },
    /// Its first bytes: what it is, whatever it is called.
    Contents,
    /// The type the message declares for it.
    Declared(String),
}

/// Why an attachment must not open with one click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Danger {
    pub kind: Kind,
    pub evidence: Evidence,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::WindowsProgram => "a Windows program",
            Kind::Script => "a script",
            Kind::Shortcut => "a shortcut or launcher",
            Kind::Installer => "an installer",
            Kind::JavaProgram => "a Java program",
            Kind::MacProgram => "a macOS program",
            Kind::LinuxProgram => "a Linux program",
            Kind::DiskImage => "a disk image",
        })
    }
}

/// For the command line, which speaks English.
impl std::fmt::Display for Danger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.evidence {
            Evidence::Extension {
                extension,
                posing_as: Some(shown),
            } => write!(f, "{} (.{extension}, posing as .{shown})", self.kind),
            Evidence::Extension { extension, .. } => write!(f, "{} (.{extension})", self.kind),
            Evidence::Contents => write!(f, "{} (by its contents)", self.kind),
            Evidence::Declared(mime) => write!(f, "{} (declared as {mime})", self.kind),
        }
    }
}

/// The kind of file an extension (lower case) makes a double-click run.
fn kind_of_extension(extension: &str) -> Option<Kind> {
    Some(match extension {
        "exe" | "com" | "scr" | "pif" | "cpl" | "dll" | "ocx" | "sys" | "drv" | "efi"
        | "gadget" | "application" | "appref-ms" | "xbap" | "xll" | "chm" | "hlp" | "msc" => {
            Kind::WindowsProgram
        }
        "bat" | "cmd" | "btm" | "js" | "jse" | "vb" | "vbs" | "vbe" | "wsf" | "wsh" | "wsc"
        | "ws" | "sct" | "hta" | "ps1" | "ps1xml" | "ps2" | "ps2xml" | "psc1" | "psc2" | "psd1"
        | "psm1" | "msh" | "msh1" | "msh2" | "mshxml" | "msh1xml" | "msh2xml" | "reg" | "inf"
        | "sh" | "bash" | "zsh" | "csh" | "ksh" | "fish" | "command" | "tool" | "py" | "pyw"
        | "pyc" | "pyz" | "pyzw" | "pl" | "rb" | "applescript" | "scpt" | "scptd" | "terminal" => {
            Kind::Script
        }
        "lnk" | "url" | "scf" | "website" | "settingcontent-ms" | "library-ms"
        | "searchconnector-ms" | "desktop" | "inetloc" | "fileloc" | "webloc" => Kind::Shortcut,
        "msi" | "msp" | "mst" | "msix" | "msixbundle" | "appx" | "appxbundle" | "appinstaller"
        | "pkg" | "mpkg" | "deb" | "rpm" | "flatpakref" | "flatpak" | "snap" => Kind::Installer,
        "jar" | "jnlp" | "class" => Kind::JavaProgram,
        "app" | "action" | "workflow" | "prefpane" | "kext" => Kind::MacProgram,
        "appimage" | "run" | "elf" | "ko" => Kind::LinuxProgram,
        "iso" | "img" | "vhd" | "vhdx" | "dmg" | "udf" => Kind::DiskImage,
        _ => return None,
    })
}

/// The kind of program a file's first bytes say it is.
fn kind_of_contents(bytes: &[u8]) -> Option<Kind> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"MZ") {
        Some(Kind::WindowsProgram)
    } else if starts(b"\x7fELF") {
        Some(Kind::LinuxProgram)
    } else if starts(b"#!") {
        Some(Kind::Script)
    } else if [
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbf",
    ]
    .iter()
    .any(|m| starts(*m))
    {
        Some(Kind::MacProgram)
    } else if starts(b"\xca\xfe\xba\xbe") {
        // A universal macOS program and a Java class share this magic; a universal
        // program counts a few architectures where a class file has its version (≥ 45).
        let count = bytes
            .get(4..8)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        Some(if count.is_some_and(|n| n < 45) {
            Kind::MacProgram
        } else {
            Kind::JavaProgram
        })
    } else if starts(b"\x4c\x00\x00\x00\x01\x14\x02\x00") {
        Some(Kind::Shortcut)
    } else {
        None
    }
}

/// The kind of program a declared MIME type (lower case, without parameters) names.
fn kind_of_mime(mime: &str) -> Option<Kind> {
    Some(match mime {
        "application/x-msdownload"
        | "application/x-msdos-program"
        | "application/x-dosexec"
        | "application/x-ms-dos-executable"
        | "application/x-winexe"
        | "application/x-exe"
        | "application/exe"
        | "application/x-ms-application"
        | "application/vnd.microsoft.portable-executable" => Kind::WindowsProgram,
        "application/x-sh"
        | "application/x-shellscript"
        | "text/x-shellscript"
        | "text/x-sh"
        | "application/x-csh"
        | "application/javascript"
        | "application/x-javascript"
        | "application/ecmascript"
        | "text/javascript"
        | "text/ecmascript"
        | "text/jscript"
        | "text/vbscript"
        | "text/vbs"
        | "application/x-vbscript"
        | "application/hta"
        | "application/x-hta"
        | "application/bat"
        | "application/x-bat"
        | "application/x-msdos-batch"
        | "text/x-msdos-batch"
        | "application/x-powershell"
        | "text/x-powershell"
        | "application/x-python"
        | "application/x-python-code"
        | "text/x-python"
        | "application/x-perl"
        | "text/x-perl"
        | "application/x-ruby"
        | "text/x-ruby"
        | "application/x-applescript" => Kind::Script,
        "application/x-ms-shortcut" | "application/x-desktop" | "application/x-mswinurl" => {
            Kind::Shortcut
        }
        "application/x-msi"
        | "application/x-ms-installer"
        | "application/x-windows-installer"
        | "application/x-ole-storage+msi"
        | "application/msix"
        | "application/appx"
        | "application/vnd.debian.binary-package"
        | "application/x-debian-package"
        | "application/x-rpm"
        | "application/x-redhat-package-manager"
        | "application/x-newton-compatible-pkg"
        | "application/vnd.flatpak.ref" => Kind::Installer,
        "application/java-archive"
        | "application/x-java-archive"
        | "application/x-jar"
        | "application/x-java-jnlp-file"
        | "application/java-vm"
        | "application/x-java-applet" => Kind::JavaProgram,
        "application/x-mach-binary" | "application/x-mach-o-executable" => Kind::MacProgram,
        "application/x-executable"
        | "application/x-elf"
        | "application/x-sharedlib"
        | "application/x-pie-executable"
        | "application/x-appimage"
        | "application/vnd.appimage" => Kind::LinuxProgram,
        "application/x-iso9660-image"
        | "application/x-apple-diskimage"
        | "application/x-raw-disk-image"
        | "application/x-virtualbox-vhd" => Kind::DiskImage,
        _ => return None,
    })
}

/// The last extension of a file name, lower case, if it has one.
fn extension(name: &str) -> Option<(String, Option<String>)> {
    let (rest, extension) = name.rsplit_once('.')?;
    if rest.is_empty() || extension.is_empty() {
        return None;
    }
    let posing_as = rest
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .filter(|e| {
            e.len() <= 5
                && e.chars().all(|c| c.is_ascii_alphanumeric())
                && e.chars().any(|c| c.is_ascii_alphabetic())
                && kind_of_extension(e).is_none()
        });
    Some((extension.to_lowercase(), posing_as))
}

/// Whether an attachment could run when the system opens it, and why: judged by the name
/// it will have on disk (`name` is cleaned first, as it will be when written), then by its
/// first bytes, then by the MIME type the message declares for it (`declared`, such as
/// `application/x-msdownload; name=a.exe`).
pub fn danger(name: &str, declared: &str, bytes: &[u8]) -> Option<Danger> {
    let on_disk = safe_file_name(name);
    if let Some((extension, posing_as)) = extension(&on_disk)
        && let Some(kind) = kind_of_extension(&extension)
    {
        return Some(Danger {
            kind,
            evidence: Evidence::Extension {
                extension,
                posing_as,
            },
        });
    }
    if let Some(kind) = kind_of_contents(bytes) {
        return Some(Danger {
            kind,
            evidence: Evidence::Contents,
        });
    }
    let mime = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    kind_of_mime(&mime).map(|kind| Danger {
        kind,
        evidence: Evidence::Declared(mime),
    })
}
