use super::*;
use iced::Event as IcedEvent;
use iced::advanced::input_method;
use iced_test::simulator;

fn senders() -> Vec<Sender> {
    vec![
        Sender {
            account: AccountId(1),
            mailbox: Mailbox::new("Home", "me@home.example"),
            signature: String::new(),
        },
        Sender {
            account: AccountId(2),
            mailbox: Mailbox::new("仕事", "me@work.example.jp"),
            signature: "山田太郎\n営業部".into(),
        },
    ]
}

fn send(compose: &mut Compose) -> Option<Event> {
    compose.update(Message::Send).1
}

#[test]
fn a_reply_starts_from_the_account_it_answers_for() {
    let draft = Draft {
        from: Mailbox::new("", "ME@work.example.jp"),
        to: vec![Mailbox::new("山田", "yamada@example.jp")],
        subject: "Re: 会議".into(),
        body: "\n\n> quoted\n".into(),
        in_reply_to: Some("<p@x>".into()),
        references: vec!["<p@x>".into()],
        ..Draft::default()
    };
    let mut compose = Compose::new(senders(), draft);
    let Some(Event::Send(account, sent, _)) = send(&mut compose) else {
        panic!("sent")
    };
    assert_eq!(account, AccountId(2));
    assert_eq!(sent.from.address, "me@work.example.jp");
    assert_eq!(sent.to, [Mailbox::new("山田", "yamada@example.jp")]);
    assert_eq!(sent.in_reply_to.as_deref(), Some("<p@x>"));
    // The account's signature goes where the writing goes, above the quote.
    assert_eq!(sent.body, "\n\n-- \n山田太郎\n営業部\n\n> quoted\n");
}

/// Choosing another account to send from puts its signature in place of the last one's;
/// one the user changed is left alone.
#[test]
fn the_signature_follows_the_account_sent_from() {
    let [home, work] = <[Sender; 2]>::try_from(senders()).unwrap();
    let mut compose = Compose::new(senders(), Draft::default());
    assert_eq!(compose.body.text().trim(), "");
    let _ = compose.update(Message::From(work.clone()));
    assert_eq!(compose.body.text(), "\n\n-- \n山田太郎\n営業部\n");
    let _ = compose.update(Message::From(home.clone()));
    assert_eq!(compose.body.text().trim(), "");

    let _ = compose.update(Message::From(work.clone()));
    let edited = "Hello.\n\n-- \n山田\n";
    compose.body = text_editor::Content::with_text(edited);
    let _ = compose.update(Message::From(home));
    assert_eq!(compose.body.text(), edited);

    // A signature written with its own "-- " line, or with CRLF, gets one "-- " line.
    assert_eq!(block("-- \r\n山田\r\n"), Some("-- \n山田\n".into()));
    assert_eq!(block("--\n\n"), None);
}

/// Send says what is missing or wrong, and sends nothing.
#[test]
fn what_cannot_go_is_said() {
    let mut compose = Compose::new(senders(), Draft::default());
    assert_eq!(send(&mut compose), None);
    assert_eq!(compose.problem, Some(t!("compose-no-recipient")));
    let _ = compose.update(Message::To("ok@example.org, not an address".into()));
    assert_eq!(send(&mut compose), None);
    assert!(
        compose
            .problem
            .as_deref()
            .unwrap()
            .contains("not an address")
    );
    let _ = compose.update(Message::To("ok@example.org".into()));
    assert!(matches!(
        send(&mut compose),
        Some(Event::Send(AccountId(1), _, _))
    ));
    assert_eq!(compose.problem, None);

    let mut nobody = Compose::new(Vec::new(), Draft::default());
    let _ = nobody.update(Message::To("ok@example.org".into()));
    assert_eq!(send(&mut nobody), None);
    assert_eq!(nobody.problem, Some(t!("compose-no-account")));
}

/// Japanese typed through an input method arrives in the text as committed.
#[test]
fn japanese_from_an_input_method_reaches_the_text() {
    let mut compose = Compose::new(senders(), Draft::default());
    let _ = compose.update(Message::To("a@example.org".into()));
    let messages: Vec<Message> = {
        let mut ui = simulator(compose.view());
        // Focus the editor, then the input method commits what was composed.
        let _ = ui.click(iced_test::selector::id(BODY_ID));
        ui.simulate([
            IcedEvent::InputMethod(input_method::Event::Opened),
            IcedEvent::InputMethod(input_method::Event::Preedit("にほんご".into(), None)),
            IcedEvent::InputMethod(input_method::Event::Commit("日本語".into())),
        ]);
        ui.into_messages().collect()
    };
    for message in messages {
        let _ = compose.update(message);
    }
    let Some(Event::Send(_, draft, _)) = send(&mut compose) else {
        panic!("sent: {:?}", compose.problem)
    };
    assert_eq!(draft.body.trim_end(), "日本語");
}

