//! The placeholder detector: values that are signals, not secrets (`CHANGEME_…`, `your-key-here`,
//! `<token>`, `${VAR}`, `{{ .Values.x }}`, `os.environ[...]`, `xxxx`, `****`, documentation
//! examples, repeated or sequential characters). Playbooks tell people to write these; a scanner
//! that fires on them trains people to ignore it.

use crate::rules::PlaceholderPolicy;

/// Substrings (lowercase) that mark a value as a placeholder wherever they occur in it. Each is
/// long or punctuated enough that a random token contains it by chance less than once in 10^5.
const MARKERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "example",
    "placeholder",
    "dummy",
    "sample",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yoursecret",
    "yourpass",
    "yourtoken",
    "your.",
    "replace",
    "insert",
    "xxxxxx",
    "****",
    "....",
    "…",
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "<%",
    "os.environ",
    "os.getenv",
    "getenv(",
    "process.env",
    "env[",
    "env.",
    "secretkeyref",
    "vault:",
    "lorem",
    "not-a-real",
    "notreal",
    "not_real",
];

/// Values published as examples in specifications and vendor documentation, copied into the
/// docs and tests of every library that implements them: RFC 6749 and 6750 (OAuth 2), RFC 5849
/// (OAuth 1), RFC 7009 (token revocation), RFC 7617's `Aladdin:open sesame`, jwt.io's sample
/// signature, Google's XOAUTH2 sample, AWS's documentation key pair (with a letter changed, as
/// some projects do), and the `SECRET_KEY` samples of the FastAPI and Flask tutorials. Matched
/// case-insensitively anywhere in a value.
const PUBLISHED_EXAMPLES: &[&str] = &[
    "2yotnfzfejr1zcsicmwpaa",
    "tgzv3jokf0xg5qx2tlkwia",
    "czzcagrsa3f0mzpnwdfmqmf0m2jw",
    // Its decoding: RFC 6749's client `s6BhdRkqt3` and secret `gX1fBat3bV`.
    "gx1fbat3bv",
    "splxlobezqqybys6wxsbia",
    "mf_9.b5f-4.1jqm",
    "h480djs93hd8",
    "hh5s93j4hdidpola",
    "hdhd0244k9j7ao03",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    "kkk9d7dh3k39sjv7",
    "kd94hf93k423kf44",
    "dpf43f3p2l4k3l03",
    "qwxhzgrpbjpvcgvuihnlc2ftzq",
    "open sesame",
    "open%20sesame",
    "opensesame",
    "fpkl54jvwmegvordcnjg",
    "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c",
    "vf9dft4qmtc2nvb3rlckbhdhrhdmlzdgeuy29tcg",
    "45ghiukldjahdnhzdauz",
    "akiaiosfodnn7examp",
    "wjalrxutnfemi/k7mdeng",
    "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
    "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",
];

/// Short words that mark a placeholder only as a whole word (`your-key-here`, `FAKE_TOKEN`,
/// `sk_xxxx`): inside a random token they occur by chance.
const WORDS: &[&str] = &["here", "fake", "your", "xxxx", "mock"];

/// Whether `word` occurs in `s` delimited by non-alphanumerics or the ends of `s`.
fn has_word(s: &str, word: &str) -> bool {
    let b = s.as_bytes();
    s.match_indices(word).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + word.len()).copied();
        let delim = |c: Option<u8>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        delim(before) && delim(after)
    })
}

/// Whole values (lowercase, trimmed) that are placeholders.
const WHOLE_VALUES: &[&str] = &[
    "test",
    "testing",
    "test123",
    "secret",
    "password",
    "passwd",
    "pass",
    "token",
    "apikey",
    "api_key",
    "null",
    "none",
    "nil",
    "true",
    "false",
    "undefined",
    "todo",
    "tbd",
    "fixme",
    "demo",
    "default",
    "admin",
    "root",
    "guest",
    "user",
    "username",
    "changeit",
    "mysecret",
    "mypassword",
    "secretkey",
    "s3cr3t",
    "p@ssw0rd",
    "password123",
    "qwerty",
];

