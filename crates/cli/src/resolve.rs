//! Settings resolved once: flags over the environment over the config file,
//! then the backend's configuration, prices and sampling built from them.

use super::*;

/// The flags' settings (`None` where a flag was not given).
pub(crate) fn flag_settings(m: &ModelArgs) -> Settings {
    Settings {
        model: m.model.clone(),
        base_urls: (!m.base_urls.is_empty()).then(|| m.base_urls.clone()),
        temperature: m.temperature,
        top_p: m.top_p,
        max_new_tokens: m.max_new_tokens,
        max_in_flight: m.max_in_flight,
        max_retries: m.max_retries,
        stream: m.stream.then_some(true),
        server_priority: m.server_priority.then_some(true),
        price_input: m.price_input,
        price_output: m.price_output,
        ..Settings::default()
    }
}

/// The settings of a run: `flags` over the environment over the file.
pub(crate) fn resolve(flags: Settings, file: &Settings) -> Settings {
    flags.combine(Settings::from_env()).combine(file.clone())
}

/// The model ID, or the default.
pub(crate) fn resolve_model(s: &Settings) -> String {
    s.model.clone().unwrap_or_else(|| env::DEFAULT_MODEL.to_owned())
}

pub(crate) fn backend_config(m: &ModelArgs, s: &Settings) -> Result<BackendConfig> {
    let model = resolve_model(s);
    let urls: Vec<String> = s
        .base_urls
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| vec![env::DEFAULT_BASE_URL.to_owned()]);
    let key = config::env_var(env::API_KEY).map(ApiKey::new);
    let mut config = BackendConfig::new(urls[0].clone(), key.clone(), model);
    config.endpoints = urls
        .iter()
        .map(|u| EndpointConfig::new(u.clone(), key.clone()))
        .collect();
    if let Some(n) = s.max_in_flight {
        config.limits.max_in_flight = n;
    }
    if let Some(n) = s.max_retries {
        config.retry.max_retries = n;
    }
    // Sending a key over plain http is a decision for the command line.
    config.allow_insecure_http = m.allow_insecure_http;
    config.streaming = s.stream.unwrap_or(false);
    config.server_priority = s.server_priority.unwrap_or(false);
    config.validate()?;
    Ok(config)
}

pub(crate) fn prices(s: &Settings) -> PriceTable {
    let mut table = PriceTable::default();
    if let (Some(i), Some(o)) = (s.price_input, s.price_output) {
        table.models.insert(
            "*".into(),
            Price {
                input_per_million: i,
                output_per_million: o,
                cached_input_per_million: None,
            },
        );
    }
    table
}

pub(crate) fn sampling(s: &Settings) -> Sampling {
    Sampling {
        temperature: s.temperature,
        top_p: s.top_p,
        ..Sampling::default()
    }
}
