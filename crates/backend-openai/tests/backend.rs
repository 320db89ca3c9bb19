//! The backend against a real HTTP server on 127.0.0.1: every error class,
//! deadlines, limits and the endpoint pool, over the wire.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chunksynth_backend_openai::{ApiKey, BackendConfig, EndpointConfig, OpenAiBackend, parse_retry_after};
use chunksynth_fake_llm::{FakeLlm, FakeOptions, FakeRequest, Reply};
use chunksynth_llm::{ChatRequest, ErrorKind, FinishReason, LanguageModel, LlmError, Message, TaskKind};

const KEY: &str = "sk-test-SECRET-7f3a9";

fn request(text: &str) -> ChatRequest {
    ChatRequest::new(
        TaskKind::Rewrite,
        vec![Message::system("Rewrite."), Message::user(text)],
    )
}

fn config(fake: &FakeLlm) -> BackendConfig {
    let mut c = BackendConfig::new(fake.base_url(), Some(ApiKey::new(KEY)), "fake-model");
    c.retry.base_delay = Duration::from_millis(5);
    c.retry.max_delay = Duration::from_millis(200);
    c.retry.max_retries = 3;
    c.timeouts.request = Duration::from_secs(5);
    c.limits.endpoint_cooldown = Duration::from_millis(50);
    c
}

fn backend(c: BackendConfig) -> OpenAiBackend {
    OpenAiBackend::new(c).unwrap_or_else(|e| panic!("{e}"))
}

async fn start(script: impl Fn(&FakeRequest) -> Reply + Send + Sync + 'static) -> FakeLlm {
    FakeLlm::start(script).await.unwrap_or_else(|e| panic!("{e}"))
}

/// Fails the first `n` requests with `fault`, then echoes in upper case.
fn fail_first(n: usize, fault: Reply) -> impl Fn(&FakeRequest) -> Reply {
    move |r| {
        if r.index < n {
            fault.clone()
        } else {
            Reply::text(r.last_user_text().to_uppercase())
        }
    }
}

async fn chat(b: &OpenAiBackend, text: &str) -> Result<chunksynth_llm::ChatResponse, LlmError> {
    b.chat(&request(text)).await
}

#[tokio::test]
async fn answers_with_text_usage_and_sends_the_key_only_in_the_header() {
    let fake = start(|r| Reply::text(r.last_user_text().to_uppercase())).await;
    let b = backend(config(&fake));
    let answer = chat(&b, "hello world").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.text, "HELLO WORLD");
    assert_eq!(answer.finish_reason, FinishReason::Stop);
    assert!(answer.usage.prompt_tokens > 0 && answer.usage.completion_tokens > 0);
    assert_eq!(answer.endpoint, fake.base_url());
    let seen = fake.requests();
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(seen[0].body["model"], "fake-model");
    assert_eq!(seen[0].body["stream"], false);
    let s = b.ledger().snapshot();
    assert_eq!((s.total.requests, s.total.attempts), (1, 1));
}

#[tokio::test]
async fn streams_with_usage() {
    let fake = start(|r| Reply::text(format!("streamed: {}", r.last_user_text()))).await;
    let mut c = config(&fake);
    c.streaming = true;
    let b = backend(c);
    let answer = chat(&b, "日本語も大丈夫").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.text, "streamed: 日本語も大丈夫");
    assert!(answer.usage.completion_tokens > 0, "usage from the last event");
    assert_eq!(fake.requests()[0].body["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let fake = start(fail_first(1, Reply::rate_limited("0.2"))).await;
    let b = backend(config(&fake));
    let started = Instant::now();
    let answer = chat(&b, "x").await;
    assert_eq!(answer.map(|a| a.text), Ok("X".to_owned()));
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "Retry-After honoured"
    );
    let s = b.ledger().snapshot();
    assert_eq!(s.total.retries_by_kind.get(&ErrorKind::RateLimited), Some(&1));
    assert_eq!(fake.request_count(), 2);
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
    assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
    let soon = httpdate_in(Duration::from_secs(30));
    let parsed = parse_retry_after(&soon).map_or(0, |d| d.as_secs());
    assert!((28..=30).contains(&parsed), "{parsed}");
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon"), None);
    // What a broken server may send never panics and never waits past a day.
    assert_eq!(parse_retry_after("1e20"), Some(Duration::from_secs(86_400)));
    assert_eq!(parse_retry_after("inf"), Some(Duration::from_secs(86_400)));
    assert_eq!(parse_retry_after("-3"), None);
    assert_eq!(parse_retry_after("NaN"), None);
}

