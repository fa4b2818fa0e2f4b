//! A private Dovecot POP3 server for one test: its own config, state, log, Maildir,
//! self-signed certificate and free loopback ports. Needs root (Dovecot drops to its own
//! users) and the Debian package dovecot-pop3d, which packaging/setup-debian.sh installs.
//! Where either is missing (always on Windows and macOS), [`Dovecot::start_or_skip`] skips
//! the test, or fails it when servers are required (`super::skip`).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse";

pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub plain_port: u16,
    pub tls_port: u16,
    pub cert: PathBuf,
    maildir: PathBuf,
    uid: u32,
    gid: u32,
    child: Child,
    delivered: usize,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ids(name: &str) -> (u32, u32) {
    let out = |flag: &str| -> u32 {
        let o = Command::new("id").arg(flag).arg(name).output().unwrap();
        assert!(
            o.status.success(),
            "the user {name} is missing: install dovecot-pop3d (packaging/setup-debian.sh test)"
        );
        String::from_utf8(o.stdout).unwrap().trim().parse().unwrap()
    };
    (out("-u"), out("-g"))
}

const DOVECOT: &str = "/usr/sbin/dovecot";

/// Why Dovecot cannot run for a test here, if it cannot.
pub fn missing() -> Option<String> {
    if !cfg!(unix) {
        return Some("dovecot not found (the Dovecot tests run on Linux)".into());
    }
    if !Path::new(DOVECOT).exists() {
        return Some(format!(
            "dovecot not found at {DOVECOT} (packaging/setup-debian.sh test installs it)"
        ));
    }
    let euid = effective_uid();
    if euid != 0 {
        return Some(format!(
            "the Dovecot tests run as root (Dovecot drops privileges to its own users); uid is {euid}"
        ));
    }
    None
}

/// Makes `path` Dovecot's (its mail user's), as its mail processes must write there.
#[cfg(unix)]
fn give(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
}

#[cfg(not(unix))]
fn give(_path: &Path, _uid: u32, _gid: u32) {
    unreachable!("Dovecot runs only on Unix (missing() says so first)");
}

