//! A draft as saved: what was typed on the compose screen, exactly (the address fields as
//! text, however unfinished), to open it again where it was after a restart or a crash.
//! Its files are kept beside it in the store, written only when they change.

use serde::{Deserialize, Serialize};

use super::typed::readable;
use super::{Charset, Draft, Mailbox, Options, build};
use crate::accounts::AccountId;

/// Every field has a default, so that a draft saved by an older version still reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
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

    /// The message it would be, as the Drafts folder shows it: the addresses that read as
    /// addresses, the text (its files are kept beside it).
    pub fn bytes(&self) -> Vec<u8> {
        let draft = Draft {
            from: Mailbox::new("", self.from.clone()),
            to: readable(&self.to),
            cc: readable(&self.cc),
            subject: self.subject.clone(),
            body: self.body.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            ..Draft::default()
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
        };
        let back = Typed::from_json(&typed.to_json()).unwrap();
        assert_eq!(back, typed);
        let summary = crate::mail::summarize(&typed.bytes());
        assert_eq!(summary.subject, "見積もり 🍣");
        assert!(summary.to.contains("yamada@example.jp"), "{}", summary.to);
        for damaged in ["", "{", "3", "{\"to\": 3}"] {
            assert_eq!(Typed::from_json(damaged), None, "{damaged}");
        }
        // A field this version does not know, or one it lacks, does not damage it.
        let older = Typed::from_json("{\"subject\":\"古い\",\"later\":1}").unwrap();
        assert_eq!(older.subject, "古い");
    }
}
