//! What the retention decides about the server's copy of a message stored here. Pure
//! functions of facts the store and the server's listing give, so that every retention
//! is tested without a server or a database; `plan` and `Store::delete_for_good` ask here.

use crate::accounts::{KEEP_DAYS, Keep};

use super::plan::{Get, Record};

const DAY: i64 = 86_400;

/// Whether the server's copy of a message stored here is to be deleted now: the user
/// deleted it for good here (and asked for that), or the retention says so. A message
/// stored as headers only is never deleted by the retention: the server has its only
/// whole copy.
pub fn is_due(record: &Record, queued: bool, keep: Keep, now: i64) -> bool {
    if record.deleted_on_server {
        return false;
    }
    if queued {
        return true;
    }
    if record.partial {
        return false;
    }
    match keep {
        Keep::Delete => true,
        Keep::Forever => false,
        Keep::Days(days) => record.downloaded_at <= now.saturating_sub(kept_for(days)),
    }
}

/// Seconds a message stays on the server with `Keep::Days(days)`: the days are counted
/// within [`KEEP_DAYS`], as the store keeps them.
fn kept_for(days: u32) -> i64 {
    i64::from(days.clamp(*KEEP_DAYS.start(), *KEEP_DAYS.end())) * DAY
}

/// Whether a message just stored (and synced to disk) is deleted on the server in the
/// same session.
pub fn delete_once_stored(keep: Keep, get: Get) -> bool {
    keep == Keep::Delete && get == Get::Whole
}

/// What is known of a message being deleted for good here, and of its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedHere {
    pub keep: Keep,
    /// The account's choice to delete on the server what is deleted for good here.
    pub delete_on_server_when_deleted: bool,
    /// Stored as headers only.
    pub partial: bool,
    /// The server already confirmed deleting its copy.
    pub deleted_on_server: bool,
}

/// Whether deleting a message for good here queues its server copy for deletion at the
/// next fetch: when the account asks for that, for a message the retention keeps on the
/// server, or one stored as headers only (which no retention deletes).
pub fn queue_when_deleted_here(m: &DeletedHere) -> bool {
    m.delete_on_server_when_deleted
        && !m.deleted_on_server
        && (m.keep.keeps_on_server() || m.partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000 * DAY;

    fn record(age_days: i64, partial: bool) -> Record {
        Record {
            downloaded_at: NOW - age_days * DAY,
            partial,
            ..Record::default()
        }
    }

    #[test]
    fn keep_for_days_counts_from_the_download_exactly() {
        assert!(is_due(&record(2, false), false, Keep::Days(2), NOW));
        let almost = Record {
            downloaded_at: NOW - 2 * DAY + 1,
            ..record(0, false)
        };
        assert!(!is_due(&almost, false, Keep::Days(2), NOW));
    }

    #[test]
    fn each_retention_on_a_whole_message() {
        let old = record(400, false);
        assert!(is_due(&record(0, false), false, Keep::Delete, NOW));
        assert!(!is_due(&old, false, Keep::Forever, NOW));
        assert!(is_due(&old, false, Keep::Days(30), NOW));
        assert!(!is_due(&record(29, false), false, Keep::Days(30), NOW));
    }

    #[test]
    fn headers_only_stay_unless_deleted_here() {
        for keep in [Keep::Delete, Keep::Forever, Keep::Days(1)] {
            assert!(!is_due(&record(400, true), false, keep, NOW), "{keep:?}");
            assert!(is_due(&record(0, true), true, keep, NOW), "{keep:?}");
        }
    }

    #[test]
    fn what_the_server_deleted_is_never_due_again() {
        let gone = Record {
            deleted_on_server: true,
            ..record(400, false)
        };
        assert!(!is_due(&gone, true, Keep::Delete, NOW));
    }

    #[test]
    fn days_are_counted_within_the_range_the_store_keeps() {
        // Beyond ten years counts as ten years, as the store holds it.
        let eleven_years = record(11 * 365, false);
        assert!(is_due(&eleven_years, false, Keep::Days(100_000), NOW));
        assert!(!is_due(
            &record(3649, false),
            false,
            Keep::Days(100_000),
            NOW
        ));
        // No day at all is still one day.
        assert!(!is_due(&record(0, false), false, Keep::Days(0), NOW));
    }

    #[test]
    fn deleted_right_away_only_when_whole() {
        assert!(delete_once_stored(Keep::Delete, Get::Whole));
        assert!(!delete_once_stored(Keep::Delete, Get::Headers));
        assert!(!delete_once_stored(Keep::Forever, Get::Whole));
        assert!(!delete_once_stored(Keep::Days(3), Get::Whole));
    }

    #[test]
    fn deleting_for_good_here_queues_the_server_copy() {
        let m = |keep, asked, partial, deleted_on_server| DeletedHere {
            keep,
            delete_on_server_when_deleted: asked,
            partial,
            deleted_on_server,
        };
        for keep in [Keep::Forever, Keep::Days(14)] {
            assert!(queue_when_deleted_here(&m(keep, true, false, false)));
            assert!(queue_when_deleted_here(&m(keep, true, true, false)));
            assert!(!queue_when_deleted_here(&m(keep, false, false, false)));
            assert!(!queue_when_deleted_here(&m(keep, true, false, true)));
        }
        // Deleted after download anyway, unless only its headers are here.
        assert!(!queue_when_deleted_here(&m(
            Keep::Delete,
            true,
            false,
            false
        )));
        assert!(queue_when_deleted_here(&m(Keep::Delete, true, true, false)));
        assert!(!queue_when_deleted_here(&m(
            Keep::Delete,
            false,
            true,
            false
        )));
    }
}
