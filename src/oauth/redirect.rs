//! The loopback redirect (RFC 8252 §7.3): a one-off listener on 127.0.0.1 that the
//! browser comes back to with `?code=…&state=…`. Only an answer with this sign-in's state
//! counts; anything else on that port (another program, an old tab, a favicon request)
//! is answered and ignored. Every connection has a few seconds and 8 KB to say what it
//! wants, so none can hold the sign-in up.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::Error;

const MOST_REQUEST: usize = 8 * 1024;
const PER_CONNECTION: Duration = Duration::from_secs(5);
/// Connections served at once.
const MOST_AT_ONCE: usize = 32;

pub struct Listener {
    listener: TcpListener,
    port: u16,
}

/// The pages the browser shows when it comes back (in the window's language).
#[derive(Debug, Clone)]
pub struct Pages {
    pub done: String,
    pub failed: String,
}

impl Listener {
    /// A listener on a port the system picks.
    pub async fn bind() -> Result<Listener, Error> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| Error::Io(e.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::Io(e.to_string()))?
            .port();
        Ok(Listener { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Waits for the browser to come back with `state`: the authorization code, or why
    /// the issuer said no. Runs until then; the caller sets the overall time limit.
    /// Connections are served side by side (at most [`MOST_AT_ONCE`]), so that idle ones
    /// opened by another program cannot keep the browser's answer waiting.
    pub async fn wait(self, state: &str, pages: &Pages) -> Result<String, Error> {
        let mut serving = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) if serving.len() < MOST_AT_ONCE => {
                        let (state, pages) = (state.to_string(), pages.clone());
                        serving.spawn(async move {
                            tokio::time::timeout(PER_CONNECTION, serve(stream, &state, &pages))
                                .await
                                .ok()
                                .flatten()
                        });
                    }
                    // Too many at once: this one is closed unanswered.
                    Ok(_) => {}
                    // Out of file descriptors, say: try again shortly, not in a busy loop.
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                },
                Some(done) = serving.join_next(), if !serving.is_empty() => {
                    if let Ok(Some(result)) = done {
                        return result;
                    }
                }
            }
        }
    }
}

/// Answers one connection; Some when it was the browser coming back for this sign-in.
async fn serve(mut stream: TcpStream, state: &str, pages: &Pages) -> Option<Result<String, Error>> {
    let mut request = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < MOST_REQUEST {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..n]);
    }
    let line = request.split(|&b| b == b'\n').next()?;
    let line = String::from_utf8_lossy(line);
    let target = line.strip_prefix("GET ")?.split(' ').next()?.to_string();
    let query = target.strip_prefix("/?").unwrap_or("");
    let fields = parse_query(query);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let result = match (field("state"), field("code"), field("error")) {
        (Some(s), _, _) if s != state => None,
        (Some(_), Some(code), None) if !code.is_empty() => Some(Ok(code)),
        (Some(_), _, Some(error)) => Some(Err(Error::Denied(
            field("error_description").unwrap_or(error),
        ))),
        _ => None,
    };
    let (status, page) = match &result {
        Some(Ok(_)) => ("200 OK", pages.done.as_str()),
        Some(Err(_)) => ("200 OK", pages.failed.as_str()),
        None => ("404 Not Found", ""),
    };
    let body = format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Poplar</title><p>{}</p>",
        escape(page)
    );
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
    result
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `a=1&b=x%20y` → [("a","1"), ("b","x y")]; `+` is a space.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Pages {
        Pages {
            done: "Signed in <ok>".into(),
            failed: "Not signed in".into(),
        }
    }

    async fn get(port: u16, target: &str) -> String {
        let answer = try_get(port, target).await;
        assert!(!answer.is_empty(), "no answer to {target}");
        answer
    }

    /// The answer, or nothing when the connection is closed unanswered.
    async fn try_get(port: u16, target: &str) -> String {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)).await else {
            return String::new();
        };
        let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
        if s.write_all(request.as_bytes()).await.is_err() {
            return String::new();
        }
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer).await;
        answer
    }

    /// A listener waiting for the answer with `state`: its port, and the wait.
    async fn waiting_for(
        state: &'static str,
    ) -> (u16, tokio::task::JoinHandle<Result<String, Error>>) {
        let listener = Listener::bind().await.unwrap();
        let port: u16 = listener.redirect_uri()[17..]
            .trim_end_matches('/')
            .parse()
            .unwrap();
        (
            port,
            tokio::spawn(async move { listener.wait(state, &pages()).await }),
        )
    }

    /// Strays are answered and ignored; the answer with this sign-in's state counts.
    #[tokio::test]
    async fn only_this_sign_ins_answer_counts() {
        let (port, waiting) = waiting_for("s1").await;
        // Someone connects and says nothing, then goes: the sign-in is not held up.
        drop(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        assert!(
            get(port, "/?code=stolen&state=other")
                .await
                .starts_with("HTTP/1.1 404")
        );
        let page = get(port, "/?code=abc%2Fdef&state=s1").await;
        assert!(page.starts_with("HTTP/1.1 200") && page.contains("Signed in &lt;ok&gt;"));
        assert_eq!(waiting.await.unwrap(), Ok("abc/def".to_string()));
    }

    /// Idle connections (more than are served at once) do not keep the answer waiting
    /// for their five seconds each.
    #[tokio::test]
    async fn idle_connections_do_not_hold_up_the_answer() {
        let (port, waiting) = waiting_for("s1").await;
        let mut idle = Vec::new();
        for _ in 0..40 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        let started = std::time::Instant::now();
        let page = loop {
            // The browser tries again as the idle ones go.
            let answer = try_get(port, "/?code=c&state=s1").await;
            if !answer.is_empty() {
                break answer;
            }
            drop(idle.pop());
        };
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert_eq!(waiting.await.unwrap(), Ok("c".to_string()));
        assert!(
            started.elapsed() < PER_CONNECTION,
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn a_refusal_is_said() {
        let (port, waiting) = waiting_for("s").await;
        get(
            port,
            "/?error=access_denied&error_description=The+user+said+no&state=s",
        )
        .await;
        assert_eq!(
            waiting.await.unwrap(),
            Err(Error::Denied("The user said no".into()))
        );
    }

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("a=1&b=x%20y+z&c&d=%E6%97%A5&e=%zz&f=%4"),
            [
                ("a".into(), "1".into()),
                ("b".into(), "x y z".into()),
                ("c".into(), String::new()),
                ("d".into(), "日".into()),
                ("e".into(), "%zz".into()),
                ("f".into(), "%4".into()),
            ]
        );
    }
}
