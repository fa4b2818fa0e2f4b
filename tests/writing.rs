//! Writing from the window: "Write" and R (reply) open the compose screen; Send puts the
//! message in the Outbox of the account it is from, with the thread of the message it
//! answers. Snapshots of the screen in English and Japanese.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::window::{Window, matches_snapshot};
use poplar::accounts::smtp::SmtpServer;
use poplar::app::Message;
use poplar::app::writing::Start;
use poplar::i18n::Language;
use poplar::paths::Paths;
use poplar::store::Store;
use poplar::ui::compose::Message as Compose;

/// An account that sends, and one Japanese message in its inbox.
fn mailbox(sending: bool) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    paths.ensure().unwrap();
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store
        .add_account(&poplar::accounts::Settings {
            name: "home".into(),
            email: "alice@example.org".into(),
            host: "pop.example.org".into(),
            user: "alice".into(),
            smtp: sending.then(|| SmtpServer {
                signature: "山田花子\nポプラ商事".into(),
                ..SmtpServer::new("smtp.example.org")
            }),
            ..Default::default()
        })
        .unwrap();
    let raw = common::japanese_message();
    let summary = poplar::mail::summarize(&raw);
    store
        .insert_message(account.id, Some("u1"), &raw, &summary)
        .unwrap();
    (dir, paths)
}

#[test]
fn a_reply_written_in_the_window_goes_to_the_outbox_with_its_thread() {
    for (language, tag) in [(Language::English, "en"), (Language::Japanese, "ja")] {
        let (_dir, paths) = mailbox(true);
        let mut w = Window::start(paths.clone(), language);
        w.click("会議の件");
        w.send([Message::Write(Start::Reply)]);
        w.send([Message::Compose(Compose::Edit(
            iced::widget::text_editor::Action::Edit(iced::widget::text_editor::Edit::Paste(
                std::sync::Arc::new("承知しました。".into()),
            )),
        ))]);
        matches_snapshot(
            &w,
            &iced::Theme::Light,
            &format!("compose-reply-{tag}-light"),
        );
        w.send([Message::Compose(Compose::Send)]);

        let store = Store::open(&paths.database()).unwrap();
        let queued = store.queued(None).unwrap();
        assert_eq!(queued.len(), 1, "{tag}");
        assert_eq!(queued[0].subject, "Re: 会議の件", "{tag}");
        assert_eq!(queued[0].account, "home");
        let outgoing = store.outgoing(queued[0].id).unwrap().unwrap();
        assert_eq!(outgoing.built.recipients, ["yamada@example.jp"]);
        let parsed = mail_parser::MessageParser::default()
            .parse(&outgoing.built.bytes)
            .unwrap();
        assert_eq!(parsed.in_reply_to().as_text(), Some("jp-1@example.jp"));
        let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
        // What was typed, then the account's signature, then the quote.
        assert!(
            text.starts_with("承知しました。\n\n-- \n山田花子\nポプラ商事\n\n"),
            "{text}"
        );
        assert!(
            text.contains("> お疲れ様です。"),
            "the parent is quoted: {text}"
        );
        // Who wrote it, in the window's language (the draft was once made on a worker
        // thread, which spoke English).
        let wrote = if language == Language::Japanese {
            "さんは書きました"
        } else {
            "wrote:"
        };
        assert!(text.contains(wrote), "{tag}: {text}");
        // The screen closed.
        assert!(w.app.modal.is_none(), "{tag}");
    }
}

#[test]
fn without_an_account_that_sends_the_window_says_how_to_get_one() {
    let (_dir, paths) = mailbox(false);
    let mut w = Window::start(paths, Language::English);
    w.send([Message::Write(Start::New)]);
    w.expect(
        "No account can send yet: turn on \"Send mail from this account\" in an account's settings (Sending).",
    );
    assert!(w.app.modal.is_none());
}

