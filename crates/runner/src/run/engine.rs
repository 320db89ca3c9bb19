//! The run loop ([`Engine`]): reads ahead, decides per item whether it is
//! new, done or changed, starts the longest document first, hands finished
//! outcomes to the writer, and compacts the files at the end.

use super::*;

/// How often a running run rewrites its progress file.
const PROGRESS_FILE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Read-ahead stops at this much text even if `lookahead` documents are not
/// reached, so that a corpus of books does not fill memory.
const LOOKAHEAD_BYTES: usize = 64 << 20;

/// A document read ahead, waiting to start.
pub(super) struct ReadyDocument {
    pub(super) doc: Document,
    /// SHA-256 of the text, hashed once at admission.
    pub(super) hash: String,
    /// The variants still to make (styles; "" for a generated text).
    pub(super) variants: Vec<&'static str>,
    /// When it was last started.
    pub(super) started: Option<Instant>,
}

impl ReadyDocument {
    /// Longest first, then input order.
    fn rank(&self) -> (usize, std::cmp::Reverse<usize>) {
        (self.doc.text.len(), std::cmp::Reverse(self.doc.index))
    }
}

impl PartialEq for ReadyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank()
    }
}

impl Eq for ReadyDocument {}

impl PartialOrd for ReadyDocument {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ReadyDocument {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// The run loop's state.
pub(super) struct Engine<'a> {
    pub(super) runner: &'a Runner,
    pub(super) events: Option<mpsc::UnboundedSender<RunEvent>>,
    pub(super) journaled: Arc<JournalingModel>,
    /// The judge's own model, journaled, when it has one.
    pub(super) judge_journaled: Option<Arc<JournalingModel>>,
    /// Closed by a first stop signal: no call starts after it.
    pub(super) gate: Arc<StopGate>,
    /// When the first stop signal came (the grace period runs from it).
    pub(super) stopping_since: Option<Instant>,
    /// When the progress file was last written.
    pub(super) progress_written: Instant,
    pub(super) pipeline: Arc<WorkPipeline>,
    pub(super) base: Arc<ProvenanceBase>,
    pub(super) writer: Option<OutcomeWriter>,
    /// What the files hold, updated as records are written.
    pub(super) done: DoneItems,
    /// Record ids met in this run's input (duplicates, `not_in_input`).
    pub(super) seen: HashSet<IdKey>,
    pub(super) input: mpsc::Receiver<std::io::Result<InputRecord>>,
    pub(super) exhausted: bool,
    pub(super) ready: BinaryHeap<ReadyDocument>,
    pub(super) ready_bytes: usize,
    pub(super) tasks: JoinSet<(ReadyDocument, Vec<Outcome>)>,
    /// The circuit breaker and the documents it holds back.
    pub(super) outage: Outage<ReadyDocument>,
    /// Why the last held document failed (for the final rejects).
    pub(super) outage_reason: String,
    /// What to write for a task that panics: one reject per variant.
    pub(super) in_flight: HashMap<tokio::task::Id, Vec<RejectRecord>>,
    /// Rejects on file at the start (the final compaction drops those
    /// whose items are now done).
    pub(super) rejects_on_file: usize,
    pub(super) summary: RunSummary,
}

impl Engine<'_> {
    fn emit(&self, e: RunEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(e);
        }
    }

    /// Starts documents until the input is done or a stop, then waits for
    /// those in flight (a second stop abandons them). While the endpoint is
    /// down, only one document at a time starts, as a probe.
    pub(super) async fn drive(&mut self, mut stop: StopSignal) -> Result<(), RunError> {
        let semaphore = Arc::new(Semaphore::new(self.runner.config.concurrency));
        while self.summary.stopped_early.is_none() {
            let probe = match self.outage.gate(Instant::now(), self.tasks.len()) {
                Gate::Open => false,
                Gate::Probe => true,
                Gate::Wait(until) => {
                    self.wait(until, &mut stop).await?;
                    continue;
                }
                Gate::GiveUp => {
                    let since_unix_ms = self.outage.down_since_ms().unwrap_or_default();
                    let detail = self.outage_reason.clone();
                    self.stop(StopReason::EndpointDown {
                        since_unix_ms,
                        detail,
                    });
                    break;
                }
            };
            self.report_progress();
            self.write_progress_now().await;
            // A free slot first, then the stop and budget checks: a stop
            // that comes while every slot is busy starts nothing more.
            let permit = tokio::select! {
                p = semaphore.clone().acquire_owned() => p.map_err(|_| RunError::Config("scheduler closed".into()))?,
                Some(joined) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.absorb(joined)?;
                    continue;
                }
                () = stop.changed() => {
                    if self.check_stop(&stop) {
                        break;
                    }
                    continue;
                }
            };
            if self.check_stop(&stop) {
                break;
            }
            if let Some(detail) = self.budget_spent() {
                self.stop(StopReason::BudgetSpent { detail });
                break;
            }
            let Some(next) = self.next_item().await? else {
                // Nothing to start: a document in flight may still be held
                // back for a retry, so wait for them before ending.
                drop(permit);
                if self.tasks.is_empty() {
                    break;
                }
                self.wait(None, &mut stop).await?;
                continue;
            };
            if probe {
                self.outage.probed(Instant::now());
            }
            if !self.first_contact_holds().await {
                // `next` never started: the rerun does it.
                break;
            }
            self.start(next, permit);
        }
        if self.summary.already_done > 0 {
            let already_done = self.summary.already_done;
            self.emit(RunEvent::Skipped { already_done });
        }
        self.drain(&mut stop).await?;
        self.release_held()
    }

    /// Makes the first contact, once (later calls: true); a failure stops
    /// the run.
    async fn first_contact_holds(&mut self) -> bool {
        let contact = self.runner.first_contact.lock().ok().and_then(|mut c| c.take());
        let Some(contact) = contact else {
            return true;
        };
        match contact().await {
            Ok(()) => true,
            Err(FirstContactError::NothingAnswers(detail)) => {
                self.stop(StopReason::Unreachable { detail });
                false
            }
            Err(FirstContactError::Refused(detail)) => {
                self.stop(StopReason::Refused { detail });
                false
            }
        }
    }

    /// Waits for documents in flight after the main loop. After a first
    /// stop signal only the calls in flight are waited for, up to the grace
    /// period: then every document still in flight is abandoned (its
    /// finished calls are journaled; the rerun resumes it).
    async fn drain(&mut self, stop: &mut StopSignal) -> Result<(), RunError> {
        let grace_ends = self.stopping_since.map(|t| t + self.runner.config.grace);
        while !self.tasks.is_empty() {
            if stop.level() >= 2 && !matches!(self.summary.stopped_early, Some(StopReason::Aborted)) {
                // A second request overrides the first: stop now.
                self.summary.stopped_early = None;
                self.stop(StopReason::Aborted);
            }
            let graceful_end = matches!(self.summary.stopped_early, Some(StopReason::Interrupted))
                && (self.gate.in_flight() == 0 || grace_ends.is_some_and(|t| Instant::now() >= t));
            if graceful_end
                || matches!(
                    self.summary.stopped_early,
                    Some(StopReason::Aborted | StopReason::Refused { .. } | StopReason::JournalFailed { .. })
                )
            {
                self.tasks.abort_all();
            }
            let grace_over = async move {
                match grace_ends {
                    Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
                    None => std::future::pending().await,
                }
            };
            let gate = self.gate.clone();
            tokio::select! {
                Some(joined) = self.tasks.join_next_with_id() => self.absorb(joined)?,
                () = stop.changed() => {}
                () = grace_over => {}
                () = gate.changed() => {}
            }
        }
        Ok(())
    }

    /// Waits for a document in flight to finish, `until` passes, or a stop.
    async fn wait(&mut self, until: Option<Instant>, stop: &mut StopSignal) -> Result<(), RunError> {
        let deadline = async move {
            match until {
                Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(joined) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => self.absorb(joined)?,
            () = deadline => {}
            () = stop.changed() => {
                self.check_stop(stop);
            }
        }
        Ok(())
    }

    /// The next document to start: one held back by an outage first.
    async fn next_item(&mut self) -> Result<Option<ReadyDocument>, RunError> {
        if let Some(held) = self.outage.next_held() {
            return Ok(Some(held));
        }
        self.read_ahead().await?;
        let next = self.ready.pop();
        if let Some(n) = &next {
            self.ready_bytes -= n.doc.text.len();
        }
        Ok(next)
    }

    /// Files the documents still held when the run stops: retryable
    /// rejects saying since when the endpoint was down.
    fn release_held(&mut self) -> Result<(), RunError> {
        let since = self.outage.down_since_ms().map(clock).unwrap_or_default();
        let held: Vec<ReadyDocument> = self.outage.drain().collect();
        for ready in held {
            for v in &ready.variants {
                let reason = format!(
                    "the endpoint was down (since {since}) when the run stopped: {}; a rerun retries it",
                    self.outage_reason
                );
                let reject = reject_of(&ready.doc, &ready.hash, v, RejectKind::Transient, reason);
                self.file(Err(reject))?;
            }
        }
        Ok(())
    }

    /// Whether a stop was asked for; records it.
    fn check_stop(&mut self, stop: &StopSignal) -> bool {
        match stop.level() {
            0 => false,
            1 => {
                self.stop(StopReason::Interrupted);
                self.gate.close();
                self.stopping_since.get_or_insert_with(Instant::now);
                true
            }
            _ => {
                self.stop(StopReason::Aborted);
                true
            }
        }
    }

    fn stop(&mut self, reason: StopReason) {
        if self.summary.stopped_early.is_none() {
            self.summary.stopped_early = Some(reason.clone());
            self.emit(RunEvent::Stopping { reason });
        }
    }

    /// Fills the read-ahead: documents to choose from and, on the way, what
    /// needs no model (skips, unreadable input, duplicate ids).
    async fn read_ahead(&mut self) -> Result<(), RunError> {
        let lookahead = self.runner.config.lookahead.max(1);
        while !self.exhausted && self.ready.len() < lookahead && self.ready_bytes < LOOKAHEAD_BYTES {
            // The reader thread keeps the channel full; waiting here is what
            // lets the longest of `lookahead` documents start first.
            match self.input.recv().await {
                None => self.exhausted = true,
                Some(Err(e)) => return Err(RunError::Input(e)),
                Some(Ok(record)) => self.admit(record)?,
            }
        }
        Ok(())
    }

    /// Decides what one input record needs.
    fn admit(&mut self, record: InputRecord) -> Result<(), RunError> {
        let c = &self.runner.config;
        self.summary.documents_seen += 1;
        if !c.shard.is_none_or(|s| s.owns_record(&record)) {
            self.summary.outside_shard += 1;
            return Ok(());
        }
        let doc = match record {
            InputRecord::Rejected(r) => {
                let id = r.id.clone().unwrap_or_else(|| r.content_id());
                let source = SourceTag::from_hex(&r.source_sha256).unwrap_or(SourceTag::of(""));
                self.seen.insert(IdKey::new(&id));
                if self.skip_if_done(&id, "", source) {
                    return Ok(());
                }
                let reject = RejectRecord::new(
                    Some(id),
                    r.index,
                    r.line,
                    None,
                    RejectKind::InvalidInput,
                    r.reason,
                    Some(r.source_sha256),
                );
                return self.file(Err(reject));
            }
            InputRecord::Document(doc) => doc,
        };
        let hash = source_hash(&doc.text);
        let source = SourceTag::from_hex(&hash).unwrap_or(SourceTag::of(""));
        if !self.seen.insert(IdKey::new(&doc.id)) {
            let reason = format!(
                "id {:?} came earlier in the input; this record was not processed (give each record its own id)",
                doc.id
            );
            let reject = reject_of(&doc, &hash, "", RejectKind::DuplicateId, reason);
            if self.skip_if_done(&doc.id, &reject.variant(), source) {
                return Ok(());
            }
            return self.file(Err(reject));
        }
        let mut variants = Vec::new();
        for v in variants_for(&c.job, &doc.id).map_err(RunError::Config)? {
            match self.done.standing(&doc.id, v, source) {
                Standing::Done | Standing::Rejected => {
                    self.skip_if_done(&doc.id, v, source);
                }
                Standing::Changed => {
                    self.summary.superseded += 1;
                    variants.push(v);
                }
                Standing::New => variants.push(v),
            }
        }
        if variants.is_empty() {
            return Ok(());
        }
        if let Err(reason) = self.pipeline.check(&doc) {
            let line = if doc.line > 0 {
                format!("line {}: ", doc.line)
            } else {
                String::new()
            };
            let reject = reject_of(
                &doc,
                &hash,
                "",
                RejectKind::InvalidInput,
                format!("{line}{reason}"),
            );
            return self.file(Err(reject));
        }
        self.ready_bytes += doc.text.len();
        self.ready.push(ReadyDocument {
            doc,
            hash,
            variants,
            started: None,
        });
        Ok(())
    }

    /// Whether the item is done (or rejected for good) from this source;
    /// counts it if so.
    fn skip_if_done(&mut self, id: &str, variant: &str, source: SourceTag) -> bool {
        match self.done.standing(id, variant, source) {
            Standing::Done => self.summary.already_done += 1,
            Standing::Rejected => {
                self.summary.already_done += 1;
                self.summary.already_rejected += 1;
            }
            Standing::New | Standing::Changed => return false,
        }
        true
    }

    fn start(&mut self, next: ReadyDocument, permit: tokio::sync::OwnedSemaphorePermit) {
        let ReadyDocument {
            doc, hash, variants, ..
        } = next;
        let started = Some(Instant::now());
        let crashed: Vec<RejectRecord> = variants
            .iter()
            .map(|v| reject_of(&doc, &hash, v, RejectKind::Panic, String::new()))
            .collect();
        let pipeline = self.pipeline.clone();
        let base = self.base.clone();
        let handle = self.tasks.spawn(async move {
            let outcomes = pipeline.process(&doc, &hash, &variants, &base).await;
            drop(permit);
            let ready = ReadyDocument {
                doc,
                hash,
                variants,
                started,
            };
            (ready, outcomes)
        });
        self.in_flight.insert(handle.id(), crashed);
    }

    /// Files a finished task's outcomes; a panicked task's document becomes
    /// a retryable reject saying so (its calls so far are journaled). A
    /// document that failed because the endpoint is down is held back for
    /// a retry (see [`crate::outage`]).
    /// Tells the progress display how many of the items read are settled
    /// (done, skipped or rejected): read less waiting, running and held.
    fn report_progress(&self) {
        let pending = self.ready.len() + self.tasks.len() + self.outage.held_len();
        let settled = self.summary.documents_seen.saturating_sub(pending);
        self.runner.progress.settled(settled as u64);
    }

    /// Rewrites the progress file every few seconds (off the workers).
    async fn write_progress_now(&mut self) {
        if self.progress_written.elapsed() < PROGRESS_FILE_EVERY {
            return;
        }
        self.progress_written = Instant::now();
        let spent = spent_total(&self.summary, &self.journaled, self.judge_journaled.as_deref());
        let progress = self.runner.progress_of(&self.summary, spent, false);
        let output = self.runner.config.output.clone();
        let _ = tokio::task::spawn_blocking(move || write_progress(&output, &progress)).await;
    }

    fn absorb(
        &mut self,
        joined: Result<(tokio::task::Id, (ReadyDocument, Vec<Outcome>)), tokio::task::JoinError>,
    ) -> Result<(), RunError> {
        let absorbed = self.absorb_task(joined);
        self.report_progress();
        absorbed
    }

    fn absorb_task(
        &mut self,
        joined: Result<(tokio::task::Id, (ReadyDocument, Vec<Outcome>)), tokio::task::JoinError>,
    ) -> Result<(), RunError> {
        let (ready, outcomes) = match joined {
            Ok((id, finished)) => {
                self.in_flight.remove(&id);
                finished
            }
            Err(e) => {
                let Some(rejects) = self.in_flight.remove(&e.id()) else {
                    return Ok(());
                };
                if !e.is_panic() {
                    // Aborted by a stop: the resume redoes it.
                    return Ok(());
                }
                let reason = format!(
                    "the pipeline crashed on this document ({}); the run went on, a rerun retries it",
                    panic_message(e.into_panic())
                );
                for r in rejects {
                    let reason = reason.clone();
                    self.file(Err(RejectRecord { reason, ..r }))?;
                }
                return Ok(());
            }
        };
        let mut retry = Vec::new();
        for outcome in outcomes {
            match outcome {
                Err(r) if self.should_hold(&r) => {
                    let variant = r.style.as_deref().unwrap_or("");
                    retry.extend(ready.variants.iter().find(|v| **v == variant));
                    self.outage_reason = r.reason;
                }
                Ok(record) => {
                    let started = ready.started.unwrap_or_else(Instant::now);
                    if let Some(down) = self.outage.up(started, Instant::now()) {
                        let down_for_ms = down.as_millis() as u64;
                        tracing::info!(down_for_s = down_for_ms / 1000, "endpoint back");
                        self.emit(RunEvent::EndpointUp { down_for_ms });
                    }
                    self.file(Ok(record))?;
                }
                Err(r) => self.file(Err(r))?,
            }
        }
        if !retry.is_empty() {
            let held = ReadyDocument {
                variants: retry,
                ..ready
            };
            if self.outage.hold(held, Instant::now(), now_ms()) {
                let since_unix_ms = self.outage.down_since_ms().unwrap_or_default();
                let reason = self.outage_reason.clone();
                tracing::warn!(since = %clock(since_unix_ms), reason = %reason, "endpoint down: holding documents, probing with one");
                self.emit(RunEvent::EndpointDown {
                    since_unix_ms,
                    reason,
                });
            }
        }
        Ok(())
    }

    /// Whether a failure is held for a retry rather than filed: the
    /// endpoint is unavailable, the breaker is on, and the run goes on.
    fn should_hold(&self, reject: &RejectRecord) -> bool {
        self.outage.enabled() && is_outage(reject.kind) && self.summary.stopped_early.is_none()
    }

    /// Counts one outcome and hands it to the writer — unless it shows the
    /// run cannot go on (a failed journal, a refused key), which stops it.
    fn file(&mut self, outcome: Outcome) -> Result<(), RunError> {
        if let Some(detail) = self.journaled.journal().failure() {
            self.stop(StopReason::JournalFailed { detail });
            return Ok(());
        }
        match &outcome {
            Ok(record) => {
                let (parts, passed) = record.parts();
                self.summary.records_written += 1;
                self.summary.chunks += parts;
                self.summary.chunks_passed_fidelity += passed;
                for check in record.suspicions() {
                    *self.summary.suspicions.entry(check).or_default() += 1;
                }
                let judged = record.judge_counts();
                self.summary.judge.calls += judged.calls;
                self.summary.judge.not_supported += judged.not_supported;
                self.summary.judge.no_verdict += judged.no_verdict;
                if let Some((passed, redrafts, repaired)) = record.generation_counts() {
                    if passed {
                        self.summary.qc_passed += 1;
                    } else {
                        self.summary.qc_failed += 1;
                    }
                    self.summary.redrafts += redrafts;
                    self.summary.plans_repaired += usize::from(repaired);
                }
                self.summary.usage += record.usage();
                let source = SourceTag::from_hex(record.source_sha256()).unwrap_or(SourceTag::of(""));
                self.done.insert(record.id(), record.variant(), source, false);
                self.emit(RunEvent::DocumentDone {
                    id: record.id().to_owned(),
                    style: record.variant().to_owned(),
                    chunks: parts,
                    passed_chunks: passed,
                });
            }
            Err(reject) => {
                if matches!(reject.kind, RejectKind::Auth | RejectKind::InvalidModel) {
                    self.stop(StopReason::Refused {
                        detail: reject.reason.clone(),
                    });
                    return Ok(());
                }
                if reject.kind.is_permanent() {
                    self.summary.rejected += 1;
                    let source = reject.source_sha256.as_deref().and_then(SourceTag::from_hex);
                    if let (Some(id), Some(source)) = (&reject.id, source) {
                        self.done.insert(id, &reject.variant(), source, true);
                    }
                } else {
                    self.summary.retryable_failures += 1;
                }
                *self.summary.failures_by_kind.entry(reject.kind).or_default() += 1;
                tracing::warn!(
                    id = reject.id.as_deref(),
                    variant = reject.style.as_deref(),
                    kind = reject.kind.as_str(),
                    retryable = !reject.kind.is_permanent(),
                    reason = %reject.reason,
                    "item rejected"
                );
                self.emit(RunEvent::DocumentFailed {
                    id: reject.id.clone(),
                    style: reject.style.clone(),
                    kind: reject.kind,
                    reason: reject.reason.clone(),
                });
            }
        }
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| RunError::Config("writer closed".into()))?;
        writer.send(outcome).map_err(|(path, error)| RunError::Write {
            path: path.display().to_string(),
            error,
        })
    }

    fn budget_spent(&self) -> Option<String> {
        let c = &self.runner.config;
        let b = &c.budget;
        let judge_spent = self
            .judge_journaled
            .as_ref()
            .map(|j| j.spent())
            .unwrap_or_default();
        let spent = self
            .summary
            .spent_before
            .saturating_add(self.journaled.spent())
            .saturating_add(judge_spent);
        if let Some(max) = b.max_tokens {
            let used = spent.total();
            if used >= max {
                return Some(format!(
                    "token budget spent ({used} of {max}, earlier runs on this output included)"
                ));
            }
        }
        if let Some(max) = b.max_cost {
            // Earlier runs' spending is priced at the run model's rates.
            let rewriter = spent.saturating_sub(judge_spent);
            let mut cost = c.prices.get(self.runner.model.model_id())?.cost(&rewriter);
            if let Some((judge, _)) = &self.runner.judge {
                cost += c
                    .prices
                    .get(judge.model_id())
                    .map_or(0.0, |p| p.cost(&judge_spent));
            }
            if cost >= max {
                return Some(format!(
                    "cost budget spent ({cost:.4} of {max:.4}, earlier runs on this output included)"
                ));
            }
        }
        None
    }

    /// Writes what is queued; after a full run, compacts superseded lines
    /// away and counts the items the input no longer has.
    pub(super) async fn finish(mut self) -> Result<RunSummary, RunError> {
        let writer = self.writer.take();
        let config = self.runner.config.clone();
        let full = self.exhausted && self.summary.stopped_early.is_none();
        // The output (large) is rewritten only when it holds lines to
        // drop; the rejects file (small) whenever it held any.
        let compact_output = full
            && (self.summary.superseded > 0 || self.done.repeated() > 0 || self.summary.unreadable_lines > 0);
        let compact_rejects = full && (self.rejects_on_file > 0 || compact_output);
        let done = std::mem::take(&mut self.done);
        let seen = std::mem::take(&mut self.seen);
        // Another output format is written from the working file at the end
        // of every run a signal did not cut short, and the working file is
        // dropped once nothing is left to do.
        let export = config.records_path() != config.output
            && !matches!(
                self.summary.stopped_early,
                Some(StopReason::Interrupted | StopReason::Aborted)
            );
        let complete = full && self.summary.retryable_failures == 0;
        let (dropped, not_in_input, exported) = tokio::task::spawn_blocking(move || {
            if let Some(w) = writer {
                w.finish().map_err(|(path, error)| RunError::Write {
                    path: path.display().to_string(),
                    error,
                })?;
            }
            let dropped =
                compact_files(&config, &done, &seen, compact_output, compact_rejects).map_err(|error| {
                    RunError::Write {
                        path: config.output.display().to_string(),
                        error,
                    }
                })?;
            let exported = if export {
                let working = config.records_path();
                let written = config.export().map_err(|error| RunError::Write {
                    path: config.output.display().to_string(),
                    error,
                })?;
                if complete {
                    std::fs::remove_file(&working).map_err(|error| RunError::Write {
                        path: working.display().to_string(),
                        error,
                    })?;
                }
                Some(written)
            } else {
                None
            };
            Ok::<_, RunError>((dropped, if full { done.not_in(&seen) } else { 0 }, exported))
        })
        .await
        .map_err(|e| RunError::Config(format!("finishing the run: {e}")))??;
        self.summary.compacted_lines = dropped;
        self.summary.not_in_input = not_in_input;
        self.summary.exported = exported;
        Ok(self.summary)
    }
}

