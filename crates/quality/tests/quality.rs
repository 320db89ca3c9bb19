//! Quality metrics at their boundary: hand-worked exact values on small
//! inputs, and the planted-corruption suite over real paragraphs.

use chunksynth_quality::{
    CheckKind, Entity, FidelityConfig, FoldedText, TermPreference, coverage, distinct_n, fidelity,
    gopher_repetition, length_score, rep_n,
};

#[track_caller]
fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-6, "got {got}, want {want}");
}

#[test]
fn gopher_rules_on_a_small_text() {
    // lines: "a b", "a b", "c d" (11 chars in all, with the two newlines)
    let r = gopher_repetition("a b\na b\nc d");
    close(r.dup_line_frac, 1.0 / 3.0);
    close(r.dup_line_char_frac, 3.0 / 11.0);
    close(r.dup_para_frac, 0.0);
    // top 2-gram "a b" ×2 = 3 chars × 2; top 3-gram "a b a" ×1 = 5; top 4-gram "a b a b" = 7.
    assert_eq!(
        r.top_ngram_char_frac,
        [(2, 6.0 / 11.0), (3, 5.0 / 11.0), (4, 7.0 / 11.0)]
    );
    assert!(r.dup_ngram_char_frac.iter().all(|&(_, v)| v == 0.0));
    assert!(
        r.failures.contains(&"dup_line_frac 0.33 > 0.30".to_owned()),
        "{:?}",
        r.failures
    );
    assert!(!r.passed());
}

#[test]
fn gopher_duplicated_ngrams_are_counted_without_overlap() {
    // 5-grams of "a b c d e a b c d e a b c d e": the second "a b c d e" is a
    // duplicate (5 chars without spaces), skip 5, then the third (5 more).
    let text = "a b c d e a b c d e a b c d e";
    let r = gopher_repetition(text);
    let chars = text.chars().count() as f64;
    assert_eq!(r.dup_ngram_char_frac[0], (5, 10.0 / chars));
    // Paragraph duplicates: two of three paragraphs repeat the first.
    let r = gopher_repetition("Same para.\n\nSame para.\n\nSame para.");
    close(r.dup_para_frac, 2.0 / 3.0);
    close(r.dup_para_char_frac, 20.0 / 34.0);
    // Gopher's n-gram rules are meant for documents: a real paragraph passes.
    let clean = gopher_repetition(&paragraphs()[0]);
    assert!(clean.passed(), "{:?}", clean.failures);
}

#[test]
fn rep_n_and_distinct_n() {
    close(distinct_n("the cat the cat", 2), 2.0 / 3.0);
    close(rep_n("the cat the cat", 2), 1.0 / 3.0);
    close(distinct_n("The the", 1), 0.5);
    close(distinct_n("", 3), 1.0);
}

#[test]
fn length_score_is_longwriters() {
    close(length_score(100, 100), 100.0);
    close(length_score(100, 250), 50.0);
    close(length_score(100, 50), 50.0);
    close(length_score(100, 400), 0.0);
    close(length_score(100, 25), 0.0);
    close(length_score(100, 0), 0.0);
    close(length_score(3, 4), 100.0 * (1.0 - (4.0 / 3.0 - 1.0) / 3.0));
}

#[test]
fn coverage_matches_aliases_case_plurals_and_separators() {
    let text = "Borrow-checkers reject data races. The MUTEX_GUARD unlocks on drop; mutexes help.";
    let folded = FoldedText::new(text);
    assert!(folded.contains_term("borrow checker"));
    assert!(folded.contains_term("mutex guard"));
    assert!(folded.contains_term("Mutex"));
    assert!(!folded.contains_term("race condition"));
    let entities = [
        Entity::new("borrow checker"),
        Entity {
            name: "RwLock".into(),
            aliases: vec!["read-write lock".into()],
        },
    ];
    let key_points = [
        "the borrow checker rejects data races".to_owned(),
        "channels send messages".to_owned(),
    ];
    let terms = [TermPreference {
        preferred: "mutual exclusion".into(),
        avoid: vec!["mutex".into()],
    }];
    let report = coverage(
        text,
        &entities,
        &key_points,
        &terms,
        &["garbage collector".into(), "drop".into()],
    );
    assert_eq!(report.missing_entities, ["RwLock"]);
    assert_eq!(report.missing_key_points, ["channels send messages"]);
    assert_eq!(
        report.terminology_violations,
        [("mutex".to_owned(), "mutual exclusion".to_owned())]
    );
    assert_eq!(report.banned_hits, ["drop"]);
    close(report.score, 2.0 / 4.0);
    assert!(!report.passed());
}

/// The gate's report for `kind`; for an alignment check, its suspicions
/// as a report (failed when it raised any).
fn check_of(report: &chunksynth_quality::FidelityReport, kind: CheckKind) -> chunksynth_quality::CheckReport {
    if CheckKind::ALIGNMENT.contains(&kind) {
        let findings: Vec<String> = report
            .suspicions
            .iter()
            .filter(|s| s.check == kind)
            .map(|s| s.why.clone())
            .collect();
        return chunksynth_quality::CheckReport {
            check: kind,
            score: if findings.is_empty() { 1.0 } else { 0.0 },
            weight: 0.0,
            passed: findings.is_empty(),
            findings,
        };
    }
    report
        .checks
        .iter()
        .find(|c| c.check == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind:?} check"))
}

