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
    /// The language, in the held-out file (the others are one per language).
    #[serde(default)]
    lang: Option<String>,
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
    /// What carries the error: `number`, `name`, `identifier` or `word`
    /// (the sets written for the precise gate say; older ones do not).
    #[serde(default)]
    carrier: Option<String>,
    find: String,
    replace: String,
    note: String,
}

const LANGUAGES: [&str; 4] = ["en", "zh", "ja", "ru"];

/// What the gate reaches on the suite since the alignment checks became
/// suspicions (the gate alone caught 79% while they failed chunks, at
/// 28–50% false alarms on text not seen; docs/QUALITY.md).
const MIN_DETECTION: f64 = 0.21;
/// The share of the errors the gate misses that raise a suspicion of their
/// kind, on the suite.
const MIN_SUSPECTED: f64 = 0.70;
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
        // The new styles' own (set F): a solution's result made wrong; an
        // extract cut below its floor.
        "wrong_computation" => &[Numbers],
        "keep_too_little" => &[ContentRecall, LengthRatio],
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

fn load(name: &str) -> Vec<Source> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fidelity_suite/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: SuiteFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.source
}

fn suite() -> Vec<(String, Source)> {
    LANGUAGES
        .iter()
        .flat_map(|lang| load(lang).into_iter().map(|s| (lang.to_string(), s)))
        .collect()
}

/// What the gate did on a set of sources: per kind, style and language.
#[derive(Default)]
struct Measured {
    /// Per style and per language.
    false_alarms: (Tally, Tally),
    /// Per error kind, style and language.
    caught: (Tally, Tally, Tally),
    /// Per style: the faithful restyles' length ratios, content recall and
    /// highest copy ratio, what the per-style bounds are set from.
    observed: BTreeMap<String, (f64, f64, f64, f64)>,
    /// Per gate check: faithful restyles it failed.
    alarms_by_check: Tally,
    /// Per carrier: errors the gate failed with a finding of their kind.
    caught_by_carrier: Tally,
    /// Per suspicion check: faithful restyles it was raised on.
    suspected_faithful_by_check: Tally,
    /// Faithful restyles with any suspicion.
    suspected_faithful: Tally,
    /// Errors carried by ordinary words (or of no carrier) the gate missed:
    /// with a suspicion of their kind.
    suspected_word_errors: Tally,
    /// Errors carried by ordinary words the gate missed: with any
    /// suspicion at all (to set beside the faithful restyles with any).
    any_suspicion_word_errors: Tally,
    log: Vec<String>,
}

/// What a report says, as the measurement reads it: the gate's verdict and
/// failed checks, and the checks that raised suspicions.
struct Seen {
    passed: bool,
    failed: Vec<CheckKind>,
    /// Each failed check's findings.
    findings: Vec<(CheckKind, String)>,
    suspected: Vec<CheckKind>,
}

fn seen(report: &chunksynth_quality::FidelityReport) -> Seen {
    Seen {
        passed: report.passed,
        failed: report.failed_checks().collect(),
        findings: report
            .checks
            .iter()
            .filter(|c| !c.passed)
            .flat_map(|c| c.findings.iter().map(|f| (c.check, f.clone())))
            .collect(),
        suspected: report.suspicions.iter().map(|s| s.check).collect(),
    }
}

/// The gate's checks whose finding names an error carried by a number, a
/// name or an identifier.
fn attributable_to_carrier(carrier: &str) -> &'static [CheckKind] {
    use CheckKind::*;
    match carrier {
        "number" => &[Numbers, Names],
        "name" => &[Names, CodeBlocks],
        // A standard's or a version's number is read by the numbers check
        // ("ISO 11108": the number 11108 is not in the source).
        "identifier" => &[Names, CodeBlocks, Numbers],
        _ => &[],
    }
}

impl Measured {
    /// (detection, false-alarm rate), after printing every table.
    fn report(&self) -> (f64, f64) {
        for line in &self.log {
            println!("{line}");
        }
        println!("{}", self.caught.0.table("error kind", "caught"));
        println!("{}", self.caught.1.table("style", "errors caught"));
        println!("{}", self.caught.2.table("language", "errors caught"));
        println!("{}", self.false_alarms.0.table("style", "false alarms"));
        println!("{}", self.false_alarms.1.table("language", "false alarms"));
        println!(
            "{}",
            self.alarms_by_check
                .table("gate check", "faithful restyles failed")
        );
        println!(
            "{}",
            self.caught_by_carrier.table("carrier", "caught by the gate")
        );
        println!(
            "{}",
            self.suspected_faithful_by_check
                .table("suspicion", "faithful restyles with it")
        );
        let (s, f) = self.suspected_faithful.total();
        let (w, wt) = self.suspected_word_errors.total();
        let (a, at) = self.any_suspicion_word_errors.total();
        println!(
            "suspicions: {w}/{wt} errors the gate missed carry a new one of their kind, {a}/{at} carry any; {s}/{f} faithful restyles carry any"
        );
        println!(
            "| style | length ratio seen | lowest recall seen | highest copy ratio |\n|---|---|---|---|"
        );
        for (style, (lo, hi, recall, copy)) in &self.observed {
            println!("| {style} | {lo:.2}–{hi:.2} | {recall:.2} | {copy:.2} |");
        }
        let (hit, planted) = self.caught.0.total();
        let (alarms, faithful) = self.false_alarms.0.total();
        let detection = hit as f64 / planted as f64;
        let alarm_rate = alarms as f64 / faithful as f64;
        println!(
            "detection {hit}/{planted} = {:.1}%, false alarms {alarms}/{faithful} = {:.1}%",
            detection * 100.0,
            alarm_rate * 100.0
        );
        (detection, alarm_rate)
    }
}