/// Lets Dovecot's users into the test's folder.
#[cfg(unix)]
fn open_to_all(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn open_to_all(_path: &Path) {
    unreachable!("Dovecot runs only on Unix (missing() says so first)");
}

impl Dovecot {
    /// A started server, or `None` when Dovecot cannot run here: the test then returns
    /// (it is skipped, saying why), unless servers are required (then it fails).
    pub fn start_or_skip() -> Option<Dovecot> {
        if let Some(reason) = missing() {
            super::skip(&reason);
            return None;
        }
        Some(Dovecot::start())
    }

    /// A started server; fails when Dovecot cannot run here (for the benchmarks, which
    /// are run by hand).
    pub fn start() -> Dovecot {
        Dovecot::start_with(&Login::Password)
    }

    /// A started server whose logins are OAuth2 bearer tokens, checked by Dovecot's oauth2
    /// passdb against `issuer`'s introspection endpoint, offering exactly `mechanisms`
    /// (of `xoauth2`, `oauthbearer`, and the password ones, `plain login cram-md5 apop`,
    /// which still take [`PASSWORD`]); or `None` when Dovecot cannot run here, as
    /// [`Dovecot::start_or_skip`].
    pub fn start_oauth_or_skip(
        issuer: &super::oauth::MockIssuer,
        mechanisms: &[&str],
    ) -> Option<Dovecot> {
        if let Some(reason) = missing() {
            super::skip(&reason);
            return None;
        }
        Some(Dovecot::start_oauth(issuer, mechanisms))
    }

    /// [`Dovecot::start_oauth_or_skip`], failing when Dovecot cannot run here.
    pub fn start_oauth(issuer: &super::oauth::MockIssuer, mechanisms: &[&str]) -> Dovecot {
        Dovecot::start_with(&Login::OAuth {
            introspection_url: issuer.introspection_url(),
            mechanisms: mechanisms.iter().map(|m| m.to_ascii_lowercase()).collect(),
        })
    }

    fn start_with(login: &Login) -> Dovecot {
        if let Some(reason) = missing() {
            panic!("{reason}");
        }
        let dir = tempfile::Builder::new()
            .prefix("poplar-dovecot-")
            .tempdir()
            .unwrap();
        let root = dir.path().to_path_buf();
        open_to_all(&root);
        let (uid, gid) = ids("dovecot");

        // Certificate for 127.0.0.1 and localhost, made for this run.
        let (cert, _key) = super::make_certificate(&root);

        std::fs::write(
            root.join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
        )
        .unwrap();

        let home = root.join("mail").join(USER);
        let maildir = home.join("Maildir");
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        for d in [root.join("mail"), home.clone(), maildir.clone()]
            .into_iter()
            .chain(["new", "cur", "tmp"].map(|s| maildir.join(s)))
        {
            give(&d, uid, gid);
        }

        let plain_port = free_port();
        let tls_port = free_port();
        let config = config(&root, login, (uid, gid), (plain_port, tls_port));
        let conf = root.join("dovecot.conf");
        std::fs::write(&conf, config).unwrap();
        let output = std::fs::File::create(root.join("dovecot.out")).unwrap();
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .expect("start dovecot");

        let mut server = Dovecot {
            dir,
            plain_port,
            tls_port,
            cert,
            maildir,
            uid,
            gid,
            child,
            delivered: 0,
        };
        server.wait_ready();
        server
    }

    /// Waits until both listeners accept connections (or Dovecot exits).
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("Dovecot exited ({status}) at start:\n{}", self.log());
            }
            let up = |port| TcpStream::connect(("127.0.0.1", port)).is_ok();
            if up(self.plain_port) && up(self.tls_port) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "Dovecot did not start listening:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log(&self) -> String {
        let read = |name| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        format!("{}{}", read("dovecot.out"), read("dovecot.log"))
    }

    /// Adds account `name` for this server to the Poplar data folder `data` (over TLS,
    /// trusting this server's certificate), with `extra` options such as `--keep delete`.
    #[allow(dead_code)]
    pub fn add_account(&self, data: &Path, name: &str, extra: &[&str]) {
        self.add_account_with(data, name, extra, None);
    }

    /// [`Dovecot::add_account`] with `stdin` given to the command (`--password-stdin`).
    #[allow(dead_code)]
    pub fn add_account_with(&self, data: &Path, name: &str, extra: &[&str], stdin: Option<&str>) {
        let port = self.tls_port.to_string();
        let cert = self.cert.display().to_string();
        let mut args = vec![
            "account",
            "add",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--user",
            USER,
            "--ca-file",
            &cert,
        ];
        args.extend_from_slice(extra);
        let (status, _, err) = super::poplar(data, &args, stdin);
        assert!(status.success(), "account add: {err}");
    }

    /// `poplar fetch` into `data`, which must succeed: what it printed.
    #[allow(dead_code)]
    pub fn fetch_into(&self, data: &Path) -> String {
        let password = format!("{PASSWORD}\n");
        let (status, out, err) =
            super::poplar(data, &["fetch", "--password-stdin"], Some(&password));
        assert!(status.success(), "fetch: {err}");
        String::from_utf8(out).unwrap()
    }

    /// Puts a message into the Maildir (as a mail delivery agent would).
    ///
    /// The file is named as a delivery agent names it (seconds, microseconds, process,
    /// counter, host), with microseconds that vary from one message to the next. Dovecot
    /// keys its Maildir index by these names with an ELF-style hash, and names that
    /// differed only in a counter (`1700000001.M1P1.host`, ...) fell into about 1,000
    /// hash values for 10,000 messages: its mailbox sync turned quadratic, a quarter of
    /// the machine's time in a benchmark went to comparing file names, and that was
    /// most of each session's wait (BENCHMARKS.md, issue 20, fifth day).
    pub fn deliver(&mut self, bytes: &[u8]) {
        self.delivered += 1;
        let n = self.delivered;
        let name = format!(
            "{}.M{}P4242Q{n}.poplar-test",
            1_700_000_000 + n,
            n * 7_919 % 1_000_000
        );
        let tmp = self.maildir.join("tmp").join(&name);
        std::fs::write(&tmp, bytes).unwrap();
        give(&tmp, self.uid, self.gid);
        std::fs::rename(&tmp, self.maildir.join("new").join(&name)).unwrap();
    }

    /// The messages now in the mailbox, in delivery order.
    pub fn mailbox(&self) -> Vec<Vec<u8>> {
        // Dovecot moves files from new/ to cur/ (renaming them) while we read: list again
        // when a file vanishes under us.
        'again: loop {
            let mut files: Vec<PathBuf> = Vec::new();
            for sub in ["new", "cur"] {
                for entry in std::fs::read_dir(self.maildir.join(sub)).unwrap() {
                    files.push(entry.unwrap().path());
                }
            }
            files.sort_by_key(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .split('.')
                    .next()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap_or(0)
            });
            let mut messages = Vec::with_capacity(files.len());
            for path in &files {
                match std::fs::read(path) {
                    Ok(bytes) => messages.push(bytes),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue 'again,
                    Err(e) => panic!("{e}"),
                }
            }
            return messages;
        }
    }

    /// How many messages are in the mailbox.
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .map(|sub| std::fs::read_dir(self.maildir.join(sub)).unwrap().count())
            .sum()
    }
}

