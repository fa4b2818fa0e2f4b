use super::*;
use tokio::io::{AsyncBufReadExt, DuplexStream};

/// A scripted server on the other end of a pipe: for each line the client sends, the
/// answer `answer` gives (None hangs up); after a 354 to DATA it reads the message up to
/// "." and answers 250. Returns what the client sent, the message as one entry.
fn server(
    greeting: &'static str,
    answer: impl Fn(&str) -> Option<String> + Send + 'static,
) -> (DuplexStream, tokio::task::JoinHandle<Vec<String>>) {
    let (client, server) = tokio::io::duplex(1 << 20);
    let task = tokio::spawn(async move {
        let mut io = tokio::io::BufReader::new(server);
        io.get_mut().write_all(greeting.as_bytes()).await.unwrap();
        let mut seen = Vec::new();
        loop {
            let mut line = String::new();
            if io.read_line(&mut line).await.unwrap_or(0) == 0 {
                return seen;
            }
            let line = line.trim_end().to_string();
            seen.push(line.clone());
            let Some(reply) = answer(&line) else {
                return seen;
            };
            io.get_mut().write_all(reply.as_bytes()).await.unwrap();
            if line == "DATA" && reply.starts_with("354") {
                // The message, to the end mark.
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    io.read_line(&mut l).await.unwrap();
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(&l);
                }
                seen.push(data);
                io.get_mut()
                    .write_all(b"250 2.0.0 queued as 7\r\n")
                    .await
                    .unwrap();
            }
            if line == "QUIT" {
                return seen;
            }
        }
    });
    (client, task)
}

fn built(recipients: &[&str]) -> Built {
    Built {
        bytes: b"Subject: x\r\n\r\n.dot line\r\nlast".to_vec(),
        sender: "me@example.org".into(),
        recipients: recipients.iter().map(ToString::to_string).collect(),
    }
}

fn usual(line: &str) -> Option<String> {
    Some(match line {
        l if l.starts_with("EHLO") => {
            "250-smtp.test\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-SIZE 1000\r\n250 8BITMIME\r\n"
                .into()
        }
        l if l.starts_with("AUTH PLAIN ") => "235 ok\r\n".into(),
        l if l.starts_with("MAIL FROM:") => "250 ok\r\n".into(),
        l if l.starts_with("RCPT TO:<bad") => "550 5.1.1 no such user\r\n".into(),
        l if l.starts_with("RCPT TO:<later") => "451 4.3.0 later\r\n".into(),
        l if l.starts_with("RCPT TO:") => "250 ok\r\n".into(),
        "DATA" => "354 go ahead\r\n".into(),
        "RSET" => "250 reset\r\n".into(),
        "QUIT" => "221 bye\r\n".into(),
        _ => return None,
    })
}

const SECOND: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_message_is_sent_dot_stuffed() {
    let (stream, script) = server("220 smtp.test ESMTP\r\n", usual);
    let mut client = Client::greet(stream, SECOND, true).await.unwrap();
    assert_eq!(client.extensions().size, Some(1000));
    client
        .login(Login::Automatic, "me", "pw", false)
        .await
        .unwrap();
    let reply = client.send(&built(&["a@x.org", "b@x.org"])).await.unwrap();
    assert_eq!(reply.code, 250);
    client.quit().await;
    let seen = script.await.unwrap();
    assert_eq!(seen[1], format!("AUTH PLAIN {}", BASE64.encode("\0me\0pw")));
    assert_eq!(seen[2], "MAIL FROM:<me@example.org> SIZE=29");
    assert_eq!(
        &seen[3..6],
        ["RCPT TO:<a@x.org>", "RCPT TO:<b@x.org>", "DATA"]
    );
    assert_eq!(seen[6], "Subject: x\r\n\r\n..dot line\r\nlast\r\n");
}

/// A refused recipient sends the message to nobody: the transaction is undone.
#[tokio::test]
async fn a_refused_recipient_stops_the_whole_message() {
    for (who, temporary) in [("bad@x.org", false), ("later@x.org", true)] {
        let (stream, script) = server("220 ok\r\n", usual);
        let mut client = Client::greet(stream, SECOND, true).await.unwrap();
        let error = client.send(&built(&["a@x.org", who])).await.unwrap_err();
        assert!(matches!(&error, Error::RecipientRefused { address, .. } if address == who));
        assert_eq!(error.is_temporary(), temporary);
        client.quit().await;
        let seen = script.await.unwrap();
        assert!(seen.contains(&"RSET".to_string()) && !seen.contains(&"DATA".to_string()));
    }
}

#[tokio::test]
async fn too_large_is_refused_before_sending() {
    let (stream, script) = server("220 ok\r\n", usual);
    let mut client = Client::greet(stream, SECOND, true).await.unwrap();
    let mut big = built(&["a@x.org"]);
    big.bytes = vec![b'x'; 2000];
    assert_eq!(
        client.send(&big).await,
        Err(Error::TooLarge {
            size: 2000,
            limit: 1000
        })
    );
    client.quit().await;
    assert!(!script.await.unwrap().iter().any(|l| l.starts_with("MAIL")));
}