/// Whether `value` is a placeholder under `policy`.
pub fn is_placeholder(value: &str, policy: PlaceholderPolicy) -> bool {
    match policy {
        PlaceholderPolicy::Off => false,
        PlaceholderPolicy::Standard => standard(value),
        PlaceholderPolicy::Generic => standard(value) || generic(value),
    }
}

fn standard(value: &str) -> bool {
    let lower = value.to_lowercase();
    let trimmed = lower.trim_matches(|c: char| "\"'`".contains(c));
    if trimmed.is_empty() || WHOLE_VALUES.contains(&trimmed) {
        return true;
    }
    // The proverbial `hunter2` and its documentation variants.
    if let Some(digits) = trimmed.strip_prefix("hunter") {
        if digits.chars().all(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    if MARKERS.iter().any(|m| trimmed.contains(m))
        || WORDS.iter().any(|w| has_word(trimmed, w))
        || PUBLISHED_EXAMPLES.iter().any(|e| trimmed.contains(e))
    {
        return true;
    }
    // A known prefix and an ellipsis: `sk-abc123...`, `github_pat_...`.
    if trimmed.ends_with("...") {
        return true;
    }
    // The `[:password]` of a documented URL template (`postgres://user[:password]@host`).
    if trimmed.ends_with(']') && !trimmed.contains('[') {
        return true;
    }
    // <token>, [YOUR KEY], (secret)
    if (trimmed.starts_with('<') && trimmed.ends_with('>'))
        || (trimmed.starts_with('[') && trimmed.ends_with(']'))
        || trimmed.starts_with('$')
        || trimmed.starts_with('%')
        || trimmed.contains('<') && trimmed.contains('>')
    {
        return true;
    }
    low_variety(trimmed) || has_sequence(trimmed)
}

/// Words that describe a value instead of being one: instructions and filler in
/// `generate-a-32-char-random-string`, `put-your-token-here`, `your-minio-password`.
const META_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "to",
    "of",
    "for",
    "with",
    "your",
    "my",
    "our",
    "own",
    "this",
    "that",
    "here",
    "some",
    "put",
    "use",
    "set",
    "enter",
    "insert",
    "paste",
    "generate",
    "generated",
    "change",
    "replace",
    "random",
    "string",
    "char",
    "chars",
    "characters",
    "long",
    "strong",
    "secure",
    "real",
    "actual",
    "new",
    "value",
    "secret",
    "password",
    "passwd",
    "token",
    "key",
    "api",
    "goes",
    "must",
    "be",
    "at",
    "least",
];

/// A value made of words that describe it (at least two of them instruction or filler words,
/// every part a lowercase word or a short number): prose, not a secret. A passphrase of random
/// words (`correct-horse-battery-staple`) has no such words and stays a finding.
fn made_of_words(v: &str) -> bool {
    let parts: Vec<&str> = v
        .split(['-', '_', ' ', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let word = |p: &&str| p.chars().all(|c| c.is_ascii_lowercase());
    let short_number = |p: &&str| p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit());
    parts.len() >= 3
        && parts.iter().all(|p| word(p) || short_number(p))
        && parts.iter().filter(|p| META_WORDS.contains(p)).count() >= 2
}

/// Values under a secret-like name that are not plaintext secrets by their type: password
/// hashes (bcrypt, argon2, sha-crypt, Django/Werkzeug pbkdf2, LDAP `{SSHA}`), encrypted values
/// (SOPS `ENC[…]`, ansible-vault, dotenvx `encrypted:`, SealedSecrets), integrity hashes
/// (`sha512-…` SRI, `sha256:` digests), escaped byte literals (`\x9b\xbe…`), template filter
/// syntax (`value|default:`), public identifiers, type names and base64 of prose.
fn not_a_secret_by_type(v: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "$2a$",
        "$2b$",
        "$2y$",
        "$argon2",
        "$1$",
        "$5$",
        "$6$",
        "$y$",
        "pbkdf2_sha",
        "pbkdf2:sha",
        "scrypt:",
        "{ssha}",
        "{sha}",
        "{crypt}",
        "enc[",
        "encrypted:",
        "$ansible_vault",
        "sha1-",
        "sha256-",
        "sha384-",
        "sha512-",
        "sha256:",
        "sha512:",
        "md5:",
    ];
    /// Public identifiers: published on purpose (in pages, apps and badges), not secrets.
    const PUBLIC_PREFIXES: &[&str] = &["pk_live_", "pk_test_"];
    const PUBLIC_SUFFIXES: &[&str] = &[".apps.googleusercontent.com"];
    let lower = v.to_ascii_lowercase();
    if PREFIXES.iter().any(|p| lower.starts_with(p))
        || PUBLIC_PREFIXES.iter().any(|p| v.starts_with(p))
        || PUBLIC_SUFFIXES.iter().any(|s| lower.ends_with(s))
    {
        return true;
    }
    v.matches("\\x").count() >= 2
        || v.contains('|')
        || is_type_name(v)
        || is_base64_of_prose(v)
        || is_sealed_secret(v)
}

/// A Bitnami SealedSecrets ciphertext (`encryptedData:` values): base64 of a blob that starts
/// with a two-byte big-endian key length (`Ag…`), hundreds of characters long. Only the
/// cluster's controller can decrypt it; committing it is the point.
fn is_sealed_secret(v: &str) -> bool {
    v.len() >= 300
        && ["AgA", "AgB", "AgC", "AgD"]
            .iter()
            .any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}

/// An all-caps C type or constant name (`PULONG64`, `LPCWSTR`, `DWORD`): letters with at most a
/// two-digit suffix, no longer than 16. A generated password mixes its digits in.
fn is_type_name(v: &str) -> bool {
    let letters = v.trim_end_matches(|c: char| c.is_ascii_digit());
    (4..=16).contains(&v.len())
        && v.len() - letters.len() <= 2
        && letters.chars().all(|c| c.is_ascii_uppercase())
}

/// Base64 that decodes to prose (`eW91J3JlIG5vdCBzdXBwb3NlZCB0byBkZWNvZGUgdGhpcyE=`, "you're not
/// supposed to decode this!"): printable text with at least three spaces, nearly all letters. A
/// key decodes to random bytes; `user:password` (Basic auth) has no spaces and stays a finding.
fn is_base64_of_prose(v: &str) -> bool {
    use base64::Engine as _;
    if v.len() < 16 || v.len() > 4096 {
        return false;
    }
    let engine = base64::engine::general_purpose::STANDARD;
    let Ok(bytes) = engine
        .decode(v.trim_end_matches('='))
        .or_else(|_| engine.decode(v))
    else {
        return false;
    };
    let spaces = bytes.iter().filter(|&&b| b == b' ').count();
    let wordy = bytes
        .iter()
        .filter(|&&b| b.is_ascii_alphabetic() || b == b' ')
        .count();
    spaces >= 3 && bytes.iter().all(|b| (0x20..0x7f).contains(b)) && wordy * 10 >= bytes.len() * 9
}

/// A UUID (`3f2b8c1e-9d4a-4e7b-b6a1-2c5d8e9f0a1b`) or a dashed fragment of hex groups
/// (`3f2b8c1e-9d4a-4e7b`): identifiers far more often than keys. Providers whose tokens are UUIDs
/// (Codecov, Heroku) have their own rules; under a generic name such a value is low confidence.
pub fn is_uuid_like(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| (4..=12).contains(&p.len()) && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Dash-separated short fragments (`a-b-c-d-e-f-1234`): at least four parts of at most four
/// characters. Generated secrets are not written that way.
pub fn is_dashed_fragments(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() >= 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4)
}

/// Classic documentation credentials (`scott:tiger`, `user:pass`, `admin/admin`, `admin12345`):
/// weak values that tutorials and tests use on purpose. Only lowers confidence where the file is
/// documentation, a test or an example: the same value in a real `.env` is still a finding.
pub fn is_classic_credential(value: &str) -> bool {
    const CLASSIC: &[&str] = &[
        "tiger",
        "pass",
        "password",
        "passwd",
        "admin",
        "administrator",
        "secret",
        "postgres",
        "root",
        "guest",
        "user",
        "test",
        "demo",
        "changeme",
        "pwd",
        "qwerty",
        "letmein",
        "mysecretpassword",
        "some_pass",
        "somepass",
        "pass word",
        "s3cret",
        "toor",
        "mysql",
        "redis",
        "rabbitmq",
        "minio",
        "minioadmin",
        "sa",
        "oracle",
        "default",
        "foobar",
        "foo",
        "bar",
        "baz",
    ];
    let lower = value.to_ascii_lowercase().replace("%20", " ");
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!');
    CLASSIC.contains(&lower.as_str())
        || (!base.is_empty() && CLASSIC.contains(&base) && lower.len() - base.len() <= 6)
        || (lower.len() <= 12 && lower.chars().all(|c| c.is_ascii_digit()))
}

/// Key=value rules capture whatever follows `password =`: in code that is often a reference, not
/// a literal (`settings.DB_PASSWORD`, `DB_PASSWORD`, `get_password()`, `self.token`).
/// A PowerShell cmdlet name (`Read-Host`, `Get-Credential`, `ConvertTo-SecureString`): an
/// approved verb, a dash and a PascalCase noun. `$password = Read-Host …` prompts for a value.
fn is_powershell_cmdlet(v: &str) -> bool {
    const VERBS: &[&str] = &[
        "Get",
        "Set",
        "Read",
        "New",
        "ConvertTo",
        "ConvertFrom",
        "Invoke",
        "Import",
        "Export",
        "Select",
        "Out",
        "Write",
        "Add",
        "Find",
        "Resolve",
        "Unprotect",
        "Protect",
        "Request",
    ];
    let Some((verb, noun)) = v.split_once('-') else {
        return false;
    };
    VERBS.contains(&verb)
        && noun.len() >= 3
        && noun.starts_with(|c: char| c.is_ascii_uppercase())
        && noun.chars().all(|c| c.is_ascii_alphanumeric())
        && noun.chars().any(|c| c.is_ascii_lowercase())
}

fn generic(value: &str) -> bool {
    let v = value.trim_matches(|c: char| "\"'`".contains(c));
    if made_of_words(&v.to_ascii_lowercase()) || not_a_secret_by_type(v) {
        return true;
    }
    // `test-secret-value`, `TEST_PASSWORD_1`: test values. Only for key=value rules: a token
    // shape such as Stripe's `sk_test_…` is a real (test-mode) credential.
    let lower = v.to_ascii_lowercase();
    if ["test", "testing", "tests"]
        .iter()
        .any(|w| has_word(&lower, w))
    {
        return true;
    }
    if is_powershell_cmdlet(v) {
        return true;
    }
    let is_ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    // CONSTANT_NAME referencing another variable.
    if v.len() > 2
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        && v.contains('_')
    {
        return true;
    }
    // dotted.identifier.path or call(...)
    let parts: Vec<&str> = v.split('.').collect();
    // Parts must look like names, not random segments (a JWT is dotted too).
    if parts.len() > 1
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 32
                && p.chars().filter(char::is_ascii_digit).count() <= 2
                && p.chars().all(is_ident_char)
                && p.chars().next().is_some_and(|c| !c.is_ascii_digit())
        })
        && v.chars().any(|c| c.is_ascii_lowercase())
    {
        return true;
    }
    if v.contains('(') || v.contains(')') || v.starts_with("@") || v.starts_with('&') {
        return true;
    }
    // A plain lowercase word or snake_case identifier (`password = hashed_password`), or a
    // path-like label of such words (`auth-request-type/at`).
    if v.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        || v.contains('/')
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || "_-/".contains(c))
    {
        return true;
    }
    // camelCase and PascalCase identifiers (`apiKey: providedApiKey`, `secret: ClientSecret`);
    // random letters are not.
    if is_camel_identifier(v.strip_prefix('_').unwrap_or(v)) {
        return true;
    }
    false
}

