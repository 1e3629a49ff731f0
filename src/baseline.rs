//! The baseline: a committed JSON file of accepted findings that never churns.
//!
//! An entry is (rule, path, hash of the secret) plus a human label, note, optional expiry and a
//! line *hint*. Matching ignores the line, so edits elsewhere, moved lines, CRLF↔LF and
//! re-indentation never re-open an entry. The hash is Argon2id over the secret with a random
//! per-baseline salt ([`HashParams`]): a leaked baseline must not make a dictionary attack on weak
//! passwords cheap. Hashes are cached per distinct secret, so a scan pays once per secret.
//!
//! Files are written atomically (temp file + rename) and deterministically: sorted entries, no
//! timestamps, stable formatting, so `update` on an unchanged tree changes no byte.

use crate::error::io_message;
use crate::finding::Finding;
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use thiserror::Error;

/// The default file name, at the repository or scan root.
pub const BASELINE_FILE_NAME: &str = ".sealant-baseline.json";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A baseline problem; every variant names the file.
#[derive(Debug, Error)]
pub enum BaselineError {
    /// Could not read.
    #[error("cannot read baseline {path}: {message}")]
    Read {
        /// File.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Malformed JSON or fields.
    #[error("malformed baseline {path}: {message}")]
    Malformed {
        /// File.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Written by a newer sealant.
    #[error("baseline {path} has format version {found}; this sealant reads version {FORMAT_VERSION} (upgrade sealant)")]
    NewerVersion {
        /// File.
        path: PathBuf,
        /// Version found.
        found: u32,
    },
    /// Exists and overwriting was not asked for.
    #[error("baseline {path} already exists (use --force to re-create it, keeping its salt and labels, or `sealant baseline update`)")]
    Exists {
        /// File.
        path: PathBuf,
    },
    /// Could not write.
    #[error("cannot write baseline {path}: {message}")]
    Write {
        /// File.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Why an entry is accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Label {
    /// Not a secret.
    FalsePositive,
    /// A real secret, accepted (e.g. a test fixture credential).
    Accepted,
    /// A real secret that has been rotated; the value is dead.
    Rotated,
}

/// Parameters of the secret hash. Stored in the file so that later versions can raise the cost
/// without invalidating old baselines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HashParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// Per-baseline random salt, hex.
    pub salt: String,
}

/// Default Argon2id cost: 2 MiB, 1 pass, 1 lane: about 0.7 ms per distinct secret on one core
/// (README has the measurement), so a 10k-finding audit hashes in seconds while every guess in
/// a dictionary attack on a leaked baseline costs 2 MiB of memory traffic instead of one SHA-1.
pub const DEFAULT_MEMORY_KIB: u32 = 2048;
/// Default passes.
pub const DEFAULT_ITERATIONS: u32 = 1;
/// Largest memory cost a baseline may ask for (64 MiB per hash): the file is input, and a
/// committed `memory_kib = 4e9` must be a clear error, not an allocation failure.
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;
/// Most passes a baseline may ask for.
pub const MAX_ITERATIONS: u32 = 16;
/// Most lanes a baseline may ask for.
pub const MAX_PARALLELISM: u32 = 8;

impl HashParams {
    /// Fresh parameters with a random 16-byte salt.
    pub fn generate() -> Self {
        let salt: [u8; 16] = rand::random();
        HashParams {
            algorithm: "argon2id".into(),
            memory_kib: DEFAULT_MEMORY_KIB,
            iterations: DEFAULT_ITERATIONS,
            parallelism: 1,
            salt: hex::encode(salt),
        }
    }

    fn validate(&self) -> Result<(Argon2<'static>, Vec<u8>), String> {
        if self.algorithm != "argon2id" {
            return Err(format!("unsupported hash algorithm `{}`", self.algorithm));
        }
        let salt = hex::decode(&self.salt).map_err(|_| "salt is not hex".to_string())?;
        if salt.len() < 8 || salt.len() > 64 {
            return Err("salt must be 8 to 64 bytes".into());
        }
        let bounded = |name: &str, value: u32, min: u32, max: u32| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(format!("hash.{name} = {value} is outside {min}..={max}"))
            }
        };
        bounded("parallelism", self.parallelism, 1, MAX_PARALLELISM)?;
        bounded("iterations", self.iterations, 1, MAX_ITERATIONS)?;
        bounded(
            "memory_kib",
            self.memory_kib,
            8 * self.parallelism,
            MAX_MEMORY_KIB,
        )?;
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| format!("invalid hash parameters: {e}"))?;
        Ok((
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            salt,
        ))
    }
}

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Rule id.
    pub rule: String,
    /// Path relative to the repository or scan root.
    pub path: String,
    /// Argon2id hash of the secret (hex).
    pub hash: String,
    /// Line where it was when accepted: a hint for humans, ignored by matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Why it is accepted (none yet = not reviewed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `YYYY-MM-DD`: from this day on the entry no longer suppresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Entry {
    fn key(&self) -> (&str, &str, &str) {
        (&self.path, &self.rule, &self.hash)
    }

    /// Whether the entry has expired on `today` (`YYYY-MM-DD`).
    pub fn is_expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| e <= today)
    }
}

