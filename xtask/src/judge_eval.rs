//! `cargo xtask judge-eval`: the judge measured before it is trusted
//! (issue 27). Every faithful restyle and every single-error variant of the
//! chosen held-out sets goes through the gate (per style) and, where the
//! mode asks, through the real judge (`LlmClaimJudge` for `suspicious`,
//! `LlmJudge` for `all`) over an OpenAI-compatible endpoint: a model of
//! yours (`--base-url --model`), or the labelled fake judge in process
//! (`--fake PROFILE`). It prints the judge's confusion matrix against the
//! labels (the truth rule of `chunksynth_fake_llm::judge`) and what the
//! gate alone and the gate with the judge do: false alarms, detection (all
//! errors and by carrier), judge calls and cost per chunk. `--simulate`
//! prints the table: four fake profiles, both modes.
//!
//! A chunk counts as failed when the gate fails it or the judge says "not
//! supported" / "not faithful" (a missing verdict fails nothing), which is
//! what the pipeline repairs: the gate's figures here count any failure,
//! where the fidelity suite's tables count only a failure of a check the
//! error is attributable to.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use chunksynth_backend_openai::{ApiKey, BackendConfig, OpenAiBackend};
use chunksynth_fake_llm::judge::{Asked, ErrorProfile, JudgeLabels, LabelledJudge, suite_dir};
use chunksynth_fake_llm::{FakeLlm, FakeOptions};
use chunksynth_llm::{LanguageModel, Usage, env};
use chunksynth_prompts::{Language, TemplateSet};
use chunksynth_quality::{CheckKind, FidelityConfig, fidelity};
use chunksynth_rephrase::{
    ClaimJudge, ClaimQuestion, ClaimSide, DEFAULT_JUDGE_MAX_CLAIMS, FidelityJudge, JudgeFormat, JudgeMode,
    LlmClaimJudge, LlmJudge, claim_questions, gate_for,
};
use futures_util::StreamExt;

