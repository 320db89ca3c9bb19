//! Running a job: the run's configuration from the settings, the model it
//! calls (an endpoint, a batch runner, or the demo), first contact, signals,
//! and the run itself.

use super::*;

pub(crate) fn tokenizer_and_language(
    tokenizer: &str,
    language: &str,
) -> Result<(Arc<dyn chunksynth_chunking::Tokenizer>, Language)> {
    let tokenizer = tokenizer
        .parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .context("--tokenizer")?;
    let language: Language = language.parse().map_err(anyhow::Error::msg)?;
    Ok((tokenizer, language))
}

pub(crate) fn with_suffix(path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `out.jsonl` → `out.shard-0003-of-0008.jsonl`: each shard writes its own files.
pub(crate) fn shard_path(path: &std::path::Path, shard: Option<Shard>) -> PathBuf {
    shard.map_or_else(|| path.to_path_buf(), |s| chunksynth_runner::shard_file(path, s))
}

pub(crate) fn resolve_shard(corpus: &CorpusArgs) -> Result<Option<Shard>> {
    Ok(match corpus.shard.as_deref() {
        Some("auto") => Some(
            Shard::from_env(|n| std::env::var(n).ok(), corpus.shard_count)
                .map_err(anyhow::Error::msg)?
                .context("--shard auto: no SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment")?,
        ),
        Some(spec) => Some(Shard::parse(spec).map_err(anyhow::Error::msg)?),
        None => None,
    })
}

/// The run configuration both jobs share, from the corpus flags.
pub(crate) fn corpus_config(
    corpus: &CorpusArgs,
    settings: &Settings,
    job: Job,
    input: InputSource,
    format: InputFormat,
) -> Result<RunConfig> {
    let shard = resolve_shard(corpus)?;
    let (tokenizer, language) = tokenizer_and_language(&corpus.tokenizer, &corpus.language)?;
    if let InputSource::Path(p) = &input
        && !p.exists()
        && !p.to_string_lossy().contains(['*', '?'])
    {
        bail!("input {} does not exist", p.display());
    }
    if let Some(reserved) = corpus
        .keep_fields
        .iter()
        .find(|f| RESERVED_FIELDS.contains(&f.as_str()))
    {
        bail!(
            "--keep-fields {reserved}: the output records have a field of that name already; keep the others"
        );
    }
    let read = ReadOptions {
        format: corpus
            .input_format
            .as_deref()
            .map(DataFormat::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--input-format: {e}"))?,
        ids_per_shard: corpus.ids_per_shard,
        keep: if corpus.keep_all_fields {
            KeepFields::All
        } else if corpus.keep_fields.is_empty() {
            KeepFields::None
        } else {
            KeepFields::These(corpus.keep_fields.clone())
        },
    };
    let prices = prices(settings);
    if corpus.max_cost.is_some() && prices.models.is_empty() {
        bail!("--max-cost needs prices: give --price-input and --price-output");
    }
    // A store output is written locally into the work dir and published
    // from there (crate::store_output).
    let output = match crate::store_output::url(corpus) {
        Some(url) => shard_path(
            &crate::store_output::work_dir(corpus, url, shard).join("records.jsonl"),
            shard,
        ),
        None => shard_path(&corpus.output, shard),
    };
    let output_parts = corpus
        .output_format
        .as_deref()
        .map(|f| {
            DataFormat::parse(f)
                .ok()
                .filter(|f| *f != DataFormat::Text)
                .map(|format| OutputParts {
                    format,
                    records_per_file: corpus.output_records_per_file.max(1),
                })
                .ok_or_else(|| {
                    anyhow::anyhow!("--output-format {f}: use parquet, jsonl.zst, jsonl.gz or jsonl")
                })
        })
        .transpose()?;
    let output_parts = output_parts.filter(|_| crate::store_output::url(corpus).is_none());
    if output_parts.is_some() && corpus.output.is_file() {
        bail!(
            "--output-format writes a folder of parts, and {} is a file: give a folder path",
            corpus.output.display()
        );
    }
    Ok(RunConfig {
        input,
        format,
        read,
        output_parts,
        rejects: corpus.rejects.clone().map_or_else(
            || with_suffix(&output, ".rejects.jsonl"),
            |p| shard_path(&p, shard),
        ),
        journal: corpus.journal.clone().map_or_else(
            || with_suffix(&output, ".journal.jsonl"),
            |p| shard_path(&p, shard),
        ),
        output,
        job,
        concurrency: settings
            .concurrency
            .unwrap_or(if corpus.batch_command.is_some() || corpus.batch {
                corpus.batch_max_requests
            } else {
                chunksynth_runner::DEFAULT_CONCURRENCY
            }),
        shard,
        budget: Budget {
            max_cost: corpus.max_cost,
            max_tokens: corpus.max_tokens,
        },
        prices,
        pipeline: PipelineConfig::default(),
        tokenizer,
        language,
        sampling: sampling(settings),
        endpoints: Vec::new(),
        sync_journal: true,
        lookahead: corpus.lookahead,
        restart: corpus.restart,
        outage_timeout: (corpus.outage_timeout > 0)
            .then(|| std::time::Duration::from_secs(corpus.outage_timeout)),
        grace: corpus
            .grace_seconds
            .map_or(chunksynth_runner::DEFAULT_GRACE, std::time::Duration::from_secs),
    })
}

pub(crate) fn input_source(input: &str) -> InputSource {
    if input == "-" {
        InputSource::Stdin
    } else if chunksynth_runner::remote::is_url(input) {
        InputSource::Object(input.to_owned())
    } else {
        InputSource::Path(PathBuf::from(input))
    }
}

pub(crate) async fn rephrase(args: RephraseArgs, file: &Settings, quiet: bool, verbose: u8) -> Result<u8> {
    let flags = Settings {
        styles: match (&args.style, args.styles.is_empty()) {
            (Some(s), _) => Some(vec![s.clone()]),
            (None, false) => Some(args.styles.clone()),
            (None, true) => None,
        },
        concurrency: args.corpus.concurrency,
        chunk_tokens: args.chunk_tokens,
        overlap_tokens: args.overlap_tokens,
        prefix_window_tokens: args.prefix_window_tokens,
        window_layout: args.window_layout,
        history_tokens: args.history_tokens,
        anchor_tokens: args.anchor_tokens,
        max_attempts: args.max_attempts,
        fidelity_threshold: args.fidelity_threshold,
        max_suspicions: args.max_suspicions,
        ..flag_settings(&args.model)
    };
    let settings = resolve(flags, file);
    // Repeats are dropped by the runner (one owner for what a style list means).
    let styles = settings
        .styles
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_STYLE.to_owned()]);
    let job = Job::Rephrase {
        styles,
        variants: args.variants,
        seed: args.seed,
    };
    let format = InputFormat::Jsonl {
        id_field: args.corpus.id_field.clone(),
        text_field: args.text_field.clone(),
    };
    let mut config = corpus_config(&args.corpus, &settings, job, input_source(&args.input), format)?;
    let pipeline = &mut config.pipeline;
    let s = &settings;
    pipeline.chunk_tokens = s.chunk_tokens.unwrap_or(pipeline.chunk_tokens);
    pipeline.overlap_tokens = s.overlap_tokens.unwrap_or(pipeline.overlap_tokens);
    pipeline.prefix_window_tokens = s.prefix_window_tokens.unwrap_or(pipeline.prefix_window_tokens);
    if let Some(v) = s.window_layout {
        pipeline.window_layout = match v {
            Layout::Rolling => WindowLayout::Rolling,
            Layout::Sticky => WindowLayout::Sticky,
            Layout::Conversation => WindowLayout::Conversation,
        };
    }
    pipeline.history_tokens = s.history_tokens.unwrap_or(pipeline.history_tokens);
    pipeline.anchor_tokens = s.anchor_tokens.unwrap_or(pipeline.anchor_tokens);
    pipeline.max_attempts = s.max_attempts.unwrap_or(pipeline.max_attempts);
    pipeline.fidelity.threshold = s.fidelity_threshold.unwrap_or(pipeline.fidelity.threshold);
    pipeline.fidelity.max_suspicions = s.max_suspicions;
    pipeline.style_bounds = s.style_bounds()?;
    pipeline.max_new_tokens = s.max_new_tokens;
    pipeline.keep_attempt_texts = args.keep_attempt_texts;
    pipeline.on_failure = match args.on_failure {
        OnFailure::KeepBest => FailurePolicy::KeepBest,
        OnFailure::FallBackToSource => FailurePolicy::FallBackToSource,
        OnFailure::FailDocument => FailurePolicy::FailDocument,
    };
    apply_judge(&args.judge, &mut config, &settings)?;
    let judge = (args.judge.llm_judge != JudgeModeArg::Off).then_some(&args.judge);
    run_corpus(
        config,
        &args.corpus,
        &args.model,
        &settings,
        judge,
        quiet,
        verbose,
    )
    .await
}

