#!/usr/bin/env python3
"""Writes fixtures/corpus/: sealant's labelled precision/recall corpus.

A tree of small files in many languages and config formats. Some lines hold true secrets
(synthetic, realistic-shaped provider tokens, private keys, passwords and database URLs with
random values); many more hold look-alikes that must not be reported at the default confidence
(placeholders, documentation credentials, public identifiers, password hashes, encrypted values,
integrity hashes, UUIDs, byte literals, references, template syntax, environment lookups).

fixtures/corpus/labels.json lists every true secret with its exact location (path, line, 1-based
column of the secret's first character, as sealant reports it), the rule and rule family expected
to report it and the minimum confidence it must have; and every look-alike with its kind. A
sensitive file (a committed .env, a key store) is labelled at 1:1 with its file rule; a value found
only once decoded, at its encoded form's first character (for string escapes, which are undone for
the whole line, the line's first non-blank one); a value reused across environments, once more at
its first place (rule secret-reused-across-environments, family reuse). Files are written as
bytes: most are UTF-8 with LF line ends, some CRLF, UTF-16LE with a BOM, or binary.

Every value is generated here from a fixed seed: nothing is live, and the output is identical on
every run (python3, standard library only). Run from anywhere:

    python3 scripts/gen-corpus.py            # rewrite fixtures/corpus/
    python3 scripts/gen-corpus.py --check    # exit 1 if fixtures/corpus/ is not up to date

This file is scanned by sealant's own-checkout test (scripts/ is not allowlisted), so strings that
would look like findings are split with SPLIT (removed when files are written).
"""

import base64
import hashlib
import json
import os
import random
import shutil
import string
import sys
import tempfile
import zlib

SEED = 20240917
R = random.Random(SEED)

# Removed from every line when it is written: keeps look-alike literals in this script from
# matching the rules they are meant to exercise.
SPLIT = "\u00a7"

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "corpus")

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = UPPER + LOWER + DIGITS
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"

# Substrings that sealant's placeholder detector (rightly) treats as signals; a random value that
# happens to contain one is drawn again, so every true secret is unambiguous.
_BAD = [
    "test", "here", "fake", "mock", "your", "xxx", "example", "sample", "dummy", "lorem",
    "redact", "insert", "replac", "change", "secret", "token", "passw", "apikey", "api_key",
    "demo", "admin", "root", "guest", "null", "true", "false", "none",
]


def _clean(v):
    low = v.lower()
    if any(b in low for b in _BAD):
        return False
    for i in range(len(v) - 2):
        if v[i] == v[i + 1] == v[i + 2]:
            return False
    for i in range(len(v) - 3):
        a, b, c, d = (ord(x) for x in v[i : i + 4])
        if b - a == c - b == d - c and abs(b - a) == 1:
            return False
    return True


def rand(n, alphabet=ALNUM):
    """n random characters of alphabet, free of placeholder-like runs and words."""
    while True:
        v = "".join(R.choice(alphabet) for _ in range(n))
        if _clean(v):
            return v


def rand_mixed(n, alphabet=ALNUM):
    """rand(), with at least one upper, one lower and one digit (a generated password)."""
    while True:
        v = rand(n, alphabet)
        if any(c in UPPER for c in v) and any(c in LOWER for c in v) and any(c in DIGITS for c in v):
            return v


def digits(n):
    return str(R.randint(1, 9)) + "".join(R.choice(DIGITS) for _ in range(n - 1))


def hexs(n):
    return "".join(R.choice(HEX) for _ in range(n))


def b64_bytes(n):
    return base64.b64encode(R.randbytes(n)).decode()


