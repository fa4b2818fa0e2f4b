use super::*;

fn row(number: u32, size: u64, stored: Stored, subject: &str) -> RemoteMessage {
    RemoteMessage {
        number,
        uidl: Some(Uidl::from(format!("u{number}"))),
        size: Some(size),
        from: format!("s{number}@example.jp"),
        subject: subject.into(),
        date: Some(i64::from(number)),
        stored,
        deletion: remote::Deletion::Never,
    }
}

fn view() -> RemoteView {
    let account = Account {
        id: crate::accounts::AccountId(1),
        settings: crate::accounts::Settings::default(),
    };
    let dir = std::env::temp_dir();
    let (mut view, _) = RemoteView::open(&account, &Paths::at(&dir));
    let rows = [
        row(1, 500, Stored::Whole, "b"),
        row(2, 40 << 20, Stored::No, "a"),
        row(3, 900, Stored::Partial, "c"),
    ];
    // Rows come in two parts, the listing ends: all are there, sorted.
    let (first, rest) = rows.split_at(2);
    let _ = view.update(Message::Rows(rest.to_vec()), &Paths::at(&dir));
    let _ = view.update(Message::Rows(first.to_vec()), &Paths::at(&dir));
    let _ = view.update(Message::Listed(Ok(3)), &Paths::at(&dir));
    view
}

fn numbers(view: &RemoteView) -> Vec<u32> {
    view.rows.iter().map(|r| r.number).collect()
}

#[test]
fn sorted_by_a_column_and_again_the_other_way() {
    let mut v = view();
    let paths = Paths::at(std::env::temp_dir());
    assert_eq!(numbers(&v), [1, 2, 3]);
    let _ = v.update(Message::Sort(Column::Size), &paths);
    assert_eq!(numbers(&v), [1, 3, 2]);
    let _ = v.update(Message::Sort(Column::Size), &paths);
    assert_eq!(numbers(&v), [2, 3, 1], "the large one first");
    let _ = v.update(Message::Sort(Column::Subject), &paths);
    assert_eq!(numbers(&v), [2, 1, 3]);
    let _ = v.update(Message::Sort(Column::Stored), &paths);
    assert_eq!(numbers(&v), [2, 3, 1]);
}

/// Deleting asks first, and counts the chosen ones not stored whole here; Cancel does
/// nothing; nothing chosen, nothing done.
#[test]
fn deleting_asks_and_says_what_is_not_here() {
    let mut v = view();
    let paths = Paths::at(std::env::temp_dir());
    let _ = v.update(Message::Act(Action::Delete), &paths);
    assert_eq!(v.confirming, Some(Action::Delete));
    let _ = v.update(Message::Confirm, &paths);
    assert!(
        matches!(v.state, State::Ready),
        "nothing chosen: nothing done"
    );
    for n in [1, 2, 3] {
        let _ = v.update(Message::Toggle(Uidl::from(format!("u{n}"))), &paths);
    }
    let _ = v.update(Message::Toggle(Uidl::from("u1")), &paths);
    assert_eq!(v.chosen.len(), 2);
    assert_eq!(v.chosen_not_here(), 2, "one not here, one headers only");
    let _ = v.update(Message::Act(Action::Delete), &paths);
    let _ = v.update(Message::CancelConfirm, &paths);
    assert!(v.confirming.is_none() && matches!(v.state, State::Ready));
    let _ = v.update(Message::Act(Action::Delete), &paths);
    let _ = v.update(Message::Confirm, &paths);
    assert!(matches!(v.state, State::Applying(Action::Delete)));
    let _ = v.update(Message::ChooseAll(true), &paths);
    assert_eq!(v.chosen.len(), 3);
}

/// The list is there while it loads: rows that came in can be sorted and chosen; rows that
/// come after the listing's end are added too.
#[test]
fn the_list_is_usable_while_it_loads() {
    let account = Account {
        id: crate::accounts::AccountId(1),
        settings: crate::accounts::Settings::default(),
    };
    let paths = Paths::at(std::env::temp_dir());
    let (mut v, _) = RemoteView::open(&account, &paths);
    let _ = v.update(
        Message::Rows(vec![
            row(2, 10, Stored::No, "x"),
            row(1, 99, Stored::No, "y"),
        ]),
        &paths,
    );
    assert!(matches!(v.state, State::Listing));
    assert_eq!(numbers(&v), [1, 2]);
    let _ = v.update(Message::Sort(Column::Size), &paths);
    let _ = v.update(Message::Sort(Column::Size), &paths);
    assert_eq!(numbers(&v), [1, 2], "largest first");
    let _ = v.update(Message::Toggle(Uidl::from("u2")), &paths);
    assert_eq!(v.chosen.len(), 1);
    let _ = v.update(Message::Listed(Ok(3)), &paths);
    let _ = v.update(Message::Rows(vec![row(3, 50, Stored::Whole, "z")]), &paths);
    assert_eq!(numbers(&v), [1, 3, 2], "the late row in its place");
    assert_eq!(v.chosen.len(), 1, "the choice kept");
}

#[test]
fn names_are_compared_without_case() {
    use std::cmp::Ordering::*;
    assert_eq!(caseless("abc", "ABC"), Equal);
    assert_eq!(caseless("Ärger", "ärger"), Equal);
    assert_eq!(caseless("a", "B"), Less);
    assert_eq!(caseless("会議", "会議の件"), Less);
}
