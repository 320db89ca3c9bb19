//! The labelled judge against hand-made labels.

use super::*;

const SOURCE: &str = "The cache holds 16 entries. Entries are evicted in order of age. \
                      The oldest entry always goes first.";
const RESTYLE: &str = "The cache has room for 16 entries. When it is full, entries leave by age: \
                       the oldest one is always the first to go.";

fn labels() -> JudgeLabels {
    let errors = vec![
        PlantedError {
            kind: "alter_number".to_owned(),
            carrier: Some("number".to_owned()),
            find: "16 entries".to_owned(),
            replace: "32 entries".to_owned(),
            note: String::new(),
        },
        PlantedError {
            kind: "alter_modality".to_owned(),
            carrier: Some("word".to_owned()),
            find: "is always the first".to_owned(),
            replace: "is usually the first".to_owned(),
            note: String::new(),
        },
        PlantedError {
            kind: "fabricate_claim".to_owned(),
            carrier: Some("word".to_owned()),
            find: "room for 16 entries.".to_owned(),
            replace: "room for 16 entries. It was designed in Oslo.".to_owned(),
            note: String::new(),
        },
        PlantedError {
            kind: "omit_plain".to_owned(),
            carrier: Some("word".to_owned()),
            find: " When it is full, entries leave by age: the oldest one is always the first to go."
                .to_owned(),
            replace: String::new(),
            note: String::new(),
        },
    ];
    JudgeLabels::new(vec![LabelledSource {
        file: "test".to_owned(),
        id: "cache".to_owned(),
        lang: Some("en".to_owned()),
        text: SOURCE.to_owned(),
        restyles: vec![LabelledRestyle {
            style: "textbook".to_owned(),
            text: RESTYLE.to_owned(),
            errors,
        }],
    }])
}

fn variant(labels: &JudgeLabels, e: usize) -> String {
    let r = &labels.sources()[0].restyles[0];
    r.errors[e].variant(&r.text)
}

#[test]
fn a_rewrite_claim_is_unsupported_iff_it_carries_inserted_text() {
    let l = labels();
    let holds = |claim: &str| l.label_supported(SOURCE, claim).map(|x| x.holds);
    assert_eq!(holds("The cache has room for 32 entries."), Some(false));
    assert_eq!(holds("the oldest one is usually the first to go."), Some(false));
    assert_eq!(holds("It was designed in Oslo."), Some(false));
    // Sentences every variant shares with the faithful restyle hold.
    assert_eq!(holds("The cache has room for 16 entries."), Some(true));
    assert_eq!(holds("When it is full, entries leave by age:"), Some(true));
    // Whitespace aside.
    assert_eq!(holds("The cache  has room\nfor 32 entries."), Some(false));
    // A group of sentences the gate quotes together, one of them broken.
    assert_eq!(
        holds("The cache has room for 16 entries. It was designed in Oslo. Later."),
        Some(false)
    );
    assert_eq!(
        holds("The cache has room for 16 entries. When it is full, entries leave by age:"),
        Some(true)
    );
    assert_eq!(l.label_supported("another source", "x"), None);
    // A word-carried error is hard; a number-carried one is not.
    assert!(l.label_supported(SOURCE, "usually the first").unwrap().hard);
    assert!(!l.label_supported(SOURCE, "room for 32").unwrap().hard);
}

#[test]
fn a_source_claim_is_unsupported_iff_the_variant_breaks_the_sentence_it_is() {
    let l = labels();
    let kept = |e: Option<usize>, claim: &str| {
        let rewrite = e.map_or_else(|| RESTYLE.to_owned(), |e| variant(&l, e));
        l.label_kept(&rewrite, claim).map(|x| x.holds)
    };
    let (first, last) = (
        "The cache holds 16 entries.",
        "The oldest entry always goes first.",
    );
    assert_eq!(kept(None, first), Some(true));
    assert_eq!(kept(Some(0), first), Some(false));
    assert_eq!(kept(Some(0), last), Some(true));
    assert_eq!(kept(Some(1), last), Some(false));
    assert_eq!(kept(Some(1), first), Some(true));
    // A fabrication keeps every source sentence.
    assert_eq!(kept(Some(2), first), Some(true));
    // An omission breaks every sentence it dropped.
    assert_eq!(kept(Some(3), last), Some(false));
    assert_eq!(kept(Some(3), "Entries are evicted in order of age."), Some(false));
    assert_eq!(kept(Some(3), first), Some(true));
    // A claim cut differently still maps to its sentence.
    assert_eq!(kept(Some(1), "oldest entry always goes first"), Some(false));
    assert_eq!(l.label_kept("not a labelled rewrite", first), None);
}

#[test]
fn a_whole_chunk_is_unfaithful_iff_it_is_a_variant() {
    let l = labels();
    assert_eq!(l.label_faithful(RESTYLE).map(|x| x.holds), Some(true));
    for e in 0..4 {
        assert_eq!(l.label_faithful(&variant(&l, e)).map(|x| x.holds), Some(false));
    }
}

#[test]
fn hints_make_holding_paraphrases_hard() {
    let mut l = labels();
    let claim = "the oldest one is always the first to go.";
    assert!(!l.label_supported(SOURCE, claim).unwrap().hard);
    l.hint(claim, "modality");
    assert!(l.label_supported(SOURCE, claim).unwrap().hard);
    l.hint(RESTYLE, "addition");
    assert!(!l.label_faithful(RESTYLE).unwrap().hard);
    l.hint(RESTYLE, "Polarity");
    assert!(l.label_faithful(RESTYLE).unwrap().hard);
}

