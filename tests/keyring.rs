//! Passwords in a real Secret Service (GNOME Keyring), as on a Linux desktop:
//! packaging/test.sh runs the tests inside a private D-Bus session with its own unlocked
//! keyring (packaging/with-keyring.sh). Elsewhere (Windows, macOS, a plain `cargo test`)
//! they skip, saying why, unless servers are required (`common::skip`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fake::{self, FakeServer, Options};
use poplar::accounts::{Account, Settings};
use poplar::paths::Paths;
use poplar::secrets::{self, Keyring};
use poplar::store::Store;
use poplar::ui::mailbox;

/// One test at a time: GNOME Keyring has been seen to drop its D-Bus connection when
/// several clients (some of them `poplar` processes) open sessions at once.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The variable packaging/with-keyring.sh sets inside its private keyring session.
const SECRET_SERVICE: &str = "POPLAR_SECRET_SERVICE";

/// The turn of this test at the keyring, or `None` when there is no private Secret Service
/// (the test then returns: skipped, or failed when servers are required).
fn secret_service_or_skip() -> Option<std::sync::MutexGuard<'static, ()>> {
    if std::env::var_os(SECRET_SERVICE).is_none() {
        common::skip(
            "no private Secret Service: run these tests through packaging/test.sh \
             (or packaging/with-keyring.sh cargo test --test keyring)",
        );
        return None;
    }
    Some(
        SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

/// Runs one test of this file again in a process of its own, without a Secret Service and
/// with `POPLAR_REQUIRE_SERVERS` set or not: (succeeded, stderr).
fn run_alone_without_a_keyring(test: &str, required: bool) -> (bool, String) {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env_remove(SECRET_SERVICE)
        .env_remove(common::REQUIRE_SERVERS);
    if required {
        command.env(common::REQUIRE_SERVERS, "1");
    }
    let out = command.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn without_a_keyring_the_tests_skip_unless_servers_are_required() {
    let test = "passwords_are_stored_read_and_deleted_in_the_keyring";
    let (passed, stderr) = run_alone_without_a_keyring(test, false);
    assert!(passed, "{stderr}");
    assert!(
        stderr.contains("skipped: no private Secret Service"),
        "{stderr}"
    );
    let (passed, stderr) = run_alone_without_a_keyring(test, true);
    assert!(!passed, "a required server that is missing fails the test");
    assert!(stderr.contains("POPLAR_REQUIRE_SERVERS is set"), "{stderr}");
}

/// A data folder with one account of this name (added as by any release).
fn folder_with(name: &str) -> (tempfile::TempDir, Store, Account) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Paths::at(dir.path()).database()).unwrap();
    let account = store
        .add_account(&Settings {
            name: name.into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Settings::default()
        })
        .unwrap();
    (dir, store, account)
}

/// The entry earlier releases used: the account's name alone.
fn old_entry(name: &str) -> keyring::Entry {
    keyring::Entry::new(secrets::SERVICE, name).unwrap()
}

#[test]
fn passwords_are_stored_read_and_deleted_in_the_keyring() {
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let (_dir, store, account) = folder_with(&format!("keyring-test-{}", std::process::id()));
    let keyring = Keyring::open(&store).unwrap();
    assert!(matches!(
        keyring.get(&account),
        Err(secrets::Error::NotFound(name)) if name == account.settings.name
    ));
    keyring.set(&account, "pässwörd 日本").unwrap();
    assert_eq!(keyring.get(&account).unwrap(), "pässwörd 日本");
    keyring.set(&account, "changed").unwrap();
    assert_eq!(keyring.get(&account).unwrap(), "changed");
    keyring.delete(&account).unwrap();
    assert!(matches!(
        keyring.get(&account),
        Err(secrets::Error::NotFound(_))
    ));
    // Deleting what is not there is fine.
    keyring.delete(&account).unwrap();
}

