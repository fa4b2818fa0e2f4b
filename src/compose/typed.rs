//! What a person types in To, Cc and Bcc: addresses separated by commas, semicolons
//! (Outlook's habit, also the full-width ones a Japanese keyboard gives) or line breaks,
//! each `addr`, `<addr>`, `Name <addr>` or `"Name, Jr." <addr>`.

use super::Mailbox;
use super::headers::is_sendable;

/// The addresses typed, or the pieces that are not addresses (to show them).
pub fn parse_list(text: &str) -> Result<Vec<Mailbox>, Vec<String>> {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for piece in split(text) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        match parse_one(piece) {
            Some(mailbox) => good.push(mailbox),
            None => bad.push(piece.to_string()),
        }
    }
    if bad.is_empty() { Ok(good) } else { Err(bad) }
}

/// The addresses among what was typed, leaving out the pieces that are not (yet) ones.
pub fn readable(text: &str) -> Vec<Mailbox> {
    split(text)
        .into_iter()
        .filter_map(|piece| parse_one(piece.trim()))
        .collect()
}

/// The piece being typed: what follows the last separator outside quotes and angle
/// brackets.
pub fn last_piece(text: &str) -> &str {
    split(text).last().copied().unwrap_or("")
}

/// The pieces between separators that are outside quotes and angle brackets.
fn split(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut quoted, mut angled, mut start) = (false, false, 0);
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angled = true,
            '>' if !quoted => angled = false,
            ',' | ';' | '，' | '；' | '、' | '\n' | '\r' if !quoted && !angled => {
                pieces.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    pieces
}

fn parse_one(piece: &str) -> Option<Mailbox> {
    let Some(open) = piece.rfind('<') else {
        // A bare address; full-width "＠" is what an input method often leaves.
        let address = piece.replace('＠', "@");
        return is_sendable(&address).then(|| Mailbox::new("", address));
    };
    let rest = &piece[open + 1..];
    let close = rest.find('>')?;
    if !rest[close + 1..].trim().is_empty() {
        return None;
    }
    let address = rest[..close].trim().replace('＠', "@");
    if !is_sendable(&address) {
        return None;
    }
    let name = piece[..open].trim();
    let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => name.to_string(),
    };
    Some(Mailbox::new(name, address))
}

/// The addresses as they are shown in a field again: `Name <addr>, addr`.
pub fn format_list(list: &[Mailbox]) -> String {
    list.iter()
        .map(|m| {
            if m.name.is_empty() {
                m.address.clone()
            } else if m.name.contains([',', ';', '"', '<', '>', '，', '；', '、']) {
                format!(
                    "\"{}\" <{}>",
                    m.name.replace('\\', "\\\\").replace('"', "\\\""),
                    m.address
                )
            } else {
                format!("{} <{}>", m.name, m.address)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn what_people_type() {
        let list = parse_list(
            "a@example.org; 山田 太郎 <yamada@example.jp>, \"Sato, Hanako\" <sato@example.jp>\n<c@d.e>、f＠g.h",
        )
        .unwrap();
        assert_eq!(
            list,
            [
                Mailbox::new("", "a@example.org"),
                Mailbox::new("山田 太郎", "yamada@example.jp"),
                Mailbox::new("Sato, Hanako", "sato@example.jp"),
                Mailbox::new("", "c@d.e"),
                Mailbox::new("", "f@g.h"),
            ]
        );
        assert_eq!(parse_list("  ,, ; ").unwrap(), []);
        assert_eq!(
            parse_list("ok@x.org, not an address, y@z <w@v.u> tail").unwrap_err(),
            ["not an address", "y@z <w@v.u> tail"]
        );
        assert!(parse_list("a@b.c\r\nBcc: evil@x.org").is_err());
    }

    proptest! {
        /// Any list shown again reads back the same.
        #[test]
        fn shown_lists_read_back(
            people in proptest::collection::vec(
                ("[^\\p{C}<>\"\\\\]{0,12}", "[a-z0-9.+-]{1,8}@[a-z0-9-]{1,8}\\.[a-z]{2,3}"),
                0..6,
            )
        ) {
            let list: Vec<Mailbox> = people
                .into_iter()
                .map(|(name, address)| Mailbox::new(name.trim(), address))
                .collect();
            prop_assert_eq!(parse_list(&format_list(&list)).unwrap(), list);
        }
    }
}