#[test]
fn errors_are_deterministic_and_near_the_asked_rate() {
    let l = Arc::new(labels());
    let claims: Vec<String> = (0..4000).map(|i| format!("claim number {i}")).collect();
    let run = |seed| {
        let judge = LabelledJudge::new(l.clone(), ErrorProfile::Uniform(0.2), seed);
        let answers: Vec<bool> = claims
            .iter()
            .map(|c| {
                judge
                    .answer(Asked::Supported {
                        source: SOURCE,
                        claim: c,
                    })
                    .unwrap()
            })
            .collect();
        (answers, judge.stats())
    };
    let (a, stats) = run(7);
    assert_eq!(a, run(7).0);
    assert_ne!(a, run(8).0);
    let rate = stats.wrong as f64 / stats.answered as f64;
    assert!((rate - 0.2).abs() < 0.03, "{rate}");
    // All these claims hold, so a wrong answer is "unsupported".
    assert_eq!(a.iter().filter(|s| !**s).count() as u64, stats.wrong);
}

#[test]
fn hard_case_puts_most_errors_on_hard_questions_at_the_asked_rate() {
    let mut judge = LabelledJudge::new(Arc::new(labels()), ErrorProfile::HardCase(0.1), 1);
    judge.calibrate(20, 100);
    let (hard, easy) = (judge.wrong_probability(true), judge.wrong_probability(false));
    assert!((hard - 0.4).abs() < 1e-9);
    assert!((0.2 * hard + 0.8 * easy - 0.1).abs() < 1e-9);
    judge.calibrate(5, 100);
    assert_eq!(judge.wrong_probability(true), 1.0);
    assert!((0.05 + 0.95 * judge.wrong_probability(false) - 0.1).abs() < 1e-9);
}

#[test]
fn profiles_parse() {
    assert_eq!(ErrorProfile::parse("uniform:0.1"), Ok(ErrorProfile::Uniform(0.1)));
    assert_eq!(
        ErrorProfile::parse("hard-case:0.2"),
        Ok(ErrorProfile::HardCase(0.2))
    );
    assert_eq!(ErrorProfile::parse("perfect"), Ok(ErrorProfile::Uniform(0.0)));
    assert!(ErrorProfile::parse("uniform:2").is_err());
    assert!(ErrorProfile::parse("sometimes:0.1").is_err());
}

fn request(messages: serde_json::Value) -> FakeRequest {
    FakeRequest {
        index: 0,
        body: json!({"model": "m", "messages": messages}),
        authorization: None,
    }
}

#[test]
fn the_three_prompt_forms_are_read_and_answered_from_the_labels() {
    let judge = LabelledJudge::new(Arc::new(labels()), ErrorProfile::Uniform(0.0), 1);
    let templates = TemplateSet::defaults(Language::En);
    let text = |reply: Reply| match reply {
        Reply::Text(t) => t,
        other => panic!("{other:?}"),
    };
    let bad = variant(judge.labels(), 1);
    let claims = templates.judge_claims(
        SOURCE,
        &bad,
        &[
            ClaimInput::Supported("The cache has room for 16 entries."),
            ClaimInput::Kept("The oldest entry always goes first."),
            ClaimInput::Supported("the oldest one is usually the first to go."),
        ],
    );
    let messages: Vec<serde_json::Value> = claims
        .messages
        .iter()
        .map(|m| json!({"role": "user", "content": m.content}))
        .collect();
    let answer: serde_json::Value =
        serde_json::from_str(&text(judge.reply(&request(json!(messages))))).unwrap();
    let supported: Vec<bool> = answer["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["supported"].as_bool().unwrap())
        .collect();
    assert_eq!(supported, [true, false, false]);

    let check = templates.claim_check(SOURCE, "The cache has room for 32 entries.");
    let pair = json!([
        {"role": "system", "content": check.messages[0].content},
        {"role": "user", "content": check.messages[1].content},
    ]);
    assert_eq!(text(judge.reply(&request(pair))), "No");
    let check = templates.claim_check(&bad, "The cache holds 16 entries.");
    let pair = json!([
        {"role": "system", "content": check.messages[0].content},
        {"role": "user", "content": check.messages[1].content},
    ]);
    assert_eq!(text(judge.reply(&request(pair))), "Yes");

    let whole = templates.judge(&JudgeInput {
        source: SOURCE,
        rewrite: &bad,
    });
    let messages = json!([{"role": "user", "content": whole.messages[0].content}]);
    let answer: serde_json::Value = serde_json::from_str(&text(judge.reply(&request(messages)))).unwrap();
    assert_eq!(answer["faithful"], false);

    let unknown = json!([{"role": "user", "content": "Write a poem."}]);
    assert!(matches!(
        judge.reply(&request(unknown)),
        Reply::Status { status: 400, .. }
    ));
    assert_eq!(
        judge.stats(),
        JudgeStats {
            answered: 6,
            wrong: 0,
            unknown: 1
        }
    );
}

#[test]
fn the_suite_sets_load_and_every_rewrite_is_indexed() {
    let labels = JudgeLabels::load(&suite_dir(), &["a"]).unwrap();
    let sources = labels.sources();
    assert_eq!(sources.len(), 16);
    for source in sources {
        for restyle in &source.restyles {
            assert!(labels.label_faithful(&restyle.text).unwrap().holds);
            for error in &restyle.errors {
                assert!(
                    !labels
                        .label_faithful(&error.variant(&restyle.text))
                        .unwrap()
                        .holds
                );
            }
        }
    }
}

#[test]
fn claims_lists_are_read_whatever_their_claims_hold() {
    assert_eq!(
        parse_claims("1. REWRITE: a\nb\n2. SOURCE: c. 3. d"),
        Some(vec![(false, "a\nb"), (true, "c. 3. d")])
    );
    assert_eq!(parse_claims("2. REWRITE: a"), None);
}