/// How a test server checks logins.
enum Login {
    /// [`USER`] and [`PASSWORD`], by every password mechanism.
    Password,
    /// Bearer tokens, asked about at `introspection_url`, by these SASL mechanisms.
    OAuth {
        introspection_url: String,
        mechanisms: Vec<String>,
    },
}

const PASSWORD_MECHANISMS: [&str; 4] = ["plain", "login", "cram-md5", "apop"];

/// The authentication part of the configuration: `auth_mechanisms` and the passdbs. For
/// OAuth2 it also writes the oauth2 passdb's own file into `root`.
fn auth_config(root: &Path, login: &Login) -> String {
    let r = root.display();
    let passwd = |mechanisms: &str| {
        format!(
            "passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/passwd\n{mechanisms}}}\n"
        )
    };
    let (introspection_url, mechanisms) = match login {
        Login::Password => {
            let all = PASSWORD_MECHANISMS.join(" ");
            return format!("auth_mechanisms = {all}\n{}", passwd(""));
        }
        Login::OAuth {
            introspection_url,
            mechanisms,
        } => (introspection_url, mechanisms),
    };
    let oauth2 = root.join("dovecot-oauth2.conf.ext");
    std::fs::write(
        &oauth2,
        format!(
            "introspection_mode = post
introspection_url = {introspection_url}
tokeninfo_url =
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"
        ),
    )
    .unwrap();
    // Dovecot delays every login from an address after a failed one (anvil's "auth
    // penalty": 4 s after one failure, up to 15 s); a listener with mode 0 is not made, and
    // without it the penalty is off, so that a test's failed login does not slow the next.
    let mut config = format!(
        "auth_mechanisms = {}\nauth_verbose = yes\n\
         service anvil {{\n  unix_listener anvil-auth-penalty {{\n    mode = 0\n  }}\n}}\n",
        mechanisms.join(" ")
    );
    config.push_str(&format!(
        "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {}\n}}\n",
        oauth2.display()
    ));
    let password: Vec<&str> = mechanisms
        .iter()
        .map(String::as_str)
        .filter(|m| PASSWORD_MECHANISMS.contains(m))
        .collect();
    if !password.is_empty() {
        config.push_str(&passwd(&format!("  mechanisms = {}\n", password.join(" "))));
    }
    config
}

/// The whole dovecot.conf for a server in `root`, as Dovecot's (`uid`, `gid`), on these
/// (plain, TLS) ports.
fn config(
    root: &Path,
    login: &Login,
    (uid, gid): (u32, u32),
    (plain_port, tls_port): (u16, u16),
) -> String {
    let dh = if Path::new("/usr/share/dovecot/dh.pem").exists() {
        "ssl_dh = </usr/share/dovecot/dh.pem\n"
    } else {
        ""
    };
    let auth = auth_config(root, login);
    let r = root.display();
    format!(
        r#"protocols = pop3
listen = 127.0.0.1
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
instance_name = poplar-test-{plain_port}
ssl = yes
ssl_cert = <{r}/cert.pem
ssl_key = <{r}/key.pem
{dh}ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
{auth}auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_max_userip_connections = 100
default_internal_user = dovecot
default_login_user = dovenull
pop3_uidl_format = %08Xu%08Xv
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={r}/mail/%u
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {plain_port}
  }}
  inet_listener pop3s {{
    port = {tls_port}
    ssl = yes
  }}
}}
"#
    )
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its children too.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Our effective uid, without a libc dependency: from `id -u`, which every Unix has.
fn effective_uid() -> u32 {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(u32::MAX)
}