fn httpdate_in(d: Duration) -> String {
    // RFC 7231 IMF-fixdate, built by hand to avoid a test-only dependency.
    let t = std::time::SystemTime::now() + d;
    let secs = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let (h, m, s) = ((secs % 86_400) / 3600, (secs % 3600) / 60, secs % 60);
    // Civil-from-days (Howard Hinnant).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!("{weekday}, {day:02} {mon} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn server_errors_drops_malformed_and_empty_bodies_are_retried() {
    for fault in [
        Reply::status(500, "oops"),
        Reply::status(503, "{\"error\":{\"message\":\"overloaded\",\"code\":503}}"),
        Reply::status(408, "timeout"),
        Reply::Drop,
        Reply::Raw("{not json".to_owned()),
        Reply::EmptyBody,
        Reply::text(""),
        Reply::Cut("half".to_owned()),
    ] {
        let fake = start(fail_first(2, fault.clone())).await;
        let b = backend(config(&fake));
        let answer = chat(&b, "ok").await;
        assert_eq!(answer.map(|a| a.text), Ok("OK".to_owned()), "after {fault:?}");
        assert_eq!(fake.request_count(), 3, "{fault:?}");
    }
}

#[tokio::test]
async fn each_fault_has_its_class_when_retries_run_out() {
    let cases: Vec<(Reply, ErrorKind)> = vec![
        (Reply::status(502, "bad gateway"), ErrorKind::Transient),
        (Reply::rate_limited("0"), ErrorKind::RateLimited),
        (Reply::Raw("<html>oops</html>".to_owned()), ErrorKind::Malformed),
        (Reply::EmptyBody, ErrorKind::Malformed),
        (Reply::text("  "), ErrorKind::Empty),
        (Reply::Drop, ErrorKind::Transient),
    ];
    for (fault, kind) in cases {
        let fake = start(move |_| fault.clone()).await;
        let mut c = config(&fake);
        c.retry.max_retries = 1;
        let b = backend(c);
        let err = chat(&b, "x").await.err();
        assert_eq!(err.as_ref().map(|e| e.kind), Some(kind), "{err:?}");
        assert_eq!(fake.request_count(), 2);
        let s = b.ledger().snapshot();
        assert_eq!(s.total.failures_by_kind.get(&kind), Some(&1));
    }
}

#[tokio::test]
async fn client_errors_fail_fast_with_the_servers_message() {
    let cases = vec![
        (
            Reply::error(400, "temperature must be <= 2", "invalid_value"),
            ErrorKind::BadRequest,
            "temperature must be",
        ),
        (
            Reply::error(
                401,
                "Incorrect API key provided: sk-test-SECRET-7f3a9",
                "invalid_api_key",
            ),
            ErrorKind::Auth,
            "LLM_API_KEY",
        ),
        (
            Reply::error(403, "forbidden", "forbidden"),
            ErrorKind::Auth,
            "forbidden",
        ),
        (
            Reply::error(404, "The model `nope` does not exist", "model_not_found"),
            ErrorKind::InvalidModel,
            "LLM_MODEL",
        ),
        (
            Reply::error(
                400,
                "This model's maximum context length is 8192 tokens",
                "context_length_exceeded",
            ),
            ErrorKind::ContextTooLong,
            "maximum context length",
        ),
        (
            Reply::status(
                400,
                "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":5000,\"n_ctx\":4096}}",
            ),
            ErrorKind::ContextTooLong,
            "available context size",
        ),
    ];
    for (fault, kind, needle) in cases {
        let fake = start(move |_| fault.clone()).await;
        let b = backend(config(&fake));
        let err = chat(&b, "x")
            .await
            .err()
            .unwrap_or_else(|| panic!("expected {kind:?}"));
        assert_eq!(err.kind, kind, "{err}");
        assert!(err.message.contains(needle), "{err}");
        assert!(!err.to_string().contains(KEY), "the key leaked: {err}");
        assert_eq!(fake.request_count(), 1, "{kind:?} must not be retried");
    }
}

