//! Offline structural validation: whether a matched token's own structure checks out, with no
//! network call. A token that passes is `high` confidence; one that fails is a test value or a
//! fragment (`low`), never silently dropped. Only formats with a documented structure are judged:
//! JWTs, GitHub and npm tokens (CRC32 checksum), PEM private keys (DER / OpenSSH framing), Fernet
//! keys and PyPI tokens (macaroons). Everything else is [`Structure::Unchecked`].

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

/// What a structural check says about a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structure {
    /// The structure checks out (a JWT whose header decodes to JSON naming its `alg`).
    Valid,
    /// The token has the shape but not the structure.
    Invalid,
    /// No check exists for this rule.
    Unchecked,
}

impl Structure {
    /// `Valid` if `ok`, else `Invalid`.
    fn from_bool(ok: bool) -> Self {
        if ok {
            Structure::Valid
        } else {
            Structure::Invalid
        }
    }
}

/// Checks `secret`, found by rule `rule`. GitHub and npm tokens are recognised by their prefix
/// whichever rule found them (an `.npmrc` rule can find a `ghp_` token).
pub fn check(rule: &str, secret: &str) -> Structure {
    match rule {
        "jwt" => jwt(secret),
        "fernet-key" => fernet(secret),
        "pypi-upload-token" => pypi(secret),
        "private-key-base64" => base64_pem(secret),
        _ => match pem_kind(rule) {
            Some(kind) => pem_body(kind, secret),
            None => checksummed_token(secret),
        },
    }
}

/// Standard base64 that accepts a missing or present `=` padding (canonical trailing bits).
const STANDARD_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe base64 that accepts a missing or present `=` padding (canonical trailing bits).
const URL_SAFE_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

// --- JWT -----------------------------------------------------------------------------------------

/// A JWT (JWS compact form): the header is base64url JSON with a string `alg`.
fn jwt(token: &str) -> Structure {
    let Some(header) = token.split('.').next() else {
        return Structure::Invalid;
    };
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let decoded = match engine.decode(header.trim_end_matches('=')) {
        Ok(d) => d,
        Err(_) => return Structure::Invalid,
    };
    match serde_json::from_slice::<serde_json::Value>(&decoded) {
        Ok(v) if v.get("alg").is_some_and(serde_json::Value::is_string) => Structure::Valid,
        _ => Structure::Invalid,
    }
}

// --- GitHub and npm tokens -----------------------------------------------------------------------

/// Prefixes of the tokens that end in a CRC32 checksum: GitHub's `ghp_` (classic PAT), `gho_`
/// (OAuth), `ghu_` (user-to-server), `ghs_` (server-to-server), `ghr_` (refresh) and npm's `npm_`.
const CHECKSUMMED_PREFIXES: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"];

/// Random characters in a checksummed token, after the prefix.
const TOKEN_RANDOM_LEN: usize = 30;

/// Characters of the base62 checksum that ends a checksummed token.
const TOKEN_CHECKSUM_LEN: usize = 6;

/// The base62 alphabet of GitHub and npm tokens (digits, then upper, then lower case).
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A GitHub or npm token: prefix + 30 random base62 characters + the CRC32 (IEEE) of those 30
/// characters, base62-encoded and left-padded with `0` to 6 characters. See "Behind GitHub's new
/// authentication token formats" (github.blog, 2021-04-05) and "Announcing npm's new access token
/// format" (github.blog, 2021-09-23). A secret of another length (a longer `ghr_` token, a value
/// an assignment rule captured with more around it) is `Unchecked`.
fn checksummed_token(secret: &str) -> Structure {
    let Some(rest) = CHECKSUMMED_PREFIXES
        .iter()
        .find_map(|p| secret.strip_prefix(p))
    else {
        return Structure::Unchecked;
    };
    if rest.len() != TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN || !rest.bytes().all(is_base62) {
        return Structure::Unchecked;
    }
    let (random, checksum) = rest.split_at(TOKEN_RANDOM_LEN);
    Structure::from_bool(github_checksum(random) == checksum)
}

