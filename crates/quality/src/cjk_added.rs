//! Names an extract adds in Chinese or Japanese text. An extract carries
//! only its source's names, but CJK names have no capitals to find them
//! by; four forms mark one without a dictionary: a place, office or
//! dynasty suffix (加利福尼亚州, 神奈川県), an organisation's suffix
//! (南开大学, 北陸電力, ヤマハ発動機), a title before a person (化学家舍勒,
//! 校長の小西信八) and a transliterated name's middle dot (尤金·沙利文).
//! Read for extracts only: a restyle that explains adds such names in
//! good outputs (measured: 32 false alarms for 17 catches on the suite's
//! restyles), an extract's faithful outputs did not.

use crate::cjk_names::{name_ideograph, place_names};
use crate::lexicon::Lexicons;
use crate::text::is_cjk;
use crate::words::is_kana;

/// The names `rewrite` (an extract of `source`) has in one of the four
/// forms, with nothing of them in the source.
pub(crate) fn added_in_cjk_extract(source: &str, rewrite: &str) -> Vec<String> {
    let language = if source.chars().any(is_kana) { "ja" } else { "zh" };
    let lex = Lexicons::for_text(source, Some(language));
    let numerals = Lexicons::for_text(rewrite, None);
    // A name's own part: no function character, kana, numeral or counter
    // (哪家公司 "which company", 首座工厂 "the first plant" name none).
    let own = |c: char| {
        name_ideograph(c, lex, numerals)
            && !lex
                .words(|l| l.numeral_measures)
                .any(|m| m.chars().eq(std::iter::once(c)))
    };
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    for suffix in lex.words(|l| l.organisation_suffixes) {
        for (at, _) in rewrite.match_indices(suffix) {
            if let Some(stem) = organisation_stem(&rewrite[..at], own)
                && !source.contains(&stem)
            {
                push(format!("{stem}{suffix}"));
            }
        }
    }
    for name in place_names(rewrite, lex) {
        let chars: Vec<char> = name.chars().collect();
        // Kept by itself, by its stem (姫路 for 姫路市) or without the
        // character before it the reading took (留广州 of 滞留广州).
        let stem: String = chars[..chars.len() - 1].iter().collect();
        let shorter: String = chars[1..].iter().collect();
        if chars
            .iter()
            .all(|&c| own(c) || lex.has_char(|l| l.name_suffixes, c))
            && ![&name, &stem, &shorter]
                .iter()
                .any(|n| source.contains(n.as_str()))
        {
            push(name);
        }
    }
    // A person after a title (化学家舍勒): the two characters after it, or
    // after its link (校长为张国藩), are a name's or the source's words.
    // One finding a person, under the longest title (首任校长, not 校长
    // again).
    let mut persons: Vec<String> = Vec::new();
    for title in lex.words(|l| l.person_titles) {
        for (at, _) in rewrite.match_indices(title) {
            let after = &rewrite[at + title.len()..];
            let after = lex
                .words(|l| l.person_title_links)
                .find_map(|link| after.strip_prefix(link))
                .unwrap_or(after);
            let two: String = after.chars().take(2).collect();
            // (A dotted name is read as one below: 化学家尤金·沙利文.)
            if after.chars().nth(2) == Some('·') {
                continue;
            }
            if two.chars().count() == 2
                && two.chars().all(&own)
                && !source.contains(&two)
                && !persons.contains(&two)
            {
                push(format!("{title}{two}"));
                persons.push(two);
            }
        }
    }
    for name in dotted_han_names(rewrite) {
        if !source.contains(&name) {
            push(name);
        }
    }
    out
}

/// The own part of an organisation's name that ends `before`: a katakana
/// word (ヤマハ発動機) or two ideographs of a name (南开大学).
fn organisation_stem(before: &str, own: impl Fn(char) -> bool) -> Option<String> {
    let word: Vec<char> = before
        .chars()
        .rev()
        .take_while(|&c| crate::words::is_katakana_letter(c))
        .collect();
    if word.len() >= 2 {
        return Some(word.iter().rev().collect());
    }
    let two: Vec<char> = before.chars().rev().take(2).collect();
    (two.len() == 2 && two.iter().all(|&c| own(c))).then(|| two.iter().rev().collect())
}

/// Transliterated names joined by a middle dot (尤金·沙利文): the
/// character before the dot and two after it, enough to tell one name
/// from another (肯·汤普森, 冯·卡门) without taking in the words around.
fn dotted_han_names(text: &str) -> Vec<String> {
    let han = |c: char| is_cjk(c) && !is_kana(c);
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(4)
        .filter(|w| w[1] == '·' && han(w[0]) && han(w[2]) && han(w[3]))
        .map(|w| w.iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::added_in_cjk_extract;

    #[test]
    fn an_organisation_a_place_or_a_transliterated_name_the_source_lacks_is_added() {
        let source = "北洋大学于1895年在天津创办，1951年与河北工学院合并为天津大学。";
        let added = |rewrite: &str| added_in_cjk_extract(source, rewrite);
        assert!(added("1951年，北洋大学与河北工学院合并为天津大学。").is_empty());
        assert_eq!(
            added("1951年，北洋大学与河北工学院、南开大学合并为天津大学。"),
            ["南开大学"]
        );
        // An organisation's kind with a counter or a question word names
        // none; a place suffix read in a common noun (城市) neither.
        assert_eq!(
            added("北洋大学是哪家大学？它是天津的第一座大学，位于城市中心。"),
            Vec::<String>::new()
        );
        assert_eq!(added("北洋大学于1895年在天津市创办。"), Vec::<String>::new());
        assert_eq!(added("北洋大学于1895年在直隶省天津创办。"), ["直隶省"]);
        let source = "1915年，美国康宁公司推出Pyrex。";
        assert_eq!(
            added_in_cjk_extract(
                source,
                "1915年，美国康宁公司推出Pyrex，由化学家尤金·沙利文主持研发。"
            ),
            ["金·沙利"]
        );
        assert!(added_in_cjk_extract("由肯·汤普森编写。", "作者：肯·汤普森。").is_empty());
        // A person after a title, or after its link.
        let source = "1951年与河北工学院合并为天津大学。";
        assert_eq!(
            added_in_cjk_extract(source, "1951年与河北工学院合并为天津大学，首任校长为张国藩。"),
            ["首任校长张国"]
        );
        assert!(added_in_cjk_extract("由化学家舍勒发现。", "化学家舍勒发现了它。").is_empty());
        // Japanese is read with the Japanese suffixes.
        let source = "黒部ダムは関西電力のアーチ式ダムである。";
        assert_eq!(
            added_in_cjk_extract(source, "黒部ダムは関西電力と北陸電力が建設したアーチ式ダム。"),
            ["北陸電力"]
        );
        assert_eq!(
            added_in_cjk_extract(
                "点字は東京盲唖学校で採用された。",
                "点字は東京盲唖学校で校長の小西信八により採用された。"
            ),
            ["校長小西"]
        );
        assert_eq!(
            added_in_cjk_extract(
                "トヨタのLFAを生産した。",
                "ヤマハ発動機と共同開発したLFAを生産した。"
            ),
            ["ヤマハ発動機"]
        );
    }
}
