//! Reading JSON out of a model's answer: one owner for the extraction the
//! plan, state and judge answers all need.

/// The first balanced JSON object in `text` (models wrap JSON in prose or
/// code fences when the endpoint ignores `response_format`).
pub fn extract_json_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..start + i + 1]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::extract_json_object;

    #[test]
    fn the_first_balanced_object_in_prose_or_a_fence() {
        let answer = "Sure:\n```json\n{\"a\": {\"b\": \"}\"}, \"c\": 1}\n```\nDone {x}";
        assert_eq!(
            extract_json_object(answer),
            Some("{\"a\": {\"b\": \"}\"}, \"c\": 1}")
        );
        assert_eq!(extract_json_object("no object"), None);
        assert_eq!(extract_json_object("{\"open\": 1"), None);
    }
}
