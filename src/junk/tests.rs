use super::*;
use proptest::prelude::*;

fn set(tokens: &[&str]) -> BTreeSet<String> {
    tokens.iter().map(ToString::to_string).collect()
}

#[test]
fn japanese_is_cut_into_bigrams_and_katakana_runs() {
    let t = tokens(&Message {
        from: "店長 <shop@example.jp>",
        subject: "本日限定ｾｰﾙ！",
        body: "無料でプレゼント。詳しくは https://www.Spam.example/x?y と Free GIFT 2025",
    });
    for expected in [
        "subject:本日",
        "subject:日限",
        "subject:限定",
        "subject:セール",
        "from:店長",
        "from:shop",
        "from:example",
        "無料",
        "料で",
        "プレゼント",
        "詳し",
        "しく",
        "くは",
        "free",
        "gift",
        "host:spam.example",
    ] {
        assert!(t.contains(expected), "{expected} missing from {t:?}");
    }
    assert!(!t.contains("2025"), "numbers alone say nothing");
    assert!(!t.contains("ﾌﾟﾚｾﾞﾝﾄ"), "half-width is made full-width");
}

#[test]
fn a_single_kanji_between_latin_words_is_a_token() {
    let t = tokens(&Message {
        body: "price 円 only",
        ..Message::default()
    });
    assert!(t.contains("円") && t.contains("price"));
}

/// A message 1,000 times larger than usual is read only so far: a word after the first
/// 200,000 characters is not a token.
#[test]
fn a_huge_message_is_read_in_part() {
    let body = format!("{} hidden", "宣伝".repeat(5_000_000));
    let t = tokens(&Message {
        body: &body,
        ..Message::default()
    });
    assert_eq!(t, set(&["宣伝", "伝宣"]));
    let short = tokens(&Message {
        body: "宣伝 hidden",
        ..Message::default()
    });
    assert!(short.contains("hidden"));
}

fn corpus() -> (Vec<BTreeSet<String>>, Vec<BTreeSet<String>>) {
    let junk: Vec<_> = (0..60)
        .map(|i| {
            tokens(&Message {
                from: "キャンペーン事務局 <win@prize.example>",
                subject: &format!("【当選】{i}名様に無料プレゼント"),
                body: &format!("今すぐクリック http://prize.example/{i} 限定セール 激安 {i}"),
            })
        })
        .collect();
    let good: Vec<_> = (0..60)
        .map(|i| {
            tokens(&Message {
                from: "山田 <yamada@example.co.jp>",
                subject: &format!("会議の議事録 第{i}回"),
                body: &format!("お世話になっております。明日の打ち合わせの資料を送ります。{i}"),
            })
        })
        .collect();
    (junk, good)
}

#[test]
fn it_learns_japanese_junk() {
    let (junk, good) = corpus();
    let mut model = Model::default();
    for (i, (j, g)) in junk.iter().zip(&good).enumerate() {
        assert_eq!(model.is_ready(), i >= READY_AT as usize);
        model.train(j, Kind::Junk);
        model.train(g, Kind::Good);
    }
    assert!(model.is_ready());
    let new_junk = tokens(&Message {
        from: "事務局 <win@prize.example>",
        subject: "無料プレゼントに当選しました",
        body: "限定セールはこちら http://prize.example/new",
    });
    let new_good = tokens(&Message {
        from: "山田 <yamada@example.co.jp>",
        subject: "打ち合わせの件",
        body: "明日の会議の資料です。よろしくお願いいたします。",
    });
    assert!(model.score(&new_junk) > 0.99, "{}", model.score(&new_junk));
    assert!(model.score(&new_good) < 0.01, "{}", model.score(&new_good));
    assert!(model.is_junk(&new_junk) && !model.is_junk(&new_good));
    assert_eq!(model.score(&set(&["never-seen"])), 0.5);
}

#[test]
fn an_untrained_filter_judges_nothing() {
    let (junk, _) = corpus();
    let mut model = Model::default();
    for j in &junk[..10] {
        model.train(j, Kind::Junk);
    }
    assert!(!model.is_junk(&junk[20]));
}

proptest! {
    /// Training a message and taking it back leaves every count as it was.
    #[test]
    fn untraining_restores_the_counts(
        before in proptest::collection::vec((proptest::collection::btree_set("[a-e]{1,2}", 0..6), any::<bool>()), 0..10),
        message in proptest::collection::btree_set("[a-f]{1,2}", 0..8),
        junk in any::<bool>(),
    ) {
        let kind = |j: bool| if j { Kind::Junk } else { Kind::Good };
        let mut model = Model::default();
        for (t, j) in &before {
            model.train(t, kind(*j));
        }
        let original = model.clone();
        model.train(&message, kind(junk));
        model.untrain(&message, kind(junk));
        prop_assert_eq!(model, original);
    }

    #[test]
    fn scores_stay_between_0_and_1(
        counts in proptest::collection::vec((0u32..500, 0u32..500), 1..200),
        trained in (1u32..1000, 1u32..1000),
    ) {
        let mut model = Model { junk: trained.0, good: trained.1, ..Model::default() };
        let mut message = BTreeSet::new();
        for (i, c) in counts.into_iter().enumerate() {
            model.counts.insert(i.to_string(), c);
            message.insert(i.to_string());
        }
        let score = model.score(&message);
        prop_assert!((0.0..=1.0).contains(&score), "{}", score);
    }
}