/// Drops from the output every record a newer version of its item
/// superseded (and repeats of one item); from the rejects, every reject of
/// an item now done by a record (a whole-document reject, such as
/// `invalid_input`, once its id has any record), every reject a later one
/// of the same item replaced, and every reject of an id the input no longer
/// has (a line fixed into another id, or deleted: the rejects file lists
/// what the output lacks of the current input).
fn compact_files(
    c: &RunConfig,
    done: &DoneItems,
    seen: &HashSet<IdKey>,
    output: bool,
    rejects: bool,
) -> std::io::Result<usize> {
    let mut dropped = 0;
    if output {
        let mut kept = HashSet::new();
        dropped += compact(&c.records_path(), FileKind::Records, |item| {
            item.is_some_and(|i| done.is_current(key_of(i), i.source) && kept.insert(key_of(i)))
        })?;
    }
    if !rejects {
        return Ok(dropped);
    }
    let with_records = done.record_ids();
    let mut last = HashMap::new();
    let mut n = 0usize;
    scan(&c.rejects, FileKind::Rejects, |item| {
        if let Some(i) = item {
            last.insert(key_of(i), n);
        }
        n += 1;
    })?;
    let mut m = 0usize;
    dropped += compact(&c.rejects, FileKind::Rejects, |item| {
        let this = m;
        m += 1;
        item.is_some_and(|i| {
            last.get(&key_of(i)) == Some(&this)
                && seen.contains(&IdKey::new(&i.id))
                && !done.is_record(key_of(i))
                && !(i.variant.is_empty() && DoneItems::has_id(&with_records, &i.id))
        })
    })?;
    Ok(dropped)
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
