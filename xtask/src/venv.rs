//! Python for the tasks that need it (llama-smoke, interop): a venv under
//! target/ made once from PyPI, or one named by an environment variable.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, ensure};

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `$env_var` if set, else `target/<name>` with `packages` installed (once:
/// reused while `python -c <check>` succeeds).
pub(crate) fn python(name: &str, env_var: &str, packages: &[&str], check: &str) -> Result<PathBuf> {
    if let Ok(p) = std::env::var(env_var) {
        return Ok(PathBuf::from(p));
    }
    let venv = workspace_root().join("target").join(name);
    let py = venv.join("bin/python");
    let ready = Command::new(&py)
        .args(["-c", check])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        eprintln!("{name}: creating {} with {}", venv.display(), packages.join(" "));
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("python3 -m venv (install python3 with venv)")?;
        ensure!(status.success(), "python3 -m venv failed");
        let status = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet"])
            .args(packages)
            .status()
            .context("pip install")?;
        ensure!(status.success(), "pip install {} failed", packages.join(" "));
    }
    Ok(py)
}