/// The judge's settings into the run's configuration, its prices into
/// the price table.
fn apply_judge(judge: &JudgeArgs, config: &mut RunConfig, settings: &Settings) -> Result<()> {
    let pipeline = &mut config.pipeline;
    pipeline.llm_judge = match judge.llm_judge {
        JudgeModeArg::Off => JudgeMode::Off,
        JudgeModeArg::Suspicious => JudgeMode::Suspicious,
        JudgeModeArg::All => JudgeMode::All,
    };
    pipeline.judge_format = match judge.judge_format {
        JudgeFormatArg::Chat => JudgeFormat::Chat,
        JudgeFormatArg::Claim => JudgeFormat::Claim,
    };
    pipeline.judge_max_claims = judge.judge_max_claims.unwrap_or(pipeline.judge_max_claims).max(1);
    if let Some(price) = judge_price(judge)? {
        config
            .prices
            .models
            .insert(judge_model_id(judge, settings), price);
    }
    Ok(())
}

/// The judge's model ID: its own, or the run's.
fn judge_model_id(j: &JudgeArgs, s: &Settings) -> String {
    j.judge_model.clone().unwrap_or_else(|| resolve_model(s))
}

/// The judge's prices, when both are given.
fn judge_price(j: &JudgeArgs) -> Result<Option<Price>> {
    match (j.price_judge_input, j.price_judge_output) {
        (Some(i), Some(o)) => Ok(Some(Price {
            input_per_million: i,
            output_per_million: o,
            cached_input_per_million: None,
        })),
        (None, None) => Ok(None),
        _ => bail!("give both --price-judge-input and --price-judge-output, or neither"),
    }
}

