//! The S3-compatible server the object-store tests run against: s3s-fs from
//! crates.io (a real server that checks request signatures), built once
//! into target/tools/s3s. 0.14.1 is the last release that builds on the
//! pinned toolchain.

use std::process::Command;

use anyhow::{Context, Result, ensure};

use crate::venv::workspace_root;

const VERSION: &str = "0.14.1";

pub(crate) fn install() -> Result<()> {
    let root = workspace_root().join("target/tools/s3s");
    let binary = root.join("bin/s3s-fs");
    if binary.exists() {
        eprintln!("store-server: {} is installed", binary.display());
        return Ok(());
    }
    eprintln!(
        "store-server: building s3s-fs {VERSION} from crates.io into {}",
        root.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["install", "--quiet", "--locked", "s3s-fs", "--version", VERSION])
        .args(["--features", "binary", "--root"])
        .arg(&root)
        // Its build stays apart from the workspace's.
        .env_remove("CARGO_TARGET_DIR")
        .arg("--target-dir")
        .arg(workspace_root().join("target/tools/s3s-build"))
        .status()
        .context("running cargo install")?;
    ensure!(status.success(), "cargo install s3s-fs {VERSION} failed");
    Ok(())
}
