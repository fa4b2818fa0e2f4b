//! What an attachment may be called on disk, and whether opening it could run it.
//!
//! A stranger chooses an attachment's name, its declared type and its bytes; none of the
//! three may make a program look like a document (DESIGN promise 7). Names lose the
//! characters that reorder or hide text, and the type is judged by the name the file will
//! really have on disk, by its first bytes and by its declared type, whichever speaks first.

/// The most a file name may take on common file systems (ext4, NTFS and APFS count 255
/// bytes or UTF-16 units; UTF-8 bytes are never fewer).
pub const MAX_NAME_BYTES: usize = 255;

/// What an attachment name becomes when nothing usable is left of it.
const FALLBACK: &str = "attachment";

/// Characters that draw nothing or change how the text around them is drawn: the Unicode
/// format characters (bidirectional overrides and isolates, zero-width spaces and joiners,
/// the byte-order mark, tags, …) and the fillers that look like nothing. Dropped from names
/// so that `invoice<U+202E>fdp.exe` cannot be drawn as `invoiceexe.pdf`.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE007F
    )
}

/// The one rule for characters in file names (attachments, exported messages): those not
/// allowed (or dangerous) on Windows, macOS or Linux become '_', any other space is a
/// plain space, and invisible characters are dropped.
pub fn file_name_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().filter(|c| !is_invisible(*c)).map(|c| match c {
        '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
        c if c.is_control() => '_',
        // The ideographic space is a character of Japanese names, not a gap to fill.
        '\u{3000}' => c,
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// A file name that cannot leave the folder it is saved in, cannot hide or reorder its
/// characters, is no reserved device name on Windows, keeps its extension in at most
/// [`MAX_NAME_BYTES`], and ends the way Windows would store it (no trailing dots or
/// spaces, which Windows strips: `a.exe.` is `a.exe`). Never empty.
pub fn safe_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(MAX_NAME_BYTES));
    // Runs of spaces would push a real extension out of sight ("a.pdf      .exe").
    for c in file_name_chars(name) {
        if !(c.is_whitespace() && (out.is_empty() || out.ends_with(char::is_whitespace))) {
            out.push(c);
        }
    }
    let mut name = tidy_ends(&out).to_string();
    if name.is_empty() {
        name = FALLBACK.into();
    }
    name = fit(&name, MAX_NAME_BYTES);
    if is_reserved(&name) {
        name = fit(&format!("_{name}"), MAX_NAME_BYTES);
    }
    name
}

/// Without leading dots (hidden files, `..`) and trailing dots, nor spaces at either end.
fn tidy_ends(name: &str) -> &str {
    let end = |c: char| c == '.' || c.is_whitespace();
    name.trim_start_matches(end).trim_end_matches(end)
}

/// `name` cut to at most `max` bytes on a character boundary, keeping a short extension.
fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let cut = |s: &str, bytes: usize| -> String {
        let mut end = bytes.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= 16 => name.split_at(dot),
        _ => (name, ""),
    };
    let stem = cut(stem, max - extension.len());
    let fitted = format!("{}{extension}", tidy_ends(&stem));
    let fitted = tidy_ends(&fitted);
    if fitted.is_empty() {
        FALLBACK.into()
    } else {
        fitted.to_string()
    }
}

