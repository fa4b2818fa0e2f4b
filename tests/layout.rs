//! The size rules of the source (issue 15): no file under src/ longer than 600 lines (as
//! `wc -l` counts them, test modules included) and no function longer than 100 lines
//! (from the line of its `fn` to the line of its closing brace). Braces are counted by a
//! small Rust lexer that skips strings, characters and comments; its own tests are below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FUNCTION_LINES: usize = 100;

/// What the size rules care about in Rust source: words, brackets and semicolons, each
/// with its (1-based) line. Strings, characters, lifetimes and comments are left out.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Open(char),
    Close(char),
    Semicolon,
}

fn lex(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Moves past `chars[i..end]`, counting the lines in it.
    let advance = |i: &mut usize, end: usize, line: &mut usize| {
        *line += chars[*i..end.min(chars.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count();
        *i = end.min(chars.len());
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = (i..chars.len())
                .find(|&j| chars[j] == '\n')
                .unwrap_or(chars.len());
            advance(&mut i, end, &mut line);
        } else if c == '/' && next == Some('*') {
            let end = block_comment_end(&chars, i);
            advance(&mut i, end, &mut line);
        } else if c == '"' {
            let end = string_end(&chars, i + 1);
            advance(&mut i, end, &mut line);
        } else if c == '\'' {
            let end = char_end(&chars, i);
            advance(&mut i, end, &mut line);
        } else if c.is_alphanumeric() || c == '_' {
            let word_end = |from: usize| {
                (from..chars.len())
                    .find(|&j| !(chars[j].is_alphanumeric() || chars[j] == '_'))
                    .unwrap_or(chars.len())
            };
            let start = i;
            i = word_end(i);
            let mut word: String = chars[start..i].iter().collect();
            // A string or character prefix: b"..", br#".."#, c"..", r".." and b'.'.
            let prefix = matches!(word.as_str(), "b" | "br" | "c" | "cr" | "r");
            if prefix && word.ends_with('r') && matches!(chars.get(i), Some('"' | '#')) {
                if let Some(end) = raw_string_end(&chars, i) {
                    advance(&mut i, end, &mut line);
                    continue;
                }
                if word == "r" {
                    // A raw identifier, `r#match`: the word is `match`.
                    let end = word_end(i + 1);
                    word = chars[i + 1..end].iter().collect();
                    i = end;
                }
            } else if prefix && chars.get(i) == Some(&'"') {
                let end = string_end(&chars, i + 1);
                advance(&mut i, end, &mut line);
                continue;
            } else if word == "b" && chars.get(i) == Some(&'\'') {
                let end = char_end(&chars, i);
                advance(&mut i, end, &mut line);
                continue;
            }
            tokens.push((Token::Word(word), line));
        } else {
            match c {
                '{' | '(' | '[' => tokens.push((Token::Open(c), line)),
                '}' | ')' | ']' => tokens.push((Token::Close(c), line)),
                ';' => tokens.push((Token::Semicolon, line)),
                '\n' => line += 1,
                _ => {}
            }
            i += 1;
        }
    }
    tokens
}

/// Just past the `*/` that closes the (nestable) block comment opening at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < chars.len() {
        if chars[i] == '/' && chars[i + 1] == '*' {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars[i + 1] == '/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    chars.len()
}

/// Just past the `"` that closes a string whose contents start at `start`.
fn string_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// At `start`, after the `r`: `#`s then `"`; just past the closing `"` and as many `#`s.
/// `None` when this is not a raw string after all (`r#ident`, a raw identifier).
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    let hashes = chars[start..].iter().take_while(|&&c| c == '#').count();
    if chars.get(start + hashes) != Some(&'"') {
        return None;
    }
    let mut i = start + hashes + 1;
    while i < chars.len() {
        if chars[i] == '"' && chars[i + 1..].iter().take_while(|&&c| c == '#').count() >= hashes {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(chars.len())
}

/// At a `'`: just past a character literal, or just past the `'` of a lifetime or label.
fn char_end(chars: &[char], start: usize) -> usize {
    match (chars.get(start + 1), chars.get(start + 2)) {
        (Some('\\'), _) => {
            // '\n', '\'', '\\', '\x7f', '\u{1F600}': up to the next unescaped quote.
            let mut i = start + 3;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i + 1
        }
        (Some(_), Some('\'')) => start + 3,
        _ => start + 1,
    }
}

/// A function found in a file: its name, the line of its `fn` and its length in lines.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    line: usize,
    lines: usize,
}

/// Every function with a body in `source` (nested ones too), with its length.
fn functions(source: &str) -> Vec<Function> {
    let tokens = lex(source);
    let mut found = Vec::new();
    for (k, window) in tokens.windows(2).enumerate() {
        let [(Token::Word(keyword), line), (Token::Word(name), _)] = window else {
            continue;
        };
        if keyword != "fn" {
            continue;
        }
        if let Some(end) = body_end(&tokens[k + 2..]) {
            found.push(Function {
                name: name.clone(),
                line: *line,
                lines: end - line + 1,
            });
        }
    }
    found
}

/// After a function's name: the line of the brace closing its body, or `None` for a
/// declaration without one (`fn f();` in a trait or an `extern` block).
fn body_end(tokens: &[(Token, usize)]) -> Option<usize> {
    // Brackets in the signature (`-> [u8; 4]`, `x: [u8; N]`) hold semicolons and braces
    // that are not the body's.
    let mut nesting = 0usize;
    let mut body = None;
    for (at, (token, _)) in tokens.iter().enumerate() {
        match token {
            Token::Open('{') if nesting == 0 => {
                body = Some(at);
                break;
            }
            Token::Open(_) => nesting += 1,
            Token::Close(_) => nesting = nesting.saturating_sub(1),
            Token::Semicolon if nesting == 0 => return None,
            _ => {}
        }
    }
    let mut depth = 0usize;
    for (token, line) in &tokens[body?..] {
        match token {
            Token::Open('{') => depth += 1,
            Token::Close('}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(*line);
                }
            }
            _ => {}
        }
    }
    None
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// What breaks the size rules in the files under `dir`, one line each.
fn oversized(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    files.sort();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let shown = shown.replace('\\', "/");
        // As `wc -l` counts: newline characters.
        let lines = source.matches('\n').count();
        if lines > MAX_FILE_LINES {
            found.push(format!("{shown}: {lines} lines (at most {MAX_FILE_LINES})"));
        }
        for f in functions(&source) {
            if f.lines > MAX_FUNCTION_LINES {
                found.push(format!(
                    "{shown}:{}: fn {} is {} lines (at most {MAX_FUNCTION_LINES})",
                    f.line, f.name, f.lines
                ));
            }
        }
    }
    found
}

