//! The blob loader: the fuzz input becomes a loose object in a fixture repository, read with
//! `source::blob::load` (header, size limit, inflate) and, when it loads, classified and
//! scanned as the pipeline does (`content::decode` + matcher: `common::scan_in_memory`; the
//! streaming cross-check is the `matcher` target's).
//!
//! First byte, bits 0-1: how the rest becomes the object file: 0 = deflated as given (the input
//! writes its own `<kind> <size>\0` header), 1 = a correct `blob <len>\0` header is prepended,
//! then deflated (the classification path, from well-formed blobs), 2 and 3 = written as is
//! (corrupt or hand-made zlib). Bits 2-3: the size limit (unlimited, 0, 64, 4096 bytes).
//! Invariant: a loaded blob is never larger than the limit.
#![no_main]

use flate2::write::ZlibEncoder;
use flate2::Compression;
use libfuzzer_sys::fuzz_target;
use sealant::source::blob::{self, Blob};
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

#[path = "../common/mod.rs"]
mod common;

const ID: &str = "5ea1a17000000000000000000000000000000000";

fn fixture() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = common::fixture_dir("blob");
        common::git(&dir, &["init", "-q"]);
        std::fs::create_dir_all(dir.join(".git/objects").join(&ID[..2])).unwrap();
        dir
    })
}

fn deflate(parts: &[&[u8]]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    for p in parts {
        z.write_all(p).unwrap();
    }
    z.finish().unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = match mode & 3 {
        0 => deflate(&[rest]),
        1 => deflate(&[format!("blob {}\0", rest.len()).as_bytes(), rest]),
        _ => rest.to_vec(),
    };
    let max = match (mode >> 2) & 3 {
        0 => u64::MAX,
        1 => 0,
        2 => 64,
        _ => 4096,
    };
    let dir = fixture();
    std::fs::write(dir.join(".git/objects").join(&ID[..2]).join(&ID[2..]), &file)
        .expect("write the object");
    // Opened per input: nothing of the previous object may be cached.
    let repo = sealant::git::open(Some(dir)).expect("the fixture is a repository");
    let id = gix::ObjectId::from_hex(ID.as_bytes()).unwrap();
    match blob::load(&repo, id, max) {
        Ok(Blob::Data(bytes)) => {
            assert!(bytes.len() as u64 <= max, "loaded {} bytes over the limit {max}", bytes.len());
            if mode & 3 == 1 {
                assert_eq!(bytes, rest, "a well-formed blob loads as written");
            }
            common::scan_in_memory(&bytes, "fuzz/blob.txt");
        }
        Ok(Blob::TooLarge(size)) => {
            assert!(size > max);
            if mode & 3 == 1 {
                assert_eq!(size, rest.len() as u64);
            }
        }
        Err(message) => {
            if mode & 3 == 1 {
                panic!("a well-formed blob fails to load: {message}");
            }
        }
    }
});