/// The file as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// Hash parameters and salt.
    pub hash: HashParams,
    /// Entries, sorted by (path, rule, hash).
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// An empty baseline with a fresh salt.
    pub fn new() -> Self {
        Baseline {
            version: FORMAT_VERSION,
            hash: HashParams::generate(),
            entries: Vec::new(),
        }
    }

    /// Reads and validates a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: path.into(),
            message: io_message(&e),
        })?;
        Baseline::parse(&text, path)
    }

    /// Parses and validates baseline text; `path` names it in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let malformed = |message: String| BaselineError::Malformed {
            path: path.into(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let version = value
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| malformed("missing `version`".into()))?;
        if version > u64::from(FORMAT_VERSION) {
            return Err(BaselineError::NewerVersion {
                path: path.into(),
                found: version as u32,
            });
        }
        let baseline: Baseline =
            serde_json::from_value(value).map_err(|e| malformed(e.to_string()))?;
        baseline.hash.validate().map_err(malformed)?;
        for e in &baseline.entries {
            if let Some(exp) = &e.expires {
                if !is_date(exp) {
                    return Err(malformed(format!(
                        "entry for {}: `expires` must be YYYY-MM-DD",
                        e.path
                    )));
                }
            }
        }
        Ok(baseline)
    }

    /// Sorts and de-duplicates entries (keeping the first, which carries labels).
    pub fn normalize(&mut self) {
        self.entries.sort_by(|a, b| a.key().cmp(&b.key()));
        self.entries.dedup_by(|b, a| a.key() == b.key());
    }

    /// The exact bytes this baseline is written as.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut copy = self.clone();
        copy.normalize();
        let mut out = serde_json::to_vec_pretty(&copy).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Writes atomically: a temp file in the same folder, then rename.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        write_atomically(path, &self.to_bytes()).map_err(|e| BaselineError::Write {
            path: path.into(),
            message: io_message(&e),
        })
    }
}

impl Default for Baseline {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes `bytes` to `path` via a temp file in the same folder and a rename, so readers never see
/// a half-written file and a crash leaves the old one intact. A symbolic link is written through
/// (its target is replaced; the link stays).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Through a symbolic link: replace its target, keep the link (a shared baseline).
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = std::fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    // Temp files are created 0600; the result should keep the file's mode, or be a normal
    // shareable file (it is committed).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Today's date, UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Hashes secrets with a baseline's parameters, once per distinct secret. Thread-safe.
pub struct SecretHasher {
    argon: Argon2<'static>,
    salt: Vec<u8>,
    cache: Mutex<HashMap<String, String>>,
}

impl SecretHasher {
    /// A hasher for `params` (validated when the baseline was loaded or generated).
    pub fn new(params: &HashParams) -> Result<Self, String> {
        let (argon, salt) = params.validate()?;
        Ok(SecretHasher {
            argon,
            salt,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The hex hash of `secret`.
    pub fn hash(&self, secret: &str) -> String {
        if let Some(h) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(secret)
        {
            return h.clone();
        }
        let mut out = [0u8; 32];
        // Parameters were validated; hashing can only fail on invalid parameters.
        let _ = self
            .argon
            .hash_password_into(secret.as_bytes(), &self.salt, &mut out);
        let h = hex::encode(out);
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(secret.to_string(), h.clone());
        h
    }

    /// Hashes many secrets in parallel, filling the cache.
    pub fn prime<'a>(&self, secrets: impl IntoIterator<Item = &'a str>) {
        use rayon::prelude::*;
        let distinct: HashSet<&str> = secrets.into_iter().collect();
        let todo: Vec<&str> = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            distinct
                .into_iter()
                .filter(|s| !cache.contains_key(*s))
                .collect()
        };
        todo.par_iter().for_each(|s| {
            self.hash(s);
        });
    }
}

/// A baseline file in use by a scan: where it is, what it holds, and its hasher, built once.
pub struct BaselineFile {
    /// The file.
    pub path: PathBuf,
    /// Its contents.
    pub baseline: Baseline,
    /// Hashes secrets with the file's parameters.
    pub hasher: SecretHasher,
}

impl BaselineFile {
    /// Loads and validates `path` and builds its hasher.
    pub fn open(path: &Path) -> Result<BaselineFile, BaselineError> {
        let baseline = Baseline::load(path)?;
        BaselineFile::with(path, baseline)
    }