/// An outgoing server with a password of its own has an entry of its own: setting one
/// never changes the other, and removing the account removes both.
#[test]
fn the_outgoing_servers_own_password_is_a_second_entry() {
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let (_dir, store, account) = folder_with(&format!("smtp-keyring-{}", std::process::id()));
    let keyring = Keyring::open(&store).unwrap();
    keyring.set(&account, "incoming").unwrap();
    assert!(matches!(
        keyring.get_outgoing(&account),
        Err(secrets::Error::NotFound(_))
    ));
    keyring.set_outgoing(&account, "送信用").unwrap();
    assert_eq!(keyring.get(&account).unwrap(), "incoming");
    assert_eq!(keyring.get_outgoing(&account).unwrap(), "送信用");
    keyring.delete(&account).unwrap();
    assert!(matches!(
        keyring.get(&account),
        Err(secrets::Error::NotFound(_))
    ));
    assert!(matches!(
        keyring.get_outgoing(&account),
        Err(secrets::Error::NotFound(_))
    ));
}

/// A portable stick and the home install, each with an account "work" (and the same id):
/// before, both used the one entry named "work", so setting the password in one changed
/// the other's and removing the account in one deleted the other's password.
#[tokio::test]
// The guard only keeps other tests of this file out; nothing in this runtime takes it.
#[allow(clippy::await_holding_lock)]
async fn two_data_folders_with_an_account_of_the_same_name_keep_their_own_passwords() {
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let server = FakeServer::start(
        vec![b"From: a@b.c\r\nSubject: Mine\r\n\r\nbody\r\n".to_vec()],
        Options::default(),
        |_, _| None,
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let stick = tempfile::tempdir().unwrap();
    let name = format!("work-{}", std::process::id());
    let port = server.port.to_string();
    let run = |dir: &std::path::Path, args: Vec<String>, stdin: Option<String>| {
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            common::poplar(&dir, &args, stdin.as_deref())
        })
    };
    let add = |password: &str| {
        (
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
            Some(format!("{password}\n")),
        )
    };
    let (args, stdin) = add(fake::PASSWORD);
    let (status, _, err) = run(home.path(), args, stdin).await.unwrap();
    assert!(status.success(), "{err}");
    // The stick's account of the same name has another password (another server, say).
    let (args, stdin) = add("the stick's own password");
    let (status, _, err) = run(stick.path(), args, stdin).await.unwrap();
    assert!(status.success(), "{err}");

    let fetch = || ["fetch", &name].map(String::from).to_vec();
    let (status, out, err) = run(home.path(), fetch(), None).await.unwrap();
    assert!(status.success(), "home uses its own password: {err}");
    assert!(String::from_utf8_lossy(&out).contains("1 new"));

    let (status, _, err) = run(
        stick.path(),
        ["account", "remove", &name].map(String::from).to_vec(),
        None,
    )
    .await
    .unwrap();
    assert!(status.success(), "{err}");
    let (status, out, err) = run(home.path(), fetch(), None).await.unwrap();
    assert!(
        status.success(),
        "removing the stick's account left home's password: {err}"
    );
    assert!(String::from_utf8_lossy(&out).contains("0 new"));

    // The stick's own entry went with its account.
    let stick_store = Store::open(&Paths::at(stick.path()).database()).unwrap();
    let home_store = Store::open(&Paths::at(home.path()).database()).unwrap();
    let home_account = home_store.account(&name).unwrap();
    let stick_keyring = Keyring::open(&stick_store).unwrap();
    assert!(matches!(
        stick_keyring.get(&home_account),
        Err(secrets::Error::NotFound(_))
    ));
    let home_keyring = Keyring::open(&home_store).unwrap();
    assert_ne!(home_keyring, stick_keyring);
    assert_eq!(home_keyring.get(&home_account).unwrap(), fake::PASSWORD);
    home_keyring.delete(&home_account).unwrap();
}