#[test]
fn files_can_be_taken_off_and_large_ones_are_warned_about() {
    let file = |name: &str, size: usize| Attachment {
        name: name.into(),
        content_type: "application/octet-stream".into(),
        bytes: vec![0; size],
    };
    let mut compose = Compose::new(senders(), Draft::default());
    let _ = compose.update(Message::Attached(Ok(vec![
        file("a.bin", 10),
        file("大きい.bin", LARGE),
    ])));
    let mut ui = simulator(compose.view());
    assert!(
        ui.find(t!("compose-large", size = human_size(LARGE as u64 + 10)))
            .is_ok()
    );
    drop(ui);
    let _ = compose.update(Message::Remove(1));
    let _ = compose.update(Message::Remove(5));
    assert_eq!(compose.attachments.len(), 1);
    let mut ui = simulator(compose.view());
    assert!(ui.find(t!("compose-large", size = human_size(10))).is_err());
}

/// What was typed is saved when it changed, one save at a time, each of the same draft
/// in place; the files only when they changed; moving the cursor changes nothing.
#[test]
fn drafts_are_saved_when_something_changed() {
    use iced::widget::text_editor::{Action, Edit, Motion};
    let saves = |event: Option<Event>| match event {
        Some(Event::SaveDraft {
            replacing, files, ..
        }) => Some((replacing, files.map(|f| f.len()))),
        _ => None,
    };
    let mut compose = Compose::new(senders(), Draft::default());
    assert_eq!(compose.update(Message::Autosave).1, None, "nothing typed");
    let _ = compose.update(Message::Subject("下書き".into()));
    assert_eq!(
        saves(compose.update(Message::Autosave).1),
        Some((None, None))
    );
    let _ = compose.update(Message::To("a@example.org".into()));
    assert_eq!(
        compose.update(Message::Autosave).1,
        None,
        "one save at a time"
    );
    let _ = compose.update(Message::DraftSaved(Ok(Some(7))));
    assert_eq!(compose.draft_id(), Some(7));
    // What changed while the first save was on its way goes with the next.
    assert_eq!(
        saves(compose.update(Message::Autosave).1),
        Some((Some(7), None))
    );
    let _ = compose.update(Message::DraftSaved(Ok(Some(7))));
    let _ = compose.update(Message::Edit(Action::Move(Motion::Right)));
    assert_eq!(
        compose.update(Message::Autosave).1,
        None,
        "the cursor moved"
    );
    let _ = compose.update(Message::Edit(Action::Edit(Edit::Insert('あ'))));
    assert_eq!(compose.typed().body, "あ");
    let file = Attachment {
        name: "a.txt".into(),
        content_type: "text/plain".into(),
        bytes: b"x".to_vec(),
    };
    let _ = compose.update(Message::Attached(Ok(vec![file])));
    let Some(Event::SaveDraft { typed, files, .. }) = compose.update(Message::Autosave).1 else {
        panic!("saved")
    };
    assert_eq!(
        (typed.subject.as_str(), typed.body.as_str()),
        ("下書き", "あ")
    );
    assert_eq!(
        files.map(|f| f.len()),
        Some(1),
        "the files changed: they go"
    );
    // A failed save is said, and tried again, files and all.
    let _ = compose.update(Message::DraftSaved(Err(Failure::AccountGone)));
    assert!(compose.problem.is_some());
    assert_eq!(
        saves(compose.update(Message::Autosave).1),
        Some((Some(7), Some(1)))
    );
    let _ = compose.update(Message::DraftSaved(Ok(Some(7))));
    assert_eq!(compose.update(Message::Autosave).1, None, "all saved");
}

