//! A scripted in-process POP3 server for faults a real server will not produce. It
//! serves a mailbox with the usual commands; a test overrides any answer to script a
//! fault, and reads back exactly what the client sent on each connection.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const USER: &str = "alice";
pub const PASSWORD: &str = "s3cret";

/// What the server does in answer to one command.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Write these bytes.
    Send(Vec<u8>),
    /// Write these bytes, then hang up.
    SendThenClose(Vec<u8>),
    /// Hang up without answering.
    Close,
    /// Never answer; keep the connection open.
    Hang,
    /// Answer only after the next command has arrived: proves the client pipelines.
    Hold(Vec<u8>),
    /// +OK, then switch to TLS (STLS).
    StartTls,
    /// Write these bytes one at a time, with this pause between them, as a server that
    /// trickles: never silent for long, never done.
    Trickle(Vec<u8>, Duration),
}

pub fn ok(text: &str) -> Reply {
    Reply::Send(format!("+OK {text}\r\n").into_bytes())
}

pub fn err(text: &str) -> Reply {
    Reply::Send(format!("-ERR {text}\r\n").into_bytes())
}

/// A multi-line answer: status line, dot-stuffed body, terminator.
pub fn multiline(status: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{status}\r\n").into_bytes();
    let mut start_of_line = true;
    for &b in body {
        if start_of_line && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        start_of_line = b == b'\n';
    }
    if !start_of_line {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// One connection's view, handed to overrides.
pub struct Ctx {
    /// 0 for the first connection, 1 for the second, ...
    pub connection: usize,
    /// Commands received on this connection before this one.
    pub index: usize,
}

type Override = dyn Fn(&Ctx, &str) -> Option<Reply> + Send + Sync;

pub struct Options {
    pub greeting: String,
    pub capa: Option<Vec<String>>,
    pub uidl: bool,
    pub apop: bool,
}

impl Options {
    /// The default capabilities and PIPELINING.
    pub fn pipelining() -> Options {
        let mut options = Options::default();
        if let Some(capa) = &mut options.capa {
            capa.push("PIPELINING".into());
        }
        options
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            greeting: "+OK fake POP3 ready".into(),
            capa: Some(vec!["USER".into(), "UIDL".into(), "TOP".into()]),
            uidl: true,
            apop: false,
        }
    }
}

/// (uidl, bytes); None once deleted by a committed session.
type Slot = Option<(String, Vec<u8>)>;

struct Shared {
    mailbox: Mutex<Vec<Slot>>,
    log: Mutex<Vec<Vec<String>>>,
    /// Per connection: did a command arrive while an earlier one was unanswered?
    pipelined: Mutex<Vec<bool>>,
    /// For every command of every connection, in order: how many more whole commands
    /// had already arrived behind it when it was read (the client's window, as the
    /// server sees it).
    queued: Mutex<Vec<usize>>,
    options: Options,
    overrides: Box<Override>,
    tls: Option<async_native_tls::TlsAcceptor>,
}

pub struct FakeServer {
    pub port: u16,
    pub cert: PathBuf,
    shared: Arc<Shared>,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl FakeServer {
    /// Starts serving `messages` (with UIDLs "uid-1", "uid-2", ...) on a free port.
    pub async fn start(
        messages: Vec<Vec<u8>>,
        options: Options,
        overrides: impl Fn(&Ctx, &str) -> Option<Reply> + Send + Sync + 'static,
    ) -> FakeServer {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = super::make_certificate(dir.path());
        let identity = native_tls::Identity::from_pkcs8(
            &std::fs::read(&cert).unwrap(),
            &std::fs::read(&key).unwrap(),
        )
        .unwrap();
        let tls = native_tls::TlsAcceptor::new(identity).unwrap();
        let shared = Arc::new(Shared {
            mailbox: Mutex::new(
                messages
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| Some((format!("uid-{}", i + 1), m)))
                    .collect(),
            ),
            log: Mutex::new(Vec::new()),
            pipelined: Mutex::new(Vec::new()),
            queued: Mutex::new(Vec::new()),
            options,
            overrides: Box::new(overrides),
            tls: Some(tls.into()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let connection = {
                    let mut log = serving.log.lock().unwrap();
                    log.push(Vec::new());
                    serving.pipelined.lock().unwrap().push(false);
                    log.len() - 1
                };
                tokio::spawn(serve(serving.clone(), Box::new(socket), connection));
            }
        });
        FakeServer {
            port,
            cert,
            shared,
            _dir: dir,
            task,
        }
    }

    /// Every command received, per connection.
    pub fn log(&self) -> Vec<Vec<String>> {
        self.shared.log.lock().unwrap().clone()
    }

    /// All commands of all connections, in order.
    pub fn commands(&self) -> Vec<String> {
        self.log().concat()
    }

    pub fn pipelined(&self) -> Vec<bool> {
        self.shared.pipelined.lock().unwrap().clone()
    }

    /// For every command, in order: how many more had already arrived behind it.
    pub fn queued(&self) -> Vec<usize> {
        self.shared.queued.lock().unwrap().clone()
    }

    /// Removes message `n` (1-based) from the server, as the provider's expiry would.
    pub fn expire(&self, n: usize) {
        self.shared.mailbox.lock().unwrap()[n - 1] = None;
    }

    /// The messages still on the server.
    pub fn mailbox(&self) -> Vec<Vec<u8>> {
        self.shared
            .mailbox
            .lock()
            .unwrap()
            .iter()
            .flatten()
            .map(|(_, m)| m.clone())
            .collect()
    }
}

/// Sends a held answer; false when the client has gone.
async fn release(io: &mut BufReader<Box<dyn Stream>>, held: &mut Vec<u8>) -> bool {
    io.get_mut().write_all(&std::mem::take(held)).await.is_ok()
}

async fn serve(shared: Arc<Shared>, stream: Box<dyn Stream>, connection: usize) {
    let mut io = BufReader::new(stream);
    let mut greeting = shared.options.greeting.clone().into_bytes();
    greeting.extend_from_slice(b"\r\n");
    let ctx = Ctx {
        connection,
        index: usize::MAX,
    };
    match (shared.overrides)(&ctx, "") {
        Some(Reply::Send(bytes)) => greeting = bytes,
        Some(Reply::SendThenClose(bytes)) => {
            let _ = io.get_mut().write_all(&bytes).await;
            return;
        }
        Some(Reply::Close) => return,
        Some(Reply::Hang) => {
            let mut sink = Vec::new();
            let _ = io.read_until(b'\n', &mut sink).await;
            std::future::pending::<()>().await;
        }
        _ => {}
    }
    if io.get_mut().write_all(&greeting).await.is_err() {
        return;
    }

    let mut deleted: HashSet<usize> = HashSet::new();
    let mut held: Vec<u8> = Vec::new();
    let mut index = 0;
    loop {
        let mut raw = Vec::new();
        let read = if held.is_empty() {
            io.read_until(b'\n', &mut raw).await
        } else {
            match tokio::time::timeout(Duration::from_secs(5), io.read_until(b'\n', &mut raw)).await
            {
                Ok(r) => r,
                Err(_) => {
                    // The client waited for the held answer: it does not pipeline.
                    if !release(&mut io, &mut held).await {
                        return;
                    }
                    continue;
                }
            }
        };
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&raw).trim_end().to_string();
        if !held.is_empty() {
            shared.pipelined.lock().unwrap()[connection] = true;
            if !release(&mut io, &mut held).await {
                return;
            }
        }
        if !io.buffer().is_empty() {
            shared.pipelined.lock().unwrap()[connection] = true;
        }
        let behind = io.buffer().iter().filter(|&&b| b == b'\n').count();
        shared.queued.lock().unwrap().push(behind);
        shared.log.lock().unwrap()[connection].push(line.clone());
        let ctx = Ctx { connection, index };
        index += 1;
        let reply = (shared.overrides)(&ctx, &line)
            .unwrap_or_else(|| standard(&shared, &mut deleted, &line));
        match reply {
            Reply::Send(bytes) => {
                if io.get_mut().write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::SendThenClose(bytes) => {
                let _ = io.get_mut().write_all(&bytes).await;
                return;
            }
            Reply::Close => return,
            Reply::Hang => {
                // Keep the socket open until the client gives up.
                let mut sink = Vec::new();
                let _ = io.read_until(b'\n', &mut sink).await;
                std::future::pending::<()>().await;
            }
            Reply::Hold(bytes) => held = bytes,
            Reply::Trickle(bytes, pause) => {
                for b in bytes {
                    if io.get_mut().write_all(&[b]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(pause).await;
                }
            }
            Reply::StartTls => {
                if io.get_mut().write_all(b"+OK Begin TLS\r\n").await.is_err() {
                    return;
                }
                let Some(acceptor) = shared.tls.clone() else {
                    return;
                };
                let plain = io.into_inner();
                match acceptor.accept(plain).await {
                    Ok(tls) => io = BufReader::new(Box::new(tls)),
                    Err(_) => return,
                }
            }
        }
        if line.eq_ignore_ascii_case("QUIT") {
            let mut mailbox = shared.mailbox.lock().unwrap();
            for i in deleted {
                mailbox[i] = None;
            }
            return;
        }
    }
}

/// The answers of a well-behaved server.
fn standard(shared: &Shared, deleted: &mut HashSet<usize>, line: &str) -> Reply {
    let mut words = line.split_whitespace();
    let verb = words.next().unwrap_or("").to_ascii_uppercase();
    let arg: Option<usize> = words.next().and_then(|w| w.parse().ok());
    let mailbox = shared.mailbox.lock().unwrap();
    let live = |n: usize| -> Option<&(String, Vec<u8>)> {
        if n == 0 || deleted.contains(&(n - 1)) {
            return None;
        }
        mailbox.get(n - 1)?.as_ref()
    };
    match verb.as_str() {
        "CAPA" => match &shared.options.capa {
            Some(lines) => {
                let body = lines.iter().map(|l| format!("{l}\r\n")).collect::<String>();
                Reply::Send(multiline("+OK capabilities", body.as_bytes()))
            }
            None => err("unknown command"),
        },
        "USER" => ok("send PASS"),
        "PASS" => {
            if line[4..].trim_start() == PASSWORD {
                ok("logged in")
            } else {
                err("[AUTH] wrong password")
            }
        }
        "STAT" => {
            let (n, size) = (1..=mailbox.len())
                .filter_map(live)
                .fold((0, 0), |(n, s), (_, m)| (n + 1, s + m.len()));
            ok(&format!("{n} {size}"))
        }
        "LIST" => {
            let body: String = (1..=mailbox.len())
                .filter_map(|n| live(n).map(|(_, m)| format!("{n} {}\r\n", m.len())))
                .collect();
            Reply::Send(multiline("+OK list", body.as_bytes()))
        }
        "UIDL" if shared.options.uidl => {
            let body: String = (1..=mailbox.len())
                .filter_map(|n| live(n).map(|(u, _)| format!("{n} {u}\r\n")))
                .collect();
            Reply::Send(multiline("+OK uidl", body.as_bytes()))
        }
        "RETR" => match arg.and_then(live) {
            Some((_, m)) => Reply::Send(multiline("+OK message follows", m)),
            None => err("no such message"),
        },
        "TOP" => match arg.and_then(live) {
            Some((_, m)) => {
                let end = m
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(m.len(), |p| p + 4);
                Reply::Send(multiline("+OK top", &m[..end]))
            }
            None => err("no such message"),
        },
        "DELE" => match arg {
            Some(n) if live(n).is_some() => {
                deleted.insert(n - 1);
                ok("deleted")
            }
            _ => err("no such message"),
        },
        "NOOP" => ok(""),
        "RSET" => {
            deleted.clear();
            ok("")
        }
        "QUIT" => ok("bye"),
        "STLS" => Reply::StartTls,
        _ => err("unknown command"),
    }
}
