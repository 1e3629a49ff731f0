//! `sealant scan` on plain folders and stdin.

use crate::util::*;

#[test]
fn stdin_scan_finds_a_token_and_exits_1() {
    let dir = tempfile::TempDir::new().unwrap();
    let input = format!("token = \"{}\"\n", secrets::github(1));
    let out = sealant_in(dir.path()).args(["scan", "-", "--format", "jsonl"]).write_stdin(input).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let f = jsonl(&out.stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "-");
    assert_eq!(f[0]["line"], 1);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&secrets::github(1)), "secret leaked");
}
