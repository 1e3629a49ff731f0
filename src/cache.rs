//! The incremental-audit cache: which history blobs a previous run of the *same* sealant build
//! with the *same* effective rules and settings already found clean, so `sealant history` can
//! skip them (issue 12).
//!
//! What is stored is only the ids of **clean** blobs — read in full, matched, and yielding no
//! finding at all (before the confidence filter, the baseline or anything else), no error, no
//! skip — each with a digest of the path it was scanned under (a rule's `paths`, its allowlist
//! and the path's context can make the same bytes a finding at another path). Blobs with
//! findings are rescanned every run. So the cache holds no secret, fingerprint or position; a
//! run that uses it reports exactly what a full run reports; and a stale, damaged, truncated or
//! concurrently written cache can only cause extra scanning, never a hidden finding — provided
//! the key is right. The key ([`CacheKey`]) is SHA-256 over the sealant version, the build id
//! (`build.rs`: a digest of the sources, the built-in rules and `Cargo.lock`), the effective
//! config (custom rules, disabled rules, global allowlist; from `--config-rev` too) and the
//! settings that decide whether a blob yields a finding (size limit, inline-allow mode).
//!
//! What the cache does not cover: a blob it knows clean is not read again, so an object that has
//! since gone missing or bad in the object store is not noticed by that run (trees are still
//! read in full; `--no-cache` or `git fsck` checks every blob). Reading the cache never makes
//! an error of this run disappear: errors are never recorded, and a cache that cannot be read or
//! written only adds a note.
//!
//! One file per key, `blobs-<first 16 hex digits of the key>.bin`, in the cache folder
//! (`<git common dir>/sealant/cache/` unless `--cache DIR`):
//!
//! ```text
//! "SEALANTC" | format u32 LE | hash kind u8 + 3 zero bytes | key (32 bytes) | count u64 LE
//! | count sorted entries: object id (20 or 32 bytes) + SHA-256(path)[..16] | SHA-256 of all the above
//! ```
//!
//! A file that fails any check (length, checksum, magic, format, hash kind, key, order) is
//! ignored with one note and replaced by the next save. [`BlobCache::save`] re-reads the file,
//! writes the union of what it holds and what this run recorded to a temporary file in the same
//! folder and renames it over the old one: readers see the old file or the new one, two
//! concurrent runs keep each other's work (but for a narrow window, where one run's additions are
//! lost — extra scanning next time, nothing worse), and a killed run writes nothing. Saving also
//! removes all but the [`KEPT_KEYS`] most recently written files of other keys.
//!
//! Neighbours: `plan` makes the key from the config; `cmd::history` opens, consults, records and
//! saves. Nothing here knows rules, findings or git beyond object ids.

use crate::config::{ConfigFile, ScanSettings};
use crate::matcher::InlineAllow;
use gix::hash::{Kind, ObjectId};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// File magic.
const MAGIC: &[u8; 8] = b"SEALANTC";
/// File format version.
const FORMAT: u32 = 1;
/// Bytes of a path digest in an entry.
const PATH_DIGEST: usize = 16;
/// Header bytes: magic, format, hash kind (+3), key, count.
const HEADER: usize = 8 + 4 + 4 + 32 + 8;
/// Trailing checksum bytes.
const CHECKSUM: usize = 32;
/// Files of other keys kept in the folder besides the current one (a CI cache shared by a few
/// configurations keeps them all; old ones go).
pub const KEPT_KEYS: usize = 3;

/// The folder under the git common dir the cache lives in.
pub const DEFAULT_SUBDIR: &str = "sealant/cache";

/// What a cache file is valid for: SHA-256 over the version, the build and the effective rules
/// and settings (module docs).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CacheKey([u8; 32]);

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CacheKey({})", self.short())
    }
}

impl CacheKey {
    /// The key of this build with `config` and the effective `settings`.
    pub fn new(config: &ConfigFile, settings: &ScanSettings) -> Self {
        Self::for_build(
            env!("CARGO_PKG_VERSION"),
            env!("SEALANT_BUILD_ID"),
            config,
            settings,
        )
    }