const USAGE: &str = "\
cargo xtask judge-eval [--base-url URL --model M | --fake PROFILE | --simulate]
                       [--format chat|claim] [--mode suspicious|all|both]
                       [--sets a,b,c,d] [--price-input X --price-output Y]
                       [--judge-max-claims N] [--concurrency N] [--seed N]
                       [--allow-insecure-http]

  --base-url, --model  the judge to measure (key from JUDGE_API_KEY or
                       LLM_API_KEY; a loopback endpoint needs none)
  --fake PROFILE       the labelled fake judge in process: uniform:P,
                       hard-case:P or perfect; fails unless it behaves
  --simulate           the table of docs/QUALITY.md: uniform 0, 0.1, 0.2 and
                       hard-case 0.1, each in both modes
  --format             how claims are put: chat (default) or claim (a
                       grounding checker such as MiniCheck)
  --mode               suspicious, all, or both (default; suspicious with
                       --format claim: a checker gives no whole-chunk verdict)
  --sets               held-out sets: letters (a = set_a_en_ru + set_a_zh_ja)
                       or file stems; default a,b,c,d
  --price-input/output US$ per million tokens; default 0.15 and 0.60
  --judge-max-claims   questions per chunk under suspicious (default 3, as
                       a run's)
  --concurrency        calls at once (default 8); --seed: the fake's (27)
";

/// US$ per million tokens, when not given: a small hosted model's price.
const DEFAULT_PRICE_INPUT: f64 = 0.15;
const DEFAULT_PRICE_OUTPUT: f64 = 0.60;
const DEFAULT_SETS: &str = "a,b,c,d";
/// What `--simulate` runs (the table).
const SIMULATED: [ErrorProfile; 4] = [
    ErrorProfile::Uniform(0.0),
    ErrorProfile::Uniform(0.1),
    ErrorProfile::Uniform(0.2),
    ErrorProfile::HardCase(0.1),
];

#[derive(Debug)]
struct Options {
    base_url: Option<String>,
    model: Option<String>,
    fake: Option<ErrorProfile>,
    simulate: bool,
    format: JudgeFormat,
    modes: Vec<JudgeMode>,
    sets: Vec<String>,
    price_input: f64,
    price_output: f64,
    concurrency: usize,
    seed: u64,
    allow_insecure_http: bool,
    max_claims: usize,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        base_url: None,
        model: None,
        fake: None,
        simulate: false,
        format: JudgeFormat::Chat,
        modes: vec![JudgeMode::Suspicious, JudgeMode::All],
        sets: DEFAULT_SETS.split(',').map(str::to_owned).collect(),
        price_input: DEFAULT_PRICE_INPUT,
        price_output: DEFAULT_PRICE_OUTPUT,
        concurrency: 8,
        seed: 27,
        allow_insecure_http: false,
        max_claims: DEFAULT_JUDGE_MAX_CLAIMS,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (flag.as_str(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .with_context(|| format!("{flag} needs a value\n\n{USAGE}"))
        };
        let number = |v: String| -> Result<f64> {
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .with_context(|| format!("{flag}: {v:?} is not a number ≥ 0"))
        };
        match flag {
            "--base-url" => o.base_url = Some(value()?),
            "--model" => o.model = Some(value()?),
            "--fake" => o.fake = Some(ErrorProfile::parse(&value()?).map_err(anyhow::Error::msg)?),
            "--simulate" => o.simulate = true,
            "--format" | "--judge-format" => {
                o.format = match value()?.as_str() {
                    "chat" => JudgeFormat::Chat,
                    "claim" => JudgeFormat::Claim,
                    other => bail!("--format is chat or claim, not {other:?}"),
                }
            }
            "--mode" => {
                o.modes = match value()?.as_str() {
                    "suspicious" => vec![JudgeMode::Suspicious],
                    "all" => vec![JudgeMode::All],
                    "both" => vec![JudgeMode::Suspicious, JudgeMode::All],
                    other => bail!("--mode is suspicious, all or both, not {other:?}"),
                }
            }
            "--sets" => {
                o.sets = value()?
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            "--price-input" => o.price_input = number(value()?)?,
            "--price-output" => o.price_output = number(value()?)?,
            "--concurrency" => {
                o.concurrency = value()?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .context("--concurrency must be a number ≥ 1")?;
            }
            "--seed" => o.seed = value()?.parse().context("--seed must be a number")?,
            "--judge-max-claims" | "--max-claims" => {
                o.max_claims = value()?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .context("--judge-max-claims must be a number ≥ 1")?;
            }
            "--allow-insecure-http" => o.allow_insecure_http = true,
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown flag {other:?}\n\n{USAGE}"),
        }
    }
    // A grounding checker answers Yes or No to a (document, claim) pair: it
    // cannot give the whole-chunk verdict `all` asks for.
    if o.format == JudgeFormat::Claim && !args.iter().any(|a| a.starts_with("--mode")) {
        o.modes = vec![JudgeMode::Suspicious];
    }
    let targets = usize::from(o.base_url.is_some()) + usize::from(o.fake.is_some()) + usize::from(o.simulate);
    ensure!(
        targets == 1,
        "name one judge: --base-url URL --model M, --fake PROFILE or --simulate\n\n{USAGE}"
    );
    ensure!(
        o.base_url.is_none() || o.model.is_some(),
        "--base-url needs --model"
    );
    ensure!(!o.sets.is_empty(), "--sets names no set");
    Ok(o)
}

/// One rewrite of the sets, as the gate saw it.
#[derive(Debug)]
struct Chunk {
    source: usize,
    rewrite: String,
    /// The error's carrier; `None` for a faithful restyle.
    carrier: Option<String>,
    passed: bool,
    suspicions: Vec<CheckKind>,
    questions: Vec<ClaimQuestion>,
}

/// Runs the gate on every restyle and variant, on every core.
fn gate_all(labels: &JudgeLabels, max_claims: usize) -> Result<Vec<Chunk>> {
    let mut work = Vec::new();
    for (s, source) in labels.sources().iter().enumerate() {
        for restyle in &source.restyles {
            let style = chunksynth_prompts::style(&restyle.style)
                .with_context(|| format!("{}: unknown style {:?}", source.id, restyle.style))?;
            work.push((s, style, restyle.text.clone(), None));
            for error in &restyle.errors {
                work.push((
                    s,
                    style,
                    error.variant(&restyle.text),
                    Some(error.carrier().to_owned()),
                ));
            }
        }
    }
    let base = FidelityConfig::default();
    crate::on_every_core(&work, |(s, style, rewrite, carrier)| {
        let gate = gate_for(&base, style);
        let report = fidelity(&labels.sources()[*s].text, rewrite, &gate);
        Chunk {
            source: *s,
            rewrite: rewrite.clone(),
            carrier: carrier.clone(),
            passed: report.passed,
            suspicions: report.suspicions.iter().map(|x| x.check).collect(),
            questions: claim_questions(&report.suspicions, max_claims),
        }
    })
}

/// Whether a mode asks the judge about a chunk: `suspicious` when the gate
/// passed it with a question to ask, `all` when the gate passed it.
fn asks(mode: JudgeMode, chunk: &Chunk) -> bool {
    match mode {
        JudgeMode::Off => false,
        JudgeMode::Suspicious => chunk.passed && !chunk.questions.is_empty(),
        JudgeMode::All => chunk.passed,
    }
}

/// The truth about each question the mode asks of a chunk, with its
/// hardness (the labels' rule, the one the fake answers from).
fn truths(
    labels: &JudgeLabels,
    mode: JudgeMode,
    chunk: &Chunk,
) -> Result<Vec<chunksynth_fake_llm::judge::Label>> {
    let source = &labels.sources()[chunk.source].text;
    let asked: Vec<Asked<'_>> = match mode {
        JudgeMode::Off => Vec::new(),
        JudgeMode::Suspicious => chunk
            .questions
            .iter()
            .map(|q| match q.side {
                ClaimSide::Supported => Asked::Supported {
                    source,
                    claim: &q.claim,
                },
                ClaimSide::Kept => Asked::Kept {
                    rewrite: &chunk.rewrite,
                    claim: &q.claim,
                },
            })
            .collect(),
        JudgeMode::All => vec![Asked::Chunk {
            source,
            rewrite: &chunk.rewrite,
        }],
    };
    asked
        .into_iter()
        .map(|a| {
            match a {
                Asked::Supported { source, claim } => labels.label_supported(source, claim),
                Asked::Kept { rewrite, claim } => labels.label_kept(rewrite, claim),
                Asked::Chunk { rewrite, .. } => labels.label_faithful(rewrite),
            }
            .context("a question about a text the labels do not hold")
        })
        .collect()
}

/// What the judge said about one chunk.
#[derive(Debug, Default)]
struct Judged {
    /// Per question: the truth, and the verdict (`None`: no verdict).
    answers: Vec<(bool, Option<bool>)>,
    calls: u64,
    usage: Usage,
    /// The call failed (the endpoint, or an unreadable whole-chunk verdict).
    error: Option<String>,
}

impl Judged {
    fn fails_chunk(&self) -> bool {
        self.answers.iter().any(|&(_, v)| v == Some(false))
    }
}

/// truth (holds, broken) × verdict (yes, no, none).
#[derive(Debug, Default, Clone, Copy)]
struct Confusion([[u64; 3]; 2]);

impl Confusion {
    fn add(&mut self, truth: bool, verdict: Option<bool>) {
        let row = usize::from(!truth);
        let col = match verdict {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        };
        self.0[row][col] += 1;
    }

    fn answered(&self) -> u64 {
        self.0.iter().map(|r| r[0] + r[1]).sum()
    }

    fn wrong(&self) -> u64 {
        self.0[0][1] + self.0[1][0]
    }

    fn no_verdict(&self) -> u64 {
        self.0[0][2] + self.0[1][2]
    }

    fn total(&self) -> u64 {
        self.answered() + self.no_verdict()
    }

    fn print(&self, mode: JudgeMode) {
        let (yes, no, holds, broken) = match mode {
            JudgeMode::All => ("says faithful", "says unfaithful", "faithful", "an error variant"),
            _ => ("says supported", "says unsupported", "supported", "not supported"),
        };
        println!("| truth \\ judge | {yes} | {no} | no verdict |\n|---|---|---|---|");
        println!(
            "| {holds} | {} | {} | {} |",
            self.0[0][0], self.0[0][1], self.0[0][2]
        );
        println!(
            "| {broken} | {} | {} | {} |",
            self.0[1][0], self.0[1][1], self.0[1][2]
        );
        let answered = self.answered().max(1) as f64;
        println!(
            "\nwrong: {} / {} answered = {:.1}%; no verdict: {}",
            self.wrong(),
            self.answered(),
            100.0 * self.wrong() as f64 / answered,
            self.no_verdict()
        );
    }
}

/// (hits, total).
#[derive(Debug, Default, Clone, Copy)]
struct Count(u64, u64);

impl Count {
    fn add(&mut self, hit: bool) {
        self.0 += u64::from(hit);
        self.1 += 1;
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = if self.1 == 0 {
            0.0
        } else {
            100.0 * self.0 as f64 / self.1 as f64
        };
        write!(f, "{} / {} ({pct:.0}%)", self.0, self.1)
    }
}

/// What one run measured.
#[derive(Debug, Default)]
struct Figures {
    confusion: Confusion,
    gate_alarms: Count,
    alarms: Count,
    gate_caught: Count,
    caught: Count,
    /// Per carrier: (gate alone, gate + judge).
    by_carrier: BTreeMap<String, (Count, Count)>,
    calls_faithful: u64,
    calls_all: u64,
    usage_faithful: Usage,
    usage_all: Usage,
    faithful: u64,
    chunks: u64,
    judge_errors: Vec<String>,
    judged_chunks: u64,
}

impl Figures {
    fn cost_per_1000(&self, o: &Options) -> f64 {
        let per_chunk = (self.usage_faithful.prompt_tokens as f64 * o.price_input
            + self.usage_faithful.completion_tokens as f64 * o.price_output)
            / 1e6
            / self.faithful.max(1) as f64;
        per_chunk * 1000.0
    }

    fn calls_per_chunk(&self) -> f64 {
        self.calls_faithful as f64 / self.faithful.max(1) as f64
    }

    fn word(&self) -> (Count, Count) {
        self.by_carrier.get("word").copied().unwrap_or_default()
    }
}

fn backend(o: &Options, base_url: &str, model: &str) -> Result<Arc<dyn LanguageModel>> {
    let key = [env::JUDGE_API_KEY, env::API_KEY]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|k| !k.trim().is_empty()))
        .map(ApiKey::new);
    let mut config = BackendConfig::new(base_url, key, model);
    config.limits.max_in_flight = o.concurrency;
    config.allow_insecure_http = o.allow_insecure_http;
    config.timeouts.request = Duration::from_secs(300);
    let backend = OpenAiBackend::new(config).with_context(|| format!("the judge's endpoint {base_url}"))?;
    Ok(Arc::new(backend))
}