/// The judge's own backend, when it has its own model or endpoint: the
/// run's endpoints and key for a model of their own; another endpoint
/// with JUDGE_API_KEY (the run's key only where the origin is the run's).
pub(crate) async fn judge_model_for(
    j: &JudgeArgs,
    corpus: &CorpusArgs,
    model_args: &ModelArgs,
    settings: &Settings,
) -> Result<Option<Arc<OpenAiBackend>>> {
    if corpus.demo || (j.judge_model.is_none() && j.judge_base_url.is_none()) {
        return Ok(None);
    }
    let mut config = backend_config(model_args, settings)?;
    config.model = judge_model_id(j, settings);
    config.streaming = false;
    config.server_priority = false;
    if let Some(url) = &j.judge_base_url {
        let judge = EndpointConfig::new(url.clone(), None);
        let same_origin = config.endpoints.iter().find(|e| e.origin() == judge.origin());
        let key = config::env_var(env::JUDGE_API_KEY)
            .map(ApiKey::new)
            .or_else(|| same_origin.and_then(|e| e.api_key.clone()));
        config.endpoints = vec![EndpointConfig::new(url.clone(), key)];
        config
            .validate()
            .context("the judge's endpoint (--judge-base-url, JUDGE_API_KEY)")?;
    }
    Ok(Some(Arc::new(OpenAiBackend::new(config)?)))
}

