//! A generated corpus of malformed and hostile mail, made in code (deterministic, no
//! files): truncated MIME, bad boundaries, deep nesting, huge header sections, NUL bytes,
//! floods of encoded words. Shared by the malformed-mail test and the mail benchmark, which
//! make the same classes at different sizes.
#![allow(dead_code)]

use base64::Engine;

/// One generated message and what must still come out of it.
pub struct Case {
    pub name: String,
    pub raw: Vec<u8>,
    /// The subject `summarize` and `render` must both give, exactly.
    pub subject: Option<String>,
    /// Text of an intact part that must still come out: in the rendered body, or in the
    /// bytes of one of the attachments.
    pub marker: Option<&'static str>,
    /// How many attachments, where the structure around them is intact.
    pub attachments: Option<usize>,
    /// The exact bytes of attachment 0, where they are known.
    pub first_attachment: Option<Vec<u8>>,
}

impl Case {
    fn new(name: impl Into<String>, raw: Vec<u8>) -> Case {
        Case {
            name: name.into(),
            raw,
            subject: None,
            marker: None,
            attachments: None,
            first_attachment: None,
        }
    }

    fn subject(mut self, subject: &str) -> Case {
        self.subject = Some(subject.to_string());
        self
    }

    fn marker(mut self, marker: &'static str) -> Case {
        self.marker = Some(marker);
        self
    }

    fn attachments(mut self, n: usize) -> Case {
        self.attachments = Some(n);
        self
    }

    fn first_attachment(mut self, bytes: Vec<u8>) -> Case {
        self.first_attachment = Some(bytes);
        self
    }
}

/// A family of cases; `big` is the size of the largest inputs, in bytes.
pub struct Class {
    pub name: &'static str,
    pub cases: fn(big: usize) -> Vec<Case>,
}

pub fn classes() -> Vec<Class> {
    vec![
        Class {
            name: "truncated MIME",
            cases: truncated,
        },
        Class {
            name: "bad boundaries",
            cases: bad_boundaries,
        },
        Class {
            name: "deep nesting",
            cases: deep,
        },
        Class {
            name: "huge header sections",
            cases: huge_headers,
        },
        Class {
            name: "NUL bytes",
            cases: nuls,
        },
        Class {
            name: "floods of encoded words",
            cases: encoded_words,
        },
        Class {
            name: "encoded forwarded message with open words",
            cases: encoded_forward,
        },
    ]
}

pub const SUBJECT: &str = "Intact subject";
pub const TEXT: &str = "TEXT-MARKER";

/// Bytes that look like a small PDF, for a base64 attachment.
pub fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..600u32).map(|i| (i * 37 % 251) as u8));
    bytes
}

/// Base64 in 76-character lines, as mailers write it.
pub fn base64_lines(bytes: &[u8]) -> Vec<u8> {
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = Vec::with_capacity(text.len() + text.len() / 38 + 2);
    for line in text.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A valid message with every usual structure: multipart/mixed holding a
/// multipart/alternative (plain and HTML), a base64 PDF and a forwarded message.
pub fn intact() -> Vec<u8> {
    let mut m = format!(
        "From: Corpus <corpus@example.org>\r\nTo: reader@example.org\r\nSubject: {SUBJECT}\r\n\
         Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer-boundary\"\r\n\r\n\
         This is a multi-part message.\r\n--outer-boundary\r\n\
         Content-Type: multipart/alternative; boundary=\"inner-boundary\"\r\n\r\n\
         --inner-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         {TEXT} plain body https://example.org/a\r\n--inner-boundary\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<p>HTML-MARKER</p>\r\n\
         --inner-boundary--\r\n--outer-boundary\r\n\
         Content-Type: application/pdf; name=\"report.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"report.pdf\"\r\n\r\n"
    )
    .into_bytes();
    m.extend(base64_lines(&pdf()));
    m.extend_from_slice(
        b"--outer-boundary\r\nContent-Type: message/rfc822\r\n\r\n\
          From: inner@example.org\r\nSubject: Forwarded\r\n\r\nFORWARDED-MARKER\r\n\
          --outer-boundary--\r\n",
    );
    m
}

fn end_of(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .map(|p| p + needle.len())
        .expect("the needle is in the message")
}

/// The intact message (and its LF-only twin) cut at every offset: mid-header, mid-boundary,
/// mid-base64, mid-forwarded message. Once the Subject line is whole, the subject comes out;
/// once the plain text is, the text does.
fn truncated(_big: usize) -> Vec<Case> {
    let crlf = intact();
    let lf: Vec<u8> = String::from_utf8(crlf.clone())
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    let mut cases = Vec::new();
    for (ending, whole) in [("CRLF", crlf), ("LF", lf)] {
        let eol = if ending == "CRLF" { "\r\n" } else { "\n" };
        // A field cut before its line ends is lost with its line.
        let subject_end = end_of(&whole, &format!("Subject: {SUBJECT}{eol}"));
        let text_end = end_of(&whole, "https://example.org/a");
        for cut in 0..=whole.len() {
            let mut case = Case::new(format!("{ending} cut at {cut}"), whole[..cut].to_vec());
            if cut >= subject_end {
                case = case.subject(SUBJECT);
            }
            if cut >= text_end {
                case = case.marker(TEXT);
            }
            if cut == whole.len() {
                case = case.attachments(2).first_attachment(pdf());
            }
            cases.push(case);
        }
    }
    cases
}

/// A message whose header says `content_type` and whose body is `body`.
fn with_body(subject: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "From: a@example.org\r\nSubject: {subject}\r\nContent-Type: {content_type}\r\n\r\n{body}"
    )
    .into_bytes()
}

