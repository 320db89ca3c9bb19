//! `cargo xtask report-check`: `chunksynth report` opened in a real
//! browser. Headless Chromium (Debian's `chromium`, installed with apt-get
//! when missing; under CI=true a browser that cannot be had fails the check,
//! elsewhere it is skipped with a message) loads pages made from two demo
//! runs — the example corpus with a source that carries a `<script>`, and
//! 10,000 records — from disk, runs their scripts, and the check reads the
//! DOM and takes a screenshot: charts present, the sampled records in the
//! table, a filter in the address (`#outcome=kept%20best`) showing only
//! those, a record opened side by side with marks, no error caught by the
//! page's `window.onerror`, nothing loaded from outside.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from)
}

/// Chromium, installed when missing; `None` where it cannot be had outside CI.
fn chromium() -> Result<Option<PathBuf>> {
    let found = |name: &str| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.exists())
        })
    };
    if let Some(p) = found("chromium") {
        return Ok(Some(p));
    }
    let installed = Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success());
    match (installed, found("chromium")) {
        (true, Some(p)) => Ok(Some(p)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            bail!("report-check: no chromium and `apt-get install chromium` failed")
        }
        _ => {
            eprintln!("report-check: skipped: no chromium (apt-get install chromium failed)");
            Ok(None)
        }
    }
}

fn run(cmd: &mut Command) -> Result<std::process::Output> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(out)
}

/// The page's DOM after its scripts ran, at `fragment`.
fn dom(browser: &Path, page: &Path, fragment: &str) -> Result<String> {
    let url = format!("file://{}{fragment}", page.display());
    let out = run(Command::new(browser).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=3000",
        "--dump-dom",
        &url,
    ]))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A demo run over `input` and its report at `page`.
fn demo_report(bin: &Path, dir: &Path, input: &Path, page: &Path, sample: &str) -> Result<()> {
    let out = dir.join(format!(
        "{}.out.jsonl",
        input.file_stem().unwrap_or_default().to_string_lossy()
    ));
    for side in [
        "",
        ".journal.jsonl",
        ".state.json",
        ".rejects.jsonl",
        ".progress.json",
    ] {
        let _ = std::fs::remove_file(format!("{}{side}", out.display()));
    }
    run(Command::new(bin)
        .args(["--quiet", "rephrase", "--demo", "--concurrency", "16", "--input"])
        .arg(input)
        .arg("--output")
        .arg(&out))?;
    run(Command::new(bin)
        .args(["report", "--sample", sample, "--review", "--input"])
        .arg(input)
        .arg(&out)
        .arg("-o")
        .arg(page))?;
    Ok(())
}

pub(crate) fn check() -> Result<()> {
    let Some(browser) = chromium()? else {
        return Ok(());
    };
    crate::cargo(&["build", "--quiet", "-p", "chunksynth-cli"])?;
    let bin = target_dir().join("debug/chunksynth");
    let dir = std::fs::canonicalize(target_dir())?.join("report-check");
    std::fs::create_dir_all(&dir)?;

    // The example corpus, with a source that tries to run a script and to
    // load a picture: both must stay text.
    let small = dir.join("small.jsonl");
    let mut corpus = std::fs::read_to_string("examples/sample.jsonl")?;
    corpus.push_str(&format!(
        "{}\n",
        serde_json::json!({"id": "hostile", "text": "A source may hold <script>document.body.setAttribute('data-pwned','1')</script> and <img src=\"https://example.com/x.png\"> as text. In May 2015, Rust 1.0 was released."})
    ));
    std::fs::write(&small, corpus)?;
    let page = dir.join("small.html");
    demo_report(&bin, &dir, &small, &page, "500")?;
    let html = std::fs::read_to_string(&page)?;
    for outside in ["src=\"http", "href=\"http", "url(", "@import", "fetch("] {
        if html.contains(outside) {
            bail!("report-check: the page's markup points outside it ({outside})");
        }
    }
    let all = dom(&browser, &page, "")?;
    let rows = all.matches("<tr data-style=").count();
    if !all.contains("<svg") || rows < 3 {
        bail!("report-check: charts or records missing ({rows} rows)");
    }
    if all.contains("data-error=\"1\"") || all.contains("data-pwned=\"1\"") {
        bail!("report-check: a script error or an injected script ran");
    }
    if !all.contains("&lt;script&gt;document.body") {
        bail!("report-check: the injected <script> does not show as text");
    }
    let filtered = dom(&browser, &page, "#outcome=kept%20best")?;
    let shown = filtered.matches("<tr data-style=").count() - filtered.matches("class=\"hidden\"").count();
    let kept_best = filtered.matches("data-outcome=\"kept best\"").count();
    if shown != kept_best {
        bail!("report-check: the filter in the address shows {shown} rows, {kept_best} are kept best");
    }
    let opened = dom(&browser, &page, "#r-0")?;
    if !opened.contains("class=\"record open\" id=\"r-0\"") || !opened.contains("class=\"source\"") {
        bail!("report-check: record 0 did not open side by side");
    }
    let shot = dir.join("small.png");
    run(Command::new(&browser).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1200,1400",
        &format!("--screenshot={}", shot.display()),
        &format!("file://{}", page.display()),
    ]))?;
    if std::fs::metadata(&shot).map_or(0, |m| m.len()) < 10_000 {
        bail!("report-check: no screenshot");
    }

    // 10,000 records: exact totals, a sample to browse.
    let big = dir.join("big.jsonl");
    let lines: String = (0..10_000)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("doc-{i}"), "text": format!("Document {i} says that the borrow checker runs during compilation and looks at every reference in the program.")})
            )
        })
        .collect();
    std::fs::write(&big, lines)?;
    let big_page = dir.join("big.html");
    demo_report(&bin, &dir, &big, &big_page, "300")?;
    let big_dom = dom(&browser, &big_page, "")?;
    if !big_dom.contains("<td id=\"n-records\">10000</td>")
        || big_dom.matches("<tr data-style=").count() != 300
    {
        bail!("report-check: the 10,000-record page does not count them all or sample 300");
    }
    if big_dom.contains("data-error=\"1\"") {
        bail!("report-check: a script error on the 10,000-record page");
    }
    // Generated texts: a text opens from the address as its plan.
    let generated = dir.join("generated.jsonl");
    let _ = std::fs::remove_file(&generated);
    for side in [
        ".journal.jsonl",
        ".state.json",
        ".rejects.jsonl",
        ".progress.json",
    ] {
        let _ = std::fs::remove_file(format!("{}{side}", generated.display()));
    }
    run(Command::new(&bin)
        .args([
            "--quiet",
            "generate",
            "--demo",
            "--topic",
            "How tides work",
            "--output",
        ])
        .arg(&generated))?;
    let generated_page = dir.join("generated.html");
    run(Command::new(&bin)
        .arg("report")
        .arg(&generated)
        .arg("-o")
        .arg(&generated_page))?;
    let text = dom(&browser, &generated_page, "#t-0")?;
    if !text.contains("class=\"record text open\" id=\"t-0\"") || !text.contains("class=\"covered\"") {
        bail!("report-check: generated text 0 did not open with its plan");
    }
    if text.contains("data-error=\"1\"") {
        bail!("report-check: a script error on the generated-text page");
    }
    println!(
        "report-check: the three pages open in {} with charts, records, filters, a generated text's plan and no error; screenshot {}",
        browser.display(),
        shot.display()
    );
    Ok(())
}
