//! Passwords in a real Secret Service (GNOME Keyring), as on a Linux desktop:
//! packaging/test.sh runs the tests inside a private D-Bus session with its own unlocked
//! keyring (packaging/with-keyring.sh).

mod common;

use common::fake::{self, FakeServer, Options};
use poplar::secrets;

fn require_secret_service() {
    assert!(
        std::env::var_os("POPLAR_SECRET_SERVICE").is_some(),
        "these tests need a Secret Service: run them through packaging/test.sh \
         (or packaging/with-keyring.sh cargo test --test keyring)"
    );
}

#[test]
fn passwords_are_stored_read_and_deleted_in_the_keyring() {
    require_secret_service();
    let account = format!("keyring-test-{}", std::process::id());
    assert_eq!(
        secrets::get_password(&account),
        Err(secrets::Error::NotFound(account.clone()))
    );
    secrets::set_password(&account, "pässwörd 日本").unwrap();
    assert_eq!(secrets::get_password(&account).unwrap(), "pässwörd 日本");
    secrets::set_password(&account, "changed").unwrap();
    assert_eq!(secrets::get_password(&account).unwrap(), "changed");
    secrets::delete_password(&account).unwrap();
    assert!(matches!(
        secrets::get_password(&account),
        Err(secrets::Error::NotFound(_))
    ));
    // Deleting what is not there is fine.
    secrets::delete_password(&account).unwrap();
}

#[tokio::test]
async fn a_full_session_leaves_the_password_nowhere_on_disk() {
    require_secret_service();
    let server = FakeServer::start(
        (1..=3)
            .map(|n| format!("From: a@b.c\r\nSubject: Keyring {n}\r\n\r\nbody\r\n").into_bytes())
            .collect(),
        Options::default(),
        |_, _| None,
    )
    .await;
    let data = tempfile::tempdir().unwrap();
    let name = format!("keyring-session-{}", std::process::id());
    let port = server.port.to_string();
    let dir = data.path().to_path_buf();
    // The child process talks to the scripted server, which runs on this test's runtime:
    // wait for the child off the runtime's threads.
    let run = move |args: Vec<String>, stdin: Option<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            common::poplar(&dir, &args, stdin.as_deref())
        })
    };
    let (status, _, err) = run(
        [
            "account",
            "add",
            &name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "plain",
            "--user",
            fake::USER,
            "--keep",
            "forever",
            "--password-stdin",
        ]
        .map(String::from)
        .to_vec(),
        Some(format!("{}\n", fake::PASSWORD)),
    )
    .await
    .unwrap();
    assert!(status.success(), "{err}");
    // The fetch takes the password from the keyring: no --password-stdin.
    let (status, out, err) = run(["fetch", &name].map(String::from).to_vec(), None)
        .await
        .unwrap();
    assert!(status.success(), "{err}");
    assert!(String::from_utf8_lossy(&out).contains("3 new"));
    // A relative --to is relative to the working directory: name a folder inside the
    // data folder so the search below covers the backup too.
    let backups = data.path().join("backups").display().to_string();
    let (status, _, err) = run(
        ["backup", "--to", &backups].map(String::from).to_vec(),
        None,
    )
    .await
    .unwrap();
    assert!(status.success(), "{err}");

    // Search every file in the data folder for the password, in plain and in UTF-16.
    let needle = fake::PASSWORD.as_bytes();
    let wide: Vec<u8> = fake::PASSWORD
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut files = 0;
    let mut stack = vec![data.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            for pattern in [needle, &wide[..]] {
                assert!(
                    !bytes.windows(pattern.len()).any(|w| w == pattern),
                    "the password is in {}",
                    path.display()
                );
            }
        }
    }
    assert!(files >= 2, "the database and the backup were searched");
    secrets::delete_password(&name).unwrap();
}