/// Two parts (plain text with the marker, a small attachment) under `boundary`, as the
/// body of a multipart.
fn two_parts(open: &str, close: &str) -> String {
    format!(
        "--{open}\r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n--{open}\r\n\
         Content-Type: application/octet-stream; name=\"a.bin\"\r\n\r\nBINARY\r\n{close}"
    )
}

fn bad_boundaries(big: usize) -> Vec<Case> {
    let mixed = |b: &str| format!("multipart/mixed; boundary=\"{b}\"");
    let long = "b".repeat(big.min(100_000));
    let mut cases = vec![
        Case::new(
            "no boundary parameter",
            with_body("No boundary", "multipart/mixed", &two_parts("x", "--x--\r\n")),
        )
        .subject("No boundary"),
        Case::new(
            "empty boundary",
            with_body("Empty", &mixed(""), &two_parts("", "----\r\n")),
        )
        .subject("Empty"),
        Case::new(
            "boundary never used",
            with_body("Unused", &mixed("nope"), &two_parts("x", "--x--\r\n")),
        )
        .subject("Unused"),
        Case::new(
            "closing boundary missing",
            with_body("Unclosed", &mixed("x"), &two_parts("x", "")),
        )
        .subject("Unclosed")
        .attachments(1),
        Case::new(
            "closing boundary only",
            with_body("Only closing", &mixed("x"), &format!("{TEXT}\r\n--x--\r\n")),
        )
        .subject("Only closing"),
        Case::new(
            "two boundary parameters",
            with_body(
                "Two params",
                "multipart/mixed; boundary=\"x\"; boundary=\"y\"",
                &two_parts("y", "--y--\r\n"),
            ),
        )
        .subject("Two params"),
        Case::new(
            "two Content-Type fields",
            format!(
                "Subject: Two fields\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\
                 Content-Type: multipart/mixed; boundary=\"y\"\r\n\r\n{}",
                two_parts("y", "--y--\r\n")
            )
            .into_bytes(),
        )
        .subject("Two fields"),
        Case::new(
            "boundary lines with trailing junk",
            with_body(
                "Junk",
                &mixed("x"),
                &format!(
                    "--x   \r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n--xjunk\r\nmore\r\n--x--junk\r\n"
                ),
            ),
        )
        .subject("Junk"),
        Case::new(
            "boundary of a huge length",
            with_body(
                "Long boundary",
                &mixed(&long),
                &two_parts(&long, &format!("--{long}--\r\n")),
            ),
        )
        .subject("Long boundary")
        .attachments(1),
        Case::new(
            "inner multipart reuses the outer boundary",
            with_body(
                "Same boundary",
                &mixed("x"),
                &format!(
                    "--x\r\nContent-Type: multipart/alternative; boundary=\"x\"\r\n\r\n{}--x--\r\n",
                    two_parts("x", "--x--\r\n")
                ),
            ),
        )
        .subject("Same boundary"),
    ];
    // Boundaries that are prefixes of each other, both ways round.
    for (outer, inner) in [("pre", "prefix"), ("prefix", "pre"), ("p", "p-")] {
        let body = format!(
            "--{outer}\r\nContent-Type: multipart/alternative; boundary=\"{inner}\"\r\n\r\n{}\
             --{outer}\r\nContent-Type: text/plain; name=\"note.txt\"\r\n\
             Content-Disposition: attachment\r\n\r\nNOTE\r\n--{outer}--\r\n",
            two_parts(inner, &format!("--{inner}--\r\n"))
        );
        cases.push(
            Case::new(
                format!("outer boundary {outer:?}, inner {inner:?}"),
                with_body("Prefixes", &mixed(outer), &body),
            )
            .subject("Prefixes"),
        );
    }
    for case in &mut cases {
        case.marker = Some(TEXT);
    }
    cases
}

