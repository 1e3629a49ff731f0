//! The baseline parser: `Baseline::parse` on arbitrary text. What parses must build its hasher
//! (`BaselineFile::with`: the parameters were validated), survive a write/read round trip
//! (`to_bytes` then `parse` gives the normalised baseline back), and, when its Argon2 cost is
//! small enough to keep the fuzzer fast, hash and `compare` findings against its entries: an
//! entry whose `hash` is the literal `"match"` gets the real hash of the finding's secret, so
//! exact matches and renames are reached. Invariants of the comparison are checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::check_baseline(data));