pub(crate) async fn generate(args: GenerateArgs, file: &Settings, quiet: bool, verbose: u8) -> Result<u8> {
    let flags = Settings {
        concurrency: args.corpus.concurrency,
        ..flag_settings(&args.model)
    };
    let settings = resolve(flags, file);
    let input = if let Some(path) = &args.manual_plan {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let plan = GenerationPlan::from_json(&text).with_context(|| format!("in {}", path.display()))?;
        InputSource::Inline(format!("{}\n", serde_json::json!({ "plan": plan })))
    } else if let Some(topics) = &args.topics {
        input_source(topics)
    } else if let Some(topic) = &args.topic {
        let spec = TopicSpec {
            topic: topic.clone(),
            objective: args.objective.clone(),
            target_tokens: args.target_tokens,
            audience: args.audience.clone(),
            tone: args.tone.clone(),
        };
        InputSource::Inline(format!("{}\n", serde_json::to_string(&spec)?))
    } else {
        bail!("give --topics, --topic or --manual-plan");
    };
    let defaults = GenerationConfig::default();
    let job = Job::Generate {
        config: GenerationConfig {
            max_tokens_per_call: settings.max_new_tokens.unwrap_or(defaults.max_tokens_per_call),
            consistency_pass: !args.no_consistency_pass,
            prefix_window_tokens: args.prefix_window_tokens.unwrap_or(defaults.prefix_window_tokens),
            ..defaults
        },
        on_qc_failure: match args.on_qc_failure {
            OnQcFailure::Keep => QcPolicy::Keep,
            OnQcFailure::Reject => QcPolicy::Reject,
        },
    };
    let format = InputFormat::Specs {
        id_field: args.corpus.id_field.clone(),
    };
    let mut config = corpus_config(&args.corpus, &settings, job, input, format)?;
    apply_judge(&args.judge, &mut config, &settings)?;
    let judge = (args.judge.llm_judge != JudgeModeArg::Off).then_some(&args.judge);
    run_corpus(
        config,
        &args.corpus,
        &args.model,
        &settings,
        judge,
        quiet,
        verbose,
    )
    .await
}

