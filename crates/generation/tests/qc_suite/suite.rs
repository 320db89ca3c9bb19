//! The generation QC suite: plans with good section texts written the way a
//! model writes them (paraphrasing their plans), and one-defect variants of
//! those texts of the kinds models produce (a paragraph copied from an
//! earlier section, repeated sentences, loops, drift, spelling variants of
//! banned and avoided terms, omissions, a missing entity, a short section).
//! Data: `tests/qc_suite/`. The test fails below the goals (≥ 95% of
//! defects caught by a finding of their own kind, ≤ 5% false alarms on good
//! sections) and prints the table docs/QUALITY.md reports:
//! `cargo test -p chunksynth-generation --test generation qc_suite -- --nocapture`.

use std::collections::BTreeMap;

use chunksynth_generation::{GenerationPlan, section_qc};
use serde::Deserialize;

#[derive(Deserialize)]
struct SuitePlan {
    name: String,
    plan: GenerationPlan,
    sections: Vec<String>,
}

#[derive(Deserialize)]
struct Edit {
    find: String,
    replace: String,
}

#[derive(Deserialize)]
struct Defect {
    plan: String,
    section: usize,
    kind: String,
    note: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    append: Option<String>,
    #[serde(default)]
    edit: Option<Edit>,
}

fn load<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = format!("{}/tests/qc_suite/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The finding that attributes a defect of `kind` (its message's opening).
fn attributes(kind: &str, finding: &str) -> bool {
    let prefixes: &[&str] = match kind {
        "copied_paragraph" => &["the section repeats section"],
        "repeated_sentences" => &["the section repeats its own sentence", "the section loops"],
        "loop" => &["the section loops"],
        "drift" => &["the section drifts"],
        "banned_variant" | "banned_term" => &["must not be mentioned"],
        "avoided_variant" | "avoided_term" => &["is used; write"],
        "omitted_key_point" => &["the key point"],
        "missing_entity" => &["the entity"],
        "too_short" => &["the section is too short"],
        "good" => &[],
        other => panic!("unknown defect kind {other}"),
    };
    prefixes
        .iter()
        .any(|p| finding.starts_with(p) || finding.contains(p))
}

fn apply(good: &str, d: &Defect) -> String {
    if let Some(text) = &d.text {
        return text.clone();
    }
    if let Some(more) = &d.append {
        return format!("{good}\n\n{more}");
    }
    let edit = d
        .edit
        .as_ref()
        .unwrap_or_else(|| panic!("{}: no text, append or edit", d.note));
    assert!(
        good.contains(&edit.find),
        "{}: {:?} is not in the text",
        d.note,
        edit.find
    );
    good.replacen(&edit.find, &edit.replace, 1)
}

#[test]
fn qc_suite_meets_its_goals() {
    let plans: Vec<SuitePlan> = load("plans.json");
    let defects: Vec<Defect> = load("defects.json");
    let tok = chunksynth_chunking::TokenizerSpec::Words
        .load()
        .unwrap_or_else(|e| panic!("{e}"));
    let by_name: BTreeMap<&str, &SuitePlan> = plans.iter().map(|p| (p.name.as_str(), p)).collect();
    let qc_of = |p: &SuitePlan, i: usize, text: &str| {
        let earlier: Vec<&str> = p.sections[..i].iter().map(String::as_str).collect();
        section_qc(&p.plan, &p.plan.sections[i], text, &earlier, tok.as_ref())
    };

    // False alarms: good sections, and good variants, with any finding.
    let mut good = 0;
    let mut alarms = Vec::new();
    for p in &plans {
        for (i, text) in p.sections.iter().enumerate() {
            good += 1;
            let qc = qc_of(p, i, text);
            if !qc.findings.is_empty() {
                alarms.push(format!("{} §{}: {:?}", p.name, i + 1, qc.findings));
            }
        }
    }
    // Detection: each defect needs a finding of its own kind.
    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for d in &defects {
        let p = by_name
            .get(d.plan.as_str())
            .unwrap_or_else(|| panic!("no plan {}", d.plan));
        let text = apply(&p.sections[d.section], d);
        let qc = qc_of(p, d.section, &text);
        if d.kind == "good" {
            good += 1;
            if !qc.findings.is_empty() {
                alarms.push(format!(
                    "{} §{} ({}): {:?}",
                    d.plan,
                    d.section + 1,
                    d.note,
                    qc.findings
                ));
            }
            continue;
        }
        let entry = table.entry(d.kind.as_str()).or_default();
        entry.0 += 1;
        if qc.findings.iter().any(|f| attributes(&d.kind, f)) {
            entry.1 += 1;
        } else {
            missed.push(format!(
                "{} §{} {} ({}): {:?}",
                d.plan,
                d.section + 1,
                d.kind,
                d.note,
                qc.findings
            ));
        }
    }
    let (total, caught) = table.values().fold((0, 0), |(t, c), (n, k)| (t + n, c + k));
    println!("| defect kind | variants | caught by a finding of its kind |");
    println!("|---|---|---|");
    for (kind, (n, k)) in &table {
        println!("| {kind} | {n} | {k} ({:.0}%) |", 100.0 * *k as f64 / *n as f64);
    }
    println!(
        "| **all defects** | {total} | {caught} ({:.1}%) |",
        100.0 * caught as f64 / total as f64
    );
    println!(
        "| good sections (false alarms) | {good} | {} ({:.1}%) |",
        alarms.len(),
        100.0 * alarms.len() as f64 / good as f64
    );
    for m in &missed {
        println!("missed: {m}");
    }
    for a in &alarms {
        println!("false alarm: {a}");
    }
    assert!(
        caught as f64 >= 0.95 * total as f64,
        "detection below 95%: {missed:#?}"
    );
    assert!(
        alarms.len() as f64 <= 0.05 * good as f64,
        "false alarms above 5%: {alarms:#?}"
    );
}