/// Closing waits for a save on its way, then saves what changed meanwhile, then closes;
/// a save that fails keeps the screen open. After Send nothing more is saved.
#[test]
fn closing_waits_until_what_was_typed_is_saved() {
    let mut compose = Compose::new(senders(), Draft::default());
    assert_eq!(
        compose.update(Message::Close).1,
        Some(Event::Closed),
        "nothing typed"
    );

    let mut compose = Compose::new(senders(), Draft::default());
    let _ = compose.update(Message::Subject("一".into()));
    assert!(compose.update(Message::Autosave).1.is_some());
    let _ = compose.update(Message::Subject("一二".into()));
    assert_eq!(
        compose.update(Message::Close).1,
        None,
        "waits for the save on its way"
    );
    let next = compose.update(Message::DraftSaved(Ok(Some(3)))).1;
    let Some(Event::SaveDraft {
        replacing, typed, ..
    }) = next
    else {
        panic!("what changed meanwhile is saved: {next:?}")
    };
    assert_eq!((replacing, typed.subject.as_str()), (Some(3), "一二"));
    let failed = compose
        .update(Message::DraftSaved(Err(Failure::AccountGone)))
        .1;
    assert_eq!(failed, None, "not saved: the screen stays");
    assert!(compose.problem.is_some());
    assert!(matches!(
        compose.update(Message::Close).1,
        Some(Event::SaveDraft { .. })
    ));
    let done = compose.update(Message::DraftSaved(Ok(Some(3)))).1;
    assert_eq!(done, Some(Event::Closed));

    let mut sent = Compose::new(senders(), Draft::default());
    let _ = sent.update(Message::To("a@example.org".into()));
    assert!(matches!(send(&mut sent), Some(Event::Send(..))));
    assert_eq!(
        sent.update(Message::Autosave).1,
        None,
        "sent: not saved again"
    );
    assert_eq!(sent.update(Message::Close).1, Some(Event::Closed));
    // The Outbox refused it: it is being written again, and saved.
    sent.refused("disk full".into());
    assert!(sent.update(Message::Autosave).1.is_some());
    let _ = sent.update(Message::DraftSaved(Ok(Some(4))));
    assert_eq!(
        sent.update(Message::Discard).1,
        Some(Event::Discard(Some(4)))
    );
}

/// A saved draft opens as it was typed, unfinished addresses and all; one whose account
/// is gone says so.
#[test]
fn a_draft_opens_again_as_typed() {
    let mut compose = Compose::new(senders(), Draft::default());
    let _ = compose.update(Message::From(senders()[1].clone()));
    let _ = compose.update(Message::To("山田 <yamada@example.jp>, unfinished@".into()));
    let typed = compose.typed();
    let again = Compose::reopen(senders(), typed.clone(), Vec::new(), 5);
    assert_eq!(again.typed(), typed);
    assert_eq!(again.draft_id(), Some(5));
    assert_eq!(again.from.as_ref().map(|s| s.account), Some(AccountId(2)));
    assert_eq!(again.problem, None);
    let orphan = crate::compose::saved::Typed {
        account: Some(99),
        from: "old@example.jp".into(),
        ..typed
    };
    let again = Compose::reopen(senders(), orphan, Vec::new(), 6);
    assert!(
        again
            .problem
            .as_deref()
            .unwrap_or("")
            .contains("old@example.jp")
    );
}

/// What is typed in To, Cc or Bcc is completed from the addresses of the stored mail: a
/// click or Enter takes a suggestion in place of the piece typed.
#[test]
fn addresses_are_completed_from_the_stored_mail() {
    use crate::compose::known::Known;
    let known = Known::from_fields(["山田太郎 <yamada@example.jp>", "bob@example.org"]);
    let mut compose = Compose::new(senders(), Draft::default());
    let _ = compose.update(Message::Known(std::sync::Arc::new(known)));
    let _ = compose.update(Message::To("bob@example.org, 山田".into()));
    assert_eq!(
        compose.suggested(AddressField::To),
        [Mailbox::new("山田太郎", "yamada@example.jp")]
    );
    assert!(compose.suggested(AddressField::Cc).is_empty());
    let messages: Vec<Message> = {
        let mut ui = simulator(compose.view());
        ui.click("山田太郎 <yamada@example.jp>")
            .expect("a suggestion shows");
        ui.into_messages().collect()
    };
    for message in messages {
        let _ = compose.update(message);
    }
    assert_eq!(
        compose.to,
        "bob@example.org, 山田太郎 <yamada@example.jp>, "
    );
    assert!(compose.suggested(AddressField::To).is_empty());
    // Enter takes the first one.
    let _ = compose.update(Message::Cc("BO".into()));
    let _ = compose.update(Message::AcceptFirst(AddressField::Cc));
    assert_eq!(compose.cc, "bob@example.org, ");
    let Some(Event::Send(_, draft, _)) = send(&mut compose) else {
        panic!("sent: {:?}", compose.problem)
    };
    assert_eq!(draft.to.len(), 2);
    assert_eq!(draft.cc, [Mailbox::new("", "bob@example.org")]);
}
