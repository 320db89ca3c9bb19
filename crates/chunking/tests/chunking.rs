//! Chunking at its boundary: data-driven cases with one `check` helper, and
//! property tests for the invariants every caller relies on.

use chunksynth_chunking::{
    BoundaryKind, ChunkConfig, ChunkPlan, HuggingFaceTokenizer, TokenSpan, Tokenizer, TokenizerError,
    TokenizerSpec, prefix_window, stitch,
};
use proptest::prelude::*;

fn tokenizer(spec: &str) -> std::sync::Arc<dyn Tokenizer> {
    spec.parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn plan(spec: &str, budget: usize, overlap: usize, input: &str) -> ChunkPlan {
    let config = ChunkConfig::new(budget, overlap).unwrap_or_else(|e| panic!("{e}"));
    ChunkPlan::new(input, tokenizer(spec).as_ref(), config)
}

/// Plans `input` with `spec` at `budget` tokens and compares the chunk texts.
#[track_caller]
fn check(spec: &str, budget: usize, input: &str, expect: &[&str]) {
    let plan = plan(spec, budget, 0, input);
    let got: Vec<&str> = (0..plan.chunks.len())
        .map(|i| plan.chunk_text(input, i))
        .collect();
    assert_eq!(got, expect, "chunks of {input:?} at {budget} {spec}");
    assert_invariants(input, &plan, tokenizer(spec).as_ref(), budget);
}

/// Tiling, bodies inside spans, budget, identity and upper-case stitching.
#[track_caller]
fn assert_invariants(input: &str, plan: &ChunkPlan, tok: &dyn Tokenizer, budget: usize) {
    let mut at = 0;
    for chunk in &plan.chunks {
        assert_eq!(chunk.span.start, at, "spans must be contiguous");
        assert!(chunk.span.end > chunk.span.start, "no empty chunk");
        assert!(chunk.span.start <= chunk.body.start && chunk.body.end <= chunk.span.end);
        assert!(chunk.body.start <= chunk.body.end);
        assert!(chunk.context.end == chunk.span.start && chunk.context.start <= chunk.context.end);
        assert!(input.is_char_boundary(chunk.span.end));
        let single = tok.spans(&input[chunk.span.clone()]).len() <= 1;
        assert!(chunk.tokens <= budget || single, "chunk over budget: {chunk:?}");
        at = chunk.span.end;
    }
    assert_eq!(at, input.len(), "spans must cover the input");
    let bodies: Vec<&str> = plan.chunks.iter().map(|c| &input[c.body.clone()]).collect();
    assert_eq!(stitch(input, plan, &bodies).as_deref(), Ok(input));
    let upper: Vec<String> = bodies.iter().map(|b| b.to_uppercase()).collect();
    assert_eq!(stitch(input, plan, &upper), Ok(input.to_uppercase()));
}

#[test]
fn markdown_cuts_before_headings_and_keeps_code_whole() {
    let input = "# Intro\n\nRust is fast. It is safe too.\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n## Next\n\nMore text here.\n";
    check(
        "words",
        8,
        input,
        &[
            "# Intro\n\nRust is fast. It is safe too.\n\n",
            "```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n",
            "## Next\n\nMore text here.\n",
        ],
    );
}

#[test]
fn tables_and_list_items_stay_whole_when_they_fit() {
    let input = "Some words before the table.\n| name | value |\n|------|-------|\n| a | 1 |\n| b | 2 |\nAfter.\n- item one is here\n  continued line\n- item two\n";
    check(
        "words",
        10,
        input,
        &[
            "Some words before the table.\n",
            "| name | value |\n|------|-------|\n| a | 1 |\n| b | 2 |\nAfter.\n",
            "- item one is here\n  continued line\n- item two\n",
        ],
    );
}

#[test]
fn man_page_sections_start_chunks() {
    let input = "NAME\n       curl - transfer a URL\n\nSYNOPSIS\n       curl [options / URLs]\n\nDESCRIPTION\n       curl is a tool for transferring data from or to a server.\n";
    check(
        "words",
        14,
        input,
        &[
            "NAME\n       curl - transfer a URL\n\nSYNOPSIS\n       curl [options / URLs]\n\n",
            "DESCRIPTION\n       curl is a tool for transferring data from or to a server.\n",
        ],
    );
}

#[test]
fn cjk_prose_cuts_after_full_stops() {
    let input = "我们使用分块改写。每一块都会被检查。最后拼接回原文！好吗？";
    check(
        "chars",
        12,
        input,
        &[
            "我们使用分块改写。",
            "每一块都会被检查。",
            "最后拼接回原文！好吗？",
        ],
    );
}

#[test]
fn a_long_sentence_falls_back_to_word_then_token_cuts() {
    check(
        "words",
        3,
        "one two three four five six seven",
        &["one two three ", "four five six ", "seven"],
    );
    check("chars", 4, "abcdefghij", &["abcd", "efgh", "ij"]);
}

#[test]
fn crlf_tabs_and_trailing_spaces_survive() {
    let input = "line one  \r\n\tline two\r\n\r\nline three\x0cpage two \r\n";
    check(
        "words",
        3,
        input,
        &[
            "line one  \r\n",
            "\tline two\r\n\r\n",
            "line three\x0c",
            "page two \r\n",
        ],
    );
}

#[test]
fn degenerate_inputs() {
    check("words", 5, "", &[]);
    check("words", 5, "   \n\n\t ", &["   \n\n\t "]);
    check("o200k", 5, "", &[]);
    check("chars", 1, "👩‍👩‍👧", &["👩", "\u{200d}", "👩", "\u{200d}", "👧"]);
}

#[test]
fn a_single_token_over_budget_is_its_own_chunk() {
    // One emoji is several o200k byte tokens but one char: it cannot be cut.
    let input = "🦀🦀";
    let p = plan("o200k", 1, 0, input);
    assert_eq!(p.chunks.len(), 2);
    assert_invariants(input, &p, tokenizer("o200k").as_ref(), 1);
}

#[test]
fn overlap_is_read_only_context_before_the_chunk() {
    let input = "Alpha beta gamma. Delta epsilon zeta. Eta theta iota.";
    let p = plan("words", 3, 2, input);
    let first = &p.chunks[0];
    assert!(first.context.is_empty());
    let second = &p.chunks[1];
    assert_eq!(&input[second.context.clone()], "beta gamma. ");
    assert_eq!(&input[second.span.clone()], "Delta epsilon zeta. ");
    // Context never holds text of the chunk itself.
    assert_eq!(second.context.end, second.span.start);
}

#[test]
fn chunks_record_where_they_were_cut() {
    let input = "# A\n\npara one two\n\n# B\n\npara three four";
    let p = plan("words", 5, 0, input);
    let cuts: Vec<BoundaryKind> = p.chunks.iter().map(|c| c.cut).collect();
    assert_eq!(cuts, [BoundaryKind::Section, BoundaryKind::Section]);
    assert_eq!(p.total_tokens, 8);
}

#[test]
fn realistic_fixtures_respect_the_budget_in_isolation_too() {
    // Counted on its own, a chunk must still fit: the budget a model sees.
    for (name, text) in fixtures() {
        for spec in ["o200k", "cl100k", "words"] {
            let tok = tokenizer(spec);
            for budget in [64, 200, 700] {
                let p = plan(spec, budget, 32, text);
                assert_invariants(text, &p, tok.as_ref(), budget);
                for chunk in &p.chunks {
                    let alone = tok.count(&text[chunk.span.clone()]);
                    assert!(
                        alone <= budget,
                        "{name} {spec} {budget}: chunk {} has {alone}",
                        chunk.index
                    );
                }
            }
        }
    }
}

#[test]
fn fixtures_cut_mostly_at_natural_places() {
    for (name, text) in fixtures() {
        let p = plan("o200k", 200, 0, text);
        let weak = p.chunks.iter().filter(|c| c.cut < BoundaryKind::Sentence).count();
        assert!(
            weak * 10 <= p.chunks.len(),
            "{name}: {weak} of {} cuts mid-sentence",
            p.chunks.len()
        );
    }
}

fn fixtures() -> [(&'static str, &'static str); 4] {
    [
        ("markdown", include_str!("fixtures/markdown.md")),
        ("manpage", include_str!("fixtures/manpage.txt")),
        ("cjk", include_str!("fixtures/cjk.txt")),
        ("crlf", include_str!("fixtures/crlf.txt")),
    ]
}

#[test]
fn code_blocks_in_fixtures_are_never_cut_when_they_fit() {
    let text = include_str!("fixtures/markdown.md");
    let p = plan("o200k", 400, 0, text);
    let tok = tokenizer("o200k");
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(close) = after.find("\n```") else { break };
        let block = (offset + open)..(offset + open + 3 + close + 4);
        if tok.count(&text[block.clone()]) <= 400 {
            let inside = p
                .chunks
                .iter()
                .any(|c| block.start < c.span.end && c.span.end < block.end);
            assert!(!inside, "code block at {block:?} was cut");
        }
        offset += open + 3 + close + 4;
        rest = &text[offset..];
    }
}

