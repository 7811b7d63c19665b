//! Plans saved through the wrong code page: UTF-8 read as Windows-1252 (or its Turkish
//! sibling 1254) and saved again, so `→` reads `â†’` and `├──` reads `â”œâ”€â”€`. Each line
//! that turns back into UTF-8 is read as what it was.

use std::borrow::Cow;

/// The code page's characters for the bytes 0x80–0x9F, and the Turkish letters 1254 puts
/// where Latin-1 has others.
const HIGH: &[(char, u8)] = &[
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
    ('Ğ', 0xD0),
    ('İ', 0xDD),
    ('Ş', 0xDE),
    ('ğ', 0xF0),
    ('ı', 0xFD),
    ('ş', 0xFE),
];

fn byte_of(c: char) -> Option<u8> {
    match c as u32 {
        0..=0xFF => Some(c as u32 as u8),
        _ => HIGH.iter().find(|(h, _)| *h == c).map(|(_, b)| *b),
    }
}

/// The line as it was written, when it is a mis-encoded UTF-8 line; else unchanged.
pub(crate) fn repair_line(line: &str) -> Cow<'_, str> {
    if line.is_ascii() {
        return Cow::Borrowed(line);
    }
    let Some(bytes) = line.chars().map(byte_of).collect::<Option<Vec<u8>>>() else {
        return Cow::Borrowed(line);
    };
    // Code pages drop a byte now and then (1252 has no 0x8F): a line that decodes into
    // characters only UTF-8 writes that way, at least as many as it lost, was mis-encoded.
    let text = String::from_utf8_lossy(&bytes);
    let lost = text
        .chars()
        .filter(|c| *c == char::REPLACEMENT_CHARACTER)
        .count();
    let wide = text
        .chars()
        .filter(|c| *c as u32 >= 0x800 && *c != char::REPLACEMENT_CHARACTER)
        .count();
    if wide > 0 && wide >= lost {
        Cow::Owned(text.into_owned())
    } else {
        Cow::Borrowed(line)
    }
}

/// The document with each mis-encoded line repaired.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for piece in text.split_inclusive('\n') {
        let repaired = repair_line(piece);
        changed |= matches!(repaired, Cow::Owned(_));
        out.push_str(&repaired);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mis_encoded_lines_are_read_as_written() {
        assert_eq!(
            repair_line("Orchestrator â†’ Testing Agent"),
            "Orchestrator → Testing Agent"
        );
        assert_eq!(repair_line("â”œâ”€â”€ a.py"), "├── a.py");
        assert_eq!(repair_line("âš\u{a0}ï¸ Risk"), "⚠\u{fffd} Risk");
    }

    #[test]
    fn good_text_stays_as_it_is() {
        assert_eq!(repair_line("Phase 0 — Foundation"), "Phase 0 — Foundation");
        assert_eq!(repair_line("café"), "café");
        assert_eq!(repair_line("naïve résumé"), "naïve résumé");
        assert_eq!(repair_line("plain"), "plain");
    }
}