    /// A baseline (loaded or new) to be written at `path`, with its hasher.
    pub fn with(path: &Path, baseline: Baseline) -> Result<BaselineFile, BaselineError> {
        let hasher =
            SecretHasher::new(&baseline.hash).map_err(|message| BaselineError::Malformed {
                path: path.into(),
                message,
            })?;
        Ok(BaselineFile {
            path: path.into(),
            baseline,
            hasher,
        })
    }

    /// Splits findings into new and baselined (see [`compare`]), as of today.
    pub fn compare(&self, findings: Vec<Finding>, scope: &Scope) -> Comparison {
        compare(&self.baseline, &self.hasher, findings, scope, &today())
    }
}

/// What a scan looked at: needed to tell a moved secret from a pasted one, and to know whether
/// unmatched entries are really stale. Recorded by the command in its `Outcome`.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every file under the root was scanned: unmatched entries are stale.
    Complete,
    /// Only some paths were scanned (named files, the staged change): no entry is stale.
    Partial {
        /// Paths scanned (whether or not they held findings).
        scanned: HashSet<String>,
        /// Paths of baseline entries that were not scanned but still exist, so still hold what
        /// they held: a secret found elsewhere is a copy, not a move.
        untouched: HashSet<String>,
    },
    /// History: findings carry every path they occur at; matching ignores paths; no entry is
    /// stale (staleness is a property of the tree: `sealant baseline check`).
    History,
}

impl Scope {
    /// A partial scope over `scanned`; of `baseline`'s other entry paths, those for which
    /// `exists` holds are recorded as untouched.
    pub fn partial(
        scanned: HashSet<String>,
        baseline: Option<&Baseline>,
        exists: impl Fn(&str) -> bool,
    ) -> Scope {
        let untouched = baseline
            .into_iter()
            .flat_map(|b| &b.entries)
            .map(|e| e.path.as_str())
            .filter(|p| !scanned.contains(*p) && exists(p))
            .map(String::from)
            .collect();
        Scope::Partial { scanned, untouched }
    }
}

/// The result of comparing findings with a baseline.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Findings not in the baseline: these count.
    pub new: Vec<Finding>,
    /// Findings suppressed by an entry.
    pub baselined: Vec<Finding>,
    /// Index of the entry each baselined finding matched (parallel to `baselined`).
    pub matched_entry: Vec<usize>,
    /// Entries (by index) that matched no finding; always empty unless the scope is complete.
    pub stale: Vec<usize>,
    /// Entries that matched at a new path (renamed file): (entry index, new path).
    pub moved: Vec<(usize, String)>,
    /// Entries that expired (and so no longer suppress).
    pub expired: Vec<usize>,
}