/// Multiparts nested `depth` deep, the marker in the innermost text part.
fn nested_multipart(depth: usize) -> Vec<u8> {
    let mut m = format!("Subject: Deep multipart\r\n{}", part_header(0));
    for level in 1..depth {
        m.push_str(&format!("--B{:04}\r\n{}", level - 1, part_header(level)));
    }
    m.push_str(&format!(
        "--B{:04}\r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n",
        depth - 1
    ));
    for level in (0..depth).rev() {
        m.push_str(&format!("--B{level:04}--\r\n"));
    }
    m.into_bytes()
}

fn part_header(level: usize) -> String {
    format!("Content-Type: multipart/mixed; boundary=\"B{level:04}\"\r\n\r\n")
}

/// Forwarded messages nested `depth` deep (message/rfc822, not encoded), the marker in
/// the innermost body. Returns the whole message and the one forwarded at level 1.
fn nested_messages(depth: usize) -> (Vec<u8>, Vec<u8>) {
    let mut inner = format!("Subject: Level {depth}\r\n\r\n{TEXT}\r\n").into_bytes();
    let mut first = Vec::new();
    for level in (0..depth).rev() {
        first = inner;
        inner = format!(
            "Subject: Level {level}\r\nContent-Type: multipart/mixed; boundary=\"L{level}\"\r\n\r\n\
             --L{level}\r\nContent-Type: message/rfc822\r\n\r\n"
        )
        .into_bytes();
        inner.extend_from_slice(&first);
        inner.extend_from_slice(format!("\r\n--L{level}--\r\n").as_bytes());
    }
    (inner, first)
}

/// Forwarded messages nested `depth` deep, each base64-encoded inside the next.
fn nested_encoded(depth: usize) -> (Vec<u8>, Vec<u8>) {
    let mut inner = format!("Subject: Encoded level {depth}\r\n\r\n{TEXT}\r\n").into_bytes();
    let mut first = Vec::new();
    for level in (0..depth).rev() {
        first = inner;
        inner = format!(
            "Subject: Encoded level {level}\r\nContent-Type: message/rfc822\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n"
        )
        .into_bytes();
        inner.extend(base64_lines(&first));
    }
    (inner, first)
}

fn deep(_big: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for depth in [100, 1_000] {
        cases.push(
            Case::new(format!("multipart {depth} deep"), nested_multipart(depth))
                .subject("Deep multipart")
                .marker(TEXT),
        );
        let (raw, first) = nested_messages(depth);
        cases.push(
            Case::new(format!("message/rfc822 {depth} deep"), raw)
                .subject("Level 0")
                .marker(TEXT)
                .attachments(1)
                .first_attachment(first),
        );
    }
    // Each level grows by a third: 10 deep is already 18 times the innermost.
    let (raw, first) = nested_encoded(10);
    cases.push(
        Case::new("base64 message/rfc822 10 deep", raw)
            .subject("Encoded level 0")
            .attachments(1)
            .first_attachment(first),
    );
    cases
}

const BODY: &str = "\r\n\r\nTEXT-MARKER after the headers\r\n";

fn huge_headers(big: usize) -> Vec<Case> {
    let mut one_line = b"Subject: One huge line\r\nX-Huge: ".to_vec();
    one_line.resize(big, b'a');
    one_line.extend_from_slice(BODY.as_bytes());

    let mut many = b"Subject: Many headers\r\n".to_vec();
    let mut i = 0;
    while many.len() < big {
        many.extend_from_slice(format!("X-Small-{i}: value {i}\r\n").as_bytes());
        i += 1;
    }
    many.extend_from_slice(&BODY.as_bytes()[2..]);

    let mut folded = b"Subject: fold".to_vec();
    while folded.len() < big {
        folded.extend_from_slice(b"\r\n fold");
    }
    folded.extend_from_slice(BODY.as_bytes());

    let mut no_end = b"Subject: Never ends\r\n".to_vec();
    while no_end.len() < big {
        no_end.extend_from_slice(b"X-Again: and again\r\n");
    }

    vec![
        Case::new("one huge header line", one_line)
            .subject("One huge line")
            .marker(TEXT),
        Case::new("many small headers", many)
            .subject("Many headers")
            .marker(TEXT),
        Case::new("a huge folded Subject", folded).marker(TEXT),
        Case::new("a header section that never ends", no_end).subject("Never ends"),
    ]
}

