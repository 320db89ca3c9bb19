//! What ties an output file to the configuration that made it, and who may
//! write it.
//!
//! - **The fingerprint** names everything that changes what the model is
//!   asked (model, templates, styles, chunking, window layout, sampling,
//!   tokenizer, fidelity). It is kept in `<output>.state.json`; a run on an
//!   output made under another fingerprint is refused (naming what changed)
//!   unless it is told to `--restart`, which sets the old files aside.
//! - **The lock**: `<output>.lock` and the journal are held exclusively for
//!   the run, so a second run on the same output fails at once instead of
//!   doing all the work twice.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::identity::hex;
use crate::output::with_suffix;

/// The parts of a run's configuration that change what the model is asked,
/// each rendered as text (so a refusal can say what changed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFingerprint {
    pub parts: BTreeMap<String, String>,
}

impl RunFingerprint {
    pub fn with(mut self, name: &str, value: impl std::fmt::Debug) -> Self {
        self.parts.insert(name.to_owned(), format!("{value:?}"));
        self
    }

    /// A part written as it is (a structure's `{:?}` text, in tests).
    #[cfg(test)]
    fn with_debug(mut self, name: &str, debug: &str) -> Self {
        self.parts.insert(name.to_owned(), debug.to_owned());
        self
    }

    /// A short digest of all the parts.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(&self.parts).unwrap_or_default();
        hex(&Sha256::digest(&json)[..8])
    }

    /// Whether a run fingerprinted `before` asks what this one asks: the
    /// same parts, except fields a structure gained since, at their unset
    /// value (`None`, `false`, `[]`) — a setting added in an upgrade that
    /// an older run could not have set.
    pub fn same_run_as(&self, before: &Self) -> bool {
        let unset = |v: &str| matches!(v, "None" | "false" | "[]" | "{}");
        let names: std::collections::BTreeSet<&String> =
            self.parts.keys().chain(before.parts.keys()).collect();
        names
            .into_iter()
            .all(|n| match (before.parts.get(n), self.parts.get(n)) {
                (Some(old), Some(new)) if old == new => true,
                (Some(old), Some(new)) => match (fields_of(old), fields_of(new)) {
                    (Some(a), Some(b)) => {
                        a.iter().all(|(k, v)| b.get(k) == Some(v))
                            && b.iter().all(|(k, v)| a.contains_key(k) || unset(v))
                            && old.split(" { ").next() == new.split(" { ").next()
                    }
                    _ => false,
                },
                _ => false,
            })
    }

    /// What differs from `before`, one line per setting, in words
    /// ("styles: textbook,narrative → textbook"): a part that is a
    /// structure is compared field by field.
    pub fn changes_from(&self, before: &Self) -> Vec<String> {
        let mut names: Vec<&String> = self.parts.keys().chain(before.parts.keys()).collect();
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for n in names {
            let (old, new) = (before.parts.get(n), self.parts.get(n));
            if old == new {
                continue;
            }
            if let (Some(a), Some(b)) = (old.and_then(|v| fields_of(v)), new.and_then(|v| fields_of(v))) {
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                let before_len = out.len();
                for k in keys {
                    if a.get(k) != b.get(k) {
                        let show =
                            |v: Option<&String>| v.map_or("(unset)".to_owned(), |v| shorten(&in_words(v)));
                        out.push(format!("{k}: {} → {}", show(a.get(k)), show(b.get(k))));
                    }
                }
                if out.len() > before_len {
                    continue;
                }
            }
            let show = |v: Option<&String>| v.map_or("(unset)".to_owned(), |v| shorten(&in_words(v)));
            out.push(format!("{n}: {} → {}", show(old), show(new)));
        }
        out
    }
}

/// The fields of a structure as `{:?}` writes it (`Rephrase { styles:
/// ["a"], seed: 0 }`), or `None` for anything else.
fn fields_of(debug: &str) -> Option<BTreeMap<String, String>> {
    let open = debug.find(" { ")?;
    let body = debug[open + 3..].strip_suffix(" }")?;
    let mut out = BTreeMap::new();
    for item in top_level(body) {
        let (k, v) = item.split_once(": ")?;
        out.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    Some(out)
}

/// `text` split at the commas outside brackets and quotes.
fn top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let mut out = Vec::new();
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        match c {
            '"' if previous != '\\' => quoted = !quoted,
            '[' | '{' | '(' if !quoted => depth += 1,
            ']' | '}' | ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        previous = c;
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// A `{:?}` value as a person writes it: `["a", "b"]` → `a,b`, `"x"` → `x`,
/// `Some(3)` → `3`, `None` → `(unset)`.
fn in_words(value: &str) -> String {
    let v = value.trim();
    if let Some(list) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return top_level(list)
            .iter()
            .map(|i| in_words(i))
            .collect::<Vec<_>>()
            .join(",");
    }
    if let Some(inner) = v.strip_prefix("Some(").and_then(|r| r.strip_suffix(')')) {
        return in_words(inner);
    }
    if v == "None" {
        return "(unset)".to_owned();
    }
    if let Some(s) = v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return s.to_owned();
    }
    v.to_owned()
}

fn shorten(v: &str) -> String {
    const MAX: usize = 120;
    if v.len() <= MAX {
        return v.to_owned();
    }
    let cut = (0..=MAX).rev().find(|&i| v.is_char_boundary(i)).unwrap_or(0);
    format!(
        "{}… (sha256 {})",
        &v[..cut],
        &hex(&Sha256::digest(v.as_bytes()))[..12]
    )
}

