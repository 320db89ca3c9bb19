//! What a person reads when a run ends: what was made, the rejects' reasons
//! and the likely fix, the suspicions, the exit code's cause.

use super::*;

/// What the rejects file says, for the terminal: the most common reasons
/// with their counts and one example each, the file's path, and, when no
/// record came out of an input whose lines could not be read, the likely
/// fix. Reasons are grouped with their line numbers and digits left out.
pub(crate) fn reject_reasons(rejects: &std::path::Path, records_written: usize) -> Vec<String> {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(rejects) else {
        return Vec::new();
    };
    let mut groups: Vec<(String, String, usize, String)> = Vec::new();
    let mut total = 0usize;
    let mut invalid = 0usize;
    let mut not_json = 0usize;
    for line in std::io::BufReader::new(file).lines().map_while(Result::ok) {
        let Ok(r) = serde_json::from_str::<chunksynth_runner::RejectRecord>(&line) else {
            continue;
        };
        total += 1;
        let kind = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        invalid += usize::from(kind == "invalid_input");
        not_json += usize::from(r.reason.contains("is not valid JSON"));
        let shape: String = r.reason.chars().filter(|c| !c.is_ascii_digit()).collect();
        match groups.iter_mut().find(|g| g.0 == kind && g.1 == shape) {
            Some(g) => g.2 += 1,
            None => groups.push((kind, shape, 1, r.reason)),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.2));
    let mut out: Vec<String> = groups
        .iter()
        .take(3)
        .map(|(kind, _, n, example)| format!("  {n} × {kind}: {example}"))
        .collect();
    if groups.len() > 3 {
        out.push(format!("  … and {} other reasons", groups.len() - 3));
    }
    if total > 0 {
        out.push(format!("  every reject is in {}", rejects.display()));
    }
    if records_written == 0 && total > 0 && not_json == total {
        out.push(
            "no input line is JSON: chunksynth reads JSONL, compressed JSONL, Parquet and folders of .txt/.md files (--input-format names the format when the file name does not); convert a CSV to JSONL first".to_owned(),
        );
    } else if records_written == 0 && total > 0 && invalid == total {
        out.push(
            "no input line could be read: if the text is in another field, pass --text-field NAME".to_owned(),
        );
    }
    out
}

/// A token count in a line of text (3.78M).
pub(crate) fn short_tokens(n: u64) -> String {
    progress::short_count(n as f64)
}

pub(crate) fn report(
    summary: &RunSummary,
    usage: &chunksynth_llm::UsageSnapshot,
    output: &std::path::Path,
    summary_file: Option<&std::path::Path>,
    quiet: bool,
    generating: bool,
) -> Result<()> {
    let retries: u64 = usage.total.retries_by_kind.values().sum();
    if let Some(path) = summary_file {
        let json = serde_json::json!({"run": summary, "usage": usage});
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if quiet {
        return Ok(());
    }
    // What the run made: rewritten records with their gate's pass rate, or
    // generated texts with their QC.
    let made = if generating {
        format!(
            "{} texts written to {}, QC passed {}, failed {}; {} redrafts, {} plans repaired",
            summary.records_written,
            output.display(),
            summary.qc_passed,
            summary.qc_failed,
            summary.redrafts,
            summary.plans_repaired
        )
    } else {
        let rate = if summary.chunks > 0 {
            format!(
                "{:.1}%",
                100.0 * summary.chunks_passed_fidelity as f64 / summary.chunks as f64
            )
        } else {
            "n/a".to_owned()
        };
        format!(
            "{} records written to {}, fidelity pass rate {rate}",
            summary.records_written,
            output.display()
        )
    };
    eprintln!(
        "done: {made}; {} rejected, {} to retry, {} already done; {} calls ({} replayed from the journal, {} retries); {} prompt + {} completion tokens{}; {:.1}s",
        summary.rejected,
        summary.retryable_failures,
        summary.already_done,
        summary.calls_made,
        summary.calls_replayed,
        retries,
        short_tokens(usage.total.tokens.prompt_tokens),
        short_tokens(usage.total.tokens.completion_tokens),
        summary
            .cost
            .map(|c| format!("; cost {}", progress::money(c)))
            .unwrap_or_default(),
        summary.wall_ms as f64 / 1000.0
    );
    if !summary.suspicions.is_empty() {
        let counts: Vec<String> = summary
            .suspicions
            .iter()
            .map(|(check, n)| format!("{} {n}", check.name()))
            .collect();
        eprintln!(
            "  suspicions (recorded in fidelity.suspicions, not repaired; --max-suspicions N repairs them): {}",
            counts.join(", ")
        );
    }
    let judge = &summary.judge;
    if judge.calls > 0 {
        eprintln!(
            "  judge: {} calls; {} claims not supported (repaired); {} questions without a verdict (the gate's verdict stood)",
            judge.calls, judge.not_supported, judge.no_verdict
        );
    }
    for (kind, n) in &summary.failures_by_kind {
        let what = if kind.is_permanent() {
            "rejected"
        } else {
            "to retry"
        };
        eprintln!("  {what} ({kind}): {n}");
    }
    if let Some(n) = summary.exported {
        eprintln!("  wrote {n} records to {}", output.display());
    }
    if summary.already_rejected > 0 {
        eprintln!(
            "  {} items were rejected for good by an earlier run (see the rejects file)",
            summary.already_rejected
        );
    }
    if summary.superseded > 0 {
        eprintln!(
            "  {} records redone because their source changed; the older records were dropped",
            summary.superseded
        );
    }
    if summary.not_in_input > 0 {
        eprintln!(
            "  {} records on file belong to ids no longer in the input (left alone)",
            summary.not_in_input
        );
    }
    if summary.unreadable_lines > 0 {
        eprintln!(
            "  warning: {} unreadable lines were skipped in the output, rejects or journal",
            summary.unreadable_lines
        );
    }
    match &summary.stopped_early {
        Some(StopReason::BudgetSpent { detail }) => {
            eprintln!("stopped early: {detail}; raise the budget and rerun to go on");
        }
        Some(StopReason::Refused { detail }) => {
            eprintln!("stopped: {detail}; fix the key or model and rerun");
        }
        Some(reason @ StopReason::EndpointDown { .. }) => {
            eprintln!("stopped: {reason}; rerun the same command once the endpoint is back");
        }
        Some(StopReason::Unreachable { detail }) => {
            eprintln!("stopped: {detail}");
        }
        Some(reason) => eprintln!("stopped early: {reason}; rerun the same command to resume"),
        None if summary.retryable_failures > 0 => eprintln!(
            "incomplete: {} items failed in ways a rerun retries; rerun the same command",
            summary.retryable_failures
        ),
        None => {}
    }
    Ok(())
}