/// Whether `b` is in the base62 alphabet.
fn is_base62(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The 6-character checksum GitHub and npm append to a token's random part: the CRC32 (IEEE, as
/// zlib's `crc32`) of `random`, base62-encoded, left-padded with `0`.
pub fn github_checksum(random: &str) -> String {
    let mut n = crc32fast::hash(random.as_bytes());
    let mut out = [b'0'; TOKEN_CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

// --- PEM private keys ----------------------------------------------------------------------------

/// How a PEM block's body is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PemKind {
    /// DER: PKCS#1 (RSA), SEC1 (EC), DSA, PKCS#8 and encrypted PKCS#8.
    Der,
    /// OpenSSH's own format (`openssh-key-v1\0` magic).
    OpenSsh,
    /// OpenPGP packets: not checked.
    Pgp,
}

/// The framing of the bodies rule `rule` captures (the body only, between the BEGIN and END
/// lines), if it is a PEM rule.
fn pem_kind(rule: &str) -> Option<PemKind> {
    match rule {
        "private-key-rsa"
        | "private-key-ec"
        | "private-key-dsa"
        | "private-key-encrypted"
        | "private-key-pkcs8" => Some(PemKind::Der),
        "private-key-openssh" => Some(PemKind::OpenSsh),
        "pgp-private-key-block" => Some(PemKind::Pgp),
        _ => None,
    }
}

/// The framing of a PEM block by its label (`RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`, ...).
fn pem_kind_of_label(label: &str) -> PemKind {
    match label {
        "OPENSSH PRIVATE KEY" => PemKind::OpenSsh,
        "PGP PRIVATE KEY BLOCK" => PemKind::Pgp,
        _ => PemKind::Der,
    }
}

/// The magic that starts a decoded OpenSSH private key (PROTOCOL.key in the OpenSSH sources).
const OPENSSH_MAGIC: &[u8] = b"openssh-key-v1\0";

/// A PEM body (RFC 7468): base64 with line breaks, possibly indented or written with `\n` escapes
/// inside a JSON or shell string, possibly after RFC 1421 headers (`Proc-Type: 4,ENCRYPTED` and
/// `DEK-Info:` of a legacy encrypted OpenSSL key). The rules capture the whole body up to the END
/// line, so a body that does not decode is not a key.
///
/// - DER keys: the decoded bytes are one DER SEQUENCE (tag `0x30`) whose length is exactly
///   the rest of the data (X.690 §8.1.3).
/// - legacy encrypted keys: the body is CBC ciphertext, so only a whole number of cipher blocks
///   (16 bytes for AES, 8 for DES) can be checked.
/// - OpenSSH keys: the decoded bytes start with `openssh-key-v1\0`.
fn pem_body(kind: PemKind, body: &str) -> Structure {
    if kind == PemKind::Pgp {
        return Structure::Unchecked;
    }
    let text = unescape(body);
    let (headers, data) = split_headers(&text);
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let Ok(bytes) = STANDARD_ANY_PAD.decode(compact.as_bytes()) else {
        return Structure::Invalid;
    };
    if bytes.is_empty() {
        return Structure::Invalid;
    }
    let ok = match (kind, legacy_cipher_block(&headers)) {
        (PemKind::OpenSsh, _) => bytes.starts_with(OPENSSH_MAGIC),
        (_, Some(block)) => bytes.len() % block == 0,
        _ => is_der_sequence(&bytes),
    };
    Structure::from_bool(ok)
}

/// `s` with string escapes undone: `\n`, `\r` and `\t` become the whitespace they stand for (line
/// breaks in a quoted body), and any other backslash is dropped alone (`\/` in JSON is `/`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            _ => continue,
        }
        chars.next();
    }
    out
}

