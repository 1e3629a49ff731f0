//! Offline structural validation: whether a matched token's own structure checks out, with no
//! network call. A token that passes is `high` confidence; one that fails is a test value or a
//! fragment (`low`), never silently dropped. Only formats with a structure to check are judged.

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

/// Checks `secret`, found by rule `rule`.
pub fn check(rule: &str, secret: &str) -> Structure {
    match rule {
        "jwt" => jwt(secret),
        _ => Structure::Unchecked,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
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
}