/// Whether `v` reads as a camelCase or PascalCase identifier (`providedApiKey`,
/// `getHTTPClient`, `ClientSecretSettings`): letters only, at most five words averaging four
/// letters or more, every word pronounceable (a vowel and at most four consonants in a row), a
/// short acronym, a common abbreviation or a leading Hungarian prefix. A random letters-only
/// password (`houIWrOixPOxVCVh`) splits into fragments such as `Wr` and `Vh` and is not one.
fn is_camel_identifier(v: &str) -> bool {
    if v.len() >= 32 || !v.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let b = v.as_bytes();
    let mut words: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for i in 1..b.len() {
        let (prev, cur) = (b[i - 1], b[i]);
        let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        // A word starts at a lower-to-upper step, or at the last capital of an acronym run.
        if cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower))
        {
            words.push(&b[start..i]);
            start = i;
        }
    }
    words.push(&b[start..]);
    /// Vowel-less abbreviations common in names (`dbPassword`, `jwtSecret`, `sshKey`).
    const ABBREVIATIONS: &[&str] = &[
        "db", "pw", "pwd", "cfg", "ctx", "msg", "src", "dst", "str", "tmp", "req", "cb", "fn",
        "tx", "rx", "kms", "jwt", "url", "sql", "ssh", "tls", "ssl", "http", "pk", "sk", "mfa",
    ];
    /// Two-letter words that names use.
    const SHORT_WORDS: &[&str] = &[
        "is", "to", "id", "of", "at", "on", "in", "by", "up", "my", "ok", "io", "ui", "no", "or",
    ];
    let listed =
        |list: &[&str], w: &[u8]| list.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(w));
    // A leading Hungarian prefix (`k`, `tk`, `m`) is not counted in the average word length.
    let prefix = match words.first() {
        Some(w) if words.len() > 1 && w.len() <= 3 && w.iter().all(u8::is_ascii_lowercase) => {
            w.len()
        }
        _ => 0,
    };
    let counted = words.len() - usize::from(prefix > 0);
    words.len() <= 5
        && v.len() - prefix >= 4 * counted
        && words.iter().enumerate().all(|(i, w)| {
            let pronounceable = w.iter().any(|c| VOWELS.contains(c)) && consonant_run(w) <= 4;
            if w.iter().all(u8::is_ascii_uppercase) {
                // An acronym (`HTTP`) or a capitalised word (`tkEXPLAIN`).
                w.len() <= 4 || (pronounceable && w.len() <= 12)
            } else if i == 0 && w.len() <= 3 && w.iter().all(u8::is_ascii_lowercase) {
                true // a Hungarian-style prefix: `tkSEMI`, `kSecAttr`, `mToken`
            } else if w.len() <= 2 {
                listed(SHORT_WORDS, w) || listed(ABBREVIATIONS, w)
            } else {
                listed(ABBREVIATIONS, w) || pronounceable
            }
        })
}

