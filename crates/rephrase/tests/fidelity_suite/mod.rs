//! The fidelity gate against realistic rewrites: faithful restyles written
//! the way a capable model writes them, and single-error variants of them
//! (`tests/fidelity_suite/`, described in its README). Prints the tables of
//! docs/QUALITY.md and fails below the goals.
//!
//! `cargo test -p chunksynth-rephrase --test rephrase fidelity_suite -- --nocapture`

use std::collections::BTreeMap;

use chunksynth_quality::{CheckKind, FidelityConfig, fidelity};
use chunksynth_rephrase::gate_for;

#[derive(serde::Deserialize)]
struct SuiteFile {
    source: Vec<Source>,
}

#[derive(serde::Deserialize)]
struct Source {
    id: String,
    text: String,
    restyle: Vec<Restyle>,
}

#[derive(serde::Deserialize)]
struct Restyle {
    style: String,
    text: String,
    #[serde(default)]
    error: Vec<Planted>,
}

#[derive(serde::Deserialize)]
struct Planted {
    kind: String,
    find: String,
    replace: String,
    note: String,
}

const LANGUAGES: [&str; 4] = ["en", "zh", "ja", "ru"];

/// What the gate reaches on the suite today (goals: 0.90 and 0.05).
const MIN_DETECTION: f64 = 0.76;
const MAX_FALSE_ALARMS: f64 = 0.05;

/// The checks whose finding names each kind of error: a variant failed
/// only by another check is not counted as caught.
fn attributable(kind: &str) -> &'static [CheckKind] {
    use CheckKind::*;
    match kind {
        "fabricate_number" => &[Numbers, Addition],
        "fabricate_name" => &[Addition, Entities],
        "fabricate_claim" => &[Addition],
        // A number inside an identifier (`i32` → `i64`) is a name's change.
        "alter_number" => &[Numbers, Names],
        "alter_negation" => &[Polarity],
        "alter_direction" => &[Direction],
        "alter_entity" => &[Entities, Names, Addition],
        "alter_modality" => &[Modality],
        "omit_fact" => &[Omission, Numbers, Names, Completeness],
        "omit_plain" => &[Omission, Completeness, ContentRecall],
        other => panic!("unknown error kind {other:?}"),
    }
}

/// (hits, total) per key.
#[derive(Default)]
struct Tally(BTreeMap<String, (usize, usize)>);

impl Tally {
    fn add(&mut self, key: &str, hit: bool) {
        let e = self.0.entry(key.to_owned()).or_default();
        e.0 += usize::from(hit);
        e.1 += 1;
    }

    fn total(&self) -> (usize, usize) {
        self.0.values().fold((0, 0), |(h, t), (a, b)| (h + a, t + b))
    }

    fn table(&self, title: &str, what: &str) -> String {
        let mut out = format!("| {title} | {what} |\n|---|---|\n");
        for (k, (h, t)) in &self.0 {
            out.push_str(&format!("| {k} | {h} / {t} |\n"));
        }
        let (h, t) = self.total();
        out.push_str(&format!("| **all** | **{h} / {t}** |\n"));
        out
    }
}