/// Splits RFC 1421 header lines (`Name: value`, the lines before the base64) off a body.
fn split_headers(text: &str) -> (Vec<&str>, &str) {
    let mut headers = Vec::new();
    let mut rest = text.trim_start();
    while let Some((line, after)) = rest.split_once('\n') {
        if !line.contains(':') {
            break;
        }
        headers.push(line.trim());
        rest = after.trim_start();
    }
    (headers, rest)
}

/// The cipher block size of a legacy encrypted key (`Proc-Type: 4,ENCRYPTED` with a `DEK-Info`
/// naming the cipher), `None` if the key is not encrypted that way.
fn legacy_cipher_block(headers: &[&str]) -> Option<usize> {
    let encrypted = headers
        .iter()
        .any(|h| h.starts_with("Proc-Type:") && h.ends_with("ENCRYPTED"));
    if !encrypted {
        return None;
    }
    let aes = headers
        .iter()
        .filter_map(|h| h.strip_prefix("DEK-Info:"))
        .any(|v| v.trim_start().starts_with("AES"));
    Some(if aes { 16 } else { 8 })
}

/// Whether `der` is exactly one DER SEQUENCE: tag `0x30`, a definite length (short form, or long
/// form with 1 to 4 length bytes) and that many bytes after the header, no more and no fewer.
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, body) = if *first < 0x80 {
        (usize::from(*first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return false; // 0x80 is the indefinite length, not DER
        }
        let (len_bytes, body) = rest.split_at(n);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, body)
    };
    body.len() == len
}

/// A whole PEM file, base64-encoded on one line (Kubernetes `tls.key`): it decodes to text with a
/// `-----BEGIN <label>-----` line, a body and the matching END line; the body is checked as
/// [`pem_body`] checks it.
fn base64_pem(secret: &str) -> Structure {
    let Ok(bytes) = STANDARD_ANY_PAD.decode(secret.as_bytes()) else {
        return Structure::Invalid;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Structure::Invalid;
    };
    let Some((label, body)) = pem_block(text) else {
        return Structure::Invalid;
    };
    pem_body(pem_kind_of_label(label), body)
}

/// The label and body of the first PEM block in `text`, if it has its END line.
fn pem_block(text: &str) -> Option<(&str, &str)> {
    let after_begin = &text[text.find("-----BEGIN ")? + "-----BEGIN ".len()..];
    let (label, rest) = after_begin.split_once("-----")?;
    let end = format!("-----END {label}-----");
    let body = &rest[..rest.find(&end)?];
    Some((label, body))
}

// --- Fernet keys ---------------------------------------------------------------------------------

/// Bytes in a Fernet key: a 128-bit signing key and a 128-bit encryption key.
const FERNET_KEY_LEN: usize = 32;

/// A Fernet key: URL-safe base64 of exactly 32 bytes (Fernet specification, "Key Format",
/// github.com/fernet/spec). `Fernet.generate_key()` writes canonical base64, so the unused low
/// bits of the last character are zero.
fn fernet(secret: &str) -> Structure {
    let ok = URL_SAFE_ANY_PAD
        .decode(secret.as_bytes())
        .is_ok_and(|k| k.len() == FERNET_KEY_LEN);
    Structure::from_bool(ok)
}

// --- PyPI tokens ---------------------------------------------------------------------------------

/// Macaroon v2 binary field types (libmacaroons' format, used by pymacaroons and Warehouse).
mod macaroon {
    /// End of a section.
    pub const EOS: u8 = 0;
    /// Location (optional).
    pub const LOCATION: u8 = 1;
    /// Identifier.
    pub const IDENTIFIER: u8 = 2;
    /// Verification id of a third-party caveat (optional).
    pub const VID: u8 = 4;
    /// Signature (32 bytes, HMAC-SHA256).
    pub const SIGNATURE: u8 = 6;
    /// The version byte that starts a v2 binary macaroon.
    pub const VERSION_2: u8 = 2;
    /// Bytes in the signature.
    pub const SIGNATURE_LEN: usize = 32;
}

