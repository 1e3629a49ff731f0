//! Loading a git blob for scanning: the size limit is judged from the object header, so an
//! oversized blob is never inflated. The only place sealant reads blob contents.

use crate::error::one_line;
use gix::ObjectId;

/// A blob as loaded.
pub enum Blob {
    /// Its bytes.
    Data(Vec<u8>),
    /// Larger than the limit (its size from the header); not loaded.
    TooLarge(u64),
}

/// Loads blob `id`, unless its header says it is larger than `max_size`. `Err` is a one-line
/// message naming the object (missing, corrupt, not a blob).
pub fn load(repo: &gix::Repository, id: ObjectId, max_size: u64) -> Result<Blob, String> {
    let unreadable =
        |e: &dyn std::fmt::Display| format!("cannot read blob {id}: {}", one_line(&e.to_string()));
    let header = repo.find_header(id).map_err(|e| unreadable(&e))?;
    if header.size() > max_size {
        return Ok(Blob::TooLarge(header.size()));
    }
    let mut blob = repo.find_blob(id).map_err(|e| unreadable(&e))?;
    Ok(Blob::Data(blob.take_data()))
}