#[derive(Debug, Serialize, Deserialize)]
struct StateFile {
    version: u32,
    fingerprint: String,
    parts: BTreeMap<String, String>,
}

const STATE_VERSION: u32 = 1;

/// Why the output cannot be used as it is.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{output} was made with another configuration ({changes}); write to a new --output, or pass --restart to set the old output aside and start over", changes = changes.join("; "))]
    Changed { output: String, changes: Vec<String> },
    #[error(
        "{path} is held by another chunksynth run (same output or journal); wait for it to finish, or give this run another --output"
    )]
    Locked { path: String },
    #[error("cannot use {path}: {error}")]
    Io { path: String, error: std::io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
    move |error| StateError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// `<output>.state.json`.
pub(crate) fn state_path(output: &Path) -> PathBuf {
    with_suffix(output, ".state.json")
}

/// Checks the output's fingerprint and records the current one. With
/// `restart`, existing output and rejects are renamed aside first
/// (`<name>.replaced-<unix seconds>`); nothing is deleted.
/// `records` are the files holding the output's records (the output, and
/// its JSONL working file when the output is in another format).
pub(crate) fn check_fingerprint(
    output: &Path,
    records: &[&Path],
    rejects: &Path,
    current: &RunFingerprint,
    restart: bool,
) -> Result<Vec<PathBuf>, StateError> {
    let state = state_path(output);
    let before: Option<StateFile> = std::fs::read(&state)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let has_output = records
        .iter()
        .any(|r| std::fs::metadata(r).is_ok_and(|m| m.len() > 0));
    let mut set_aside = Vec::new();
    if restart {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for path in records.iter().copied().chain([rejects]) {
            if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
                let aside = with_suffix(path, &format!(".replaced-{stamp}"));
                std::fs::rename(path, &aside).map_err(io_error(path))?;
                set_aside.push(aside);
            }
        }
    } else if let Some(before) = before.filter(|_| has_output)
        && before.fingerprint != current.digest()
        && !current.same_run_as(&RunFingerprint {
            parts: before.parts.clone(),
        })
    {
        let before = RunFingerprint { parts: before.parts };
        return Err(StateError::Changed {
            output: output.display().to_string(),
            changes: current.changes_from(&before),
        });
    }
    let file = StateFile {
        version: STATE_VERSION,
        fingerprint: current.digest(),
        parts: current.parts.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| io_error(&state)(std::io::Error::other(e)))?;
    let tmp = with_suffix(&state, ".tmp");
    std::fs::write(&tmp, json).map_err(io_error(&tmp))?;
    std::fs::rename(&tmp, &state).map_err(io_error(&state))?;
    Ok(set_aside)
}

/// Exclusive locks held for the whole run (released when dropped, or when
/// the process dies: the kernel lets go of them, so a SIGKILL leaves no
/// stale lock behind).
#[derive(Debug)]
pub(crate) struct RunLock {
    _files: Vec<File>,
}

/// Locks `<output>.lock` and the journal, failing at once if another
/// process holds either.
pub(crate) fn lock(output: &Path, journal: &Path) -> Result<RunLock, StateError> {
    let mut files = Vec::new();
    for path in [with_suffix(output, ".lock"), journal.to_path_buf()] {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_error(&path))?;
        match file.try_lock() {
            Ok(()) => files.push(file),
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StateError::Locked {
                    path: path.display().to_string(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error(&path)(e)),
        }
    }
    Ok(RunLock { _files: files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_added_since_at_its_unset_value_is_the_same_run_and_nothing_else_is() {
        let part = |p: &str| {
            RunFingerprint::default()
                .with("model", "m")
                .with_debug("fidelity", p)
        };
        let before = part("FidelityConfig { threshold: 0.9, disabled: [] }");
        let upgraded =
            part("FidelityConfig { threshold: 0.9, disabled: [], max_suspicions: None, added: false }");
        assert_ne!(before.digest(), upgraded.digest());
        assert!(upgraded.same_run_as(&before));
        // Set, changed, removed or renamed: another run.
        for other in [
            "FidelityConfig { threshold: 0.9, disabled: [], max_suspicions: Some(0) }",
            "FidelityConfig { threshold: 0.8, disabled: [], max_suspicions: None }",
            "FidelityConfig { threshold: 0.9 }",
            "OtherConfig { threshold: 0.9, disabled: [] }",
        ] {
            assert!(!part(other).same_run_as(&before), "{other}");
        }
        assert!(!before.clone().with("llm_judge", true).same_run_as(&before));
        assert!(!RunFingerprint::default().with("model", "m").same_run_as(&before));
    }

    #[test]
    fn changes_name_each_part_that_differs() {
        let a = RunFingerprint::default()
            .with("model", "m1")
            .with("chunk_tokens", 512);
        let b = RunFingerprint::default()
            .with("model", "m2")
            .with("chunk_tokens", 512);
        assert_ne!(a.digest(), b.digest());
        assert_eq!(b.changes_from(&a), ["model: m1 → m2"]);
        // A structure, field by field, in words.
        #[derive(Debug)]
        #[allow(dead_code)]
        enum Job {
            Rephrase {
                styles: Vec<&'static str>,
                variants: u32,
                seed: u64,
            },
        }
        let job = |styles: Vec<&'static str>| {
            RunFingerprint::default().with(
                "job",
                Job::Rephrase {
                    styles,
                    variants: 0,
                    seed: 0,
                },
            )
        };
        let three = job(vec!["textbook", "narrative", "qa-interleaved"]);
        let one = job(vec!["textbook"]);
        assert_eq!(
            one.changes_from(&three),
            ["styles: textbook,narrative,qa-interleaved → textbook"]
        );
    }
}
