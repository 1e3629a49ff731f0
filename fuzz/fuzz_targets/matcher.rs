//! The matcher over arbitrary bytes: `content::decode` (binary sniffing, BOMs, UTF-16, LFS) then
//! `Matcher::find` with every built-in rule, cross-checked against `stream::scan` fed the raw
//! bytes whole and in small reads. First byte: which path the content is scanned as.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (path, content) = common::split_path(data);
    common::check_text(content, path);
});