/// A PyPI API token: `pypi-` + a macaroon in the v2 binary format, base64url without padding
/// (PyPI help, "API tokens"; Warehouse `warehouse/macaroons`). The decoded bytes are: version
/// `0x02`; a header section (optional location `pypi.org`, then the identifier) ending in `EOS`;
/// caveat sections (optional location, identifier, optional vid), each ending in `EOS`; an `EOS`;
/// then the 32-byte signature field, and nothing after it.
fn pypi(secret: &str) -> Structure {
    let Some(body) = secret.strip_prefix("pypi-") else {
        return Structure::Invalid;
    };
    match URL_SAFE_ANY_PAD.decode(body.as_bytes()) {
        Ok(bytes) => Structure::from_bool(is_macaroon_v2(&bytes)),
        Err(_) => Structure::Invalid,
    }
}

/// Whether `bytes` is exactly one v2 binary macaroon (see [`pypi`]).
fn is_macaroon_v2(bytes: &[u8]) -> bool {
    use macaroon::*;
    let Some((&VERSION_2, mut rest)) = bytes.split_first() else {
        return false;
    };
    // the header section, then caveat sections until an empty one
    let mut first = true;
    loop {
        let Some(fields) = section(&mut rest) else {
            return false;
        };
        if fields.is_empty() {
            break;
        }
        if !fields.contains(&IDENTIFIER) {
            return false;
        }
        if first && fields.contains(&VID) {
            return false;
        }
        first = false;
    }
    if first {
        return false; // no header section
    }
    matches!(field(&mut rest), Some((SIGNATURE, sig)) if sig.len() == SIGNATURE_LEN)
        && rest.is_empty()
}

/// Reads one section of v2 fields up to its `EOS`; returns their types in order (empty for an
/// empty section). `None` if a field is malformed or out of order.
fn section(rest: &mut &[u8]) -> Option<Vec<u8>> {
    use macaroon::*;
    let mut types = Vec::new();
    loop {
        if let Some((&EOS, after)) = rest.split_first() {
            *rest = after;
            return Some(types);
        }
        let (kind, _) = field(rest)?;
        let in_order = types.last().is_none_or(|&last| last < kind);
        if !matches!(kind, LOCATION | IDENTIFIER | VID) || !in_order {
            return None;
        }
        types.push(kind);
    }
}

/// Reads one v2 field: a type byte, a varint length and that many bytes.
fn field<'a>(rest: &mut &'a [u8]) -> Option<(u8, &'a [u8])> {
    let (&kind, after) = rest.split_first()?;
    let mut cursor = after;
    let len = varint(&mut cursor)?;
    if cursor.len() < len {
        return None;
    }
    let (value, after) = cursor.split_at(len);
    *rest = after;
    Some((kind, value))
}