fn suite() -> Vec<(&'static str, Source)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity_suite");
    let mut out = Vec::new();
    for lang in LANGUAGES {
        let path = dir.join(format!("{lang}.toml"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file: SuiteFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.extend(file.source.into_iter().map(|s| (lang, s)));
    }
    out
}

#[test]
fn realistic_restyles_pass_and_single_errors_are_caught() {
    let mut false_alarms = (Tally::default(), Tally::default());
    // Per style: the faithful restyles' length ratios and content recall,
    // what the per-style bounds are set from.
    let mut observed: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
    let mut caught = (Tally::default(), Tally::default(), Tally::default());
    let mut log = Vec::new();
    for (lang, source) in suite() {
        for restyle in &source.restyle {
            let style = chunksynth_prompts::style(&restyle.style)
                .unwrap_or_else(|| panic!("{}: unknown style {}", source.id, restyle.style));
            let gate = gate_for(&FidelityConfig::default(), style);
            let report = fidelity(&source.text, &restyle.text, &gate);
            let alarm = !report.passed;
            let ratio = chunksynth_quality::text::word_count(&restyle.text) as f64
                / chunksynth_quality::text::word_count(&source.text) as f64;
            let recall = report
                .checks
                .iter()
                .find(|c| c.check == CheckKind::ContentRecall)
                .map_or(1.0, |c| c.score);
            let e = observed
                .entry(restyle.style.clone())
                .or_insert((f64::MAX, 0.0, f64::MAX));
            *e = (e.0.min(ratio), e.1.max(ratio), e.2.min(recall));
            false_alarms.0.add(&restyle.style, alarm);
            false_alarms.1.add(lang, alarm);
            if alarm {
                let findings: Vec<String> = report
                    .checks
                    .iter()
                    .filter(|c| !c.passed)
                    .flat_map(|c| c.findings.iter().map(move |f| format!("{:?}: {f}", c.check)))
                    .collect();
                log.push(format!(
                    "FALSE ALARM {lang}/{}/{}:\n  {}",
                    source.id,
                    restyle.style,
                    findings.join("\n  ")
                ));
            }
            for planted in &restyle.error {
                assert_eq!(
                    restyle.text.matches(&planted.find).count(),
                    1,
                    "{}/{}: `find` must occur once: {:?}",
                    source.id,
                    restyle.style,
                    planted.find
                );
                let variant = restyle.text.replacen(&planted.find, &planted.replace, 1);
                let report = fidelity(&source.text, &variant, &gate);
                let wanted = attributable(&planted.kind);
                let hit = !report.passed && report.failed_checks().any(|c| wanted.contains(&c));
                caught.0.add(&planted.kind, hit);
                caught.1.add(&restyle.style, hit);
                caught.2.add(lang, hit);
                if !hit {
                    let failed: Vec<CheckKind> = report.failed_checks().collect();
                    log.push(format!(
                        "MISSED {lang}/{}/{} {} ({}): failed {failed:?}",
                        source.id, restyle.style, planted.kind, planted.note
                    ));
                }
            }
        }
    }
    for line in &log {
        println!("{line}");
    }
    println!("{}", caught.0.table("error kind", "caught"));
    println!("{}", caught.1.table("style", "errors caught"));
    println!("{}", caught.2.table("language", "errors caught"));
    println!("{}", false_alarms.0.table("style", "false alarms"));
    println!("{}", false_alarms.1.table("language", "false alarms"));
    println!("| style | length ratio seen | lowest recall seen |\n|---|---|---|");
    for (style, (lo, hi, recall)) in &observed {
        println!("| {style} | {lo:.2}–{hi:.2} | {recall:.2} |");
    }
    let (hit, planted) = caught.0.total();
    let (alarms, faithful) = false_alarms.0.total();
    assert!(
        faithful >= 100 && planted >= 150,
        "the suite shrank: {faithful} restyles, {planted} errors"
    );
    let detection = hit as f64 / planted as f64;
    let alarm_rate = alarms as f64 / faithful as f64;
    println!(
        "detection {hit}/{planted} = {:.1}%, false alarms {alarms}/{faithful} = {:.1}%",
        detection * 100.0,
        alarm_rate * 100.0
    );
    // The goals are 90% and 5%; until the gate meets them the test
    // holds it to what it measured (docs/QUALITY.md), so it cannot regress.
    assert!(
        detection >= MIN_DETECTION,
        "detection {:.1}% < {:.0}%",
        detection * 100.0,
        MIN_DETECTION * 100.0
    );
    assert!(
        alarm_rate <= MAX_FALSE_ALARMS,
        "false alarms {:.1}% > {:.0}%",
        alarm_rate * 100.0,
        MAX_FALSE_ALARMS * 100.0
    );
}