#[test]
fn fidelity_numbers_exact_values() {
    let source = "In 2024, Alice paid $1,000 for 3.5% of Acme Corp.";
    let config = FidelityConfig::default();
    let same = fidelity(
        source,
        "Alice paid 1000 dollars in 2024 for 3.50 % of Acme Corp.",
        &config,
    );
    assert!(check_of(&same, CheckKind::Numbers).passed);
    let changed = fidelity(
        source,
        "In 2025, Alice paid $1,000 for 3.5% of Acme Corp.",
        &config,
    );
    let numbers = check_of(&changed, CheckKind::Numbers);
    close(numbers.score, 2.0 / 4.0);
    assert_eq!(
        numbers.findings,
        [
            "the number 2024 is missing",
            "the number 2025 is not in the source"
        ]
    );
    assert!(!changed.passed);
    let tolerant = FidelityConfig {
        number_tolerance: 0.01,
        ..FidelityConfig::default()
    };
    let rounded = fidelity("It weighs 100.4 kg.", "It weighs 100 kg.", &tolerant);
    assert!(check_of(&rounded, CheckKind::Numbers).passed);
    // A note that enumerates inline counts nothing; a lone "(3)" does.
    let source = "Its power comes from expressive patterns and from the compiler's checks.";
    let enumerated = "- power comes from: (1) expressive patterns, (2) the compiler's checks";
    assert!(check_of(&fidelity(source, enumerated, &config), CheckKind::Numbers).passed);
    let counted = "- power comes from expressive patterns and the compiler's checks (3)";
    assert!(!check_of(&fidelity(source, counted, &config), CheckKind::Numbers).passed);
}

#[test]
fn fidelity_names_code_and_detectors_have_concrete_findings() {
    let source = "Use `Vec::new` from std::vec in Rust. See https://doc.rust-lang.org/std/.\n\n```rust\nlet v: Vec<i32> = Vec::new();\n```\n";
    let config = FidelityConfig::default();
    let bad =
        "Use a constructor from the standard library. See the docs.\n\n```rust\nlet v = Vec::new();\n```\n";
    let report = fidelity(source, bad, &config);
    let names = check_of(&report, CheckKind::Names);
    assert!(
        names
            .findings
            .contains(&"the inline code “Vec::new” is missing".to_owned())
            || !names.passed
    );
    assert!(
        names.findings.iter().any(|f| f.contains("std::vec")),
        "{:?}",
        names.findings
    );
    assert!(
        names
            .findings
            .iter()
            .any(|f| f.contains("https://doc.rust-lang.org/std/"))
    );
    let code = check_of(&report, CheckKind::CodeBlocks);
    assert_eq!(
        code.findings,
        ["code block 1 (`let v: Vec<i32> = Vec::new();`) was changed or dropped; keep it exactly"]
    );
    let chatter = fidelity(
        source,
        &format!("Here is the rewritten text:\n\n{source}"),
        &config,
    );
    assert!(!check_of(&chatter, CheckKind::Chatter).passed);
    let refusal = fidelity(source, "I'm sorry, but I can't help with that.", &config);
    assert!(!check_of(&refusal, CheckKind::Refusal).passed);
    // A copy keeps everything and is no rewrite: only `not_restyled` fails.
    let identical = fidelity(source, source, &config);
    assert_eq!(
        identical.failed_checks().collect::<Vec<_>>(),
        [CheckKind::NotRestyled]
    );
    assert_eq!(identical.copy_ratio, 1.0);
}

// ---------------------------------------------------------------------------
// Planted corruptions over real paragraphs.