fn nuls(big: usize) -> Vec<Case> {
    let mut body_nuls =
        format!("Subject: NUL body\r\nContent-Type: text/plain\r\n\r\n{TEXT}\0\0tail\0\r\n")
            .into_bytes();
    body_nuls.extend(std::iter::repeat_n(0u8, big / 4));
    vec![
        Case::new(
            "NUL in header values and names",
            format!("From: a\0b@example.org\r\nSubject: before\0after\r\nX-\0Name: v\0\r\n\r\n{TEXT}\r\n")
                .into_bytes(),
        )
        .marker(TEXT),
        Case::new("NUL in the body", body_nuls)
            .subject("NUL body")
            .marker(TEXT),
        Case::new(
            "NUL in the boundary",
            with_body(
                "NUL boundary",
                "multipart/mixed; boundary=\"a\0b\"",
                &two_parts("a\0b", "--a\0b--\r\n"),
            ),
        )
        .subject("NUL boundary")
        .marker(TEXT),
        Case::new(
            "NUL in a part's headers",
            with_body(
                "NUL part",
                "multipart/mixed; boundary=\"x\"",
                &format!(
                    "--x\r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n--x\r\n\
                     Content-Type: application/\0pdf; name=\"a\0.pdf\"\r\n\r\nPDF\r\n--x--\r\n"
                ),
            ),
        )
        .subject("NUL part")
        .marker(TEXT)
        .attachments(1),
        Case::new("nothing but NULs", vec![0; big]),
    ]
}

/// `word` repeated until the field is `big` bytes long.
fn flood(name: &str, word: &str, big: usize) -> Vec<u8> {
    let mut field = format!("{name}: ").into_bytes();
    while field.len() < big {
        field.extend_from_slice(word.as_bytes());
    }
    field
}

fn encoded_words(big: usize) -> Vec<Case> {
    let floods = [
        ("closed", "Subject", "=?utf-8?q?abc?= "),
        ("open", "Subject", "=?ab?q?x "),
        ("open, decodable charset", "Subject", "=?utf-8?q?abc "),
        ("open base64", "Subject", "=?utf-8?b?YWJj "),
        (
            "open and closed alternating",
            "Subject",
            "=?ab?q?x =?utf-8?q?y?= ",
        ),
        ("open, folded", "Subject", "=?ab?q?x\r\n "),
        ("open, no spaces", "Subject", "=?ab?q?x"),
        ("open in a display name", "From", "=?ab?q?x "),
        ("charset never ends", "Subject", "=?abcdefgh"),
    ];
    let mut cases: Vec<Case> = floods
        .iter()
        .map(|(what, name, word)| {
            let mut raw = flood(name, word, big);
            raw.extend_from_slice(BODY.as_bytes());
            Case::new(format!("{what} words in {name}"), raw).marker(TEXT)
        })
        .collect();
    // In an attachment's name, where the part's headers are parsed too.
    let mut name = flood("Content-Type: application/pdf; name", "=?ab?q?x ", big);
    name.extend_from_slice(b"\r\n\r\nPDF\r\n--x--\r\n");
    let mut raw = format!(
        "Subject: Open name\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n\
         --x\r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n--x\r\n"
    )
    .into_bytes();
    raw.extend(name);
    cases.push(
        Case::new("open words in an attachment's name", raw)
            .subject("Open name")
            .marker(TEXT)
            .attachments(1),
    );
    cases
}

/// A message forwarded base64-encoded, whose own headers hold `words` unfinished
/// encoded words: the header field a decoder reads again from each of them.
pub fn encoded_forward_with(words: usize) -> (Vec<u8>, Vec<u8>) {
    let open = "=?ab?q?x ".repeat(words);
    let inner = format!(
        "From: {open}<inner@example.org>\r\nSubject: {open}\r\n\
         Content-Type: text/plain; name=\"{open}\"\r\n\r\nINNER-MARKER\r\n"
    )
    .into_bytes();
    let mut raw = format!(
        "Subject: Forwarded, encoded\r\nContent-Type: multipart/mixed; boundary=\"fw\"\r\n\r\n\
         --fw\r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n--fw\r\n\
         Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    raw.extend(base64_lines(&inner));
    raw.extend_from_slice(b"--fw--\r\n");
    (raw, inner)
}

fn encoded_forward(big: usize) -> Vec<Case> {
    // Three fields of nine bytes a word, and base64 adds a third: `big` in all.
    let words = big / 36;
    let (raw, inner) = encoded_forward_with(words);
    // In a digest a part without a type is a message too; ten of them.
    let mut digest = format!(
        "Subject: Digest\r\nContent-Type: multipart/digest; boundary=\"dg\"\r\n\r\n\
         --dg\r\nContent-Type: text/plain\r\n\r\n{TEXT}\r\n"
    )
    .into_bytes();
    let (_, part) = encoded_forward_with(words / 10);
    for _ in 0..10 {
        digest.extend_from_slice(b"--dg\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        digest.extend(base64_lines(&part));
    }
    digest.extend_from_slice(b"--dg--\r\n");
    vec![
        Case::new(format!("{words} open words in each of 3 fields"), raw)
            .subject("Forwarded, encoded")
            .marker(TEXT)
            .attachments(1)
            .first_attachment(inner),
        Case::new("a digest of encoded messages without a type", digest)
            .subject("Digest")
            .marker(TEXT),
    ]
}
