//! `chunksynth report`: one self-contained HTML page over a run's output —
//! an overview, quality at a glance (histograms, outcomes, checks fired),
//! and records to browse, each source beside its rewrite with what the
//! checks quote marked in both. No network, no server: charts are SVG made
//! here, the page's script and style are inline, a Content-Security-Policy
//! forbids anything else. It holds corpus text: share it as the corpus.

mod html;
pub(crate) mod watch;

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::*;

/// Records kept for browsing when nobody says how many.
pub(crate) const DEFAULT_SAMPLE: usize = 500;

/// One rephrased record as the page shows it.
pub(crate) struct Shown {
    pub(crate) id: String,
    pub(crate) style: String,
    pub(crate) outcome: &'static str,
    pub(crate) score: f64,
    pub(crate) attempts: u64,
    pub(crate) findings: Vec<String>,
    pub(crate) suspicions: Vec<(String, Option<String>, Option<String>, String)>,
    pub(crate) checks_failed: Vec<String>,
    pub(crate) rewrite: String,
    pub(crate) source: Option<String>,
    pub(crate) tokens: u64,
    /// Attempts that failed and were replaced, when the run kept their
    /// texts (`--keep-attempt-texts`): attempt, score, findings, text.
    pub(crate) failed_attempts: Vec<(u64, f64, Vec<String>, String)>,
}

/// One generated text as the page shows it: its plan, section by section.
pub(crate) struct ShownText {
    pub(crate) id: String,
    pub(crate) topic: String,
    pub(crate) passed: bool,
    pub(crate) calls: u64,
    pub(crate) tokens: u64,
    pub(crate) sections: Vec<ShownSection>,
}

/// A section of a generated text: its key points ticked or not, what QC
/// found, what the consistency pass did, and its text.
pub(crate) struct ShownSection {
    pub(crate) title: String,
    pub(crate) key_points: Vec<(String, bool)>,
    pub(crate) passed: bool,
    pub(crate) findings: Vec<String>,
    pub(crate) consistency: String,
    pub(crate) drafts: usize,
    pub(crate) text: String,
}

/// A record as tallied: a rewrite or a generated text.
enum Tallied {
    Record(Shown),
    Text(ShownText),
}

/// What the whole output adds up to (exact, over every record).
#[derive(Default)]
pub(crate) struct Totals {
    pub(crate) records: usize,
    pub(crate) by_style: BTreeMap<String, usize>,
    pub(crate) outcomes: BTreeMap<&'static str, usize>,
    pub(crate) gate_checks: BTreeMap<String, usize>,
    pub(crate) suspicion_checks: BTreeMap<String, usize>,
    pub(crate) scores: BTreeMap<String, Vec<f64>>,
    pub(crate) length_ratios: BTreeMap<String, Vec<f64>>,
    pub(crate) copy_ratios: BTreeMap<String, Vec<f64>>,
    pub(crate) finished: Vec<u64>,
    pub(crate) tokens: u64,
    pub(crate) prompt_tokens: u64,
    pub(crate) completion_tokens: u64,
    /// What the run cost, and whence the figure.
    pub(crate) cost: Option<(f64, &'static str)>,
    /// Records by the configuration that made them (tokenizer, chunking,
    /// window, sampling, template).
    pub(crate) configs: BTreeMap<String, usize>,
    pub(crate) calls: u64,
    pub(crate) chunks: usize,
    pub(crate) rejects: BTreeMap<String, Vec<String>>,
    pub(crate) models: BTreeMap<String, usize>,
    pub(crate) generated: usize,
    pub(crate) qc_passed: usize,
    /// Generated sections by what QC found in them (and how many passed).
    pub(crate) qc_checks: BTreeMap<String, usize>,
    /// Generated sections by what the consistency pass did.
    pub(crate) consistency: BTreeMap<String, usize>,
    pub(crate) unreadable: usize,
}

/// The worst outcome of a record's chunks, as the page names it.
fn outcome_of(chunks: &[serde_json::Value]) -> &'static str {
    let mut worst = "passed at once";
    for c in chunks {
        let attempts = c["attempts"].as_array().map_or(1, Vec::len);
        let o = match c["outcome"].as_str().unwrap_or("") {
            "kept_best" => "kept best",
            "fell_back_to_source" => "fell back to source",
            "nothing_for_the_style" => "passed at once",
            _ if attempts > 1 => "repaired",
            _ => "passed at once",
        };
        let rank = |o: &str| {
            ["passed at once", "repaired", "kept best", "fell back to source"]
                .iter()
                .position(|x| *x == o)
        };
        if rank(o) > rank(worst) {
            worst = o;
        }
    }
    worst
}

