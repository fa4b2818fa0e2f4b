use super::*;
use proptest::prelude::*;

fn rule(name: &str, conditions: Vec<Condition>, actions: Vec<Action>) -> Compiled {
    Compiled::new(Rule {
        name: name.into(),
        account: None,
        any: false,
        conditions,
        actions,
        enabled: true,
    })
    .unwrap()
}

fn text(field: Field, test: Test, text: &str) -> Condition {
    Condition::Text {
        field,
        test,
        text: text.into(),
    }
}

fn facts<'a>(from: &'a str, subject: &'a str, body: Option<&'a str>) -> Facts<'a> {
    Facts {
        from,
        subject,
        body,
        size: 1000,
        has_attachment: body.map(|_| false),
        ..Facts::default()
    }
}

#[test]
fn width_and_case_do_not_matter() {
    assert_eq!(normalize("ＡＢＣ ｶﾀｶﾅ Straße"), "abc カタカナ straße");
    let r = rule(
        "shop",
        vec![text(Field::Subject, Test::Contains, "セール")],
        vec![Action::MoveTo("買い物".into())],
    );
    for subject in ["夏のｾｰﾙ開催", "夏のセール開催", "ＳＡＬＥ セール"] {
        let d = decide(std::slice::from_ref(&r), &facts("x@y", subject, None));
        assert_eq!(d.folder.as_deref(), Some("買い物"), "{subject}");
    }
    let r = rule(
        "abc",
        vec![text(Field::From, Test::Is, "ＡＢＣ@Example.JP")],
        vec![Action::Flag],
    );
    assert!(decide(&[r], &facts(" abc@example.jp ", "", None)).flag);
}

/// A pattern keeps its meaning: \D is not \d, \A is the start; case is ignored.
#[test]
fn regexes_are_not_rewritten() {
    for (pattern, subject, expected) in [
        ("^\\D+$", "abc", true),
        ("^\\D+$", "a1", false),
        ("\\AINVOICE", "invoice 12", true),
        ("\\P{Han}", "会議", false),
    ] {
        let r = rule(
            "r",
            vec![text(Field::Subject, Test::Regex, pattern)],
            vec![Action::Flag],
        );
        assert_eq!(
            decide(&[r], &facts("", subject, None)).flag,
            expected,
            "{pattern} {subject}"
        );
    }
}

#[test]
fn tests_and_regexes() {
    let cases = [
        (Test::Contains, "議事", true),
        (Test::BeginsWith, "re: 会議", true),
        (Test::BeginsWith, "会議", false),
        (Test::EndsWith, "議事録", true),
        (Test::Is, "re: 会議の議事録", true),
        (Test::Is, "会議", false),
        (Test::Regex, "^re: .*議事録$", true),
        (Test::Regex, "^会議", false),
    ];
    for (test, t, expected) in cases {
        let r = rule("r", vec![text(Field::Subject, test, t)], vec![Action::Flag]);
        assert_eq!(
            decide(&[r], &facts("", "Re: 会議の議事録", None)).flag,
            expected,
            "{test:?} {t}"
        );
    }
}

#[test]
fn headers_by_name_any_and_all() {
    let headers = vec![
        ("List-Id".to_string(), "<news.example.jp>".to_string()),
        ("X-Spam".to_string(), "no".to_string()),
        ("x-spam".to_string(), "YES".to_string()),
    ];
    let f = Facts {
        headers: &headers,
        ..facts("a@b", "s", None)
    };
    let spam = rule(
        "spam",
        vec![text(Field::Header("X-SPAM".into()), Test::Is, "yes")],
        vec![Action::Junk],
    );
    assert!(decide(&[spam], &f).junk, "any of the repeated headers");
    let mut both = Rule {
        name: "both".into(),
        account: None,
        any: false,
        conditions: vec![
            text(Field::Header("list-id".into()), Test::Contains, "news"),
            text(Field::From, Test::Contains, "nobody"),
        ],
        actions: vec![Action::MarkRead],
        enabled: true,
    };
    assert!(!decide(&[Compiled::new(both.clone()).unwrap()], &f).read);
    both.any = true;
    assert!(decide(&[Compiled::new(both).unwrap()], &f).read);
}

/// Before download, only what headers can tell counts; a body rule that could stop the
/// list makes everything after it wait for the download.
#[test]
fn before_and_after_download() {
    let body_stop = rule(
        "body",
        vec![text(Field::Body, Test::Contains, "keep")],
        vec![Action::MoveTo("Kept".into()), Action::Stop],
    );
    let skip = rule(
        "skip",
        vec![text(Field::From, Test::Contains, "ads@")],
        vec![Action::SkipDownload],
    );
    assert!(!body_stop.needs_only_headers() && skip.needs_only_headers());
    let rules = [body_stop, skip];
    let before = decide(&rules, &facts("ads@shop.example", "", None));
    assert!(
        !before.skip_download,
        "the first rule might still stop the list"
    );
    let after = decide(
        &rules,
        &facts("ads@shop.example", "", Some("please keep this")),
    );
    assert_eq!(after.folder.as_deref(), Some("Kept"));
    assert!(!after.skip_download);
    // Once downloaded, a message is stored: leaving it on the server is decided before.
    let after = decide(&rules, &facts("ads@shop.example", "", Some("other")));
    assert!(!after.skip_download && after.matched == ["skip"]);
    // In the other order the header rule is judged at once.
    let rules = [rules[1].clone(), rules[0].clone()];
    assert!(decide(&rules, &facts("ads@shop.example", "", None)).skip_download);
}

