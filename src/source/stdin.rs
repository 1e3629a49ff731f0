//! Standard input as a single file named `-`.

use std::io::Read;

/// The display path of standard input.
pub const STDIN_PATH: &str = "-";

/// Reads all of standard input.
pub fn read_all() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin().lock().read_to_end(&mut buf)?;
    Ok(buf)
}
