//! `--report FILE` on `rephrase` and `generate`: the report page rewritten
//! during the run (every `--report-seconds`, written aside and renamed) and
//! at its end. During the run the page's aggregates are kept as records
//! finish: each update reads only the lines appended to the working file
//! since the last one, so an update costs what finished since, not the
//! output so far. At the end the page is made once more from the finished
//! output in full (exact after compaction, and for an output the end of
//! the run exported to Parquet).

use std::io::{BufRead, Read, Seek};
use std::path::{Path, PathBuf};

use super::{Reservoir, Shown, ShownText, Tallied, Totals, html, tally};
use crate::job::with_suffix;

/// The page of a run in progress.
pub(crate) struct Watch {
    page: PathBuf,
    /// The run's JSONL working file, read from `offset` on.
    records: PathBuf,
    rejects: PathBuf,
    /// The output as the page names it.
    output: PathBuf,
    offset: u64,
    totals: Totals,
    sample: Reservoir<Shown>,
    texts: Reservoir<ShownText>,
}

impl Watch {
    pub(crate) fn new(page: &Path, records: &Path, rejects: &Path, output: &Path, sample: usize) -> Self {
        Self {
            page: page.to_path_buf(),
            records: records.to_path_buf(),
            rejects: rejects.to_path_buf(),
            output: output.to_path_buf(),
            offset: 0,
            totals: Totals::default(),
            sample: Reservoir::new(sample, 0),
            texts: Reservoir::new(sample, 0),
        }
    }

    /// Takes in the whole lines appended since the last update, reads the
    /// rejects (small) again, and rewrites the page.
    pub(crate) fn update(&mut self) -> std::io::Result<()> {
        if let Ok(mut file) = std::fs::File::open(&self.records) {
            let len = file.metadata()?.len();
            if len < self.offset {
                // Rewritten under us (compaction): start over.
                *self = Self::new(
                    &self.page,
                    &self.records,
                    &self.rejects,
                    &self.output,
                    self.sample.cap,
                );
            }
            file.seek(std::io::SeekFrom::Start(self.offset))?;
            let mut reader = std::io::BufReader::new(file.take(len - self.offset));
            let mut line = Vec::new();
            loop {
                line.clear();
                let n = reader.read_until(b'\n', &mut line)?;
                if n == 0 || line.last() != Some(&b'\n') {
                    break;
                }
                self.offset += n as u64;
                match serde_json::from_slice::<serde_json::Value>(&line) {
                    Ok(record) => match tally(&mut self.totals, &record, None) {
                        Tallied::Record(shown) => self.sample.offer(shown),
                        Tallied::Text(text) => self.texts.offer(text),
                    },
                    Err(_) if line.iter().all(u8::is_ascii_whitespace) => {}
                    Err(_) => self.totals.unreadable += 1,
                }
            }
        }
        self.totals.rejects.clear();
        if let Ok(text) = std::fs::read_to_string(&self.rejects) {
            for line in text.lines() {
                let Ok(r) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                self.totals
                    .rejects
                    .entry(r["kind"].as_str().unwrap_or("?").to_owned())
                    .or_default()
                    .push(r["reason"].as_str().unwrap_or("").to_owned());
            }
        }
        let page = html::page(
            &self.totals,
            &self.sample.kept,
            self.sample.seen,
            &self.texts.kept,
            false,
            &self.output,
        );
        let tmp = with_suffix(&self.page, ".tmp");
        std::fs::write(&tmp, page)?;
        std::fs::rename(&tmp, &self.page)
    }
}

/// `--report FILE`: a task that rewrites the page every `--report-seconds`
/// from what finished since its last update; the caller makes the final
/// page from the whole output when the run ends.
pub(crate) fn spawn(
    corpus: &crate::args::CorpusArgs,
    records: &std::path::Path,
    rejects: &std::path::Path,
) -> Option<(tokio::task::JoinHandle<()>, PathBuf)> {
    let page = corpus.report.clone()?;
    let watch = Watch::new(&page, records, rejects, &corpus.output, super::DEFAULT_SAMPLE);
    let watch = std::sync::Arc::new(std::sync::Mutex::new(watch));
    let every = std::time::Duration::from_secs(corpus.report_seconds.max(1));
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let w = watch.clone();
            let updated = tokio::task::spawn_blocking(move || {
                w.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .update()
            })
            .await;
            if let Ok(Err(e)) = updated {
                eprintln!("warning: rewriting the report page failed: {e}");
            }
        }
    });
    Some((task, page))
}
