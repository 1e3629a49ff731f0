//! What the text around a match says about it: the key name a generic rule matched
//! (`STRIPE_PUBLISHABLE_KEY`, `RECAPTCHA_SITE_KEY` name public values), whether the line is a
//! comment (doc comments are documentation inside source files), badge URLs whose tokens are
//! published on purpose (Codecov and Coveralls README badges), and template expressions.

/// Words in a key name that say its value is published, not kept secret.
const PUBLIC_KEY_WORDS: &[&str] = &[
    "public",
    "publishable",
    "sitekey",
    "site_key",
    "site-key",
    "client_id",
    "clientid",
    "client-id",
];

/// Whether the key name a generic rule matched (the match text before the value) names a
/// public value.
pub fn names_public_value(key: &[u8]) -> bool {
    let key = String::from_utf8_lossy(key).to_ascii_lowercase();
    PUBLIC_KEY_WORDS.iter().any(|w| key.contains(w))
}

/// Whether `line` is a comment in the usual syntaxes (`//`, `///`, `#`, `--`, `;`, `*`, `/*`,
/// `<!--`, `%`, `rem`).
pub fn is_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    const OPENERS: &[&[u8]] = &[
        b"//", b"#", b"--", b";", b"*", b"/*", b"<!--", b"%", b"\"\"\"",
    ];
    OPENERS.iter().any(|o| t.starts_with(o)) || t.len() > 4 && t[..4].eq_ignore_ascii_case(b"rem ")
}

/// Whether `line` holds a coverage badge URL (`codecov.io/…/badge.svg?token=…`): the token in it
/// is Codecov's "graphing token", documented as safe to publish.
pub fn is_badge_url(line: &[u8]) -> bool {
    let has = |needle: &[u8]| {
        line.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    (has(b"codecov.io") || has(b"coveralls.io")) && (has(b"badge") || has(b"/graph"))
}

/// Whether the text at `pos` of `line` sits inside a template expression (`{{ … }}`,
/// `{% … %}`): an argument of a lookup (`{{ lookup('hashi_vault', 'secret=kv/bot:token') }}`),
/// not a literal value.
pub fn inside_template(line: &[u8], pos: usize) -> bool {
    let (before, after) = line.split_at(pos.min(line.len()));
    [(&b"{{"[..], &b"}}"[..]), (b"{%", b"%}")]
        .iter()
        .any(|(open, close)| {
            let last = |hay: &[u8], needle: &[u8]| hay.windows(2).rposition(|w| w == needle);
            let first = |hay: &[u8], needle: &[u8]| hay.windows(2).position(|w| w == needle);
            match (last(before, open), first(after, close)) {
                (Some(o), Some(_)) => last(&before[o..], close).is_none(),
                _ => false,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_names() {
        assert!(names_public_value(b"STRIPE_PUBLISHABLE_KEY = \""));
        assert!(names_public_value(b"recaptcha_site_key: "));
        assert!(names_public_value(b"GOOGLE_CLIENT_ID="));
        assert!(!names_public_value(b"STRIPE_SECRET_KEY="));
        assert!(!names_public_value(b"api_key = '"));
    }

    #[test]
    fn comments() {
        for line in [
            "  /// let url = x;",
            "# pw",
            "-- sql",
            " * doc",
            "<!-- html -->",
            "REM bat",
        ] {
            assert!(is_comment(line.as_bytes()), "{line}");
        }
        for line in ["let x = 1; // trailing", "password = 'x'", "remote = 1"] {
            assert!(!is_comment(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn templates() {
        let line = b"token: \"{{ lookup('vault', 'secret=kv/bot:token') }}\"";
        let at = line.windows(3).position(|w| w == b"kv/").unwrap();
        assert!(inside_template(line, at));
        let line = b"{{ x }} token = 'Zq8xK2vRw9LmT4pB'";
        assert!(!inside_template(line, 17));
    }

    #[test]
    fn badges() {
        assert!(is_badge_url(
            b"[![codecov](https://codecov.io/gh/a/b/branch/main/graph/badge.svg?token=Q8ZK3B1XHV)]"
        ));
        assert!(!is_badge_url(b"CODECOV_TOKEN: 0a16be33"));
    }
}
