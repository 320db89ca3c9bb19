//! Settings resolved once: flags, the environment and the optional
//! `--config` TOML file each give a [`Settings`]; one `combine` merges
//! them (flags over environment over file). Unknown keys in the file are
//! an error naming the key.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

/// Every setting a source can give, each optional: the command-line flags,
/// the environment and the config file each fill one (uv's way), and
/// [`Settings::combine`] merges them field by field — flags over
/// environment over file. Defaults come after, where each setting is used.
/// The TOML keys are the field names; unknown keys are refused.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    pub model: Option<String>,
    pub base_urls: Option<Vec<String>>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub max_new_tokens: Option<u32>,
    pub max_in_flight: Option<usize>,
    pub max_retries: Option<u32>,
    pub stream: Option<bool>,
    pub server_priority: Option<bool>,
    pub price_input: Option<f64>,
    pub price_output: Option<f64>,
    pub concurrency: Option<usize>,
    pub styles: Option<Vec<String>>,
    pub chunk_tokens: Option<usize>,
    pub overlap_tokens: Option<usize>,
    pub prefix_window_tokens: Option<usize>,
    pub window_layout: Option<crate::Layout>,
    pub history_tokens: Option<usize>,
    pub anchor_tokens: Option<usize>,
    pub max_attempts: Option<u32>,
    pub fidelity_threshold: Option<f64>,
    pub max_suspicions: Option<usize>,
    /// `[style_bounds.expert-terse]` `length_band = [0.3, 1.2]`,
    /// `min_content_recall = 0.2`: a style's gate bounds (file only).
    #[serde(default)]
    pub style_bounds: std::collections::BTreeMap<String, StyleBoundsToml>,
}

impl Settings {
    /// `self` where it has a value, `lower` where it has none: the one
    /// place precedence is decided.
    pub(crate) fn combine(self, lower: Settings) -> Settings {
        Settings {
            model: self.model.or(lower.model),
            base_urls: self.base_urls.or(lower.base_urls),
            temperature: self.temperature.or(lower.temperature),
            top_p: self.top_p.or(lower.top_p),
            max_new_tokens: self.max_new_tokens.or(lower.max_new_tokens),
            max_in_flight: self.max_in_flight.or(lower.max_in_flight),
            max_retries: self.max_retries.or(lower.max_retries),
            stream: self.stream.or(lower.stream),
            server_priority: self.server_priority.or(lower.server_priority),
            price_input: self.price_input.or(lower.price_input),
            price_output: self.price_output.or(lower.price_output),
            concurrency: self.concurrency.or(lower.concurrency),
            styles: self.styles.or(lower.styles),
            chunk_tokens: self.chunk_tokens.or(lower.chunk_tokens),
            overlap_tokens: self.overlap_tokens.or(lower.overlap_tokens),
            prefix_window_tokens: self.prefix_window_tokens.or(lower.prefix_window_tokens),
            window_layout: self.window_layout.or(lower.window_layout),
            history_tokens: self.history_tokens.or(lower.history_tokens),
            anchor_tokens: self.anchor_tokens.or(lower.anchor_tokens),
            max_attempts: self.max_attempts.or(lower.max_attempts),
            fidelity_threshold: self.fidelity_threshold.or(lower.fidelity_threshold),
            max_suspicions: self.max_suspicions.or(lower.max_suspicions),
            style_bounds: if self.style_bounds.is_empty() {
                lower.style_bounds
            } else {
                self.style_bounds
            },
        }
    }

    /// What the environment says (`LLM_MODEL`, `LLM_BASE_URL`, a
    /// comma-separated pool); the key is read where it is used, never kept.
    pub(crate) fn from_env() -> Settings {
        Settings {
            model: env_var(chunksynth_llm::env::MODEL),
            base_urls: env_var(chunksynth_llm::env::BASE_URL).map(|urls| {
                urls.split(',')
                    .map(|u| u.trim().to_owned())
                    .filter(|u| !u.is_empty())
                    .collect()
            }),
            ..Settings::default()
        }
    }
}

