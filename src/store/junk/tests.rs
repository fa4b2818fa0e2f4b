use super::*;
use proptest::prelude::*;

const TEXTS: [(&str, &str); 4] = [
    ("本日限定セール", "無料でプレゼント https://spam.example/x"),
    ("Meeting on Friday", "Agenda attached, see you then"),
    ("ｾｰﾙのお知らせ", "今だけ半額 free gift"),
    ("会議の議事録", "先日の会議の議事録を送ります"),
];

fn raw(n: usize) -> Vec<u8> {
    let (subject, body) = TEXTS[n % TEXTS.len()];
    let mut raw = format!("From: s{n}@example.org\r\nSubject: ").into_bytes();
    // Subjects as encoded words, as mail carries them.
    raw.extend(format!("=?UTF-8?Q?{}?=", quoted(subject)).bytes());
    raw.extend(
        format!("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body} {n}\r\n").bytes(),
    );
    raw
}

fn quoted(s: &str) -> String {
    s.bytes().map(|b| format!("={b:02X}")).collect()
}

fn store_with(n: usize) -> (tempfile::TempDir, Store, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("poplar.sqlite3")).unwrap();
    let account = store
        .add_account(&crate::accounts::Settings {
            name: "home".into(),
            host: "pop.example.org".into(),
            user: "u".into(),
            ..Default::default()
        })
        .unwrap();
    let ids = (0..n)
        .map(|i| {
            let raw = raw(i);
            let summary = crate::mail::summarize(&raw);
            store
                .insert_message(account.id, Some(&format!("u{i}")), &raw, &summary)
                .unwrap()
        })
        .collect();
    (dir, store, ids)
}

/// The model made in memory from what each message was last trained as.
fn expected(store: &Store, last: &[(i64, Option<Kind>)]) -> Model {
    let mut model = Model::default();
    for (id, kind) in last {
        if let Some(kind) = kind {
            let tokens = stored_tokens(&store.raw_message(*id).unwrap(), false);
            model.train(&tokens, *kind);
        }
    }
    model
}

#[test]
fn training_reads_decoded_japanese_and_moves_mail_in_and_out_of_junk() {
    let (_dir, mut store, ids) = store_with(4);
    assert_eq!(store.train_junk(&ids[..1], Kind::Junk).unwrap(), 1);
    assert_eq!(store.train_junk(&ids[..1], Kind::Junk).unwrap(), 0, "once");
    let model = store.junk_model().unwrap();
    assert_eq!((model.junk, model.good), (1, 0));
    for token in [
        "subject:限定",
        "subject:セール",
        "無料",
        "host:spam.example",
    ] {
        assert_eq!(model.counts.get(token), Some(&(1, 0)), "{token}");
    }
    let junk = store.find_role_folder(Role::Junk).unwrap().unwrap();
    assert_eq!(store.list(View::Folder(junk), 10, 0).unwrap().len(), 1);
    assert_eq!(store.count(View::Inbox(None)).unwrap(), 3);

    // Not junk after all: the junk training is taken back, good counted, back in the inbox.
    assert_eq!(store.train_junk(&ids[..1], Kind::Good).unwrap(), 1);
    let model = store.junk_model().unwrap();
    assert_eq!((model.junk, model.good), (0, 1));
    assert_eq!(model.counts.get("無料"), Some(&(0, 1)));
    assert_eq!(store.count(View::Folder(junk)).unwrap(), 0);
    assert_eq!(store.count(View::Inbox(None)).unwrap(), 4);
}

#[test]
fn the_filter_judges_only_once_fifty_of_each_are_trained_and_rereads_after_training() {
    let (_dir, mut store, ids) = store_with(101);
    store.train_junk(&ids[..50], Kind::Junk).unwrap();
    store.train_junk(&ids[50..99], Kind::Good).unwrap();
    assert!(store.junk_judge().unwrap().is_none(), "49 good");
    store.train_junk(&ids[99..100], Kind::Good).unwrap();
    let first = store.junk_judge().unwrap().unwrap();
    assert_eq!((first.junk, first.good), (50, 50));
    let again = store.junk_judge().unwrap().unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "not read again without a training"
    );
    store.train_junk(&ids[100..], Kind::Good).unwrap();
    assert_eq!(store.junk_judge().unwrap().unwrap().good, 51);
}

#[test]
fn junk_older_than_the_days_goes_to_the_trash_counted_from_when_it_became_junk() {
    let (_dir, mut store, ids) = store_with(2);
    assert_eq!(
        store.empty_old_junk(30, now()).unwrap(),
        0,
        "no Junk folder yet"
    );
    store.train_junk(&ids, Kind::Junk).unwrap();
    let t = now();
    assert_eq!(store.empty_old_junk(30, t + 29 * DAY).unwrap(), 0);
    assert_eq!(store.empty_old_junk(30, t + 31 * DAY).unwrap(), 2);
    assert_eq!(store.count(View::Trash).unwrap(), 2);
    assert_eq!(store.empty_old_junk(30, t + 31 * DAY).unwrap(), 0, "once");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever is trained, retrained the other way or trained twice, in any order, the
    /// stored counts are exactly those of each message trained once as what it was last
    /// trained as.
    #[test]
    fn stored_counts_are_exactly_the_last_training_of_each_message(
        steps in prop::collection::vec((0usize..6, any::<bool>()), 0..20)
    ) {
        let (_dir, mut store, ids) = store_with(6);
        let mut last: Vec<(i64, Option<Kind>)> = ids.iter().map(|&id| (id, None)).collect();
        for (n, junk) in steps {
            let kind = if junk { Kind::Junk } else { Kind::Good };
            store.train_junk(&[ids[n]], kind).unwrap();
            last[n].1 = Some(kind);
        }
        prop_assert_eq!(store.junk_model().unwrap(), expected(&store, &last));
    }
}
