//! The object-store servers the store tests run against, installed from
//! registries under target/tools/: s3s-fs from crates.io (an S3 server that
//! checks request signatures; 0.14.1 is the last release that builds on the
//! pinned toolchain) and Azurite from npm (Microsoft's Azure Blob emulator;
//! 3.35.0, the last release that runs on the machine's Node.js 20).

use std::process::Command;

use anyhow::{Context, Result, ensure};

use crate::venv::workspace_root;

const S3S_FS: &str = "0.14.1";
const AZURITE: &str = "3.35.0";

pub(crate) fn install() -> Result<()> {
    s3s_fs()?;
    azurite()
}

/// Where [`install`] puts the s3s-fs binary.
pub(crate) fn s3s_fs_binary() -> std::path::PathBuf {
    workspace_root().join("target/tools/s3s/bin/s3s-fs")
}

fn s3s_fs() -> Result<()> {
    let root = workspace_root().join("target/tools/s3s");
    let binary = s3s_fs_binary();
    if binary.exists() {
        eprintln!("store-server: {} is installed", binary.display());
        return Ok(());
    }
    eprintln!(
        "store-server: building s3s-fs {S3S_FS} from crates.io into {}",
        root.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["install", "--quiet", "--locked", "s3s-fs", "--version", S3S_FS])
        .args(["--features", "binary", "--root"])
        .arg(&root)
        // Its build stays apart from the workspace's.
        .env_remove("CARGO_TARGET_DIR")
        .arg("--target-dir")
        .arg(workspace_root().join("target/tools/s3s-build"))
        .status()
        .context("running cargo install")?;
    ensure!(status.success(), "cargo install s3s-fs {S3S_FS} failed");
    Ok(())
}

fn azurite() -> Result<()> {
    let root = workspace_root().join("target/tools/azurite");
    let binary = root.join("node_modules/.bin/azurite-blob");
    if binary.exists() {
        eprintln!("store-server: {} is installed", binary.display());
        return Ok(());
    }
    eprintln!(
        "store-server: installing azurite {AZURITE} from npm into {}",
        root.display()
    );
    std::fs::create_dir_all(&root)?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&root)
        .arg(format!("azurite@{AZURITE}"))
        .status()
        .context("running npm (install Node.js and npm)")?;
    ensure!(status.success(), "npm install azurite@{AZURITE} failed");
    Ok(())
}
