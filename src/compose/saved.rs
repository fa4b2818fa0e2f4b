//! A draft as saved: what was typed on the compose screen, exactly (the address fields as
//! text, however unfinished), to open it again where it was after a restart or a crash.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use super::typed::readable;
use super::{Attachment, Charset, Draft, Mailbox, Options, build};
use crate::accounts::AccountId;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Typed {
    /// The account chosen to send from.
    pub account: Option<i64>,
    /// Its address, for the saved message's From.
    pub from: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub attachments: Vec<File>,
}

/// An attached file, its bytes in base64.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct File {
    pub name: String,
    pub content_type: String,
    pub base64: String,
}

impl File {
    pub fn of(attachment: &Attachment) -> File {
        File {
            name: attachment.name.clone(),
            content_type: attachment.content_type.clone(),
            base64: BASE64.encode(&attachment.bytes),
        }
    }

    /// The file again; None when its bytes are not base64 (a damaged draft).
    pub fn attachment(&self) -> Option<Attachment> {
        Some(Attachment {
            name: self.name.clone(),
            content_type: self.content_type.clone(),
            bytes: BASE64.decode(&self.base64).ok()?,
        })
    }
}

impl Typed {
    pub fn account(&self) -> Option<AccountId> {
        self.account.map(AccountId)
    }

    pub fn to_json(&self) -> String {
        // Strings, numbers and lists: it cannot fail to serialise.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A saved draft; None when the text is not one (damaged).
    pub fn from_json(text: &str) -> Option<Typed> {
        serde_json::from_str(text).ok()
    }

    /// The message it would be, for the Drafts folder: the addresses that read as
    /// addresses, the text, the files.
    pub fn bytes(&self) -> Vec<u8> {
        let list = readable;
        let draft = Draft {
            from: Mailbox::new("", self.from.clone()),
            to: list(&self.to),
            cc: list(&self.cc),
            bcc: Vec::new(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            attachments: self
                .attachments
                .iter()
                .filter_map(File::attachment)
                .collect(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
        };
        let options = Options::now(Charset::Utf8, &draft.from);
        build::unchecked(&draft, &options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_draft_comes_back_as_typed() {
        let typed = Typed {
            account: Some(3),
            from: "me@example.jp".into(),
            to: "山田 <yamada@example.jp>, unfinished@".into(),
            cc: String::new(),
            bcc: "boss@example.jp".into(),
            subject: "見積もり 🍣".into(),
            body: "途中まで\r\n書いた".into(),
            in_reply_to: Some("<p@x>".into()),
            references: vec!["<r@x>".into(), "<p@x>".into()],
            attachments: vec![File::of(&Attachment {
                name: "図.png".into(),
                content_type: "image/png".into(),
                bytes: vec![0, 159, 255, 10, 13],
            })],
        };
        let back = Typed::from_json(&typed.to_json()).unwrap();
        assert_eq!(back, typed);
        assert_eq!(
            back.attachments[0].attachment().unwrap().bytes,
            [0, 159, 255, 10, 13]
        );
        let summary = crate::mail::summarize(&typed.bytes());
        assert_eq!(summary.subject, "見積もり 🍣");
        assert!(summary.to.contains("yamada@example.jp"), "{}", summary.to);
        for damaged in ["", "{", "[]", "{\"to\": 3}"] {
            assert_eq!(Typed::from_json(damaged), None, "{damaged}");
        }
    }
}