/// Asks the judge about every chunk the mode judges, `concurrency` at once.
async fn judge_all(
    labels: &JudgeLabels,
    chunks: &[Chunk],
    mode: JudgeMode,
    model: Arc<dyn LanguageModel>,
    o: &Options,
) -> Result<Vec<Option<Judged>>> {
    let templates = TemplateSet::defaults(Language::En);
    let claims = LlmClaimJudge {
        model: model.clone(),
        templates: templates.clone(),
        format: o.format,
    };
    let whole = LlmJudge { model, templates };
    let (claims, whole) = (&claims, &whole);
    let jobs = chunks.iter().enumerate().map(|(i, chunk)| async move {
        if !asks(mode, chunk) {
            return Ok((i, None));
        }
        let truth = truths(labels, mode, chunk)?;
        let source = &labels.sources()[chunk.source].text;
        let mut judged = Judged::default();
        match mode {
            JudgeMode::All => match whole.judge(source, &chunk.rewrite).await {
                Ok((verdict, usage)) => {
                    judged.calls = 1;
                    judged.usage = usage;
                    judged.answers = vec![(truth[0].holds, Some(verdict.faithful))];
                }
                Err(e) => {
                    judged.calls = 1;
                    judged.answers = vec![(truth[0].holds, None)];
                    judged.error = Some(e.to_string());
                }
            },
            _ => match claims
                .judge_claims(source, &chunk.rewrite, &chunk.questions)
                .await
            {
                Ok(j) => {
                    judged.calls = u64::from(j.calls);
                    judged.usage = j.usage;
                    judged.answers = truth
                        .iter()
                        .zip(&j.verdicts)
                        .map(|(t, v)| (t.holds, v.supported))
                        .collect();
                }
                Err(e) => {
                    judged.answers = truth.iter().map(|t| (t.holds, None)).collect();
                    judged.error = Some(e.to_string());
                }
            },
        }
        anyhow::Ok((i, Some(judged)))
    });
    let mut out: Vec<Option<Judged>> = (0..chunks.len()).map(|_| None).collect();
    let mut results = futures_util::stream::iter(jobs).buffer_unordered(o.concurrency);
    while let Some(result) = results.next().await {
        let (i, judged) = result?;
        out[i] = judged;
    }
    Ok(out)
}

