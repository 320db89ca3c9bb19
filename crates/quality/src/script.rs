//! Writing systems, to catch a rewrite in the wrong script or language.

use serde::{Deserialize, Serialize};

/// A writing system, as far as fidelity needs to tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Greek letters.
    Greek,
    /// Chinese characters (also used in Japanese).
    Han,
    /// Japanese kana.
    Kana,
    /// Korean Hangul.
    Hangul,
    /// Arabic letters.
    Arabic,
    /// Hebrew letters.
    Hebrew,
    /// Devanagari.
    Devanagari,
    /// Thai.
    Thai,
    /// Any other letters.
    Other,
}

impl Script {
    /// Every script, in declaration order (`Other` stays last: the
    /// assertion below holds the list to the enum).
    const ALL: [Script; Script::Other as usize + 1] = [
        Script::Latin,
        Script::Cyrillic,
        Script::Greek,
        Script::Han,
        Script::Kana,
        Script::Hangul,
        Script::Arabic,
        Script::Hebrew,
        Script::Devanagari,
        Script::Thai,
        Script::Other,
    ];

    /// The script of a letter; `None` for anything not a letter.
    pub fn of(c: char) -> Option<Script> {
        c.is_alphabetic().then(|| Self::of_letter(c))
    }

    /// The script `c` belongs to if it is a letter, by its code point alone.
    /// `is_alphabetic` is a table search for anything outside ASCII; a scan
    /// that only needs the scripts present asks it once per new script
    /// (`Lexicons::for_text`), not once per character.
    pub(crate) fn of_letter(c: char) -> Script {
        match c as u32 {
            0x0041..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
            0x0400..=0x052F => Script::Cyrillic,
            0x0590..=0x05FF => Script::Hebrew,
            0x0600..=0x06FF | 0x0750..=0x077F => Script::Arabic,
            0x0900..=0x097F => Script::Devanagari,
            0x0E00..=0x0E7F => Script::Thai,
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => Script::Kana,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            0x2E80..=0x2FDF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => {
                Script::Han
            }
            _ => Script::Other,
        }
    }

    /// Japanese mixes kana and Han; count them as one family.
    pub(crate) fn family(self) -> Script {
        match self {
            Script::Kana => Script::Han,
            s => s,
        }
    }
}

// `Script::ALL` lists each script at its own index (checked when compiled):
// `script_shares` counts into an array by it.
const _: () = {
    let mut i = 0;
    while i < Script::ALL.len() {
        assert!(Script::ALL[i] as usize == i);
        i += 1;
    }
};

/// Share of letters per script family, largest first.
pub fn script_shares(text: &str) -> Vec<(Script, f64)> {
    // Counted per family in declaration order (`Script`'s `Ord`), so ties
    // keep that order after the stable sort.
    let mut counts = [0usize; Script::ALL.len()];
    let mut total = 0usize;
    for c in text.chars() {
        if let Some(s) = Script::of(c) {
            counts[s.family() as usize] += 1;
            total += 1;
        }
    }
    let mut shares: Vec<(Script, f64)> = Script::ALL
        .into_iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| (s, n as f64 / total.max(1) as f64))
        .collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1));
    shares
}

/// The script family most letters of `text` are in, if it has letters.
pub fn dominant_script(text: &str) -> Option<Script> {
    script_shares(text).first().map(|&(s, _)| s)
}

/// The share of `text`'s letters that are in `script`'s family.
pub fn share_of(text: &str, script: Script) -> f64 {
    script_shares(text)
        .into_iter()
        .find(|&(s, _)| s == script.family())
        .map_or(0.0, |(_, share)| share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominant_scripts() {
        assert_eq!(dominant_script("Hello, мир world"), Some(Script::Latin));
        assert_eq!(dominant_script("Привет, мир"), Some(Script::Cyrillic));
        assert_eq!(dominant_script("マニュアルページを検索する"), Some(Script::Han));
        assert_eq!(dominant_script("123 !!"), None);
        assert!((share_of("ab中文", Script::Latin) - 0.5).abs() < 1e-9);
    }
}
