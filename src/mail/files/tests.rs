//! Tests of attachment file names and of the judgement of their danger.

use super::*;

#[test]
fn bidirectional_and_invisible_characters_are_dropped() {
    assert_eq!(safe_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    assert_eq!(
        safe_file_name("\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{202A}\u{202B}\u{202C}\u{202D}.txt"),
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