fn figures(chunks: &[Chunk], judged: &[Option<Judged>]) -> Figures {
    let mut f = Figures::default();
    for (chunk, judged) in chunks.iter().zip(judged) {
        let by_judge = judged.as_ref().is_some_and(Judged::fails_chunk);
        let failed = !chunk.passed || by_judge;
        let (calls, usage) = judged
            .as_ref()
            .map_or((0, Usage::default()), |j| (j.calls, j.usage));
        f.chunks += 1;
        f.calls_all += calls;
        f.usage_all += usage;
        if let Some(j) = judged {
            f.judged_chunks += 1;
            for &(truth, verdict) in &j.answers {
                f.confusion.add(truth, verdict);
            }
            if let Some(e) = &j.error {
                f.judge_errors.push(e.clone());
            }
        }
        match &chunk.carrier {
            None => {
                f.faithful += 1;
                f.calls_faithful += calls;
                f.usage_faithful += usage;
                f.gate_alarms.add(!chunk.passed);
                f.alarms.add(failed);
            }
            Some(carrier) => {
                f.gate_caught.add(!chunk.passed);
                f.caught.add(failed);
                let e = f.by_carrier.entry(carrier.clone()).or_default();
                e.0.add(!chunk.passed);
                e.1.add(failed);
            }
        }
    }
    f
}