fn paragraphs() -> Vec<String> {
    let json = include_str!("fixtures/paragraphs.json");
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["text"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn word_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    chunksynth_chunking::units::word_ranges(text).collect()
}

fn change_number(text: &str) -> Option<String> {
    let m = chunksynth_quality::numbers::numbers(text).into_iter().next()?;
    let at = find_standalone(text, &m.written)?;
    let last = m.written.chars().last()?;
    let bumped = char::from_digit((last.to_digit(10)? + 1) % 10, 10)?;
    let mut new = m.written.clone();
    new.pop();
    new.push(bumped);
    Some(format!("{}{}{}", &text[..at], new, &text[at + m.written.len()..]))
}

fn find_standalone(text: &str, needle: &str) -> Option<usize> {
    text.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn drop_name(text: &str) -> Option<String> {
    let name = chunksynth_quality::names::names(text).into_iter().next()?;
    Some(text.replace(&name.text, "it"))
}

fn truncate_last_third(text: &str) -> Option<String> {
    let spans = word_spans(text);
    let keep = spans.get(spans.len() * 2 / 3)?;
    Some(text[..keep.start].to_owned())
}

fn two_sentence_summary(text: &str) -> Option<String> {
    let sentences = chunksynth_quality::text::sentences(text);
    if sentences.len() < 3 {
        let spans = word_spans(text);
        let cut = spans.get(spans.len() / 4)?;
        return Some(format!(
            "{} This passage explains the rest.",
            text[..cut.start].trim()
        ));
    }
    Some(format!("{} {}", sentences[0], sentences[sentences.len() - 1]))
}

fn add_preamble(text: &str) -> Option<String> {
    Some(format!("Here is the rewritten text:\n\n{text}"))
}

fn garble_script(text: &str) -> Option<String> {
    const CYRILLIC: &str = "абцдефгхийклмнопярстуввхыз";
    const LATIN: &str = "abvgdeezziiklmnoprstufhccss_y_eua";
    Some(
        text.chars()
            .map(|c| {
                if ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)) {
                    let i = c.to_lowercase().next().unwrap_or(c) as usize - 'а' as usize;
                    LATIN.chars().nth(i).unwrap_or('x')
                } else if c.is_ascii_alphabetic() {
                    let i = (c.to_ascii_lowercase() as u8 - b'a') as usize;
                    CYRILLIC.chars().nth(i).unwrap_or(c)
                } else if chunksynth_quality::text::is_cjk(c) {
                    char::from_u32(0xAC00 + (c as u32 % 11172)).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

const SYNONYMS: &[(&str, &str)] = &[
    ("use", "employ"),
    ("many", "numerous"),
    ("shows", "demonstrates"),
    ("example", "instance"),
    ("often", "frequently"),
    ("also", "additionally"),
    ("however", "nevertheless"),
    ("because", "since"),
    ("need", "require"),
    ("get", "obtain"),
    ("make", "create"),
    ("start", "begin"),
    ("help", "assist"),
    ("allow", "permit"),
    ("allows", "permits"),
    ("called", "named"),
    ("very", "highly"),
    ("useful", "helpful"),
    ("different", "distinct"),
    ("way", "manner"),
    ("can", "is able to"),
];

fn synonyms(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut at = 0;
    let mut changed = 0;
    for span in word_spans(text) {
        let word = &text[span.clone()];
        if let Some((_, to)) = SYNONYMS.iter().find(|(from, _)| *from == word) {
            out.push_str(&text[at..span.start]);
            out.push_str(to);
            at = span.end;
            changed += 1;
        }
    }
    out.push_str(&text[at..]);
    (changed > 0).then_some(out)
}

fn reorder_sentences(text: &str) -> Option<String> {
    let s = chunksynth_quality::text::sentences(text);
    if s.len() < 2 {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    for pair in s.chunks(2) {
        out.extend(pair.iter().rev());
    }
    Some(out.join(" "))
}

fn change_punctuation(text: &str) -> Option<String> {
    let mut quote_open = true;
    let out: String = text
        .replace(", and ", " and ")
        .replace("; ", ". ")
        .replace(" - ", " — ")
        .chars()
        .map(|c| {
            if c == '"' {
                quote_open = !quote_open;
                if quote_open { '”' } else { '“' }
            } else {
                c
            }
        })
        .collect();
    Some(out.replace(", ", " , ").replace(" , ", ", "))
}

fn all_faithful_edits(text: &str) -> Option<String> {
    let t = synonyms(text).unwrap_or_else(|| text.to_owned());
    let t = change_punctuation(&t)?;
    reorder_sentences(&t)
}

type Edit = fn(&str) -> Option<String>;

const CORRUPTIONS: &[(&str, Edit)] = &[
    ("change a number", change_number),
    ("drop a name", drop_name),
    ("truncate the last third", truncate_last_third),
    ("two-sentence summary", two_sentence_summary),
    ("add a preamble", add_preamble),
    ("garble into another script", garble_script),
];

const FAITHFUL: &[(&str, Edit)] = &[
    ("reordered sentences", reorder_sentences),
    ("synonyms", synonyms),
    ("changed punctuation", change_punctuation),
    ("all three together", all_faithful_edits),
];

#[test]
fn planted_corruptions_are_caught_and_faithful_rewrites_pass() {
    let paras = paragraphs();
    assert!(paras.len() >= 40, "fixture paragraphs missing");
    // The faithful edits here are mechanical (reordered, synonyms), near
    // copies by design: this measures the other checks.
    let config = FidelityConfig {
        disabled: vec![CheckKind::NotRestyled],
        ..FidelityConfig::default()
    };
    let mut lines = Vec::new();
    let (mut caught, mut planted, mut alarms, mut faithful) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for (name, edit) in CORRUPTIONS {
        let (mut c, mut n) = (0, 0);
        for p in &paras {
            let Some(bad) = edit(p) else { continue };
            n += 1;
            let report = fidelity(p, &bad, &config);
            if report.passed {
                misses.push(format!(
                    "{name}: not caught in {:?}",
                    p.chars().take(60).collect::<String>()
                ));
            } else {
                c += 1;
            }
        }
        lines.push(format!("| {name} | {c} / {n} |"));
        caught += c;
        planted += n;
    }
    for (name, edit) in FAITHFUL {
        let (mut a, mut n) = (0, 0);
        for p in &paras {
            let Some(good) = edit(p) else { continue };
            n += 1;
            let report = fidelity(p, &good, &config);
            if !report.passed {
                a += 1;
                misses.push(format!(
                    "{name}: false alarm {:?} on {:?}",
                    report.findings().collect::<Vec<_>>(),
                    p.chars().take(60).collect::<String>()
                ));
            }
        }
        lines.push(format!("| {name} (faithful) | {a} false alarms / {n} |"));
        alarms += a;
        faithful += n;
    }
    let detection = caught as f64 / planted as f64;
    let false_alarms = alarms as f64 / faithful as f64;
    println!("{}", lines.join("\n"));
    println!(
        "detection {caught}/{planted} = {detection:.3}; false alarms {alarms}/{faithful} = {false_alarms:.3}"
    );
    for m in &misses {
        println!("{m}");
    }
    assert!(detection >= 0.95, "detection {detection:.3} < 0.95: {misses:#?}");
    assert!(
        false_alarms <= 0.05,
        "false alarms {false_alarms:.3} > 0.05: {misses:#?}"
    );
}

/// Each alignment check added against real model errors, on a faithful
/// restyle (no finding of its kind) and the same restyle with one error.
#[test]
fn alignment_sees_traded_places_owners_and_absolutes() {
    use chunksynth_quality::align::{AlignedFinding, AlignmentFindings, alignment_findings};
    type Kind = fn(&AlignmentFindings) -> &Vec<AlignedFinding>;
    let cases: &[(&str, &str, &str, &str, Kind)] = &[
        (
            // Opposites that trade what they say of.
            "叶绿素吸收红光和蓝光，却反射绿光，所以叶子看起来是绿色的。",
            "叶子里的叶绿素会吸收红光和蓝光，但会把绿光反射出去，所以叶子是绿色的。",
            "叶子里的叶绿素会反射红光和蓝光，但会把绿光吸收进去，所以叶子是绿色的。",
            "traded",
            |f| &f.direction,
        ),
        (
            // Two names of the source exchanged between their sentences.
            "The certificate must be in PKCS#12 format if using Secure Transport, or PEM format if using any other engine.",
            "With Secure Transport, the certificate has to be in PKCS#12 format. With any other engine, it has to be in PEM format.",
            "With Secure Transport, the certificate has to be in PEM format. With any other engine, it has to be in PKCS#12 format.",
            "traded places",
            |f| &f.entities,
        ),
        (
            // A possessive with a typeset apostrophe still names its owner.
            "This is what Rust’s ownership system solves. Rust knows the scope of &s and prevents it from escaping. Even a C compiler could catch this case.",
            "Ownership solves this: Rust knows the scope of &s and stops it from escaping. Even a C compiler could catch this case.",
            "Ownership solves this: a C compiler knows the scope of &s and stops it from escaping. Even a C compiler could catch this case.",
            "“Rust” became “C”",
            |f| &f.entities,
        ),
        (
            // A hedged frequency made absolute.
            "Putting a single value on the heap isn’t very useful, so you won’t use boxes by themselves in this way very often.",
            "Boxing a lone value rarely pays.",
            "Boxing a lone value never pays.",
            "never",
            |f| &f.modality,
        ),
    ];
    for (source, faithful, wrong, expected, kind) in cases {
        let clean = alignment_findings(source, faithful);
        assert!(kind(&clean).is_empty(), "faithful: {faithful}\n{clean:#?}");
        let found = alignment_findings(source, wrong);
        assert!(
            kind(&found).iter().any(|f| f.to_string().contains(expected)),
            "wrong: {wrong}\nwanted a finding with {expected:?}\n{found:#?}"
        );
    }
    // A negated word said again unnegated is affirmed there too: the
    // narrative's "has kept silent" for "has not erupted" is no flip.
    let source = "最後の噴火は1707年の宝永噴火で、それ以降は噴火していない。";
    let narrative = "最後に火を噴いたのは1707年、宝永噴火のときで、それ以来この山は沈黙を守っている。";
    assert!(alignment_findings(source, narrative).polarity.is_empty());
    // The Earth named where the source says the planet is no new claim.
    let source = "Байкал — самое глубокое озеро на планете.";
    assert!(
        alignment_findings(source, "Байкал — самое глубокое озеро на Земле.")
            .additions
            .is_empty()
    );
    assert!(
        !alignment_findings(source, "Байкал — самое глубокое озеро на Марсе.")
            .additions
            .is_empty()
    );
}

/// Faithful restyles the held-out sets showed the gate rejecting: each
/// pattern passes the check that used to fire, and the error next to it
/// still fails it.
#[test]
fn faithful_patterns_of_the_held_out_sets_pass() {
    use chunksynth_quality::align::alignment_findings;
    let config = FidelityConfig::default();
    let passes = |source: &str, rewrite: &str, kind: CheckKind| {
        check_of(&fidelity(source, rewrite, &config), kind).passed
    };
    // A negated negating verb, and an exception, say what the source says.
    let source = "-a, --all\n       do not ignore entries starting with .\n-A, --almost-all\n       do not list implied . and ..";
    let terse = "-a, --all\n       include entries starting with .\n-A, --almost-all\n       all but implied . and ..";
    assert!(alignment_findings(source, terse).polarity.is_empty());
    let flipped =
        "-a, --all\n       ignore entries starting with .\n-A, --almost-all\n       all but implied . and ..";
    assert!(!alignment_findings(source, flipped).polarity.is_empty());
    // A question states no direction.
    let source = "Structs are similar to tuples. Unlike tuples, a struct names each piece of data.";
    let qa = "How are structs like tuples? Both hold values. How are they different? A struct names each piece of data.";
    assert!(alignment_findings(source, qa).direction.is_empty());
    // A note's heading after a list item, and an option's description on the
    // option's line, start sentences: their first words are no names.
    let source = "Structs are more flexible than tuples. To define a struct, enter the keyword struct.";
    let note = "- structs are more flexible than tuples\nDefining a struct\n- enter the keyword struct";
    assert!(passes(source, note, CheckKind::Addition));
    let source = "-g     like -l, but do not list owner";
    let textbook = "-g     Think of this as -l without the owner column.";
    assert!(passes(source, textbook, CheckKind::Addition));
    assert!(!passes(
        source,
        "-g     Like -l, but Kerberos lists no owner.",
        CheckKind::Addition
    ));
    // A number the source spells may be written in digits; a month may not
    // excuse one.
    let source = "Собрание насчитывает около трёх миллионов экспонатов.";
    assert!(passes(source, "Собрание ≈3 млн экспонатов.", CheckKind::Numbers));
    assert!(!passes(source, "Собрание ≈4 млн экспонатов.", CheckKind::Numbers));
    assert!(!passes(
        "It may change.",
        "It may change 5 times.",
        CheckKind::Numbers
    ));
    // Held-out 3: numbers listed with slashes are no path; a dynasty is 隋朝
    // or 隋代; a reading in parentheses is not part of a title; 二つ is 2; a
    // path spelled from the source's words names nothing new.
    let source = "An HTTP 408, 429 or 500 response code is transient.";
    assert!(passes(
        source,
        "- transient: HTTP 408/429/500",
        CheckKind::Addition
    ));
    assert!(passes(
        "赵州桥建于隋代。",
        "赵州桥是隋朝时建的。",
        CheckKind::Addition
    ));
    let source = "高さの634は旧国名「武蔵」にちなむ。";
    assert!(passes(
        source,
        "634という高さは「武蔵（むさし）」にちなむ。",
        CheckKind::Addition
    ));
    assert!(passes(
        "展望台は2か所にある。",
        "二つの展望台がある。",
        CheckKind::Numbers
    ));
    let source = "Errors go through the from function, defined in the From trait.";
    assert!(passes(
        source,
        "Errors pass through `From::from`.",
        CheckKind::Addition
    ));
    assert!(!passes(
        source,
        "Errors pass through `Into::into`.",
        CheckKind::Addition
    ));
    // "disables retries" says "does no retries"; "rather than" negates.
    let source = "Setting the number to 0 makes curl do no retries.";
    assert!(
        alignment_findings(source, "Setting it to 0 disables retries.")
            .polarity
            .is_empty()
    );
    let source = "You care only that it implements a trait rather than being of a specific type.";
    let rewrite = "You only care that it implements a trait, not which specific type it is.";
    assert!(alignment_findings(source, rewrite).polarity.is_empty());
}

#[test]
fn an_adjective_made_from_a_name_may_be_left_out_once_and_a_name_may_not() {
    let config = FidelityConfig::default();
    let names = |source: &str, rewrite: &str| check_of(&fidelity(source, rewrite, &config), CheckKind::Names);
    let source = "The 1883 eruption of Krakatoa, in the Indonesian archipelago, was heard 4,800 km away.";
    let report = fidelity(
        source,
        "Krakatoa's 1883 eruption was heard 4,800 km away, across the archipelago.",
        &config,
    );
    assert!(check_of(&report, CheckKind::Names).passed, "{report:?}");
    // Left out, it is still a suspicion a judge can read.
    assert!(report.suspicions.iter().any(|s| s.why.contains("Indonesian")));
    // The place itself is a name the gate wants.
    assert!(
        !names(
            source,
            "The 1883 eruption in the Indonesian archipelago was heard 4,800 km away."
        )
        .passed
    );
    // Russian names of places are adjectives themselves: left out, a finding.
    let source = "Опыты вели в Каменной степи Воронежской губернии с 1892 года.";
    assert!(!names(source, "С 1892 года опыты вели в Каменной степи.").passed);
}

#[test]
fn a_terse_style_may_leave_out_a_product_named_once_and_not_an_option() {
    let config = FidelityConfig {
        names_mentioned_once_are_suspicions: true,
        ..FidelityConfig::default()
    };
    let names = |source: &str, rewrite: &str| check_of(&fidelity(source, rewrite, &config), CheckKind::Names);
    let source = "In PostgreSQL, VACUUM reclaims the space of dead tuples; VACUUM FULL rewrites the table.";
    assert!(
        names(
            source,
            "VACUUM reclaims dead tuples' space; VACUUM FULL rewrites the table."
        )
        .passed
    );
    let source = "Run mvn with -DskipTests to skip the tests; -o builds offline.";
    assert!(
        !names(
            source,
            "Run mvn: -Dmaven.test.skip skips tests; -o builds offline."
        )
        .passed
    );
    // Left out with nothing in its place, the option is still a finding.
    assert!(!names(source, "Run mvn so that it skips the tests; -o builds offline.").passed);
}

#[test]
fn a_name_said_in_its_own_words_is_kept_and_a_name_changed_is_not() {
    let config = FidelityConfig::default();
    let names = |source: &str, rewrite: &str| check_of(&fidelity(source, rewrite, &config), CheckKind::Names);
    let source = "The Eddystone Lighthouse stands on the Eddystone Rocks, 14 km south of Rame Head.";
    let table = "| Aspect | Details |\n|---|---|\n| Site | four lighthouses built on the Eddystone Rocks |\n| Location | 14 km south of Rame Head |";
    assert!(names(source, table).passed);
    // A word of it inside another name only (Eddystone Rocks) does not.
    let other = "| Aspect | Details |\n|---|---|\n| Site | the Eddystone Rocks |\n| Location | 14 km south of Rame Head |";
    assert!(!names(source, other).passed);
}

#[test]
fn cjk_names_left_out_by_a_terse_style_do_not_break_the_names_score() {
    let config = FidelityConfig {
        names_mentioned_once_are_suspicions: true,
        ..FidelityConfig::default()
    };
    // One Latin name kept, two suffix-marked names left out once each:
    // more suspicions than names the Latin check wanted.
    let source = "2007年8月16日、岐阜県多治見市で40.9℃を記録し、NHKが報じた。";
    let report = fidelity(source, "2007年8月16日に40.9℃を記録し、NHKが報じた。", &config);
    let names = check_of(&report, CheckKind::Names);
    assert!(names.passed, "{report:?}");
    assert!((0.0..=1.0).contains(&names.score), "{}", names.score);
    assert_eq!(
        report
            .suspicions
            .iter()
            .filter(|s| s.check == CheckKind::Names)
            .count(),
        2
    );
}

/// Runs in progress survive the upgrade: the run fingerprint holds the
/// gate's configuration as JSON, so the default must serialize exactly as
/// it did before `max_copy_ratio` and `max_suspicions` existed (they are
/// written only when set).
#[test]
fn the_default_gate_configuration_serializes_as_before() {
    assert_eq!(
        serde_json::to_string(&FidelityConfig::default()).unwrap_or_default(),
        r#"{"threshold":0.9,"number_tolerance":0.0,"min_length_ratio":0.7,"max_length_ratio":1.8,"min_content_recall":0.5,"min_part_recall":0.4,"expected_script":null,"weights":[],"disabled":[]}"#
    );
    let strict = FidelityConfig {
        max_suspicions: Some(0),
        ..FidelityConfig::default()
    };
    assert!(
        serde_json::to_string(&strict)
            .unwrap_or_default()
            .contains("\"max_suspicions\":0")
    );
}

/// Word lists are data in `src/lexicon/`, one file per language; no source
/// file grows past 600 lines. Reads every `.rs` file under `src/`.
mod tidy {
    use std::path::Path;

    /// Files not tidied yet (none: keep it so).
    const PENDING: &[&str] = &[];
    /// Where word lists belong.
    const LEXICON: &str = "src/lexicon/";
    const MAX_LINES: usize = 600;

    #[test]
    fn word_lists_live_in_the_lexicon_and_files_stay_short() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rs_files(&root.join("src"), &mut files);
        assert!(files.len() > 10, "found only {files:?}");
        let mut problems = Vec::new();
        for path in files {
            let rel = path
                .strip_prefix(root)
                .expect("under the crate")
                .to_string_lossy()
                .replace('\\', "/");
            if PENDING.contains(&rel.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable source");
            problems.extend(problems_in(&rel, &text));
        }
        assert!(
            problems.is_empty(),
            "move word lists to src/lexicon/ and split long files:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_tidy_check_sees_a_planted_list() {
        let planted = "fn f() {}\nconst WORDS: &[&str] = &[\"a\"];\nstatic MARKS: [char; 2] = ['a', 'b'];\nfn g() {\n    for w in [\"alpha\", \"beta\",\n        \"gamma\"] {}\n    matches!(w, \"st\" | \"nd\");\n}\n";
        let found = problems_in("src/x.rs", planted);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("src/x.rs:2:"), "{found:#?}");
        assert!(found[1].starts_with("src/x.rs:3:"), "{found:#?}");
        assert!(found[2].starts_with("src/x.rs:5:"), "{found:#?}");
        assert!(found[3].starts_with("src/x.rs:7:"), "{found:#?}");
        // Not word lists: format strings, suffixes of marks, characters,
        // indexing, lifetimes, numbers, a list inside a comment or a string.
        let fine = "fn h<'a>(x: &'a [u8]) -> String {\n    // [\"one\", \"two\", \"three\"]\n    let _ = [\"'s\", \"’s\", \"'\", \"’\"];\n    let _ = ['x', 'y', 'z'];\n    let _ = x[0];\n    let _ = \"[\\\"a\\\", \\\"b\\\", \\\"c\\\"]\";\n    const N: [usize; 3] = [1, 2, 3];\n    let _ = x == \"a\" || x == \"b\";\n    let _ = |s: &str| s == \"c\";\n    format!(\"{}{}\", \"a\", \"b\")\n}\n";
        assert_eq!(problems_in("src/y.rs", fine), Vec::<String>::new());
        // Inside the lexicon, lists are what the files are for; everywhere a
        // file is too long past 600 lines.
        assert!(problems_in("src/lexicon/en.rs", planted).is_empty());
        let long = "fn f() {}\n".repeat(MAX_LINES + 1);
        assert_eq!(problems_in("src/lexicon/en.rs", &long).len(), 1);
    }

    fn rs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let entries = std::fs::read_dir(dir).expect("readable directory");
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                rs_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out.sort();
    }

    /// Each problem as "path:line: what".
    fn problems_in(rel: &str, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let lines = text.lines().count();
        if lines > MAX_LINES {
            out.push(format!(
                "{rel}:1: {lines} lines (at most {MAX_LINES}); split the file"
            ));
        }
        if rel.starts_with(LEXICON) {
            return out;
        }
        // Tests hold sample texts, not vocabulary: read up to the first
        // test module, and not a test module's own file (`*_tests.rs`).
        let code = if rel.ends_with("_tests.rs") {
            ""
        } else {
            text.split("#[cfg(test)]").next().unwrap_or("")
        };
        for (i, line) in code.lines().enumerate() {
            if let Some(ty) = list_type(line) {
                out.push(format!(
                    "{rel}:{}: a word list `{ty}` outside src/lexicon/",
                    i + 1
                ));
            }
        }
        for line in inline_word_lists(code) {
            out.push(format!(
                "{rel}:{line}: an inline list of words outside src/lexicon/"
            ));
        }
        for line in word_patterns(code) {
            out.push(format!(
                "{rel}:{line}: words matched as a pattern (\"a\" | \"b\") outside src/lexicon/"
            ));
        }
        out
    }

    /// The type of a `const` or `static` that holds words or characters in
    /// a slice or an array (`&[&str]`, `[char; 4]`, `&[(&str, u64)]`).
    fn list_type(line: &str) -> Option<&str> {
        let mut rest = line.trim_start();
        if rest.starts_with("//") {
            return None;
        }
        for vis in ["pub(crate) ", "pub(super) ", "pub "] {
            rest = rest.strip_prefix(vis).unwrap_or(rest);
        }
        let rest = rest
            .strip_prefix("const ")
            .or_else(|| rest.strip_prefix("static "))?;
        let (_, after_name) = rest.split_once(':')?;
        let ty = after_name.split('=').next()?.trim();
        (ty.contains('[') && (ty.contains("&str") || ty.contains("char"))).then_some(ty)
    }

    #[derive(Debug, PartialEq)]
    enum Tok {
        /// A string literal; whether it holds a letter.
        Str(bool),
        /// A character or number literal.
        Lit,
        /// One of `[ ] ( ) , &`.
        Mark(char),
        /// `|`: an or-pattern's bar, a closure's, or half of `||`.
        Bar,
        /// Anything else: code, not data.
        Code,
    }

    /// Lines where an array literal made only of literals holds three or more
    /// strings with letters in them.
    fn inline_word_lists(code: &str) -> Vec<usize> {
        let toks = tokens(code);
        let mut out = Vec::new();
        for (i, (tok, line)) in toks.iter().enumerate() {
            if *tok != Tok::Mark('[') {
                continue;
            }
            let (mut depth, mut words, mut data) = (0usize, 0usize, true);
            for (t, _) in &toks[i..] {
                match t {
                    Tok::Mark('[') => depth += 1,
                    Tok::Mark(']') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Tok::Str(letters) => words += usize::from(*letters),
                    Tok::Mark(_) | Tok::Lit => {}
                    Tok::Code | Tok::Bar => data = false,
                }
            }
            if data && words >= 3 && !out.contains(line) {
                out.push(*line);
            }
        }
        out
    }

    /// Lines where two strings with letters in them are joined by one bar:
    /// an or-pattern of words (`matches!(w, "st" | "nd")`), a word list
    /// written as a match.
    fn word_patterns(code: &str) -> Vec<usize> {
        let toks = tokens(code);
        let mut out: Vec<usize> = toks
            .windows(3)
            .filter(|w| w[0].0 == Tok::Str(true) && w[1].0 == Tok::Bar && w[2].0 == Tok::Str(true))
            .map(|w| w[0].1)
            .collect();
        out.dedup();
        out
    }

    /// A rough Rust lexer: literals, the marks of array literals, and code;
    /// comments skipped. Each token with its line.
    fn tokens(code: &str) -> Vec<(Tok, usize)> {
        let chars: Vec<char> = code.chars().collect();
        let mut out = Vec::new();
        let (mut i, mut line) = (0, 1);
        // A string from `chars[start]` (after its opening quote) to its
        // closing quote followed by `hashes` #s; returns (end, letters).
        let string = |start: usize, hashes: usize, line: &mut usize| {
            let (mut j, mut letters) = (start, false);
            while j < chars.len() {
                let c = chars[j];
                if c == '\n' {
                    *line += 1;
                }
                if c == '\\' && hashes == 0 {
                    j += 2;
                    continue;
                }
                if c == '"' && chars[j + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes {
                    return (j + 1 + hashes, letters);
                }
                letters |= c.is_alphabetic();
                j += 1;
            }
            (j, letters)
        };
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match c {
                '\n' => {
                    line += 1;
                    i += 1;
                }
                '/' if next == Some('/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '/' if next == Some('*') => {
                    i += 2;
                    while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                        line += usize::from(chars[i] == '\n');
                        i += 1;
                    }
                    i += 2;
                }
                '"' => {
                    let at = line;
                    let (end, letters) = string(i + 1, 0, &mut line);
                    out.push((Tok::Str(letters), at));
                    i = end;
                }
                'r' | 'b' if matches!(next, Some('"' | '#')) || (c == 'b' && next == Some('r')) => {
                    let mut j = i + 1 + usize::from(c == 'b' && next == Some('r'));
                    let hashes = chars[j..].iter().take_while(|&&h| h == '#').count();
                    j += hashes;
                    if chars.get(j) == Some(&'"') {
                        let at = line;
                        let (end, letters) = string(j + 1, hashes, &mut line);
                        out.push((Tok::Str(letters), at));
                        i = end;
                    } else {
                        out.push((Tok::Code, line));
                        i += 1;
                    }
                }
                '\'' => {
                    // A character literal ('a', '\n', '\u{3000}') or a
                    // lifetime ('a).
                    if next == Some('\\') {
                        let mut j = i + 2;
                        while j < chars.len() && chars[j] != '\'' {
                            j += 1;
                        }
                        out.push((Tok::Lit, line));
                        i = j + 1;
                    } else if chars.get(i + 2) == Some(&'\'') {
                        out.push((Tok::Lit, line));
                        i += 3;
                    } else {
                        out.push((Tok::Code, line));
                        i += 1;
                        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                            i += 1;
                        }
                    }
                }
                '|' => {
                    out.push((Tok::Bar, line));
                    i += 1;
                }
                '[' | ']' | '(' | ')' | ',' | '&' => {
                    out.push((Tok::Mark(c), line));
                    i += 1;
                }
                c if c.is_ascii_digit() => {
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    out.push((Tok::Lit, line));
                }
                c if c.is_alphanumeric() || c == '_' => {
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    out.push((Tok::Code, line));
                }
                c if c.is_whitespace() => i += 1,
                _ => {
                    out.push((Tok::Code, line));
                    i += 1;
                }
            }
        }
        out
    }
}

#[test]
fn a_note_may_end_on_a_line_that_continues_its_last_item() {
    let config = FidelityConfig::default();
    let completes = |source: &str, rewrite: &str| {
        check_of(&fidelity(source, rewrite, &config), CheckKind::Completeness).passed
    };
    let source = "It was staged again and again. It was called a sure remedy.";
    let note = "・staged again and again → called a sure remedy\n\u{3000}= a play that fills the house";
    assert!(completes(source, note));
    // Indented under a line that is no item, it is an unfinished sentence.
    let prose = "It was staged again and again, and it was called\n\u{3000}a sure remedy that";
    assert!(!completes(source, prose));
    // A note's last entry under its heading.
    let note = "・staged again and again\n\n【Also called】\nthe sure remedy";
    assert!(completes(source, note));
    let cut = "It was staged again and again.\n\nIt was called a sure remedy by the people who went to see it in the";
    assert!(!completes(source, cut));
    // A note's entry led by a reference mark.
    assert!(completes(
        source,
        "・staged again and again\n※ called a sure remedy"
    ));
}

#[test]
fn if_needed_is_chatter_only_when_it_turns_to_the_reader() {
    let config = FidelityConfig::default();
    let chatty = |rewrite: &str| {
        !check_of(
            &fidelity("构建产物保存在本地，也可存放在云存储中。", rewrite, &config),
            CheckKind::Chatter,
        )
        .passed
    };
    assert!(!chatty(
        "构建产物保存在本地；如有需要，也可以改为存放在云存储中。"
    ));
    assert!(chatty(
        "构建产物保存在本地，也可存放在云存储中。如有需要，请随时告诉我。"
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// The gate reads any text without a panic: a panic in a check would
    /// take a worker down mid-run. The texts mix what the checks cut at —
    /// digits and their separators, dates and codes, capitals, spaces wider
    /// than a byte (U+3000, U+00A0), CJK marks, Cyrillic, an ellipsis, a
    /// middle dot, brackets and Markdown — in any order.
    #[test]
    fn the_gate_reads_any_text_without_a_panic(
        source in "[0-9A-Za-zМмая年月日号点·・…\u{3000}\u{a0} .,:;=/()\\-|#*`\n]{0,120}",
        rewrite in "[0-9A-Za-zМмая年月日号点·・…\u{3000}\u{a0} .,:;=/()\\-|#*`\n]{0,120}",
    ) {
        for config in [FidelityConfig::default(), FidelityConfig { keeps_subset: true, added_numbers_are_suspicions: true, ..FidelityConfig::default() }] {
            let _ = chunksynth_quality::fidelity(&source, &rewrite, &config);
        }
    }
}

#[test]
fn a_parts_label_before_its_number_is_no_name() {
    let config = FidelityConfig::default();
    let names = |source: &str, rewrite: &str| check_of(&fidelity(source, rewrite, &config), CheckKind::Names);
    let source = "Section 6 requires the Corresponding Source, and Section 11 grants a patent license.";
    assert!(
        names(
            source,
            "§6: Corresponding Source required. §11: patent license granted."
        )
        .passed
    );
    // A label the source writes without a number is a name it wants.
    let source = "The Section decided it, and Section 11 grants a patent license.";
    assert!(!names(source, "It was decided; §11 grants a patent license.").passed);
}
