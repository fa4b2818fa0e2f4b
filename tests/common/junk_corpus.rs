//! A labelled corpus of good mail and junk, generated from a seed: English and Japanese
//! (about 30% Japanese), from many kinds of sender (colleagues, family, shops the person
//! uses, banks, mailing lists; lotteries, fake invoices, dating sites, side jobs, fake
//! shop and bank notices). Half of the junk comes from domains never seen before, a fifth
//! carries lines of ordinary mail, a fifth wears an ordinary subject. Phrases, names,
//! numbers, links and signatures are drawn at random for every message, so that no two
//! are alike and the filter has to generalise.

pub struct Mail {
    pub from: String,
    pub subject: String,
    pub body: String,
    pub junk: bool,
    pub japanese: bool,
}

const EN_NAMES: &[&str] = &[
    "Alice Moore",
    "Bob Chen",
    "Carol Diaz",
    "David Okafor",
    "Emma Novak",
    "Frank Li",
    "Grace Kim",
    "Henry Walsh",
    "Irene Rossi",
    "Jack Brown",
    "Karen Patel",
    "Leo Schmidt",
];
const JA_NAMES: &[&str] = &[
    "山田太郎",
    "佐藤花子",
    "鈴木一郎",
    "高橋美咲",
    "田中健",
    "伊藤さくら",
    "渡辺翔",
    "中村由美",
    "小林誠",
    "加藤綾",
    "吉田大輔",
    "山本彩",
];
const EN_GOOD_SUBJECTS: &[&str] = &[
    "Minutes of {day}'s meeting",
    "Draft budget for Q{n}",
    "Re: schedule for the review",
    "Lunch on {day}?",
    "Photos from the weekend",
    "Your order #{num} has shipped",
    "Invoice {num} for {month}",
    "Agenda: project sync",
    "Re: question about the report",
    "Weekly newsletter: {month} issue",
    "Happy birthday!",
    "Flight details for {day}",
];
const EN_GOOD_LINES: &[&str] = &[
    "Thanks for sending the figures yesterday.",
    "I have attached the revised draft; comments welcome.",
    "Can we move the call to {day} afternoon?",
    "The team agreed on the timeline in the meeting.",
    "Please review the changes before Friday.",
    "Let me know if the numbers look right to you.",
    "The kids loved the park, we should go again.",
    "Your package will arrive within {n} business days.",
    "This month's issue covers gardening and local events.",
    "See you at the station at {n} o'clock.",
    "I updated the spreadsheet with the latest sales data.",
    "Mum says hello and asks when you are visiting.",
    "The server maintenance is planned for {day} night.",
    "Could you forward me the contract from last week?",
];
const EN_JUNK_SUBJECTS: &[&str] = &[
    "You have WON ${num}!!!",
    "Cheap meds without prescription",
    "URGENT: verify your account",
    "Make $$$ from home",
    "Your parcel is on hold - action required",
    "Hot singles near you",
    "Limited offer: 90% OFF",
    "Final notice: unpaid invoice {num}",
    "Claim your free gift card",
    "Lose 10kg in {n} days",
    "Your Apple ID has been locked",
    "Investment opportunity of a lifetime",
];
const EN_JUNK_LINES: &[&str] = &[
    "Click here to claim your prize before it expires.",
    "Act now, this offer is only valid for {n} hours.",
    "Your account will be suspended unless you verify your details.",
    "No prescription needed, discreet shipping worldwide.",
    "Earn ${num} per week working from home, no experience.",
    "Confirm your password and credit card number to unlock your account.",
    "You were selected as our lucky winner today.",
    "Unsubscribe is not possible, you are our valued customer.",
    "Guaranteed results or your money back, buy now!",
    "Meet beautiful women in your area tonight.",
    "Pay the outstanding fee to release your package.",
    "Double your bitcoin in {n} days with our secret method.",
];
const JA_GOOD_SUBJECTS: &[&str] = &[
    "{month}の会議の議事録",
    "見積書送付のお願い",
    "Re: 打ち合わせ日程の件",
    "資料の確認をお願いします",
    "週末の予定について",
    "ご注文の商品を発送しました（注文番号{num}）",
    "{month}分の請求書",
    "プロジェクト進捗報告",
    "Re: 報告書についての質問",
    "町内会のお知らせ",
    "誕生日おめでとう",
    "出張の日程について",
];
const JA_GOOD_LINES: &[&str] = &[
    "いつもお世話になっております。",
    "昨日はお忙しいところありがとうございました。",
    "修正した資料を添付いたしますので、ご確認ください。",
    "{day}の午後に打ち合わせを変更できますでしょうか。",
    "会議で決まったスケジュールを共有いたします。",
    "金曜日までにご確認いただけますと幸いです。",
    "数字に問題がないか見ていただけますか。",
    "子どもたちは公園でとても楽しんでいました。",
    "商品は{n}営業日以内にお届けの予定です。",
    "今月号では地域のイベントをご紹介しています。",
    "駅の改札で{n}時に待ち合わせましょう。",
    "最新の売上データで表を更新しました。",
    "母がよろしくと言っていました。",
    "先週の契約書を転送していただけますか。",
    "引き続きよろしくお願いいたします。",
];
const JA_JUNK_SUBJECTS: &[&str] = &[
    "【当選】{num}円分のギフト券が当たりました",
    "【重要】アカウントが停止されました",
    "未払い料金のお支払いについて（最終通知）",
    "副業で月収{num}万円！",
    "素敵な出会いが待っています",
    "【緊急】本人確認のお願い",
    "限定セール！最大90%OFF",
    "お荷物のお届けにあがりましたが不在のため持ち帰りました",
    "あなただけの特別なご案内",
    "今すぐ登録で{num}ポイントプレゼント",
    "【Amazon】お支払い方法の更新",
    "簡単に稼げる方法を教えます",
];
const JA_JUNK_LINES: &[&str] = &[
    "こちらをクリックして賞品を受け取ってください。",
    "{n}時間以内に手続きをしないと無効になります。",
    "本人確認のため、パスワードとカード番号を入力してください。",
    "誰でも簡単に高収入が得られます。",
    "完全無料で素敵な女性と出会えます。",
    "未払いの料金をお支払いいただけない場合、法的手続きに移ります。",
    "今だけ特別価格でご提供いたします。",
    "あなたは当選者に選ばれました。",
    "登録は無料、今すぐアクセスしてください。",
    "再配達のご依頼は以下のリンクから。",
    "アカウントの利用を再開するには情報の更新が必要です。",
    "必ず儲かる投資情報をお届けします。",
];
const EN_GOOD_DOMAINS: &[&str] = &[
    "example.com",
    "work.example.org",
    "school.example.net",
    "shop.example.com",
];
const JA_GOOD_DOMAINS: &[&str] = &[
    "example.co.jp",
    "kaisha.example.jp",
    "city.example.lg.jp",
    "shop.example.ne.jp",
];
const JUNK_DOMAINS: &[&str] = &[
    "prize-win.example",
    "secure-verify.example",
    "cheap-meds.example",
    "amaz0n-support.example",
    "deai-club.example",
    "fukugyou.example",
    "bank-check.example",
    "parcel-notice.example",
];
const NEUTRAL_EN: &[&str] = &[
    "Please see the details below.",
    "Thank you for your time.",
    "Best regards.",
    "If you have any questions, reply to this email.",
    "Sent from my phone.",
];
const NEUTRAL_JA: &[&str] = &[
    "詳しくは以下をご覧ください。",
    "よろしくお願いいたします。",
    "ご不明な点はお問い合わせください。",
    "このメールは送信専用です。",
    "今後ともよろしくお願いします。",
];
const PROMO_EN: &[&str] = &[
    "Limited offer: this week only, 20% off everything.",
    "Free shipping on orders over $50.",
    "Our summer sale starts today.",
    "Members get double points this month.",
];
const PROMO_JA: &[&str] = &[
    "今だけ全品20%オフのセールを開催中です。",
    "5,000円以上のご注文で送料無料。",
    "会員様限定でポイント2倍キャンペーン実施中。",
    "夏のセールが本日スタートしました。",
];
const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const JA_DAYS: &[&str] = &["月曜日", "火曜日", "水曜日", "木曜日", "金曜日"];
const MONTHS: &[&str] = &["January", "March", "May", "July", "September", "November"];
const JA_MONTHS: &[&str] = &["1月", "3月", "5月", "7月", "9月", "11月"];