/// Runs a configured job to its end (or prints its dry-run estimate), with
/// progress, the summary and the exit code.
pub(crate) async fn run_corpus(
    config: RunConfig,
    corpus: &CorpusArgs,
    model_args: &ModelArgs,
    settings: &Settings,
    judge: Option<&JudgeArgs>,
    quiet: bool,
    verbose: u8,
) -> Result<u8> {
    if let Some(s) = config.shard
        && !quiet
    {
        eprintln!(
            "sharded run: shard {} of {}; records of other shards are skipped",
            s.index, s.count
        );
    }
    if let InputSource::Path(p) = &config.input
        && !quiet
        && std::fs::metadata(p).is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()))
    {
        // Read as a stream, like stdin (`--input <(zstd -dc x.zst)`).
        eprintln!(
            "reading {} as a stream (a FIFO: it waits for a writer)",
            p.display()
        );
    }
    let store = crate::store_output::open(&config, corpus, corpus.dry_run, quiet).await?;
    let mut config = config;
    if corpus.batch {
        for price in config.prices.models.values_mut() {
            price.input_per_million *= corpus.price_batch_discount;
            price.output_per_million *= corpus.price_batch_discount;
            if let Some(c) = &mut price.cached_input_per_million {
                *c *= corpus.price_batch_discount;
            }
        }
    }
    if corpus.dry_run {
        let model = if corpus.demo {
            chunksynth_demo::DEMO_MODEL.to_owned()
        } else {
            resolve_model(settings)
        };
        let est = dry_run(&config, &model).await?;
        if (corpus.batch || corpus.batch_command.is_some()) && !quiet {
            eprintln!(
                "batch: about {} rounds (the longest chain of calls, repairs aside), the first of about {} requests{}",
                est.longest_chain,
                est.documents.min(corpus.batch_max_requests),
                if corpus.batch {
                    format!("; prices at {}× online", corpus.price_batch_discount)
                } else {
                    String::new()
                }
            );
        }
        print_quietly(&format!("{}\n", serde_json::to_string_pretty(&est)?))?;
        if !quiet {
            eprintln!(
                "dry run: {} items ({} unreadable), {} calls, ~{} prompt + ~{} completion tokens{}; nothing was sent",
                est.documents,
                est.rejected,
                est.calls,
                est.prompt_tokens,
                est.completion_tokens,
                est.cost
                    .map(|c| format!(", ~{} at the given prices", progress::money(c)))
                    .unwrap_or_default()
            );
        }
        return Ok(exit::OK);
    }
    let (model, ledger, endpoints, batch) = model_for(corpus, &config, model_args, settings).await?;
    let output = config.output.clone();
    let rejects = config.rejects.clone();
    let records_path = config.records_path();
    let generating = matches!(config.job, Job::Generate { .. });
    let model_id_for_display = model.model_id().to_owned();
    let config = RunConfig { endpoints, ..config };
    let grace = config.grace;
    let prices_for_display = config.prices.clone();
    let mut runner = Runner::new(model, Some(ledger.clone()), config)?;
    let mut contacts = Vec::new();
    if !corpus.demo && !corpus.batch && corpus.batch_command.is_none() {
        let run_backend = Arc::new(OpenAiBackend::new(backend_config(model_args, settings)?)?);
        contacts.push(first_contact(run_backend, corpus.wait_for_endpoint, ""));
    }
    if let Some(j) = judge
        && let Some(backend) = judge_model_for(j, corpus, model_args, settings).await?
    {
        contacts.push(first_contact(
            backend.clone(),
            corpus.wait_for_endpoint,
            "the judge: ",
        ));
        runner = runner.with_judge_model(backend.clone(), Some(backend.ledger()));
    }
    if !contacts.is_empty() {
        runner = runner.with_first_contact(Box::new(move || {
            Box::pin(async move {
                for contact in contacts {
                    contact().await?;
                }
                Ok(())
            })
        }));
    }
    let (events_tx, events_rx) = tokio::sync::mpsc::unbounded_channel();
    let sources = progress::Sources {
        ledger: ledger.clone(),
        input: runner.input_progress(),
        batch: batch.clone(),
        prices: prices_for_display,
        model: model_id_for_display,
    };
    let display = progress::spawn(events_rx, sources, quiet, verbose);
    let stop_tx = Arc::new(tokio::sync::watch::channel(0u8).0);
    let stop = crate::signals::stop_on_signals(stop_tx.clone(), grace, runner.calls_in_flight(), quiet);
    let publisher = store.as_ref().and_then(|s| s.start(stop_tx));
    let watch = crate::page::watch::spawn(corpus, &records_path, &rejects);
    let summary = runner.run(Some(events_tx), stop).await;
    let _ = display.await;
    if let Some((task, page)) = watch {
        task.abort();
        let _ = task.await;
        let output = output.clone();
        let made = tokio::task::spawn_blocking(move || {
            crate::page::report(&crate::page::ReportArgs {
                output: &output,
                input: None,
                text_field: "text",
                page: &page,
                sample: crate::page::DEFAULT_SAMPLE,
                seed: 0,
                review: false,
                prices: None,
            })
        })
        .await;
        if let Ok(Err(e)) | Err(e) = made.map_err(anyhow::Error::from) {
            eprintln!("warning: the report page was not written: {e:#}");
        }
    }
    let published = match publisher {
        Some(p) => Some(p.finish().await),
        None => None,
    };
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(if e.is_usage() {
                exit::USAGE
            } else {
                exit::INCOMPLETE
            });
        }
    };
    if let (Some(published), Some(store)) = (&published, &store) {
        match published {
            Ok(p) if !quiet => eprintln!(
                "  published {} part{} ({} records) to {}{}",
                p.parts,
                if p.parts == 1 { "" } else { "s" },
                p.records,
                store.output.shown(),
                if p.republished {
                    ", the whole output anew (compacted)"
                } else {
                    ""
                }
            ),
            Ok(_) => {}
            Err(e) => {
                eprintln!(
                    "error: publishing to the store: {e}; the work dir keeps everything, rerun to publish it"
                );
                return Ok(exit::INCOMPLETE);
            }
        }
    }
    let usage = ledger.snapshot();
    report(
        &summary,
        &usage,
        &output,
        corpus.summary.as_deref(),
        quiet,
        generating,
    )?;
    if !quiet && summary.rejected + summary.retryable_failures > 0 {
        let lines = tokio::task::spawn_blocking(move || reject_reasons(&rejects, summary.records_written))
            .await
            .unwrap_or_default();
        for line in lines {
            eprintln!("{line}");
        }
    }
    if let Some(stats) = batch
        && !quiet
    {
        use std::sync::atomic::Ordering::Relaxed;
        eprintln!(
            "  batch: {} rounds, {} requests (largest round {}), {} lines retried",
            stats.rounds.load(Relaxed),
            stats.requests.load(Relaxed),
            stats.largest_round.load(Relaxed),
            stats.retried_lines.load(Relaxed)
        );
    }
    Ok(exit_code(&summary))
}

