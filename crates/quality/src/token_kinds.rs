//! What kind of name a single token is, if any: a URL, an address, an
//! item path, an identifier, a command-line option, a file path, an
//! acronym. Read for every word of every text a report checks, so its
//! plain words leave at once.

use crate::lexicon::Lexicons;
use crate::names::NameKind;

/// The kind of name `token` is (`raw` with its surrounding marks, which
/// tell a URL's, an address's and an option's), or `None` for a word.
pub(crate) fn classify_token(raw: &str, token: &str) -> Option<NameKind> {
    // A plain lower-case word (most words) is none of the kinds below: no
    // scheme, `@`, `::`, digit, dash, slash, dot, underscore or capital.
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // Two capitals or more and nothing else (most words of a text in
    // capitals) are an acronym: none of the kinds below but the last takes
    // a word without a small letter, digit or mark, save an address.
    if token.len() >= 2 && token.bytes().all(|b| b.is_ascii_uppercase()) && !raw.contains('@') {
        return Some(NameKind::Acronym);
    }
    // Nor is a word of small letters, or a capital and small letters, with
    // marks around it ("Rust,", "(word)"): only a dash (an option), an `@`
    // (an address) or "www." (a host) could make it one of the kinds below.
    if is_plain_word(token) && !raw.contains(['@', '-']) && !raw.contains("www.") {
        return None;
    }
    // A number glued to its unit (1kWh, 5mg) is a quantity the numbers
    // check reads, not an identifier.
    if token.starts_with(|c: char| c.is_ascii_digit()) && {
        let unit = token.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        !unit.is_empty() && unit.chars().all(char::is_alphabetic) && unit.chars().any(char::is_lowercase)
    } {
        return None;
    }
    let raw_trim = raw.trim_matches(|c: char| matches!(c, '(' | ')' | '<' | '>' | '"' | '\'' | ',' | ';'));
    if raw_trim.starts_with("http://") || raw_trim.starts_with("https://") || raw_trim.starts_with("www.") {
        return Some(NameKind::Url);
    }
    if let Some((user, host)) = raw_trim.split_once('@')
        && !user.is_empty()
        && host.contains('.')
        && user.chars().all(|c| c.is_alphanumeric() || "._%+-".contains(c))
        && host
            .trim_end_matches('.')
            .chars()
            .all(|c| c.is_alphanumeric() || ".-".contains(c))
    {
        return Some(NameKind::Email);
    }
    if token.contains("::") {
        return Some(NameKind::ItemPath);
    }
    // A type or architecture name of letters and digits (`i32`, `u8`,
    // `x86`, `sha256`): changing it changes the fact.
    if (2..=8).contains(&token.len())
        && token.starts_with(|c: char| c.is_ascii_lowercase())
        && token
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && token.chars().any(|c| c.is_ascii_digit())
        && raw_trim.trim_end_matches(['.', ',', ':', ';', ')']) == token
    {
        return Some(NameKind::Identifier);
    }
    // A code of one capital and digits (ICD-10 A30, the GPS signal L1, the
    // timekeeper H4): a changed digit changes what it names.
    if (2..=5).contains(&token.len())
        && token.starts_with(|c: char| c.is_ascii_uppercase())
        && token[1..].bytes().all(|b| b.is_ascii_digit())
    {
        return Some(NameKind::Identifier);
    }
    // A command-line option (`--negotiate`, `--listed-incremental`).
    let option = raw_trim.trim_end_matches(['.', ',', ':', ';']);
    if let Some(name) = option.strip_prefix("--")
        && name.len() >= 2
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Some(NameKind::CommandOption);
    }
    // A one-letter option (`-n`, `-L`): a man page's short options differ
    // by one letter, and swapping them changes the fact.
    if let Some(letter) = option.strip_prefix('-')
        && letter.len() == 1
        && letter.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return Some(NameKind::CommandOption);
    }
    if is_file_path(token) {
        return Some(NameKind::FilePath);
    }
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    if token.contains('_') && letters > 0 && token.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Some(NameKind::Identifier);
    }
    // `CamelCase`, or an acronym run into a word (`GNUmakefile`; a plural
    // acronym, `URLs`, stays an acronym). (Read from the characters as
    // they come: most tokens here are capitalised words, and a list of
    // their characters was a copy each.)
    let mut chars = token.chars();
    let acronym_prefix = token.chars().nth(3).is_some()
        && chars.next().is_some_and(char::is_uppercase)
        && chars.next().is_some_and(char::is_uppercase)
        && token.chars().filter(|c| c.is_lowercase()).count() >= 2;
    let lower_then_upper = token
        .chars()
        .zip(token.chars().skip(1))
        .any(|(a, b)| a.is_lowercase() && b.is_uppercase());
    let camel = (lower_then_upper || acronym_prefix)
        && token.chars().all(char::is_alphanumeric)
        && !is_prefixed_surname(token);
    if camel {
        return Some(NameKind::Identifier);
    }
    let acronym_core = token.strip_suffix('s').unwrap_or(token);
    // Standards are acronyms with marks inside: PKCS#12, UTF-8, X.509.
    if letters >= 2
        && acronym_core
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '#' | '-' | '.'))
        && acronym_core.chars().filter(|c| c.is_uppercase()).count() >= 2
    {
        return Some(NameKind::Acronym);
    }
    None
}

