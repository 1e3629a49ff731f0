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
        b"//", b"#", b"--", b";", b"*", b"/*", b"<!--", b"%", b"\"\"\"", b">>>",
    ];
    if is_scoped_registry_line(t) {
        return false;
    }
    OPENERS.iter().any(|o| t.starts_with(o)) || t.len() > 4 && t[..4].eq_ignore_ascii_case(b"rem ")
}

/// An `.npmrc` registry-scoped setting (`//registry.npmjs.org/:_authToken=…`): it starts with
/// `//` but is no comment.
fn is_scoped_registry_line(t: &[u8]) -> bool {
    let Some(rest) = t.strip_prefix(b"//") else {
        return false;
    };
    let host_end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':')))
        .unwrap_or(rest.len());
    host_end > 0 && rest[..host_end].contains(&b'.') && memchr::memmem::find(rest, b"/:_").is_some()
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

/// A key=value value cut before the next query or form parameter (`…&scope=read`): in
/// `oauth_token=abc&oauth_token_secret=def` the token is `abc`, not the rest of the URL.
pub fn up_to_next_parameter(value: &[u8]) -> &[u8] {
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'&', &value[i..]) {
        let at = i + j;
        let rest = &value[at + 1..];
        let name = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            .count();
        if name > 0 && rest.get(name) == Some(&b'=') && rest[0].is_ascii_alphabetic() {
            return &value[..at];
        }
        i = at + 1;
    }
    value
}

/// Byte ranges of `content` that are documentation or test code inside a source file: Python
/// docstrings (a triple-quoted string opening a line, or assigned to `EXAMPLES`,
/// `DOCUMENTATION`, `RETURN`, `USAGE` or `__doc__`, as Ansible modules do) and a Rust file's
/// `#[cfg(test)]` tail. Only computed for files that have matches.
pub fn illustrative_spans(content: &[u8], path: &str) -> Vec<std::ops::Range<usize>> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".rs") {
        return memchr::memmem::find(content, b"#[cfg(test)]")
            .map(|at| std::iter::once(at..content.len()).collect())
            .unwrap_or_default();
    }
    if !(lower.ends_with(".py") || lower.ends_with(".pyi")) {
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut open: Option<(&[u8], usize, bool)> = None;
    let mut i = 0;
    while let Some(j) = memchr::memchr2(b'"', b'\'', &content[i..]) {
        i += j;
        let Some(q) = content.get(i..i + 3) else {
            break;
        };
        if q != b"\"\"\"" && q != b"'''" {
            i += 1;
            continue;
        }
        match open {
            Some((quote, start, doc)) if quote == q => {
                if doc {
                    spans.push(start..i + 3);
                }
                open = None;
            }
            Some(_) => {}
            None => {
                let line_start = memchr::memrchr(b'\n', &content[..i]).map_or(0, |p| p + 1);
                open = Some((q, i, opens_docstring(&content[line_start..i])));
            }
        }
        i += 3;
    }
    if let Some((_, start, true)) = open {
        spans.push(start..content.len());
    }
    spans
}

/// Whether a triple quote preceded on its line by `before` opens a docstring.
fn opens_docstring(before: &[u8]) -> bool {
    let t = before.trim_ascii();
    let t = t
        .strip_suffix(b"r")
        .or_else(|| t.strip_suffix(b"R"))
        .unwrap_or(t);
    let t = t.strip_suffix(b"u").unwrap_or(t).trim_ascii_end();
    if t.is_empty() {
        return true;
    }
    let Some(name) = t.strip_suffix(b"=") else {
        return false;
    };
    let name = name.trim_ascii();
    [
        &b"EXAMPLES"[..],
        b"DOCUMENTATION",
        b"RETURN",
        b"USAGE",
        b"__doc__",
    ]
    .contains(&name)
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
    fn query_parameters_end_a_value() {
        assert_eq!(
            up_to_next_parameter(b"hdhd0244k9j7ao03&oauth_x=1"),
            b"hdhd0244k9j7ao03"
        );
        assert_eq!(up_to_next_parameter(b"pa&ss=&w0rd"), b"pa");
        assert_eq!(up_to_next_parameter(b"R8x&2Kq9&&"), b"R8x&2Kq9&&");
    }

    #[test]
    fn docstrings_and_rust_test_modules() {
        let py = b"def f():\n    \"\"\"Use it:\n    >>> f(password='x')\n    \"\"\"\nT = \"\"\"pw=1\"\"\"\nEXAMPLES = r'''\nk: v\n'''\n";
        let spans = illustrative_spans(py, "m.py");
        assert_eq!(spans.len(), 2, "{spans:?}");
        let text = String::from_utf8_lossy(py);
        assert!(spans[0].contains(&text.find(">>>").unwrap()));
        assert!(!spans
            .iter()
            .any(|s| s.contains(&text.find("pw=1").unwrap())));
        assert!(spans[1].contains(&text.find("k: v").unwrap()));
        let rs = b"fn main() {}\n#[cfg(test)]\nmod tests { const K: &str = \"x\"; }\n";
        let spans = illustrative_spans(rs, "src/lib.rs");
        assert_eq!(spans, vec![13..rs.len()]);
        assert!(illustrative_spans(b"\"\"\"x\"\"\"", "a.js").is_empty());
    }

    #[test]
    fn badges() {
        assert!(is_badge_url(
            b"[![codecov](https://codecov.io/gh/a/b/branch/main/graph/badge.svg?token=Q8ZK3B1XHV)]"
        ));
        assert!(!is_badge_url(b"CODECOV_TOKEN: 0a16be33"));
    }
}
