//! Character references (`&amp;`, `&#x4E2D;`, …) decoded to the text they stand for.

/// [`decode_entities`], without copying text that has none (most text between tags).
pub(super) fn decoded(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('&') {
        std::borrow::Cow::Owned(decode_entities(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Decodes character references: numeric ones and the named ones mail uses.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            numeric(num).map(String::from)
        } else {
            named_entity(name).map(String::from)
        };
        match decoded {
            Some(text) if end > 1 => {
                out.push_str(&text);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a numeric reference (`#` and what follows it in `num`, all of it digits)
/// stands for, as HTML5 reads it: NUL, a surrogate or a number past U+10FFFF is U+FFFD,
/// and 128 to 159 are the Windows-1252 characters that old mail tools meant by them.
fn numeric(num: &str) -> Option<char> {
    let (digits, radix) = match num.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (num, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for c in digits.chars() {
        value = value
            .saturating_mul(radix)
            .saturating_add(c.to_digit(radix)?);
    }
    Some(match value {
        0x80..=0x9f => WINDOWS_1252[value as usize - 0x80],
        _ => char::from_u32(value)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}'),
    })
}

/// What HTML5 reads `&#128;` to `&#159;` as (where Windows-1252 leaves a byte undefined,
/// the control character itself).
const WINDOWS_1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "yen" => "¥",
        "euro" => "€",
        "pound" => "£",
        "bull" => "•",
        "middot" => "·",
        "times" => "×",
        _ => return None,
    })
}