/// What a fake run must show, or the run fails: every question answered,
/// the fake's own count of wrong answers the same as the labels', and the
/// wrong rate near the asked one.
fn check_fake(f: &Figures, judge: &LabelledJudge, profile: ErrorProfile) -> Result<()> {
    let stats = judge.stats();
    let mut problems = Vec::new();
    if !f.judge_errors.is_empty() {
        problems.push(format!(
            "{} judge calls failed, first: {}",
            f.judge_errors.len(),
            f.judge_errors[0]
        ));
    }
    if f.confusion.no_verdict() > 0 {
        problems.push(format!("{} questions got no verdict", f.confusion.no_verdict()));
    }
    if stats.unknown > 0 {
        problems.push(format!("the fake could not read {} prompts", stats.unknown));
    }
    if stats.answered != f.confusion.answered() || stats.wrong != f.confusion.wrong() {
        problems.push(format!(
            "the fake answered {} questions, {} wrong; the labels count {} answers, {} wrong",
            stats.answered,
            stats.wrong,
            f.confusion.answered(),
            f.confusion.wrong()
        ));
    }
    let n = f.confusion.answered();
    if n > 0 {
        let p = profile.rate();
        let rate = f.confusion.wrong() as f64 / n as f64;
        let tolerance = 4.0 * (p * (1.0 - p) / n as f64).sqrt() + 0.01;
        if (rate - p).abs() > tolerance {
            problems.push(format!(
                "the fake was wrong on {:.1}% of {n} answers, asked {:.1}% (± {:.1}%)",
                rate * 100.0,
                p * 100.0,
                tolerance * 100.0
            ));
        }
    }
    ensure!(
        problems.is_empty(),
        "the labelled fake judge ({profile}) misbehaved:\n  {}",
        problems.join("\n  ")
    );
    Ok(())
}

