//! CJK names that a name suffix marks (江西省, 姫路市, 法隆寺): Chinese
//! and Japanese write names without capitals, so a suffix of the lexicon's
//! is the one sign of a place, an office or a dynasty that can be read
//! without a dictionary.

use crate::lexicon::Lexicons;
use crate::text::is_cjk;
use crate::words::is_kana;

/// CJK place, office and dynasty names: two ideographs before a name
/// suffix of `lex` (one before 朝), none of them a function character,
/// kana or numeral.
pub(crate) fn place_names(text: &str, lex: Lexicons) -> Vec<String> {
    if lex.iter().all(|l| l.name_suffixes.is_empty()) {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    // Numerals are Chinese characters in Japanese text too.
    let numerals = Lexicons::for_text(text, None);
    let ideograph = |c: char| name_ideograph(c, lex, numerals);
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        // The suffix begins a word of its own here (朝代).
        let begins_word = |w: &&str| chars[i..].iter().take(w.chars().count()).copied().eq(w.chars());
        // The suffix is a character of a common noun here (会社, 都道府県).
        let in_common_noun = |w: &&str| {
            let word: Vec<char> = w.chars().collect();
            word.iter().enumerate().any(|(k, &wc)| {
                wc == c
                    && i >= k
                    && chars
                        .get(i - k..i - k + word.len())
                        .is_some_and(|run| run == word.as_slice())
            })
        };
        if !lex.has_char(|l| l.name_suffixes, c)
            || lex.words(|l| l.name_suffix_words).any(|w| begins_word(&w))
            || lex.words(|l| l.suffixed_common_nouns).any(|w| in_common_noun(&w))
        {
            continue;
        }
        let stem = if lex.has_char(|l| l.one_ideograph_name_suffixes, c) {
            1
        } else {
            2
        };
        if i >= stem && chars[i - stem..i].iter().all(|&d| ideograph(d)) {
            let name: String = chars[i - stem..=i].iter().collect();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Whether `c` may be part of a name read with `lex`: an ideograph, not
/// kana, a function character or a numeral of `numerals`.
pub(crate) fn name_ideograph(c: char, lex: Lexicons, numerals: Lexicons) -> bool {
    is_cjk(c)
        && !is_kana(c)
        && !lex.has_char(|l| l.function_chars, c)
        && !numerals.has_char(|l| l.numeral_chars, c)
}

/// The source's suffix-marked names (Japanese text, with kana, read with
/// the Japanese suffixes, Chinese with the Chinese ones), each with whether
/// the rewrite has it in some form: the name (姫路市) or its stem (姫路).
pub(crate) fn place_names_kept(source: &str, rewrite: &str) -> Vec<(String, bool)> {
    let language = if source.chars().any(is_kana) { "ja" } else { "zh" };
    let lex = Lexicons::for_text(source, Some(language));
    let numerals = Lexicons::for_text(rewrite, None);
    place_names(source, lex)
        .into_iter()
        .map(|name| {
            let stem: String = name.chars().take(name.chars().count() - 1).collect();
            // Read with a character of the word before it (滞留广州: 留广州),
            // the name is kept without it (在广州), not inside another (南京市
            // does not keep 北京市).
            let shorter: String = name.chars().skip(1).collect();
            let kept_shorter = shorter.chars().count() >= 2
                && rewrite.match_indices(shorter.as_str()).any(|(at, _)| {
                    !rewrite[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| name_ideograph(c, lex, numerals))
                });
            let kept = rewrite.contains(name.as_str()) || rewrite.contains(&stem) || kept_shorter;
            (name, kept)
        })
        .collect()
}

/// The source's suffix-marked names a rewrite has in no form.
#[cfg(test)]
fn missing_place_names(source: &str, rewrite: &str) -> Vec<String> {
    place_names_kept(source, rewrite)
        .into_iter()
        .filter_map(|(name, kept)| (!kept).then_some(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::missing_place_names;

    #[test]
    fn a_suffix_marked_name_is_kept_by_itself_or_its_stem() {
        let source = "2007年8月16日、岐阜県多治見市で40.9℃を記録した。";
        assert!(missing_place_names(source, "2007年8月16日、岐阜県の多治見で40.9℃が観測された。").is_empty());
        assert_eq!(
            missing_place_names(source, "2007年8月16日、山形県山形市で40.9℃を記録した。"),
            // Two ideographs before the suffix: enough to tell a name
            // kept from one changed.
            ["岐阜県", "治見市"]
        );
        // Chinese is read with the Chinese suffixes: 道 names nothing there.
        let source = "南水北调中线工程从河南省引水，终点在北京市，徐光宪提出理论。";
        assert_eq!(
            missing_place_names(source, "中线工程从河南省引水，终点在天津市。"),
            ["北京市"]
        );
        assert!(missing_place_names(source, "中线从河南引水，终点北京。").is_empty());
        // A name read with the word before it is kept without it.
        let source = "数十万旅客滞留广州火车站。";
        assert!(missing_place_names(source, "数十万旅客滞留在广州火车站。").is_empty());
        assert_eq!(
            missing_place_names(source, "数十万旅客滞留在杭州火车站。"),
            ["留广州"]
        );
        // …after a preposition too (将, as 把).
        assert!(missing_place_names("书中称杭州为天城。", "书中将杭州称为天城。").is_empty());
        // Prefectures as a kind (都道府県) name none of them.
        assert!(missing_place_names("都道府県知事が漁業を許可する。", "知事が許可する。").is_empty());
        // Nor "both prefectures" after two names (愛知・三重両県).
        assert!(
            missing_place_names(
                "被害は愛知・三重両県を中心に及んだ。",
                "被害の中心は愛知県・三重県。"
            )
            .is_empty()
        );
        // A company's kind (株式会社) is no name.
        assert!(missing_place_names("1973年に株式会社ツクダから発売。", "1973年にツクダが発売。").is_empty());
    }
}
