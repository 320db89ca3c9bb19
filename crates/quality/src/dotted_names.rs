//! Foreign names written in katakana with a middle dot
//! (ジェームズ・ラブロック), and dotted runs that list words instead.

/// `ジェームズ・ラブロック`: katakana runs of two or more joined by a
/// middle dot (a foreign name in Japanese). Chinese writes transliterated
/// names with a dot too, but Han characters run on into the sentence, so
/// where such a name ends cannot be told.
pub(crate) fn dotted_cjk_names(text: &str) -> Vec<String> {
    let is_part = crate::words::is_katakana_letter;
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_part(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut parts = 0;
        let mut end;
        loop {
            let part_start = i;
            while i < chars.len() && is_part(chars[i]) {
                i += 1;
            }
            if i - part_start >= 2 {
                parts += 1;
            }
            end = i;
            if i < chars.len()
                && matches!(chars[i], '·' | '・')
                && chars.get(i + 1).is_some_and(|&c| is_part(c))
            {
                i += 1;
                continue;
            }
            break;
        }
        // A run the dot continues with a word of Han or hiragana
        // (コマンド・ファイル・設定) lists words: names are all katakana.
        let is_dot = |c: char| matches!(c, '·' | '・');
        let other_word = |c: Option<&char>| c.is_some_and(|&c| crate::text::is_cjk(c) && !is_part(c));
        let list = (chars.get(end).is_some_and(|&c| is_dot(c)) && other_word(chars.get(end + 1)))
            || (start >= 2 && is_dot(chars[start - 1]) && other_word(chars.get(start - 2)));
        let run: String = chars[start..end].iter().collect();
        // A part said twice (ステップ・バイ・ステップ, "step by step") makes
        // a phrase, not a person's names.
        let mut seen: Vec<&str> = Vec::new();
        let repeats = run.split(['·', '・']).any(|part| {
            let again = seen.contains(&part);
            seen.push(part);
            again
        });
        if parts >= 2 && !repeats && !list {
            out.push(run);
        }
    }
    out
}

/// Whether the dotted run `name` lists what the source names, as the dot
/// joins a list too: each part a word of `source` (ファイル・ネットワーク)
/// or, where a part belongs to one of the source's dotted names `known`,
/// that name's family name (チャルフィー・チェン for マーティン・チャルフィー
/// and ロジャー・チェン). A given name with another's family name (マーティ
/// ン・チェン) is no list.
pub(crate) fn lists_what_the_source_names(name: &str, source: &str, known: &[String]) -> bool {
    let parts_of = |n: &String| n.split(['·', '・']).map(str::to_owned).collect::<Vec<_>>();
    name.split(['·', '・']).all(|part| {
        let in_names: Vec<Vec<String>> = known
            .iter()
            .map(parts_of)
            .filter(|p| p.iter().any(|q| q == part))
            .collect();
        if in_names.is_empty() {
            source.contains(part)
        } else {
            in_names.iter().any(|p| p.last().is_some_and(|f| f == part))
        }
    })
}