/// A fake judge on loopback, calibrated on the questions the mode will ask.
async fn start_fake(
    labels: &Arc<JudgeLabels>,
    chunks: &[Chunk],
    mode: JudgeMode,
    profile: ErrorProfile,
    o: &Options,
) -> Result<(FakeLlm, Arc<LabelledJudge>)> {
    let (mut hard, mut total) = (0, 0);
    for chunk in chunks.iter().filter(|c| asks(mode, c)) {
        for label in truths(labels, mode, chunk)? {
            hard += usize::from(label.hard);
            total += 1;
        }
    }
    let mut judge = LabelledJudge::new(labels.clone(), profile, o.seed);
    judge.calibrate(hard, total);
    let judge = Arc::new(judge);
    let serving = judge.clone();
    let options = FakeOptions {
        record_requests: false,
        ..FakeOptions::default()
    };
    let fake = FakeLlm::start_with(options, move |r| serving.reply(r)).await?;
    Ok((fake, judge))
}

fn print_run(o: &Options, f: &Figures, mode: JudgeMode) {
    f.confusion.print(mode);
    if !f.judge_errors.is_empty() {
        println!(
            "judge calls that failed: {} (first: {})",
            f.judge_errors.len(),
            f.judge_errors[0]
        );
    }
    println!("\n| | gate alone | gate + judge |\n|---|---|---|");
    println!(
        "| false alarms (faithful restyles failed) | {} | {} |",
        f.gate_alarms, f.alarms
    );
    println!(
        "| detection (error variants failed) | {} | {} |",
        f.gate_caught, f.caught
    );
    for (carrier, (gate, both)) in &f.by_carrier {
        println!("| detection, {carrier}-carried | {gate} | {both} |");
    }
    println!(
        "\njudge calls: {:.2} per faithful restyle, {:.2} per chunk of all {} ({} chunks judged)",
        f.calls_per_chunk(),
        f.calls_all as f64 / f.chunks.max(1) as f64,
        f.chunks,
        f.judged_chunks
    );
    println!(
        "tokens per faithful restyle: {:.0} in, {:.0} out; cost per 1,000 chunks: ${:.3} (at ${} / ${} per million input / output tokens)",
        f.usage_faithful.prompt_tokens as f64 / f.faithful.max(1) as f64,
        f.usage_faithful.completion_tokens as f64 / f.faithful.max(1) as f64,
        f.cost_per_1000(o),
        o.price_input,
        o.price_output
    );
}