def b64url_nopad(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def uuid4():
    h = hexs(32)
    variant = R.choice("89ab")
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


# --- true secrets ------------------------------------------------------------------------------


BASE62 = DIGITS + UPPER + LOWER


def checksummed(prefix):
    """A GitHub / npm token: prefix + 30 random base62 characters + the CRC32 (zlib) of those 30,
    base62-encoded and left-padded with '0' to 6 characters (github.blog, 2021-04-05)."""
    while True:
        random_part = rand(36)[:30]
        n = zlib.crc32(random_part.encode())
        checksum = ""
        for _ in range(6):
            checksum = BASE62[n % 62] + checksum
            n //= 62
        token = random_part + checksum
        if _clean(token):
            return prefix + token


def github_classic():
    return checksummed("gh" + "p_")


def github_fine_grained():
    return "github" + "_pat_" + "11" + rand(20, UPPER + DIGITS) + "_" + rand(59)


def aws_key_id():
    return "AK" + "IA" + rand(16, UPPER + "234567")


def aws_secret():
    return rand_mixed(40, ALNUM + "+/")


def slack_bot():
    return "xo" + "xb-" + digits(11) + "-" + digits(13) + "-" + rand(24)


def slack_user():
    return "xo" + "xp-" + digits(11) + "-" + digits(12) + "-" + digits(13) + "-" + hexs(32)


def slack_webhook_path():
    """What slack-webhook-url reports: the T.../B.../... part after /services/."""
    return "T" + rand(8, UPPER + DIGITS) + "/B" + rand(10, UPPER + DIGITS) + "/" + rand(24)


def stripe_live():
    return "sk" + "_live_" + "51" + rand(97)


def stripe_restricted():
    return "rk" + "_live_" + "51" + rand(97)


def openai_project():
    return "sk" + "-proj-" + rand(74, URLSAFE) + "T3Blbk" + "FJ" + rand(74, URLSAFE)


def anthropic():
    return "sk" + "-ant-api03-" + rand(93, URLSAFE) + "AA"


def gitlab_pat():
    return "gl" + "pat-" + rand(20, URLSAFE)


def npm_token():
    return checksummed("np" + "m_")


def sendgrid():
    return "SG" + "." + rand(22, URLSAFE) + "." + rand(43, URLSAFE)


def _macaroon_field(kind, value):
    """A macaroon v2 binary field: type byte, LEB128 length, value."""
    n, length = len(value), b""
    while n >= 0x80:
        length += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return bytes([kind]) + length + bytes([n]) + value


def pypi_token():
    """A PyPI token: "pypi-" + base64url (no padding) of a v2 binary macaroon located at pypi.org,
    with one caveat and a 32-byte signature (the structure sealant checks)."""
    while True:
        seed = rand(150, URLSAFE)
        identifier = hashlib.sha256(("id" + seed).encode()).hexdigest().encode()
        macaroon = (
            b"\x02"
            + _macaroon_field(1, b"pypi.org")
            + _macaroon_field(2, identifier)
            + b"\x00"
            + _macaroon_field(2, b'{"version": 1, "permissions": "user"}')
            + b"\x00\x00"
            + _macaroon_field(6, hashlib.sha256(seed.encode()).digest())
        )
        body = b64url_nopad(macaroon)
        # the fixed framing has runs (`AAAGI`: two EOS bytes, the signature field), as every real
        # token does: only the placeholder words are ruled out
        if not any(b in body.lower() for b in _BAD):
            return "py" + "pi-" + body


def sentry_org_token():
    claims = json.dumps(
        {"iat": 1717000000.0, "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": "acme"},
        separators=(",", ":"),
    ).encode()
    return "sntr" + "ys_" + base64.b64encode(claims).decode().rstrip("=") + "_" + b64_bytes(32).rstrip("=")


def password(n=24):
    return rand_mixed(n, ALNUM + "!*+~-")


def url_password(n=24):
    return rand_mixed(n)


def jwt_service_role():
    header = b64url_nopad(b'{"alg":"HS256","typ":"JWT"}')
    payload = json.dumps(
        {
            "iss": "supabase",
            "ref": rand(20, LOWER),
            "role": "service_role",
            "iat": 1700000000,
            "exp": 2015576000,
        },
        separators=(",", ":"),
    ).encode()
    return header + "." + b64url_nopad(payload) + "." + b64url_nopad(R.randbytes(32))


def pem_body(der_prefix, n, width=64):
    """A DER key: der_prefix (a SEQUENCE header and the first fields) + n random bytes, with the
    SEQUENCE length rewritten to the real one (the structure sealant checks)."""
    head = 2 if der_prefix[1] < 0x80 else 2 + (der_prefix[1] & 0x7F)
    content = der_prefix[head:] + R.randbytes(n)
    size = len(content)
    if size < 0x80:
        length = bytes([size])
    elif size < 0x100:
        length = bytes([0x81, size])
    else:
        length = bytes([0x82, size >> 8, size & 0xFF])
    body = base64.b64encode(b"\x30" + length + content).decode()
    return [body[i : i + width] for i in range(0, len(body), width)]


def pem(kind, der_prefix, n):
    label = f"{kind}PRIVATE KEY"
    return ["-----BEGIN " + label + "-----"] + pem_body(der_prefix, n) + ["-----END " + label + "-----"]


def openssh_key():
    body = base64.b64encode(b"openssh-key-v1\x00" + R.randbytes(380)).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    label = "OPENSSH PRIVATE KEY"
    return ["-----BEGIN " + label + "-----"] + lines + ["-----END " + label + "-----"]


# --- look-alikes -------------------------------------------------------------------------------


def bcrypt():
    return "$2b$12$" + rand(53, ALNUM + "./")


def django_hash():
    return "pbkdf2_sha256$600000$" + rand(22) + "$" + b64_bytes(32)


def argon2():
    return "$argon2id$v=19$m=65536,t=3,p=4$" + b64_bytes(16).rstrip("=") + "$" + b64_bytes(32).rstrip("=")


def sha_crypt():
    return "$6$rounds=656000$" + rand(16, ALNUM + "./") + "$" + rand(86, ALNUM + "./")


def sops(n=24):
    return (
        "ENC[AES256_GCM,data:" + b64_bytes(n) + ",iv:" + b64_bytes(32) + ",tag:" + b64_bytes(16)
        + ",type:str]"
    )


def vault_block(indent=""):
    lines = [indent + "$ANSIBLE" + "_VAULT;1.1;AES256"]
    lines += [indent + hexs(80) for _ in range(5)]
    lines += [indent + hexs(42)]
    return lines


def sealed(n=300):
    return "AgB" + b64_bytes(n).rstrip("=")


def pgp_message():
    body = base64.b64encode(R.randbytes(300)).decode()
    lines = ["-----BEGIN PGP MESSAGE-----", ""]
    lines += [body[i : i + 64] for i in range(0, len(body), 64)]
    lines += ["=" + rand(4, B64), "-----END PGP MESSAGE-----"]
    return lines


def certificate():
    body = base64.b64encode(b"\x30\x82\x03\x1d\x30\x82\x02\x05" + R.randbytes(700)).decode()
    lines = ["-----BEGIN CERTIFICATE-----"]
    lines += [body[i : i + 64] for i in range(0, len(body), 64)]
    lines += ["-----END CERTIFICATE-----"]
    return lines


def sri(alg="sha512", n=64):
    return alg + "-" + b64_bytes(n)


def stripe_publishable(mode="live"):
    return "pk" + "_" + mode + "_" + "51" + rand(97)


def recaptcha_site_key():
    return "6L" + R.choice("cdef") + rand(37, URLSAFE)


def oauth_client_id():
    return digits(12) + "-" + rand(32, LOWER + DIGITS) + ".apps.googleusercontent.com"


def sentry_public_dsn():
    return "https://" + hexs(32) + "@o" + digits(6) + ".ingest.sentry.io/" + digits(7)


def ssh_public_key():
    return "ssh-ed25519 " + "AAAAC3NzaC1lZDI1NTE5AAAAI" + b64_bytes(24).rstrip("=") + " deploy@ci"


def byte_literal(n=16):
    return "".join("\\x%02x" % b for b in R.randbytes(n))


# --- true secrets: platform families (cloud, CI/CD, SaaS, observability, database platforms,
# infrastructure tools), written to each rule's regex in rules/<family>.toml ----------------------


def hex_token(n):
    """n lowercase hex characters, free of placeholder-like runs."""
    return rand(n, HEX)


def digitalocean_pat():
    return "do" + "p_v1_" + hex_token(64)


def heroku_api_key():
    return "HR" + "KU-AA" + rand(58, URLSAFE)


def cloudflare_api_token():
    return rand_mixed(40, URLSAFE)


def circleci_personal_token():
    return "CCI" + "PAT_" + rand(22) + "_" + rand(40)


def buildkite_token():
    return "bk" + "ua_" + rand(40, LOWER + DIGITS)


def bitbucket_app_password():
    return "AT" + "BB" + rand(32)


def linear_api_key():
    return "lin" + "_api_" + rand(40)


def notion_token():
    return "nt" + "n_" + digits(11) + rand(35)


def figma_pat():
    return "fi" + "gd_" + rand(40, URLSAFE)


def postman_api_key():
    return "PM" + "AK-" + hex_token(24) + "-" + hex_token(34)


def pagerduty_api_key():
    return rand_mixed(20, ALNUM + "_+")


def rollbar_token():
    return hex_token(32)


def launchdarkly_sdk_key():
    return "sd" + "k-" + uuid4()


def planetscale_password():
    return "pscale" + "_pw_" + rand(43, URLSAFE)


def atlas_service_account_secret():
    return "mdb" + "_sa_sk_" + rand(40, URLSAFE)


def confluent_api_secret():
    return rand_mixed(64, ALNUM + "+/")


def tailscale_auth_key():
    return "ts" + "key-auth-" + rand(17) + "-" + rand(33)


def sonarqube_token():
    return "sq" + "u_" + hex_token(40)


def databricks_token():
    return "da" + "pi" + hex_token(32)


def b64_key(n):
    """A base64 key of n random bytes (Fernet/AES-256: 32; HMAC-SHA512: 64)."""
    return base64.b64encode(R.randbytes(n)).decode()


def b64(text):
    return base64.b64encode(text.encode()).decode()


def minified_filler(n):
    """About n characters of minified JavaScript with short names (no long alphanumeric runs)."""
    words = ["click", "load", "div", "span", "px", "auto", "none", "block", "ready", "init"]
    parts = []
    size = 0
    while size < n:
        a, b, c = (R.choice(LOWER) + R.choice(LOWER + DIGITS) for _ in range(3))
        k = R.randint(0, 4)
        if k == 0:
            p = "function %s(%s,%s){return %s+%s*%d}" % (a, b, c, b, c, R.randint(2, 99))
        elif k == 1:
            p = 'var %s=document.querySelector("%s.%s");' % (a, R.choice(words), b)
        elif k == 2:
            p = "%s.addEventListener(\"%s\",function(){%s(%d)});" % (a, R.choice(words), b, R.randint(1, 999))
        elif k == 3:
            p = "if(!%s){%s=[%d,%d,%d]}" % (a, a, R.randint(0, 9), R.randint(10, 99), R.randint(100, 999))
        else:
            p = '%s.style.display="%s";' % (a, R.choice(words))
        parts.append(p)
        size += len(p)
    return ";".join(parts)


# --- the corpus builder ------------------------------------------------------------------------

FAMILY = {}  # rule id -> family (rules/<family>.toml), filled by rule()
CONF = {}  # rule id -> the confidence a true secret of that rule must have at least


def rule(family, conf, *ids):
    for i in ids:
        FAMILY[i] = family
        CONF[i] = conf


rule("github", "high", "github-classic-pat", "github-fine-grained-pat")
rule("aws", "high", "aws-access-key-id")
rule("aws", "medium", "aws-secret-access-key")
rule("slack", "high", "slack-bot-token", "slack-user-token")
rule("slack", "medium", "slack-webhook-url")
rule("payments", "high", "stripe-secret-key", "stripe-restricted-key")
rule("ai", "high", "openai-project-key", "anthropic-api-key")
rule("gitlab", "high", "gitlab-pat")
rule("packages", "high", "npm-access-token")
rule("packages", "medium", "pypi-upload-token")
rule("packages", "medium", "npmrc-auth-token")
rule("messaging", "high", "sendgrid-api-key")
rule("monitoring", "medium", "sentry-dsn")
rule("monitoring", "high", "sentry-org-auth-token")
rule("crypto", "medium", "private-key-rsa", "private-key-ec", "private-key-openssh", "private-key-pkcs8")
rule("crypto", "high", "jwt")
rule("gcp", "medium", "gcp-service-account-key", "gcp-service-account-key-id")
rule(
    "database", "medium",
    "postgres-connection-url", "mysql-connection-url", "mongodb-connection-url",
    "redis-connection-url", "amqp-connection-url", "connection-string-password", "jdbc-password",
    "url-basic-auth",
)
rule("generic", "medium", "generic-password", "generic-secret", "generic-api-key", "generic-token")
rule("generic", "medium", "postman-secret-value", "cli-password-flag")
rule(
    "files", "medium",
    "env-file", "private-key-file", "ssh-private-key-file", "keystore-file", "credentials-file",
    "htpasswd-file", "pgpass-file", "netrc-file", "terraform-state-file", "kubeconfig-file",
)
rule("carriers", "medium", "docker-registry-auth", "basic-auth-credentials", "npmrc-auth-credentials")
rule("database", "medium", "netrc-password", "pgpass-password", "database-connection-url")
rule("crypto", "medium", "base64-encryption-key")
rule("cloud", "high", "digitalocean-pat", "heroku-platform-api-key")
rule("cloud", "medium", "cloudflare-api-token")
rule("cicd", "high", "circleci-personal-token", "buildkite-api-token", "bitbucket-app-password")
rule("saas", "high", "linear-api-key", "notion-integration-token", "figma-pat", "postman-api-key")
rule("observability", "medium", "pagerduty-api-key", "rollbar-access-token", "launchdarkly-key")
rule("dbsaas", "high", "planetscale-password", "mongodb-atlas-service-account-secret")
rule("dbsaas", "medium", "confluent-cloud-api-secret")
rule("infra", "high", "tailscale-key", "sonarqube-token", "databricks-api-token")

# Not a rule of rules/*.toml: the finding sealant adds at the first place of a value seen in two
# environments' files (README, "Reuse across environments").
REUSE = "secret-reused-across-environments"
FAMILY[REUSE] = "reuse"
CONF[REUSE] = "medium"

SECRETS = []
LOOKALIKES = []
FILES = {}

MARK = "@@"


class File:
    def __init__(self, path, eol="\n", encoding="utf-8"):
        assert path not in FILES, path
        assert encoding in ("utf-8", "utf-16le-bom"), encoding
        self.path = path
        self.lines = []
        self.eol = eol
        self.encoding = encoding
        FILES[path] = self

    def render(self):
        text = self.eol.join(self.lines) + self.eol
        if self.encoding == "utf-16le-bom":
            return b"\xff\xfe" + text.encode("utf-16-le")
        return text.encode("utf-8")

    def file_secret(self, rule_id, conf=None):
        """The file itself is a finding (a file rule, rules/files.toml): at 1:1, no secret."""
        self._secret(1, 1, rule_id, conf)
        return self

    def reused(self, conf=None):
        """The secret labelled last is also in a file of another environment, and this is its first
        place (sorted by path, then line): one more finding there, at the same column."""
        last = SECRETS[-1]
        assert last["path"] == self.path, last
        self._secret(last["line"], last["column"], REUSE, conf)
        return self

    def _add(self, text):
        for line in text.split("\n"):
            self.lines.append(line.replace(SPLIT, ""))
        return len(self.lines)

    def n(self, text=""):
        """Neutral lines."""
        self._add(text)
        return self

    def t(self, template, value, rule_id, conf=None):
        """A true secret: `template` holds MARK once, where `value` goes."""
        template = template.replace(SPLIT, "")
        assert template.count(MARK) == 1, template
        col = template.index(MARK) + 1
        line = template.replace(MARK, value)
        assert "\n" not in line
        self.lines.append(line)
        self._secret(len(self.lines), col, rule_id, conf)
        return self

    def _secret(self, line, col, rule_id, conf):
        SECRETS.append(
            {
                "path": self.path,
                "line": line,
                "column": col,
                "rule": rule_id,
                "family": FAMILY[rule_id],
                "min_confidence": conf or CONF[rule_id],
            }
        )

    def tb(self, block, rule_id, indent="", conf=None):
        """A true PEM block: sealant reports it where its body starts (the line after BEGIN)."""
        first = len(self.lines) + 1
        for b in block:
            self.lines.append(indent + b)
        self._secret(first + 1, len(indent) + 1, rule_id, conf)
        return self

    def l(self, text, kind):
        """A look-alike (one or more lines): nothing here may be reported at medium."""
        first = len(self.lines) + 1
        last = self._add(text)
        LOOKALIKES.append({"path": self.path, "line": first, "end_line": last, "kind": kind})
        return self


class BinFile(File):
    """A binary file (a key store): written as the given bytes."""

    def __init__(self, path, data):
        super().__init__(path)
        self.data = data

    def render(self):
        return self.data

    def l_file(self, kind):
        """The whole file is a look-alike (a file no file rule may report at medium)."""
        LOOKALIKES.append({"path": self.path, "line": 1, "end_line": 1, "kind": kind})
        return self


# --- files -------------------------------------------------------------------------------------


def root_files():
    f = File(".env")
    f.file_secret("env-file")
    f.n("# Local overrides for the api service. Loaded by docker compose and by the app.")
    f.n("APP_ENV=production")
    f.n("APP_PORT=8080")
    f.t("DATABASE_URL=postgres://orders_app:@@@db.prod.internal:5432/orders", url_password(), "postgres-connection-url")
    f.t("STRIPE_SECRET_KEY=@@", stripe_live(), "stripe-secret-key")
    f.l("STRIPE_PUBLISHABLE_KEY=" + stripe_publishable(), "public-id")
    f.t("JWT_SECRET=@@", password(48), "generic-secret")
    f.l("SENTRY_DSN=" + sentry_public_dsn(), "public-id")
    f.l("RECAPTCHA_SITE_KEY=" + recaptcha_site_key(), "public-id")
    f.l("MAILER_API_KEY=${MAILER_API_KEY}", "placeholder")
    f.l("REQUEST_ID_NAMESPACE=" + uuid4(), "uuid")
    f.n("LOG_LEVEL=info")

    f = File(".env.production")
    f.file_secret("env-file")
    f.n("# Production values (should live in the secret manager; see docs/secrets.md)")
    f.t("AWS_ACCESS_KEY_ID=@@", aws_key_id(), "aws-access-key-id")
    f.t("AWS_SECRET_ACCESS_KEY=@@", aws_secret(), "aws-secret-access-key")
    f.n("AWS_REGION=eu-west-1")
    f.t("OPENAI_API_KEY=@@", openai_project(), "openai-project-key")
    f.t("REDIS_URL=rediss://:@@@cache.prod.internal:6380/0", url_password(32), "redis-connection-url")
    f.l("GOOGLE_CLIENT_ID=" + oauth_client_id(), "public-id")
    f.l("NEXT_PUBLIC_STRIPE_KEY=" + stripe_publishable(), "public-id")
    f.l("TENANT_ID=" + uuid4(), "uuid")
    f.n("FEATURE_FLAGS=checkout,search")

    f = File(".env.example")
    f.n("# Copy to .env and fill in. Never commit the real values.")
    f.l("DATABASE_URL=postgres://user:password@localhost:5432/app", "placeholder")
    f.l("STRIPE_SECRET_KEY=sk" + "_live_your-key-here", "placeholder")
    f.l("OPENAI_API_KEY=sk" + "-...your-key-here...", "placeholder")
    f.l("ANTHROPIC_API_KEY=sk" + "-ant-api03-...", "placeholder")
    f.l("DB_PASSWORD=CHANGEME_db_password", "placeholder")
    f.l("SECRET_KEY=generate-a-32-char-random-string", "placeholder")
    f.l("GITHUB_TOKEN=put-your-token-here", "placeholder")
    f.l("AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE", "placeholder")
    f.l("SLACK_BOT_TOKEN=xo" + "xb-xxx", "placeholder")
    f.l("GH_TOKEN=gh" + "p_" + "x" * 36, "placeholder")

    f = File(".env.staging")
    f.file_secret("env-file")
    f.n("#/---------------------------------------------------/")
    f.n("#/            public-key encryption for .env files   /")
    f.n("#/---------------------------------------------------/")
    f.l('DOTENV_PUBLIC_KEY_STAGING="02' + hexs(64) + '"', "public-id")
    f.n("")
    f.l('DB_PASS§WORD="encrypted:' + b64_bytes(96) + '"', "encrypted")
    f.l('STRIPE_SEC§RET_KEY="encrypted:' + b64_bytes(120) + '"', "encrypted")
    f.l('SESSION_SEC§RET="encrypted:' + b64_bytes(80) + '"', "encrypted")

    f = File(".npmrc")
    f.n("registry=https://registry.npmjs.org/")
    f.t("//registry.npmjs.org/:_authToken=@@", npm_token(), "npm-access-token")
    f.n("save-exact=true")

    f = File("docker-compose.yml")
    f.n("services:")
    f.n("  db:")
    f.l("    image: postgres@sha256:" + hexs(64), "integrity")
    f.n("    environment:")
    f.t("      POSTGRES_PASSWORD: @@", password(28), "generic-password")
    f.n("      POSTGRES_USER: orders")
    f.n("  cache:")
    f.n("    image: redis:7-alpine")
    f.l('    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]', "placeholder")
    f.n("  storage:")
    f.n("    image: minio/minio:RELEASE.2024-06-13T22-53-53Z")
    f.n("    environment:")
    f.t('      - "MINIO_ROOT_PASSWORD=@@"', password(32), "generic-password")
    f.n("      - MINIO_ROOT_USER=orders")
    f.n("  api:")
    f.n("    build: .")
    f.n("    environment:")
    f.l("      DATABASE_URL: postgres://postgres:postgres@db:5432/orders", "doc-credential")
    f.l("      API_TOKEN: ${API_TOKEN:?set API_TOKEN}", "placeholder")
    f.l("      SMTP_PASSWORD: ${SMTP_PASSWORD}", "placeholder")
    f.n("    depends_on: [db, cache, storage]")

    f = File("Dockerfile")
    f.n("FROM node:20-bookworm-slim AS build")
    f.n("ARG NPM_TOKEN")
    f.l("ENV API_KEY=${API_KEY}", "placeholder")
    f.n("WORKDIR /app")
    f.n("COPY package.json package-lock.json ./")
    f.l("RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci", "env-lookup")
    f.l('RUN echo "' + hexs(64) + '  tini.tar.gz" | sha256sum -c -', "integrity")
    f.t("ENV SENTRY_AUTH_TOKEN=@@", sentry_org_token(), "sentry-org-auth-token")
    f.n("COPY . .")
    f.n('CMD ["node", "dist/server.js"]')

    f = File("Makefile")
    f.n("deploy:")
    f.l("\tdocker login -u $(REGISTRY_USER) -p $(REGISTRY_PASSWORD) registry.acme.io", "env-lookup")
    f.l("\tcurl -fsS -H \"Authorization: Bearer $$DEPLOY_TOKEN\" https://deploy.acme.io/hooks/api", "env-lookup")

    f = File("README.md")
    f.n("# orders")
    f.n("")
    f.l(
        "[![codecov](https://codecov.io/gh/acme/orders/branch/main/graph/badge.svg?token="
        + rand(10, UPPER + DIGITS) + ")](https://codecov.io/gh/acme/orders)",
        "public-id",
    )
    f.n("")
    f.n("Run it locally:")
    f.n("")
    f.n("```sh")
    f.l("export DATABASE_URL=postgres://user:pass@localhost:5432/orders", "doc-credential")
    f.l("export STRIPE_SECRET_KEY=sk" + "_test_...", "placeholder")
    f.n("docker compose up")
    f.n("```")
    f.n("")
    f.l("Log in with `admin` / `admin` on http://localhost:8080 (password: admin).", "doc-credential")

    f = File("requirements.txt")
    f.l("django==5.0.6 --hash=sha256:" + hexs(64), "integrity")
    f.l("psycopg[binary]==3.1.19 --hash=sha256:" + hexs(64), "integrity")


def deploy_files():
    f = File("deploy/k8s/secret.yaml")
    f.n("apiVersion: v1")
    f.n("kind: Secret")
    f.n("metadata:")
    f.n("  name: orders-db")
    f.n("type: Opaque")
    f.n("stringData:")
    f.n("  username: orders_app")
    f.t("  password: @@", password(30), "generic-password")
    f.t('  api-token: "@@"', gitlab_pat(), "gitlab-pat")

    f = File("deploy/k8s/sealedsecret.yaml")
    f.n("apiVersion: bitnami.com/v1alpha1")
    f.n("kind: SealedSecret")
    f.n("metadata:")
    f.n("  name: orders-db")
    f.n("spec:")
    f.n("  encryptedData:")
    f.l("    password: " + sealed(), "encrypted")
    f.l("    api-token: " + sealed(), "encrypted")

    f = File("deploy/k8s/deployment.yaml")
    f.n("apiVersion: apps/v1")
    f.n("kind: Deployment")
    f.n("metadata:")
    f.n("  name: orders-api")
    f.n("spec:")
    f.n("  template:")
    f.n("    spec:")
    f.n("      containers:")
    f.l("        - image: ghcr.io/acme/orders@sha256:" + hexs(64), "integrity")
    f.n("          env:")
    f.n("            - name: DB_PASSWORD")
    f.n("              valueFrom:")
    f.l("                secretKeyRef: {name: orders-db, key: password}", "reference")
    f.n("            - name: REQUEST_ID_SEED")
    f.l('              value: "' + uuid4() + '"', "uuid")

    f = File("deploy/k8s/configmap.yaml")
    f.n("apiVersion: v1")
    f.n("kind: ConfigMap")
    f.n("data:")
    f.l('  PASSWORD_MIN_LENGTH: "12"', "reference")
    f.l("  TOKEN_TTL: 3600s", "reference")
    f.l("  password_policy: strong", "reference")
    f.l("  CORRELATION_ID: " + uuid4(), "uuid")

    f = File("deploy/helm/values.yaml")
    f.n("postgresql:")
    f.n("  auth:")
    f.l('    password: ""', "placeholder")
    f.l("    existingSecret: orders-db", "reference")
    f.l("    secretKeys: {adminPasswordKey: postgres-password}", "reference")
    f.n("stripe:")
    f.l("  publishableKey: " + stripe_publishable("test"), "public-id")

    f = File("deploy/helm/templates/secret.yaml")
    f.n("apiVersion: v1")
    f.n("kind: Secret")
    f.n("data:")
    f.l("  password: {{ .Values.postgresql.auth.password | b64enc | quote }}", "template")
    f.l("  api-token: {{ required \"apiToken is required\" .Values.apiToken | b64enc }}", "template")
    f.l("  stripe-secret: {{ .Values.stripe.secretKey }}", "template")

    f = File("deploy/.pypirc")
    f.n("[distutils]")
    f.n("index-servers = pypi")
    f.n("[pypi]")
    f.n("username = __token__")
    f.t("password = @@", pypi_token(), "pypi-upload-token")

    f = File("deploy/alertmanager.yml")
    f.n("global:")
    f.t("  slack_api_url: https://hooks.slack" + ".com/services/@@", slack_webhook_path(), "slack-webhook-url")
    f.n("route:")
    f.n("  receiver: oncall")

    f = File(".github/workflows/deploy.yml")
    f.n("name: deploy")
    f.n("on: {push: {branches: [main]}}")
    f.n("jobs:")
    f.n("  deploy:")
    f.n("    runs-on: ubuntu-latest")
    f.n("    env:")
    f.l("      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", "placeholder")
    f.l("      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}", "placeholder")
    f.t("      SLACK_BOT_TOKEN: @@", slack_bot(), "slack-bot-token")
    f.n("    steps:")
    f.n("      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11")
    f.l("      - run: echo \"$DEPLOY_PASSWORD\" | docker login -u ci --password-stdin", "env-lookup")

    f = File("ci/.gitlab-ci.yml")
    f.n("variables:")
    f.l("  DOCKER_PASSWORD: $CI_REGISTRY_PASSWORD", "env-lookup")
    f.l("  PIP_INDEX_URL: https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.acme.io/api/v4/pypi/simple", "placeholder")
    f.n("build:")
    f.n("  script:")
    f.t("    - curl --header \"PRIVATE-TOKEN: @@\" https://gitlab.acme.io/api/v4/projects", gitlab_pat(), "gitlab-pat")


def infra_files():
    f = File("infra/main.tf")
    f.n('provider "aws" {')
    f.n('  region     = "eu-west-1"')
    f.t('  access_key = "@@"', aws_key_id(), "aws-access-key-id")
    f.t('  secret_key = "@@"', aws_secret(), "generic-secret", conf="medium")
    f.n("}")
    f.n("")
    f.n('resource "aws_db_instance" "orders" {')
    f.n('  engine   = "postgres"')
    f.n('  username = "orders"')
    f.t('  password = "@@"', password(26), "generic-password")
    f.n("}")
    f.n("")
    f.n('resource "aws_db_instance" "replica" {')
    f.l("  password = var.db_password", "reference")
    f.l("  master_password = random_password.replica.result", "reference")
    f.n("}")
    f.n("")
    f.n('data "aws_secretsmanager_secret_version" "stripe" {')
    f.l("  secret_id = aws_secretsmanager_secret.stripe.id", "reference")
    f.n("}")

    f = File("infra/variables.tf")
    f.n('variable "db_password" {')
    f.n("  type      = string")
    f.n("  sensitive = true")
    f.l('  default   = ""', "placeholder")
    f.n("}")
    f.n('variable "datadog_api_key" {')
    f.l('  description = "Datadog API key (pass with TF_VAR_datadog_api_key)"', "reference")
    f.n("}")

    f = File("infra/terraform.tfvars")
    f.n('environment  = "production"')
    f.t('db_password  = "@@"', password(24), "generic-password")
    f.t('github_token = "@@"', github_classic(), "github-classic-pat")
    f.l('datadog_api_key = "REPLACE_ME"', "placeholder")
    f.l('pagerduty_token = "<token>"', "placeholder")

    f = File("infra/.terraform.lock.hcl")
    f.n('provider "registry.terraform.io/hashicorp/aws" {')
    f.n('  version = "5.54.1"')
    f.n("  hashes = [")
    f.l('    "h1:' + b64_bytes(32) + '",', "integrity")
    f.l('    "zh:' + hexs(64) + '",', "integrity")
    f.n("  ]")
    f.n("}")


def config_files():
    f = File("config/settings.json")
    f.n("{")
    f.n('  "service": "orders",')
    f.t('  "sendgrid_api_key": "@@",', sendgrid(), "sendgrid-api-key")
    f.t('  "api_key": "@@",', rand_mixed(32), "generic-api-key")
    f.l('  "password_hash": "' + bcrypt() + '",', "hash")
    f.l('  "oauth_client_id": "' + oauth_client_id() + '",', "public-id")
    f.l('  "request_id": "' + uuid4() + '",', "uuid")
    f.l('  "integrity": "' + sri() + '"', "integrity")
    f.n("}")

    f = File("config/app.toml")
    f.n("[server]")
    f.n('bind = "0.0.0.0:8080"')
    f.n("[auth]")
    f.t('secret_key = "@@"', password(40), "generic-secret")
    f.l('password = "${DB_PASSWORD}"', "placeholder")
    f.l('token = "{{ env \\"DEPLOY_TOKEN\\" }}"', "template")
    f.l('session_key_id = "' + uuid4() + '"', "uuid")

    f = File("config/database.ini")
    f.n("[primary]")
    f.n("host = db.prod.internal")
    f.n("user = orders")
    f.t("password = @@", password(22), "generic-password")
    f.n("[replica]")
    f.l("password = %(REPLICA_PASSWORD)s", "placeholder")
    f.l("password = <password>", "placeholder")

    f = File("config/sentry.yml")
    f.l("dsn: " + sentry_public_dsn(), "public-id")
    f.n("traces_sample_rate: 0.1")

    f = File("config/sentry-relay.yml")
    f.t("upstream_dsn: https://" + hexs(32) + ":@@@sentry.acme.io/7", hexs(32), "sentry-dsn")

    f = File("config/mongo.yaml")
    f.t("uri: mongodb+srv://orders:@@@cluster0.ab1cd.mongodb.net/orders?retryWrites=true", url_password(), "mongodb-connection-url")
    f.l("replica_uri: mongodb://${MONGO_USER}:${MONGO_PASSWORD}@mongo-1:27017/orders", "placeholder")

    f = File("config/rabbitmq.conf")
    f.t("broker_url = amqps://orders:@@@mq.prod.internal:5671/orders", url_password(), "amqp-connection-url")
    f.l("fallback_url = amqp://guest:guest@localhost:5672/", "doc-credential")

    f = File("config/secrets.enc.yaml")
    f.l("db_password: " + sops(), "encrypted")
    f.l("stripe_secret_key: " + sops(40), "encrypted")
    f.l("api_token: " + sops(32), "encrypted")
    f.n("sops:")
    f.n("    kms:")
    f.n("        - arn: arn:aws:kms:eu-west-1:111122223333:key/" + uuid4())
    f.l("    mac: " + sops(32), "encrypted")
    f.n("    version: 3.8.1")

    f = File("config/cdn.json")
    f.n("{")
    f.n('  "script": "https://cdn.acme.io/app.js",')
    f.l('  "integrity": "' + sri("sha384", 48) + '",', "integrity")
    f.l('  "recaptcha_site_key": "' + recaptcha_site_key() + '"', "public-id")
    f.n("}")

    f = File("config/ids.yaml")
    f.l("subscription_id: " + uuid4(), "uuid")
    f.l("tenant_id: " + uuid4(), "uuid")
    f.l("trace_id: " + uuid4(), "uuid")
    f.l("client_id: " + uuid4(), "public-id")

    f = File("config/service-account.json")
    key = pem_body(b"\x30\x82\x04\xbd\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 1180)
    f.n("{")
    f.n('  "type": "service_account",')
    f.n('  "project_id": "orders-prod-4821",')
    f.t('  "private_key_id": "@@",', hexs(40), "gcp-service-account-key-id")
    prefix = '  "private_key": "-----BEGIN ' + 'PRIVATE KEY-----\\n'
    f.lines.append(prefix + "\\n".join(key) + "\\n-----END " + 'PRIVATE KEY-----\\n",')
    f._secret(len(f.lines), len(prefix) + 1, "gcp-service-account-key", None)
    f.n('  "client_email": "deployer@orders-prod-4821.iam.gserviceaccount.com",')
    f.n('  "client_id": "' + digits(21) + '"')
    f.n("}")

    f = File("config/tls/server.key")
    f.file_secret("private-key-file")
    f.tb(pem("RSA ", b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00", 1180), "private-key-rsa")

    f = File("config/tls/server.crt")
    f.l("\n".join(certificate()), "public-key")

    f = File("config/jwt/signing.pem")
    f.file_secret("private-key-file")
    f.tb(pem("EC ", b"\x30\x77\x02\x01\x01\x04\x20", 112), "private-key-ec")

    f = File("config/jwt/service.pem")
    f.file_secret("private-key-file")
    f.tb(pem("", b"\x30\x82\x04\xbd\x02\x01\x00\x30\x0d\x06\x09", 1180), "private-key-pkcs8")

    f = File("deploy/keys/deploy_key")
    f.tb(openssh_key(), "private-key-openssh")

    f = File("deploy/keys/deploy_key.pub")
    f.l(ssh_public_key(), "public-key")

    f = File("deploy/keys/release.asc")
    f.n("Release notes encrypted for the ops team:")
    f.l("\n".join(pgp_message()), "encrypted")

    f = File("deploy/cloud-init.yaml")
    f.n("#cloud-config")
    f.n("users:")
    f.n("  - name: ops")
    f.l("    passwd: " + sha_crypt(), "hash")
    f.l("    hashed_passwd: " + sha_crypt(), "hash")
    f.n("    ssh_authorized_keys:")
    f.l("      - " + ssh_public_key(), "public-key")

    f = File("config/users.yaml")
    f.n("users:")
    f.n("  - name: alice")
    f.l('    password: "' + bcrypt() + '"', "hash")
    f.n("  - name: bob")
    f.l("    password: " + django_hash(), "hash")
    f.n("  - name: carol")
    f.l('    password: "********"', "placeholder")

    f = File("config/kafka.properties")
    f.n("bootstrap.servers=kafka-1.prod.internal:9093")
    f.l('sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="orders" password="${KAFKA_PASSWORD}";', "placeholder")
    f.l("ssl.truststore.password=${file:/etc/kafka/secrets.properties:truststore.password}", "placeholder")

    f = File("config/pip.conf")
    f.n("[global]")
    f.t("index-url = https://deploy:@@@nexus.prod.internal/repository/pypi/simple", url_password(), "url-basic-auth")

    f = File("config/bot.yaml")
    f.n("bot:")
    f.n("  name: orders-bot")
    f.t("  auth_token: @@", password(40), "generic-token")
    f.l("  api_key: !ENV ${BOT_API_KEY}", "placeholder")
    f.l("  vault_token: \"{{ lookup('community.hashi_vault.hashi_vault', 'sec§ret=kv/data/bot:token') }}\"", "template")

    f = File("bindings/winapi.yaml")
    f.n("structs:")
    f.n("  CREDENTIAL_BLOB:")
    f.n("    size: ULONG")
    f.l("    password: PULONG64", "type-name")
    f.l("    secret: LPCWSTR", "type-name")
    f.l("    token: HANDLE", "type-name")


def app_files():
    f = File("app/settings.py")
    f.n('"""Django settings for orders."""')
    f.n("import os")
    f.n("")
    f.t('SECRET_KEY = "@@"', password(50), "generic-secret")
    f.l('EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]', "env-lookup")
    f.l('STRIPE_API_KEY = os.getenv("STRIPE_API_KEY")', "env-lookup")
    f.n("DATABASES = {")
    f.n('    "default": {')
    f.n('        "ENGINE": "django.db.backends.postgresql",')
    f.l('        "PASSWORD": os.environ.get("DB_PASSWORD", ""),', "env-lookup")
    f.n("    }")
    f.n("}")
    f.l('PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]', "reference")

    f = File("app/auth.py")
    f.n("from django.conf import settings")
    f.n("")
    f.t('ANTHROPIC_API_KEY = "@@"', anthropic(), "anthropic-api-key")
    f.n("")
    f.n("")
    f.n("def connect(request):")
    f.l("    password = settings.DB_PASSWORD", "reference")
    f.l('    token = request.headers.get("X-Auth-Token")', "reference")
    f.l("    api_key = config.api_key", "reference")
    f.l("    secret = self.secret", "reference")
    f.l('    legacy_hash = "' + django_hash() + '"', "hash")
    f.n("    return token")

    f = File("app/payments.py")
    f.n("import getpass")
    f.n("")
    f.t('PAYMENTS_API_KEY = "@@"', rand_mixed(32), "generic-api-key")
    f.l("password = getpass.getpass()", "reference")
    f.l('password = keyring.get_password("orders", "db")', "reference")
    f.l('request_id = "' + uuid4() + '"', "uuid")
    f.l('CHECKSUM = "' + hexs(64) + '"', "integrity")

    f = File("app/protocol.py")
    f.n("# Wire format constants.")
    f.l('HANDSHAKE_SECRET = b"' + byte_literal() + '"', "bytes")
    f.l('PASSWORD_HASH = "' + argon2() + '"', "hash")

    f = File("app/models.py")
    f.n("import secrets")
    f.n("import uuid")
    f.n("")
    f.n("from django.db import models")
    f.n("")
    f.n("class ApiClient(models.Model):")
    f.l("    password = models.CharField(max_length=128)", "reference")
    f.l("    api_key = models.UUIDField(default=uuid.uuid4)", "reference")
    f.l("    token = secrets.token_urlsafe(32)", "reference")

    f = File("app/templates/account.html")
    f.l('<input type="password" name="password" value="{{ form.password.value|default:"" }}">', "template")
    f.l('<div class="g-recaptcha" data-sitekey="' + recaptcha_site_key() + '"></div>', "public-id")
    f.l(
        '<script src="https://cdn.acme.io/widget.js" integrity="' + sri("sha384", 48)
        + '" crossorigin="anonymous"></script>',
        "integrity",
    )

    f = File("ansible/group_vars/all/vault.yml")
    f.l("\n".join(vault_block()), "encrypted")

    f = File("ansible/group_vars/all/vars.yml")
    f.l('db_password: "{{ vault_db_password }}"', "template")
    f.l("admin_password: \"{{ lookup('env', 'ADMIN_PASSWORD') }}\"", "template")
    f.n("app_secret_key: !vault |")
    f.l("\n".join(vault_block("  ")), "encrypted")

    f = File("ansible/templates/app.conf.j2")
    f.n("[database]")
    f.l("password = {{ db_password | default('changeme') }}", "template")
    f.l("secret_key = {{ app_secret_key | mandatory }}", "template")

    f = File("notebooks/analysis.ipynb")
    f.n("{")
    f.n(' "cells": [')
    f.n("  {")
    f.n('   "cell_type": "code",')
    f.n('   "metadata": {},')
    f.n('   "source": [')
    f.n('    "import openai\\n",')
    f.t('    "client = openai.OpenAI(api_key=\\"@@\\")\\n"', openai_project(), "openai-project-key")
    f.n("   ]")
    f.n("  }")
    f.n(" ],")
    f.n(' "nbformat": 4')
    f.n("}")


def web_files():
    f = File("web/src/config.ts")
    f.n("export const config = {")
    f.l("  apiKey: process.env.API_KEY,", "env-lookup")
    f.l("  token: process.env.TOKEN ?? '',", "env-lookup")
    f.l("  stripePublishableKey: '" + stripe_publishable("test") + "',", "public-id")
    f.l("  googleClientId: '" + oauth_client_id() + "',", "public-id")
    f.n("};")
    f.t("export const GITLAB_TOKEN = '@@';", gitlab_pat(), "gitlab-pat")

    f = File("web/src/api.js")
    f.n("export async function call(path, token) {")
    f.l("  const headers = { Authorization: `Bearer ${token}` };", "placeholder")
    f.l('  const password = document.getElementById("password").value;', "reference")
    f.n("  return fetch(path, { headers });")
    f.n("}")
    f.t('const SLACK_TOKEN = "@@";', slack_user(), "slack-user-token")

    f = File("web/src/crypto.ts")
    f.l("export const passwordHash = '" + argon2() + "';", "hash")
    f.l("export const secretPrefix = 'sk" + "_live_';", "reference")

    f = File("web/.env.local")
    f.file_secret("env-file")
    f.t("SUPABASE_SERVICE_ROLE_KEY=@@", jwt_service_role(), "jwt")
    f.l("VITE_STRIPE_PUBLISHABLE_KEY=" + stripe_publishable(), "public-id")
    f.l("VITE_SENTRY_DSN=" + sentry_public_dsn(), "public-id")

    f = File("web/.npmrc")
    f.l("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "placeholder")

    f = File("web/package-lock.json")
    f.n("{")
    f.n('  "name": "orders-web",')
    f.n('  "lockfileVersion": 3,')
    f.n('  "packages": {')
    f.n('    "node_modules/react": {')
    f.n('      "version": "18.3.1",')
    f.n('      "resolved": "https://registry.npmjs.org/react/-/react-18.3.1.tgz",')
    f.l('      "integrity": "' + sri() + '"', "integrity")
    f.n("    },")
    f.n('    "node_modules/zod": {')
    f.n('      "version": "3.23.8",')
    f.l('      "integrity": "' + sri() + '"', "integrity")
    f.n("    }")
    f.n("  }")
    f.n("}")

    f = File("web/src/__tests__/login.spec.ts")
    f.n("it('logs in', async () => {")
    f.l("  await login({ username: 'admin', pass§word: 'admin123' });", "doc-credential")
    f.l("  const token = 'dummy-token-for-tests';", "placeholder")
    f.n("});")


def backend_files():
    f = File("go/cmd/server/main.go")
    f.n("package main")
    f.n("")
    f.n('import "os"')
    f.n("")
    f.t('const githubToken = "@@"', github_fine_grained(), "github-fine-grained-pat")
    f.n("")
    f.n("func main() {")
    f.l('\tpassword := os.Getenv("DB_PASSWORD")', "env-lookup")
    f.l('\ttoken := r.Header.Get("X-Token")', "reference")
    f.l("\tcfg := Config{Password: settings.Database.Password}", "reference")
    f.n("\t_ = password")
    f.n("}")

    f = File("go/go.sum")
    f.l("github.com/lib/pq v1.10.9 h1:" + b64_bytes(32), "integrity")
    f.l("github.com/lib/pq v1.10.9/go.mod h1:" + b64_bytes(32), "integrity")

    f = File("go/internal/auth/auth_test.go")
    f.n("package auth")
    f.n("")
    f.l('const testPassword = "hunter2"', "doc-credential")
    f.l('var dsn = "post§gres://scott:tiger@localhost/test?sslmode=disable"', "doc-credential")

    f = File("java/src/main/java/com/acme/orders/Db.java")
    f.n("package com.acme.orders;")
    f.n("")
    f.n("public final class Db {")
    f.t('    private static final String DB_PASSWORD = "@@";', password(20), "generic-password")
    f.l('    private static final String PASSWORD = System.getenv("ORDERS_DB_PASSWORD");', "env-lookup")
    f.l('    @Value("${orders.db.password}") private String password;', "placeholder")
    f.n("}")

    f = File("java/src/main/resources/application.properties")
    f.t("spring.datasource.url=jdbc:postgresql://db.prod.internal:5432/orders?user=orders&password=@@", url_password(), "jdbc-password")
    f.l("spring.datasource.password=${DB_PASSWORD}", "placeholder")
    f.t("spring.mail.password=@@", password(18), "generic-password")

    f = File("java/src/test/java/com/acme/orders/DbTest.java")
    f.l('    String url = "jdbc:mysql://localhost:3306/test?user=root&password=root";', "doc-credential")
    f.l('    String pass§word = "scott/tiger";', "doc-credential")

    f = File("ruby/config/initializers/stripe.rb")
    f.t('Stripe.api_key = "@@"', stripe_restricted(), "stripe-restricted-key")
    f.l('Stripe.webhook_secret = ENV.fetch("STRIPE_WEBHOOK_SECRET")', "env-lookup")

    f = File("ruby/config/database.yml")
    f.n("production:")
    f.n("  adapter: postgresql")
    f.l("  password: <%= ENV['DATABASE_PASSWORD'] %>", "template")
    f.l("  secret_key_base: <%= Rails.application.credentials.secret_key_base %>", "template")
    f.t("  url: mysql2://orders:@@@mysql.prod.internal/orders", url_password(), "mysql-connection-url")

    f = File("ruby/spec/models/user_spec.rb")
    f.l('  let(:user) { User.new(email: "a@b.c", password: "password123") }', "doc-credential")

    f = File("ruby/Gemfile.lock")
    f.n("CHECKSUMS")
    f.l("  rack (3.0.11) sha256=" + hexs(64), "integrity")
    f.l("  rails (7.1.3) sha256=" + hexs(64), "integrity")

    f = File("php/config.php")
    f.n("<?php")
    f.n("return [")
    f.t("    'password' => '@@',", password(24), "generic-password")
    f.l("    'api_key' => getenv('MAILER_API_KEY'),", "env-lookup")
    f.l("    'secret' => $_ENV['APP_SECRET'],", "env-lookup")
    f.l("    'db_password' => env('DB_PASSWORD', ''),", "env-lookup")
    f.n("];")

    f = File("php/wp-config.php")
    f.l("define('AUTH_KEY', 'put your unique phrase here');", "placeholder")
    f.l("define('DB_PASSWORD', 'password_here');", "placeholder")

    f = File("php/composer.lock")
    f.n('{"packages": [{"name": "monolog/monolog",')
    f.l(' "dist": {"reference": "' + hexs(40) + '", "shasum": "' + hexs(40) + '"}}]}', "integrity")

    f = File("csharp/Program.cs")
    f.n("var builder = WebApplication.CreateBuilder(args);")
    f.t('var conn = "Server=sql.prod.internal;Database=orders;User Id=orders;Password=@@;";', url_password(), "connection-string-password")
    f.l('var apiKey = builder.Configuration["ApiKey"];', "reference")
    f.l('var dbPassword = Environment.GetEnvironmentVariable("DB_PASSWORD");', "env-lookup")
    f.l('options.Password = builder.Configuration["Db:Password"];', "reference")

    f = File("csharp/appsettings.json")
    f.n("{")
    f.n('  "ConnectionStrings": {')
    f.l('    "Default": "Server=localhost;Database=orders;User Id=sa;Password=<password>;"', "placeholder")
    f.n("  },")
    f.l('  "Jwt": { "Secret": "" }', "placeholder")
    f.n("}")

    f = File("scripts/deploy.sh")
    f.n("#!/usr/bin/env bash")
    f.n("set -euo pipefail")
    f.t("export AWS_SECRET_ACCESS_KEY=@@", aws_secret(), "aws-secret-access-key")
    f.t('curl -fsS -H "Authorization: token @@" https://api.github.com/repos/acme/orders/deployments', github_classic(), "github-classic-pat")
    f.l('export GITHUB_TOKEN="$GITHUB_TOKEN"', "env-lookup")
    f.l('read -r -s -p "Password: " password', "reference")
    f.l('mysql -u root -p"$MYSQL_PASSWORD" orders < schema.sql', "env-lookup")
    f.l("DB_PASSWORD=$(vault kv get -field=password secret/orders/db)", "env-lookup")

    f = File("scripts/backup.sh")
    f.n("#!/bin/sh")
    f.t("PGPASSWORD=@@ pg_dump -h db.prod.internal -U orders orders > dump.sql", password(22), "generic-password")
    f.l("sha256sum dump.sql > dump.sql.sha256  # " + hexs(64), "integrity")


def docs_files():
    f = File("docs/setup.md")
    f.n("# Setup")
    f.n("")
    f.n("Connection strings follow the usual URL form:")
    f.n("")
    f.l("    postgres://user[:password]@host[:port]/dbname", "placeholder")
    f.l("    mysql://USER:<password>@HOST/DB", "placeholder")
    f.l("    redis://:password@localhost:6379/0", "placeholder")
    f.n("")
    f.n("The bundled demo database uses the classic schema:")
    f.n("")
    f.l("    post§gres://scott:tiger@localhost:5432/demo", "doc-credential")
    f.l("    curl -u admin:admin http://localhost:8080/api/health", "doc-credential")
    f.l("    ftp://user:pass@files.local/incoming", "doc-credential")
    f.n("")
    f.n("Set your keys:")
    f.n("")
    f.l("    export OPENAI_API_KEY=sk" + "-...", "placeholder")
    f.l("    export GITHUB_TOKEN=gh" + "p_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder")
    f.l("    export AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE", "placeholder")
    f.l("    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", "placeholder")

    f = File("docs/api.md")
    f.n("# API")
    f.n("")
    f.l("Send `Authorization: Bearer <token>` with every request.", "placeholder")
    f.l("Anthropic keys look like `sk" + "-ant-api03-...`; OpenAI project keys like `sk" + "-proj-...`.", "placeholder")
    f.n("")
    f.n("```yaml")
    f.l("password: {{ password | default('x') }}", "template")
    f.l("api_key: <your-api-key>", "placeholder")
    f.l("token: xxx", "placeholder")
    f.n("```")

    f = File("docs/secrets.md")
    f.n("# Secrets")
    f.n("")
    f.n("Encrypted files are decrypted at deploy time:")
    f.n("")
    f.n("```")
    f.l("\n".join(vault_block()), "encrypted")
    f.n("```")
    f.n("")
    f.l("A SOPS value looks like `password: " + sops(16) + "`.", "encrypted")
    f.n("")
    f.n("```")
    f.l("\n".join(pgp_message()), "encrypted")
    f.n("```")

    f = File("docs/ops/rotation.rst")
    f.n("Rotating the root password")
    f.n("==========================")
    f.n("")
    f.n("The new hash goes into ``/etc/shadow``::")
    f.n("")
    f.l("    root:" + sha_crypt() + ":19700:0:99999:7:::", "hash")
    f.n("")
    f.l("Then set ``password = <new password>`` in the vault.", "placeholder")

    f = File("docs/troubleshooting.md")
    f.n("# Troubleshooting")
    f.n("")
    f.n("If the bot cannot post, check the token it logs at start-up:")
    f.n("")
    f.n("```")
    f.t("2024-05-02T10:11:12Z INFO slack: connecting with token @@", slack_bot(), "slack-bot-token")
    f.n("```")
    f.l("(Use `SLACK_BOT_TOKEN=xo" + "xb-your-token` in your own `.env`.)", "placeholder")

    f = File("CHANGELOG.md")
    f.n("## 1.4.0")
    f.l("- Stripe: the checkout page now takes `" + stripe_publishable("test") + "` from config.", "public-id")
    f.l("- Default admin login is `admin/admin`; change it on first start.", "doc-credential")


def tests_examples_files():
    f = File("tests/test_auth.py")
    f.n("def test_login(client):")
    f.l('    client.login(username="scott", password="tiger")', "doc-credential")
    f.l('    assert client.post("/login", {"password": "admin"}).ok', "doc-credential")
    f.l('    API_KEY = "test-key-123"', "placeholder")
    f.l('    token = "abc123"', "doc-credential")

    f = File("tests/conftest.py")
    f.l('    monkeypatch.setenv("DB_PASSWORD", "hunter2")', "doc-credential")
    f.l('    monkeypatch.setenv("API_KEY", os.environ["API_KEY"])', "env-lookup")

    f = File("tests/fixtures/users.json")
    f.n("[")
    f.l('  {"username": "alice", "password": "' + bcrypt() + '"},', "hash")
    f.l('  {"username": "bob", "password": "' + django_hash() + '"}', "hash")
    f.n("]")

    f = File("tests/data/shadow")
    f.l("alice:" + sha_crypt() + ":19700:0:99999:7:::", "hash")

    f = File("tests/test_crypto.py")
    f.l('EXPECTED_SECRET = b"' + byte_literal(24) + '"', "bytes")
    f.l('KNOWN_ANSWER_KEY = "' + uuid4() + '"', "uuid")

    f = File("examples/client.py")
    f.n("from orders import Client")
    f.n("")
    f.l('client = Client(api_key="your-api-key-here")', "placeholder")
    f.l('client = Client(token="<YOUR_TOKEN>")', "placeholder")
    f.l('client = Client(url="postgres://admin:admin@localhost/orders")', "doc-credential")

    f = File("examples/.env.sample")
    f.l("DB_PASSWORD=changeme", "placeholder")
    f.l("SECRET_KEY=replace-with-50-random-characters", "placeholder")
    f.l("STRIPE_SECRET_KEY=sk" + "_live_********", "placeholder")

    f = File("examples/quickstart.js")
    f.l("const stripe = require('stripe')('sk" + "_test_...');", "placeholder")
    f.l("const password = 'password';", "doc-credential")
    f.l("const db = 'mongodb://user:pass@localhost:27017/shop';", "doc-credential")

    f = File("examples/docker-compose.yml")
    f.n("services:")
    f.n("  db:")
    f.n("    environment:")
    f.l("      POSTGRES_PASSWORD: example", "placeholder")
    f.l("      MYSQL_ROOT_PASSWORD: secret", "doc-credential")


def sensitive_files():
    """Files that are findings by themselves (rules/files.toml), and look-alike names."""
    f = File("infra/terraform.tfstate")
    f.file_secret("terraform-state-file")
    f.n("{")
    f.n('  "version": 4,')
    f.n('  "terraform_version": "1.8.5",')
    f.n('  "serial": 42,')
    f.n('  "lineage": "' + uuid4() + '",')
    f.n('  "resources": [')
    f.n("    {")
    f.n('      "mode": "managed",')
    f.n('      "type": "aws_db_instance",')
    f.n('      "name": "orders",')
    f.n('      "instances": [')
    f.n("        {")
    f.n('          "attributes": {')
    f.n('            "engine": "postgres",')
    f.n('            "username": "orders",')
    f.t('            "password": "@@",', password(26), "generic-password")
    f.n('            "port": 5432')
    f.n("          },")
    f.n('          "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]')
    f.n("        }")
    f.n("      ]")
    f.n("    }")
    f.n("  ]")
    f.n("}")

    f = File("ops/.netrc")
    f.file_secret("netrc-file")
    f.t("machine nexus.prod.internal login deploy password @@", password(22), "netrc-password")
    f.n("machine api.heroku.com")
    f.n("  login ops@acme.io")
    f.t("  password @@", password(24), "netrc-password")

    f = File("ops/.netrc.example")
    f.l("machine nexus.prod.internal login deploy password <password>", "placeholder")

    f = File("ops/.pgpass")
    f.file_secret("pgpass-file")
    f.l("# hostname:port:database:username:password", "reference")
    f.t("db.prod.internal:5432:orders:orders_app:@@", password(20), "pgpass-password")

    f = BinFile("android/app/release.keystore", b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + R.randbytes(2040))
    f.file_secret("keystore-file")

    f = BinFile("android/app/debug.keystore", b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + R.randbytes(1270))
    f.l_file("public-key")

    f = File("android/app/build.gradle")
    f.n("android {")
    f.n("    signingConfigs {")
    f.n("        release {")
    f.n("            storeFile file('release.keystore')")
    f.l("            storePassword System.getenv('KEYSTORE_PASSWORD')", "env-lookup")
    f.l("            keyPassword System.getenv('KEY_PASSWORD')", "env-lookup")
    f.n("        }")
    f.n("    }")
    f.n("}")

    f = File("docs/kubeconfig.md")
    f.n("# Cluster access")
    f.n("")
    f.n("Ask ops for a kubeconfig; it looks like this (never commit yours):")
    f.n("")
    f.n("```yaml")
    f.n("users:")
    f.n("  - name: deployer")
    f.n("    user:")
    f.l("      client-certificate-data: <base64 PEM certificate>", "placeholder")
    f.l("      client-key-data: <base64 PEM key>", "placeholder")
    f.l("      token: <token>", "placeholder")
    f.n("```")

    f = File("config/credentials.example.json")
    f.n("{")
    f.l('  "client_secret": "<client secret>",', "placeholder")
    f.l('  "refresh_token": ""', "placeholder")
    f.n("}")


def decoded_files():
    """Secrets that show only once decoded (base64, percent-encoding, string escapes), reported
    at the encoded value's first character."""
    f = File("deploy/k8s/app-secret.yaml")
    f.n("apiVersion: v1")
    f.n("kind: Secret")
    f.n("metadata:")
    f.n("  name: orders-app")
    f.n("type: Opaque")
    f.n("data:")
    url = "postgres://orders_app:" + url_password() + "@db.prod.internal:5432/orders"
    f.t("  DATABASE_URL: @@", b64(url), "postgres-connection-url")
    f.t("  password: @@", b64(password(12)), "generic-password")
    f.t("  STRIPE_SECRET_KEY: @@", b64(stripe_live()), "stripe-secret-key")
    f.l("  admin-password: " + b64("change" + "me"), "placeholder")
    f.l("  region: " + b64("eu-west-1"), "reference")
    f.l("  session-nonce: " + b64_key(32), "bytes")

    f = File("deploy/docker/config.json")
    f.n("{")
    f.n('  "auths": {')
    f.n('    "registry.acme.io": {')
    f.t('      "auth": "@@"', b64("deploy:" + url_password(20)), "docker-registry-auth")
    f.n("    },")
    f.l('    "ghcr.io": { "auth": "" },', "placeholder")
    f.l('    "docker.io": { "auth": "' + b64("user:change" + "me") + '" }', "placeholder")
    f.n("  },")
    f.n('  "credsStore": "desktop"')
    f.n("}")

    f = File("scripts/healthcheck.sh")
    f.n("#!/bin/sh")
    f.t('curl -fsS -H "Authorization: Basic @@" https://orders.prod.internal/health', b64("monitor:" + url_password(20)), "basic-auth-credentials")
    f.l('curl -fsS -H "Authorization: Basic $HEALTH_CREDENTIALS" https://orders.prod.internal/health', "env-lookup")

    f = File("ci/.npmrc")
    f.n("registry=https://nexus.prod.internal/repository/npm/")
    f.t("//nexus.prod.internal/repository/npm/:_auth=@@", b64("ci-publisher:" + url_password(20)), "npmrc-auth-credentials")
    f.n("always-auth=true")

    f = File("deploy/kubeconfig")
    f.file_secret("kubeconfig-file")
    f.n("apiVersion: v1")
    f.n("kind: Config")
    f.n("clusters:")
    f.n("  - name: prod")
    f.n("    cluster:")
    f.n("      server: https://k8s.prod.internal:6443")
    f.l("      certificate-authority-data: " + b64("\n".join(certificate()) + "\n"), "public-key")
    f.n("users:")
    f.n("  - name: deployer")
    f.n("    user:")
    f.l("      client-certificate-data: " + b64("\n".join(certificate()) + "\n"), "public-key")
    key = pem("RSA ", b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00", 1180)
    f.t("      client-key-data: @@", b64("\n".join(key) + "\n"), "private-key-rsa")
    f.n("contexts:")
    f.n("  - name: prod")
    f.n("    context: {cluster: prod, user: deployer}")
    f.n("current-context: prod")

    f = File("config/sso.yaml")
    f.n("sso:")
    f.n("  provider: keycloak")
    inner = "https://deploy:" + url_password() + "@nexus.prod.internal/repository/raw"
    enc = inner.replace(":", "%3A").replace("/", "%2F").replace("@", "%40")
    f.t("  artifact_mirror: @@", enc, "url-basic-auth")
    f.l("  login_redirect: https%3A%2F%2Fsso.acme.io%2Fauth%2Frealms%2Forders", "reference")

    f = File("config/feature-flags.json")
    f.n("{")
    f.n('  "flags": ["checkout", "search"],')
    body = json.dumps({"db": {"user": "orders", "password": password(24)}})
    # An escaped string is unescaped from its opening quote on: the finding sits at its start.
    f.t('  "backend_config": "@@' + body.replace('"', '\\"') + '"', "", "generic-password")
    f.l('  "frontend_config": "' + json.dumps({"theme": "dark", "locale": "en"}).replace('"', '\\"') + '"', "reference")
    f.n("}")

    f = File("ci/bootstrap.yml")
    f.n("bootstrap:")
    f.n("  image: alpine:3.20")
    f.t("  env_blob: @@", b64(b64("SLACK_BOT_TOKEN=" + slack_bot() + "\n")), "slack-bot-token")
    f.l("  readme_blob: " + b64(b64("This image bootstraps the deploy runner and exits.\n")), "reference")


def reuse_files():
    """The same value in two environments' files: one more finding at its first place."""
    shared = password(26)
    f = File("deploy/helm/values-prod.yaml")
    f.n("postgresql:")
    f.n("  auth:")
    f.n("    username: orders")
    f.t('    password: "@@"', shared, "generic-password").reused()

    f = File("deploy/helm/values-staging.yaml")
    f.n("postgresql:")
    f.n("  auth:")
    f.n("    username: orders")
    f.t('    password: "@@"', shared, "generic-password")
    f.n("  primary:")
    f.n("    persistence: {size: 8Gi}")


def platform_files():
    """Tokens of the platform families (rules/cloud, cicd, saas, observability, dbsaas, infra,
    database, crypto, generic) in config, CI pipelines, scripts, a Postman collection and logs."""
    f = File("infra/cloud/providers.auto.tfvars")
    f.t('digitalocean_token = "@@"', digitalocean_pat(), "digitalocean-pat")
    f.t('cloudflare_api_token = "@@"', cloudflare_api_token(), "cloudflare-api-token")
    f.l("hetzner_token = var.hcloud_token", "reference")
    f.l('cloudflare_zone_id = "' + hex_token(32) + '"', "public-id")

    f = File("scripts/heroku-release.sh")
    f.n("#!/usr/bin/env bash")
    f.n("set -euo pipefail")
    f.t("export HEROKU_API_KEY=@@", heroku_api_key(), "heroku-platform-api-key")
    f.t("mysqldump --user=backup --password=@@ orders > orders.sql", url_password(20), "cli-password-flag")
    f.l('mysqldump --user=backup --password="$MYSQL_BACKUP_PASSWORD" orders > orders.sql', "env-lookup")
    f.n("heroku releases:output --app orders-api")

    f = File(".circleci/config.yml")
    f.n("version: 2.1")
    f.n("jobs:")
    f.n("  release:")
    f.n("    docker: [{image: cimg/node:20.14}]")
    f.n("    environment:")
    f.t("      CIRCLE_TOKEN: @@", circleci_personal_token(), "circleci-personal-token")
    f.t("      SONAR_TOKEN: @@", sonarqube_token(), "sonarqube-token")
    f.l("      NPM_TOKEN: ${NPM_TOKEN}", "placeholder")
    f.n("    steps: [checkout]")

    f = File(".buildkite/pipeline.yml")
    f.n("steps:")
    f.n("  - label: deploy")
    f.n("    command: scripts/deploy.sh")
    f.n("    env:")
    f.t("      BUILDKITE_API_TOKEN: @@", buildkite_token(), "buildkite-api-token")
    f.t("      TS_AUTHKEY: @@", tailscale_auth_key(), "tailscale-key")
    f.l("      BUILDKITE_AGENT_TOKEN: \"$$AGENT_TOKEN\"", "env-lookup")

    f = File("bitbucket-pipelines.yml")
    f.n("pipelines:")
    f.n("  default:")
    f.n("    - step:")
    f.n("        script:")
    f.t("          - git clone https://ci-bot:@@@bitbucket.org/acme/orders.git", bitbucket_app_password(), "bitbucket-app-password")
    f.t("          - databricks jobs run-now --job-id 42 --token @@", databricks_token(), "databricks-api-token")
    f.l("          - curl -u ci-bot:$BITBUCKET_APP_PASSWORD https://api.bitbucket.org/2.0/repositories/acme", "env-lookup")

    f = File("config/integrations.yaml")
    f.n("linear:")
    f.t("  api_key: @@", linear_api_key(), "linear-api-key")
    f.n("notion:")
    f.t("  token: @@", notion_token(), "notion-integration-token")
    f.n("pagerduty:")
    f.t("  pagerduty_api_key: @@", pagerduty_api_key(), "pagerduty-api-key")
    f.l("  pagerduty_service_id: P" + rand(6, UPPER + DIGITS), "public-id")
    f.n("rollbar:")
    f.t("  rollbar_access_token: @@", rollbar_token(), "rollbar-access-token")
    f.t("launchdarkly: {sdk_key: @@}", launchdarkly_sdk_key(), "launchdarkly-key")
    f.l("launchdarkly_client_side_id: " + hex_token(24), "public-id")

    f = File("postman/orders.postman_collection.json")
    f.n("{")
    f.n('  "info": {"name": "orders", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},')
    f.n('  "auth": {')
    f.n('    "type": "bearer",')
    f.t('    "bearer": [{"key": "token", "value": "@@", "type": "string"}]', password(32), "postman-secret-value")
    f.n("  },")
    f.n('  "variable": [')
    f.l('    {"key": "baseUrl", "value": "https://api.prod.internal/v1"},', "reference")
    f.l('    {"key": "access_token", "value": "{{access_token}}"},', "template")
    f.t('    {"key": "client_secret", "value": "@@"},', password(28), "postman-secret-value")
    f.t('    {"key": "postman_api_key", "value": "@@"}', postman_api_key(), "postman-api-key")
    f.n("  ]")
    f.n("}")

    f = File("logs/deploy-2024-06-02.log")
    f.n("2024-06-02T08:14:03Z INFO deploy: starting release 1.4.0")
    f.t("2024-06-02T08:14:04Z DEBUG figma: GET /v1/files with X-Figma-Token @@", figma_pat(), "figma-pat")
    f.t("2024-06-02T08:14:05Z DEBUG db: connecting with PLANETSCALE_PASSWORD=@@", planetscale_password(), "planetscale-password")
    f.l("2024-06-02T08:14:06Z INFO deploy: request " + uuid4() + " done in 412ms", "uuid")

    f = File("config/data-platform.env.yaml")
    f.t("atlas_client_secret: @@", atlas_service_account_secret(), "mongodb-atlas-service-account-secret")
    f.t("confluent_api_secret: @@", confluent_api_secret(), "confluent-cloud-api-secret")
    f.t("clickhouse_url: clickhouse://ingest:@@@ch-0.prod.internal:9000/events", url_password(), "database-connection-url")
    f.l("confluent_cluster_id: lkc-" + rand(6, LOWER + DIGITS), "public-id")

    f = File("config/crypto.yaml")
    f.t("encryption_key: @@", b64_key(32), "base64-encryption-key")
    f.t('signing_key: "@@"', b64_key(64), "base64-encryption-key")
    f.l("public_key: " + b64_key(32), "public-key")
    f.l("encryption_key_id: " + uuid4(), "uuid")


def encoding_files():
    """Line endings, encodings and layouts other than one short UTF-8 line per value."""
    f = File("windows/provision.ps1", eol="\r\n")
    f.n("$ErrorActionPreference = 'Stop'")
    f.t('$env:DIGITALOCEAN_ACCESS_TOKEN = "@@"', digitalocean_pat(), "digitalocean-pat")
    f.l("$pass§word = Read-Host -AsSecureString 'Password'", "reference")
    f.n("doctl compute droplet list")

    f = File("csharp/appsettings.Production.json", encoding="utf-16le-bom")
    f.n("{")
    f.n('  "ConnectionStrings": {')
    f.t('    "Default": "Server=sql.prod.internal;Database=orders;User Id=orders;Password=@@;"', url_password(), "connection-string-password")
    f.n("  },")
    f.l('  "Logging": { "LogLevel": { "Default": "Warning" } }', "reference")
    f.n("}")

    f = File("web/public/assets/app.min.js")
    f.t(
        "!function(){" + minified_filler(6000) + ';var Ct={figmaToken:"@@"};' + minified_filler(1500) + "}();",
        figma_pat(), "figma-pat",
    )
    f.n("//# sourceMappingURL=app.min.js.map")


def build():
    root_files()
    deploy_files()
    infra_files()
    config_files()
    app_files()
    web_files()
    backend_files()
    docs_files()
    tests_examples_files()
    # The sections below draw from their own sequence, so a change to what the ones above draw
    # leaves their values (and checked locations) as they are.
    R.seed(SEED + 1)
    sensitive_files()
    decoded_files()
    reuse_files()
    platform_files()
    encoding_files()
    for s in SECRETS:
        assert s["min_confidence"] in ("low", "medium", "high"), s
    labels = {
        "about": (
            "Generated by scripts/gen-corpus.py (seed %d); do not edit. secrets: every true "
            "secret, at the line and 1-based column sealant reports, with the rule and family "
            "(rules/<family>.toml) expected to find it and the lowest confidence it may have. "
            "lookalikes: lines that hold no secret and must not be reported at the default "
            "confidence (medium)." % SEED
        ),
        "secrets": sorted(SECRETS, key=lambda s: (s["path"], s["line"], s["column"])),
        "lookalikes": sorted(LOOKALIKES, key=lambda s: (s["path"], s["line"])),
    }
    out = {p: f.render() for p, f in FILES.items()}
    out["labels.json"] = (json.dumps(labels, indent=1) + "\n").encode("utf-8")
    return out


def write(dest, files):
    for rel, data in sorted(files.items()):
        p = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as fh:
            fh.write(data)


def tree(d):
    got = {}
    for base, _, names in os.walk(d):
        for n in names:
            p = os.path.join(base, n)
            with open(p, "rb") as fh:
                got[os.path.relpath(p, d).replace(os.sep, "/")] = fh.read()
    return got


def main():
    files = build()
    root = os.path.normpath(ROOT)
    if sys.argv[1:] == ["--check"]:
        if tree(root) != files:
            print(f"{root} is out of date: run scripts/gen-corpus.py", file=sys.stderr)
            return 1
        return 0
    if sys.argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix=".corpus-", dir=os.path.dirname(root))
    write(tmp, files)
    if os.path.exists(root):
        shutil.rmtree(root)
    os.rename(tmp, root)
    n_secrets = len(SECRETS)
    print(f"{root}: {len(files) - 1} files, {n_secrets} secrets, {len(LOOKALIKES)} look-alikes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
