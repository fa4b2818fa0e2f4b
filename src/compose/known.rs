//! Addresses to complete what is typed in To, Cc and Bcc: every address in the stored
//! mail, the most used first.

use std::collections::HashMap;

use super::Mailbox;
pub use super::typed::last_piece;
use super::typed::readable;

/// How many suggestions a field shows.
pub const SHOWN: usize = 5;

/// Every address known, the most used first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// With their lower-case address and name, to match without folding each time.
    entries: Vec<(Mailbox, String, String)>,
}

impl Known {
    /// From the From and To fields of the stored mail ("Name <addr>, …" as the list
    /// shows them). An address seen with several names keeps the one seen most.
    pub fn from_fields<'a>(fields: impl IntoIterator<Item = &'a str>) -> Known {
        // address (lower case) -> (uses, names and their uses)
        let mut seen: HashMap<String, (u32, HashMap<String, u32>, String)> = HashMap::new();
        for field in fields {
            for mailbox in readable(field) {
                let key = mailbox.address.to_lowercase();
                let entry = seen
                    .entry(key)
                    .or_insert_with(|| (0, HashMap::new(), mailbox.address.clone()));
                entry.0 += 1;
                if !mailbox.name.is_empty() {
                    *entry.1.entry(mailbox.name).or_insert(0) += 1;
                }
            }
        }
        let mut entries: Vec<(u32, Mailbox)> = seen
            .into_values()
            .map(|(uses, names, address)| {
                let name = names
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    .map(|(name, _)| name)
                    .unwrap_or_default();
                (uses, Mailbox::new(name, address))
            })
            .collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.address.cmp(&b.1.address)));
        Known {
            entries: entries
                .into_iter()
                .map(|(_, m)| {
                    let (address, name) = (m.address.to_lowercase(), m.name.to_lowercase());
                    (m, address, name)
                })
                .collect(),
        }
    }

    /// Up to [`SHOWN`] addresses for what is being typed (the last piece of a field): an
    /// address that begins with it, or a name that has it; none for nothing typed.
    pub fn suggest(&self, typed: &str) -> Vec<Mailbox> {
        let typed = typed.trim().to_lowercase();
        if typed.is_empty() {
            return Vec::new();
        }
        // An address that begins with what is typed comes before a name that has it; a
        // name with an @ in it (a stranger's "ceo@example.com" <x@elsewhere>) is no name
        // to match.
        let by_address = self
            .entries
            .iter()
            .filter(|(_, address, _)| address.starts_with(&typed));
        let by_name = self.entries.iter().filter(|(_, address, name)| {
            !address.starts_with(&typed) && !name.contains('@') && name.contains(&typed)
        });
        by_address
            .chain(by_name)
            // What is typed already in full needs no suggestion.
            .filter(|(_, address, _)| *address != typed)
            .take(SHOWN)
            .map(|(m, _, _)| m.clone())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The field with its last piece replaced by `mailbox`, ready for the next address.
pub fn completed(field: &str, mailbox: &Mailbox) -> String {
    let kept = &field[..field.len() - last_piece(field).len()];
    let kept = kept.trim_end();
    let shown = super::typed::format_list(std::slice::from_ref(mailbox));
    if kept.is_empty() {
        format!("{shown}, ")
    } else {
        format!("{kept} {shown}, ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known::from_fields([
            "山田太郎 <yamada@example.jp>",
            "Yamamoto <YAMAMOTO@example.jp>, 山田太郎 <yamada@example.jp>",
            "yamada@example.jp",
            "Taro Yamada <yamada@example.jp>",
            "Bob <bob@example.org>, not an address, \"Doe, John\" <john@example.org>",
        ])
    }

    #[test]
    fn the_most_used_come_first_with_their_most_used_name() {
        let known = known();
        let found = known.suggest("yama");
        assert_eq!(
            found,
            [
                Mailbox::new("山田太郎", "yamada@example.jp"),
                Mailbox::new("Yamamoto", "YAMAMOTO@example.jp"),
            ]
        );
        // A name matches anywhere in it, Japanese too.
        assert_eq!(known.suggest("田太")[0].address, "yamada@example.jp");
        assert_eq!(known.suggest("JOHN")[0].name, "Doe, John");
        assert!(known.suggest("").is_empty());
        assert!(
            known.suggest("yamada@example.jp").is_empty(),
            "typed in full"
        );
        assert_eq!(known.len(), 4);

        // A name made to look like an address matches nothing; addresses come first.
        let poisoned = Known::from_fields([
            "\"ceo@corp.example\" <x@evil.example>",
            "\"ceo@corp.example\" <x@evil.example>",
            "Ceo <ceo@corp.example>",
        ]);
        let found = poisoned.suggest("ceo@");
        assert_eq!(found, [Mailbox::new("Ceo", "ceo@corp.example")]);
        let found = poisoned.suggest("ceo");
        assert_eq!(found[0].address, "ceo@corp.example");
    }

    #[test]
    fn a_suggestion_takes_the_place_of_the_piece_typed() {
        let yamada = Mailbox::new("山田太郎", "yamada@example.jp");
        assert_eq!(last_piece("bob@example.org, yam"), " yam");
        assert_eq!(last_piece("\"Doe, Jo"), "\"Doe, Jo");
        assert_eq!(completed("yam", &yamada), "山田太郎 <yamada@example.jp>, ");
        assert_eq!(
            completed("bob@example.org、yam", &yamada),
            "bob@example.org、 山田太郎 <yamada@example.jp>, "
        );
        let john = Mailbox::new("Doe, John", "john@example.org");
        let field = completed("jo", &john);
        assert_eq!(
            super::super::typed::parse_list(&field).unwrap(),
            [john],
            "{field}"
        );
    }

    /// Many stored messages: one pass, no quadratic work.
    #[test]
    fn a_hundred_thousand_fields() {
        let fields: Vec<String> = (0..100_000)
            .map(|i| format!("Person {} <p{}@example.org>", i % 5000, i % 5000))
            .collect();
        let known = Known::from_fields(fields.iter().map(String::as_str));
        assert_eq!(known.len(), 5000);
        assert_eq!(known.suggest("p4999@").len(), 1);
    }
}