#[test]
fn prefix_window_takes_the_tail_on_a_boundary() {
    let words = tokenizer("words");
    let text = "First sentence here. Second sentence is this one. Third and last.";
    // A sentence start is taken when it keeps three quarters of the window.
    assert_eq!(prefix_window(text, words.as_ref(), 4), "Third and last.");
    assert_eq!(
        prefix_window(text, words.as_ref(), 6),
        "is this one. Third and last."
    );
    let w = prefix_window(text, words.as_ref(), 9);
    assert!(words.count(w) <= 9);
    assert!(text.ends_with(w));
    assert_eq!(prefix_window(text, words.as_ref(), 0), "");
    assert_eq!(prefix_window(text, words.as_ref(), 1000), text);
    let long = "word ".repeat(50_000);
    let w = prefix_window(&long, words.as_ref(), 100);
    assert_eq!(words.count(w), 100);
    assert!(w.starts_with("word"));
}

#[test]
fn prefix_window_never_splits_a_character() {
    let o200k = tokenizer("o200k");
    let text = "🦀 crabs ".repeat(200) + "最后一句话在这里。";
    for window in [1, 2, 3, 7, 50] {
        let w = prefix_window(&text, o200k.as_ref(), window);
        assert!(text.ends_with(w));
        assert!(o200k.count(w) <= window + 1, "window {window}: {w:?}");
    }
}

