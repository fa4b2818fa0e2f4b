//! The packaging configuration parses, every file it names exists, and one application id
//! is used everywhere (window, desktop entry, AppStream, icons).

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_deb_configuration_names_files_that_exist() {
    let manifest: toml::Table = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let deb = &manifest["package"]["metadata"]["deb"];
    let assets = deb["assets"].as_array().expect("assets listed");
    assert!(!assets.is_empty());
    for asset in assets {
        let source = asset[0].as_str().unwrap();
        if source.starts_with("target/") {
            continue; // built by the packaging script
        }
        assert!(
            Path::new(ROOT).join(source).is_file(),
            "{source} is missing"
        );
    }
    assert!(
        assets
            .iter()
            .any(|a| a[0].as_str() == Some("target/release/poplar")),
        "the binary is packaged"
    );
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
