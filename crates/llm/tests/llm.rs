//! The model interface at its boundary.

use std::sync::Arc;
use std::time::Duration;

use chunksynth_llm::{
    ChatRequest, ErrorKind, FinishReason, LanguageModel, LatencyHistogram, LlmError, Message, Price,
    PriceTable, ScriptedModel, TaskKind, Usage, UsageLedger,
};

#[tokio::test]
async fn a_scripted_model_answers_by_task_and_records_requests() {
    let model: Arc<dyn LanguageModel> = Arc::new(ScriptedModel::text(|req| match req.task {
        TaskKind::PlanGeneration => "{\"sections\": []}".to_owned(),
        _ => req.last_user_text().to_uppercase(),
    }));
    let rewrite = ChatRequest::new(
        TaskKind::Rewrite,
        vec![Message::system("be nice"), Message::user("hello")],
    );
    let answer = model.chat(&rewrite).await;
    assert_eq!(answer.map(|a| a.text), Ok("HELLO".to_owned()));
    let plan = ChatRequest::new(TaskKind::PlanGeneration, vec![Message::user("topic")]);
    assert_eq!(
        model.chat(&plan).await.map(|a| a.text),
        Ok("{\"sections\": []}".to_owned())
    );
}

#[test]
fn error_kinds_say_what_to_do() {
    let retryable: Vec<ErrorKind> = [
        ErrorKind::Transient,
        ErrorKind::RateLimited,
        ErrorKind::ContextTooLong,
        ErrorKind::Auth,
        ErrorKind::InvalidModel,
        ErrorKind::BadRequest,
        ErrorKind::Truncated,
        ErrorKind::Empty,
        ErrorKind::Malformed,
        ErrorKind::Config,
    ]
    .into_iter()
    .filter(|k| k.is_retryable())
    .collect();
    assert_eq!(
        retryable,
        [
            ErrorKind::Transient,
            ErrorKind::RateLimited,
            ErrorKind::Empty,
            ErrorKind::Malformed
        ]
    );
    let e = LlmError::new(ErrorKind::RateLimited, "slow down")
        .with_status(429)
        .with_retry_after(Duration::from_secs(2))
        .with_endpoint("http://127.0.0.1:1/v1");
    assert_eq!(
        e.to_string(),
        "rate_limited error from http://127.0.0.1:1/v1: slow down"
    );
    assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
}

#[test]
fn a_length_stop_becomes_a_truncated_error_with_the_partial_text() {
    let req = ChatRequest::new(TaskKind::Rewrite, vec![Message::user("x")]);
    let cut = ScriptedModel::reply(&req, "half an ans".to_owned(), FinishReason::Length);
    let err = cut.complete().err();
    assert_eq!(err.as_ref().map(|e| e.kind), Some(ErrorKind::Truncated));
    assert_eq!(err.and_then(|e| e.partial_text), Some("half an ans".to_owned()));
    assert_eq!(
        FinishReason::parse(Some("weird_new_reason")),
        FinishReason::Other("weird_new_reason".into())
    );
    assert_eq!(FinishReason::parse(None), FinishReason::Unknown);
}

#[test]
fn ledger_accounts_per_endpoint_and_task_and_prices_tokens() {
    let ledger = UsageLedger::new();
    let usage = Usage {
        prompt_tokens: 1_000_000,
        completion_tokens: 500_000,
        cached_tokens: 200_000,
    };
    ledger.record_attempt("a", TaskKind::Rewrite);
    ledger.record_retry("a", TaskKind::Rewrite, ErrorKind::RateLimited);
    ledger.record_attempt("a", TaskKind::Rewrite);
    ledger.record_success("a", TaskKind::Rewrite, usage, Duration::from_millis(100));
    ledger.record_attempt("b", TaskKind::Judge);
    ledger.record_failure("b", TaskKind::Judge, ErrorKind::Auth);
    let s = ledger.snapshot();
    assert_eq!((s.total.requests, s.total.attempts), (2, 3));
    assert_eq!(s.by_endpoint["a"].retries_by_kind[&ErrorKind::RateLimited], 1);
    assert_eq!(s.by_task[&TaskKind::Judge].failures_by_kind[&ErrorKind::Auth], 1);
    let mut prices = PriceTable::default();
    prices.models.insert(
        "*".into(),
        Price {
            input_per_million: 1.0,
            output_per_million: 4.0,
            cached_input_per_million: Some(0.5),
        },
    );
    // 800k uncached × 1 + 200k cached × 0.5 + 500k × 4, per million.
    assert_eq!(s.cost(&prices, "any-model"), Some(0.8 + 0.1 + 2.0));
}

#[test]
fn latency_percentiles_fall_within_a_bucket() {
    let mut h = LatencyHistogram::default();
    for ms in 1..=100u64 {
        h.record(Duration::from_millis(ms));
    }
    let p50 = h.quantile(0.5).map_or(0, |d| d.as_micros());
    let p99 = h.quantile(0.99).map_or(0, |d| d.as_micros());
    assert!((50_000..=55_000).contains(&p50), "p50 {p50}");
    assert!((99_000..=109_000).contains(&p99), "p99 {p99}");
    assert_eq!(LatencyHistogram::default().quantile(0.5), None);
}