/// A capital or small ASCII letter, then small ones only ("word", "Rust").
fn is_plain_word(token: &str) -> bool {
    let mut bytes = token.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) && bytes.all(|b| b.is_ascii_lowercase())
}

fn is_file_path(token: &str) -> bool {
    // Neither a slash nor a dot: no path, no file name (every test below
    // needs one).
    if !token.contains(['/', '.']) {
        return false;
    }
    // "408/429/500" lists numbers; a path names something.
    if !token.chars().any(char::is_alphabetic) {
        return false;
    }
    // "K/M/G", "N/E/S/W": single letters or signs in a row list them.
    if token.split('/').all(|s| s.chars().count() <= 1) {
        return false;
    }
    let segments = || token.split('/');
    if segments().nth(1).is_some()
        && segments().filter(|s| !s.is_empty()).count() >= 2
        && segments().all(|s| s.chars().all(|c| c.is_alphanumeric() || "._-~".contains(c)))
    {
        return true;
    }
    if let Some((stem, ext)) = token.rsplit_once('.') {
        return stem.chars().count() >= 2
            && stem.chars().all(|c| c.is_alphanumeric() || "_-".contains(c))
            && Lexicons::for_text(ext, None).has_word(|l| l.file_extensions, ext);
    }
    false
}

/// Whether `word` is a surname written with a prefix before its capital
/// (LaGuardia, McHardy: the lexicons' `surname_prefixes`), the rest in
/// small letters.
pub(crate) fn is_prefixed_surname(word: &str) -> bool {
    crate::lexicon::Lexicons::for_text(word, None)
        .words(|l| l.surname_prefixes)
        .any(|prefix| {
            word.strip_prefix(prefix).is_some_and(|rest| {
                let mut chars = rest.chars();
                chars.next().is_some_and(char::is_uppercase)
                    && rest.chars().count() >= 3
                    && chars.all(char::is_lowercase)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::{NameKind, classify_token};

    /// The two early exits (a plain lower-case word; a word of capitals) say
    /// what the full reading says: an upper-cased text's words are
    /// acronyms, an address or a dashed word is not taken early.
    #[test]
    fn the_early_exits_agree_with_the_full_reading() {
        assert_eq!(classify_token("NASA", "NASA"), Some(NameKind::Acronym));
        assert_eq!(classify_token("(USSR),", "USSR"), Some(NameKind::Acronym));
        assert_eq!(classify_token("word", "word"), None);
        // One capital is no acronym; an address in capitals is an address.
        assert_ne!(classify_token("A", "A"), Some(NameKind::Acronym));
        assert_eq!(
            classify_token("ADMIN@EXAMPLE.ORG", "ADMIN@EXAMPLE.ORG"),
            Some(NameKind::Email)
        );
        // A word with a dash goes the long way (an option).
        assert_eq!(
            classify_token("--verbose", "--verbose"),
            Some(NameKind::CommandOption)
        );
    }
}