/// The model a run calls, where its usage is recorded, the endpoint labels
/// records carry, and batch mode's counters when it is on.
pub(crate) type RunModel = (
    Arc<dyn LanguageModel>,
    Arc<chunksynth_llm::UsageLedger>,
    Vec<String>,
    Option<Arc<chunksynth_backend_openai::BatchStats>>,
);

pub(crate) async fn model_for(
    corpus: &CorpusArgs,
    config: &RunConfig,
    model_args: &ModelArgs,
    settings: &Settings,
) -> Result<RunModel> {
    if corpus.demo {
        let demo = chunksynth_demo::DemoModel::new();
        let ledger = demo.ledger();
        return Ok((Arc::new(demo), ledger, vec!["demo".to_owned()], None));
    }
    if corpus.batch_command.is_some() || corpus.batch {
        let b = batch_model(corpus, config, model_args, settings)?;
        return Ok((
            b.model,
            b.backend.ledger(),
            vec!["batch".to_owned()],
            Some(b.stats),
        ));
    }
    let backend = Arc::new(OpenAiBackend::new(backend_config(model_args, settings)?)?);
    // Credentials in a URL (user:pw@host) never reach records or journals.
    let endpoints = backend.config().endpoints.iter().map(|e| e.label()).collect();
    Ok((backend.clone(), backend.ledger(), endpoints, None))
}

/// The first contact with `backend`, made when the run's first document
/// needs it (a finished rerun sends nothing): some endpoint answers within
/// `wait` seconds, and it serves the model and takes the key. `who` names
/// the backend in messages ("the judge: …").
pub(crate) fn first_contact(
    backend: Arc<OpenAiBackend>,
    wait: u64,
    who: &'static str,
) -> chunksynth_runner::FirstContact {
    use chunksynth_runner::FirstContactError;
    Box::new(move || {
        Box::pin(async move {
            if let Err(e) = wait_for_an_answer(&backend, wait).await {
                return Err(FirstContactError::NothingAnswers(format!("{who}{e}")));
            }
            match backend.check_model().await {
                Err(e)
                    if matches!(
                        e.kind,
                        chunksynth_llm::ErrorKind::InvalidModel | chunksynth_llm::ErrorKind::Auth
                    ) =>
                {
                    Err(FirstContactError::Refused(format!("{who}{e}")))
                }
                _ => Ok(()),
            }
        })
    })
}