#[test]
fn an_old_name_keyed_password_is_copied_to_each_data_folder_once_and_left_in_place() {
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let name = format!("old-style-{}", std::process::id());
    let later = format!("added-later-{}", std::process::id());
    // Two data folders made by an older release, sharing the entry named after the account.
    let (_home_dir, home, home_account) = folder_with(&name);
    let (_stick_dir, stick, stick_account) = folder_with(&name);
    old_entry(&name).set_password("old secret").unwrap();
    old_entry(&later).set_password("someone else's").unwrap();

    let keyring = Keyring::open(&home).unwrap();
    assert_eq!(keyring.get(&home_account).unwrap(), "old secret");
    assert_eq!(
        old_entry(&name).get_password().unwrap(),
        "old secret",
        "the stick (not plugged in, say) still needs the old entry"
    );
    // Once moved, the account's own entry is its password: a change here stays here and
    // is not undone by the next start.
    keyring.set(&home_account, "new secret").unwrap();
    let keyring = Keyring::open(&home).unwrap();
    assert_eq!(keyring.get(&home_account).unwrap(), "new secret");
    let stick_keyring = Keyring::open(&stick).unwrap();
    assert_eq!(stick_keyring.get(&stick_account).unwrap(), "old secret");

    // An account added after the move never had an old entry of its own: one with its name
    // belongs to some other data folder.
    let added = home
        .add_account(&Settings {
            name: later.clone(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Settings::default()
        })
        .unwrap();
    let keyring = Keyring::open(&home).unwrap();
    assert!(matches!(
        keyring.get(&added),
        Err(secrets::Error::NotFound(_))
    ));

    keyring.delete(&home_account).unwrap();
    stick_keyring.delete(&stick_account).unwrap();
    old_entry(&name).delete_credential().unwrap();
    old_entry(&later).delete_credential().unwrap();
}

#[test]
fn renaming_an_account_in_the_window_keeps_its_password() {
    use common::window::Window;
    use poplar::app::Message;
    use poplar::ui::add_account::Message as Form;
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let before = format!("before-{}", std::process::id());
    let after = format!("after-{}", std::process::id());
    let (dir, store, account) = folder_with(&before);
    Keyring::open(&store)
        .unwrap()
        .set(&account, "kept")
        .unwrap();
    // Another data folder whose account has the new name keeps its own password too.
    let (_other_dir, other, other_account) = folder_with(&after);
    Keyring::open(&other)
        .unwrap()
        .set(&other_account, "the other's")
        .unwrap();

    let mut w = Window::start(Paths::at(dir.path()), poplar::i18n::Language::English);
    w.send([Message::EditAccount(account.id)]);
    w.send([Message::AddAccount(Form::Name(after.clone()))]);
    w.click("Save");
    let renamed = store.account(&after).expect("renamed");
    assert_eq!(renamed.id, account.id);
    let keyring = Keyring::open(&store).unwrap();
    assert_eq!(keyring.get(&renamed).unwrap(), "kept");
    assert_eq!(
        Keyring::open(&other).unwrap().get(&other_account).unwrap(),
        "the other's"
    );
    keyring.delete(&renamed).unwrap();
    Keyring::open(&other)
        .unwrap()
        .delete(&other_account)
        .unwrap();
}

#[tokio::test]
// The guard only keeps other tests of this file out; nothing in this runtime takes it.
#[allow(clippy::await_holding_lock)]
async fn a_full_session_leaves_the_password_nowhere_on_disk() {
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
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
    let store = Store::open(&Paths::at(data.path()).database()).unwrap();
    let account = store.account(&name).unwrap();
    Keyring::open(&store).unwrap().delete(&account).unwrap();
}

/// A wrong password typed at the prompt, then corrected in the account dialog: the next
/// fetch uses the corrected one (the worker kept the prompt's answer until restart).
#[test]
fn a_password_corrected_in_the_dialog_is_used_at_once() {
    use common::window::Window;
    use poplar::app::{Message, Modal};
    use poplar::ui::add_account::Message as Form;
    use poplar::ui::password_prompt::Message as Prompt;
    use poplar::worker::Event;
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let mut w = Window::start(paths.clone(), poplar::i18n::Language::English);
    let server = w.runtime.block_on(FakeServer::start(
        vec![b"From: a@b.c\r\nSubject: Corrected\r\n\r\nbody\r\n".to_vec()],
        Options::default(),
        |_, _| None,
    ));
    let name = format!("corrected-{}", std::process::id());
    let account = Store::open(&paths.database())
        .unwrap()
        .add_account(&common::fake_account(&server, &name))
        .unwrap();
    let mut events = w.start_worker(&paths);
    w.send([Message::Mailbox(mailbox::Message::SelectFolder(
        poplar::app::Folder::AllInboxes,
    ))]);

    w.send([Message::GetMail]);
    assert!(matches!(
        w.until_fetch_done(&mut events),
        Event::Failed { .. }
    ));
    assert!(matches!(w.app.modal, Some(Modal::Password)), "asked");
    w.send([
        Message::Password(Prompt::Typed("wrong".into())),
        Message::Password(Prompt::Submit),
    ]);
    assert!(
        matches!(w.until_fetch_done(&mut events), Event::Failed { .. }),
        "the wrong password is refused"
    );

    w.send([Message::EditAccount(account.id)]);
    w.send([Message::AddAccount(Form::Password(fake::PASSWORD.into()))]);
    w.click("Save");
    w.send([Message::GetMail]);
    let event = w.until_fetch_done(&mut events);
    assert!(
        matches!(&event, Event::Finished { report, .. } if report.new == 1),
        "{event:?}"
    );
    Keyring::open(&Store::open(&paths.database()).unwrap())
        .unwrap()
        .delete(&account)
        .unwrap();
}

/// A password of the outgoing server's own, stored from the command line and changed in
/// the dialog, is the one the server gets; the incoming password stays apart.
#[test]
fn the_outgoing_servers_own_password_is_used_to_send() {
    use common::smtp::{PASSWORD, Smtpd};
    use common::window::Window;
    use poplar::app::Message;
    use poplar::ui::add_account::Message as Form;
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let Some(smtpd) = Smtpd::start_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let port = smtpd.starttls_port.to_string();
    let name = format!("own-{}", std::process::id());
    let (status, _, err) = common::poplar(
        data,
        &[
            "account",
            "add",
            &name,
            "--host",
            "127.0.0.1",
            "--user",
            common::smtp::USER,
            "--email",
            "alice@example.jp",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &port,
            "--smtp-ca-file",
            smtpd.cert.to_str().unwrap(),
            "--smtp-own-password",
        ],
        None,
    );
    assert!(status.success(), "{err}");
    let incoming = "incoming, not for sending";
    for (args, given) in [
        (vec!["account", "password", &name], incoming),
        (vec!["account", "password", &name, "--outgoing"], PASSWORD),
    ] {
        let (status, _, err) = common::poplar(data, &args, Some(&format!("{given}\n")));
        assert!(status.success(), "{err}");
    }
    let send = |subject: &str| {
        common::poplar(
            data,
            &[
                "send",
                "--account",
                &name,
                "--to",
                "taro@example.jp",
                "--subject",
                subject,
                "--body",
                "Hi.\n",
            ],
            None,
        )
    };
    let (status, _, err) = send("first");
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(smtpd.wait_for(1).len(), 1);

    // Changed in the dialog: the new one goes to the outgoing entry only.
    let paths = Paths::at(data);
    let store = Store::open(&paths.database()).unwrap();
    let account = store.account(&name).unwrap();
    let mut w = Window::start(paths.clone(), poplar::i18n::Language::English);
    w.send([Message::EditAccount(account.id)]);
    w.send([Message::AddAccount(Form::SmtpPassword(
        "送信用の新しい合言葉".into(),
    ))]);
    w.click("Save");
    let keyring = Keyring::open(&store).unwrap();
    assert_eq!(
        keyring.get_outgoing(&account).unwrap(),
        "送信用の新しい合言葉"
    );
    assert_eq!(keyring.get(&account).unwrap(), incoming);
    let (status, _, err) = send("second");
    assert_eq!(
        status.code(),
        Some(1),
        "the server's password is no more: {err}"
    );
    keyring.delete(&account).unwrap();
}

/// Sign-in tokens longer than one Windows credential (Microsoft's are) go in several
/// entries and come back whole; shorter ones replace them without leftovers; removing the
/// account removes them all.
#[test]
fn long_sign_in_tokens_are_kept_in_pieces() {
    use poplar::oauth::Tokens;
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
    let account = store
        .add_account(&Settings {
            name: "tokens".into(),
            host: "pop.example.com".into(),
            user: "u".into(),
            ..Settings::default()
        })
        .unwrap();
    let keyring = Keyring::open(&store).unwrap();
    let long = Tokens {
        access: "a".repeat(3000) + "-end",
        refresh: Some("r".repeat(2500) + "-end"),
        expires_at: 100,
        refresh_at: 50,
    };
    keyring.set_tokens(&account, &long).unwrap();
    assert_eq!(keyring.get_tokens(&account).unwrap(), Some(long));
    let user = keyring.user(account.id);
    let part =
        |n: usize| keyring::Entry::new(secrets::SERVICE, &format!("{user}/oauth/{n}")).unwrap();
    assert!(part(5).get_password().is_ok(), "six pieces");
    let short = Tokens {
        access: "short".into(),
        refresh: None,
        expires_at: 1,
        refresh_at: 0,
    };
    keyring.set_tokens(&account, &short).unwrap();
    assert_eq!(keyring.get_tokens(&account).unwrap(), Some(short));
    assert!(part(1).get_password().is_err(), "no piece left behind");
    keyring
        .set_tokens(
            &account,
            &Tokens {
                access: "x".repeat(2100),
                ..Default::default()
            },
        )
        .unwrap();
    keyring.delete(&account).unwrap();
    assert_eq!(keyring.get_tokens(&account).unwrap(), None);
    assert!(part(1).get_password().is_err() && part(2).get_password().is_err());
}

/// A sign-in changed to another issuer without signing in there forgets the old tokens
/// (they must never reach the new issuer); saving the same sign-in keeps them.
#[test]
fn a_changed_issuer_signs_the_account_out() {
    use poplar::accounts::AuthMethod;
    use poplar::accounts::oauth::{OAuth, Provider};
    use poplar::accounts::save::{self, IfKeyringFails, Request};
    use poplar::oauth::Tokens;
    let Some(_serial) = secret_service_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
    let custom = |issuer: &str| OAuth {
        provider: Provider::Custom,
        issuer: Some(issuer.into()),
        client_id: Some("app".into()),
    };
    let settings = Settings {
        name: "moved".into(),
        host: "pop.example.com".into(),
        user: "u".into(),
        auth: AuthMethod::OAuth2,
        oauth: Some(custom("https://a.example.com")),
        ..Settings::default()
    };
    let request = |id, settings: Settings, tokens| Request {
        id,
        settings,
        password: None,
        outgoing_password: None,
        tokens,
        if_keyring_fails: IfKeyringFails::Undo,
    };
    let tokens = Tokens {
        access: "from-a".into(),
        ..Tokens::default()
    };
    let saved = save::save(
        &store,
        request(None, settings.clone(), Some(tokens.clone())),
    )
    .unwrap();
    let id = Some(saved.account.id);
    let keyring = Keyring::open(&store).unwrap();
    assert_eq!(
        keyring.get_tokens(&saved.account).unwrap(),
        Some(tokens.clone())
    );
    save::save(&store, request(id, settings.clone(), None)).unwrap();
    assert_eq!(
        keyring.get_tokens(&saved.account).unwrap(),
        Some(tokens),
        "kept"
    );
    let moved = Settings {
        oauth: Some(custom("https://b.example.com")),
        ..settings
    };
    save::save(&store, request(id, moved, None)).unwrap();
    assert_eq!(
        keyring.get_tokens(&saved.account).unwrap(),
        None,
        "signed out"
    );
    keyring.delete(&saved.account).unwrap();
}
