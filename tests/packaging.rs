//! The packaging configuration (cargo-packager's, in Cargo.toml) parses, every file it
//! names exists, one application id is used everywhere (window, desktop entry, AppStream,
//! icons, bundle), the release workflow builds and tries every format, and the CI
//! workflow tests on every system.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn manifest() -> toml::Table {
    std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

/// The (source, target) pairs of a cargo-packager `files` table.
fn files(table: &toml::Value) -> Vec<(String, String)> {
    table["files"]
        .as_table()
        .expect("files listed")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn the_packaging_configuration_names_files_that_exist() {
    let manifest = manifest();
    let packager = &manifest["package"]["metadata"]["packager"];
    assert_eq!(packager["identifier"].as_str(), Some(poplar::app::APP_ID));
    assert_eq!(packager["product-name"].as_str(), Some("Poplar"));
    // The MSI upgrade code is derived from the main binary's name: it must never change.
    assert_eq!(manifest["package"]["name"].as_str(), Some("poplar"));
    let main = packager["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["main"].as_bool() == Some(true))
        .expect("a main binary");
    assert_eq!(main["path"].as_str(), Some("poplar"));
    let readme = std::fs::read_to_string(Path::new(ROOT).join("packaging/README.md")).unwrap();
    assert!(readme.contains("6c83bbf6-2fe1-53fb-8994-3f73c3aa622e"));

    for icon in packager["icons"].as_array().unwrap() {
        let icon = icon.as_str().unwrap();
        assert!(Path::new(ROOT).join(icon).is_file(), "{icon} is missing");
    }
    for format in ["deb", "appimage"] {
        for (source, _) in files(&packager[format]) {
            assert!(
                Path::new(ROOT).join(&source).exists(),
                "{format}: {source} is missing"
            );
        }
    }
    // One desktop entry in each Linux package: ours, named as each format needs.
    assert_eq!(
        packager["linux"]["generate-desktop-entry"].as_bool(),
        Some(false)
    );
    let desktop = format!("assets/{}.desktop", poplar::app::APP_ID);
    let target = |format: &str| {
        files(&packager[format])
            .into_iter()
            .find(|(s, _)| *s == desktop)
            .map(|(_, t)| t)
    };
    assert_eq!(
        target("deb").as_deref(),
        Some("usr/share/applications/org.poplar.Poplar.desktop")
    );
    assert_eq!(
        target("appimage").as_deref(),
        Some("usr/share/applications/poplar.desktop")
    );
}

#[test]
fn the_release_workflow_builds_and_tries_every_format() {
    let workflow =
        std::fs::read_to_string(Path::new(ROOT).join(".github/workflows/release.yml")).unwrap();
    for formats in ["deb,appimage", "wix", "app,dmg"] {
        assert!(
            workflow.contains(&format!("formats: {formats}")),
            "{formats} is not built"
        );
    }
    assert!(workflow.contains("cargo packager --release --formats"));
    // Each built package is run once.
    assert!(workflow.matches("--version").count() >= 4);
    assert!(workflow.contains("actions/upload-artifact"));
}

#[test]
fn one_application_id_everywhere() {
    let id = poplar::app::APP_ID;
    let desktop =
        std::fs::read_to_string(Path::new(ROOT).join(format!("assets/{id}.desktop"))).unwrap();
    assert!(desktop.contains(&format!("StartupWMClass={id}")));
    assert!(desktop.contains(&format!("Icon={id}")));
    assert!(desktop.lines().any(|l| l == "Exec=poplar"));
    let metainfo =
        std::fs::read_to_string(Path::new(ROOT).join(format!("assets/{id}.metainfo.xml"))).unwrap();
    assert!(metainfo.contains(&format!("<id>{id}</id>")));
    assert!(metainfo.contains(&format!(
        "<launchable type=\"desktop-id\">{id}.desktop</launchable>"
    )));
    for size in [16, 24, 32, 48, 64, 128, 256, 512] {
        let icon = format!("assets/icons/hicolor/{size}x{size}/apps/{id}.png");
        let bytes = std::fs::read(Path::new(ROOT).join(&icon)).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{icon}");
    }
    for file in ["assets/icons/poplar.ico", "assets/icons/poplar.icns"] {
        assert!(
            Path::new(ROOT).join(file).metadata().unwrap().len() > 1000,
            "{file}"
        );
    }
}

/// Git on Windows keeps no executable bits to check.
#[cfg(unix)]
#[test]
fn the_packaging_scripts_are_executable() {
    use std::os::unix::fs::PermissionsExt;
    for script in [
        "packaging/setup-debian.sh",
        "packaging/run.sh",
        "packaging/test.sh",
        "packaging/with-keyring.sh",
        "packaging/icons.sh",
        "packaging/build-deb.sh",
        "packaging/build-appdir.sh",
    ] {
        let mode = std::fs::metadata(Path::new(ROOT).join(script))
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "{script} is not executable");
    }
}

#[test]
fn the_ci_workflow_tests_on_every_system_and_our_own_ci_skips_nothing() {
    let read = |path: &str| std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    let workflow = read(".github/workflows/ci.yml");
    for os in ["ubuntu-latest", "windows-latest", "macos-latest"] {
        assert!(workflow.contains(os), "{os} is not tested");
    }
    assert!(workflow.contains("pull_request"));
    // Linux runs packaging/test.sh itself (formatting, lints, Dovecot and the keyring);
    // the others run the tests, which skip what their system lacks.
    assert!(workflow.contains("packaging/test.sh"));
    assert!(workflow.contains("cargo test --all-targets --locked"));
    let test = read("packaging/test.sh");
    assert!(test.contains("export POPLAR_REQUIRE_SERVERS=1"));
    assert!(test.contains("cargo fmt --all -- --check"));
    assert!(test.contains("cargo clippy --all-targets --locked -- -D warnings"));
    assert!(read(".ci/run").contains("packaging/test.sh"));
}