#[test]
fn stop_disabled_and_per_account() {
    let mut first = rule(
        "first",
        vec![Condition::SizeOver(10)],
        vec![Action::MoveTo("A".into()), Action::Stop],
    );
    let second = rule("second", vec![Condition::SizeOver(10)], vec![Action::Flag]);
    let d = decide(&[first.clone(), second.clone()], &facts("", "", None));
    assert_eq!(
        (d.folder.as_deref(), d.flag, d.matched.len()),
        (Some("A"), false, 1)
    );
    first.rule.enabled = false;
    let d = decide(&[first.clone(), second.clone()], &facts("", "", None));
    assert_eq!((d.folder, d.flag), (None, true));
    let mut other = second.clone();
    other.rule.account = Some(AccountId(2));
    let f = Facts {
        account: Some(AccountId(1)),
        ..facts("", "", None)
    };
    assert!(!decide(&[other], &f).flag);
}

#[test]
fn unusable_rules_are_refused_with_a_reason() {
    let bad = Rule {
        name: "bad".into(),
        account: None,
        any: false,
        conditions: vec![text(Field::Subject, Test::Regex, "(unclosed")],
        actions: vec![Action::Flag],
        enabled: true,
    };
    assert!(matches!(
        Compiled::new(bad.clone()),
        Err(Error::BadRegex { .. })
    ));
    // A regular expression that would compile to something huge (a shared settings file
    // from a stranger) is refused instead of taking the memory.
    let huge = Rule {
        conditions: vec![text(Field::Subject, Test::Regex, "(\\w{100}){100}")],
        ..bad.clone()
    };
    assert!(matches!(Compiled::new(huge), Err(Error::BadRegex { .. })));
    let empty = Rule {
        conditions: vec![text(Field::Subject, Test::Contains, " ")],
        actions: vec![Action::DeleteOnServer],
        ..bad.clone()
    };
    assert_eq!(
        Compiled::new(empty).unwrap_err(),
        Error::EmptyText("bad".into())
    );
    // Deleting on the server is decided from headers: a body rule cannot do it.
    let blind = Rule {
        conditions: vec![text(Field::Body, Test::Contains, "x")],
        actions: vec![Action::DeleteOnServer],
        ..bad.clone()
    };
    assert_eq!(
        Compiled::new(blind).unwrap_err(),
        Error::ServerActionNeedsDownload("bad".into())
    );
    let nothing = Rule {
        conditions: vec![],
        ..bad.clone()
    };
    assert_eq!(
        Compiled::new(nothing).unwrap_err(),
        Error::NoCondition("bad".into())
    );
    let idle = Rule {
        conditions: vec![Condition::HasAttachment],
        actions: vec![],
        ..bad
    };
    assert_eq!(
        Compiled::new(idle).unwrap_err(),
        Error::NoAction("bad".into())
    );
}

/// A body 1,000 times larger than usual is matched in linear time.
#[test]
fn a_large_body() {
    let body = "普通の本文です。".repeat(200_000);
    let r = rule(
        "r",
        vec![text(Field::Body, Test::Regex, "本文.*末尾")],
        vec![Action::Flag],
    );
    assert!(!decide(&[r], &facts("", "", Some(&body))).flag);
}

proptest! {
    /// Full-width and half-width forms, and case, never change a "contains" answer.
    #[test]
    fn width_never_matters(word in "[A-Za-z0-9ｦ-ﾟ]{1,8}", before in "[a-z ]{0,5}") {
        let wide: String = word.nfkc().collect::<String>().to_uppercase();
        let subject = format!("{before}{wide}");
        let r = rule("r", vec![text(Field::Subject, Test::Contains, &word)], vec![Action::Flag]);
        prop_assert!(decide(&[r], &facts("", &subject, None)).flag);
    }
}

#[test]
fn sizes_are_read_as_typed_in_either_width_and_too_large_is_no_size() {
    assert_eq!(parse_size("500000"), Some(500_000));
    assert_eq!(parse_size(" 500K "), Some(512_000));
    assert_eq!(parse_size("2m"), Some(2 << 20));
    assert_eq!(parse_size("２Ｍ"), Some(2 << 20));
    assert_eq!(parse_size("3 MB"), Some(3 << 20));
    assert_eq!(parse_size("18446744073709551615M"), None);
    assert_eq!(parse_size("99999999999999999999999"), None);
    for bad in ["", "M", "1G", "-5", "1.5M", "十"] {
        assert_eq!(parse_size(bad), None, "{bad}");
    }
}

proptest! {
    /// The fast paths of `normalize` (ASCII, text already in NFKC) give exactly what NFKC
    /// then lower case gives.
    #[test]
    fn normalize_is_nfkc_then_lower_case(text in "\\PC{0,40}|[ -~ｦ-ﾟＡ-ｚ０-９ぁ-んァ-ヶ一-龠]{0,40}") {
        let slow: String = text.nfkc().flat_map(char::to_lowercase).collect();
        prop_assert_eq!(normalize(&text), slow);
    }
}