#[tokio::test]
async fn truncation_is_reported_with_the_partial_text() {
    let fake = start(|_| Reply::Finish {
        text: "cut here".into(),
        finish_reason: "length".into(),
    })
    .await;
    let b = backend(config(&fake));
    let answer = chat(&b, "x").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.finish_reason, FinishReason::Length);
    let err = answer.complete().err();
    assert_eq!(
        err.map(|e| (e.kind, e.partial_text)),
        Some((ErrorKind::Truncated, Some("cut here".into())))
    );
}

#[tokio::test]
async fn a_stream_cut_before_done_is_an_error_not_a_short_answer() {
    let fake = start(|_| Reply::Cut("this answer never finishes".into())).await;
    let mut c = config(&fake);
    c.streaming = true;
    c.retry.max_retries = 0;
    let b = backend(c);
    let err = chat(&b, "x")
        .await
        .err()
        .unwrap_or_else(|| panic!("a cut stream must fail"));
    assert_eq!(err.kind, ErrorKind::Malformed, "{err}");
    assert!(err.message.contains("[DONE]"), "{err}");
    assert!(err.partial_text.is_some_and(|p| !p.is_empty()));
}

#[tokio::test]
async fn no_request_hangs_forever() {
    let fake = start(|_| Reply::Hang).await;
    let mut c = config(&fake);
    c.timeouts.request = Duration::from_millis(300);
    c.retry.max_retries = 1;
    let b = backend(c);
    let started = Instant::now();
    let err = chat(&b, "x").await.err();
    assert_eq!(
        err.as_ref().map(|e| e.kind),
        Some(ErrorKind::Transient),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn a_stalled_stream_times_out() {
    let fake = start(|_| Reply::Hang).await;
    let mut c = config(&fake);
    c.streaming = true;
    c.timeouts.request = Duration::from_millis(400);
    c.retry.max_retries = 0;
    let b = backend(c);
    assert_eq!(
        chat(&b, "x").await.err().map(|e| e.kind),
        Some(ErrorKind::Transient)
    );
}

#[tokio::test]
async fn odd_but_valid_provider_answers_are_read() {
    let body = r#"{"choices":[{"message":{"role":"assistant","content":"fine","reasoning_content":"hmm"},"finish_reason":"eos","native_finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1.0,"prompt_cache_hit_tokens":2},"service_tier":"flex-unknown","system_fingerprint":null}"#;
    let fake = start(move |_| Reply::Raw(body.to_owned())).await;
    let b = backend(config(&fake));
    let answer = chat(&b, "x").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.text, "fine");
    assert_eq!(answer.finish_reason, FinishReason::Stop);
    assert_eq!(
        (
            answer.usage.prompt_tokens,
            answer.usage.completion_tokens,
            answer.usage.cached_tokens
        ),
        (3, 1, 2)
    );
    // OpenRouter: an upstream error inside a 200 body, with a numeric code.
    let fake = start(fail_first(
        1,
        Reply::Raw(r#"{"error":{"code":502,"message":"upstream failed"}}"#.into()),
    ))
    .await;
    let b = backend(config(&fake));
    assert_eq!(chat(&b, "y").await.map(|a| a.text), Ok("Y".to_owned()));
}

#[tokio::test]
async fn an_unknown_model_fails_fast_naming_llm_model() {
    let options = FakeOptions {
        models: vec!["real-model".into(), "other-model".into()],
        ..FakeOptions::default()
    };
    let fake = FakeLlm::start_with(options, |_| Reply::text("x"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let b = backend(config(&fake));
    let err = b
        .check_model()
        .await
        .err()
        .unwrap_or_else(|| panic!("fake-model is not listed"));
    assert_eq!(err.kind, ErrorKind::InvalidModel);
    assert!(
        err.message.contains("LLM_MODEL") && err.message.contains("real-model"),
        "{err}"
    );
    let mut c = config(&fake);
    c.model = "real-model".into();
    assert_eq!(backend(c).check_model().await, Ok(()));
}

#[tokio::test]
async fn a_rejected_key_fails_the_model_check_without_echoing_the_key() {
    let options = FakeOptions {
        models_error: Some((
            401,
            format!("{{\"error\": {{\"message\": \"invalid key {KEY}\"}}}}"),
        )),
        ..FakeOptions::default()
    };
    let fake = FakeLlm::start_with(options, |_| Reply::text("x"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let err = backend(config(&fake))
        .check_model()
        .await
        .err()
        .unwrap_or_else(|| panic!("a 401 must fail"));
    assert_eq!(err.kind, ErrorKind::Auth);
    assert!(!err.to_string().contains(KEY), "{err}");
    assert!(
        err.message.contains("<redacted>") && err.message.contains("LLM_API_KEY"),
        "{err}"
    );
}

#[test]
fn configuration_errors_name_what_to_set() {
    let missing_key = BackendConfig::from_lookup(|_| None)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        missing_key.contains("LLM_API_KEY") && missing_key.contains("openrouter.ai"),
        "{missing_key}"
    );
    let local = BackendConfig::from_lookup(|name| {
        (name == "LLM_BASE_URL").then(|| "http://127.0.0.1:8080/v1/".into())
    });
    let local = local.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(local.endpoints[0].base_url, "http://127.0.0.1:8080/v1");
    assert_eq!(local.model, "stepfun/step-3.5-flash:free");
    let bad = BackendConfig::new("ftp://x", None, "m")
        .validate()
        .err()
        .map(|e| e.kind);
    assert_eq!(bad, Some(ErrorKind::Config));
    assert!(EndpointConfig::new("http://localhost:1/v1", None).is_loopback());
    assert!(EndpointConfig::new("http://[::1]:8000/v1", None).is_loopback());
    assert!(!EndpointConfig::new("https://127.example.com/v1", None).is_loopback());
}

#[test]
fn the_key_never_prints() {
    let c = BackendConfig::new("https://api.example.com/v1", Some(ApiKey::new(KEY)), "m");
    let shown = format!("{c:?} {}", ApiKey::new(KEY));
    assert!(!shown.contains(KEY), "{shown}");
    let b = backend(c);
    assert!(!format!("{b:?}").contains(KEY));
}

#[tokio::test]
async fn the_in_flight_cap_holds_halves_on_rate_limits_and_recovers() {
    let fake = start(|r| {
        if r.index < 8 {
            Reply::rate_limited("0")
        } else {
            Reply::Delayed(Duration::from_millis(20), Box::new(Reply::text("ok")))
        }
    })
    .await;
    let mut c = config(&fake);
    c.limits.max_in_flight = 4;
    c.retry.max_retries = 0;
    let b = Arc::new(backend(c));
    let burst: Vec<_> = (0..8)
        .map(|i| {
            let b = b.clone();
            tokio::spawn(async move { b.chat(&request(&format!("r{i}"))).await })
        })
        .collect();
    for t in burst {
        assert!(matches!(
            t.await,
            Ok(Err(LlmError {
                kind: ErrorKind::RateLimited,
                ..
            }))
        ));
    }
    // A burst of 429s from one window halves the cap once, not eight times.
    assert_eq!(b.current_in_flight_limit(), 2.0);
    let wave: Vec<_> = (0..16)
        .map(|i| {
            let b = b.clone();
            tokio::spawn(async move { b.chat(&request(&format!("s{i}"))).await })
        })
        .collect();
    for t in wave {
        assert!(matches!(t.await, Ok(Ok(_))));
    }
    assert!(
        fake.max_in_flight() <= 4,
        "max in flight {}",
        fake.max_in_flight()
    );
    let recovered = b.current_in_flight_limit();
    assert!(
        recovered > 2.0 && recovered <= 4.0,
        "additive recovery: {recovered}"
    );
}

#[tokio::test]
async fn queued_calls_go_by_priority_then_arrival_and_a_cancelled_wait_frees_its_slot() {
    let fake = start(|r| {
        let ms = if r.last_user_text() == "block" { 150 } else { 5 };
        Reply::Delayed(Duration::from_millis(ms), Box::new(Reply::text("ok")))
    })
    .await;
    let mut c = config(&fake);
    c.limits.max_in_flight = 1;
    let b = Arc::new(backend(c));
    let send = |text: &str, priority: u32| {
        let b = b.clone();
        let mut r = request(text);
        r.metadata.priority = priority;
        tokio::spawn(async move { b.chat(&r).await })
    };
    let blocker = send("block", 0);
    tokio::time::sleep(Duration::from_millis(40)).await;
    let mut queued = Vec::new();
    for (text, priority) in [("p1", 1), ("p5a", 5), ("gone", 9), ("p3", 3), ("p5b", 5)] {
        queued.push((text, send(text, priority)));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The highest-priority waiter gives up before the slot frees.
    let gone = queued.remove(2).1;
    gone.abort();
    assert!(matches!(blocker.await, Ok(Ok(_))));
    for (_, t) in queued {
        assert!(matches!(t.await, Ok(Ok(_))));
    }
    let order: Vec<String> = fake.requests().iter().map(|r| r.last_user_text()).collect();
    assert_eq!(order, ["block", "p5a", "p5b", "p3", "p1"]);
    // No slot leaked: with a cap of 1, one more call still goes through.
    let more = tokio::time::timeout(Duration::from_secs(5), b.chat(&request("after"))).await;
    assert!(matches!(more, Ok(Ok(_))), "{more:?}");
}

#[tokio::test]
async fn the_priority_goes_to_the_server_only_when_asked() {
    let fake = start(|_| Reply::text("ok")).await;
    for send in [false, true] {
        let mut c = config(&fake);
        c.server_priority = send;
        let b = backend(c);
        let mut r = request("x");
        r.metadata.priority = 7;
        assert!(b.chat(&r).await.is_ok());
    }
    let sent: Vec<serde_json::Value> = fake
        .requests()
        .iter()
        .map(|r| r.body["priority"].clone())
        .collect();
    // vLLM serves lower values first.
    assert_eq!(sent, [serde_json::Value::Null, serde_json::json!(-7)]);
}

#[tokio::test]
async fn the_pool_routes_around_a_failing_endpoint() {
    let good = start(|_| Reply::text("good")).await;
    let bad = start(|_| Reply::status(503, "down")).await;
    let mut c = config(&good);
    c.endpoints = vec![
        EndpointConfig::new(bad.base_url(), Some(ApiKey::new(KEY))),
        EndpointConfig::new(good.base_url(), Some(ApiKey::new(KEY))),
    ];
    c.limits.endpoint_cooldown = Duration::from_secs(30);
    let b = backend(c);
    for i in 0..10 {
        assert_eq!(
            chat(&b, &format!("{i}")).await.map(|a| a.text),
            Ok("good".to_owned())
        );
    }
    assert!(
        bad.request_count() <= 1,
        "ejected after its first failure: {}",
        bad.request_count()
    );
    assert_eq!(good.request_count(), 10);
}

#[tokio::test]
async fn when_all_endpoints_are_down_requests_wait_then_fail() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let bad = start(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
        Reply::status(500, "down")
    })
    .await;
    let mut c = config(&bad);
    // A closed port: connection refused.
    c.endpoints.push(EndpointConfig::new(
        "http://127.0.0.1:9/v1",
        Some(ApiKey::new(KEY)),
    ));
    c.limits.endpoint_cooldown = Duration::from_millis(100);
    c.limits.max_wait_for_endpoint = Duration::from_millis(50);
    c.retry.max_retries = 4;
    let b = backend(c);
    let err = chat(&b, "x").await.err();
    assert_eq!(
        err.as_ref().map(|e| e.kind),
        Some(ErrorKind::Transient),
        "{err:?}"
    );
    assert!(calls.load(Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn a_key_echoed_across_the_message_cut_is_redacted_whole() {
    // The key starts just before where the message is cut: cutting first
    // would leave a prefix of it that no longer matches the whole key.
    for filler in [490, 595, 598] {
        let body = format!("{} {KEY} and more text after it", "x".repeat(filler));
        let fake = start(move |_| Reply::status(400, body.clone())).await;
        let mut c = config(&fake);
        c.retry.max_retries = 0;
        let err = chat(&backend(c), "x")
            .await
            .err()
            .unwrap_or_else(|| panic!("a 400 must fail"));
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(&KEY[..6]),
            "a key prefix leaked at {filler}: {shown}"
        );
        assert!(err.message.chars().count() <= 601, "{}", err.message.len());
    }
}
