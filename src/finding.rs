//! What a scan reports: [`Finding`], where it is ([`Location`]), the matched [`Secret`] (which never
//! prints itself by accident) and its [`Fingerprint`].
//!
//! Findings are produced by `matcher`, attributed by `source`/`scan`, compared against `baseline`
//! and written by `report`. Nothing here knows about any of those.

use crate::encoded::Encoding;
use serde::Serialize;
use sha2::Sha256;
use std::fmt;

/// A matched secret value. `Debug` and `Display` print `<redacted>`; the value is reachable only
/// through [`Secret::expose`] and the redacted form through [`Secret::redacted`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Secret(String);

impl Secret {
    /// Wraps a matched value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plaintext value. Callers must not print it unless the user asked (`--show-secrets`).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A form safe to print: at most a 4-character prefix and 2-character suffix of long values,
    /// 2 characters of medium ones, nothing of short ones.
    pub fn redacted(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        match chars.len() {
            n if n >= 16 => {
                let head: String = chars[..4].iter().collect();
                let tail: String = chars[n - 2..].iter().collect();
                format!("{head}…{tail}")
            }
            n if n >= 8 => {
                let head: String = chars[..2].iter().collect();
                format!("{head}…")
            }
            _ => "…".to_string(),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The key fingerprints are computed with. Reports are uploaded and shared (SARIF to code
/// scanning, CI artifacts), so a fingerprint must not be a fast unsalted hash of the secret that
/// anyone holding the report could brute-force; with a key it is useless without the key.
///
/// Where the key comes from is the plan's choice (`SEALANT_FINGERPRINT_KEY`, else the baseline's
/// salt, else random for one run); the same key gives the same fingerprints run after run.
#[derive(Clone)]
pub struct FingerprintKey(Vec<u8>);

impl FingerprintKey {
    /// A key from bytes (an environment variable's value, a baseline salt).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FingerprintKey(bytes.into())
    }

    /// A random key: fingerprints then identify findings within one report only.
    pub fn random() -> Self {
        let bytes: [u8; 32] = rand::random();
        FingerprintKey(bytes.to_vec())
    }
}

impl fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FingerprintKey(<redacted>)")
    }
}

/// A stable identifier of "this rule found this secret in this file", independent of the line, so
/// that edits above a finding do not change it. Specified as the first 16 bytes of
/// `HMAC-SHA-256(key, "sealant-fp-v2\0" rule "\0" path "\0" secret)`, hex encoded: keyed, so
/// that no one can compute it from the secret alone ([`FingerprintKey`]). Changing this breaks
/// every consumer that stored fingerprints, so a unit test pins a golden value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// Computes the fingerprint of (rule, path, secret) under `key`.
    pub fn compute(key: &FingerprintKey, rule: &str, path: &str, secret: &Secret) -> Self {
        use hmac::Mac;
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&key.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"sealant-fp-v2\0");
        mac.update(rule.as_bytes());
        mac.update(b"\0");
        mac.update(path.as_bytes());
        mac.update(b"\0");
        mac.update(secret.expose().as_bytes());
        Fingerprint(hex::encode(&mac.finalize().into_bytes()[..16]))
    }

    /// The hex string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A position in a file: 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Where a finding sits inside its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// First character of the secret.
    pub start: Position,
    /// Last line the secret touches and the column just past its end.
    pub end: Position,
    /// Byte offset of the secret in the scanned content.
    pub offset: usize,
}

/// Git provenance of a finding from the history or push modes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Full commit id (hex).
    pub commit: String,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

/// Another place the same secret appears (history mode).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    /// Commit id (hex) that introduced this blob at this path.
    pub commit: String,
    /// Path in that commit.
    pub path: String,
}

/// Whether a secret found in history is still in the tree at HEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// Still in HEAD's tree: remove and rotate.
    AtHead,
    /// Only in history: removed from HEAD, but it must still be rotated.
    HistoryOnly,
}

/// How sure sealant is that a finding is a live secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Usually illustrative: a generic or contextual match in documentation, tests, examples or
    /// documented code, a classic example credential, an identifier-shaped value, or a token whose
    /// structure fails its offline check.
    Low,
    /// Provider-shaped, or a secret-named assignment with a real value in config or code.
    Medium,
    /// The token carries its provider's literal prefix (`ghp_`, `sk_live_`, `AKIA`, a PEM
    /// header), or its structure checks out offline (a JWT's header, a GitHub or npm checksum, ...).
    High,
}

impl Confidence {
    /// The lowercase name used in reports and flags.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// One reported secret.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Rule description.
    pub description: String,
    /// Path, relative to the scan root or repository root, `/`-separated; `-` for stdin.
    pub path: String,
    /// Where in the content.
    pub location: Location,
    /// The secret.
    pub secret: Secret,
    /// Shannon entropy of the secret, bits per character.
    pub entropy: f64,
    /// Line-independent identity.
    pub fingerprint: Fingerprint,
    /// Commit that introduced it (history, push modes).
    pub commit: Option<CommitInfo>,
    /// Other commits/paths with the same secret (history).
    pub occurrences: Vec<Occurrence>,
    /// Still present at HEAD (history).
    pub presence: Option<Presence>,
    /// The commit that removed the secret (history, [`Presence::HistoryOnly`] only): the oldest
    /// commit after the introduction whose tree no longer holds it at the introducing path.
    /// `None` outside history, while still at `HEAD`, or when the removal was not walked.
    pub removed: Option<CommitInfo>,
    /// How sure we are it is live.
    pub confidence: Confidence,
    /// The decodings that revealed the secret, outermost first (`[base64]` for a value in a
    /// Kubernetes `Secret`); empty for a secret found as written.
    pub decoded: Vec<Encoding>,
    /// The line the secret is on, redacted (`excerpt`): the text report's line of context.
    /// `None` for file findings and where the line was not at hand.
    pub excerpt: Option<String>,
}

impl Finding {
    /// Whether this is a file rule's finding (a committed `.env`, a keystore): the file itself is
    /// the finding, and it has no secret value.
    pub fn is_file_finding(&self) -> bool {
        self.secret.expose().is_empty()
    }

    /// Orders findings for output: path, then position, then rule.
    pub fn sort_key(&self) -> (&str, Location, &str) {
        (&self.path, self.location, &self.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_golden_value_is_stable_and_keyed() {
        // Changing this value breaks stored fingerprints; see the type's docs.
        let key = FingerprintKey::new(*b"golden-key");
        let secret = Secret::new("s3cr3t-Value");
        let fp = Fingerprint::compute(&key, "generic-password", "config/.env", &secret);
        assert_eq!(fp.as_str(), GOLDEN);
        let other = FingerprintKey::new(*b"another-key");
        assert_ne!(
            Fingerprint::compute(&other, "generic-password", "config/.env", &secret),
            fp
        );
        assert_eq!(format!("{key:?}"), "FingerprintKey(<redacted>)");
    }
    /// Cross-checked with Python: `hmac.new(b"golden-key", b"sealant-fp-v2\0generic-password\0
    /// config/.env\0s3cr3t-Value", hashlib.sha256).hexdigest()[:32]`.
    const GOLDEN: &str = "ca9eb68845c6a454e0f2807bc1895d5a";

    #[test]
    fn secret_never_prints_itself() {
        let s = Secret::new("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        assert_eq!(format!("{s:?} {s}"), "<redacted> <redacted>");
        assert_eq!(s.redacted(), "ghp_…89");
        assert_eq!(Secret::new("hunter2!x").redacted(), "hu…");
        assert_eq!(Secret::new("short").redacted(), "…");
    }
}
