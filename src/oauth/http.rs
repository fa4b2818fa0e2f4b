//! Just enough HTTP/1.1 for an issuer's token and discovery endpoints: one request per
//! connection, a JSON answer of at most 1 MB, Content-Length or chunked. Over any stream,
//! so that TLS (or a test's pipe) is the caller's.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use super::Error;

const MOST_BODY: usize = 1 << 20;
const MOST_HEADERS: usize = 100;
const MOST_LINE: usize = 8 * 1024;

/// Where an endpoint is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// With its query, from the first `/`.
    pub path: String,
}

impl Url {
    /// An `https://` address, or an `http://` one on this computer (tests, a local
    /// issuer); anything else is refused.
    pub fn parse(url: &str) -> Result<Url, Error> {
        let bad = || Error::Protocol(format!("not an address Poplar can use: {url}"));
        let (tls, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(bad());
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let default = if tls { 443 } else { 80 };
        // An IPv6 literal is in brackets: its colons are not the port's.
        let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
            let (literal, after) = rest.split_once(']').ok_or_else(bad)?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| bad())?,
                None if after.is_empty() => default,
                None => return Err(bad()),
            };
            (literal, port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, p.parse().map_err(|_| bad())?),
                None => (authority, default),
            }
        };
        let plain_ok = matches!(host, "127.0.0.1" | "::1" | "localhost");
        let clean = |s: &str| s.bytes().all(|b| b.is_ascii_graphic()) && !s.is_empty();
        if (!tls && !plain_ok) || !clean(host) || !clean(path) || host.contains(['@', '/']) {
            return Err(bad());
        }
        Ok(Url {
            tls,
            host: host.to_string(),
            port,
            path: path.to_string(),
        })
    }
}

impl Url {
    /// The Host header's value: the port too when it is not the scheme's own, an IPv6
    /// literal in brackets (RFC 7230 §5.4).
    pub fn authority(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let default = if self.tls { 443 } else { 80 };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends one request (a form body for POST) and reads the answer.
pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    url: &Url,
    form: Option<&str>,
) -> Result<Response, Error> {
    let io = |e: std::io::Error| Error::Io(e.to_string());
    let mut stream = BufReader::new(stream);
    let method = if form.is_some() { "POST" } else { "GET" };
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nUser-Agent: Poplar\r\nConnection: close\r\n",
        url.path,
        url.authority()
    );
    if let Some(form) = form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(form.unwrap_or(""));
    stream
        .get_mut()
        .write_all(head.as_bytes())
        .await
        .map_err(io)?;
    stream.get_mut().flush().await.map_err(io)?;