    /// The key for a given version and build id (separate for tests).
    fn for_build(version: &str, build: &str, config: &ConfigFile, settings: &ScanSettings) -> Self {
        let mut h = Sha256::new();
        let mut field = |name: &str, value: &[u8]| {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((value.len() as u64).to_le_bytes());
            h.update(value);
        };
        field("sealant-blob-cache", &FORMAT.to_le_bytes());
        field("version", version.as_bytes());
        field("build", build.as_bytes());
        // `Debug` of the config as parsed: deterministic (vectors, strings, options, no maps),
        // and any change to a rule, a disabled id or the allowlist changes it. Its form may
        // change between builds, which the build id covers anyway.
        field("allowlist", format!("{:?}", config.allowlist).as_bytes());
        field("rules", format!("{:?}", config.rules).as_bytes());
        field("rule", format!("{:?}", config.rule).as_bytes());
        let max = settings.max_file_size.map_or(-1, |m| m as i128);
        field("max_file_size", &max.to_le_bytes());
        let inline = match settings.inline_allow {
            InlineAllow::Honour => b"honour".as_slice(),
            InlineAllow::Ignore => b"ignore".as_slice(),
        };
        field("inline_allow", inline);
        // `min_confidence` is left out on purpose: only blobs with no finding at any confidence
        // are recorded.
        CacheKey(h.finalize().into())
    }

    /// The first 16 hex digits: the file name's part.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..8])
    }

    /// The cache file of this key in `dir`.
    pub fn file_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!("blobs-{}.bin", self.short()))
    }
}

/// A cache that could not be saved (the scan is unaffected).
#[derive(Debug, Error)]
#[error("cannot write the cache {path}: {message}")]
pub struct CacheError {
    /// The file or folder.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

/// One entry: a blob and the path it was scanned under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    id: ObjectId,
    path: [u8; PATH_DIGEST],
}

impl Entry {
    fn new(id: ObjectId, path: &str) -> Self {
        let digest = Sha256::digest(path.as_bytes());
        let mut p = [0; PATH_DIGEST];
        p.copy_from_slice(&digest[..PATH_DIGEST]);
        Entry { id, path: p }
    }
}

/// The clean blobs of one key, as read at open, plus those this run recorded.
#[derive(Debug)]
pub struct BlobCache {
    file: PathBuf,
    key: CacheKey,
    kind: Kind,
    /// As read, sorted, unique.
    known: Vec<Entry>,
    /// Recorded by this run (unsorted; may repeat).
    fresh: Vec<Entry>,
    note: Option<String>,
}

impl BlobCache {
    /// The cache of `key` in `dir` for a repository of hash `kind`. A missing file is an empty
    /// cache; an unreadable or damaged one is an empty cache with a [`note`](Self::note). Never
    /// fails: the cache is an optimisation.
    pub fn open(dir: &Path, key: CacheKey, kind: Kind) -> Self {
        let file = key.file_in(dir);
        let (known, note) = match read(&file, key, kind) {
            Ok(known) => (known, None),
            Err(why) => (Vec::new(), why),
        };
        BlobCache {
            file,
            key,
            kind,
            known,
            fresh: Vec::new(),
            note,
        }
    }

    /// The file this cache reads and writes.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// A one-line note about a cache file that was there but could not be used.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Clean blobs known from previous runs.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// Whether no clean blob is known from previous runs.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Whether a previous run found blob `id`, scanned under `path`, clean.
    pub fn contains(&self, id: &ObjectId, path: &str) -> bool {
        self.known.binary_search(&Entry::new(*id, path)).is_ok()
    }

    /// Records that this run found blob `id`, scanned under `path`, clean. Call it only for a
    /// blob read in full with no finding, error or skip.
    pub fn record(&mut self, id: ObjectId, path: &str) {
        if id.kind() == self.kind {
            self.fresh.push(Entry::new(id, path));
        }
    }

    /// Blobs recorded by this run.
    pub fn recorded(&self) -> usize {
        self.fresh.len()
    }

    /// Writes the union of the file as it is now (re-read: another run may have saved since
    /// [`open`](Self::open)) and this run's records, atomically, then prunes other keys' files.
    /// Does nothing when nothing was recorded. Returns the entries written.
    pub fn save(self) -> Result<usize, CacheError> {
        if self.fresh.is_empty() {
            return Ok(self.known.len());
        }
        let fail = |path: &Path, e: std::io::Error| CacheError {
            path: path.to_path_buf(),
            message: crate::error::io_message(&e),
        };
        let dir = self
            .file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
        let mut all = read(&self.file, self.key, self.kind).unwrap_or_default();
        all.extend(self.known);
        all.extend(self.fresh);
        all.sort_unstable();
        all.dedup();
        let bytes = encode(self.key, self.kind, &all);
        crate::baseline::write_atomically(&self.file, &bytes).map_err(|e| fail(&self.file, e))?;
        prune(&dir, &self.file);
        Ok(all.len())
    }
}

fn kind_byte(kind: Kind) -> u8 {
    match kind {
        Kind::Sha1 => 1,
        #[allow(unreachable_patterns)]
        _ => 0,
    }
}