/// Reads an unsigned LEB128 varint (at most 4 bytes: lengths under 256 MiB).
fn varint(rest: &mut &[u8]) -> Option<usize> {
    let mut value = 0usize;
    for (i, &b) in rest.iter().enumerate().take(4) {
        value |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            *rest = &rest[i + 1..];
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    fn std_b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// A token with prefix `prefix`, random part `random` (30 chars) and its checksum.
    fn token(prefix: &str, random: &str) -> String {
        format!("{prefix}{random}{}", github_checksum(random))
    }

    #[test]
    fn jwts_are_judged_by_their_header() {
        let body = format!("{}.{}", b64(r#"{"sub":"u_1"}"#), "Fj0fWUgYuscrM7bk-fZtT3");
        let good = format!("{}.{body}", b64(r#"{"alg":"HS256","typ":"JWT"}"#));
        assert_eq!(check("jwt", &good), Structure::Valid);
        let no_alg = format!("{}.{body}", b64(r#"{"typ":"JWT"}"#));
        assert_eq!(check("jwt", &no_alg), Structure::Invalid);
        assert_eq!(check("jwt", "eyJnotbase64!!.x.y"), Structure::Invalid);
        assert_eq!(check("github-classic-pat", "ghp_x"), Structure::Unchecked);
    }

    #[test]
    fn github_checksum_matches_the_documented_example() {
        // "ghp_" + "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ" + "0mLq17" (coolaj86's write-up of the format,
        // gist eb8cddfd3e4251258712dfed03e1f86d, checked against zlib.crc32); assembled at run
        // time so that sealant's scan of its own sources does not report it
        let random = "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ";
        assert_eq!(github_checksum(random), "0mLq17");
        let documented = format!("{}{random}{}", "ghp_", "0mLq17");
        assert_eq!(check("github-classic-pat", &documented), Structure::Valid);
        // the checksum covers the 30 random characters only, not the prefix
        let oauth = documented.replacen("ghp_", "gho_", 1);
        assert_eq!(check("github-oauth-token", &oauth), Structure::Valid);
    }

    #[test]
    fn github_and_npm_tokens_are_judged_by_their_checksum() {
        let random = "R8x2Kq9LmZ4vT7wN3pB6yC1dF5hJ0s";
        for prefix in CHECKSUMMED_PREFIXES {
            let good = token(prefix, random);
            assert_eq!(check("any-rule", &good), Structure::Valid, "{good}");
            // one random character changed: the checksum no longer matches
            let bad = good.replacen('R', "S", 1);
            assert_eq!(check("any-rule", &bad), Structure::Invalid, "{bad}");
        }
        assert_eq!(
            check(
                "npm-access-token",
                "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            ),
            Structure::Invalid
        );
    }

    #[test]
    fn checksummed_tokens_of_other_shapes_are_unchecked() {
        // a 76-character refresh token, a short fragment, a non-base62 character, no prefix
        let long = format!("ghr_{}", "a".repeat(76));
        assert_eq!(check("github-refresh-token", &long), Structure::Unchecked);
        assert_eq!(
            check("github-classic-pat", "ghp_QjJWU72QoakmYm6B4yOr"),
            Structure::Unchecked
        );
        let dashed = format!(
            "ghp_{}-{}",
            "a".repeat(29),
            github_checksum(&"a".repeat(29))
        );
        assert_eq!(check("npmrc-auth-token", &dashed), Structure::Unchecked);
        assert_eq!(
            check("npmrc-auth-token", "L3B_ACjHh-ELjdJXR7aI"),
            Structure::Unchecked
        );
        // a checksum that happens to pad with leading zeros still round-trips
        assert_eq!(github_checksum("").len(), 6);
        assert_eq!(github_checksum(""), "000000");
    }

    /// A DER SEQUENCE of `len` content bytes (long-form length when needed).
    fn der(len: usize) -> Vec<u8> {
        let mut out = vec![0x30];
        match len {
            0..=0x7f => out.push(len as u8),
            0x80..=0xff => out.extend([0x81, len as u8]),
            _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
        }
        out.extend((0..len).map(|i| (i * 7 + 3) as u8));
        out
    }

    /// `bytes` as a PEM body: base64 wrapped at 64 columns.
    fn wrapped(bytes: &[u8]) -> String {
        let b = std_b64(bytes);
        let lines: Vec<&str> = b
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        lines.join("\n")
    }

    #[test]
    fn der_keys_are_one_sequence_of_the_declared_length() {
        for len in [60, 200, 1190] {
            let body = wrapped(&der(len));
            assert_eq!(check("private-key-rsa", &body), Structure::Valid, "{len}");
            assert_eq!(check("private-key-pkcs8", &body), Structure::Valid, "{len}");
        }
        // truncated, and with bytes after the SEQUENCE
        let mut short = der(200);
        short.pop();
        assert_eq!(
            check("private-key-ec", &wrapped(&short)),
            Structure::Invalid
        );
        let mut long = der(200);
        long.extend([0, 0, 0]);
        assert_eq!(
            check("private-key-dsa", &wrapped(&long)),
            Structure::Invalid
        );
        // not a SEQUENCE, and not base64 at all
        let mut tagged = der(200);
        tagged[0] = 0x31;
        assert_eq!(
            check("private-key-encrypted", &wrapped(&tagged)),
            Structure::Invalid
        );
        assert_eq!(
            check("private-key-rsa", "not base64 at all, not a key"),
            Structure::Invalid
        );
        // random base64 of the right alphabet
        let random = "zwZWdfRLgxL+Z1bvxbT7WrKL8ozFiA2auK7Z7GtQbU4WWEOCV81K2LSnAwqRzZHb";
        assert_eq!(check("private-key-rsa", random), Structure::Invalid);
    }

    #[test]
    fn pem_bodies_may_be_indented_or_escaped() {
        let body = wrapped(&der(300));
        let indented = body.replace('\n', "\n    ");
        assert_eq!(check("private-key-rsa", &indented), Structure::Valid);
        let json = body.replace('\n', "\\n").replace('/', "\\/");
        assert_eq!(check("private-key-rsa", &json), Structure::Valid);
        let crlf = body.replace('\n', "\r\n");
        assert_eq!(check("private-key-rsa", &crlf), Structure::Valid);
    }

    #[test]
    fn legacy_encrypted_keys_are_whole_cipher_blocks() {
        let aes =
            "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,AEE06FEAB647429B3B9398189E7F50FC\n\n";
        let des = "Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,0123456789ABCDEF\n\n";
        let blocks = |n: usize| wrapped(&(0..n).map(|i| (i * 13) as u8).collect::<Vec<_>>());
        assert_eq!(
            check("private-key-rsa", &format!("{aes}{}", blocks(1200))),
            Structure::Valid
        );
        assert_eq!(
            check("private-key-rsa", &format!("{aes}{}", blocks(1208))),
            Structure::Invalid
        );
        assert_eq!(
            check("private-key-rsa", &format!("{des}{}", blocks(1208))),
            Structure::Valid
        );
        let escaped = format!("{aes}{}", blocks(1200)).replace('\n', "\\n");
        assert_eq!(check("private-key-rsa", &escaped), Structure::Valid);
    }

    #[test]
    fn openssh_keys_start_with_their_magic() {
        let mut key = OPENSSH_MAGIC.to_vec();
        key.extend((0..300).map(|i| (i * 11) as u8));
        assert_eq!(
            check("private-key-openssh", &wrapped(&key)),
            Structure::Valid
        );
        // the magic without its NUL (what a hand-made body often has)
        let no_nul = wrapped(&[&b"openssh-key-v1"[..], &[7u8; 64][..]].concat());
        assert_eq!(check("private-key-openssh", &no_nul), Structure::Invalid);
        // a DER key under an OpenSSH label
        assert_eq!(
            check("private-key-openssh", &wrapped(&der(300))),
            Structure::Invalid
        );
    }

    #[test]
    fn pgp_blocks_are_unchecked() {
        assert_eq!(
            check("pgp-private-key-block", "lQdGBGVReofsOwt"),
            Structure::Unchecked
        );
    }

    #[test]
    fn base64_pem_files_are_decoded_then_checked() {
        let pem = |label: &str, body: &[u8]| {
            let text = format!(
                "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
                wrapped(body)
            );
            std_b64(text.as_bytes())
        };
        assert_eq!(
            check("private-key-base64", &pem("RSA PRIVATE KEY", &der(600))),
            Structure::Valid
        );
        let mut ssh = OPENSSH_MAGIC.to_vec();
        ssh.extend([9u8; 200]);
        assert_eq!(
            check("private-key-base64", &pem("OPENSSH PRIVATE KEY", &ssh)),
            Structure::Valid
        );
        assert_eq!(
            check("private-key-base64", &pem("PRIVATE KEY", &[1u8; 200])),
            Structure::Invalid
        );
        // no END line (the value was cut), and not base64
        let cut = std_b64(b"-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASC");
        assert_eq!(check("private-key-base64", &cut), Structure::Invalid);
        assert_eq!(
            check("private-key-base64", "LS0tLS1CRUdJTi!!"),
            Structure::Invalid
        );
    }

    #[test]
    fn fernet_keys_are_32_bytes_of_canonical_base64url() {
        let key = base64::engine::general_purpose::URL_SAFE.encode([0xfbu8; 32]);
        assert_eq!(key.len(), 44);
        assert_eq!(check("fernet-key", &key), Structure::Valid);
        // 43 characters + `=` whose last character carries non-zero unused bits
        assert_eq!(
            check("fernet-key", "ZqP0VVyWDcjWrDYH_r-BzNFIUC1Jmy_fcW7_k51I82H="),
            Structure::Invalid
        );
        // 31 bytes, and standard-alphabet characters
        let short = base64::engine::general_purpose::URL_SAFE.encode([1u8; 31]);
        assert_eq!(check("fernet-key", &short), Structure::Invalid);
        let standard = base64::engine::general_purpose::STANDARD.encode([0xfbu8; 32]);
        assert_eq!(check("fernet-key", &standard), Structure::Invalid);
    }

    /// A v2 field.
    fn field(kind: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![kind];
        let mut len = value.len();
        while len >= 0x80 {
            out.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend(value);
        out
    }

    /// A PyPI-shaped v2 macaroon with `caveats` first-party caveats.
    fn macaroon(location: &[u8], caveats: &[&[u8]]) -> Vec<u8> {
        let mut out = vec![2];
        out.extend(field(1, location));
        out.extend(field(2, b"\x1f\x8b identifier bytes, 32 or so long"));
        out.push(0);
        for c in caveats {
            out.extend(field(2, c));
            out.push(0);
        }
        out.push(0);
        out.extend(field(6, &[0x5a; 32]));
        out
    }

    fn pypi_token(bytes: &[u8]) -> String {
        format!(
            "pypi-{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )
    }

    #[test]
    fn pypi_tokens_are_v2_macaroons() {
        let caveat: &[u8] = br#"{"version": 1, "permissions": "user"}"#;
        let good = pypi_token(&macaroon(b"pypi.org", &[caveat]));
        assert!(good.starts_with("pypi-AgEIcHlwaS5vcmc"), "{good}");
        assert_eq!(check("pypi-upload-token", &good), Structure::Valid);
        let test = pypi_token(&macaroon(b"test.pypi.org", &[caveat, b"x"]));
        assert!(test.starts_with("pypi-AgENdGVzdC5weXBpLm9yZw"), "{test}");
        assert_eq!(check("pypi-upload-token", &test), Structure::Valid);
        // no caveats at all is still a macaroon; a long caveat needs a two-byte varint
        assert_eq!(
            check(
                "pypi-upload-token",
                &pypi_token(&macaroon(b"pypi.org", &[]))
            ),
            Structure::Valid
        );
        let long = vec![b'a'; 300];
        assert_eq!(
            check(
                "pypi-upload-token",
                &pypi_token(&macaroon(b"pypi.org", &[&long]))
            ),
            Structure::Valid
        );
    }

    #[test]
    fn pypi_tokens_with_broken_macaroons_are_invalid() {
        let mut truncated = macaroon(b"pypi.org", &[b"c"]);
        truncated.pop();
        assert_eq!(
            check("pypi-upload-token", &pypi_token(&truncated)),
            Structure::Invalid
        );
        let mut trailing = macaroon(b"pypi.org", &[b"c"]);
        trailing.push(0);
        assert_eq!(
            check("pypi-upload-token", &pypi_token(&trailing)),
            Structure::Invalid
        );
        // the documented prefix followed by random characters (the old examples)
        let random =
            "pypi-AgEIcHlwaS5vcmcRjS4NH6A7zwGjpXHxUPR1LrRO2m1K2sy99apOmyd5AuCLpsF5p5NCVc6r843C";
        assert_eq!(check("pypi-upload-token", random), Structure::Invalid);
        assert_eq!(check("pypi-upload-token", "pypi-!!"), Structure::Invalid);
    }
}