/// Runs the gate on every restyle and every single-error variant.
fn measure(sources: &[(String, Source)]) -> Measured {
    let mut m = Measured::default();
    for (lang, source) in sources {
        for restyle in &source.restyle {
            let style = chunksynth_prompts::style(&restyle.style)
                .unwrap_or_else(|| panic!("{}: unknown style {}", source.id, restyle.style));
            let gate = gate_for(&FidelityConfig::default(), style);
            let report = fidelity(&source.text, &restyle.text, &gate);
            let faithful = seen(&report);
            let alarm = !faithful.passed;
            let ratio = chunksynth_quality::text::word_count(&restyle.text) as f64
                / chunksynth_quality::text::word_count(&source.text) as f64;
            let recall = report
                .checks
                .iter()
                .find(|c| c.check == CheckKind::ContentRecall)
                .map_or(1.0, |c| c.score);
            let e = m
                .observed
                .entry(restyle.style.clone())
                .or_insert((f64::MAX, 0.0, f64::MAX, 0.0));
            *e = (
                e.0.min(ratio),
                e.1.max(ratio),
                e.2.min(recall),
                e.3.max(report.copy_ratio),
            );
            m.false_alarms.0.add(&restyle.style, alarm);
            m.false_alarms.1.add(lang, alarm);
            for check in CheckKind::GATE {
                m.alarms_by_check
                    .add(&format!("{check:?}"), faithful.failed.contains(&check));
            }
            for check in CheckKind::ALIGNMENT {
                m.suspected_faithful_by_check
                    .add(&format!("{check:?}"), faithful.suspected.contains(&check));
            }
            m.suspected_faithful.add("any", !faithful.suspected.is_empty());
            if alarm {
                let findings: Vec<String> = report
                    .checks
                    .iter()
                    .filter(|c| !c.passed)
                    .flat_map(|c| c.findings.iter().map(move |f| format!("{:?}: {f}", c.check)))
                    .chain((report.score < report.threshold).then(|| {
                        let low: Vec<String> = report
                            .checks
                            .iter()
                            .filter(|c| c.score < 1.0)
                            .map(|c| format!("{:?} {:.2}", c.check, c.score))
                            .collect();
                        format!(
                            "score {:.2} below {:.2}: {}",
                            report.score,
                            report.threshold,
                            low.join(", ")
                        )
                    }))
                    .collect();
                m.log.push(format!(
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
                if std::env::var("CS_DEBUG").is_ok_and(|d| d == format!("{}/{}", source.id, restyle.style)) {
                    println!("DEBUG {}: {:#?}", planted.note, report);
                }
                let v = seen(&report);
                let wanted = attributable(&planted.kind);
                let carrier = planted.carrier.as_deref().unwrap_or("word");
                let by_carrier = attributable_to_carrier(carrier);
                // Caught: failed with a finding of a check the error is
                // attributable to that the faithful restyle does not have
                // (a false alarm's finding repeated is not a catch).
                let hit = !v.passed
                    && v.findings.iter().any(|(c, finding)| {
                        (wanted.contains(c) || by_carrier.contains(c))
                            && !faithful.findings.iter().any(|(fc, ff)| fc == c && ff == finding)
                    });
                m.caught.0.add(&planted.kind, hit);
                m.caught.1.add(&restyle.style, hit);
                m.caught.2.add(lang, hit);
                m.caught_by_carrier.add(carrier, hit);
                if !hit && by_carrier.is_empty() {
                    // A new suspicion of the error's kind, one the faithful
                    // restyle did not already raise.
                    let new_of_kind = v
                        .suspected
                        .iter()
                        .any(|c| wanted.contains(c) && !faithful.suspected.contains(c));
                    m.suspected_word_errors.add(&planted.kind, new_of_kind);
                    m.any_suspicion_word_errors
                        .add(&planted.kind, !v.suspected.is_empty());
                }
                if !hit {
                    m.log.push(format!(
                        "MISSED {lang}/{}/{} {} [{carrier}] ({}): failed {:?}, suspected {:?}",
                        source.id, restyle.style, planted.kind, planted.note, v.failed, v.suspected
                    ));
                }
            }
        }
    }
    m
}

#[test]
fn realistic_restyles_pass_and_single_errors_are_caught() {
    let measured = measure(&suite());
    let (detection, alarm_rate) = measured.report();
    let (_, planted) = measured.caught.0.total();
    let (_, faithful) = measured.false_alarms.0.total();
    assert!(
        faithful >= 100 && planted >= 150,
        "the suite shrank: {faithful} restyles, {planted} errors"
    );
    // The goals are 90% and 5%; until the gate meets them the test
    // holds it to what it measured (docs/QUALITY.md), so it cannot regress.
    assert!(
        detection >= MIN_DETECTION,
        "detection {:.1}% < {:.0}%",
        detection * 100.0,
        MIN_DETECTION * 100.0
    );
    let (suspected, missed) = measured.suspected_word_errors.total();
    assert!(
        suspected as f64 / missed as f64 >= MIN_SUSPECTED,
        "suspected {suspected}/{missed}"
    );
    assert!(
        alarm_rate <= MAX_FALSE_ALARMS,
        "false alarms {:.1}% > {:.0}%",
        alarm_rate * 100.0,
        MAX_FALSE_ALARMS * 100.0
    );
}

/// The held-out sets (`held_out*.toml`): the same measurement on text the
/// checks were not tuned on, so the suite's figure can be read for what it
/// is. Each has floors at what it measured, so the gate cannot regress on it.
///
/// `cargo test -p chunksynth-rephrase --test rephrase held_out -- --nocapture`
fn held_out(name: &str, min_detection: f64, max_false_alarms: f64) {
    held_out_set(name, &[name], min_detection, max_false_alarms);
}

/// A held-out set made of `files` (each source names its `lang`).
fn held_out_set(name: &str, files: &[&str], min_detection: f64, max_false_alarms: f64) -> Measured {
    let sources: Vec<(String, Source)> = files
        .iter()
        .flat_map(|f| load(f))
        .map(|s| {
            (
                s.lang
                    .clone()
                    .unwrap_or_else(|| panic!("{}: `lang` is required here", s.id)),
                s,
            )
        })
        .collect();
    println!("## {name}");
    let measured = measure(&sources);
    let (detection, alarm_rate) = measured.report();
    let (_, planted) = measured.caught.0.total();
    let (_, faithful) = measured.false_alarms.0.total();
    assert!(faithful >= 18 && planted >= 36, "{name} shrank");
    assert!(detection >= min_detection, "{name}: detection {detection:.3}");
    assert!(
        alarm_rate <= max_false_alarms,
        "{name}: false alarms {alarm_rate:.3}"
    );
    measured
}

/// A set of faithful outputs only (`dev_*.toml`): how often the gate fails
/// good outputs, at most `max_false_alarms` of them.
fn faithful_set(name: &str, files: &[&str], max_false_alarms: f64) -> Measured {
    let sources: Vec<(String, Source)> = files
        .iter()
        .flat_map(|f| load(f))
        .map(|s| {
            let lang = s
                .lang
                .clone()
                .unwrap_or_else(|| panic!("{}: `lang` is required here", s.id));
            (lang, s)
        })
        .collect();
    println!("## {name}");
    let measured = measure(&sources);
    let (_, alarm_rate) = measured.report();
    let (_, faithful) = measured.false_alarms.0.total();
    assert!(faithful >= 40, "{name} shrank");
    assert!(
        alarm_rate <= max_false_alarms,
        "{name}: false alarms {alarm_rate:.3}"
    );
    measured
}

/// Set A (`set_a_*.toml`): written for the precise gate by helpers that
/// never read the checks; measured before the gate changed and after.
#[test]
fn set_a_measures_the_gate_on_text_it_was_not_tuned_on() {
    // First contact (the checks of f5bc41c, alignment checks failing
    // chunks): 53 / 96 caught, 31 / 48 false alarms. The split gate at
    // first contact: 31 / 96, 13 / 48; after the fixes set A pointed to
    // (no longer held out): 34 / 96, 9 / 48.
    held_out_set("set_a", &["set_a_en_ru", "set_a_zh_ja"], 0.37, 0.03);
}

/// Set B (`set_b_*.toml`): written with set A, sealed while the gate was
/// changed. First and only held-out measurement: 36 / 96 caught (numbers
/// 21 / 21, identifiers 11 / 13, names 4 / 11), 19 / 48 false alarms; then
/// used to fix the classes of false alarm it showed (URLs and names run
/// into CJK text, mispaired backticks, initials of an inflected name, a
/// demonym, an acronym spelled out, month.year dates, a closing backtick),
/// so no longer held out: 33 / 96, 12 / 48 (three of the first catches
/// were those same broken URLs and names). With numbers read in more of
/// their spellings and examples' numbers kept apart: 29 / 96, 4 / 48.
#[test]
fn set_b_measures_the_gate_on_text_nobody_tuned_on() {
    held_out_set("set_b", &["set_b_en_ru", "set_b_zh_ja"], 0.28, 0.03);
}

/// The first held-out set: first measured at 47.2% / 27.8%, then used to
/// fix the checks (docs/QUALITY.md); no longer held out.
#[test]
fn held_out_restyles_measure_what_tuning_on_the_suite_carries_over() {
    held_out("held_out", 0.11, 0.01);
}

/// The second held-out set, written after the first was used.
#[test]
fn held_out_2_restyles_measure_what_tuning_on_the_suite_carries_over() {
    held_out("held_out_2", 0.33, 0.01);
}

/// The third held-out set, written after the first two were used.
#[test]
fn held_out_3_restyles_measure_what_tuning_on_the_suite_carries_over() {
    held_out("held_out_3", 0.33, 0.01);
}

/// Set C (`set_c_*.toml`): written while set B was being used, sealed
/// until the gate of this change was done. First and only held-out
/// measurement of that gate: 37 / 96 caught (numbers 18 / 19, identifiers
/// 14 / 15, names 5 / 12), 21 / 48 false alarms. Then used to fix one class
/// it showed (backticks paired across prose when code holds an apostrophe),
/// so no longer held out: 35 / 96, 18 / 48; then 34 / 96, 9 / 48.
#[test]
fn set_c_measures_the_gate_on_text_nobody_tuned_on() {
    held_out_set("set_c", &["set_c_en_ru", "set_c_zh_ja"], 0.36, 0.01);
}

/// Set D (`set_d_*.toml`): written after set C was used, sealed until the
/// number classes (spellings, worked examples) were done. First and only
/// held-out measurement: 35 / 96 caught (numbers 17 / 21, identifiers
/// 11 / 14, names 6 / 9), 13 / 48 false alarms (names 10, numbers 5). Then
/// used to fix one class (the longer case endings of Russian adjectival
/// names), so no longer held out: 35 / 96, 10 / 48.
#[test]
fn set_d_measures_the_gate_on_text_nobody_tuned_on() {
    held_out_set("set_d", &["set_d_en_ru", "set_d_zh_ja"], 0.33, 0.09);
}

/// Set E (`set_e_*.toml`): written after set D was used, sealed until the
/// judge and the new styles' gate were done; measured once, not tuned on:
/// 25 / 96 caught (numbers 14 / 20, identifiers 8 / 15, names 3 / 11),
/// 7 / 48 false alarms. `set_g_*.toml` is sealed for the next change.
#[test]
fn set_e_measures_the_gate_on_text_nobody_tuned_on() {
    held_out_set("set_e", &["set_e_en_ru", "set_e_zh_ja"], 0.29, 0.03);
}

/// Set H (`set_h_*.toml`): the new styles again, 16 sources (English,
/// Russian, Chinese, Japanese; railway signalling, typography, dairy
/// chemistry, the law of the sea, a deep borehole, beekeeping,
/// orienteering, glass, the Fossa Magna, phototypesetting), 64 faithful
/// outputs and 142 single errors weighted to extracts adding a number or a
/// name, large omissions and wrong math results; written by a helper that
/// never read the checks, before the extract name rule. First measurement
/// (gate with the extract name rule): 84 / 142 caught (numbers 63 / 78,
/// names 14 / 33, identifiers 7 / 15), 13 / 64 false alarms (the gate
/// before that rule: 81 / 142, 12 / 64). Then used to fix the classes it
/// showed (a decimal with four places read as a month and year, digits
/// grouped by spaces in a worked sum, wrong options marked in words), so
/// no longer held out: 83 / 142, 3 / 64.
#[test]
fn set_h_measures_the_new_styles_gate() {
    held_out_set("set_h", &["set_h_en_ru", "set_h_zh_ja"], 0.65, 0.02);
}

/// Set I (`set_i_*.toml`): 16 sources (English, Russian, Chinese,
/// Japanese), 48 faithful restyles and 96 single errors, written by a
/// helper that never read the checks while set G's classes were being
/// fixed; sealed until the end of that session, then measured once on its
/// final gate: 39 / 96 caught (numbers 22 / 26, names 9 / 18, identifiers
/// 8 / 18, ordinary words 0 / 34), 10 / 48 false alarms (docs/QUALITY.md).
/// A floor from then on; the next gate change needs a fresh sealed set.
/// Session 12 gives one catch back (an acronym spelled out in the rewrite
/// keeps it, so MLLW written for LAT beside "the Lowest Astronomical Tide"
/// passes): 47 / 96.
#[test]
fn set_i_measured_once_at_the_end_of_session_9() {
    held_out_set("set_i", &["set_i_en_ru", "set_i_zh_ja"], 0.48, 0.03);
}

/// Set G (`set_g_*.toml`): written after set E was measured and sealed
/// until the next change to the checks; measured once when session 9's
/// changes (the extract name rule and set H's classes) were in: 34 / 96
/// caught (numbers 16 / 20, names 6 / 11, identifiers 12 / 15), 12 / 48
/// false alarms (docs/QUALITY.md). Then used to fix the classes it
/// showed (a capitals label, a plural acronym, a possessive inside a
/// name, a slash list of letters), so no longer held out: 32 / 96 (two
/// errors had been "caught" only by those false alarms), 5 / 48; set I
/// measured them at first contact.
#[test]
fn set_g_measured_once_at_session_9() {
    held_out_set("set_g", &["set_g_en_ru", "set_g_zh_ja"], 0.33, 0.05);
}

/// Set F (`set_f_*.toml`): the new styles (issue 28: table, faq, tutorial,
/// math-problems, diverse-qa, distill, knowledge-list), eight outputs of
/// each, one error each, written by helpers that never read the checks;
/// sealed until the style kinds were in the gate. First and only held-out
/// measurement: 21 / 56 caught (numbers 15 / 20, names 0 / 6, identifiers
/// 1 / 6; outputs cut below their floor 5 / 6, wrong solutions 2 / 4),
/// 16 / 56 false alarms (math-problems 6 / 8, diverse-qa 5 / 8, table
/// 3 / 8). Then used to fix the classes it showed (a chain of equalities,
/// question numbers before CJK text, a table's rank column, a table's
/// lead-in naming the text, an extract's mentions counted, 135万5000), so
/// no longer held out: 20 / 56, 5 / 56; after the extract name rule (an
/// extract adds no single name, code, title or Latin word in CJK text):
/// 23 / 56 (names 2 / 6, identifiers 2 / 6), 5 / 56.
#[test]
fn set_f_measures_the_new_styles_gate() {
    held_out_set("set_f", &["set_f_en_ru", "set_f_zh_ja"], 0.50, 0.04);
}

/// Set J (`set_j_*.toml`): 16 sources (English, Russian, Chinese,
/// Japanese), 48 restyles in the seven restyle styles and 96 single errors,
/// written in session 10 by helpers that never read the checks, while that
/// session's gate changes were being made on sets A-I; sealed until the end
/// of the session. First contact (the session's final gate): 9 / 48 false
/// alarms, 51 / 72 errors carried by a number, name or identifier caught
/// (the gate of the session's start: 10 / 48, 52 / 72). Then used to fix
/// three classes (a month is no name, a short Russian name's case, a
/// bracket after a finished sentence): 3 / 48, 51 / 72.
#[test]
fn set_j_measured_once_at_the_end_of_session_10() {
    held_out_set("set_j", &["set_j_en_ru", "set_j_zh_ja"], 0.56, 0.05);
}

/// Set K (`set_k_*.toml`): the seven new styles again (56 outputs, 112
/// single errors, four languages), written and sealed with set J. First
/// contact: 5 / 56 false alarms, 47 / 84 carried errors caught (the
/// session's starting gate: 7 / 56, 47 / 84); after the fixes set J
/// pointed to: 3 / 56.
#[test]
fn set_k_measured_once_at_the_end_of_session_10() {
    held_out_set("set_k", &["set_k_en_ru", "set_k_zh_ja"], 0.52, 0.02);
}

/// Set L (`set_l_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 10 by helpers that never read the checks,
/// after sets J and K had been used; sealed until the end of the session.
/// First contact (the session's final gate): 4 / 48 false alarms, 54 / 72
/// errors carried by a number, name or identifier caught (the session's
/// starting gate: 5 / 48, 54 / 72). Then used for two classes (a URL's CJK
/// closing marks; a path or setting made of the source's parts): 3 / 48.
#[test]
fn set_l_measured_once_at_the_end_of_session_10() {
    held_out_set("set_l", &["set_l_en_ru", "set_l_zh_ja"], 0.59, 0.03);
}

/// Set M (`set_m_*.toml`): the seven new styles (56 outputs, 112 single
/// errors, four languages), written and sealed with set L. First contact:
/// 7 / 56 false alarms, 59 / 85 carried errors caught (starting gate:
/// 8 / 56, 54 / 85); after the fixes set L and M pointed to: 4 / 56,
/// 58 / 85.
#[test]
fn set_m_measured_once_at_the_end_of_session_10() {
    held_out_set("set_m", &["set_m_en_ru", "set_m_zh_ja"], 0.53, 0.04);
}

/// Set N (`set_n_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 10 by helpers that never read the checks,
/// after sets L and M had been used; sealed until the session's last gate
/// change and measured once: 4 / 48 false alarms, 54 / 72 errors carried
/// by a number, name or identifier caught (the session's starting gate:
/// 8 / 48, 54 / 72). Held out no longer: a floor.
#[test]
fn set_n_measured_once_at_the_end_of_session_10() {
    held_out_set("set_n", &["set_n_en_ru", "set_n_zh_ja"], 0.56, 0.07);
}

/// Set O (`set_o_*.toml`): the seven new styles (56 outputs, 112 single
/// errors, four languages), written and sealed with set N, measured once:
/// 6 / 56 false alarms, 48 / 84 carried errors caught (starting gate:
/// 5 / 56, 47 / 84).
#[test]
fn set_o_measured_once_at_the_end_of_session_10() {
    held_out_set("set_o", &["set_o_en_ru", "set_o_zh_ja"], 0.47, 0.04);
}

/// Set P (`set_p_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 10 by helpers that never read the checks,
/// after sets N and O had been used; sealed until the session's last gate
/// change and measured once: 5 / 48 false alarms, 50 / 73 errors carried
/// by a number, name or identifier caught (the session's starting gate:
/// 10 / 48, 49 / 73). Held out no longer: a floor.
#[test]
fn set_p_measured_once_at_the_end_of_session_10() {
    held_out_set("set_p", &["set_p_en_ru", "set_p_zh_ja"], 0.53, 0.05);
}

/// Set Q (`set_q_*.toml`): the seven new styles (56 outputs, 112 single
/// errors, four languages), written and sealed with set P, measured once:
/// 5 / 56 false alarms, 56 / 84 carried errors caught (starting gate:
/// 4 / 56, 54 / 84).
#[test]
fn set_q_measured_once_at_the_end_of_session_10() {
    held_out_set("set_q", &["set_q_en_ru", "set_q_zh_ja"], 0.51, 0.04);
}

/// Set R (`set_r_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 10 by helpers that never read the checks,
/// after sets P and Q had been used; sealed until the session's last gate
/// change and measured once: 4 / 48 false alarms, 50 / 72 errors carried
/// by a number, name or identifier caught (the session's starting gate:
/// 6 / 48, 46 / 72). A floor from now on.
#[test]
fn set_r_measured_once_at_the_end_of_session_10() {
    held_out_set("set_r", &["set_r_en_ru", "set_r_zh_ja"], 0.55, 0.07);
}

/// Set S (`set_s_*.toml`): the seven new styles (56 outputs, 112 single
/// errors, four languages), written and sealed with set R, measured once:
/// 5 / 56 false alarms, 58 / 85 carried errors caught (starting gate:
/// 8 / 56, 55 / 85).
#[test]
fn set_s_measured_once_at_the_end_of_session_10() {
    held_out_set("set_s", &["set_s_en_ru", "set_s_zh_ja"], 0.55, 0.01);
}

/// Set T (`set_t_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 11 by helpers that never read the checks
/// (nor README's description of the gate), after sets R and S had been
/// used; sealed until the session's last gate change and measured once:
/// 9 / 48 false alarms, 62 / 72 errors carried by a number, name or
/// identifier caught (the session's starting gate: 8 / 48, 62 / 72). The
/// classes it showed were fixed after that (tuned): 2 / 48. A floor from
/// now on.
#[test]
fn set_t_measured_once_at_the_end_of_session_11() {
    held_out_set("set_t", &["set_t_en_ru", "set_t_zh_ja"], 0.64, 0.05);
}

/// Set U (`set_u_*.toml`): the seven new styles (56 outputs, 112 single
/// errors, four languages), written and sealed with set T, measured once:
/// 5 / 56 false alarms, 58 / 84 carried errors caught (starting gate:
/// 5 / 56, 57 / 84); 2 / 56 after the classes T and U showed.
#[test]
fn set_u_measured_once_at_the_end_of_session_11() {
    held_out_set("set_u", &["set_u_en_ru", "set_u_zh_ja"], 0.51, 0.04);
}

/// Set V (`set_v_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 11 after sets T and U were measured, by
/// helpers that never read the checks; sealed until the session's last
/// gate change (21061ee) and measured once: 2 / 48 false alarms, 58 / 72
/// carried errors caught (the session's starting gate: 3 / 48, 58 / 72);
/// 0 / 48 after the classes V and W showed (tuned).
#[test]
fn set_v_measured_once_at_the_end_of_session_11() {
    held_out_set("set_v", &["set_v_en_ru", "set_v_zh_ja"], 0.60, 0.01);
}

/// Set W (`set_w_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set V, measured once: 4 / 56 false
/// alarms, 57 / 84 carried errors caught (starting gate: 4 / 56, 57 / 84);
/// 3 / 56 after the classes V and W showed (tuned).
#[test]
fn set_w_measured_once_at_the_end_of_session_11() {
    held_out_set("set_w", &["set_w_en_ru", "set_w_zh_ja"], 0.50, 0.06);
}

/// Set X (`set_x_*.toml`): 48 restyles and 96 single errors in four
/// languages, written in session 11 after sets V and W were measured, by
/// helpers that never read the checks; sealed until the session's last
/// gate change (8256e78) and measured once: 6 / 48 false alarms, 50 / 72
/// carried errors caught (the session's starting gate: 7 / 48, 46 / 72).
#[test]
fn set_x_measured_once_at_the_end_of_session_11() {
    held_out_set("set_x", &["set_x_en_ru", "set_x_zh_ja"], 0.52, 0.13);
}

/// Set Y (`set_y_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set X, measured once: 2 / 56 false
/// alarms, 58 / 83 carried errors caught (starting gate: 2 / 56, 56 / 83).
#[test]
fn set_y_measured_once_at_the_end_of_session_11() {
    held_out_set("set_y", &["set_y_en_ru", "set_y_zh_ja"], 0.51, 0.04);
}

/// What the gate's CJK length factor (`CJK_LENGTH_FACTOR` in
/// crates/quality/src/fidelity/checks.rs, 1.25) is set from: the median
/// length ratio of the faithful restyles of sets A-I, CJK over Latin and
/// Cyrillic, per style that expands (printed; docs/QUALITY.md quotes it).
#[test]
fn cjk_restyles_run_longer_than_latin_and_cyrillic_ones() {
    let mut ratios: BTreeMap<(String, bool), Vec<f64>> = BTreeMap::new();
    for set in ["a", "b", "c", "d", "e", "f", "g", "h", "i"] {
        for half in ["en_ru", "zh_ja"] {
            for source in load(&format!("set_{set}_{half}")) {
                let cjk = matches!(source.lang.as_deref(), Some("zh" | "ja"));
                let words = chunksynth_quality::text::word_count(&source.text) as f64;
                for restyle in &source.restyle {
                    let ratio = chunksynth_quality::text::word_count(&restyle.text) as f64 / words;
                    ratios
                        .entry((restyle.style.clone(), cjk))
                        .or_default()
                        .push(ratio);
                }
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut factors: Vec<f64> = Vec::new();
    println!("| style | median ratio, Latin/Cyrillic | CJK | CJK / Latin |\n|---|---|---|---|");
    let mut styles: Vec<String> = ratios.keys().map(|(s, _)| s.clone()).collect();
    styles.dedup();
    for style in &styles {
        let (Some(mut latin), Some(mut cjk)) = (
            ratios.get(&(style.clone(), false)).cloned(),
            ratios.get(&(style.clone(), true)).cloned(),
        ) else {
            continue;
        };
        let (l, c) = (median(&mut latin), median(&mut cjk));
        if l > 1.0 {
            factors.push(c / l);
        }
        println!("| {style} | {l:.2} | {c:.2} | {:.2} |", c / l);
    }
    // Over the styles that expand, CJK runs longer by a tenth or more at
    // the median.
    let typical = median(&mut factors);
    println!("median CJK / Latin over the styles that expand: {typical:.2}");
    assert!(typical >= 1.1, "{factors:?}");
}

/// The catalogue's `drops_context_names` reaches the gate: `expert-terse`
/// may leave out a name its source mentions once (a suspicion), any other
/// style may not.
#[test]
fn only_a_style_for_experts_may_leave_out_a_context_name() {
    let source = "The sched module of Python runs events at set times. Events run in order; sched keeps them in a heap.";
    let rewrite = "sched: events at set times, run in order, kept in a heap.";
    for (style, may) in [("expert-terse", true), ("textbook", false)] {
        let gate = gate_for(
            &FidelityConfig::default(),
            chunksynth_prompts::style(style).expect("in the catalogue"),
        );
        let report = fidelity(source, rewrite, &gate);
        let failed = report.findings().any(|f| f.contains("Python"));
        assert_eq!(failed, !may, "{style}");
        assert_eq!(
            report.suspicions.iter().any(|s| s.why.contains("Python")),
            may,
            "{style}"
        );
    }
}

/// Set AC (`dev_ac_*.toml`): 96 faithful outputs of the seven new styles,
/// no errors, written by helpers that never read the checks to find false
/// alarms before set AA was measured (development data: tuned on). First
/// contact: 10 / 48 English and Russian ones failed (an added 360°, a
/// percentage after "i.e.", Australian for Australia, шестнадцатью read as
/// no number); after those classes 4 / 96: a date interval in months, a
/// unit converted inside a chain, days in August and a tutorial leaving out
/// Australia.
#[test]
fn dev_ac_faithful_new_styles() {
    faithful_set("dev_ac", &["dev_ac_en_ru", "dev_ac_zh_ja"], 0.05);
}

/// Set AB (`dev_ab_*.toml`): 96 faithful restyles, no errors, written by
/// helpers that never read the checks to find false alarms before set Z
/// was measured (development data: tuned on). First contact (with the
/// classes AC showed): 4 / 96; after year ranges (1467–77), constraints in
/// backticks said in words, "95 из 100" and a country's other names: 1 / 96
/// ("75% less" for a quarter of the coal).
#[test]
fn dev_ab_faithful_restyles() {
    faithful_set("dev_ab", &["dev_ab_en_ru", "dev_ab_zh_ja"], 0.02);
}

/// Set AD (`dev_ad_*.toml`): 96 faithful restyles, a second development
/// round written after AB was used (tuned on). First contact: 18 / 96
/// failed; after its classes 5 / 96 (left: WWII for the Second World War,
/// 3.5M, Нового года as Новый год, Подмосковье, 116万千瓦 as 1160 MWe).
#[test]
fn dev_ad_faithful_restyles() {
    faithful_set("dev_ad", &["dev_ad_en_ru", "dev_ad_zh_ja"], 0.05);
}

/// Set AE (`dev_ae_*.toml`): 96 faithful outputs of the new styles, a
/// second development round written after AC was used (tuned on). First
/// contact: 11 / 96 failed; after its classes 4 / 96 (left: an interval
/// through a year the problem supposes, the 13th century's last year, the
/// values of a scale listed, HondaJet in katakana).
#[test]
fn dev_ae_faithful_new_styles() {
    faithful_set("dev_ae", &["dev_ae_en_ru", "dev_ae_zh_ja"], 0.05);
}

/// Set AF (`dev_af_*.toml`): 96 faithful restyles, a third development
/// round written after AD was used (tuned on). First contact: 10 / 96
/// failed; after its classes 1 / 96 ("5,000 US dollars" as "$5,000").
#[test]
fn dev_af_faithful_restyles() {
    faithful_set("dev_af", &["dev_af_en_ru", "dev_af_zh_ja"], 0.02);
}

/// Set AG (`dev_ag_*.toml`): 96 faithful outputs of the new styles, a
/// third development round written after AE was used (tuned on). First
/// contact: 9 / 96 failed; after its classes 7 / 96 (left: a decade's last
/// year, 20世纪90年代 as 1990, the values of a range listed, ЛЭП for линия
/// электропередачи, months counted).
#[test]
fn dev_ag_faithful_new_styles() {
    faithful_set("dev_ag", &["dev_ag_en_ru", "dev_ag_zh_ja"], 0.08);
}

/// Set AH (`dev_ah_*.toml`): 96 faithful restyles, a fourth development
/// round (tuned on). First contact 13 / 96 failed; after its classes 10.
#[test]
fn dev_ah_faithful_restyles() {
    faithful_set("dev_ah", &["dev_ah_en_ru", "dev_ah_zh_ja"], 0.11);
}

/// Set AI (`dev_ai_*.toml`): 96 faithful outputs of the new styles, a
/// fourth development round (tuned on). First contact 13 / 96 failed; 11
/// after a decimal comma before three digits and a round number's zeros
/// (the rest mostly values a math problem derives without writing them
/// out: days in a month, a conversion inside a chain).
#[test]
fn dev_ai_faithful_new_styles() {
    faithful_set("dev_ai", &["dev_ai_en_ru", "dev_ai_zh_ja"], 0.12);
}

/// Set AJ (`dev_aj_*.toml`): 96 faithful restyles, written beside AH from
/// other domains (tuned on). First contact 18 / 96 failed; after its
/// round's classes 13.
#[test]
fn dev_aj_faithful_restyles() {
    faithful_set("dev_aj", &["dev_aj_en_ru", "dev_aj_zh_ja"], 0.13);
}

/// Set AK (`dev_ak_*.toml`): 96 faithful outputs of the new styles,
/// written beside AI from other domains (tuned on). First contact 9 / 96
/// failed; after its round's classes 6.
#[test]
fn dev_ak_faithful_new_styles() {
    faithful_set("dev_ak", &["dev_ak_en_ru", "dev_ak_zh_ja"], 0.07);
}

/// Set AL (`dev_al_*.toml`): 96 faithful restyles, a fifth development
/// round (tuned on). First contact 10 / 96 failed; after its round's
/// classes 9.
#[test]
fn dev_al_faithful_restyles() {
    faithful_set("dev_al", &["dev_al_en_ru", "dev_al_zh_ja"], 0.10);
}

/// Set AM (`dev_am_*.toml`): 96 faithful outputs of the new styles, a
/// fifth development round (tuned on). First contact 10 / 96 failed; after
/// its round's classes 8.
#[test]
fn dev_am_faithful_new_styles() {
    faithful_set("dev_am", &["dev_am_en_ru", "dev_am_zh_ja"], 0.09);
}

/// Set AN (`dev_an_*.toml`): 96 faithful restyles, written beside AL from
/// other domains (tuned on). First contact 9 / 96 failed; after its
/// round's classes 7.
#[test]
fn dev_an_faithful_restyles() {
    faithful_set("dev_an", &["dev_an_en_ru", "dev_an_zh_ja"], 0.08);
}

/// Set AO (`dev_ao_*.toml`): 96 faithful outputs of the new styles,
/// written beside AM from other domains (tuned on). First contact 13 / 96
/// failed; after its round's classes 11.
#[test]
fn dev_ao_faithful_new_styles() {
    faithful_set("dev_ao", &["dev_ao_en_ru", "dev_ao_zh_ja"], 0.12);
}

/// Set AR (`dev_ar_*.toml`): 96 faithful restyles, written at the start
/// of session 13 by helpers that never read the checks (round 6; tuned
/// on). First contact 10 / 96 failed; after its round's classes 6.
#[test]
fn dev_ar_faithful_restyles() {
    faithful_set("dev_ar", &["dev_ar_en_ru", "dev_ar_zh_ja"], 0.07);
}

/// Set AS (`dev_as_*.toml`): 96 faithful outputs of the new styles,
/// written beside AR (round 6; tuned on). First contact 9 / 96 failed;
/// after its round's classes 5.
#[test]
fn dev_as_faithful_new_styles() {
    faithful_set("dev_as", &["dev_as_en_ru", "dev_as_zh_ja"], 0.06);
}

/// Set AT (`dev_at_*.toml`): 96 faithful restyles, written beside AR from
/// other domains (round 6; tuned on). First contact 7 / 96 failed; after
/// its round's classes 4.
#[test]
fn dev_at_faithful_restyles() {
    faithful_set("dev_at", &["dev_at_en_ru", "dev_at_zh_ja"], 0.05);
}

/// Set AU (`dev_au_*.toml`): 96 faithful outputs of the new styles,
/// written beside AS from other domains (round 6; tuned on). First
/// contact 10 / 96 failed; after its round's classes 6.
#[test]
fn dev_au_faithful_new_styles() {
    faithful_set("dev_au", &["dev_au_en_ru", "dev_au_zh_ja"], 0.07);
}

/// Set AV (`dev_av_*.toml`): 96 faithful restyles, written by helpers that never read the checks (round 7); tuned on. First contact 12 / 96 failed; after its round's classes 6.
#[test]
fn dev_av_faithful_restyles() {
    faithful_set("dev_av", &["dev_av_en_ru", "dev_av_zh_ja"], 0.07);
}

/// Set AW (`dev_aw_*.toml`): 96 faithful outputs of the new styles (round 7); tuned on. First contact 1 / 96 failed; after its round's classes 1.
#[test]
fn dev_aw_faithful_new_styles() {
    faithful_set("dev_aw", &["dev_aw_en_ru", "dev_aw_zh_ja"], 0.02);
}

/// Set AX (`dev_ax_*.toml`): 96 faithful restyles, from other domains than AV (round 7); tuned on. First contact 5 / 96 failed; after its round's classes 3.
#[test]
fn dev_ax_faithful_restyles() {
    faithful_set("dev_ax", &["dev_ax_en_ru", "dev_ax_zh_ja"], 0.04);
}

/// Set AY (`dev_ay_*.toml`): 96 faithful outputs of the new styles, from other domains than AW (round 7); tuned on. First contact 12 / 96 failed; after its round's classes 10.
#[test]
fn dev_ay_faithful_new_styles() {
    faithful_set("dev_ay", &["dev_ay_en_ru", "dev_ay_zh_ja"], 0.11);
}

/// Set AZ (`dev_az_*.toml`): 96 faithful restyles, written by helpers that never read the checks (round 8); tuned on. First contact 16 / 96 failed; after its round's classes 12.
#[test]
fn dev_az_faithful_restyles() {
    faithful_set("dev_az", &["dev_az_en_ru", "dev_az_zh_ja"], 0.13);
}

/// Set BA (`dev_ba_*.toml`): 96 faithful outputs of the new styles (round 8; the en/ru half's helper saw part of README's gate description before writing, so its first contact is reported apart); tuned on. First contact 3 / 96 failed (1 in the zh/ja half, 2 in the en/ru half its helper wrote after seeing the gate section); after its round's classes 3.
#[test]
fn dev_ba_faithful_new_styles() {
    faithful_set("dev_ba", &["dev_ba_en_ru", "dev_ba_zh_ja"], 0.04);
}

/// Set BB (`dev_bb_*.toml`): 96 faithful restyles, from other domains than AZ (round 8); tuned on. First contact 13 / 96 failed; after its round's classes 9.
#[test]
fn dev_bb_faithful_restyles() {
    faithful_set("dev_bb", &["dev_bb_en_ru", "dev_bb_zh_ja"], 0.1);
}

/// Set BC (`dev_bc_*.toml`): 96 faithful outputs of the new styles, from other domains than BA (round 8); tuned on. First contact 8 / 96 failed; after its round's classes 6.
#[test]
fn dev_bc_faithful_new_styles() {
    faithful_set("dev_bc", &["dev_bc_en_ru", "dev_bc_zh_ja"], 0.07);
}

/// Set BF (`dev_bf_*.toml`): 96 faithful restyles rich in identifiers (options, codes, formulas, binomials), from other domains than every set before (round 9, session 15); tuned on. First contact 7 / 96 failed (the zh/ja half 4 / 48 with the session's starting gate, the en/ru half 3 / 48 after BG's classes); after round 9's classes 4.
#[test]
fn dev_bf_faithful_restyles() {
    faithful_set("dev_bf", &["dev_bf_en_ru", "dev_bf_zh_ja"], 0.05);
}

/// Set BG (`dev_bg_*.toml`): 96 faithful outputs of the new styles rich in identifiers, from other domains than every set before (round 9, session 15); tuned on. First contact 6 / 96 failed; after its round's classes 2.
#[test]
fn dev_bg_faithful_new_styles() {
    faithful_set("dev_bg", &["dev_bg_en_ru", "dev_bg_zh_ja"], 0.03);
}

/// Set BH (`dev_bh_*.toml`): 96 faithful restyles from other domains than every set before (round 10, session 15); tuned on. First contact 3 / 96 failed; after its round's classes 2.
#[test]
fn dev_bh_faithful_restyles() {
    faithful_set("dev_bh", &["dev_bh_en_ru", "dev_bh_zh_ja"], 0.03);
}

/// Set BI (`dev_bi_*.toml`): 96 faithful outputs of the new styles from other domains than every set before (round 10, session 15); tuned on. First contact 8 / 96 failed; after its round's classes 2.
#[test]
fn dev_bi_faithful_new_styles() {
    faithful_set("dev_bi", &["dev_bi_en_ru", "dev_bi_zh_ja"], 0.03);
}

/// Set BJ (`dev_bj_*.toml`): 96 faithful restyles from other domains than every set before (round 11, session 15); tuned on. First contact 4 / 96 failed; after its round's classes 2.
#[test]
fn dev_bj_faithful_restyles() {
    faithful_set("dev_bj", &["dev_bj_en_ru", "dev_bj_zh_ja"], 0.03);
}

/// Set BK (`dev_bk_*.toml`): 96 faithful outputs of the new styles from other domains than every set before (round 11, session 15); tuned on. First contact 2 / 96 failed; after its round's classes 1.
#[test]
fn dev_bk_faithful_new_styles() {
    faithful_set("dev_bk", &["dev_bk_en_ru", "dev_bk_zh_ja"], 0.02);
}

/// Set BN (`dev_bn_*.toml`): 96 faithful restyles from other domains than every set before, dense with codes of letters and digits (round 12, session 16); tuned on. First contact 10 / 96 failed (the starting gate and the changed-codes class alike); after its round's classes 1 (二人 for the two people just named), then 0.
#[test]
fn dev_bn_faithful_restyles() {
    faithful_set("dev_bn", &["dev_bn_en_ru", "dev_bn_zh_ja"], 0.01);
}

/// Set BO (`dev_bo_*.toml`): 96 faithful outputs of the new styles from other domains than every set before, dense with codes of letters and digits (round 12, session 16); tuned on. First contact 6 / 96 failed (the starting gate and the changed-codes class alike); after its round's classes 3 (an intermediate date of a worked interval, a check digit's positions, a value a yes/no question invents).
#[test]
fn dev_bo_faithful_new_styles() {
    faithful_set("dev_bo", &["dev_bo_en_ru", "dev_bo_zh_ja"], 0.04);
}

/// Set BR (`dev_br_*.toml`): 96 faithful outputs of the new styles from other domains than every set before, rich in full dates, intervals worked out between them and named people, places and organisations (round 13, session 19); tuned on. First contact 12 / 96 failed (the gate of a7d3a7c): eight of them numbers a worked date interval writes (the days of the months it crosses, 31 − 21 = 10), the rest a ten and a unit spelled, an ordinal heading each row, a version without its last zero, a name the source says as an adjective (lunar → the Moon), a code's number said alone (G30 → 30), a doubling said as +100 %, and a premise a problem invents (a 250th anniversary). After its classes (tuned): 4 / 96, the last four.
#[test]
fn dev_br_faithful_new_styles() {
    faithful_set("dev_br", &["dev_br_en_ru", "dev_br_zh_ja"], 0.05);
}

/// Set BY (`dev_by_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before, rich in full dates written in other forms (ISO, day first) and in named organisations, places and (in Chinese and Japanese text) Latin-script names (round 14, session 20); tuned on. First contact 8 / 64 failed, with the session's starting gate (1a4541f) and with the changed-dates class alike: a month of a year the source names in words written as 2022-06, a version's number said as an ordinal (the eleventh version for version 11), two names a terse style leaves out (канал имени Ленина, в Петербурге), a pair said as a count (双层 → 两层, トリプル → 3種), a number a name carries (COVID-19), and a year with its era before the day and month (1876（明治9）.8.14). After its classes (tuned): 6 / 64.
#[test]
fn dev_by_faithful_all_styles() {
    faithful_set("dev_by", &["dev_by_en_ru", "dev_by_zh_ja"], 0.10);
}

/// Set BZ (`dev_bz_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before, rich in quantities written in other equivalent forms (ranges, fractions, scale words, units, centuries) and in people named with titles, initials and patronymics (round 15, session 21); tuned on. First contact 7 / 64 failed, with the session's starting gate (8ba4b74): the parts of a version a tutorial takes apart (4.7.2 → "from 2 to 3", 1.10.0 → "10 > 9"), a lifespan's year merged into the full date the rewrite repeats (the count check), a decimal said in words (1,5 м → полутора метров), a result rounded from a computation on a converted value (1,5 м = 150 см; 150 ÷ 7 ≈ 21,4 → 21), and a place after the preposition 将 (将杭州). After its classes (tuned): 0 / 64.
#[test]
fn dev_bz_faithful_all_styles() {
    faithful_set("dev_bz", &["dev_bz_en_ru", "dev_bz_zh_ja"], 0.05);
}

/// Set CC (`dev_cc_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before, half technical (protocols, file formats, tools, with codes and sizes), half measured science, transport and sport, the worked styles taking the source's figures apart with the arithmetic written out (round 16, session 21); tuned on. First contact 5 / 64 failed, with the session's starting gate (8ba4b74) and with BZ's classes alike: a share worked out as a percentage (3,510 / 4,050 ≈ 86.7%), a day in seconds as a factor (30 × 86 400), a class of codes written out (1xx → 100〜199), numbers said again in computations read as a number changed into another (with 双声道 as 2), and a worked age and record life counted in years, months and days between dates in prose. After its classes (tuned): 1 / 64 (a tutorial leaves out «Играх», the Games, naming the Olympics by its adjective).
#[test]
fn dev_cc_faithful_all_styles() {
    faithful_set("dev_cc", &["dev_cc_en_ru", "dev_cc_zh_ja"], 0.05);
}

/// Set CD (`dev_cd_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before (medicine, chemistry, materials, energy, agriculture, standards bodies, a file system, a network tool), rich in acronyms defined and bare, formulas, units with prefixes, Latin species names and names in another script (round 17, session 21); tuned on. First contact 5 / 64 failed (all Chinese / Japanese), with the session's starting gate (8ba4b74) and with BZ's and CC's classes alike: a range in micrometres converted (5〜10 μm → 0.005〜0.01 mm: the unit after a range's last end, a symbol with CJK text glued after it), a percentage said in tenths and a fraction as a decimal (90% → 9割, 4分の1 → 0.25), an interval of years spelled (四年之后) or said as a lower bound (30年余り for 32 years), and a dotted katakana enumeration in a table's lead-in (コマンド・オプション). After its classes (tuned): 1 / 64, the last one.
#[test]
fn dev_cd_faithful_all_styles() {
    faithful_set("dev_cd", &["dev_cd_en_ru", "dev_cd_zh_ja"], 0.05);
}

/// Set CE (`dev_ce_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before (law, politics, history and the arts, with three technical sources), rich in numbered provisions, titles of works, reigns and periods written in several forms (round 18, session 21); tuned on. First contact 3 / 64 failed, with the session's starting gate (8ba4b74) and with this session's classes alike: "Section 6" written "§6", a Japanese note's dotted dates (慶応4.3.14, 閏4.21, 9.8 for the source's 年月日), and a check digit's division written with its remainder (30 ÷ 11 = 2 余り 8) beside a code the solution composes (011011). After its classes (tuned): 1 / 64 (the composed code).
#[test]
fn dev_ce_faithful_all_styles() {
    faithful_set("dev_ce", &["dev_ce_en_ru", "dev_ce_zh_ja"], 0.05);
}

/// Set CF (`dev_cf_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before (statistics, economics, demography, public finance, sport results, climate records, with three technical sources), dense with changes, comparisons, shares and currencies in prose (round 19, session 21); tuned on. First contact 9 / 64 failed, with the session's starting gate (8ba4b74) and with this session's classes alike: a table whose header gives the scale (216784 under （亿元）), a terse note leaving out a name or acronym said once (Python, СУБД, FIFA), a bare year merged into a table row (the count check), a hat-trick counted as 3, a worked budget's shares and differences (33.3, 7103億), an option's default left implicit. After its classes here (the header's scale; then, with BX's, the 3 a worked sum determines): 7 / 64, left for the next round.
#[test]
fn dev_cf_faithful_all_styles() {
    faithful_set("dev_cf", &["dev_cf_en_ru", "dev_cf_zh_ja"], 0.13);
}

/// Set CG (`dev_cg_*.toml`): 64 faithful outputs of all fourteen styles from other domains than every set before (recipes, rules of games, release notes, transport guides), with times, ranges and defaults restated (round 20, session 21, written after BW / BX were measured, for the next change); tuned on. First contact 12 / 64 failed (18.8%), with the session's starting gate (8ba4b74) and its final gate alike: durations converted (3–5 суток → от 72 до 120 часов, 1 小时 → 60 分钟), a clock's round hour and an hour after noon said in words (8:00〜17:45 → 朝8時から夕方5時45分), a tight fraction divided by (30 ÷ 2/15), a Russian division sign (500 : 100 = 5), half a source amount (80g → 40gずつ), counts of the stations or versions just named, a computed premise. After its one class here (the clock): 10 / 64; after the tight fraction and the Russian division colon (session 22): 8 / 64; after durations said in another unit and restated in two, half of an amount its sentence halves, and a count of the stations just named (session 22): 2 / 64, left for the next round.
#[test]
fn dev_cg_faithful_all_styles() {
    faithful_set("dev_cg", &["dev_cg_en_ru", "dev_cg_zh_ja"], 0.04);
}

/// Set CH (`dev_ch_*.toml`): 64 faithful outputs of all fourteen styles (round 21, session 22: clinical guidelines, space missions, instruments, landmark buildings, hydropower, chess, polar stations, porcelain, sake, building standards); tuned on. First contact 10 / 64 failed (15.6%), with the session's starting gate (f5af3ce) and the gate of the moment (3d1c410) alike: a chess tally read as an equation (+6 −3 =25), a CJK figure of two scales (2亿9430万), power converted (271.5万千瓦 → 2715 MW), a conversion said to be approximate (约1.92 km), a magnitude written as its sign (M7.4), years counted in decades, a note worked on a code (E3 → E6), durations subtracted (4時間 − 3時間10分 = 50分), full years of a date interval, a unit's name an extract adds (Фаренгейта). After session 22's classes: 3 / 64, left for the next round.
#[test]
fn dev_ch_faithful_all_styles() {
    faithful_set("dev_ch", &["dev_ch_en_ru", "dev_ch_zh_ja"], 0.05);
}

/// Set CK (`dev_ck_*.toml`): 64 faithful outputs of all fourteen styles (round 22, session 22: crop yields, aviation, a language standard, a museum, a railway, an oil field, a film, a university, a canal, telecom licences, opera troupes, provincial GDP, retail, a festival, a car, a dam), written by helpers asked for dense restated amounts, counts and symbols; tuned on. First contact 17 / 64 failed (26.6%) with the gate of the moment (46f9d02), 19 / 64 with the session's starting gate (f5af3ce): megatonnes for million tonnes, a percentage in words and the share it leaves as a ratio, clock times in a sum (3:25 + 2 min), an hour on the 24-hour clock (午後11時 → 23時), a CJK figure grouping its thousands (1万5,893), a count before or after a list with bracketed asides, a hyphenated century (17th-century → 1600s), "that year", an acronym spelled out before it (ISO), a number kept as the source's own code (R15), a prefixed surname (LaGuardia Airport); left: a capitalised legal word (Act), a table that drops "London", a win rate computed (29戦29勝 → 100%), a per-unit result (= 1気筒あたり4バルブ), a provincial GDP table worked in 亿. After session 22's classes: 7 / 64.
#[test]
fn dev_ck_faithful_all_styles() {
    faithful_set("dev_ck", &["dev_ck_en_ru", "dev_ck_zh_ja"], 0.11);
}

/// Set CL (`dev_cl_*.toml`): 64 faithful outputs of all fourteen styles (round 23, session 22: volcano forecasts, vaccine schedules, launch vehicles, shipwrecks, painters, pipelines, Soviet computers, lakes, city walls, EV makers, festivals, bridges, rockets, tea schools, earthquake warnings, sumo); tuned on. First contact 9 / 64 failed (14.1%) with the gate of the moment (7214031), 10 / 64 with the session's starting gate (f5af3ce): an acronym kept inside a longer one (US → USGS), a date's day after a sum (9 Nov 1967 + 5 years = 9 Nov 1972), a formula for a named substance (SO₂); left: the 0 of a dosing schedule dropped, a nationality dropped (a real omission), a count of spans listed after it, a number mentioned once less. After session 22's classes: 4 / 64.
#[test]
fn dev_cl_faithful_all_styles() {
    faithful_set("dev_cl", &["dev_cl_en_ru", "dev_cl_zh_ja"], 0.07);
}

/// Set CO (`dev_co_*.toml`): 64 extract outputs (math-problems, diverse-qa, distill, knowledge-list) and 128 single errors, 36 of them names added (round 24, session 23: lighthouses, early computers, fisheries quotas, an Olympic stadium, a chemist, the Northern Sea Route, a porcelain factory, a satellite, Yue opera, Tang Chang'an, a university's founding, an observatory, literary prizes, a car plant, a shrine, a baseball club), written by helpers asked for extracts dense in names; tuned on. First contact with the session's starting gate (86419b7): 7 / 64 faithful failed, 55 / 90 carried errors caught (names 15 / 44), keep_too_little 19 / 20: a wrong option marked in brackets (（错误）, （誤り）), a year before 1000 with 次年, a hundred in words (ста двадцати), a month taken as 30 days. After session 23's classes: 2 / 64 failed, 61 / 90 caught (names 21 / 44), keep_too_little 20 / 20 (the numbers floor); left: Sweden for Stockholm, a count of two leads and a month interval worked from an intermediate date.
#[test]
fn dev_co_extracts_with_added_names() {
    held_out_set("dev_co", &["dev_co_en_ru", "dev_co_zh_ja"], 0.62, 0.04);
}

/// Set CP (`dev_cp_*.toml`): 64 faithful outputs of all fourteen styles (round 25, session 23: a submersible, a base tunnel, process nodes, a Nobel prize, the Yenisei, a film, a university, a polar station, Tsinghua, a film studio, Harbin, a bank, Panasonic, Osaka University, Kanazawa, a broadcaster), sources dense in universities, companies and their people, written before session 23's extract name rules were read; tuned on. First contact 4 / 64 failed (6.3%) with the starting gate (86419b7) and with the gate of that moment (2fadd51), none by the extract name rules or the numbers floor: a count after a dash of the comma list before it (май, июнь, июль — 3 месяца), noon as 12 o'clock (正午 → 12時, twice); left: CEO for "chief executive". After session 23's classes: 1 / 64.
#[test]
fn dev_cp_faithful_all_styles() {
    faithful_set("dev_cp", &["dev_cp_en_ru", "dev_cp_zh_ja"], 0.03);
}

/// Set CQ (`dev_cq_*.toml`): 64 faithful outputs of all fourteen styles (round 26, session 23: a wind record, a ship aground, C standards, a first ascent, Rachmaninoff, a railway, a wrestler, a lighthouse, temperature extremes, a port, a novel's editions, a mountain range, weather records, a shipyard, a castle town, a hot spring), written by helpers asked to restate numbers in other units, work out differences and totals in passing and abbreviate in terse notes; tuned on. First contact 22 / 64 failed (34.4%) with the starting gate (86419b7) and with the gate of that moment (1de454b): differences said by a comparison (高出12.2℃, 低0.7℃), nautical miles in km, a labelled range's end (шагов 1–5), Mt for Mount; left: a difference across lines (Δ +36 km/h), a rank said fewer times (1位 ×7), a two-unit length restated (11m82cm → 1,182cm), knots in km/h, "six days out of ten", Alpine for Alps, СССР for the Soviet Union. After session 23's classes: 17 / 64.
#[test]
fn dev_cq_faithful_all_styles() {
    faithful_set("dev_cq", &["dev_cq_en_ru", "dev_cq_zh_ja"], 0.27);
}

/// Set Z (`set_z_*.toml`): 48 restyles and 96 single errors in four
/// languages, written at the start of session 12 by helpers that never read
/// the checks, sealed while the gate changed, measured once at its end
/// (gate b0d0af5): 51 / 96 caught (numbers 30 / 34, names 11 / 24,
/// identifiers 10 / 14), 6 / 48 false alarms; the session's starting gate
/// (729f5d9) on it: the same catches, 7 / 48. Then its classes were fixed
/// (tuned: a Russian day and month with a dot, a designation's digits
/// inside other numbers, a note's labelled last line, "15 out of every
/// 100"): 2 / 48. A floor from now on.
#[test]
fn set_z_measured_once_at_the_end_of_session_12() {
    held_out_set("set_z", &["set_z_en_ru", "set_z_zh_ja"], 0.53, 0.05);
}

/// Set AA (`set_aa_*.toml`): the seven new styles (56 outputs, 112 single
/// errors, wrong computations and extracts cut below their floor among
/// them), written and sealed with set Z, measured once at session 12's end:
/// 64 / 112 caught (numbers 41 / 41, names 8 / 27, identifiers 9 / 16), 3 /
/// 56 false alarms; the starting gate the same. After its classes (tuned:
/// a part's label, **Problem 2.**, is no name an extract adds): 2 / 56. A
/// floor from now on.
#[test]
fn set_aa_measured_once_at_the_end_of_session_12() {
    held_out_set("set_aa", &["set_aa_en_ru", "set_aa_zh_ja"], 0.57, 0.04);
}

/// Set AP (`set_ap_*.toml`): 48 restyles and 96 single errors in four
/// languages, written at the end of session 12 by helpers that never read
/// the checks, sealed through session 13, measured once at its end (gate
/// 4e6bbb8): 48 / 96 caught (numbers 31 / 32, names 7 / 23, identifiers
/// 10 / 12), 2 / 48 false alarms; the session's starting gate (ea02bec):
/// the same catches, 1 / 48 — the extra one was this session's middle
/// initial reading "Пётр I. Там" as one name, fixed after the measurement
/// (tuned: 1 / 48). A floor from now on.
#[test]
fn set_ap_measured_once_at_the_end_of_session_13() {
    held_out_set("set_ap", &["set_ap_en_ru", "set_ap_zh_ja"], 0.5, 0.03);
}

/// Set AQ (`set_aq_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set AP, measured once at session 13's
/// end: 56 / 112 caught (numbers 35 / 40, names 12 / 28, identifiers 5 /
/// 16; wrong computations 6 / 6, extracts cut below their floor 4 / 6), 2 /
/// 56 false alarms (two results cut rather than rounded: 107 ÷ 30 =
/// 3.566); the starting gate the same. A floor from now on.
#[test]
fn set_aq_measured_once_at_the_end_of_session_13() {
    held_out_set("set_aq", &["set_aq_en_ru", "set_aq_zh_ja"], 0.5, 0.04);
}

/// Set BD (`set_bd_*.toml`): 48 restyles and 96 single errors, written at
/// the end of session 13 by helpers that never read the checks, sealed
/// through sessions 14 and 15, measured once at session 15's end (gate
/// b509717): 49 / 96 caught (numbers 32 / 34, names 9 / 24, identifiers 8
/// / 14), 1 / 48 false alarms (a decade written without its century,
/// 20世纪90年代 → 90年代); the session's starting gate (e196a46): the same.
/// A floor from now on.
#[test]
fn set_bd_measured_once_at_the_end_of_session_15() {
    held_out_set("set_bd", &["set_bd_en_ru", "set_bd_zh_ja"], 0.5, 0.03);
}

/// Set BE (`set_be_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set BD, measured once at session 15's
/// end: 67 / 112 caught (numbers 38 / 40, names 14 / 28, identifiers 10 /
/// 16; wrong computations 6 / 6, extracts cut below their floor 5 / 6), 0 /
/// 56 false alarms; the starting gate the same. A floor from now on.
#[test]
fn set_be_measured_once_at_the_end_of_session_15() {
    held_out_set("set_be", &["set_be_en_ru", "set_be_zh_ja"], 0.59, 0.02);
}

/// Set BL (`set_bl_*.toml`): 48 restyles and 96 single errors, written at
/// the end of session 15 by helpers that never read the checks, sealed
/// until session 16's gate changes were made, measured once then (gate
/// 1ac7e07): 36 / 96 caught (numbers 24 / 25, names 10 / 19, identifiers
/// 2 / 6), 4 / 48 false alarms (a head word kept by the name it heads,
/// "University of Cambridge" → Cambridge; an acronym a plain-language
/// restyle says in words, СУБД; втрое written 1/3; 10のマイナス15乗
/// written 10^-15); the session's starting gate (585d9d4): the same. Then
/// three of those classes were fixed (tuned): 1 / 48; then the acronym
/// too (an acronym that names the kind of a name the rewrite keeps, СУБД
/// PostgreSQL, is a suspicion): 0 / 48. A floor from now on.
#[test]
fn set_bl_measured_once_at_the_end_of_session_16() {
    held_out_set("set_bl", &["set_bl_en_ru", "set_bl_zh_ja"], 0.37, 0.01);
}

/// Set BM (`set_bm_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set BL, measured once at session 16's
/// end: 42 / 112 caught (numbers 25 / 32, names 7 / 18, identifiers 2 /
/// 5; wrong computations 7 / 8, extracts cut below their floor 8 / 8), 1 /
/// 56 false alarms (a worked interval's calendar: month lengths); the
/// starting gate the same. Then "= 140" for 1,440 ÷ 10 read as a miscount,
/// not a rounding to tens (tuned): 43 / 112. A floor from now on.
#[test]
fn set_bm_measured_once_at_the_end_of_session_16() {
    held_out_set("set_bm", &["set_bm_en_ru", "set_bm_zh_ja"], 0.38, 0.02);
}

/// Set BP (`set_bp_*.toml`): 48 restyles and 96 single errors, written at
/// the end of session 16 by helpers that never read the checks, sealed
/// until session 19's gate changes were made, measured once then (the
/// checks of 02d8aea): 22 / 96 caught (numbers 17 / 26, names 3 / 17,
/// identifiers 2 / 6, words 0 / 47), 3 / 48 false alarms (a year said
/// as "five years later" written out, 1828; a per-mille's base, 每走 1000
/// 米; 四周, "all around", read as four weeks); the session's starting
/// gate (76ae1af): 22 / 96, 5 / 48 (also "Twenty-one" written 21, twice:
/// the class round 13 showed as "Twenty-two"). Then (tuned) a year said
/// by a count of years after another: 2 / 48. A floor from now on.
#[test]
fn set_bp_measured_once_at_the_end_of_session_19() {
    held_out_set("set_bp", &["set_bp_en_ru", "set_bp_zh_ja"], 0.22, 0.05);
}

/// Set BQ (`set_bq_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set BP, measured once at session 19's
/// end: 34 / 112 caught (numbers 23 / 30, names 5 / 16, identifiers 2 /
/// 10; wrong computations 5 / 6, extracts cut below their floor 4 / 6), 5 /
/// 56 false alarms (a height, 1864.8米, read as a year and its month, in
/// three outputs; a Russian name with a fleeting vowel, Днём → День; a
/// tutorial that copies 51% against its bound of 50%); the starting gate
/// 34 / 112, 6 / 56 (also "Twenty-one" written 21). Then (tuned) a number
/// the source writes the same is no date, and a result after ≈ shown with
/// decimals is wrong when off by more than ten of its last digit
/// (1854.93 for 1844.93): 35 / 112, 2 / 56; then an option in a command
/// line the source lacks (`tcpdump -D`) and a fleeting vowel (День for
/// Днём): 36 / 112, 1 / 56. A floor from now on.
#[test]
fn set_bq_measured_once_at_the_end_of_session_19() {
    held_out_set("set_bq", &["set_bq_en_ru", "set_bq_zh_ja"], 0.32, 0.02);
}

/// Set BS (`set_bs_*.toml`): 48 restyles and 96 single errors, written at
/// the start of session 19 by helpers that never read the checks, sealed
/// through its changes to the checks, measured once at its end (the checks
/// of c567bf0): 33 / 96 caught (numbers 20 / 25, names 7 / 18, identifiers
/// 6 / 6, words 0 / 47), 1 / 48 false alarms (a textbook's "carbon-14"
/// added to explain radiocarbon dating); the session's starting gate
/// (76ae1af): the same. A floor from now on.
#[test]
fn set_bs_measured_once_at_the_end_of_session_19() {
    held_out_set("set_bs", &["set_bs_en_ru", "set_bs_zh_ja"], 0.34, 0.03);
}

/// Set BT (`set_bt_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set BS, measured once at session 19's
/// end: 43 / 112 caught (numbers 28 / 31, names 3 / 18, identifiers 6 /
/// 6; wrong computations 7 / 7, extracts cut below their floor 6 / 6), 2 /
/// 56 false alarms (a tutorial's worked example numbering points it
/// invents; Совмина for the source's Совета Министров); the starting gate
/// the same. A floor from now on. Session 21: 42 / 112 — an omitted
/// `typed=True` was caught only by a count ("3 appears 1 times instead of
/// 2") that a number worked with elsewhere (28 + 31 = 59) had set off;
/// numbers said again in a computation no longer count as said more
/// often (CC's false alarm), and that chance catch went with them.
#[test]
fn set_bt_measured_once_at_the_end_of_session_19() {
    held_out_set("set_bt", &["set_bt_en_ru", "set_bt_zh_ja"], 0.37, 0.04);
}

/// Set BU (`set_bu_*.toml`): 48 restyles and 96 single errors, written at
/// the end of session 19 by helpers that never read the checks, sealed
/// through session 20's changes to the checks, measured once at its end
/// (the checks of 05e8aaa): 34 / 96 caught (numbers 21 / 23, names 6 / 18,
/// identifiers 7 / 8, words 0 / 47), 5 / 48 false alarms (an ISO 8601
/// duration and a date-time taken apart: 6M, 30M, 14; a sentence's first
/// word after an ellipsis read as a name, twice; a rate's 200k before a
/// full-width comma read as 200); the session's starting gate (1a4541f):
/// the same. Tuned after, each a class: 34 / 96, 0 / 48. A floor from now on.
#[test]
fn set_bu_measured_once_at_the_end_of_session_20() {
    held_out_set("set_bu", &["set_bu_en_ru", "set_bu_zh_ja"], 0.35, 0.02);
}

/// Set BV (`set_bv_*.toml`): the seven new styles (56 outputs, 112 single
/// errors), written and sealed with set BU, measured once at session 20's
/// end: 43 / 112 caught (numbers 26 / 28, names 10 / 19, identifiers 5 /
/// 9), 4 / 56 false alarms (functions named with empty brackets for the
/// source's calls, twice; a dotted katakana column label; a worked
/// interval's step "25 October", new with the session's changed-dates
/// class); the starting gate 43 / 112, 3 / 56. Tuned after: 43 / 112, 0 /
/// 56. A floor from now on.
#[test]
fn set_bv_measured_once_at_the_end_of_session_20() {
    held_out_set("set_bv", &["set_bv_en_ru", "set_bv_zh_ja"], 0.38, 0.02);
}

/// Set BW (`set_bw_*.toml`): 48 restyles and 96 single errors, written in
/// session 20 by helpers that never read the checks, sealed through
/// session 21's changes to the checks (rounds 15–19), measured once at its
/// end: 25 / 96 caught (numbers 18 / 21, names 3 / 16, identifiers 4 / 12,
/// ordinary words 0 / 47), 2 / 48 false alarms (4.2%: a pair of names
/// counted as 二人, a share's complement — 4分の3 as 75% and the rest as
/// 25%); the session's starting gate (8ba4b74): the same. Tuned after (the
/// share left over): 25 / 96, 1 / 48. A floor from now on.
#[test]
fn set_bw_measured_once_at_the_end_of_session_21() {
    held_out_set("set_bw", &["set_bw_en_ru", "set_bw_zh_ja"], 0.26, 0.05);
}

/// Set BX (`set_bx_*.toml`): the new styles (56 outputs, 112 single
/// errors), written and sealed with set BW, measured once at session 21's
/// end: 40 / 112 caught (numbers 26 / 30, names 4 / 17, identifiers 4 / 9;
/// wrong computations 6 / 6, extracts cut below their floor 6 / 6 — the
/// floors session 20 measured, confirmed), 2 / 56 false alarms (3.6%: a
/// table's and a tutorial's 2); the starting gate 40 / 112, 3 / 56 (a
/// division written with its remainder, 23 ÷ 3 = 7 余 2, this session's
/// class). Tuned after (an operand a known result determines: 53 + 2 =
/// 55): 40 / 112, 1 / 56. A floor from now on.
#[test]
fn set_bx_measured_once_at_the_end_of_session_21() {
    held_out_set("set_bx", &["set_bx_en_ru", "set_bx_zh_ja"], 0.35, 0.04);
}

/// Set CA (`set_ca_*.toml`): 48 restyles and 96 single errors, written in
/// session 21 by helpers that never read the checks, sealed through
/// session 22's changes to the checks (rounds 20–23), measured once at its
/// end: 29 / 96 caught (numbers 19 / 23, names 6 / 13, identifiers 4 / 11,
/// ordinary words 0 / 49), 1 / 48 false alarms (2.1%: a terse note writes
/// HMAC-SHA-512 after HMAC-SHA-256 with the shared part left off,
/// HMAC-SHA-256/-512); the session's starting gate (f5af3ce): the same.
/// Tuned after (a name's shared part left off after a slash): 29 / 96,
/// 0 / 48. A floor from now on.
#[test]
fn set_ca_measured_once_at_the_end_of_session_22() {
    held_out_set("set_ca", &["set_ca_en_ru", "set_ca_zh_ja"], 0.30, 0.02);
}

/// Set CB (`set_cb_*.toml`): the new styles (56 outputs, 112 single
/// errors), written and sealed with set CA, measured once at session 22's
/// end: 39 / 112 caught (numbers 26 / 30, names 5 / 17, identifiers 3 / 7;
/// wrong computations 6 / 6, extracts cut below their floor 5 / 6 — a
/// distillation that keeps a definition and the number format of a
/// versioning scheme keeps enough words of it to pass), 0 / 56 false
/// alarms; the starting gate one added name fewer (a title in 《》, which
/// it read in extracts only, added in a table), 0 / 56. Tuned after (an
/// extract's given name added to a family the source names: Fred → Fred
/// and Norah Urquhart): 40 / 112, 0 / 56. A floor from now on.
#[test]
fn set_cb_measured_once_at_the_end_of_session_22() {
    held_out_set("set_cb", &["set_cb_en_ru", "set_cb_zh_ja"], 0.35, 0.02);
}

/// Set CI (`set_ci_*.toml`): 48 restyles and 96 single errors, written in
/// session 22 by helpers that never read the checks, sealed through
/// session 23's changes (rounds CO and CP, the extract name rules, the
/// numbers floor), measured once at its end (971b56f): 7 / 48 false alarms
/// (14.6%), 45 / 96 errors failed (34 by a finding their faithful text
/// lacks), carried 32 / 48 (numbers 22 / 24, names 8 / 22, identifiers
/// 2 / 2); the session's starting gate (86419b7): the same. Its false
/// alarms: 愛知・三重両県 read as a place 重両県 (three), a museum's
/// area in hectares and a year interval, a count of two clauses after a
/// colon, a station's name with Площадь cut to Пл., a difference of two
/// wind speeds, 4桁or5桁. Tuned after: 3 / 48 (2 / 48 after round CQ's
/// difference class); 34 / 96 errors caught where the faithful text
/// passes. A floor from now on.
#[test]
fn set_ci_measured_once_at_the_end_of_session_23() {
    held_out_set("set_ci", &["set_ci_en_ru", "set_ci_zh_ja"], 0.33, 0.05);
}

/// Set CJ (`set_cj_*.toml`): the new styles (56 outputs, 112 single
/// errors), written in session 22, sealed through session 23's changes,
/// measured once at its end (971b56f): 3 / 56 false alarms (5.4%), 41 / 112
/// errors failed (39 by a finding of their own), carried 32 / 58 (numbers
/// 24 / 34, names 6 / 21, identifiers 2 / 3), keep_too_little 6 / 6,
/// wrong_computation 6 / 6; the starting gate (86419b7): 3 / 56, 40 / 112,
/// names 4 / 21. Its false alarms: two problems that pick an operand of
/// their own (20:00 in Novosibirsk, 400 tropical years) and a wrong option
/// labelled with a full-width stop. Tuned after: 2 / 56; 38 / 112 caught
/// where the faithful text passes. A floor from now on.
#[test]
fn set_cj_measured_once_at_the_end_of_session_23() {
    held_out_set("set_cj", &["set_cj_en_ru", "set_cj_zh_ja"], 0.31, 0.04);
}