#[test]
fn a_new_message_without_a_recipient_is_not_queued_and_says_why() {
    let (_dir, paths) = mailbox(true);
    let mut w = Window::start(paths.clone(), Language::English);
    w.click("Write");
    w.send([Message::Compose(Compose::Subject("Hello".into()))]);
    w.send([Message::Compose(Compose::Send)]);
    w.expect("Add someone to send to.");
    assert!(
        Store::open(&paths.database())
            .unwrap()
            .queued(None)
            .unwrap()
            .is_empty()
    );
    w.send([Message::Compose(Compose::To("bob@example.org".into()))]);
    w.send([Message::Compose(Compose::Send)]);
    assert_eq!(
        Store::open(&paths.database())
            .unwrap()
            .queued(None)
            .unwrap()
            .len(),
        1
    );
}

/// The Outbox in the sidebar, with the count of what waits; a message that could not go
/// says why in the reading pane, with "Send again".
#[test]
fn the_outbox_shows_what_waits_and_why() {
    // Why is kept typed and said in the window's language when shown.
    for (language, tag, outbox, why, reason) in [
        (
            Language::English,
            "en",
            "Outbox [1]",
            "Not sent yet: ",
            "the server smtp.example.org refused the connection on port 587. Check the server name, the port and the security setting.",
        ),
        (
            Language::Japanese,
            "ja",
            "送信トレイ [1]",
            "まだ送信していません: ",
            "サーバー smtp.example.org がポート 587 への接続を拒否しました。サーバー名、ポート、暗号化の設定を確認してください。",
        ),
    ] {
        let (_dir, paths) = mailbox(true);
        let mut w = Window::start(paths.clone(), language);
        w.send([Message::Write(Start::New)]);
        w.send([
            Message::Compose(Compose::To("bob@example.org".into())),
            Message::Compose(Compose::Bcc("boss@example.org".into())),
            Message::Compose(Compose::Subject("見積もりの件".into())),
            Message::Compose(Compose::Send),
        ]);
        let mut store = Store::open(&paths.database()).unwrap();
        let id = store.queued(None).unwrap()[0].id;
        store.begin_attempt(id).unwrap();
        let refused = poplar::pop3::Error::Refused {
            host: "smtp.example.org".into(),
            port: 587,
        };
        let stored = poplar::send::Why::Connect(refused);
        store.record_failure(id, &stored, false).unwrap();
        drop(store);
        w.send([Message::GetMail]);
        w.click(outbox);
        w.click("見積もりの件");
        w.expect(&format!("{why}{reason}"));
        // The blind copy is not in the message's bytes; the pane shows it all the same.
        w.expect("boss@example.org");
        // (Looked at under Xvfb; not a snapshot: the list shows the message's date, which
        // is the time it was written.)
        let _ = tag;
    }
}

/// A message being written is saved as a draft while it is written: after a crash (the
/// window gone without closing anything) it is in Drafts, opens again as typed, and goes
/// from there; sent, it leaves Drafts. Escape saves and closes; Discard throws it away.
#[test]
fn a_draft_survives_a_crash_and_opens_again() {
    for (language, drafts, edit) in [
        (Language::English, "Drafts", "Edit"),
        (Language::Japanese, "下書き", "編集"),
    ] {
        let (_dir, paths) = mailbox(true);
        let mut w = Window::start(paths.clone(), language);
        w.send([Message::Write(Start::New)]);
        w.send([
            Message::Compose(Compose::To("bob@example.org, unfinish".into())),
            Message::Compose(Compose::Subject("途中の見積もり".into())),
            Message::Compose(Compose::Edit(iced::widget::text_editor::Action::Edit(
                iced::widget::text_editor::Edit::Paste(std::sync::Arc::new(
                    "書きかけの本文".into(),
                )),
            ))),
            // What the five-second tick sends.
            Message::Compose(Compose::Autosave),
        ]);
        drop(w);

        let mut w = Window::start(paths.clone(), language);
        w.click(&format!("{drafts} [1]"));
        w.click("途中の見積もり");
        w.click(edit);
        let Some(poplar::app::Modal::Compose(screen)) = &w.app.modal else {
            panic!("the draft did not open")
        };
        let typed = screen.typed();
        assert_eq!(typed.to, "bob@example.org, unfinish");
        assert!(typed.body.starts_with("書きかけの本文"), "{}", typed.body);
        w.send([
            Message::Compose(Compose::To("bob@example.org".into())),
            Message::Compose(Compose::Send),
        ]);
        let store = Store::open(&paths.database()).unwrap();
        assert_eq!(store.queued(None).unwrap().len(), 1);
        assert_eq!(store.draft_count().unwrap(), 0, "sent: no longer a draft");

        // Escape keeps what was typed as a draft; Discard throws it away.
        w.send([Message::Write(Start::New)]);
        w.send([Message::Compose(Compose::Subject("あとで".into()))]);
        w.send([Message::Compose(Compose::Close)]);
        assert!(w.app.modal.is_none());
        assert_eq!(store.draft_count().unwrap(), 1);
        w.expect(&format!("{drafts} [1]"));
        w.click(&format!("{drafts} [1]"));
        w.click("あとで");
        w.click(edit);
        w.send([Message::Compose(Compose::Discard)]);
        assert_eq!(store.draft_count().unwrap(), 0);
        // Thrown away into the Trash, whence it can come back.
        assert_eq!(store.count(poplar::store::View::Trash).unwrap(), 1);

        // The window's close button while writing: the draft is saved, then it closes.
        w.send([Message::Write(Start::New)]);
        w.send([Message::Compose(Compose::Subject("閉じる前に".into()))]);
        w.send([Message::CloseRequested(iced::window::Id::unique())]);
        assert!(w.app.modal.is_none());
        assert!(w.app.quitting.is_some());
        assert_eq!(store.draft_count().unwrap(), 1);
    }
}