#[test]
fn tokenizer_specs_name_what_was_given() {
    let err = "gpt5"
        .parse::<TokenizerSpec>()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("\"gpt5\"") && err.contains("o200k"), "{err}");
    let missing = "/nonexistent/tokenizer.json"
        .parse::<TokenizerSpec>()
        .map(|s| s.load());
    let Ok(Err(TokenizerError::Unreadable { given, .. })) = missing else {
        panic!("expected an unreadable-file error")
    };
    assert_eq!(given, "/nonexistent/tokenizer.json");
    let invalid = HuggingFaceTokenizer::from_json("vocab.txt", b"not json")
        .err()
        .map(|e| e.to_string());
    assert!(invalid.is_some_and(|e| e.contains("vocab.txt") && e.contains("not a valid")));
    for (spec, name) in [
        ("O200K", "o200k"),
        ("cl100k_base", "cl100k"),
        ("words", "words"),
        ("chars", "chars"),
    ] {
        assert_eq!(tokenizer(spec).name(), name);
    }
}

#[test]
fn hugging_face_tokenizer_json_counts_and_tiles() {
    let json = include_bytes!("fixtures/wordlevel-tokenizer.json");
    let tok = HuggingFaceTokenizer::from_json("fixture", json).unwrap_or_else(|e| panic!("{e}"));
    let text = "hello world  hello\nunknown!";
    assert_eq!(tok.count(text), 5);
    let spans = tok.spans(text);
    assert_eq!(spans.first().map(|s| (s.start, s.end)), Some((0, 5)));
    assert_eq!(spans.iter().map(|s| s.tokens as usize).sum::<usize>(), 5);
    let p = ChunkPlan::new(
        text,
        &tok,
        ChunkConfig::new(2, 0).unwrap_or_else(|e| panic!("{e}")),
    );
    assert_invariants(text, &p, &tok, 2);
}

#[test]
fn zero_budget_is_refused() {
    assert!(ChunkConfig::new(0, 10).is_err());
}

#[test]
fn one_megabyte_line_without_spaces() {
    let input = "x".repeat(1 << 20);
    for spec in ["words", "chars"] {
        let p = plan(spec, 4096, 64, &input);
        assert_invariants(&input, &p, tokenizer(spec).as_ref(), 4096);
    }
}

fn span_sum(spans: &[TokenSpan]) -> usize {
    spans.iter().map(|s| s.tokens as usize).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn plans_tile_and_stitch_any_unicode(
        input in "(\\PC|\\s|[\r\n\t\x0c]|[一-龥。！？]|[a-z ]{1,12}|#+ |```\n|\\| x \\|\n){0,80}",
        budget in 1usize..40,
        overlap in 0usize..20,
        spec in prop::sample::select(vec!["words", "chars", "o200k"]),
    ) {
        let tok = tokenizer(spec);
        let p = plan(spec, budget, overlap, &input);
        assert_invariants(&input, &p, tok.as_ref(), budget);
        prop_assert_eq!(p.total_tokens, span_sum(&tok.spans(&input)));
    }

    #[test]
    fn spans_tile_any_unicode(input in "\\PC{0,200}", spec in prop::sample::select(vec!["words", "chars", "o200k", "cl100k"])) {
        let tok = tokenizer(spec);
        let spans = tok.spans(&input);
        let mut at = 0;
        for s in &spans {
            prop_assert_eq!(s.start, at);
            prop_assert!(s.end > s.start && input.is_char_boundary(s.end));
            at = s.end;
        }
        prop_assert_eq!(at, input.len());
        prop_assert_eq!(span_sum(&spans), tok.count(&input));
    }

    #[test]
    fn prefix_window_is_a_suffix_within_budget(
        input in "(\\PC|\\s|[一-龥。]|[a-z ]{1,12}){0,120}",
        window in 0usize..40,
    ) {
        let tok = tokenizer("words");
        let w = prefix_window(&input, tok.as_ref(), window);
        prop_assert!(input.ends_with(w));
        prop_assert!(tok.count(w) <= window);
    }
}

