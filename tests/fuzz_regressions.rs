//! Every crash input the fuzz targets found (fuzz/regressions/<target>/), replayed through the
//! same checks the targets run (fuzz/common/mod.rs is shared), so a regression fails `cargo test`
//! without cargo-fuzz. See fuzz/README.md.

use crate::util::*;
use std::path::PathBuf;

#[path = "../fuzz/common/mod.rs"]
mod common;

/// The saved inputs of `target`, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no regression inputs in {}", dir.display());
    v
}

#[test]
fn matcher_regressions() {
    for p in inputs("matcher") {
        let data = std::fs::read(&p).expect("read");
        let (path, content) = common::split_path(&data);
        common::check_text(content, path);
    }
}

#[test]
fn baseline_regressions() {
    for p in inputs("baseline") {
        common::check_baseline(&std::fs::read(&p).expect("read"));
    }
}

/// The `index` target's inputs as the index of a real repository: `sealant staged` ends with an
/// exit code (a one-line error at worst), never a crash.
#[test]
fn index_regressions() {
    for p in inputs("index") {
        let r = TestRepo::new();
        r.write("a.txt", "hello\n");
        r.commit_all("first");
        std::fs::copy(&p, r.path().join(".git/index")).expect("copy index");
        let out = r.run(&["staged"]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{}: {:?}: {}",
            p.display(),
            code,
            combined(&out)
        );
        if code == Some(2) {
            assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
        }
    }
}
