//! The prose of a Markdown text: what people wrote, as opposed to code, quotes of others and
//! hidden comments, where a "Depends on #3" or a command means nothing.

use std::borrow::Cow;

/// The lines of `text` outside fenced code blocks, block quotes (with their lazy
/// continuation lines, as CommonMark reads them) and HTML comments. Indented code blocks are
/// kept: four spaces also start a nested list item, and mistaking one for code would lose a
/// dependency.
pub(crate) fn prose_lines(text: &str) -> Vec<Cow<'_, str>> {
    let mut lines = Vec::new();
    let mut fence: Option<Fence> = None;
    let mut in_quote = false;
    let mut in_comment = false;
    for line in text.lines() {
        if let Some(open) = &fence {
            if open.closed_by(line) {
                fence = None;
            }
            continue;
        }
        let (visible, still_in_comment) = without_comments(line, in_comment);
        in_comment = still_in_comment;
        let block = block_start(&visible);
        if let Some(opened) = Fence::opened_by(block) {
            fence = Some(opened);
            in_quote = false;
            continue;
        }
        if block.starts_with('>') {
            in_quote = true;
            continue;
        }
        if visible.trim().is_empty() {
            in_quote = false;
        }
        if !in_quote {
            lines.push(visible);
        }
    }
    lines
}

/// The line without the up to three spaces CommonMark allows before a block marker.
fn block_start(line: &str) -> &str {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent <= 3 { &line[indent..] } else { line }
}

/// An open code fence: ``` or ~~~, at least three long.
struct Fence {
    marker: char,
    len: usize,
}

impl Fence {
    fn opened_by(line: &str) -> Option<Fence> {
        let marker = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = line.chars().take_while(|&c| c == marker).count();
        let info = &line[len..];
        // A backtick fence's info string cannot hold a backtick, else it is inline code.
        (len >= 3 && !(marker == '`' && info.contains('`'))).then_some(Fence { marker, len })
    }

    fn closed_by(&self, line: &str) -> bool {
        let line = block_start(line);
        let len = line.chars().take_while(|&c| c == self.marker).count();
        len >= self.len && line[len * self.marker.len_utf8()..].trim().is_empty()
    }
}

/// `line` with its HTML comments removed, given whether it starts inside one; and whether
/// the next line starts inside one.
fn without_comments(line: &str, mut in_comment: bool) -> (Cow<'_, str>, bool) {
    if !in_comment && !line.contains("<!--") {
        return (Cow::Borrowed(line), false);
    }
    let mut visible = String::new();
    let mut rest = line;
    loop {
        if in_comment {
            match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    in_comment = false;
                }
                None => break,
            }
        } else {
            match rest.find("<!--") {
                Some(start) => {
                    visible.push_str(&rest[..start]);
                    rest = &rest[start + 4..];
                    in_comment = true;
                }
                None => {
                    visible.push_str(rest);
                    break;
                }
            }
        }
    }
    (Cow::Owned(visible), in_comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(text: &str) -> Vec<String> {
        prose_lines(text).into_iter().map(Cow::into_owned).collect()
    }

    #[test]
    fn fenced_code_is_left_out() {
        let text = "a\n```sh\nDepends on #1\n```\nb\n~~~~\nx\n~~~\nstill code\n~~~~\nc";
        assert_eq!(prose(text), ["a", "b", "c"]);
    }

    #[test]
    fn a_fence_closes_only_with_its_own_marker_and_length() {
        let text = "````\n```\ncode\n````  \nafter";
        assert_eq!(prose(text), ["after"]);
        assert_eq!(
            prose("```\nnever closed\nDepends on #1"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn inline_backticks_do_not_open_a_fence() {
        assert_eq!(
            prose("```x``` is inline\nnext"),
            ["```x``` is inline", "next"]
        );
    }

    #[test]
    fn quotes_and_their_lazy_lines_are_left_out() {
        let text = "> Depends on #1\nlazy #2\n\nDepends on #3\n   > quoted too";
        assert_eq!(prose(text), ["", "Depends on #3"]);
    }

    #[test]
    fn four_spaces_are_not_a_quote_marker() {
        assert_eq!(prose("    > kept"), ["    > kept"]);
    }

    #[test]
    fn html_comments_are_left_out_across_lines() {
        let text = "keep <!-- hide --> this\n<!-- start\nDepends on #1\nend -->after\nlast";
        assert_eq!(prose(text), ["keep  this", "", "", "after", "last"]);
    }
}