#[test]
fn no_source_file_or_function_is_too_long() {
    let found = oversized(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        found.is_empty(),
        "too long ({} found):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// (name, line, length) of each function in `source`.
fn sizes(source: &str) -> Vec<(String, usize, usize)> {
    functions(source)
        .into_iter()
        .map(|f| (f.name, f.line, f.lines))
        .collect()
}

#[test]
fn a_function_runs_from_its_fn_to_its_closing_brace() {
    let source = "/// doc\n#[test]\nfn one() {\n    let x = 1;\n}\n\npub(crate) async fn two() -> u8 { 2 }\n";
    assert_eq!(sizes(source), [("one".into(), 3, 3), ("two".into(), 7, 1)]);
}

#[test]
fn braces_in_strings_chars_and_comments_do_not_count() {
    let source = r###"fn tricky() {
    let a = "}}} \" }";
    let b = '}';
    let c = '\'';
    let d = b'{';
    let e = r#"}" "#;
    let f = br##"}"#}"##;
    // }
    /* } /* nested } */ } */
    let g = '\u{7d}';
    let h = "line
    }";
}
fn after() {}
"###;
    assert_eq!(
        sizes(source),
        [("tricky".into(), 1, 13), ("after".into(), 14, 1)]
    );
}

#[test]
fn lifetimes_and_labels_are_not_characters() {
    let source = "fn longest<'a>(x: &'a str, y: &'a str) -> &'a str {\n    'outer: loop {\n        break 'outer;\n    }\n    x\n}\nfn next() {}\n";
    assert_eq!(
        sizes(source),
        [("longest".into(), 1, 6), ("next".into(), 7, 1)]
    );
}

#[test]
fn declarations_pointer_types_and_signatures_with_brackets() {
    let source = "trait T {\n    fn declared(&self);\n    fn given(&self) -> [u8; 2] {\n        [0; 2]\n    }\n}\nfn takes(f: fn(u8) -> u8, x: [u8; 3]) -> Box<dyn Fn()> {\n    fn inner() {}\n    Box::new(|| {})\n}\nunsafe extern \"C\" {\n    fn abs(x: i32) -> i32;\n}\n";
    assert_eq!(
        sizes(source),
        [
            ("given".into(), 3, 3),
            ("takes".into(), 7, 4),
            ("inner".into(), 8, 1)
        ]
    );
}

#[test]
fn raw_identifiers_are_words_not_strings() {
    let source = "fn r#match() {\n    let r#type = 1;\n}\nfn b() { let _ = c\"}\"; }\n";
    assert_eq!(sizes(source), [("match".into(), 1, 3), ("b".into(), 4, 1)]);
}

#[test]
fn files_and_functions_over_the_limits_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let long_body = "    let _ = 0;\n".repeat(99);
    // 101 lines: the fn line, 99 statements, the closing brace.
    let too_long = format!("fn too_long() {{\n{long_body}}}\n");
    let just_right = format!("fn just_right() {{\n{}}}\n", "    let _ = 0;\n".repeat(98));
    std::fs::write(dir.path().join("a.rs"), format!("{too_long}{just_right}")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/b.rs"), "\n".repeat(601)).unwrap();
    std::fs::write(dir.path().join("sub/c.rs"), "\n".repeat(600)).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "\n".repeat(700)).unwrap();
    let found = oversized(dir.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].ends_with("a.rs:1: fn too_long is 101 lines (at most 100)"));
    assert!(found[1].ends_with("b.rs: 601 lines (at most 600)"));
}
