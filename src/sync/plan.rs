//! What one fetch does, decided from the server's listing and the store's records alone.
//! Pure, so that every combination of settings (retention × size limit × what the store
//! already holds) is tested without a server.

use std::collections::HashMap;

use crate::accounts::Keep;
use crate::pop3::{Uidl, UidlHasher, UidlMap, UidlSet};

pub use super::retention::{delete_once_stored, is_due};

/// One message as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub number: u32,
    /// None when the server has no UIDL (or could not tell this message apart).
    pub uidl: Option<Uidl>,
    /// None when the server's figure is missing or not believable.
    pub size: Option<u64>,
}

/// What the store remembers of a message downloaded under one UIDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    /// When its whole was stored (or its headers, while it is partial).
    pub downloaded_at: i64,
    /// Stored as headers only: the server's copy is the only whole one.
    pub partial: bool,
    /// The server confirmed deleting it (a QUIT after its DELE).
    pub deleted_on_server: bool,
    /// It was missing from an earlier listing and has come back since.
    pub reappeared: bool,
}

/// The account's choices that decide a fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub keep: Keep,
    /// Larger messages are fetched as headers only.
    pub size_limit: Option<u64>,
    /// Larger messages cannot be stored at all.
    pub max_message: u64,
    /// Seconds since the epoch.
    pub now: i64,
}

/// How much of a message to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Get {
    Whole,
    /// Headers only (TOP n 0), because of the size limit.
    Headers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub number: u32,
    pub uidl: Option<Uidl>,
    pub size: Option<u64>,
    pub get: Get,
    /// Compare with what is stored before keeping it: the server may be sending a
    /// message this store already has (no UIDL, or an id that went away and came back).
    pub dedupe: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Server copies of messages stored here that are due for deletion now.
    pub delete: Vec<(u32, Uidl)>,
    pub download: Vec<Download>,
    /// Messages too large to store: left on the server and named to the user.
    pub too_large: Vec<(u32, u64)>,
}

/// Decides what to download and which server copies to delete.
pub fn plan(
    listed: &[Listed],
    records: &UidlMap<Record>,
    queued: &UidlSet,
    policy: &Policy,
) -> Plan {
    let mut plan = Plan::default();
    for m in listed {
        let record = m.uidl.as_ref().and_then(|u| records.get(u));
        match (&m.uidl, record) {
            (Some(uidl), Some(r)) if !r.deleted_on_server && !r.reappeared => {
                if is_due(r, queued.contains(uidl), policy.keep, policy.now) {
                    plan.delete.push((m.number, uidl.clone()));
                }
            }
            _ => {
                if let Some(size) = m.size.filter(|&s| s > policy.max_message) {
                    plan.too_large.push((m.number, size));
                    continue;
                }
                let over_limit = matches!((m.size, policy.size_limit), (Some(s), Some(l)) if s > l);
                plan.download.push(Download {
                    number: m.number,
                    uidl: m.uidl.clone(),
                    size: m.size,
                    get: if over_limit { Get::Headers } else { Get::Whole },
                    // A UIDL whose message was deleted on the server, or went away, may
                    // have been given to a new message: never assume it is the old one.
                    dedupe: m.uidl.is_none() || record.is_some(),
                });
            }
        }
    }
    plan
}

/// The separator between a UIDL and the rest of a composite id.
const COMPOSITE: &[u8] = b"\0#";

/// The id a message is remembered by when its server gives the same UIDL to several
/// messages: the UIDL, its size and a digest of its headers.
pub fn composite(uidl: &Uidl, size: Option<u64>, headers: &[u8; 16]) -> Uidl {
    let mut bytes = uidl.as_bytes().to_vec();
    bytes.extend_from_slice(COMPOSITE);
    bytes.extend_from_slice(size.map(|s| s.to_string()).unwrap_or_default().as_bytes());
    bytes.push(b'#');
    for b in headers {
        bytes.extend_from_slice(format!("{b:02x}").as_bytes());
    }
    Uidl::from_bytes(bytes)
}