/// A reservoir sample of `cap` records, the same for the same seed.
struct Reservoir<T> {
    cap: usize,
    seen: u64,
    state: u64,
    kept: Vec<T>,
}

impl<T> Reservoir<T> {
    fn new(cap: usize, seed: u64) -> Self {
        Self {
            cap: cap.max(1),
            seen: 0,
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
            kept: Vec::new(),
        }
    }

    fn offer(&mut self, shown: T) {
        self.seen += 1;
        if self.kept.len() < self.cap {
            self.kept.push(shown);
            return;
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let j = (self.state % self.seen) as usize;
        if j < self.cap {
            self.kept[j] = shown;
        }
    }
}

/// The records files of `output`: itself, or its shards beside it.
fn record_files(output: &Path) -> Vec<PathBuf> {
    if output.exists() {
        return vec![output.to_path_buf()];
    }
    chunksynth_runner::shard_files_beside(output, "")
        .into_iter()
        .map(|(_, path)| path)
        .collect()
}

/// The source texts of `input` (JSONL) by id, for the side-by-side view.
fn sources(input: &Path, text_field: &str) -> Result<HashMap<String, String>> {
    let file = std::fs::File::open(input).with_context(|| format!("reading {}", input.display()))?;
    let mut out = HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => continue,
        };
        if let Some(text) = v[text_field].as_str() {
            out.insert(id, text.to_owned());
        }
    }
    Ok(out)
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the page is made from.
pub(crate) struct ReportArgs<'a> {
    pub(crate) output: &'a Path,
    pub(crate) input: Option<&'a Path>,
    pub(crate) text_field: &'a str,
    pub(crate) page: &'a Path,
    pub(crate) sample: usize,
    pub(crate) seed: u64,
    pub(crate) review: bool,
    /// Per million prompt and completion tokens, for the cost.
    pub(crate) prices: Option<(f64, f64)>,
}

pub(crate) fn report(a: &ReportArgs<'_>) -> Result<u8> {
    // A store prefix is downloaded first (the parts its manifests name).
    let downloaded = with_suffix(a.page, ".store.tmp");
    let files = match a.output.to_str().filter(|s| chunksynth_runner::remote::is_url(s)) {
        Some(url) => chunksynth_runner::remote::download_output(url, &downloaded)?,
        None => record_files(a.output),
    };
    if files.is_empty() {
        bail!(
            "no output at {} nor shards of it: give the --output of a run",
            a.output.display()
        );
    }
    let sources = match a.input {
        Some(input) => Some(sources(input, a.text_field)?),
        None => None,
    };
    let mut totals = Totals::default();
    let mut sample = Reservoir::new(a.sample, a.seed);
    let mut texts = Reservoir::new(a.sample, a.seed);
    let scratch = with_suffix(a.page, ".records.tmp");
    for file in &files {
        let reader = chunksynth_runner::records_as_jsonl(file, &scratch)
            .with_context(|| format!("reading {}", file.display()))?;
        for line in reader.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let Ok(record) = serde_json::from_str::<serde_json::Value>(&line) else {
                totals.unreadable += 1;
                continue;
            };
            match tally(&mut totals, &record, sources.as_ref()) {
                Tallied::Record(shown) => sample.offer(shown),
                Tallied::Text(text) => texts.offer(text),
            }
        }
        let rejects = runner_rejects_path(file);
        if let Ok(text) = std::fs::read_to_string(&rejects) {
            for line in text.lines() {
                let Ok(r) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let kind = r["kind"].as_str().unwrap_or("?").to_owned();
                totals
                    .rejects
                    .entry(kind)
                    .or_default()
                    .push(r["reason"].as_str().unwrap_or("").to_owned());
            }
        }
    }
    let _ = std::fs::remove_file(&scratch);
    let _ = std::fs::remove_dir_all(&downloaded);
    totals.cost = match a.prices {
        Some((input, output)) => Some((
            (totals.prompt_tokens as f64 * input + totals.completion_tokens as f64 * output) / 1e6,
            "at the prices given",
        )),
        None => files
            .iter()
            .filter_map(|f| chunksynth_runner::read_progress(f).and_then(|p| p.cost))
            .reduce(|a, b| a + b)
            .map(|c| (c, "as the runs' progress files say")),
    };
    let shown = std::mem::take(&mut sample.kept);
    let page = html::page(
        &totals,
        &shown,
        sample.seen,
        &texts.kept,
        sources.is_some(),
        a.output,
    );
    let tmp = with_suffix(a.page, ".tmp");
    std::fs::write(&tmp, page).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, a.page).with_context(|| format!("writing {}", a.page.display()))?;
    let texts_shown = if totals.generated > 0 {
        format!(
            "; {} generated texts, {} shown",
            totals.generated,
            texts.kept.len()
        )
    } else {
        String::new()
    };
    eprintln!(
        "report: {} ({} records, {} shown{texts_shown}); it holds corpus text — share it as you would share the corpus",
        a.page.display(),
        totals.records,
        shown.len()
    );
    if a.review {
        let csv = a.page.with_extension("review.csv");
        std::fs::write(&csv, html::review_csv(&shown, a.page))
            .with_context(|| format!("writing {}", csv.display()))?;
        eprintln!("review sheet: {}", csv.display());
    }
    Ok(exit::OK)
}