/// Splits findings into new and baselined.
pub fn compare(
    baseline: &Baseline,
    hasher: &SecretHasher,
    findings: Vec<Finding>,
    scope: &Scope,
    today: &str,
) -> Comparison {
    let rules: HashSet<&str> = baseline.entries.iter().map(|e| e.rule.as_str()).collect();
    // Only findings whose rule appears in the baseline need the (costly) hash.
    hasher.prime(
        findings
            .iter()
            .filter(|f| rules.contains(f.rule.as_str()))
            .map(|f| f.secret.expose()),
    );
    let hashes: Vec<Option<String>> = findings
        .iter()
        .map(|f| {
            rules
                .contains(f.rule.as_str())
                .then(|| hasher.hash(f.secret.expose()))
        })
        .collect();

    let mut by_exact: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut by_secret: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    let mut expired = Vec::new();
    for (i, e) in baseline.entries.iter().enumerate() {
        if e.is_expired(today) {
            expired.push(i);
            continue;
        }
        by_exact.insert((&e.rule, &e.path, &e.hash), i);
        by_secret.entry((&e.rule, &e.hash)).or_default().push(i);
    }
    let mut assignment: Vec<Option<usize>> = vec![None; findings.len()];
    let mut used = vec![false; baseline.entries.len()];
    // Pass 1: exact (rule, path, hash); history matches any occurrence path.
    for (fi, f) in findings.iter().enumerate() {
        let Some(h) = &hashes[fi] else { continue };
        let mut paths = vec![f.path.as_str()];
        if matches!(scope, Scope::History) {
            paths.extend(f.occurrences.iter().map(|o| o.path.as_str()));
        }
        if let Some(&ei) = paths
            .iter()
            .find_map(|p| by_exact.get(&(f.rule.as_str(), *p, h.as_str())))
        {
            assignment[fi] = Some(ei);
            used[ei] = true;
        }
    }
    // Where each (rule, hash) is currently found, by path.
    let mut holders: HashSet<(&str, &str, &str)> = HashSet::new();
    for (fi, f) in findings.iter().enumerate() {
        if let Some(h) = &hashes[fi] {
            holders.insert((&f.rule, &f.path, h));
        }
    }
    // Pass 2: renames. An entry whose path no longer holds its secret follows the secret to
    // the first unmatched finding (by path order) with the same rule and hash.
    let mut moved = Vec::new();
    for (fi, f) in findings.iter().enumerate() {
        if assignment[fi].is_some() {
            continue;
        }
        let Some(h) = &hashes[fi] else { continue };
        let Some(candidates) = by_secret.get(&(f.rule.as_str(), h.as_str())) else {
            continue;
        };
        for &ei in candidates {
            if used[ei] {
                continue;
            }
            let e = &baseline.entries[ei];
            let old_path_holds =
                holders.contains(&(e.rule.as_str(), e.path.as_str(), e.hash.as_str()))
                    || match scope {
                        Scope::Complete | Scope::History => false,
                        Scope::Partial { untouched, .. } => untouched.contains(&e.path),
                    };
            if !old_path_holds {
                assignment[fi] = Some(ei);
                used[ei] = true;
                moved.push((ei, f.path.clone()));
                break;
            }
        }
    }
    let mut out = Comparison {
        moved,
        expired,
        ..Default::default()
    };
    for (f, a) in findings.into_iter().zip(assignment) {
        match a {
            Some(ei) => {
                out.baselined.push(f);
                out.matched_entry.push(ei);
            }
            None => out.new.push(f),
        }
    }
    if matches!(scope, Scope::Complete) {
        out.stale = (0..baseline.entries.len())
            .filter(|&i| !used[i] && !out.expired.contains(&i))
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert!(is_date(&t), "{t}");
        assert!(t.as_str() > "2024-01-01");
    }

    #[test]
    fn hash_depends_on_salt_and_is_cached() {
        let mut p = HashParams::generate();
        let a = SecretHasher::new(&p).unwrap();
        let h1 = a.hash("hunter2");
        assert_eq!(h1, a.hash("hunter2"));
        assert_eq!(h1.len(), 64);
        p.salt = hex::encode([7u8; 16]);
        let b = SecretHasher::new(&p).unwrap();
        assert_ne!(h1, b.hash("hunter2"));
        // Pinned: changing the hash construction breaks every stored baseline.
        assert_eq!(b.hash("hunter2"), GOLDEN_HASH);
    }
    const GOLDEN_HASH: &str = "79cef2dd06d4c7cb6f04733eb95caa461e9c3b7445bcb0b1ccb569c701edaacc";

    #[test]
    fn serialization_is_sorted_and_stable() {
        let mut b = Baseline::new();
        for (p, r) in [("z.env", "a"), ("a.env", "b"), ("a.env", "a")] {
            b.entries.push(Entry {
                rule: r.into(),
                path: p.into(),
                hash: "00".into(),
                line: Some(1),
                label: None,
                note: None,
                expires: None,
            });
        }
        let bytes = b.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let first = text.find("\"a.env\"").unwrap();
        assert!(first < text.find("\"z.env\"").unwrap());
        let reparsed: Baseline = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(reparsed.to_bytes(), bytes);
    }
}