    let status_line = line(&mut stream).await?;
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| Error::Protocol(format!("not an HTTP answer: {status_line:.60}")))?;
    let (mut length, mut chunked) = (None, false);
    for _ in 0..=MOST_HEADERS {
        let header = line(&mut stream).await?;
        if header.is_empty() {
            let body = if chunked {
                read_chunked(&mut stream).await?
            } else {
                read_body(&mut stream, length).await?
            };
            return Ok(Response { status, body });
        }
        let (name, value) = header.split_once(':').unwrap_or((&header, ""));
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length =
                Some(value.parse::<usize>().map_err(|_| {
                    Error::Protocol("a Content-Length that is not a number".into())
                })?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    Err(Error::Protocol("too many header lines".into()))
}

async fn line<R: AsyncRead + Unpin>(stream: &mut BufReader<R>) -> Result<String, Error> {
    let mut bytes = Vec::new();
    (&mut *stream)
        .take(MOST_LINE as u64)
        .read_until(b'\n', &mut bytes)
        .await
        .map_err(|e| Error::Io(e.to_string()))?;
    if !bytes.ends_with(b"\n") {
        return Err(Error::Protocol(
            "the answer ended early or has a line too long".into(),
        ));
    }
    Ok(String::from_utf8_lossy(&bytes).trim_end().to_string())
}

async fn read_body<R: AsyncRead + Unpin>(
    stream: &mut BufReader<R>,
    length: Option<usize>,
) -> Result<Vec<u8>, Error> {
    let too_big = || Error::Protocol("an answer larger than 1 MB".into());
    let mut body = Vec::new();
    match length {
        Some(n) if n > MOST_BODY => return Err(too_big()),
        Some(n) => {
            body.resize(n, 0);
            stream
                .read_exact(&mut body)
                .await
                .map_err(|e| Error::Io(e.to_string()))?;
        }
        None => {
            (&mut *stream)
                .take(MOST_BODY as u64 + 1)
                .read_to_end(&mut body)
                .await
                .map_err(|e| Error::Io(e.to_string()))?;
            if body.len() > MOST_BODY {
                return Err(too_big());
            }
        }
    }
    Ok(body)
}

async fn read_chunked<R: AsyncRead + Unpin>(stream: &mut BufReader<R>) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    loop {
        let size_line = line(stream).await?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| Error::Protocol("a chunk size that is not a number".into()))?;
        if size == 0 {
            return Ok(body);
        }
        // Subtracted, not added: a hostile size must not wrap around.
        if size > MOST_BODY - body.len() {
            return Err(Error::Protocol("an answer larger than 1 MB".into()));
        }
        let start = body.len();
        body.resize(start + size, 0);
        stream
            .read_exact(&mut body[start..])
            .await
            .map_err(|e| Error::Io(e.to_string()))?;
        line(stream).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(reply: &'static [u8]) -> (Result<Response, Error>, String) {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        let serve = tokio::spawn(async move {
            let mut seen = vec![0u8; 4096];
            let n = server.read(&mut seen).await.unwrap();
            server.write_all(reply).await.unwrap();
            String::from_utf8_lossy(&seen[..n]).into_owned()
        });
        let url = Url::parse("https://login.example.com/oauth/token?x=1").unwrap();
        let result = request(client, &url, Some("a=1&b=2")).await;
        (result, serve.await.unwrap())
    }

    #[tokio::test]
    async fn a_form_post_and_its_answers() {
        let (r, sent) = answer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").await;
        assert_eq!(
            r.unwrap(),
            Response {
                status: 200,
                body: b"{}".to_vec()
            }
        );
        assert!(sent.starts_with("POST /oauth/token?x=1 HTTP/1.1\r\nHost: login.example.com\r\n"));
        assert!(sent.ends_with("Content-Length: 7\r\n\r\na=1&b=2"));
        let (r, _) = answer(
            b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x\r\n:1}\r\n0\r\n\r\n",
        )
        .await;
        assert_eq!(
            r.unwrap(),
            Response {
                status: 400,
                body: b"{\"a\":1}".to_vec()
            }
        );
        let (r, _) = answer(b"HTTP/1.0 200 OK\r\n\r\nto the end").await;
        assert_eq!(r.unwrap().body, b"to the end");
    }

    #[tokio::test]
    async fn hostile_answers_are_refused() {
        for reply in [
            &b"SMTP 220 hello\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n",
            // A second chunk whose size would wrap the sum around.
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\nFFFFFFFFFFFFFFFF\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\nFFFFFFFFFFFFFFFF\r\nx",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\n",
        ] {
            let (r, _) = answer(reply).await;
            assert!(r.is_err(), "{:?}", String::from_utf8_lossy(reply));
        }
    }

    #[test]
    fn urls() {
        let u = Url::parse("https://login.microsoftonline.com/common/oauth2/v2.0/token").unwrap();
        assert_eq!(
            (u.tls, u.host.as_str(), u.port),
            (true, "login.microsoftonline.com", 443)
        );
        assert_eq!(u.path, "/common/oauth2/v2.0/token");
        let u = Url::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!((u.tls, u.port, u.path.as_str()), (false, 8080, "/"));
        assert_eq!(u.authority(), "127.0.0.1:8080");
        let u = Url::parse("http://[::1]:8443/realm").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.authority()),
            ("::1", 8443, "[::1]:8443".into())
        );
        let u = Url::parse("https://[::1]/").unwrap();
        assert_eq!((u.port, u.authority()), (443, "[::1]".into()));
        assert_eq!(
            Url::parse("https://sso.example.com:8443/x")
                .unwrap()
                .authority(),
            "sso.example.com:8443"
        );
        for bad in [
            "http://issuer.example.com/token",
            "ftp://x/",
            "https://",
            "https://a b/",
            "https://user@evil.example/",
            "https://host:notaport/",
            "https://host/pa th",
            "http://[::1",
            "http://[::1]x/",
            "http://[2001:db8::1]:80/",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad}");
        }
    }
}