/// Questions whose claim is not found as written in its text: the truth
/// rule reads claims as written, so this should be none.
fn unmatched_claims(labels: &JudgeLabels, chunks: &[Chunk]) -> usize {
    chunks
        .iter()
        .flat_map(|c| c.questions.iter().map(move |q| (c, q)))
        .filter(|(c, q)| {
            let text = match q.side {
                ClaimSide::Supported => c.rewrite.as_str(),
                ClaimSide::Kept => labels.sources()[c.source].text.as_str(),
            };
            !JudgeLabels::verbatim(text, &q.claim)
        })
        .count()
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    let started = Instant::now();
    let names: Vec<&str> = o.sets.iter().map(String::as_str).collect();
    let mut labels = JudgeLabels::load(&suite_dir(), &names).map_err(anyhow::Error::msg)?;
    let chunks = gate_all(&labels, o.max_claims)?;
    // The checks that raised each claim and each chunk's suspicions: the
    // hard-case profile's paraphrases.
    for chunk in &chunks {
        for q in &chunk.questions {
            labels.hint(&q.claim, &q.check);
        }
        for check in &chunk.suspicions {
            labels.hint(&chunk.rewrite, check.name());
        }
    }
    let labels = Arc::new(labels);
    let faithful = chunks.iter().filter(|c| c.carrier.is_none()).count();
    println!(
        "sets {}: {} sources, {faithful} faithful restyles, {} error variants; gate in {:.1} s",
        o.sets.join(","),
        labels.sources().len(),
        chunks.len() - faithful,
        started.elapsed().as_secs_f64()
    );
    let silent = chunks
        .iter()
        .filter(|c| c.passed && !c.suspicions.is_empty() && c.questions.is_empty())
        .count();
    println!(
        "claims not found as written in their text: {}; chunks with suspicions but no question: {silent}",
        unmatched_claims(&labels, &chunks)
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    if o.simulate {
        return runtime.block_on(simulate(&o, &labels, &chunks, started));
    }
    runtime.block_on(async {
        for &mode in &o.modes {
            let asked = match mode {
                JudgeMode::All => "the whole-chunk prompt".to_owned(),
                _ => format!("format {}", o.format.name()),
            };
            println!(
                "\n## judge {}, mode {}, {asked}\n",
                o.fake
                    .map_or_else(|| o.model.clone().unwrap_or_default(), |p| format!("fake {p}")),
                mode.name(),
            );
            let f = match (o.fake, &o.base_url, &o.model) {
                (Some(profile), _, _) => {
                    let (fake, judge) = start_fake(&labels, &chunks, mode, profile, &o).await?;
                    let model = backend(&o, &fake.base_url(), "labelled-fake-judge")?;
                    let f = figures(&chunks, &judge_all(&labels, &chunks, mode, model, &o).await?);
                    print_run(&o, &f, mode);
                    check_fake(&f, &judge, profile)?;
                    f
                }
                (None, Some(url), Some(model)) => {
                    let backend = backend(&o, url, model)?;
                    let f = figures(&chunks, &judge_all(&labels, &chunks, mode, backend, &o).await?);
                    print_run(&o, &f, mode);
                    f
                }
                _ => unreachable!("parse() names one judge"),
            };
            if o.fake.is_none() && f.judged_chunks > 0 && f.judge_errors.len() as u64 == f.judged_chunks {
                bail!("every judge call failed; first: {}", f.judge_errors[0]);
            }
        }
        println!("\njudge-eval done in {:.1} s", started.elapsed().as_secs_f64());
        Ok(())
    })
}

/// The table: each simulated profile in both modes, one Markdown
/// table, every fake run checked.
async fn simulate(o: &Options, labels: &Arc<JudgeLabels>, chunks: &[Chunk], started: Instant) -> Result<()> {
    let mut rows = Vec::new();
    let no_judge: Vec<Option<Judged>> = chunks.iter().map(|_| None).collect();
    let gate = figures(chunks, &no_judge);
    let (gate_word, _) = gate.word();
    rows.push(format!(
        "| gate alone | — | — | {} | {} | {} | 0 | $0 |",
        gate.gate_alarms, gate.gate_caught, gate_word
    ));
    for profile in SIMULATED {
        for mode in [JudgeMode::Suspicious, JudgeMode::All] {
            let (fake, judge) = start_fake(labels, chunks, mode, profile, o).await?;
            let model = backend(o, &fake.base_url(), "labelled-fake-judge")?;
            let f = figures(chunks, &judge_all(labels, chunks, mode, model, o).await?);
            check_fake(&f, &judge, profile)?;
            let (_, word) = f.word();
            let wrong = f.confusion.wrong() as f64 / f.confusion.answered().max(1) as f64;
            rows.push(format!(
                "| {profile} | {} | {:.1}% of {} | {} | {} | {} | {:.2} | ${:.3} |",
                mode.name(),
                wrong * 100.0,
                f.confusion.answered(),
                f.alarms,
                f.caught,
                word,
                f.calls_per_chunk(),
                f.cost_per_1000(o)
            ));
            println!(
                "{profile} {}: {} questions, {:.1}% answered wrong",
                mode.name(),
                f.confusion.total(),
                wrong * 100.0
            );
        }
    }
    println!(
        "\n| judge | mode | judge wrong | false alarms | detection | word-carried detection | judge calls / chunk | cost / 1,000 chunks |\n|---|---|---|---|---|---|---|---|"
    );
    for row in rows {
        println!("{row}");
    }
    println!(
        "\nsets {}, format {}; calls and cost per faithful restyle, at ${} / ${} per million input / output tokens (the fake counts 4 bytes a token); done in {:.1} s",
        o.sets.join(","),
        o.format.name(),
        o.price_input,
        o.price_output,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// CI runs the chat format; the grounding checker's (document, claim)
    /// form must read and score as well, one call a question.
    #[test]
    fn the_claim_format_is_measured_against_the_fake_too() {
        run(&args(&[
            "--fake",
            "uniform:0.1",
            "--sets",
            "a",
            "--format",
            "claim",
            "--mode",
            "suspicious",
        ]))
        .unwrap();
    }

    #[test]
    fn a_fake_run_fails_on_a_missing_verdict_a_miscount_or_a_rate_far_off() {
        let labels = Arc::new(JudgeLabels::default());
        let judge = LabelledJudge::new(labels, ErrorProfile::Uniform(0.1), 1);
        let mut f = Figures::default();
        for i in 0..100 {
            f.confusion.add(true, Some(i >= 10));
        }
        // The fake says it answered nothing: a miscount.
        assert!(check_fake(&f, &judge, ErrorProfile::Uniform(0.1)).is_err());
        // 10% wrong is no uniform:0.5.
        let far = check_fake(&f, &judge, ErrorProfile::Uniform(0.5)).unwrap_err();
        assert!(far.to_string().contains("asked 50.0%"), "{far}");
        f.confusion.add(false, None);
        let none = check_fake(&f, &judge, ErrorProfile::Uniform(0.1)).unwrap_err();
        assert!(none.to_string().contains("1 questions got no verdict"), "{none}");
    }

    #[test]
    fn one_judge_must_be_named() {
        assert!(parse(&args(&["--sets", "a"])).is_err());
        assert!(parse(&args(&["--fake", "uniform:0.1", "--simulate"])).is_err());
        assert!(parse(&args(&["--base-url", "http://127.0.0.1:1/v1"])).is_err());
        let o = parse(&args(&[
            "--fake=hard-case:0.2",
            "--sets",
            "a, e",
            "--mode",
            "all",
        ]))
        .unwrap();
        assert_eq!(o.sets, ["a", "e"]);
        assert_eq!(o.modes, [JudgeMode::All]);
        assert_eq!(o.fake, Some(ErrorProfile::HardCase(0.2)));
    }
}