/// An environment variable's value; set but blank counts as unset.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// One style's bounds in the config file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StyleBoundsToml {
    pub length_band: Option<[f64; 2]>,
    pub min_content_recall: Option<f64>,
    pub min_number_recall: Option<f64>,
}

impl Settings {
    /// The style bounds, checked: a known style, a band with 0 < low < high,
    /// recall floors in [0, 1].
    pub(crate) fn style_bounds(
        &self,
    ) -> Result<std::collections::BTreeMap<String, chunksynth_rephrase::StyleBounds>> {
        let mut out = std::collections::BTreeMap::new();
        for (name, bounds) in &self.style_bounds {
            if chunksynth_prompts::style(name).is_none() {
                return Err(anyhow!(
                    "in the config file: [style_bounds.{name}] names no style; `chunksynth styles` lists them"
                ));
            }
            if let Some([lo, hi]) = bounds.length_band
                && !(lo > 0.0 && lo < hi && hi.is_finite())
            {
                return Err(anyhow!(
                    "in the config file: [style_bounds.{name}] length_band must be [low, high] with 0 < low < high (got [{lo}, {hi}])"
                ));
            }
            for (key, floor) in [
                ("min_content_recall", bounds.min_content_recall),
                ("min_number_recall", bounds.min_number_recall),
            ] {
                if let Some(r) = floor
                    && !(0.0..=1.0).contains(&r)
                {
                    return Err(anyhow!(
                        "in the config file: [style_bounds.{name}] {key} must be between 0 and 1 (got {r})"
                    ));
                }
            }
            out.insert(
                name.clone(),
                chunksynth_rephrase::StyleBounds {
                    length_band: bounds.length_band.map(|[lo, hi]| (lo, hi)),
                    min_content_recall: bounds.min_content_recall,
                    min_number_recall: bounds.min_number_recall,
                },
            );
        }
        Ok(out)
    }
}

impl Settings {
    pub(crate) fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            // Never the offending text: an API key pasted into the file
            // would be printed. The line and what is wrong are enough.
            let line = e
                .span()
                .map(|s| {
                    format!(
                        ", line {}",
                        text[..s.start.min(text.len())].matches('\n').count() + 1
                    )
                })
                .unwrap_or_default();
            anyhow!(
                "in the config file {}{line}: {}",
                path.display(),
                without_quoted(e.message())
            )
        })
    }
}

/// `message` with the text between double quotes (values) blanked out
/// (`invalid type: string "sk-…"` → `invalid type: string "…"`); field
/// names in backticks are kept, they are ours.
fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if inside {
                out.push('…');
            }
            inside = !inside;
            out.push(c);
        } else if !inside {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn the_first_source_that_sets_a_field_wins_and_every_key_parses() {
        let file: Settings = toml::from_str(
            "model = \"file-model\"\nbase_urls = [\"http://a/v1\"]\nconcurrency = 4\nmax_attempts = 2\n\
             fidelity_threshold = 0.8\nanchor_tokens = 64\nmax_new_tokens = 900\nmax_retries = 3\n\
             chunk_tokens = 300\nwindow_layout = \"conversation\"\nstream = true\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let env = Settings {
            model: Some("env-model".into()),
            ..Settings::default()
        };
        let flags = Settings {
            concurrency: Some(16),
            ..Settings::default()
        };
        let s = flags.combine(env).combine(file);
        assert_eq!(s.model.as_deref(), Some("env-model"), "environment over file");
        assert_eq!(s.concurrency, Some(16), "flags over file");
        assert_eq!(s.max_attempts, Some(2), "file where nothing else says");
        assert_eq!(s.base_urls, Some(vec!["http://a/v1".to_owned()]));
        assert_eq!(
            (s.anchor_tokens, s.max_new_tokens, s.max_retries),
            (Some(64), Some(900), Some(3))
        );
        assert_eq!(s.stream, Some(true));
        assert!(
            toml::from_str::<Settings>("concurency = 4\n").is_err(),
            "a misspelt key is refused"
        );
    }
}
