//! Poplar: a desktop mail reader for POP3.
//!
//! The domain modules (`pop3`, `smtp`, `mail`, `compose`, `rules`, `junk`, `oauth`,
//! `store`, `sync`, `accounts`, `paths`, `secrets`, `worker`) are plain Rust; only `app`
//! and `ui` use iced.
// Outside tests, `unwrap` and `expect` are denied (Cargo.toml's [lints]); tests may.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod accounts_file;
pub mod app;
pub mod backup;
pub mod cli;
pub mod compose;
pub mod detect;
pub mod downloads;
pub mod i18n;
pub mod interrupted;
pub mod junk;
pub mod mail;
pub mod oauth;
pub mod paths;
pub mod pop3;
pub mod preferences;
pub mod rules;
pub mod search;
pub mod secrets;
pub mod send;
pub mod smtp;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod ui;
pub mod worker;