/// `count` messages from `seed`: half junk, about 30% Japanese.
pub fn generate(seed: u64, count: usize) -> Vec<Mail> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|i| {
            let junk = i % 2 == 1;
            let japanese = rng.u32(0..100) < 30;
            one(&mut rng, junk, japanese)
        })
        .collect()
}

/// A domain no list holds: random letters under a common top-level domain.
fn fresh_domain(rng: &mut fastrand::Rng) -> String {
    let name: String = (0..rng.usize(5..11))
        .map(|_| rng.alphabetic().to_ascii_lowercase())
        .collect();
    format!(
        "{name}.{}",
        pick(rng, &["com", "net", "info", "biz", "jp", "xyz"])
    )
}

fn pick<'a>(rng: &mut fastrand::Rng, list: &[&'a str]) -> &'a str {
    list[rng.usize(..list.len())]
}

fn fill(rng: &mut fastrand::Rng, list: &[&str], japanese: bool) -> String {
    let template = pick(rng, list);
    let (days, months) = if japanese {
        (JA_DAYS, JA_MONTHS)
    } else {
        (DAYS, MONTHS)
    };
    template
        .replace("{day}", pick(rng, days))
        .replace("{month}", pick(rng, months))
        .replace("{num}", &rng.u32(10..99_999).to_string())
        .replace("{n}", &rng.u32(1..12).to_string())
}