/// Spans as tiktoken itself cuts them: its `encode_ordinary` (through
/// `fancy-regex`), each token's bytes decoded.
fn tiktoken_spans(spec: &str, text: &str) -> Vec<TokenSpan> {
    let bpe = match spec {
        "o200k" => tiktoken_rs::o200k_base_singleton(),
        _ => tiktoken_rs::cl100k_base_singleton(),
    };
    let mut end = 0;
    let ends = bpe.encode_ordinary(text).into_iter().map(|id| {
        end += bpe.decode_bytes(&[id]).map_or(0, |b| b.len());
        end
    });
    chunksynth_chunking::tokenizer::spans_from_token_ends(text, ends)
}

#[track_caller]
fn assert_tiktokens_own(spec: &str, text: &str, what: &str) {
    let tok = tokenizer(spec);
    let spans = tok.spans(text);
    if spans != tiktoken_spans(spec, text) {
        // The first piece that differs, not two vectors of thousands.
        let expected = tiktoken_spans(spec, text);
        let at = spans.iter().zip(&expected).position(|(a, b)| a != b).unwrap_or(0);
        let show = |s: &[TokenSpan]| {
            s.iter()
                .skip(at)
                .take(4)
                .map(|s| &text[s.start..s.end])
                .collect::<Vec<_>>()
        };
        panic!(
            "{spec} spans of {what} differ from tiktoken's at span {at}: {:?} vs {:?}",
            show(&spans),
            show(&expected)
        );
    }
    assert_eq!(
        tok.count(text),
        spans.iter().map(|s| s.tokens as usize).sum::<usize>(),
        "{spec} count of {what}"
    );
}

/// Our pre-tokenizer (crates/chunking/src/pretokenize.rs) must cut exactly
/// where tiktoken does: chunk plans and prompt windows, and so every
/// journaled call's identity, are made of these counts. Every fixture, the
/// fidelity suite's texts (four languages, code, tables, lists) and the bench
/// corpus, in both encodings.
#[test]
fn tiktoken_encodings_cut_exactly_where_tiktoken_does() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut texts: Vec<(String, String)> = fixtures()
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for dir in ["crates/rephrase/tests/fidelity_suite", "benches", "docs"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x == "toml" || x == "jsonl" || x == "md")
            })
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            texts.push((path.display().to_string(), text));
        }
    }
    assert!(texts.len() > 50, "the suite's files were found");
    for (name, text) in &texts {
        for spec in ["o200k", "cl100k"] {
            assert_tiktokens_own(spec, text, name);
        }
    }
}

#[test]
fn long_pieces_and_whitespace_runs_cut_as_tiktoken_does() {
    let cases = [
        "=".repeat(150),
        "a".repeat(300),
        format!("x{}y", " ".repeat(120)),
        format!("end{}", " ".repeat(7)),
        "tabs\t\t\tand\r\n\r\n  spaces  \n\n\n".to_string(),
        "it's THEY'RE we'LL I'd 'S ''".to_string(),
        "/usr/bin/env\n/x\n//\n".to_string(),
        "\u{301}e\u{301} \u{a0}\u{a0}x\u{3000}\u{3000}字 😀😀 \u{200b}".to_string(),
    ];
    for text in &cases {
        for spec in ["o200k", "cl100k"] {
            assert_tiktokens_own(spec, text, &format!("{text:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Text built from what the encodings' patterns tell apart: runs of
    /// each kind of whitespace, upper and lower case, contractions, digits,
    /// punctuation with newlines and slashes, CJK, kana, Cyrillic,
    /// combining marks, and any other character.
    #[test]
    fn tiktoken_encodings_cut_any_text_as_tiktoken_does(
        input in "( |  |\t|\r|\n|\r\n| \n|\u{a0}|\u{3000}|[A-Z]{1,3}|[a-z]{1,5}|'s|'T|'re|'LL|'d|[0-9]{1,5}|[.,!?/=<>|#*-]{1,3}|[一-龥]{1,3}|[ぁ-んァ-ン]{1,3}|[а-яА-ЯёЁ]{1,4}|\u{301}|ǅ|ʰ|😀|\\PC){0,60}",
        spec in prop::sample::select(vec!["o200k", "cl100k"]),
    ) {
        assert_tiktokens_own(spec, &input, &format!("{input:?}"));
    }
}
