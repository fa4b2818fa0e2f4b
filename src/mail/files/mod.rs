//! What an attachment may be called on disk, and whether opening it could run it.
//!
//! A stranger chooses an attachment's name, its declared type and its bytes; none of the
//! three may make a program look like a document (DESIGN promise 7). Names lose the
//! characters that reorder or hide text, and the type is judged by the name the file will
//! really have on disk, by its first bytes and by its declared type, whichever speaks first.

mod kinds;
mod names;

pub use kinds::{Danger, Evidence, Kind, danger};
pub use names::{MAX_NAME_BYTES, file_name_chars, is_invisible, is_reserved, safe_file_name};

#[cfg(test)]
mod tests;