fn one(rng: &mut fastrand::Rng, junk: bool, japanese: bool) -> Mail {
    let (subjects, lines) = match (junk, japanese) {
        (false, false) => (EN_GOOD_SUBJECTS, EN_GOOD_LINES),
        (true, false) => (EN_JUNK_SUBJECTS, EN_JUNK_LINES),
        (false, true) => (JA_GOOD_SUBJECTS, JA_GOOD_LINES),
        (true, true) => (JA_JUNK_SUBJECTS, JA_JUNK_LINES),
    };
    let name = pick(rng, if japanese { JA_NAMES } else { EN_NAMES });
    let fresh = fresh_domain(rng);
    let domain = if junk {
        // Half of all junk comes from a domain never seen before (junk senders change
        // domains daily): the filter must judge it by its words.
        if rng.bool() {
            fresh.as_str()
        } else {
            pick(rng, JUNK_DOMAINS)
        }
    } else {
        pick(
            rng,
            if japanese {
                JA_GOOD_DOMAINS
            } else {
                EN_GOOD_DOMAINS
            },
        )
    };
    let local = format!("user{}", rng.u32(1..500));
    let from = if junk && rng.bool() {
        // Junk often claims a familiar name.
        format!(
            "{} <{local}@{domain}>",
            if japanese {
                "カスタマーサポート"
            } else {
                "Customer Support"
            }
        )
    } else {
        format!("{name} <{local}@{domain}>")
    };
    // The hard cases: junk dressed as a shop's or a bank's ordinary notice, and good
    // mail from shops that advertise.
    let disguised = rng.u32(0..100) < 20;
    let poisoned = rng.u32(0..100) < 20;
    let subjects = match (junk && disguised, japanese) {
        (true, false) => EN_GOOD_SUBJECTS,
        (true, true) => JA_GOOD_SUBJECTS,
        _ => subjects,
    };
    let subject = fill(rng, subjects, japanese);
    let mut body = String::new();
    let greeting = match (japanese, junk) {
        (true, false) => format!("{}様\n\n", pick(rng, JA_NAMES)),
        (true, true) => "お客様各位\n\n".to_string(),
        (false, false) => format!(
            "Hi {},\n\n",
            pick(rng, EN_NAMES).split(' ').next().unwrap_or("")
        ),
        (false, true) => "Dear customer,\n\n".to_string(),
    };
    body.push_str(&greeting);
    for _ in 0..rng.usize(2..7) {
        if japanese {
            // Japanese sentences are made of two pieces in any pairing, so that whole
            // lines seldom repeat (as in real mail) while their words do.
            let first = fill(rng, lines, true);
            let second = fill(rng, lines, true);
            let first = first.trim_end_matches('。');
            body.push_str(first);
            body.push_str(pick(rng, &["。", "、", "！", "。また、", "。なお、"]));
            body.push_str(&second);
            body.push('\n');
        } else {
            body.push_str(&fill(rng, lines, false));
            body.push(' ');
        }
        // Shops' newsletters advertise as junk does.
        if !junk && disguised {
            body.push_str(pick(rng, if japanese { PROMO_JA } else { PROMO_EN }));
            body.push(if japanese { '\n' } else { ' ' });
        }
        // A fifth of junk carries lines of ordinary mail, to look like it.
        if junk && poisoned {
            let ordinary = if japanese {
                JA_GOOD_LINES
            } else {
                EN_GOOD_LINES
            };
            body.push_str(&fill(rng, ordinary, japanese));
            body.push(if japanese { '\n' } else { ' ' });
        }
        // Lines both kinds of mail have.
        if rng.u32(0..100) < 30 {
            body.push_str(pick(rng, if japanese { NEUTRAL_JA } else { NEUTRAL_EN }));
            body.push(if japanese { '\n' } else { ' ' });
        }
    }
    // Good mail links sometimes too (a shop, a document); junk nearly always does.
    if junk || rng.u32(0..100) < 25 {
        let host = if junk {
            if rng.bool() {
                fresh.as_str()
            } else {
                pick(rng, JUNK_DOMAINS)
            }
        } else {
            domain
        };
        body.push_str(&format!("\nhttps://{host}/{}\n", rng.u32(1000..99_999)));
    }
    body.push_str(&format!("\n--\n{name}\n"));
    Mail {
        from,
        subject,
        body,
        junk,
        japanese,
    }
}