fn runner_rejects_path(records: &Path) -> PathBuf {
    with_suffix(records, ".rejects.jsonl")
}

/// Adds one record to the totals; what the page shows of it.
fn tally(t: &mut Totals, r: &serde_json::Value, sources: Option<&HashMap<String, String>>) -> Tallied {
    let p = &r["provenance"];
    if let Some(ms) = p["finished_at_unix_ms"].as_u64() {
        t.finished.push(ms);
    }
    *t.models
        .entry(p["model"].as_str().unwrap_or("?").to_owned())
        .or_default() += 1;
    t.prompt_tokens += p["usage"]["prompt_tokens"].as_u64().unwrap_or(0);
    t.completion_tokens += p["usage"]["completion_tokens"].as_u64().unwrap_or(0);
    *t.configs.entry(configuration(p)).or_default() += 1;
    if r.get("qc_report").is_some() {
        return Tallied::Text(tally_text(t, r));
    }
    t.records += 1;
    let style = r["style"].as_str().unwrap_or("").to_owned();
    *t.by_style.entry(style.clone()).or_default() += 1;
    let chunks = p["chunks"].as_array().cloned().unwrap_or_default();
    t.chunks += chunks.len();
    let outcome = outcome_of(&chunks);
    *t.outcomes.entry(outcome).or_default() += 1;
    let mut score = 1.0f64;
    let (mut findings, mut suspicions, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    let mut failed_attempts = Vec::new();
    let mut source_len = 0u64;
    for c in &chunks {
        source_len += c["span"]["end"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(c["span"]["start"].as_u64().unwrap_or(0));
        let f = &c["fidelity"];
        score = score.min(f["score"].as_f64().unwrap_or(1.0));
        for check in f["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|k| k["passed"] == false)
        {
            let name = check["check"].as_str().unwrap_or("?").to_owned();
            *t.gate_checks.entry(name.clone()).or_default() += 1;
            failed.push(name);
        }
        for s in f["suspicions"].as_array().into_iter().flatten() {
            let check = s["check"].as_str().unwrap_or("?").to_owned();
            *t.suspicion_checks.entry(check.clone()).or_default() += 1;
            suspicions.push((
                check,
                s["source"].as_str().map(str::to_owned),
                s["rewrite"].as_str().map(str::to_owned),
                s["why"].as_str().unwrap_or("").to_owned(),
            ));
        }
        for a in c["attempts"].as_array().into_iter().flatten() {
            t.calls += a["calls"].as_u64().unwrap_or(1);
            if a["passed"] == false
                && let Some(text) = a["text"].as_str()
            {
                failed_attempts.push((
                    a["attempt"].as_u64().unwrap_or(0),
                    a["score"].as_f64().unwrap_or(0.0),
                    a["findings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                    text.to_owned(),
                ));
            }
            findings.extend(
                a["findings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(str::to_owned)),
            );
        }
    }
    let text = r["text"].as_str().unwrap_or("").to_owned();
    let tokens = p["usage"]["prompt_tokens"].as_u64().unwrap_or(0)
        + p["usage"]["completion_tokens"].as_u64().unwrap_or(0);
    t.tokens += tokens;
    t.scores.entry(style.clone()).or_default().push(score);
    if source_len > 0 {
        t.length_ratios
            .entry(style.clone())
            .or_default()
            .push(text.len() as f64 / source_len as f64);
    }
    if let Some(copy) = p["copy_ratio"].as_f64() {
        t.copy_ratios.entry(style.clone()).or_default().push(copy);
    }
    let id = match &r["id"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // A source whose digest is not the record's is another text: not shown.
    let source = sources
        .and_then(|s| s.get(&id))
        .filter(|s| p["source_sha256"].as_str().is_none_or(|d| d == sha256_hex(s)))
        .cloned();
    Tallied::Record(Shown {
        id,
        style,
        outcome,
        score,
        attempts: p["attempts"].as_u64().unwrap_or(1),
        findings,
        suspicions,
        checks_failed: failed,
        rewrite: text,
        source,
        tokens,
        failed_attempts,
    })
}

/// The configuration a record's provenance names, in one line.
fn configuration(p: &serde_json::Value) -> String {
    let mut parts = vec![format!("tokenizer {}", p["tokenizer"].as_str().unwrap_or("?"))];
    if let Some(chunk) = p["chunk_tokens"].as_u64() {
        parts.push(format!(
            "chunks of {chunk} tokens (+{} overlap)",
            p["overlap_tokens"].as_u64().unwrap_or(0)
        ));
    }
    if let Some(layout) = p["window_layout"].as_str() {
        parts.push(format!(
            "window {layout}, {} tokens",
            p["prefix_window_tokens"].as_u64().unwrap_or(0)
        ));
    }
    let sampling: Vec<String> = p["sampling"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if !sampling.is_empty() {
        parts.push(format!("sampling {}", sampling.join(", ")));
    }
    // The style and language, not the template: a repaired record names
    // the repair's template.
    if let Some(style) = p["prompt"]["style"].as_str() {
        parts.push(format!(
            "style {style}, prompts v{} ({})",
            p["prompt"]["version"].as_str().unwrap_or("?"),
            p["prompt"]["language"].as_str().unwrap_or("?")
        ));
    }
    parts.join("; ")
}

/// What QC reports of a section, by the field that holds it.
const QC_FIELDS: &[(&str, &str)] = &[
    ("missing key points", "missing_key_points"),
    ("missing entities", "missing_entities"),
    ("terminology", "terminology_issues"),
    ("banned phrases", "banned_hits"),
    ("off-plan sentences", "off_plan_sentences"),
    ("repeated from earlier", "repeated_from_earlier"),
    ("repeated within", "repeated_within"),
];

/// Adds one generated text to the totals; what the page shows of it.
fn tally_text(t: &mut Totals, r: &serde_json::Value) -> ShownText {
    t.generated += 1;
    let qc = &r["qc_report"];
    t.qc_passed += usize::from(qc["passed"] == true);
    let p = &r["provenance"];
    let tokens = p["usage"]["prompt_tokens"].as_u64().unwrap_or(0)
        + p["usage"]["completion_tokens"].as_u64().unwrap_or(0);
    t.tokens += tokens;
    let calls = p["calls"].as_u64().unwrap_or(0);
    t.calls += calls;
    let planned = r["plan"]["sections"].as_array().cloned().unwrap_or_default();
    let reports = qc["sections"].as_array().cloned().unwrap_or_default();
    let written = r["sections"].as_array().cloned().unwrap_or_default();
    let mut sections = Vec::new();
    for (i, plan) in planned.iter().enumerate() {
        let report = reports.get(i).unwrap_or(&serde_json::Value::Null);
        let section = written.get(i).unwrap_or(&serde_json::Value::Null);
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                .collect()
        };
        let missing = strings(&report["missing_key_points"]);
        let passed = report["passed"] == true;
        *t.qc_checks
            .entry(
                if passed {
                    "sections passed"
                } else {
                    "sections failed"
                }
                .to_owned(),
            )
            .or_default() += 1;
        for (name, field) in QC_FIELDS {
            if report[*field].as_array().is_some_and(|a| !a.is_empty()) {
                *t.qc_checks.entry((*name).to_owned()).or_default() += 1;
            }
        }
        if report["repetition"]["failures"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            *t.qc_checks.entry("repetition".to_owned()).or_default() += 1;
        }
        let consistency = section["consistency"]["outcome"]
            .as_str()
            .unwrap_or("none")
            .to_owned();
        *t.consistency.entry(consistency.clone()).or_default() += 1;
        let mut findings = strings(&report["findings"]);
        findings.extend(
            strings(&report["suspicions"])
                .into_iter()
                .map(|s| format!("suspicion: {s}")),
        );
        sections.push(ShownSection {
            title: plan["title"].as_str().unwrap_or("").to_owned(),
            key_points: strings(&plan["key_points"])
                .into_iter()
                .map(|k| {
                    let covered = !missing.contains(&k);
                    (k, covered)
                })
                .collect(),
            passed,
            findings,
            consistency,
            drafts: section["drafts"].as_array().map_or(0, Vec::len),
            text: section["text"].as_str().unwrap_or("").to_owned(),
        });
    }
    ShownText {
        id: match &r["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        topic: r["plan"]["topic"].as_str().unwrap_or("").to_owned(),
        passed: qc["passed"] == true,
        calls,
        tokens,
        sections,
    }
}
