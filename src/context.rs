//! Where a finding sits, as data the matcher gets for every source: the kind of file, judged from
//! its path alone (work-tree path, index path, history path). A generic `password = …` in a
//! README, a test or an `.env.example` is documentation far more often than a leak; the same line
//! in a real `.env` or a deployment manifest is not. A leaf: it imports nothing from the crate.

/// What a file is for, as its path tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// Configuration and deployment files (`.env`, YAML, TOML, JSON, Dockerfiles, Terraform).
    Config,
    /// Program source (anything not otherwise classified).
    Source,
    /// Tests, fixtures and test data.
    Test,
    /// Documentation (Markdown, reStructuredText, AsciiDoc, plain text, `docs/`).
    Docs,
    /// Examples, samples and templates (`.env.example`, `examples/`, `*.sample`).
    Example,
}

impl PathKind {
    /// The lowercase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            PathKind::Config => "config",
            PathKind::Source => "source",
            PathKind::Test => "test",
            PathKind::Docs => "docs",
            PathKind::Example => "example",
        }
    }

    /// Whether content here is usually written for readers, not machines: documentation,
    /// examples and tests.
    pub fn is_illustrative(self) -> bool {
        matches!(self, PathKind::Docs | PathKind::Example | PathKind::Test)
    }
}

const EXAMPLE_MARKERS: &[&str] = &["example", "sample", "template", "dist", "tmpl", "skel"];
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "specs",
    "__tests__",
    "testdata",
    "test_data",
    "fixtures",
    "fixture",
    "testing",
    "__mocks__",
    "mocks",
    "t",
    "testsuite",
    "test-suite",
    "benches",
    "bench",
    "benchmarks",
    "vectors",
    "test-vectors",
    "test_vectors",
];
const DOC_DIRS: &[&str] = &[
    "docs",
    "doc",
    "documentation",
    "man",
    "wiki",
    "docs_src",
    "docs-src",
];
const EXAMPLE_DIRS: &[&str] = &["example", "examples", "samples", "sample", "demo", "demos"];
const DOC_EXTS: &[&str] = &[
    "md", "markdown", "rst", "adoc", "asciidoc", "txt", "textile", "org",
];
const CONFIG_EXTS: &[&str] = &[
    "env",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "config",
    "json",
    "properties",
    "tf",
    "tfvars",
    "hcl",
    "xml",
    "plist",
    "npmrc",
    "pypirc",
    "netrc",
    "pgpass",
    "htpasswd",
];

/// The kind of the file at `path` (`/`-separated, relative).
pub fn classify(path: &str) -> PathKind {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').filter(|p| !p.is_empty()).collect();
    let name = parts.pop().unwrap_or("");
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, e),
        _ => (name, ""),
    };
    // `.env.example`, `config.sample.yml`, `settings.py.dist`: any dotted part of the name.
    let name_parts: Vec<&str> = name.split('.').collect();
    if name_parts
        .iter()
        .skip(1)
        .any(|p| EXAMPLE_MARKERS.contains(p))
        || parts.iter().any(|d| EXAMPLE_DIRS.contains(d))
    {
        return PathKind::Example;
    }
    let test_name = stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || stem == "tests"
        || stem.contains("test_vectors")
        || stem.contains("test-vectors")
        || stem.contains("testvectors")
        || name_parts.iter().any(|p| *p == "test" || *p == "spec");
    let test_dir = |d: &&str| {
        TEST_DIRS.contains(d) || d.ends_with("-test-suite") || d.ends_with("_test_suite")
    };
    if test_name || parts.iter().any(test_dir) {
        return PathKind::Test;
    }
    if DOC_EXTS.contains(&ext)
        || parts.iter().any(|d| DOC_DIRS.contains(d))
        || [
            "readme",
            "changelog",
            "changes",
            "history",
            "news",
            "contributing",
            "security",
            "install",
            "pkg-info",
        ]
        .contains(&stem)
            && (ext.is_empty() || ext == "html")
    {
        return PathKind::Docs;
    }
    // Build metadata, not deployment configuration (`setup.cfg`'s test database URLs).
    if [
        "setup.cfg",
        "tox.ini",
        "pyproject.toml",
        "package.json",
        "cargo.toml",
    ]
    .contains(&name)
    {
        return PathKind::Source;
    }
    let dotenv = name == ".env" || name.starts_with(".env.") || ext == "env";
    let config_name = dotenv
        || name == "dockerfile"
        || name.starts_with("docker-compose")
        || name.starts_with("compose.")
        || name.ends_with("rc")
        || CONFIG_EXTS.contains(&ext);
    if config_name {
        PathKind::Config
    } else {
        PathKind::Source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified() {
        for (path, kind) in [
            (".env", PathKind::Config),
            ("deploy/prod.env", PathKind::Config),
            ("config/settings.yaml", PathKind::Config),
            ("docker-compose.yml", PathKind::Config),
            (".env.example", PathKind::Example),
            ("config/app.sample.yml", PathKind::Example),
            ("examples/client.py", PathKind::Example),
            ("README.md", PathKind::Docs),
            ("docs/setup/secrets.rst", PathKind::Docs),
            ("playbook.txt", PathKind::Docs),
            ("tests/test_api.py", PathKind::Test),
            ("src/auth_test.go", PathKind::Test),
            ("web/app.spec.ts", PathKind::Test),
            ("fixtures/app/.env", PathKind::Test),
            ("src/main.rs", PathKind::Source),
            ("t/unit/test_redis.py", PathKind::Test),
            ("src/token/tests.rs", PathKind::Test),
            (
                "src/modules/bip352_send_and_receive_test_vectors.json",
                PathKind::Test,
            ),
            ("aws-signing-test-suite/v4/context.json", PathKind::Test),
            ("benches/jwt.rs", PathKind::Test),
            ("docs_src/security/tutorial004.py", PathKind::Docs),
            ("PKG-INFO", PathKind::Docs),
            ("CHANGELOG.rst", PathKind::Docs),
            ("NEWS", PathKind::Docs),
            ("setup.cfg", PathKind::Source),
            ("src/source/history.rs", PathKind::Source),
            ("app/settings.py", PathKind::Source),
            ("-", PathKind::Source),
        ] {
            assert_eq!(classify(path), kind, "{path}");
        }
    }
}