fn encode(key: CacheKey, kind: Kind, entries: &[Entry]) -> Vec<u8> {
    let width = kind.len_in_bytes() + PATH_DIGEST;
    let mut out = Vec::with_capacity(HEADER + entries.len() * width + CHECKSUM);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&[kind_byte(kind), 0, 0, 0]);
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for e in entries {
        out.extend_from_slice(e.id.as_bytes());
        out.extend_from_slice(&e.path);
    }
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

/// The entries of `file`. `Err(None)`: no file (nothing to say); `Err(Some(note))`: a file that
/// cannot be used.
fn read(file: &Path, key: CacheKey, kind: Kind) -> Result<Vec<Entry>, Option<String>> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(None),
        Err(e) => {
            return Err(Some(format!(
                "cache {} unreadable ({}); scanning without it",
                file.display(),
                crate::error::io_message(&e)
            )))
        }
    };
    decode(&bytes, key, kind).map_err(|why| {
        Some(format!(
            "cache {} ignored ({why}); it will be rewritten",
            file.display()
        ))
    })
}

fn decode(bytes: &[u8], key: CacheKey, kind: Kind) -> Result<Vec<Entry>, &'static str> {
    if bytes.len() < HEADER + CHECKSUM {
        return Err("truncated");
    }
    let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM);
    if Sha256::digest(body).as_slice() != sum {
        return Err("damaged: checksum mismatch");
    }
    if &body[..8] != MAGIC {
        return Err("not a sealant cache");
    }
    if body[8..12] != FORMAT.to_le_bytes() {
        return Err("another format version");
    }
    if body[12] != kind_byte(kind) || body[12] == 0 {
        return Err("another object hash");
    }
    if body[16..48] != key.0 {
        return Err("another key");
    }
    let count = u64::from_le_bytes(body[48..56].try_into().expect("8 bytes"));
    let width = kind.len_in_bytes() + PATH_DIGEST;
    let data = &body[HEADER..];
    if count.checked_mul(width as u64) != Some(data.len() as u64) {
        return Err("damaged: wrong length");
    }
    let mut out = Vec::with_capacity(count as usize);
    for chunk in data.chunks_exact(width) {
        let (id, path) = chunk.split_at(kind.len_in_bytes());
        let entry = Entry {
            id: ObjectId::from_bytes_or_panic(id),
            path: path.try_into().expect("digest width"),
        };
        if out.last().is_some_and(|last: &Entry| *last >= entry) {
            return Err("damaged: entries out of order");
        }
        out.push(entry);
    }
    Ok(out)
}

