//! `chunksynth status OUTPUT`: one table over every shard of a job, read
//! from the progress files runs leave beside their outputs — what is done,
//! rejected, left to retry, what it cost, which shards are silent or never
//! started — with the totals, and an exit code a script can act on.

use std::path::{Path, PathBuf};

use chunksynth_runner::{Progress, RunState, progress_path, read_progress};

use super::*;

/// One shard's row: its index (`None`: an unsharded output), its output,
/// and what its progress file says (`None`: never started).
struct Row {
    index: Option<usize>,
    output: PathBuf,
    progress: Option<Progress>,
}

/// The outputs of `output`: itself, when a run wrote it, and every
/// `stem.shard-IIII-of-NNNN.ext` beside it; the shard count, when named.
fn rows(output: &Path) -> (Vec<Row>, Option<usize>) {
    let mut rows = Vec::new();
    if progress_path(output).exists() {
        rows.push(Row {
            index: None,
            output: output.to_path_buf(),
            progress: read_progress(output),
        });
    }
    let shards = chunksynth_runner::shard_files_beside(output, ".progress.json");
    let count = shards.iter().map(|(s, _)| s.count).max();
    if let Some(n) = count {
        for index in 0..n {
            let found = shards.iter().find(|(s, _)| s.index == index);
            rows.push(Row {
                index: Some(index),
                output: found.map_or_else(
                    || chunksynth_runner::shard_file(output, chunksynth_runner::Shard { index, count: n }),
                    |(_, p)| p.clone(),
                ),
                progress: found.and_then(|(_, p)| read_progress(p)),
            });
        }
    }
    (rows, count)
}

/// How a row reads in the table and in JSON.
fn state_of(p: Option<&Progress>, now_ms: u64, silent_ms: u64) -> String {
    match p {
        None => "never started".to_owned(),
        Some(p) => match p.state {
            RunState::Finished if p.rejected > 0 => "finished, with rejects".to_owned(),
            RunState::Finished => "finished".to_owned(),
            RunState::Stopped => format!("stopped: {}", p.stopped_because.as_deref().unwrap_or("")),
            RunState::Running if now_ms.saturating_sub(p.updated_unix_ms) > silent_ms => format!(
                "running, silent for {} min",
                now_ms.saturating_sub(p.updated_unix_ms) / 60_000
            ),
            RunState::Running => "running".to_owned(),
        },
    }
}

/// The rows of a store output: its `progress-<shard>.json` objects.
fn store_rows(url: &str) -> Result<(Vec<Row>, Option<usize>)> {
    let found = chunksynth_runner::remote::progress_in_store(url)?;
    let mut rows = Vec::new();
    let mut count = None;
    let mut shards = Vec::new();
    for (tag, progress) in found {
        if tag == "all" {
            rows.push(Row {
                index: None,
                output: PathBuf::from(url),
                progress,
            });
        } else if let Some((i, n)) = tag.split_once("-of-")
            && let (Ok(i), Ok(n)) = (i.parse::<usize>(), n.parse::<usize>())
        {
            count = Some(n);
            shards.push((i, progress));
        }
    }
    if let Some(n) = count {
        for index in 0..n {
            let progress = shards
                .iter()
                .find(|(i, _)| *i == index)
                .and_then(|(_, p)| p.clone());
            rows.push(Row {
                index: Some(index),
                output: PathBuf::from(format!("{url} (shard {index:04}-of-{n:04})")),
                progress,
            });
        }
    }
    Ok((rows, count))
}

pub(crate) fn status(output: &Path, json: bool, silent_minutes: u64) -> Result<u8> {
    let (rows, count) = match output.to_str().filter(|s| chunksynth_runner::remote::is_url(s)) {
        Some(url) => store_rows(url)?,
        None => rows(output),
    };
    if rows.is_empty() {
        bail!(
            "no progress file for {} or its shards (<output>.progress.json, written by runs of this version): is the path the --output of a run?",
            output.display()
        );
    }
    let now = chunksynth_runner::now_unix_ms();
    let silent_ms = silent_minutes * 60_000;
    let states: Vec<String> = rows
        .iter()
        .map(|r| state_of(r.progress.as_ref(), now, silent_ms))
        .collect();
    let all = rows.iter().filter_map(|r| r.progress.as_ref());
    let (done, rejected, retryable, tokens) = all.clone().fold((0, 0, 0, 0u64), |t, p| {
        (t.0 + p.done, t.1 + p.rejected, t.2 + p.retryable, t.3 + p.tokens)
    });
    let cost: Option<f64> = all.clone().map(|p| p.cost).sum();
    let finished = rows
        .iter()
        .all(|r| r.progress.as_ref().is_some_and(|p| p.state == RunState::Finished));
    let code = if !finished {
        exit::INCOMPLETE
    } else if rejected > 0 {
        exit::SOME_FAILED
    } else {
        exit::OK
    };
    if json {
        let shards: Vec<serde_json::Value> = rows
            .iter()
            .zip(&states)
            .map(|(r, state)| {
                serde_json::json!({
                    "shard": r.index,
                    "output": r.output.display().to_string(),
                    "state": state,
                    "progress": r.progress,
                })
            })
            .collect();
        let report = serde_json::json!({
            "shards": shards,
            "shard_count": count,
            "totals": {"done": done, "rejected": rejected, "retryable": retryable, "tokens": tokens, "cost": cost},
            "exit_code": code,
        });
        print_quietly(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
        return Ok(code);
    }
    let mut text = format!(
        "{:<6} {:>8} {:>8} {:>6} {:>6} {:>9} {:>10}  {:<9} state\n",
        "shard", "done", "rejected", "retry", "share", "tokens", "cost", "updated"
    );
    for (r, state) in rows.iter().zip(&states) {
        let shard = r.index.map_or("—".to_owned(), |i| i.to_string());
        let line = match &r.progress {
            None => format!(
                "{shard:<6} {:>8} {:>8} {:>6} {:>6} {:>9} {:>10}  {:<9} {state}\n",
                "", "", "", "", "", "", ""
            ),
            Some(p) => format!(
                "{shard:<6} {:>8} {:>8} {:>6} {:>6} {:>9} {:>10}  {:<9} {state}\n",
                p.done,
                p.rejected,
                p.retryable,
                p.share_done
                    .map_or("?".to_owned(), |s| format!("{:.0}%", s * 100.0)),
                report::short_tokens(p.tokens),
                p.cost.map_or("—".to_owned(), progress::money),
                chunksynth_runner::clock(p.updated_unix_ms)
                    .trim_end_matches(" UTC")
                    .to_owned(),
            ),
        };
        text.push_str(&line);
    }
    text.push_str(&format!(
        "{:<6} {done:>8} {rejected:>8} {retryable:>6} {:>6} {:>9} {:>10}\n",
        "total",
        "",
        report::short_tokens(tokens),
        cost.map_or("—".to_owned(), progress::money),
    ));
    print_quietly(&text)?;
    Ok(code)
}