/// Vowels, for judging whether a word is pronounceable (`y` counts).
const VOWELS: &[u8] = b"aeiouyAEIOUY";

/// The longest run of consonants in `w`: 4 in `Strength`, 6 in the random `Ltxqmv`.
fn consonant_run(w: &[u8]) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in w {
        if VOWELS.contains(c) {
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    longest
}

/// Repeated characters: all one character, or at most two distinct characters.
fn low_variety(v: &str) -> bool {
    let mut distinct: Vec<char> = v.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() <= 2 || (v.chars().count() >= 12 && distinct.len() <= 3)
}

/// Runs like `1234567`, `abcdefg`, `9876543` (7 or more steps of ±1).
fn has_sequence(v: &str) -> bool {
    let b = v.as_bytes();
    let mut run_up = 1;
    let mut run_down = 1;
    for w in b.windows(2) {
        let (x, y) = (w[0], w[1]);
        run_up = if y.is_ascii_alphanumeric() && y == x.wrapping_add(1) {
            run_up + 1
        } else {
            1
        };
        run_down = if y.is_ascii_alphanumeric() && y.wrapping_add(1) == x {
            run_down + 1
        } else {
            1
        };
        if run_up >= 7 || run_down >= 7 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powershell_cmdlets_are_references() {
        for v in [
            "Read-Host",
            "Get-Credential",
            "ConvertTo-SecureString",
            "Get-AzKeyVaultSecret",
        ] {
            assert!(is_placeholder(v, PlaceholderPolicy::Generic), "{v}");
        }
        for v in [
            "Read-hostXk9",
            "Zq8x-K2vRw9LmT4pB",
            "Get-",
            "Tr0ub4dor-3xQz7",
        ] {
            assert!(!is_powershell_cmdlet(v), "{v}");
        }
    }
    use PlaceholderPolicy::*;

    #[test]
    fn documented_placeholders_are_placeholders() {
        for v in [
            "CHANGEME_DB_PASSWORD",
            "sk-...your-key-here...",
            "your-api-key-here",
            "<token>",
            "${DATABASE_PASSWORD}",
            "{{ .Values.password }}",
            "os.environ['KEY']",
            "xxxxxxxxxxxxxxxx",
            "****************",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "dummy-token-value",
            "aaaaaaaaaaaaaaaa",
            "1234567890abcdef",
            "abcdefghijklmnop",
            "password",
            "hunter42",
        ] {
            assert!(is_placeholder(v, Standard), "{v} should be a placeholder");
        }
    }

    #[test]
    fn random_values_are_not_placeholders() {
        let token = format!("{}{}", "ghp_", "R8x2Kq9LmZ4vT7wN3pB6yC1dF5hJ0sA2eG4u");
        for v in [token.as_str(), "Zq8#Lm2!vT9w", "hU7k2PqX9mWz"] {
            assert!(!is_placeholder(v, Standard), "{v}");
            assert!(!is_placeholder(v, Generic), "{v}");
        }
    }

    #[test]
    fn short_words_count_only_as_whole_words() {
        assert!(is_placeholder("FAKE_TOKEN_VALUE_9x", Standard));
        assert!(is_placeholder("sk_xxxx_live", Standard));
        assert!(is_placeholder("put-your-token-in", Standard));
        // Inside random tokens they are chance, not placeholders.
        for v in [
            "Zq8HereLm2vT9wKp3",
            "q9FAKEr2Lm8vT7wN3p",
            "R8yourKq9LmZ4vT7",
            "aBxxxxq9LmZ4vT7wN3",
        ] {
            assert!(!is_placeholder(v, Standard), "{v}");
        }
    }

    #[test]
    fn values_made_of_descriptive_words_are_placeholders() {
        for v in [
            "generate-a-32-char-random-string",
            "put-your-token-here",
            "your-minio-password",
            "use_a_strong_secret",
        ] {
            assert!(generic(v), "{v}");
        }
        for v in [
            "correct-horse-battery-staple",
            "Zq8xK2vR-w9Lm-T4pB",
            "s3cr3t-Value-2024",
        ] {
            assert!(!generic(v), "{v}");
        }
    }

    #[test]
    fn values_that_are_not_secrets_by_type() {
        for v in [
            "$2b$12$KIXQJ8l0sRk8yW4hT1xX9e5vG2mQ7nA3pL6dF0cB9zY8wV7uT6sR5",
            "pbkdf2_sha256$260000$Zq8xK2vRw9Lm$T4pBq7Vb2XkP9mLw4RtZ8nHc3JsD=",
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "ENC[AES256_GCM,data:Zq8xK2vR,iv:w9Lm,tag:T4pB,type:str]",
            "sha512-Zq8xK2vRw9LmT4pBq7Vb2XkP9mLw4RtZ8nHc3JsD==",
            r"\x9b\xbe\x01\xff",
            "variable|default:",
        ] {
            assert!(generic(v), "{v}");
        }
        for v in ["Zq8xK2vRw9LmT4pB", "3f2b8c1e9a4d4e7f8b6a1c2d3e4f5a6b77"] {
            assert!(!generic(v), "{v}");
        }
    }

    #[test]
    fn classic_documentation_credentials() {
        for v in [
            "tiger",
            "admin12345",
            "pass%20word",
            "some_pass",
            "123456",
            "Password1!",
        ] {
            assert!(is_classic_credential(v), "{v}");
        }
        for v in [
            "Zq8xK2vRw9LmT4pB",
            "adminZq8xK2vRw9Lm",
            "passphrase-of-mine",
        ] {
            assert!(!is_classic_credential(v), "{v}");
        }
    }

    #[test]
    fn jwts_are_not_dotted_references() {
        // Assembled at run time: the project passes its own scanner (`sealant scan .`).
        let jwt = [
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
            "Kq9LmZ4vT7wN3pB6yC1dF5hJ0sA2eG4u",
        ]
        .join(".");
        let jwt = jwt.as_str();
        assert!(!generic(jwt));
        assert!(generic("config.database.password"));
    }

    #[test]
    fn generic_rejects_references() {
        for v in [
            "settings.DB_PASSWORD",
            "DB_PASSWORD",
            "get_password()",
            "self.token",
            "hashed_password",
            "providedApiKey",
        ] {
            assert!(is_placeholder(v, Generic), "{v}");
        }
        assert!(!is_placeholder("settings.DB_PASSWORD", Off));
    }

    #[test]
    fn test_values_are_placeholders_only_for_generic_rules() {
        for v in ["test-secret-9Xq2Lm", "Kq9_TEST_Lm2vT7"] {
            assert!(is_placeholder(v, Generic), "{v}");
        }
        let stripe_test_key = format!("{}{}", "sk_test_", "4fR8x2Kq9LmZ4vT7wN3pB6yC");
        assert!(!is_placeholder(&stripe_test_key, Standard));
        assert!(!is_placeholder("latestVersion9Kq2", Generic));
    }

    #[test]
    fn public_identifiers_types_and_prose_are_not_secrets() {
        let random = "Zq8xK2vRw9LmT4pBq7Vb2XkP9mLw4RtZ8nHc";
        assert!(not_a_secret_by_type(&format!("pk_live_{random}")));
        assert!(!not_a_secret_by_type(&format!("sk_live_{random}")));
        assert!(not_a_secret_by_type(
            "123456789012-abc123def456.apps.googleusercontent.com"
        ));
        for t in ["PULONG64", "LPCWSTR", "DWORD"] {
            assert!(is_type_name(t), "{t}");
        }
        for t in ["KX7Q2MZP", "Pa55W0RD", "ABC"] {
            assert!(!is_type_name(t), "{t}");
        }
        assert!(is_base64_of_prose(
            "eW91J3JlIG5vdCBzdXBwb3NlZCB0byBkZWNvZGUgdGhpcyE="
        ));
        // user:password and random key bytes are not prose.
        assert!(!is_base64_of_prose("YWRtaW46czNjcjN0UGFzc3dvcmQ="));
        assert!(!is_base64_of_prose(
            "S87NdLSG6hb61Ag9eqdS2ziwZXC2cb+sBgaAg6ifatw="
        ));
    }

    #[test]
    fn uuids_and_dashed_fragments() {
        assert!(is_uuid_like("3f2b8c1e-9d4a-4e7b-b6a1-2c5d8e9f0a1b"));
        assert!(is_uuid_like("3f2b8c1e-9d4a-4e7b"));
        assert!(!is_uuid_like("3f2b8c1e-9d4a"));
        assert!(!is_uuid_like("prOoX2b-Tzl5Cx-9kd"));
        assert!(is_dashed_fragments("a-b-c-d-e-f-1234"));
        assert!(!is_dashed_fragments("6mp-MT7JW2h!D5_QfW"));
    }

    #[test]
    fn documented_url_templates_are_placeholders() {
        assert!(is_placeholder("password]", Standard));
        assert!(!is_placeholder("p4[ss]w0rd", Standard));
    }

    #[test]
    fn camel_case_identifiers_but_not_random_letters() {
        for id in [
            "providedApiKey",
            "hashedPassword",
            "getHTTPClient",
            "dbPassword",
            "token",
            "ClientSecretSettings",
            "passwordStrength",
            "tkEXPLAIN",
            "kSecAttrAccount",
            "mToken",
        ] {
            assert!(is_camel_identifier(id), "{id}");
        }
        for random in [
            "houIWrOixPOxVCVh",
            "qWxRtzPkLmNbVcXz",
            "FukuewyPyLtxqmvB",
            "MdQpLdNzpylugPlG",
        ] {
            assert!(!is_camel_identifier(random), "{random}");
            assert!(!generic(random), "{random}");
        }
    }
}
