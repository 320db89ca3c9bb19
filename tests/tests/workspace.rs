//! Invariants of the workspace itself, checked as tests (as rust-analyzer
//! does): crates depend only downward, and the architecture document names
//! every crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Which of our crates each crate may depend on (normal dependencies).
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        ("chunking", &[][..]),
        ("llm", &[][..]),
        ("quality", &["chunking"][..]),
        ("prompts", &["chunking", "llm"][..]),
        ("rephrase", &["chunking", "quality", "prompts", "llm"][..]),
        ("generation", &["chunking", "quality", "prompts", "llm"][..]),
        ("backend-openai", &["llm"][..]),
        // The demo model: every task answered in kind, for `--demo` and the
        // demo server; it reads chunks as the chunker cut them.
        ("demo", &["chunking", "llm", "prompts"][..]),
        ("fake-llm", &["demo", "llm", "prompts"][..]),
        // The engine runs the pipelines over any `LanguageModel`; the HTTP
        // backend is the CLI's choice, not the runner's.
        (
            "runner",
            &["chunking", "quality", "prompts", "llm", "rephrase", "generation"][..],
        ),
        (
            "cli",
            &[
                "chunking",
                "quality",
                "prompts",
                "llm",
                "rephrase",
                "generation",
                "backend-openai",
                "demo",
                "runner",
            ][..],
        ),
    ])
}

fn crate_dirs() -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(root().join("crates"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().join("Cargo.toml").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Names under `[dependencies]` (not dev- or build-dependencies).
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && let Some((key, _)) = line.split_once(['=', '.']) {
            let key = key.trim();
            if !key.is_empty() && !key.starts_with('#') {
                deps.push(key.to_owned());
            }
        }
    }
    deps
}

#[test]
fn crates_depend_only_downward() {
    let allowed = allowed();
    let dirs = crate_dirs();
    assert!(
        dirs.iter().any(|d| d == "chunking"),
        "no crates found under {:?}",
        root()
    );
    let mut violations = Vec::new();
    for dir in &dirs {
        let Some(ok) = allowed.get(dir.as_str()) else {
            violations.push(format!("crates/{dir} is not in the layering table of this test"));
            continue;
        };
        let manifest =
            std::fs::read_to_string(root().join("crates").join(dir).join("Cargo.toml")).unwrap_or_default();
        for dep in normal_dependencies(&manifest) {
            let Some(ours) = dep.strip_prefix("chunksynth-") else {
                continue;
            };
            if !ok.contains(&ours) {
                violations.push(format!("crates/{dir} depends on crates/{ours}; allowed: {ok:?}"));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn architecture_document_names_every_crate() {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap_or_default();
    for dir in crate_dirs() {
        assert!(
            doc.contains(&format!("crates/{dir}")),
            "docs/ARCHITECTURE.md does not describe crates/{dir}"
        );
    }
}

#[test]
fn dependency_parser_reads_only_normal_dependencies() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\nchunksynth-llm.workspace = true\nserde = \"1\"\n[dev-dependencies]\nchunksynth-cli = { path = \"..\" }\n";
    assert_eq!(normal_dependencies(manifest), ["chunksynth-llm", "serde"]);
}

/// The `.rs` files under a crate's `src/`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn all_crate_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = crate_dirs()
        .iter()
        .map(|d| root().join("crates").join(d))
        .collect();
    roots.push(root().join("xtask"));
    roots.push(root().join("tests"));
    roots
}

#[test]
fn every_declared_dependency_is_used_by_the_code() {
    // A manifest that declares more than the code uses overstates the
    // graph (and the cold build).
    let mut unused = Vec::new();
    for dir in all_crate_roots() {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        let code: String = sources(&dir.join("src"))
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        for dep in normal_dependencies(&manifest) {
            let name = dep.replace('-', "_");
            if !code.contains(&format!("{name}::")) && !code.contains(&format!("use {name}")) {
                unused.push(format!("{}: {dep}", dir.display()));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "declared under [dependencies] but never used in src/ (move to dev-dependencies or drop): {unused:#?}"
    );
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let mut missing = Vec::new();
    for dir in all_crate_roots() {
        for file in sources(&dir.join("src")) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            if !text.trim_start().starts_with("//!") {
                missing.push(file.display().to_string());
            }
        }
    }
    assert!(missing.is_empty(), "no `//!` module doc: {missing:#?}");
}

/// docs/ARCHITECTURE.md's list of which crate uses which, as the manifests
/// say it: the block between the `crate-graph` markers.
fn crate_graph() -> String {
    let mut lines = Vec::new();
    for dir in crate_dirs() {
        let manifest =
            std::fs::read_to_string(root().join("crates").join(&dir).join("Cargo.toml")).unwrap_or_default();
        let mut ours: Vec<String> = normal_dependencies(&manifest)
            .iter()
            .filter_map(|d| d.strip_prefix("chunksynth-").map(str::to_owned))
            .collect();
        ours.sort();
        let uses = if ours.is_empty() {
            "none of ours".to_owned()
        } else {
            ours.join(", ")
        };
        lines.push(format!("- {dir} → {uses}"));
    }
    lines.join("\n")
}

/// The crate graph in docs/ARCHITECTURE.md is the manifests' (a drawing
/// drifts: it once showed prompts → chunking, which no manifest had).
#[test]
fn architecture_crate_graph_is_the_manifests() {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap_or_default();
    let block = doc
        .split("<!-- crate-graph -->\n")
        .nth(1)
        .and_then(|rest| rest.split("\n<!-- /crate-graph -->").next())
        .unwrap_or("(no crate-graph block)");
    let wanted = crate_graph();
    assert_eq!(
        block, wanted,
        "docs/ARCHITECTURE.md's crate graph differs from the manifests; put this between the markers:\n{wanted}"
    );
}