/// The compose screen completes addresses from the stored mail.
#[test]
fn addresses_typed_are_completed_from_the_stored_mail() {
    let (_dir, paths) = mailbox(true);
    let mut w = Window::start(paths, Language::Japanese);
    w.send([Message::Write(Start::New)]);
    w.send([Message::Compose(Compose::To("yama".into()))]);
    let suggestion = "山田太郎 <yamada@example.jp>";
    w.expect(suggestion);
    w.click(suggestion);
    let Some(poplar::app::Modal::Compose(screen)) = &w.app.modal else {
        panic!("the screen closed")
    };
    assert_eq!(screen.typed().to, "山田太郎 <yamada@example.jp>, ");
    assert!(!w.shows(suggestion), "taken: no longer suggested");
}

/// Forward from the reading pane: inline (the text quoted under a header block, the
/// files attached again) or the message attached whole.
#[test]
fn a_message_is_forwarded_inline_or_attached() {
    let (_dir, paths) = mailbox(true);
    let mut store = Store::open(&paths.database()).unwrap();
    let account = store.account("home").unwrap();
    let raw = b"From: Dave Lee <dave@example.org>\r\nTo: alice@example.org\r\n\
Subject: Contract to sign\r\nDate: Fri, 28 Feb 2025 16:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
Attached.\r\n--b\r\nContent-Type: application/pdf; name=contract.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n"
        .to_vec();
    let summary = poplar::mail::summarize(&raw);
    store
        .insert_message(account.id, Some("u2"), &raw, &summary)
        .unwrap();
    drop(store);
    let mut w = Window::start(paths, Language::English);
    w.click("Contract to sign");
    w.click("Forward");
    let Some(poplar::app::Modal::Compose(screen)) = &w.app.modal else {
        panic!("no compose screen")
    };
    let typed = screen.typed();
    assert_eq!(typed.subject, "Fwd: Contract to sign");
    assert!(typed.to.is_empty());
    assert!(typed.body.contains("Attached."), "{}", typed.body);
    assert!(
        typed.body.contains("Dave Lee <dave@example.org>"),
        "{}",
        typed.body
    );
    let files = screen.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "contract.pdf");
    assert_eq!(files[0].bytes, b"%PDF-1.4");
    assert_eq!(files[0].content_type, "application/pdf");
    w.send([Message::Compose(Compose::Discard)]);

    w.click("Forward as attachment");
    let Some(poplar::app::Modal::Compose(screen)) = &w.app.modal else {
        panic!("no compose screen")
    };
    let files = screen.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].content_type, "message/rfc822");
    assert_eq!(files[0].bytes, raw, "the message itself, byte for byte");
}