/// Why a run did not start: nothing answers at any endpoint (exit 3, as a
/// run that could not finish).
#[derive(Debug)]
pub(crate) struct NothingAnswers {
    urls: String,
}

impl std::fmt::Display for NothingAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "nothing answers at {} — is the server running? (--wait-for-endpoint SECONDS waits for one that is starting)",
            self.urls
        )
    }
}

impl std::error::Error for NothingAnswers {}

/// Before the first document: some endpoint must answer (any HTTP status),
/// within `wait` seconds when given. The outage logic takes over once one
/// has answered.
pub(crate) async fn wait_for_an_answer(backend: &OpenAiBackend, wait: u64) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(wait);
    loop {
        let silent = backend.silent_endpoints().await;
        if silent.is_empty() {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return Err(NothingAnswers {
                urls: silent.join(", "),
            }
            .into());
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// What batch mode runs on: the model the runner calls, the backend that
/// builds bodies and keeps the ledger, and the round counts.
pub(crate) struct Batch {
    model: Arc<dyn LanguageModel>,
    backend: Arc<OpenAiBackend>,
    stats: Arc<chunksynth_backend_openai::BatchStats>,
}

/// The batch model: through a batch runner command (the backend then only
/// builds request bodies and reads answers, and no endpoint is needed), or
/// through the endpoint's Batch API.
pub(crate) fn batch_model(
    corpus: &CorpusArgs,
    config: &RunConfig,
    model_args: &ModelArgs,
    settings: &Settings,
) -> Result<Batch> {
    let (backend_config, transport) = match &corpus.batch_command {
        Some(command) => (
            BackendConfig::new("http://127.0.0.1/v1".to_owned(), None, resolve_model(settings)),
            BatchTransport::Command(command.clone()),
        ),
        None => (
            backend_config(model_args, settings)?,
            BatchTransport::Api {
                completion_window: corpus.batch_window.clone(),
                max_poll: std::time::Duration::from_secs(60),
            },
        ),
    };
    let backend = Arc::new(OpenAiBackend::new(backend_config)?);
    let batch = BatchModel::new(
        backend.clone(),
        BatchConfig {
            transport,
            max_requests: corpus.batch_max_requests.max(1),
            max_bytes: corpus.batch_max_mb.max(1) << 20,
            // Long enough for every document in flight to send its next
            // call after a round (their pipelines' work between calls is
            // milliseconds), short next to any batch round's own time.
            quiet: std::time::Duration::from_secs(1),
            dir: with_suffix(&config.output, ".batch"),
            max_line_attempts: model_args
                .max_retries
                .unwrap_or(chunksynth_backend_openai::RetryPolicy::default().max_retries)
                + 1,
        },
    )?;
    let stats = batch.stats();
    Ok(Batch {
        model: Arc::new(batch),
        backend,
        stats,
    })
}

/// The exit code a finished (or stopped) run ends with.
pub(crate) fn exit_code(summary: &RunSummary) -> u8 {
    match &summary.stopped_early {
        Some(StopReason::Interrupted | StopReason::Aborted) => exit::INTERRUPTED,
        Some(StopReason::Refused { .. }) => exit::USAGE,
        Some(
            StopReason::JournalFailed { .. }
            | StopReason::EndpointDown { .. }
            | StopReason::Unreachable { .. },
        ) => exit::INCOMPLETE,
        Some(StopReason::BudgetSpent { .. }) => exit::BUDGET,
        None if summary.retryable_failures > 0 => exit::INCOMPLETE,
        None if summary.rejected + summary.already_rejected > 0 => exit::SOME_FAILED,
        None => exit::OK,
    }
}