/// Windows refuses these as file names (whatever the extension, and ignoring spaces before
/// it): `NUL.txt` is the null device.
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let upper = stem.to_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ["COM", "LPT"].iter().any(|device| {
        upper.strip_prefix(device).is_some_and(|n| {
            matches!(
                n,
                "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidirectional_and_invisible_characters_are_dropped() {
        assert_eq!(safe_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(
            safe_file_name(
                "\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{202A}\u{202B}\u{202C}\u{202D}.txt"
            ),
            "abc.txt"
        );
        assert_eq!(
            safe_file_name("re\u{200B}port\u{200C}\u{200D}\u{200E}\u{200F}\u{FEFF}.pdf"),
            "report.pdf"
        );
        assert_eq!(safe_file_name("tag\u{E0041}\u{E007F}.doc"), "tag.doc");
        assert_eq!(safe_file_name("\u{202E}\u{200B}"), "attachment");
    }

    #[test]
    fn separators_controls_and_spaces_are_made_harmless() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("a\\b:c*d?e\"f<g>h|i"), "a_b_c_d_e_f_g_h_i");
        assert_eq!(safe_file_name("line\nbreak\t.txt"), "line_break_.txt");
        assert_eq!(safe_file_name("a.pdf\u{2003}\u{2003}   .exe"), "a.pdf .exe");
        assert_eq!(safe_file_name("  .hidden  "), "hidden");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name(""), "attachment");
    }

    #[test]
    fn trailing_dots_and_spaces_go_as_windows_would_drop_them() {
        assert_eq!(safe_file_name("a.exe."), "a.exe");
        assert_eq!(safe_file_name("a.exe "), "a.exe");
        assert_eq!(safe_file_name("a.exe . . "), "a.exe");
    }

    #[test]
    fn windows_reserved_names_are_made_safe() {
        for name in [
            "CON",
            "con",
            "NUL.txt",
            "Aux.tar.gz",
            "com1",
            "LPT9.log",
            "PRN .txt",
        ] {
            let safe = safe_file_name(name);
            assert!(!is_reserved(&safe), "{name} -> {safe}");
            assert_eq!(safe, format!("_{name}"));
        }
        assert!(is_reserved("COM¹.txt"));
        for name in ["CONSOLE.txt", "nullable", "com10", "lpt", "icon.png"] {
            assert_eq!(safe_file_name(name), name);
        }
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary_keeping_the_extension() {
        let japanese = format!("{}.pdf", "請求書".repeat(40));
        assert!(japanese.len() > MAX_NAME_BYTES);
        let safe = safe_file_name(&japanese);
        assert!(safe.len() <= MAX_NAME_BYTES, "{}", safe.len());
        assert_eq!(safe, format!("{}請求.pdf", "請求書".repeat(27)));
        let long_extension = format!("a.{}", "x".repeat(300));
        assert_eq!(safe_file_name(&long_extension).len(), MAX_NAME_BYTES);
        // A cut that would end in a dot does not.
        let dotted = format!("{}.{}.pdf", "a".repeat(250), "b".repeat(10));
        let safe = safe_file_name(&dotted);
        assert_eq!(safe, format!("{}.pdf", "a".repeat(250)));
    }

    #[test]
    fn japanese_names_are_kept_intact() {
        for name in [
            "見積書.pdf",
            "会議　資料（最終版）.xlsx",
            "ﾃｽﾄ.txt",
            "写真①.jpg",
        ] {
            assert_eq!(safe_file_name(name), name);
        }
    }

    fn kind(name: &str, declared: &str, bytes: &[u8]) -> Option<Kind> {
        danger(name, declared, bytes).map(|d| d.kind)
    }

    #[test]
    fn programs_and_scripts_are_known_by_their_extension() {
        for (name, expected) in [
            ("setup.exe", Kind::WindowsProgram),
            ("SETUP.EXE", Kind::WindowsProgram),
            ("run.bat", Kind::Script),
            ("run.cmd", Kind::Script),
            ("old.com", Kind::WindowsProgram),
            ("screen.scr", Kind::WindowsProgram),
            ("tool.msi", Kind::Installer),
            ("a.js", Kind::Script),
            ("a.jse", Kind::Script),
            ("a.vbs", Kind::Script),
            ("a.wsf", Kind::Script),
            ("a.hta", Kind::Script),
            ("a.lnk", Kind::Shortcut),
            ("a.ps1", Kind::Script),
            ("a.jar", Kind::JavaProgram),
            ("a.app", Kind::MacProgram),
            ("a.command", Kind::Script),
            ("a.desktop", Kind::Shortcut),
            ("a.sh", Kind::Script),
            ("Poplar.AppImage", Kind::LinuxProgram),
            ("disk.iso", Kind::DiskImage),
        ] {
            assert_eq!(kind(name, "", b"hello"), Some(expected), "{name}");
        }
        for name in [
            "report.pdf",
            "photo.jpg",
            "notes.txt",
            "exe",
            "a.exe.pdf",
            ".exe",
        ] {
            assert_eq!(
                kind(name, "application/octet-stream", b"hello"),
                None,
                "{name}"
            );
        }
    }

    #[test]
    fn a_double_extension_is_named_for_what_it_is() {
        assert_eq!(
            danger("report.pdf.exe", "application/pdf", b"%PDF"),
            Some(Danger {
                kind: Kind::WindowsProgram,
                evidence: Evidence::Extension {
                    extension: "exe".into(),
                    posing_as: Some("pdf".into()),
                },
            })
        );
        assert_eq!(
            danger("請求書.PDF.scr", "", b"").unwrap().to_string(),
            "a Windows program (.scr, posing as .pdf)"
        );
    }

    #[test]
    fn trailing_dots_spaces_and_bidi_cannot_hide_the_extension() {
        for name in [
            "a.exe.",
            "a.exe ",
            "a.exe. .",
            "invoice\u{202E}fdp.exe",
            "a.e\u{200B}xe",
        ] {
            assert_eq!(kind(name, "", b""), Some(Kind::WindowsProgram), "{name}");
        }
    }

    #[test]
    fn contents_say_what_a_file_is_whatever_its_name() {
        for (bytes, expected) in [
            (&b"MZ\x90\x00\x03"[..], Kind::WindowsProgram),
            (b"\x7fELF\x02\x01\x01", Kind::LinuxProgram),
            (b"#!/bin/sh\nrm -rf ~\n", Kind::Script),
            (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", Kind::MacProgram),
            (b"\xfe\xed\xfa\xce", Kind::MacProgram),
            (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", Kind::MacProgram),
            (b"\xca\xfe\xba\xbe\x00\x00\x00\x34", Kind::JavaProgram),
            (b"L\x00\x00\x00\x01\x14\x02\x00\x00", Kind::Shortcut),
        ] {
            let found = danger("invoice.pdf", "application/pdf", bytes).unwrap();
            assert_eq!(found.kind, expected, "{bytes:?}");
            assert_eq!(found.evidence, Evidence::Contents);
        }
        for bytes in [&b"%PDF-1.7"[..], b"", b"M", b"\x89PNG\r\n", b" #!/bin/sh"] {
            assert_eq!(kind("invoice.pdf", "application/pdf", bytes), None);
        }
    }

    #[test]
    fn a_declared_program_type_counts_whatever_the_name() {
        let found = danger(
            "invoice.pdf",
            "Application/X-MSDownload; name=\"invoice.pdf\"",
            b"%PDF",
        )
        .unwrap();
        assert_eq!(found.kind, Kind::WindowsProgram);
        assert_eq!(
            found.evidence,
            Evidence::Declared("application/x-msdownload".into())
        );
        assert_eq!(kind("x", "text/javascript", b""), Some(Kind::Script));
        assert_eq!(
            kind("x", "application/java-archive", b""),
            Some(Kind::JavaProgram)
        );
        assert_eq!(kind("x", "application/x-sh", b""), Some(Kind::Script));
        assert_eq!(kind("x", "application/octet-stream", b""), None);
        assert_eq!(kind("x", "text/plain", b""), None);
    }

    /// Any characters, often the ones names hide behind, sometimes long enough to be cut.
    fn hostile_name() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            any::<char>().prop_map(String::from),
            proptest::sample::select(vec![
                "\u{202E}",
                "\u{2066}",
                "\u{2069}",
                "\u{200B}",
                "\u{200F}",
                "\u{FEFF}",
                "\u{E0041}",
                "\u{00AD}",
                ".",
                " ",
                "/",
                "\\",
                ":",
                "?",
                "CON",
                "nul",
                "COM1",
                "LPT¹",
                "請求書",
                ".exe",
                "\n",
                "\u{3000}",
                "\u{2028}",
            ])
            .prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..120).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        // A fixed seed: the same cases on every run, and no regression files in src/.
        #![proptest_config(proptest::test_runner::Config {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(7),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn any_name_becomes_a_safe_file_name(name in hostile_name()) {
            let safe = safe_file_name(&name);
            proptest::prop_assert!(!safe.is_empty());
            proptest::prop_assert!(safe.len() <= MAX_NAME_BYTES, "{} bytes", safe.len());
            proptest::prop_assert!(
                !safe.chars().any(|c| c.is_control() || is_invisible(c)),
                "{safe:?}"
            );
            proptest::prop_assert!(!safe.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']));
            proptest::prop_assert!(!is_reserved(&safe), "{safe:?}");
            proptest::prop_assert!(!safe.ends_with(['.', ' ']) && !safe.starts_with('.'));
            proptest::prop_assert_eq!(safe_file_name(&safe), safe.clone(), "cleaning twice changes nothing");
        }

        #[test]
        fn long_names_of_any_script_fit(
            stem in "[0-9ぁ-ん漢字\u{202E}\u{200B} .]{100,400}",
            extension in "(pdf|exe|xlsx|)",
        ) {
            let name = format!("{stem}.{extension}");
            let safe = safe_file_name(&name);
            proptest::prop_assert!(safe.len() <= MAX_NAME_BYTES);
            proptest::prop_assert!(std::str::from_utf8(safe.as_bytes()).is_ok());
            proptest::prop_assert_eq!(
                danger(&safe, "", b"").is_some(),
                extension == "exe",
                "{:?}", safe
            );
        }
    }
}
