//! The one rule for attachment and export file names: what a stranger's name becomes on
//! disk (no separators, invisible characters, reserved devices or hidden extensions).

/// The most a file name may take on common file systems (ext4, NTFS and APFS count 255
/// bytes or UTF-16 units; UTF-8 bytes are never fewer).
pub const MAX_NAME_BYTES: usize = 255;

/// What an attachment name becomes when nothing usable is left of it.
const FALLBACK: &str = "attachment";

/// Characters that draw nothing or change how the text around them is drawn: the Unicode
/// format characters (bidirectional overrides and isolates, zero-width spaces and joiners,
/// the byte-order mark, tags, …) and the fillers that look like nothing. Dropped from names
/// so that `invoice<U+202E>fdp.exe` cannot be drawn as `invoiceexe.pdf`.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE007F
    )
}

/// The one rule for characters in file names (attachments, exported messages): those not
/// allowed (or dangerous) on Windows, macOS or Linux become '_', any other space is a
/// plain space, and invisible characters are dropped.
pub fn file_name_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().filter(|c| !is_invisible(*c)).map(|c| match c {
        '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
        c if c.is_control() => '_',
        // The ideographic space is a character of Japanese names, not a gap to fill.
        '\u{3000}' => c,
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// A file name that cannot leave the folder it is saved in, cannot hide or reorder its
/// characters, is no reserved device name on Windows, keeps its extension in at most
/// [`MAX_NAME_BYTES`], and ends the way Windows would store it (no trailing dots or
/// spaces, which Windows strips: `a.exe.` is `a.exe`). Never empty.
pub fn safe_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(MAX_NAME_BYTES));
    // Runs of spaces would push a real extension out of sight ("a.pdf      .exe").
    for c in file_name_chars(name) {
        if !(c.is_whitespace() && (out.is_empty() || out.ends_with(char::is_whitespace))) {
            out.push(c);
        }
    }
    let mut name = tidy_ends(&out).to_string();
    if name.is_empty() {
        name = FALLBACK.into();
    }
    name = fit(&name, MAX_NAME_BYTES);
    if is_reserved(&name) {
        name = fit(&format!("_{name}"), MAX_NAME_BYTES);
    }
    name
}

/// Without leading dots (hidden files, `..`) and trailing dots, nor spaces at either end.
fn tidy_ends(name: &str) -> &str {
    let end = |c: char| c == '.' || c.is_whitespace();
    name.trim_start_matches(end).trim_end_matches(end)
}

/// `name` cut to at most `max` bytes on a character boundary, keeping a short extension.
fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let cut = |s: &str, bytes: usize| -> String {
        let mut end = bytes.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= 16 => name.split_at(dot),
        _ => (name, ""),
    };
    let stem = cut(stem, max - extension.len());
    let fitted = format!("{}{extension}", tidy_ends(&stem));
    let fitted = tidy_ends(&fitted);
    if fitted.is_empty() {
        FALLBACK.into()
    } else {
        fitted.to_string()
    }
}

/// Windows refuses these as file names (whatever the extension, and ignoring spaces before
/// it): `NUL.txt` is the null device.
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let upper = stem.to_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ["COM", "LPT"].iter().any(|device| {
        upper.strip_prefix(device).is_some_and(|n| {
            matches!(
                n,
                "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    })
}
