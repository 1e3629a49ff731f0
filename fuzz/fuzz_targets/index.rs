//! The index loader: the fuzz input is written as `.git/index` of a fixture repository whose
//! `HEAD` has nested trees, then `source::staged::changes` decodes it (entries, extensions, the
//! cache tree) and walks it against `HEAD`'s tree, as `sealant staged` does. Each staged file's
//! blob is then loaded (`source::blob::load`, missing objects are errors) and scanned the way
//! the pipeline does (`common::scan_in_memory`). The trailing checksum is not verified by sealant,
//! so the fuzzer need not get it right. Errors are fine, panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealant::source::blob::{self, Blob};
use sealant::source::staged;
use std::path::PathBuf;
use std::sync::OnceLock;

#[path = "../common/mod.rs"]
mod common;

/// The fixture: a repository with one commit (`a.txt`, `dir/b.txt`, `dir/sub/c.env`,
/// `z/deep/er/d.py`), then `dir/b.txt` modified and `new.env` added in the index. The committed
/// index is left as written by git (with its cache tree).
fn fixture() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = common::fixture_dir("index");
        let write = |p: &str, s: &str| {
            let p = dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, s).unwrap();
        };
        common::git(&dir, &["init", "-q"]);
        write("a.txt", "hello\n");
        write("dir/b.txt", "plain text\n");
        write("dir/sub/c.env", "AWS_ACCESS_KEY_ID=AKIAR8X2KQ9LMZ4VT7WN\n");
        write("z/deep/er/d.py", "password = 'R8x2Kq9LmZ4vT7wN3pB6'\n");
        common::git(&dir, &["add", "-A"]);
        common::git(&dir, &["commit", "-q", "-m", "fixture"]);
        write("dir/b.txt", "token = ghp_R8x2Kq9LmZ4vT7wN3pB6yH1sD5fG0jK2lQ9x\n");
        write("new.env", "SECRET_KEY=R8x2Kq9LmZ4vT7wN3pB6yH1s\n");
        common::git(&dir, &["add", "-A"]);
        dir
    })
}

thread_local! {
    static REPO: gix::Repository =
        sealant::git::open(Some(fixture())).expect("the fixture is a repository");
}

fuzz_target!(|data: &[u8]| {
    let index = fixture().join(".git").join("index");
    std::fs::write(&index, data).expect("write the index");
    REPO.with(|repo| {
        assert_eq!(repo.index_path(), index);
        let Ok((changes, _index)) = staged::changes(repo) else {
            return;
        };
        for file in changes.files.iter().take(16) {
            if let Ok(Blob::Data(bytes)) = blob::load(repo, file.blob, 1 << 20) {
                common::scan_in_memory(&bytes, &file.path);
            }
        }
    });
});