/// The UIDL a composite id was made from, for composite ids.
pub fn composite_base(id: &Uidl) -> Option<Uidl> {
    let bytes = id.as_bytes();
    let at = bytes
        .windows(COMPOSITE.len())
        .rposition(|w| w == COMPOSITE)?;
    Some(Uidl::from_slice(&bytes[..at]))
}

/// The UIDLs that composite ids among `records` were made from (see [`ambiguous`]).
pub fn composite_bases(records: &UidlMap<Record>) -> UidlSet {
    records.keys().filter_map(composite_base).collect()
}

/// The listed messages whose UIDL does not tell them apart: the UIDL repeats in this
/// listing, or messages stored earlier under it needed a composite id (its base is in
/// `composite_bases`, from [`composite_bases`]). Empty, after one pass, when neither is so.
pub fn ambiguous(listed: &[Listed], composite_bases: &UidlSet) -> Vec<usize> {
    let mut count: HashMap<&Uidl, usize, UidlHasher> =
        HashMap::with_capacity_and_hasher(listed.len(), UidlHasher::default());
    let mut repeated = false;
    for m in listed {
        if let Some(u) = &m.uidl {
            let n = count.entry(u).or_default();
            *n += 1;
            repeated |= *n > 1;
        }
    }
    if !repeated && composite_bases.is_empty() {
        return Vec::new();
    }
    listed
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.uidl
                .as_ref()
                .is_some_and(|u| count[u] > 1 || composite_bases.contains(u))
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_000 * DAY;

    fn listed(n: u32, uidl: &str, size: u64) -> Listed {
        Listed {
            number: n,
            uidl: Some(uidl.into()),
            size: Some(size),
        }
    }

    fn policy(keep: Keep, size_limit: Option<u64>) -> Policy {
        Policy {
            keep,
            size_limit,
            max_message: 1_000_000,
            now: NOW,
        }
    }

    fn record(age_days: i64, partial: bool) -> Record {
        Record {
            downloaded_at: NOW - age_days * DAY,
            partial,
            ..Record::default()
        }
    }

    const KEEPS: [Keep; 4] = [Keep::Delete, Keep::Forever, Keep::Days(1), Keep::Days(30)];

    /// Every retention with and without a size limit: a message over the limit is
    /// fetched as headers only and never deleted by the retention, however old.
    #[test]
    fn headers_only_stay_on_the_server_in_every_retention() {
        for keep in KEEPS {
            for limit in [None, Some(10_000)] {
                let p = policy(keep, limit);
                let server = [listed(1, "small", 5_000), listed(2, "big", 50_000)];
                let first = plan(&server, &UidlMap::default(), &UidlSet::default(), &p);
                assert!(first.delete.is_empty());
                let gets: Vec<Get> = first.download.iter().map(|d| d.get).collect();
                let want_big = if limit.is_some() {
                    Get::Headers
                } else {
                    Get::Whole
                };
                assert_eq!(gets, [Get::Whole, want_big], "{keep:?} {limit:?}");
                assert!(!delete_once_stored(keep, want_big) || limit.is_none());

                // Long after: the partial one is still not due.
                let records = UidlMap::from_iter([
                    ("small".into(), record(400, false)),
                    ("big".into(), record(400, limit.is_some())),
                ]);
                let later = plan(&server, &records, &UidlSet::default(), &p);
                let deleted: Vec<u32> = later.delete.iter().map(|d| d.0).collect();
                let want: Vec<u32> = match (keep, limit) {
                    (Keep::Forever, _) => vec![],
                    (_, Some(_)) => vec![1],
                    (_, None) => vec![1, 2],
                };
                assert_eq!(deleted, want, "{keep:?} {limit:?}");
                assert!(later.download.is_empty());
            }
        }
    }

    #[test]
    fn a_partial_message_deleted_here_for_good_is_deleted_there() {
        let records = UidlMap::from_iter([("big".into(), record(0, true))]);
        let queued = UidlSet::from_iter(["big".into()]);
        for keep in KEEPS {
            let p = plan(
                &[listed(1, "big", 50_000)],
                &records,
                &queued,
                &policy(keep, Some(10)),
            );
            assert_eq!(p.delete, vec![(1, "big".into())], "{keep:?}");
        }
    }

    #[test]
    fn keep_for_days_counts_from_the_download() {
        let server = [listed(1, "a", 10), listed(2, "b", 10)];
        let records = UidlMap::from_iter([
            ("a".into(), record(3, false)),
            ("b".into(), record(1, false)),
        ]);
        let p = plan(
            &server,
            &records,
            &UidlSet::default(),
            &policy(Keep::Days(2), None),
        );
        assert_eq!(p.delete, vec![(1, "a".into())]);
    }

    #[test]
    fn a_reused_or_returning_id_is_downloaded_and_compared() {
        let server = [
            listed(1, "gone", 10),
            listed(2, "back", 10),
            listed(3, "here", 10),
        ];
        let records = UidlMap::from_iter([
            (
                "gone".into(),
                Record {
                    deleted_on_server: true,
                    ..record(5, false)
                },
            ),
            (
                "back".into(),
                Record {
                    reappeared: true,
                    ..record(5, false)
                },
            ),
            ("here".into(), record(5, false)),
        ]);
        let p = plan(
            &server,
            &records,
            &UidlSet::default(),
            &policy(Keep::Delete, None),
        );
        assert_eq!(p.delete, vec![(3, "here".into())]);
        let got: Vec<(u32, bool)> = p.download.iter().map(|d| (d.number, d.dedupe)).collect();
        assert_eq!(got, [(1, true), (2, true)]);
    }

    #[test]
    fn without_uidl_everything_is_downloaded_and_compared() {
        let server = [Listed {
            number: 1,
            uidl: None,
            size: Some(10),
        }];
        let p = plan(
            &server,
            &UidlMap::default(),
            &UidlSet::default(),
            &policy(Keep::Delete, None),
        );
        assert!(p.download[0].dedupe);
    }

    #[test]
    fn impossible_and_unknown_sizes() {
        let server = [
            listed(1, "huge", 5_000_000),
            Listed {
                number: 2,
                uidl: Some("unknown".into()),
                size: None,
            },
        ];
        let p = plan(
            &server,
            &UidlMap::default(),
            &UidlSet::default(),
            &policy(Keep::Delete, Some(100)),
        );
        assert_eq!(p.too_large, vec![(1, 5_000_000)]);
        // An unknown size is downloaded whole: only the store's limit bounds it.
        assert_eq!(p.download.len(), 1);
        assert_eq!(p.download[0].get, Get::Whole);
    }

    #[test]
    fn composite_ids() {
        let a = composite(&"dup".into(), Some(12), &[1; 16]);
        let b = composite(&"dup".into(), Some(12), &[2; 16]);
        assert_ne!(a, b);
        assert_eq!(composite_base(&a), Some("dup".into()));
        assert_eq!(composite_base(&"plain".into()), None);
        let server = [
            listed(1, "dup", 10),
            listed(2, "dup", 10),
            listed(3, "x", 1),
            listed(4, "y", 1),
        ];
        let records =
            UidlMap::from_iter([(composite(&"y".into(), Some(1), &[0; 16]), record(0, false))]);
        assert_eq!(
            ambiguous(&server, &composite_bases(&records)),
            vec![0, 1, 3]
        );
        // Neither a repeat nor a composite id: nothing, from either way of finding out.
        let distinct = [listed(1, "a", 1), listed(2, "b", 1)];
        assert!(ambiguous(&distinct, &composite_bases(&records)).is_empty());
        assert!(ambiguous(&distinct, &UidlSet::default()).is_empty());
        assert_eq!(ambiguous(&server, &UidlSet::default()), vec![0, 1]);
    }
}