/// No password in the clear on a plain connection: CRAM-MD5 when offered, else nothing.
#[tokio::test]
async fn passwords_stay_off_plain_connections() {
    let (stream, script) = server("220 ok\r\n", |line| {
        if line == "AUTH CRAM-MD5" {
            return Some("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n".into());
        }
        if line.starts_with("dGlt") {
            return Some("235 ok\r\n".into());
        }
        usual(line)
    });
    let mut client = Client::greet(stream, SECOND, false).await.unwrap();
    client
        .login(Login::Automatic, "tim", "tanstaaftanstaaf", false)
        .await
        .unwrap();
    client.quit().await;
    let seen = script.await.unwrap();
    assert_eq!(
        seen[2],
        BASE64.encode("tim b913a602c7eda7a495b4e6e7334d3890")
    );

    let (stream, _server) = server("220 ok\r\n", |line| {
        if line.starts_with("EHLO") {
            return Some("250-x\r\n250 AUTH PLAIN LOGIN\r\n".into());
        }
        usual(line)
    });
    let mut client = Client::greet(stream, SECOND, false).await.unwrap();
    assert!(matches!(
        client.login(Login::Automatic, "me", "pw", false).await,
        Err(Error::NoLoginMethod { .. })
    ));
    assert!(matches!(
        client.login(Login::Plain, "me", "pw", false).await,
        Err(Error::NoLoginMethod { .. })
    ));
}

/// Bytes a server sends after agreeing to STARTTLS would be read as if secured: refused.
#[tokio::test]
async fn data_before_tls_is_an_attack() {
    let (stream, _server) = server("220 ok\r\n", |line| {
        if line.starts_with("EHLO") {
            return Some("250-x\r\n250 STARTTLS\r\n".into());
        }
        (line == "STARTTLS").then(|| "220 go\r\n250-injected\r\n".into())
    });
    let client = Client::greet(stream, SECOND, false).await.unwrap();
    assert!(matches!(
        client.start_tls().await,
        Err(Error::Protocol {
            step: Step::StartingTls,
            ..
        })
    ));
}

#[tokio::test]
async fn a_wrong_password_and_a_silent_server() {
    let (stream, _server) = server("220 ok\r\n", |line| {
        if line.starts_with("AUTH") {
            return Some("535 5.7.8 bad credentials\r\n".into());
        }
        usual(line)
    });
    let mut client = Client::greet(stream, SECOND, true).await.unwrap();
    let error = client
        .login(Login::Plain, "me", "pw", false)
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::LoginFailed { reply } if reply.code == 535));
    assert!(!error.is_temporary());

    let (client_end, _quiet) = tokio::io::duplex(64);
    let timeout = Client::greet(client_end, Duration::from_millis(50), true).await;
    assert!(matches!(timeout, Err(Error::Timeout(Step::Greeting))));
}

#[test]
fn stuffing() {
    assert_eq!(stuffed(b"a\r\n.b\r\n"), b"a\r\n..b\r\n.\r\n");
    assert_eq!(stuffed(b".\r\n"), b"..\r\n.\r\n");
    assert_eq!(stuffed(b"no end"), b"no end\r\n.\r\n");
    assert_eq!(stuffed(b"bare\nlf\r.x"), b"bare\r\nlf\r\n..x\r\n.\r\n");
    assert_eq!(stuffed(b""), b".\r\n");
}

/// What was sent reads back as it was, whatever the bytes.
#[test]
fn stuffing_round_trips() {
    use proptest::prelude::*;
    proptest!(|(lines in proptest::collection::vec("[.a-z]{0,5}", 0..20))| {
        let text = lines.iter().map(|l| format!("{l}\r\n")).collect::<String>();
        let sent = stuffed(text.as_bytes());
        let body = &sent[..sent.len() - 3];
        let back: String = String::from_utf8(body.to_vec())
            .unwrap()
            .split_inclusive("\r\n")
            .map(|l| l.strip_prefix('.').unwrap_or(l))
            .collect();
        prop_assert_eq!(back, text);
    });
}

/// EHLO names this computer by an address literal, and the old "AUTH=" advertisement
/// counts.
#[tokio::test]
async fn hello_and_the_old_auth_form() {
    let (stream, script) = server("220 ok\r\n", |line| {
        if line.starts_with("EHLO") {
            return Some("250-x\r\n250 AUTH=LOGIN PLAIN\r\n".into());
        }
        usual(line)
    });
    let client = Client::greet(stream, SECOND, true).await.unwrap();
    assert_eq!(client.extensions().auth, ["LOGIN", "PLAIN"]);
    client.quit().await;
    assert_eq!(script.await.unwrap()[0], "EHLO [127.0.0.1]");
}
