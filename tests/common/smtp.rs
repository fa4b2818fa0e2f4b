//! A private SMTP submission server for one test: aiosmtpd (Debian's python3-aiosmtpd,
//! which packaging/setup-debian.sh installs) run from `smtpd.py` beside this file, on
//! loopback ports the system picks, with a self-signed certificate. It needs no root.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse";

/// The Python with Debian's packages (not a pyenv or virtualenv one).
const PYTHON: &str = "/usr/bin/python3";

pub struct Smtpd {
    pub dir: tempfile::TempDir,
    /// Plain connect, STARTTLS required before AUTH (like 587).
    pub starttls_port: u16,
    /// TLS from the first byte (like 465).
    pub tls_port: u16,
    /// Plain, no login asked or offered (as after POP before SMTP).
    pub open_port: u16,
    pub cert: PathBuf,
    child: Child,
    /// Closing it stops the server.
    _stdin: ChildStdin,
}

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub bytes: Vec<u8>,
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub authenticated: bool,
}

impl Smtpd {
    /// The server, or None (the test skips, saying why) where aiosmtpd cannot run and
    /// servers are not required.
    pub fn start_or_skip() -> Option<Smtpd> {
        let ok = Command::new(PYTHON)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            super::skip("aiosmtpd is not installed: run packaging/setup-debian.sh test");
            return None;
        }
        Some(Smtpd::start())
    }

    pub fn start() -> Smtpd {
        let dir = tempfile::Builder::new()
            .prefix("poplar-smtpd-")
            .tempdir()
            .unwrap();
        let (cert, key) = super::make_certificate(dir.path());
        let mail = dir.path().join("mail");
        std::fs::create_dir(&mail).unwrap();
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/common/smtpd.py");
        let mut child = Command::new(PYTHON)
            .arg(script)
            .arg("--dir")
            .arg(&mail)
            .arg("--cert")
            .arg(&cert)
            .arg("--key")
            .arg(&key)
            .args(["--user", USER, "--password", PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let stdin = child.stdin.take().unwrap();
        // The server prints its ports once both listen: no guessing, no polling.
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ports: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the SMTP server did not start ({e}): {line:?}"));
        Smtpd {
            starttls_port: ports["starttls"].as_u64().unwrap() as u16,
            tls_port: ports["tls"].as_u64().unwrap() as u16,
            open_port: ports["open"].as_u64().unwrap() as u16,
            dir,
            cert,
            child,
            _stdin: stdin,
        }
    }

    /// The messages accepted so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mail = self.dir.path().join("mail");
        let mut all = Vec::new();
        for n in 1.. {
            let envelope = mail.join(format!("{n}.json"));
            let Ok(json) = std::fs::read_to_string(&envelope) else {
                break;
            };
            let json: serde_json::Value = serde_json::from_str(&json).unwrap();
            let strings = |v: &serde_json::Value| {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect()
            };
            all.push(Received {
                bytes: std::fs::read(mail.join(format!("{n}.eml"))).unwrap(),
                mail_from: json["mail_from"].as_str().unwrap().to_string(),
                rcpt_tos: strings(&json["rcpt_tos"]),
                authenticated: json["authenticated"].as_bool().unwrap(),
            });
        }
        all
    }

    /// Waits until the server has accepted `count` messages (they are written before the
    /// client hears 250, so after a send returns this does not wait).
    pub fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