/// Removes the `blobs-*.bin` files in `dir` other than `keep`, but the [`KEPT_KEYS`] newest.
/// Best effort: a file that cannot be removed stays.
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut others: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("blobs-") && name.ends_with(".bin") && e.path() != keep
        })
        .map(|e| {
            let time = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (time, e.path())
        })
        .collect();
    others.sort_by(|a, b| b.cmp(a));
    for (_, path) in others.into_iter().skip(KEPT_KEYS) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ScanSettings {
        ScanSettings {
            max_file_size: None,
            inline_allow: InlineAllow::Honour,
            min_confidence: crate::finding::Confidence::Medium,
        }
    }

    fn key() -> CacheKey {
        CacheKey::new(&ConfigFile::default(), &settings())
    }

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn a_saved_cache_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        assert!(c.is_empty() && c.note().is_none());
        c.record(id(2), "b.txt");
        c.record(id(1), "a.txt");
        c.record(id(1), "a.txt");
        assert_eq!(c.save().unwrap(), 2);
        let c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        assert_eq!(c.len(), 2);
        assert!(c.note().is_none());
        assert!(c.contains(&id(1), "a.txt"));
        assert!(c.contains(&id(2), "b.txt"));
        // The path it was scanned under is part of the entry.
        assert!(!c.contains(&id(1), "b.txt"));
        assert!(!c.contains(&id(3), "a.txt"));
    }

    #[test]
    fn a_damaged_or_truncated_file_is_ignored_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        c.record(id(1), "a");
        c.save().unwrap();
        let file = key().file_in(dir.path());
        let good = std::fs::read(&file).unwrap();
        let mut flipped = good.clone();
        flipped[HEADER + 3] ^= 1;
        for bad in [
            &good[..good.len() - 1],
            &good[..10],
            &[][..],
            &flipped[..],
            b"garbage",
        ] {
            std::fs::write(&file, bad).unwrap();
            let c = BlobCache::open(dir.path(), key(), Kind::Sha1);
            assert!(c.is_empty());
            assert!(
                c.note().expect("a note").contains("ignored"),
                "{:?}",
                c.note()
            );
            // And the next save replaces it with a good file.
            let mut c = c;
            c.record(id(2), "b");
            assert_eq!(c.save().unwrap(), 1);
            assert_eq!(BlobCache::open(dir.path(), key(), Kind::Sha1).len(), 1);
        }
    }

    #[test]
    fn another_key_sees_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        c.record(id(1), "a");
        c.save().unwrap();
        let mut other = settings();
        other.max_file_size = Some(1000);
        let k2 = CacheKey::new(&ConfigFile::default(), &other);
        assert_ne!(k2, key());
        let c = BlobCache::open(dir.path(), k2, Kind::Sha1);
        assert!(c.is_empty() && c.note().is_none());
        // A key's file renamed to another key's name is refused (the key is inside).
        std::fs::copy(key().file_in(dir.path()), k2.file_in(dir.path())).unwrap();
        let c = BlobCache::open(dir.path(), k2, Kind::Sha1);
        assert!(c.is_empty());
        assert!(c.note().unwrap().contains("another key"));
    }

    #[test]
    fn the_key_covers_version_build_rules_and_settings() {
        let config = ConfigFile::default();
        let s = settings();
        let base = CacheKey::for_build("1.0.0", "b1", &config, &s);
        assert_eq!(base, CacheKey::for_build("1.0.0", "b1", &config, &s));
        assert_ne!(base, CacheKey::for_build("1.0.1", "b1", &config, &s));
        assert_ne!(base, CacheKey::for_build("1.0.0", "b2", &config, &s));
        let mut inline = settings();
        inline.inline_allow = InlineAllow::Ignore;
        assert_ne!(base, CacheKey::for_build("1.0.0", "b1", &config, &inline));
        // The minimum confidence is applied after the cache's decision.
        let mut min = settings();
        min.min_confidence = crate::finding::Confidence::High;
        assert_eq!(base, CacheKey::for_build("1.0.0", "b1", &config, &min));
        let parse = |text: &str| {
            crate::config::Config::parse(text, Path::new(".sealant.toml"))
                .unwrap()
                .file
        };
        let custom = parse("[[rule]]\nid = \"x\"\nregex = \"abc\"\n");
        let custom2 = parse("[[rule]]\nid = \"x\"\nregex = \"abd\"\n");
        let allow = parse("[allowlist]\npaths = [\"docs/\"]\n");
        let disable = parse("[rules]\ndisable = [\"generic-secret\"]\n");
        let keys: Vec<CacheKey> = [&config, &custom, &custom2, &allow, &disable]
            .iter()
            .map(|c| CacheKey::for_build("1.0.0", "b1", c, &s))
            .collect();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn concurrent_saves_keep_each_others_entries() {
        let dir = tempfile::tempdir().unwrap();
        // Both open before either saves.
        let mut a = BlobCache::open(dir.path(), key(), Kind::Sha1);
        let mut b = BlobCache::open(dir.path(), key(), Kind::Sha1);
        a.record(id(1), "a");
        b.record(id(2), "b");
        a.save().unwrap();
        assert_eq!(b.save().unwrap(), 2);
        let c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        assert!(c.contains(&id(1), "a") && c.contains(&id(2), "b"));
        // And from threads at once: every save succeeds, the file stays readable.
        std::thread::scope(|s| {
            for t in 0..8u8 {
                let dir = dir.path();
                s.spawn(move || {
                    let mut c = BlobCache::open(dir, key(), Kind::Sha1);
                    c.record(id(10 + t), "t");
                    c.save().unwrap();
                });
            }
        });
        let c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        assert!(c.note().is_none());
        assert!(c.len() >= 3);
    }

    #[test]
    fn an_unwritable_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").unwrap();
        let mut c = BlobCache::open(&file, key(), Kind::Sha1);
        assert!(c.is_empty());
        c.record(id(1), "a");
        assert!(c.save().is_err());
    }

    #[test]
    fn other_keys_files_are_pruned_to_a_few() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..6 {
            std::fs::write(dir.path().join(format!("blobs-{i:016x}.bin")), "old").unwrap();
        }
        std::fs::write(dir.path().join("unrelated"), "keep").unwrap();
        let mut c = BlobCache::open(dir.path(), key(), Kind::Sha1);
        c.record(id(1), "a");
        c.save().unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1 + KEPT_KEYS + 1, "{names:?}");
        assert!(names.contains(&"unrelated".to_string()));
        assert!(BlobCache::open(dir.path(), key(), Kind::Sha1).contains(&id(1), "a"));
    }
}
