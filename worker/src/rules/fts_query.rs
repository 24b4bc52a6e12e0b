//! Search text into an SQLite FTS5 query, safely: each word of the user's text becomes a
//! quoted prefix term (`"word"*`), all required, so no character of the input can act as FTS
//! syntax. Matching follows the `unicode61 remove_diacritics 2` tokenizer: case and accents
//! are ignored, words match by prefix ("prew" finds "Préw").

/// The FTS5 query for `keywords`, or `None` when they hold no word.
pub fn fts_query(keywords: &str) -> Option<String> {
    let terms: Vec<String> = keywords
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(16)
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefix_terms_and_syntax_is_inert() {
        assert_eq!(fts_query("Alex"), Some("\"Alex\"*".into()));
        assert_eq!(
            fts_query("  R&D lead "),
            Some("\"R\"* \"D\"* \"lead\"*".into())
        );
        assert_eq!(
            fts_query("a\" OR b NEAR(c) *"),
            Some("\"a\"* \"OR\"* \"b\"* \"NEAR\"* \"c\"*".into())
        );
        assert_eq!(fts_query("Préw Łódź"), Some("\"Préw\"* \"Łódź\"*".into()));
        assert_eq!(fts_query("!!! ()"), None);
        assert_eq!(
            fts_query(&"w ".repeat(40)).unwrap().matches('*').count(),
            16
        );
    }

    /// The split shared with the popup's search (`www/search.js`, `search-rule.test.mjs`).
    #[test]
    fn words_split_as_the_shared_vectors_say() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/search-words.json"))
                .unwrap();
        let vectors = doc["vectors"].as_array().unwrap();
        assert!(vectors.len() > 10);
        for vector in vectors {
            let terms: Vec<String> = vector["words"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| format!("\"{}\"*", w.as_str().unwrap()))
                .collect();
            assert_eq!(
                fts_query(vector["typed"].as_str().unwrap()),
                (!terms.is_empty()).then(|| terms.join(" ")),
                "{}",
                vector["why"]
            );
        }
    }
}
